import type { Migration } from '../../db/database';

/**
 * What the sales uploader needs from the outbox. A sale the store will never take as it is
 * (`conflict`: the store has another sale under its id; `invalid`: the store or the lane
 * refused its shape) is flagged, so it is reported and kept but not resent in a loop. Sent
 * rows are pruned after a while (by `closed_at`), so the sent index makes that a range read.
 */
export const migration0006OutboxUpload: Migration = {
  version: 6,
  name: 'outbox upload flags and pruning index',
  up(db) {
    db.exec(`
      ALTER TABLE outbox ADD COLUMN flagged TEXT CHECK (flagged IS NULL OR flagged IN ('conflict', 'invalid'));
      ALTER TABLE outbox ADD COLUMN flagged_at INTEGER;
      ALTER TABLE outbox ADD COLUMN flag_detail TEXT;
      DROP INDEX outbox_unsent;
      CREATE INDEX outbox_unsent ON outbox (sale_number) WHERE sent_at IS NULL AND flagged IS NULL;
      CREATE INDEX outbox_sent_by_close ON outbox (closed_at) WHERE sent_at IS NOT NULL;
    `);
  },
};
