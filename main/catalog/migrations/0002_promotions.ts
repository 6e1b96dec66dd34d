import type { Migration } from '../../db/database';

/**
 * Promotions (applied by the lane to matching items) and coupons (scanned by the shopper).
 * Rules and GTIN lists are JSON: the lane reads them all at once and caches them, so they need
 * no columns of their own; the CHECKs keep out rows the lane could not read at all.
 */
export const migration0002Promotions: Migration = {
  version: 2,
  name: 'promotions and coupons',
  up(db) {
    db.exec(`
      CREATE TABLE promotions (
        id           TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
        names        TEXT NOT NULL CHECK (json_valid(names) AND json_extract(names, '$.en') IS NOT NULL),
        rule         TEXT NOT NULL CHECK (json_valid(rule) AND json_extract(rule, '$.kind') IN ('percentage', 'amountOff', 'multiBuy', 'perKg')),
        gtins        TEXT NOT NULL CHECK (json_valid(gtins) AND json_type(gtins) = 'array'),
        -- ms since the epoch; valid_to is exclusive
        valid_from   INTEGER,
        valid_to     INTEGER CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to),
        loyalty_only INTEGER NOT NULL DEFAULT 0 CHECK (loyalty_only IN (0, 1))
      );
      CREATE TABLE coupons (
        code                TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 64),
        names               TEXT NOT NULL CHECK (json_valid(names) AND json_extract(names, '$.en') IS NOT NULL),
        rule                TEXT NOT NULL CHECK (json_valid(rule) AND json_extract(rule, '$.kind') IN ('percentage', 'amountOff')),
        -- NULL: the whole basket
        gtins               TEXT CHECK (gtins IS NULL OR (json_valid(gtins) AND json_type(gtins) = 'array')),
        minimum_spend_minor INTEGER CHECK (minimum_spend_minor IS NULL OR minimum_spend_minor >= 0),
        valid_from          INTEGER,
        valid_to            INTEGER CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to),
        loyalty_only        INTEGER NOT NULL DEFAULT 0 CHECK (loyalty_only IN (0, 1))
      );
    `);
  },
};
