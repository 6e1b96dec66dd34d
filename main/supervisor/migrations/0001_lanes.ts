import type { Migration } from '../../db/database';

/**
 * The lanes store IT has provisioned (`lanewise supervisor add-lane`) and each one's secret, which
 * proves a lane's hello and signs the hub's commands to it. A disabled lane keeps its row (and its
 * history in the audit trail) but may not connect.
 */
export const migration0001Lanes: Migration = {
  version: 1,
  name: 'provisioned lanes and their secrets',
  up(db) {
    db.exec(`
      CREATE TABLE lanes (
        lane_id    TEXT PRIMARY KEY CHECK (length(lane_id) BETWEEN 1 AND 16),
        secret     TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        disabled   INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
      );
    `);
  },
};
