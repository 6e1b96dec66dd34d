import type { Migration } from '../../../db/database';

/**
 * The store server's first schema: the versioned catalogue, the sales lanes upload and the lanes
 * store IT provisioned.
 *
 * Each catalogue entity is one row holding its newest value (canonical JSON, so "unchanged" is a
 * string compare) and the version that wrote it; a deletion keeps the row with a NULL value (a
 * tombstone) until purged, so a delta is one range read on `version`.
 */
export const migration0001Store: Migration = {
  version: 1,
  name: 'catalogue, sales and lanes',
  up(db) {
    db.exec(`
      CREATE TABLE catalog_entities (
        kind    TEXT NOT NULL CHECK (kind IN ('settings', 'vatClass', 'item', 'promotion', 'coupon', 'assistant')),
        key     TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
        version INTEGER NOT NULL CHECK (version >= 1),
        value   TEXT CHECK (value IS NULL OR json_valid(value)),
        PRIMARY KEY (kind, key)
      ) WITHOUT ROWID;
      CREATE INDEX catalog_entities_by_version ON catalog_entities (version);

      -- One row: the catalogue's version and the oldest version a delta can still start from.
      CREATE TABLE catalog_state (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        version      INTEGER NOT NULL CHECK (version >= 0),
        purged_below INTEGER NOT NULL DEFAULT 0 CHECK (purged_below >= 0)
      );
      INSERT INTO catalog_state (id, version, purged_below) VALUES (1, 0, 0);

      -- Where each version came from (an import file, a tool), for store IT.
      CREATE TABLE catalog_batches (
        version    INTEGER PRIMARY KEY,
        applied_at INTEGER NOT NULL,
        source     TEXT,
        changed    INTEGER NOT NULL
      );

      CREATE TABLE sales (
        received_seq INTEGER PRIMARY KEY,
        sale_id      TEXT NOT NULL UNIQUE CHECK (length(sale_id) BETWEEN 1 AND 64),
        lane_id      TEXT NOT NULL,
        epoch        TEXT NOT NULL CHECK (length(epoch) BETWEEN 1 AND 32),
        number       INTEGER NOT NULL CHECK (number >= 1),
        status       TEXT NOT NULL CHECK (status IN ('completed', 'cancelled')),
        closed_at    INTEGER NOT NULL,
        total_minor  INTEGER NOT NULL,
        currency     TEXT NOT NULL CHECK (length(currency) = 3),
        digest       TEXT NOT NULL CHECK (length(digest) = 64),
        payload      TEXT NOT NULL,
        received_at  INTEGER NOT NULL
      );
      CREATE INDEX sales_by_lane_sequence ON sales (lane_id, epoch, number);

      -- Tokens are kept only as their SHA-256 (hex): a copy of this file does not let anyone in.
      CREATE TABLE lanes (
        lane_id      TEXT PRIMARY KEY CHECK (length(lane_id) BETWEEN 1 AND 16),
        token_hash   TEXT NOT NULL CHECK (length(token_hash) = 64),
        disabled     INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        added_at     INTEGER NOT NULL,
        last_seen_at INTEGER
      );
    `);
  },
};
