import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../main/db/database';
import { AuditLog } from '../../../main/supervisor/auditLog';
import { hubDatabasePath, openHubDatabase } from '../../../main/supervisor/hubDatabase';
import { hubMigrations } from '../../../main/supervisor/migrations';
import { migration0001Lanes } from '../../../main/supervisor/migrations/0001_lanes';
import { migration0002Audit } from '../../../main/supervisor/migrations/0002_audit';
import { migration0003ReportFacts } from '../../../main/supervisor/migrations/0003_report_facts';
import { makeTempDir } from '../helpers/tempDir';

describe('supervisor hub migrations', () => {
  it('0001 creates lanes: one row per id, ids of 1 to 16 characters, disabled a flag', () => {
    const db = new Database(':memory:');
    expect(migrate(db, [migration0001Lanes])).toEqual([1]);
    const add = db.prepare('INSERT INTO lanes (lane_id, secret, created_at, disabled) VALUES (?, ?, 0, ?)');
    add.run('L01', 's', 0);
    expect(() => add.run('L01', 's2', 0)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => add.run('', 's', 0)).toThrow(/CHECK/);
    expect(() => add.run('x'.repeat(17), 's', 0)).toThrow(/CHECK/);
    expect(() => add.run('L02', 's', 2)).toThrow(/CHECK/);
    expect(db.prepare("SELECT disabled FROM lanes WHERE lane_id = 'L01'").pluck().get()).toBe(0);
  });

  it('0002 adds the audit trail: a lane’s entry is kept once, hub rows (no lane ref) any number of times', () => {
    const db = new Database(':memory:');
    migrate(db, [migration0001Lanes]);
    expect(migrate(db, [migration0001Lanes, migration0002Audit])).toEqual([2]);
    const add = db.prepare(
      `INSERT INTO audit (at, assistant_id, role, lane_id, action, via, outcome, detail, lane_ref) VALUES (0, '1001', ?, ?, 'approveAge', ?, 'done', ?, ?) ON CONFLICT DO NOTHING`,
    );
    expect(add.run('assistant', 'L01', 'lane', null, 'action:1').changes).toBe(1);
    expect(add.run('assistant', 'L01', 'lane', null, 'action:1').changes).toBe(0);
    // The same ref from another lane is another entry.
    expect(add.run('assistant', 'L02', 'lane', null, 'action:1').changes).toBe(1);
    expect(add.run('supervisor', 'L01', 'supervisor', '{"action":{"kind":"approveAge"}}', null).changes).toBe(1);
    expect(add.run('supervisor', 'L01', 'supervisor', null, null).changes).toBe(1);
    expect(() => add.run('manager', 'L01', 'lane', null, 'action:2')).toThrow(/CHECK/);
    expect(() => add.run('assistant', 'L01', 'kiosk', null, 'action:3')).toThrow(/CHECK/);
    expect(() => add.run('assistant', 'L01', 'lane', 'not json', 'action:4')).toThrow(/CHECK/);
    expect(db.prepare('SELECT count(*) FROM audit').pluck().get()).toBe(4);
  });

  it('0003 adds interventions and sales: a sale is kept once, a clearing never precedes its raising', () => {
    const db = new Database(':memory:');
    migrate(db, [migration0001Lanes, migration0002Audit]);
    expect(migrate(db, [migration0001Lanes, migration0002Audit, migration0003ReportFacts])).toEqual([3]);
    expect(schemaVersion(db)).toBe(3);
    const raise = db.prepare("INSERT INTO interventions (lane_id, kind, line_id, sale_id, raised_at, cleared_at) VALUES ('L01', 'help', NULL, 's1', 100, ?)");
    raise.run(null);
    raise.run(150);
    expect(() => raise.run(50)).toThrow(/CHECK/);
    const sale = db.prepare(
      "INSERT INTO sales (sale_id, lane_id, number, status, started_at, closed_at, item_count, total_minor, currency) VALUES (?, 'L01', 1, ?, 0, 10, ?, 199, 'EUR') ON CONFLICT DO NOTHING",
    );
    expect(sale.run('s1', 'completed', 1).changes).toBe(1);
    expect(sale.run('s1', 'completed', 1).changes).toBe(0);
    expect(() => sale.run('s2', 'open', 1)).toThrow(/CHECK/);
    expect(() => sale.run('s3', 'completed', -1)).toThrow(/CHECK/);
    expect(sale.run('s4', 'abandoned', 0).changes).toBe(1);
  });

  it('opens a hub database readable by its owner only, and reopens it at the newest version', () => {
    const dir = makeTempDir();
    try {
      const path = hubDatabasePath(join(dir.path, 'hub'));
      const db = openHubDatabase(path);
      db.prepare("INSERT INTO lanes (lane_id, secret, created_at) VALUES ('L01', 'secret', 0)").run();
      expect(schemaVersion(db)).toBe(hubMigrations.length);
      db.close();
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir.path, 'hub')).mode & 0o077).toBe(0);
      const again = openHubDatabase(path);
      expect(again.prepare('SELECT lane_id FROM lanes').pluck().all()).toEqual(['L01']);
      // NORMAL for the hub's machine-rate writes; an audit row is written FULL and leaves it so.
      expect(again.pragma('synchronous', { simple: true })).toBe(1);
      const stored = new AuditLog(again).record({ at: 1, assistantId: null, assistantName: null, role: null, laneId: 'L01', saleId: null, action: 'laneRefused', reason: 'badProof', via: 'supervisor', outcome: 'rejected' });
      expect(stored).toMatchObject({ id: 1, action: 'laneRefused', detail: null });
      expect(again.pragma('synchronous', { simple: true })).toBe(1);
      expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
      again.close();
    } finally {
      dir.remove();
    }
  });
});
