import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../main/db/database';
import { catalogMigrations } from '../../../main/catalog/migrations';
import { migration0001Items } from '../../../main/catalog/migrations/0001_items';

describe('catalogue migrations', () => {
  it('0001 creates items and VAT classes with their constraints', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    expect(migrate(db, [migration0001Items])).toEqual([1]);
    expect(schemaVersion(db)).toBe(1);
    db.prepare("INSERT INTO vat_classes (code, rate_bp, label) VALUES ('A', 2100, 'VAT 21%')").run();
    const insert = db.prepare(
      "INSERT INTO items (gtin, names, price_minor, sold_by, vat_class, search_text) VALUES (?, ?, ?, ?, ?, '')",
    );
    insert.run(4750001000016, '{"en":"Milk"}', 119, 'unit', 'A');
    // More than 14 digits, a missing English name, a negative price, a bad sold-by, an unknown VAT class: all refused.
    expect(() => insert.run(123456789012345, '{"en":"x"}', 1, 'unit', 'A')).toThrow(/CHECK/);
    expect(() => insert.run(4750001000023, '{"ru":"x"}', 1, 'unit', 'A')).toThrow(/CHECK/);
    expect(() => insert.run(4750001000023, '{"en":"x"}', -1, 'unit', 'A')).toThrow(/CHECK/);
    expect(() => insert.run(4750001000023, '{"en":"x"}', 1, 'litre', 'A')).toThrow(/CHECK/);
    expect(() => insert.run(4750001000023, '{"en":"x"}', 1, 'unit', 'Z')).toThrow(/FOREIGN KEY/);
    // A GTIN is there once.
    expect(() => insert.run(4750001000016, '{"en":"again"}', 1, 'unit', 'A')).toThrow(/UNIQUE|PRIMARY KEY/);
  });

  it('applies nothing twice and refuses a database from a newer version', () => {
    const db = new Database(':memory:');
    expect(migrate(db, catalogMigrations)).toEqual([1, 2, 3, 4]);
    expect(migrate(db, catalogMigrations)).toEqual([]);
    db.pragma('user_version = 99');
    expect(() => migrate(db, catalogMigrations)).toThrow(/newer than this program/);
  });
});
