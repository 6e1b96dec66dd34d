import type { Migration } from '../../db/database';

/**
 * The lane's journal: every event the checkout received, the statechart's state after it,
 * and finished sales waiting to be sent to the store. Written with synchronous=FULL.
 */
export const migration0001Journal: Migration = {
  version: 1,
  name: 'journal, lane state and outbox',
  up(db) {
    db.exec(`
      CREATE TABLE lane_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      -- One row: the persisted statechart snapshot after the newest event.
      CREATE TABLE lane_state (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        event_seq  INTEGER NOT NULL,
        state      TEXT NOT NULL,
        snapshot   TEXT NOT NULL CHECK (json_valid(snapshot)),
        updated_at INTEGER NOT NULL
      );
      -- Append-only: what happened at the lane, in order.
      CREATE TABLE events (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        at      INTEGER NOT NULL,
        type    TEXT NOT NULL,
        sale_id TEXT,
        state   TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload))
      );
      CREATE INDEX events_by_sale ON events (sale_id) WHERE sale_id IS NOT NULL;
      -- Closed sales (completed or cancelled), written in the same transaction that closed them.
      CREATE TABLE outbox (
        sale_id     TEXT PRIMARY KEY,
        sale_number INTEGER NOT NULL UNIQUE,
        status      TEXT NOT NULL CHECK (status IN ('completed', 'cancelled')),
        total_minor INTEGER NOT NULL,
        closed_at   INTEGER NOT NULL,
        payload     TEXT NOT NULL CHECK (json_valid(payload)),
        sent_at     INTEGER,
        attempts    INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX outbox_unsent ON outbox (sale_number) WHERE sent_at IS NULL;
      -- A saved state this version could not restore: kept for an assistant, never dropped.
      CREATE TABLE quarantined_state (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        at       INTEGER NOT NULL,
        error    TEXT NOT NULL,
        snapshot TEXT NOT NULL
      );
    `);
  },
};
