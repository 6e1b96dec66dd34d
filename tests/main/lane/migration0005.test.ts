import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../main/db/database';
import { journalMigrations } from '../../../main/lane/migrations';
import { migration0001Journal } from '../../../main/lane/migrations/0001_journal';
import { migration0002ItemWeights } from '../../../main/lane/migrations/0002_item_weights';
import { migration0003AssistantActions } from '../../../main/lane/migrations/0003_assistant_actions';
import { migration0004SuspendedSales } from '../../../main/lane/migrations/0004_suspended_sales';

describe('journal migration 0005', () => {
  it('0005 adds the supervisor command nonce store and the security events to a version 4 journal, JSON details only', () => {
    const db = new Database(':memory:');
    migrate(db, [migration0001Journal, migration0002ItemWeights, migration0003AssistantActions, migration0004SuspendedSales]);
    expect(migrate(db, journalMigrations.slice(0, 5))).toEqual([5]);
    expect(schemaVersion(db)).toBe(5);
    const command = db.prepare('INSERT INTO supervisor_commands (id, expires_at, received_at, outcome) VALUES (?, 1, 1, ?)');
    command.run('a'.repeat(32), null);
    expect(() => command.run('a'.repeat(32), null)).toThrow(/UNIQUE/);
    expect(() => command.run('b'.repeat(32), 'maybe')).toThrow(/CHECK/);
    const security = db.prepare('INSERT INTO security_events (at, kind, detail) VALUES (1, ?, ?)');
    expect(security.run('signInFailed', '{"assistantId":"1001"}').lastInsertRowid).toBe(1);
    expect(() => security.run('signInFailed', 'not json')).toThrow(/CHECK/);
  });
});
