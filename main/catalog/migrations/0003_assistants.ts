import type { Migration } from '../../db/database';

/**
 * The store's assistants: staff who may approve things at a lane, synced from the store like prices.
 * Secrets are stored only as hashes, so a copied catalogue file gives away neither PINs nor badges.
 */
export const migration0003Assistants: Migration = {
  version: 3,
  name: 'assistants',
  up(db) {
    db.exec(`
      CREATE TABLE assistants (
        -- the assistant number typed at a lane
        id         TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 10 AND id NOT GLOB '*[^0-9]*'),
        name       TEXT NOT NULL CHECK (length(name) > 0),
        role       TEXT NOT NULL DEFAULT 'assistant' CHECK (role IN ('assistant', 'supervisor')),
        -- scrypt$N$r$p$saltB64$hashB64: slow on purpose, a PIN has only 4 to 8 digits
        pin_hash   TEXT NOT NULL CHECK (pin_hash LIKE 'scrypt$%'),
        -- sha256 hex of the badge code, looked up on every badge scan; it hides codes only as well
        -- as they are random, so printed badges need a long random part
        badge_hash TEXT UNIQUE CHECK (badge_hash IS NULL OR (length(badge_hash) = 64 AND badge_hash NOT GLOB '*[^0-9a-f]*')),
        active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
      );
    `);
  },
};
