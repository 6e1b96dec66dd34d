import type { Migration } from '../../db/database';

/**
 * What the shift and day reports are computed from.
 *
 * `interventions`: one row per intervention the hub saw open, on the hub's clock (raised when a
 * lane's status first showed it, cleared when a status no longer did). Rows still open when the
 * hub stops are picked up again when it starts, so a restart neither loses nor doubles them.
 * `line_id` makes the queue id (`lane:kind:line`) rebuildable after a restart.
 *
 * `sales`: closed sales as lanes report them (their clock). Lanes resend recent ones after every
 * reconnect, hence the primary key and ON CONFLICT DO NOTHING.
 */
export const migration0003ReportFacts: Migration = {
  version: 3,
  name: 'interventions and closed sales for reports',
  up(db) {
    db.exec(`
      CREATE TABLE interventions (
        id         INTEGER PRIMARY KEY,
        lane_id    TEXT NOT NULL,
        kind       TEXT NOT NULL,
        line_id    INTEGER,
        sale_id    TEXT,
        raised_at  INTEGER NOT NULL,
        cleared_at INTEGER CHECK (cleared_at IS NULL OR cleared_at >= raised_at)
      );
      CREATE INDEX interventions_open ON interventions (lane_id) WHERE cleared_at IS NULL;
      CREATE INDEX interventions_by_raised ON interventions (raised_at);
      -- A sale's interventions that named no sale (help before the first scan): by lane and time.
      CREATE INDEX interventions_by_lane ON interventions (lane_id, raised_at);
      CREATE INDEX interventions_by_cleared ON interventions (cleared_at) WHERE cleared_at IS NOT NULL;
      CREATE INDEX interventions_by_sale ON interventions (sale_id) WHERE sale_id IS NOT NULL;

      CREATE TABLE sales (
        sale_id     TEXT PRIMARY KEY,
        lane_id     TEXT NOT NULL,
        number      INTEGER NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('completed', 'cancelled', 'abandoned', 'suspended')),
        started_at  INTEGER NOT NULL,
        closed_at   INTEGER NOT NULL,
        item_count  INTEGER NOT NULL CHECK (item_count >= 0),
        total_minor INTEGER NOT NULL,
        currency    TEXT NOT NULL
      );
      CREATE INDEX sales_by_closed ON sales (closed_at);
    `);
  },
};
