import type { Migration } from '../../db/database';

/**
 * The supervisor link's memory. `supervisor_commands` is the nonce store: every command id the
 * lane accepted is kept (with what became of it) until well after it expires, on disk, so a
 * restart never re-opens a window for replaying a captured command. `security_events` keeps
 * what the lane refused — commands that failed authentication or policy, failed sign-ins,
 * staff acting beyond their role, the hub refusing the lane — for the audit trail.
 */
export const migration0005SupervisorSecurity: Migration = {
  version: 5,
  name: 'supervisor command nonces and security events',
  up(db) {
    db.exec(`
      CREATE TABLE supervisor_commands (
        id          TEXT PRIMARY KEY,
        expires_at  INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        by_id       TEXT,
        action      TEXT,
        outcome     TEXT CHECK (outcome IS NULL OR outcome IN ('done', 'notNow', 'rejected')),
        reason      TEXT
      );
      CREATE INDEX supervisor_commands_by_expiry ON supervisor_commands (expires_at);
      CREATE TABLE security_events (
        seq    INTEGER PRIMARY KEY AUTOINCREMENT,
        at     INTEGER NOT NULL,
        kind   TEXT NOT NULL,
        detail TEXT NOT NULL CHECK (json_valid(detail))
      );
    `);
  },
};
