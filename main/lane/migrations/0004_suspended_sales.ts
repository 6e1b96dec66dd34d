import type { Migration } from '../../db/database';

/**
 * Sales put on hold with a slip. A slip resumes its sale once: `resumed_at` is set in the same
 * transaction as the event that took the basket over. Sent to the store by the store link, so
 * another lane can resume it there (until then, only this lane knows the sale).
 */
export const migration0004SuspendedSales: Migration = {
  version: 4,
  name: 'suspended sales',
  up(db) {
    db.exec(`
      CREATE TABLE suspended_sales (
        sale_id          TEXT PRIMARY KEY,
        suspended_at     INTEGER NOT NULL,
        total_minor      INTEGER NOT NULL,
        payload          TEXT NOT NULL CHECK (json_valid(payload)),
        resumed_at       INTEGER,
        resumed_by_sale  TEXT
      );
    `);
  },
};
