import type { Migration } from '../../db/database';

/**
 * What each item weighs in this lane's bagging area, learned from completed sales
 * (shared/checkout/bagging.ts `WeightProfile`, as JSON). Lane-local for now; the
 * store sync can pool profiles across lanes later.
 */
export const migration0002ItemWeights: Migration = {
  version: 2,
  name: 'learned item weights for the bagging scale',
  up(db) {
    db.exec(`
      CREATE TABLE item_weights (
        gtin       TEXT PRIMARY KEY,
        profile    TEXT NOT NULL CHECK (json_valid(profile)),
        updated_at INTEGER NOT NULL
      );
    `);
  },
};
