import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import type { LaneSupervisorSnippet } from '../../../main/cli/supervisorCommand';
import { AuditLog } from '../../../main/supervisor/auditLog';
import { decodeLaneSecret } from '../../../main/supervisor/commandAuth';
import { hubDatabasePath, openHubDatabase } from '../../../main/supervisor/hubDatabase';
import type { RegisteredLane } from '../../../main/supervisor/laneRegistry';
import type { AuditEntry, Report } from '../../../shared/supervisor/stationService';
import { makeTempDir } from '../helpers/tempDir';
import { FakeLane } from './hubClients';
import { runCliInProcess as inProcess } from '../helpers/runCli';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real `lanewise` command, as store IT runs it (each spawn starts tsx: about a second). */
function lanewise(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/lanewise.mjs', ...args], { cwd: repoRoot, timeout: 30_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

const json = <T>(run: Run): T => JSON.parse(run.stdout) as T;
const spawnTimeout = 90_000;

describe('lanewise supervisor', () => {
  let dir: ReturnType<typeof makeTempDir>;

  beforeAll(() => {
    dir = makeTempDir();
  });
  afterAll(() => dir.remove());

  it('add-lane prints the lane’s configuration snippet with a fresh secret, once per lane unless rotating', { timeout: spawnTimeout }, async () => {
    const dataDir = join(dir.path, 'provision');
    const added = await lanewise(['supervisor', 'add-lane', 'L01', '--data-dir', dataDir]);
    expect(added.code).toBe(0);
    const snippet = json<LaneSupervisorSnippet>(added);
    expect(Object.keys(snippet)).toEqual(['supervisor']);
    expect(snippet.supervisor.url).toBe('ws://127.0.0.1:8100/lane');
    expect(decodeLaneSecret(snippet.supervisor.laneSecret)).toHaveLength(32);
    expect(added.stderr).toMatch(/^Keep this secret: anyone who has it can connect as lane L01/);

    const again = await inProcess(['supervisor', 'add-lane', 'L01', '--data-dir', dataDir]);
    const rotated = await inProcess(['supervisor', 'add-lane', 'L01', '--data-dir', dataDir, '--rotate', '--url', 'wss://hub.store.lan:8100/lane']);
    const other = await inProcess(['supervisor', 'add-lane', 'L02', '--data-dir', dataDir, '--url', 'wss://hub.store.lan:8100/lane']);
    const badUrl = await inProcess(['supervisor', 'add-lane', 'L03', '--data-dir', dataDir, '--url', 'https://hub.store.lan/']);
    const badId = await inProcess(['supervisor', 'add-lane', 'lane one', '--data-dir', dataDir]);
    const missing = await inProcess(['supervisor', 'lanes', '--data-dir', join(dir.path, 'nowhere')]);
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: 'lanewise: lane L01 already exists; --rotate gives it a new secret\n' });
    expect(rotated.code).toBe(0);
    expect(json<LaneSupervisorSnippet>(rotated).supervisor).toEqual({ url: 'wss://hub.store.lan:8100/lane', laneSecret: expect.not.stringMatching(snippet.supervisor.laneSecret) });
    expect(other.code).toBe(0);
    expect(badUrl).toMatchObject({ code: 2, stderr: 'lanewise: --url: https://hub.store.lan/ is not ws(s)://host:port/lane\n' });
    expect(badId).toMatchObject({ code: 2, stderr: 'lanewise: lane one is not a lane id (letters, digits, - or _, at most 16)\n' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no supervisor hub database at/);

    const listed = await inProcess(['supervisor', 'lanes', '--data-dir', dataDir, '--json']);
    expect(json<RegisteredLane[]>(listed).map((lane) => [lane.laneId, lane.disabled])).toEqual([
      ['L01', false],
      ['L02', false],
    ]);
    expect(listed.stdout).not.toContain(snippet.supervisor.laneSecret);

    const disabled = await inProcess(['supervisor', 'disable-lane', 'L01', '--data-dir', dataDir]);
    const removed = await inProcess(['supervisor', 'remove-lane', 'L02', '--data-dir', dataDir]);
    const noSuch = await inProcess(['supervisor', 'remove-lane', 'L09', '--data-dir', dataDir]);
    expect(disabled).toMatchObject({ code: 0, stdout: 'lane L01: disabled\n' });
    expect(removed).toMatchObject({ code: 0, stdout: 'lane L02: removed\n' });
    expect(noSuch).toMatchObject({ code: 1, stdout: 'no lane L09\n' });
    const text = await inProcess(['supervisor', 'lanes', '--data-dir', dataDir]);
    expect(text.stdout).toMatch(/^L01 +disabled +since \d{4}-/);
  });

  it('prints the audit trail and reports, as text, JSON and CSV', { timeout: spawnTimeout }, async () => {
    const dataDir = join(dir.path, 'history');
    const db = openHubDatabase(hubDatabasePath(dataDir));
    const audit = new AuditLog(db);
    const base = { assistantId: '1002', assistantName: 'Ivan Petrov', role: 'supervisor' as const, laneId: 'L01', saleId: 's1', via: 'supervisor' as const };
    audit.record({ ...base, at: Date.parse('2025-01-15T12:25:00Z'), action: 'approveAge', reason: '=cmd|calc', outcome: 'done' });
    audit.record({ ...base, at: Date.parse('2025-01-16T09:00:00Z'), action: 'closeLane', reason: null, outcome: 'offline' });
    db.prepare("INSERT INTO sales VALUES ('s1', 'L01', 1, 'completed', ?, ?, 4, 1234, 'EUR')").run(Date.parse('2025-01-15T12:20:00Z'), Date.parse('2025-01-15T12:30:00Z'));
    db.prepare("INSERT INTO interventions (lane_id, kind, sale_id, raised_at, cleared_at) VALUES ('L01', 'ageCheck', 's1', ?, ?)").run(Date.parse('2025-01-15T12:24:00Z'), Date.parse('2025-01-15T12:25:00Z'));
    db.close();

    const all = await inProcess(['supervisor', 'audit', '--data-dir', dataDir, '--json']);
    const day = await inProcess(['supervisor', 'audit', '--data-dir', dataDir, '--from', '2025-01-15', '--to', '2025-01-16']);
    const csv = await inProcess(['supervisor', 'audit', '--data-dir', dataDir, '--csv']);
    // Reports are in the hub machine's local time: TZ decides.
    const reportJson = await lanewise(['supervisor', 'report', '--data-dir', dataDir, '--date', '2025-01-15', '--json'], { TZ: 'Europe/Riga' });
    const previousZone = process.env.TZ;
    process.env.TZ = 'Europe/Riga';
    let reportCsv: Run, reportText: Run, badShift: Run;
    try {
      reportCsv = await inProcess(['supervisor', 'report', '--data-dir', dataDir, '--date', '2025-01-15', '--shift', '14', '--csv']);
      reportText = await inProcess(['supervisor', 'report', '--data-dir', dataDir, '--date', '2025-01-15']);
      badShift = await inProcess(['supervisor', 'report', '--data-dir', dataDir, '--date', '2025-01-15', '--shift', '7']);
    } finally {
      if (previousZone === undefined) delete process.env.TZ;
      else process.env.TZ = previousZone;
    }
    expect(json<AuditEntry[]>(all).map((entry) => entry.action)).toEqual(['approveAge', 'closeLane']);
    expect(day.stdout).toBe('2025-01-15T12:25:00.000Z  approveAge done  1002 Ivan Petrov (supervisor)  lane L01 sale s1  via supervisor  reason: =cmd|calc\n');
    expect(csv.stdout.split('\r\n')[1]).toContain(",approveAge,'=cmd|calc,supervisor,done,");

    const report = json<Report>(reportJson);
    expect(report).toMatchObject({ from: Date.parse('2025-01-14T22:00:00Z'), sales: 1, completedSales: 1, salesTotalMinor: 1234, selfServiceRate: 0, averageWaitMs: 60_000, averageTimePerItemMs: 150_000 });
    expect(reportCsv.stdout).toContain('summary,,period,2025-01-15 shift 14\r\n');
    expect(reportCsv.stdout).toContain('summary,,sales,1\r\n');
    expect(reportText.stdout).toContain('Sales:             1 (completed 1, abandoned 0, cancelled 0), total 12.34 EUR');
    expect(reportText.stdout).toContain('Self-service rate: 0.0 %');
    expect(badShift).toMatchObject({ code: 2, stderr: 'lanewise: no shift starts at 7; shifts start at 6, 14, 22\n' });
  });

  it('runs the hub until SIGTERM, saying where the station and the lanes connect', { timeout: spawnTimeout }, async () => {
    const dataDir = join(dir.path, 'running');
    const catalog = join(dir.path, 'catalog.sqlite');
    CatalogStore.open(catalog).close();
    const staticDir = join(dir.path, 'www');
    mkdirSync(staticDir, { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>station</title>\n');
    const provisioned = json<LaneSupervisorSnippet>(await lanewise(['supervisor', 'add-lane', 'L01', '--data-dir', dataDir]));

    const child = spawn(process.execPath, ['bin/lanewise.mjs', 'supervisor', '--data-dir', dataDir, '--catalog', catalog, '--port', '0', '--static-dir', staticDir, '--ready-json'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const ready = JSON.parse(line) as { event: string; url: string; laneUrl: string; pid: number };
      expect(ready).toEqual({ event: 'ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/station\/$/), laneUrl: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/lane$/), pid: child.pid });
      const { lane, answer } = await FakeLane.connect(ready.laneUrl, 'L01', provisioned.supervisor.laneSecret);
      expect(answer).toMatchObject({ type: 'welcome', laneId: 'L01' });
      const laneClosed = lane.closed();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await laneClosed).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
