import type { Migration } from '../../db/database';

/**
 * The store's audit trail: every assistant action at the station (by the hub) and at the lanes (as
 * each lane reports it), refused lane connections and sign-ins. `lane_ref` is the lane's own id of
 * an entry it reported: lanes resend their recent entries after every reconnect, and the UNIQUE
 * constraint keeps each once (rows written by the hub have none; NULLs never clash).
 */
export const migration0002Audit: Migration = {
  version: 2,
  name: 'audit trail',
  up(db) {
    db.exec(`
      CREATE TABLE audit (
        id             INTEGER PRIMARY KEY,
        at             INTEGER NOT NULL,
        assistant_id   TEXT,
        assistant_name TEXT,
        role           TEXT CHECK (role IS NULL OR role IN ('assistant', 'supervisor')),
        lane_id        TEXT,
        sale_id        TEXT,
        action         TEXT NOT NULL,
        reason         TEXT,
        via            TEXT NOT NULL CHECK (via IN ('lane', 'supervisor')),
        outcome        TEXT NOT NULL,
        detail         TEXT CHECK (detail IS NULL OR json_valid(detail)),
        lane_ref       TEXT,
        UNIQUE (lane_id, lane_ref)
      );
      CREATE INDEX audit_by_time ON audit (at);
      CREATE INDEX audit_by_lane ON audit (lane_id, at);
    `);
  },
};
