import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../main/db/database';
import { journalMigrations } from '../../../main/lane/migrations';
import { Journal, outboxBacklogSql } from '../../../main/lane/journal';

/** Every step of SQLite's plan for a query. */
function planOf(db: Database.Database, sql: string): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail);
}

describe('journal migration 0007', () => {
  it('indexes flagged sales, so the backlog read after every sale never walks the whole outbox', () => {
    const db = new Database(':memory:');
    migrate(db, journalMigrations.slice(0, 6));
    const insert = db.prepare('INSERT INTO outbox (sale_id, sale_number, status, total_minor, closed_at, payload, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    // A lane's history: 2,000 sales sent, three waiting, one the store refused.
    for (let number = 1; number <= 2_004; number++) insert.run(`L01-e-${number}`, number, 'completed', 119, 1_000 + number, '{"lines":[]}', number <= 2_000 ? 5_000 + number : null);
    db.prepare("UPDATE outbox SET flagged = 'conflict', flagged_at = 1, flag_detail = 'another sale under this id' WHERE sale_number = 2002").run();
    // Before: counting flagged sales had no index and read every row.
    expect(planOf(db, outboxBacklogSql)).toContain('SCAN outbox');

    expect(migrate(db, journalMigrations)).toEqual([7]);
    expect(schemaVersion(db)).toBe(7);
    const plan = planOf(db, outboxBacklogSql);
    expect(plan.filter((step) => /outbox/u.test(step))).toHaveLength(3);
    // Each figure reads one of the partial indexes: as many rows as the backlog holds.
    for (const step of plan.filter((line) => /outbox/u.test(line))) expect(step).toMatch(/USING (COVERING )?INDEX outbox_(unsent|flagged)\b/u);

    const journal = new Journal(db);
    expect(journal.outboxBacklog()).toEqual({ unsent: 3, oldestUnsentAt: 3_001, flagged: 1 });
    expect(journal.flaggedSales().map((sale) => sale.saleNumber)).toEqual([2002]);
    expect(planOf(db, 'SELECT sale_id FROM outbox WHERE flagged IS NOT NULL AND sent_at IS NULL ORDER BY sale_number LIMIT 100')).toEqual(['SCAN outbox USING INDEX outbox_flagged']);
    journal.close();
  });
});
