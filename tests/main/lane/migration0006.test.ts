import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../main/db/database';
import { journalMigrations } from '../../../main/lane/migrations';
import { Journal } from '../../../main/lane/journal';

describe('journal migration 0006', () => {
  it('adds the upload flags to a version 5 outbox, keeping its rows unsent and unflagged', () => {
    const db = new Database(':memory:');
    migrate(db, journalMigrations.slice(0, 5));
    db.prepare("INSERT INTO outbox (sale_id, sale_number, status, total_minor, closed_at, payload) VALUES ('L01-e-1', 1, 'completed', 119, 10, '{}')").run();
    db.prepare("INSERT INTO outbox (sale_id, sale_number, status, total_minor, closed_at, payload, sent_at) VALUES ('L01-e-2', 2, 'cancelled', 0, 11, '{}', 20)").run();
    expect(migrate(db, journalMigrations.slice(0, 6))).toEqual([6]);
    expect(schemaVersion(db)).toBe(6);
    const journal = new Journal(db);
    expect(journal.outboxBacklog()).toEqual({ unsent: 1, oldestUnsentAt: 10, flagged: 0 });
    expect(journal.unsentSales(10).map((row) => row.saleId)).toEqual(['L01-e-1']);
    expect(() => db.prepare("UPDATE outbox SET flagged = 'lost' WHERE sale_id = 'L01-e-1'").run()).toThrow(/CHECK/);
    expect(journal.flagSale('L01-e-1', 'conflict', 'another sale under this id', 30)).toBe(true);
    // A sale already sent is never flagged.
    expect(journal.flagSale('L01-e-2', 'conflict', 'x', 30)).toBe(false);
    expect(journal.outboxBacklog()).toEqual({ unsent: 0, oldestUnsentAt: null, flagged: 1 });
    expect(journal.unsentSales(10)).toEqual([]);
    expect(journal.unflagSales()).toBe(1);
    expect(journal.unsentSales(10).map((row) => row.saleId)).toEqual(['L01-e-1']);
    journal.close();
  });
});
