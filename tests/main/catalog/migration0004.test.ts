import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../main/db/database';
import { catalogMigrations } from '../../../main/catalog/migrations';

describe('catalogue migration 0004 (sync state, scheduled prices, piece weights)', () => {
  it('adds its tables and columns to a catalogue with items, which keep working', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, catalogMigrations.slice(0, 3));
    db.prepare("INSERT INTO vat_classes (code, rate_bp, label) VALUES ('A', 2100, 'VAT 21%')").run();
    db.prepare("INSERT INTO items (gtin, names, price_minor, sold_by, vat_class, search_text) VALUES (4750001000016, '{\"en\":\"Milk\"}', 119, 'unit', 'A', 'milk')").run();

    expect(migrate(db, catalogMigrations)).toEqual([4]);
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT has_schedule, weight_grams, weight_tolerance_grams FROM items').get()).toEqual({ has_schedule: 0, weight_grams: null, weight_tolerance_grams: null });
    expect(db.prepare('SELECT count(*) AS n FROM catalog_sync').get()).toEqual({ n: 0 });

    // A weight comes with its tolerance, within range.
    const weigh = db.prepare('UPDATE items SET weight_grams = ?, weight_tolerance_grams = ?');
    weigh.run(1000, 20);
    expect(() => weigh.run(1000, null)).toThrow(/CHECK/);
    expect(() => weigh.run(-1, 5)).toThrow(/CHECK/);
    expect(() => weigh.run(100, 20_000)).toThrow(/CHECK/);

    const schedule = db.prepare('INSERT INTO scheduled_prices (gtin, from_ms, price_minor) VALUES (?, ?, ?)');
    schedule.run(4750001000016, 1000, 99);
    expect(() => schedule.run(4750001000016, 1000, 98)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => schedule.run(4750001000016, 2000, -1)).toThrow(/CHECK/);

    // One sync state row, with a real checksum.
    const state = db.prepare("INSERT INTO catalog_sync (id, version, applied_at, kind, checksum, changed) VALUES (?, 5, 0, 'delta', ?, 1)");
    state.run(1, 'a'.repeat(64));
    expect(() => state.run(2, 'a'.repeat(64))).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE catalog_sync SET checksum = 'xyz'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE catalog_sync SET kind = 'patch'").run()).toThrow(/CHECK/);
  });
});
