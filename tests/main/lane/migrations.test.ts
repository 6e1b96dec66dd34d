import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../main/db/database';
import { migration0001Journal } from '../../../main/lane/migrations/0001_journal';
import { migration0002ItemWeights } from '../../../main/lane/migrations/0002_item_weights';

describe('journal migrations', () => {
  it('0001 creates the journal, the lane state row and the outbox', () => {
    const db = new Database(':memory:');
    expect(migrate(db, [migration0001Journal])).toEqual([1]);
    expect(schemaVersion(db)).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['events', 'lane_meta', 'lane_state', 'outbox', 'quarantined_state']));
    // Only one lane state row can exist.
    db.prepare("INSERT INTO lane_state (id, event_seq, state, snapshot, updated_at) VALUES (1, 1, 'idle', '{}', 0)").run();
    expect(() => db.prepare("INSERT INTO lane_state (id, event_seq, state, snapshot, updated_at) VALUES (2, 1, 'idle', '{}', 0)").run()).toThrow(/CHECK/);
    // A sale number is used once; statuses are closed ones.
    const outbox = db.prepare('INSERT INTO outbox (sale_id, sale_number, status, total_minor, closed_at, payload) VALUES (?, ?, ?, 0, 0, ?)');
    outbox.run('s1', 1, 'completed', '{}');
    expect(() => outbox.run('s2', 1, 'completed', '{}')).toThrow(/UNIQUE/);
    expect(() => outbox.run('s3', 3, 'open', '{}')).toThrow(/CHECK/);
    expect(() => outbox.run('s4', 4, 'completed', 'not json')).toThrow(/CHECK/);
  });

  it('0002 adds learned item weights to an existing journal, JSON only', () => {
    const db = new Database(':memory:');
    migrate(db, [migration0001Journal]);
    expect(migrate(db, [migration0001Journal, migration0002ItemWeights])).toEqual([2]);
    expect(schemaVersion(db)).toBe(2);
    const put = db.prepare('INSERT INTO item_weights (gtin, profile, updated_at) VALUES (?, ?, 0)');
    put.run('04750001000016', '{"count":1,"recentGrams":[1032],"outlierGrams":[]}');
    expect(() => put.run('04750001000023', 'not json')).toThrow(/CHECK/);
  });
});
