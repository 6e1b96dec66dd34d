import type { Migration } from '../../db/database';

/**
 * The outbox's backlog figures are read after every sale and every upload. Counting flagged sales
 * had no index to use, so each read walked the whole outbox — every sale kept, payload and all —
 * and a lane's CPU per sale grew with its history (measured by the soak: a lane's CPU rose from
 * 0.12 to 0.32 of a core over 5,000 of its sales at the same rate of selling). Flagged sales are few:
 * their own partial index keeps that read, and store IT's list of them, as small as they are.
 */
export const migration0007OutboxFlaggedIndex: Migration = {
  version: 7,
  name: 'outbox index of flagged unsent sales',
  up(db) {
    db.exec('CREATE INDEX outbox_flagged ON outbox (sale_number) WHERE flagged IS NOT NULL AND sent_at IS NULL;');
  },
};
