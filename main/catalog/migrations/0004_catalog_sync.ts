import type { Migration } from '../../db/database';

/**
 * What a lane needs to keep its catalogue in step with the store server (issue 6): which
 * catalogue version it holds, prices that take effect later, and what one piece weighs.
 * A catalogue without a `catalog_sync` row (the demo's, or one never synced) is at version 0.
 */
export const migration0004CatalogSync: Migration = {
  version: 4,
  name: 'catalogue sync state, scheduled prices, piece weights',
  up(db) {
    db.exec(`
      -- One row: the store's catalogue version this file holds, and the update that brought it.
      CREATE TABLE catalog_sync (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        version    INTEGER NOT NULL CHECK (version >= 0),
        -- ms since the epoch
        applied_at INTEGER NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('delta', 'snapshot')),
        -- SHA-256 hex of the last update, as the store sent and the lane verified it
        checksum   TEXT NOT NULL CHECK (length(checksum) = 64 AND checksum NOT GLOB '*[^0-9a-f]*'),
        changed    INTEGER NOT NULL CHECK (changed >= 0),
        -- the store server it came from (its URL or name), for store IT
        source     TEXT
      );
      -- Prices sent ahead: the lane takes the latest whose from_ms has passed. No foreign key to
      -- items, so a snapshot can rebuild items without cascading; the sync deletes them with the item.
      CREATE TABLE scheduled_prices (
        gtin        INTEGER NOT NULL,
        from_ms     INTEGER NOT NULL CHECK (from_ms >= 0),
        price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
        PRIMARY KEY (gtin, from_ms)
      ) WITHOUT ROWID;
      -- 1 when the item has rows in scheduled_prices: a scan probes that table only then.
      ALTER TABLE items ADD COLUMN has_schedule INTEGER NOT NULL DEFAULT 0 CHECK (has_schedule IN (0, 1));
      -- What one piece weighs, for the bagging scale before the lane has learned it.
      ALTER TABLE items ADD COLUMN weight_grams INTEGER CHECK (weight_grams IS NULL OR weight_grams BETWEEN 0 AND 100000);
      ALTER TABLE items ADD COLUMN weight_tolerance_grams INTEGER
        CHECK ((weight_tolerance_grams IS NULL) = (weight_grams IS NULL) AND (weight_tolerance_grams IS NULL OR weight_tolerance_grams BETWEEN 0 AND 10000));
    `);
  },
};
