import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { lanePaths } from '../../../main/config/laneConfig';
import { loadTerminalConfig, type LaneTerminalConfig } from '../../../main/config/terminalConfig';
import { writeDiagnosticsBundle, type BundledConfig, type DiagnosticsManifest } from '../../../main/diagnostics/bundle';
import type { LogCollection } from '../../../main/diagnostics/logCollection';
import type { DeviceInventory } from '../../../main/devices/inventory';
import type { DatabaseCheck } from '../../../main/diagnostics/databaseCheck';
import { Journal } from '../../../main/lane/journal';
import { createLogger } from '../../../main/log/logger';
import { newLaneSecret } from '../../../main/supervisor/commandAuth';
import type { Sale } from '../../../shared/checkout/sale';
import { makeTempDir } from '../helpers/tempDir';
import { runCliInProcess as inProcess } from '../helpers/runCli';

function saleOf(journal: Journal, number: number, closedAt: number): Sale {
  return {
    id: `L07-${journal.epoch}-${number}`,
    number,
    startedAt: closedAt - 60_000,
    lines: [{ lineId: 1, gtin: '04750001000016', scannedCode: '4750001000016', name: { en: 'Milk «secret recipe»' }, pricing: 'unit', quantity: 1, unitPriceMinor: 119, priceMinor: 119, vatClass: 'B', vatRateBp: 1200 }],
    nextLineId: 2,
    status: 'completed',
    closedAt,
    payments: [],
    language: 'en',
  };
}

/** Every file under `folder`, relative path → content. */
function filesUnder(folder: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) visit(full);
      else files.set(relative(folder, full), readFileSync(full));
    }
  };
  visit(folder);
  return files;
}

const json = <T>(files: Map<string, Buffer>, name: string) => JSON.parse(files.get(name)!.toString('utf8')) as T;

const noDevices = () => Promise.resolve({ serial: [], hid: [] });

describe('lanewise diagnostics', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let configFile: string;
  let laneToken: string;
  let laneSecret: string;
  let paths: ReturnType<typeof lanePaths>;

  /** Unpacks a bundle with the tar package, as support would with `tar -xzf`. */
  async function unpack(bundle: string): Promise<Map<string, Buffer>> {
    const target = join(dir.path, `unpacked-${randomBytes(4).toString('hex')}`);
    mkdirSync(target);
    await extract({ file: bundle, cwd: target });
    return filesUnder(target);
  }

  beforeEach(async () => {
    dir = makeTempDir('lanewise-diagnostics-');
    laneToken = randomBytes(32).toString('base64url');
    laneSecret = newLaneSecret();
    configFile = join(dir.path, 'lane.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        laneId: 'L07',
        storeName: 'Riga Central',
        dataDir: 'data',
        devices: { scanner: { driver: 'serial', path: join(dir.path, 'no-scanner') }, printer: { driver: 'escpos-serial', path: join(dir.path, 'no-printer') }, paymentTerminal: { driver: 'tcp', port: 9100 } },
        store: { url: 'http://store.lan:8200', laneToken },
        supervisor: { url: 'ws://hub.store.lan:8100/lane', laneSecret },
        updates: { url: 'http://store.lan:8200/updates', channel: 'stable' },
      }),
    );
    paths = lanePaths((loadTerminalConfig(configFile) as LaneTerminalConfig).lane);
    ensureDemoCatalog(paths.catalog, 300);

    // The lane's log, rotated a few times, with credentials where a careless line might put them.
    const log = createLogger({ file: paths.log, bindings: { lane: 'L07' }, rotation: { maxBytes: 4000, keep: 5, daily: false } });
    for (let round = 0; round < 6; round++) {
      for (let line = 0; line < 10; line++) log.info({ round, line, filler: 'z'.repeat(200) }, 'scan');
      log.warn({ laneToken, pin: '4321', payload: { lines: ['Milk'] } }, `store link up with token ${laneToken}`);
      log.info({ url: `ws://hub.store.lan:8100/lane?laneSecret=${encodeURIComponent(laneSecret)}` }, 'supervisor link');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await log.close();
    // A crash message that is not JSON, and a log too old for the bundle.
    writeFileSync(join(dir.path, 'data', 'logs', 'crash.log'), `Error: store refused token ${laneToken}\n    at upload\n`);
    writeFileSync(join(dir.path, 'data', 'logs', 'last-month.jsonl'), '{"msg":"old"}\n');
    const longAgo = new Date(Date.now() - 30 * 86_400_000);
    utimesSync(join(dir.path, 'data', 'logs', 'last-month.jsonl'), longAgo, longAgo);
  });
  afterEach(() => dir.remove());

  it('writes a bundle with the manifest, the configuration without secrets, devices, recent logs and database checks', async () => {
    // The lane is "running": its journal stays open, with sales closed, one sent and one flagged.
    const journal = Journal.open(paths.journal);
    try {
      const closedAt = Date.now() - 3_600_000;
      const sales = [1, 2, 3, 4].map((number) => saleOf(journal, number, closedAt + number * 60_000));
      for (const sale of sales) journal.commit({ at: sale.closedAt!, event: { type: 'xstate.done.actor.payment' }, saleId: sale.id, state: 'receipt.printing', closedSale: sale });
      journal.markSalesSent([sales[0]!.id], closedAt + 600_000);
      journal.flagSale(sales[1]!.id, 'invalid', 'payload: too big', closedAt + 700_000);

      const output = join(dir.path, 'support', 'bundle.tar.gz');
      const run = await inProcess(['diagnostics', '--config', configFile, '--output', output, '--since-hours', '24']);
      expect(run.code).toBe(0);
      const [pathLine, summaryLine] = run.stdout.trimEnd().split('\n');
      expect(pathLine).toBe(output);
      expect(summaryLine).toMatch(/^\d+ kB: lane L07; config valid; \d+ serial ports, \d+ HID devices; \d+ log files; journal ok, catalogue ok$/);

      const files = await unpack(output);
      expect([...files.keys()].filter((name) => !name.startsWith('logs/')).sort()).toEqual(['config.json', 'databases.json', 'devices.json', 'manifest.json']);

      const manifest = json<DiagnosticsManifest>(files, 'manifest.json');
      expect(manifest).toMatchObject({
        bundle: 'lanewise diagnostics',
        versions: { lanewise: '0.1.0', node: process.versions.node, electron: null, sqlite: expect.stringMatching(/^3\.\d+\.\d+$/) },
        terminal: { configFile, role: 'lane', laneId: 'L07' },
        checks: { config: { valid: true }, devices: { listed: true }, databases: { journal: 'ok', catalogue: 'ok' } },
        problems: [],
      });
      expect(manifest.host.hostname).toEqual(expect.any(String));
      expect(new Date(manifest.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
      // The manifest lists what is inside.
      for (const entry of manifest.contents) expect(files.has(entry.path)).toBe(true);

      const config = json<BundledConfig>(files, 'config.json');
      expect(config).toMatchObject({ valid: true, config: { role: 'lane', lane: { laneId: 'L07', store: { laneToken: 'set' }, supervisor: { laneSecret: 'set' } } }, summary: { store: { laneToken: 'set' } } });

      const devices = json<DeviceInventory>(files, 'devices.json');
      // As `lanewise devices list` sees them: configured ports that are not there are listed as not present.
      expect(devices.serial).toEqual(expect.arrayContaining([expect.objectContaining({ path: join(dir.path, 'no-scanner'), present: false, claimedBy: 'scanner (serial)' })]));

      const { databases } = json<{ databases: DatabaseCheck[] }>(files, 'databases.json');
      expect(databases).toEqual([
        expect.objectContaining({ name: 'journal', present: true, ok: true, integrityCheck: ['ok'], quickCheck: ['ok'], outbox: { unsent: 2, oldestUnsentAt: new Date(sales[2]!.closedAt!).toISOString(), flagged: 1, sentKept: 1 } }),
        expect.objectContaining({ name: 'catalogue', present: true, ok: true, integrityCheck: ['ok'], catalogue: { version: 0, items: expect.any(Number) } }),
      ]);
      expect(databases[1]!.pages).toEqual({ pageCount: expect.any(Number), pageSize: expect.any(Number), freelistCount: expect.any(Number) });

      // Recent logs, rotated ones unpacked, newest first; the old one left behind.
      const logs = [...files.keys()].filter((name) => name.startsWith('logs/'));
      expect(logs).toEqual(expect.arrayContaining(['logs/lane-L07.jsonl', 'logs/crash.log', expect.stringMatching(/^logs\/lane-L07\.\d{4}-\d{2}-\d{2}\.\d{2}\.jsonl$/)]));
      expect(logs).not.toContain('logs/last-month.jsonl');
      const lines = logs
        .filter((name) => name.endsWith('.jsonl'))
        .flatMap((name) => files.get(name)!.toString('utf8').split('\n').filter(Boolean))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const linkUp = lines.filter((line) => String(line.msg).startsWith('store link up'));
      expect(linkUp.length).toBeGreaterThan(0);
      for (const line of linkUp) expect(line).toMatchObject({ laneToken: 'set', pin: 'set', payload: '[omitted]', msg: 'store link up with token [redacted]' });
      expect(files.get('logs/crash.log')!.toString('utf8')).toContain('store refused token [redacted]');
      const included = (manifest.logs as LogCollection).included.map((log) => log.modifiedAt);
      expect(included).toEqual([...included].sort().reverse());

      // No credential anywhere: not in a file, not in the archive's bytes, not on the screen.
      const secrets = [laneToken, laneSecret, encodeURIComponent(laneSecret), '4321'];
      for (const [name, content] of files) for (const secret of secrets) expect(content.toString('utf8'), `${secret} in ${name}`).not.toContain(secret);
      const archive = gunzipSync(readFileSync(output)).toString('latin1');
      for (const secret of secrets) expect(archive).not.toContain(secret);
      for (const secret of secrets) expect(run.stdout + run.stderr).not.toContain(secret);
      // Nor a sale: the databases are checked, not copied.
      expect(archive).not.toContain('secret recipe');
    } finally {
      journal.close();
    }
  });

  it('reports a corrupted database as failed, and still writes the bundle and exits 0', async () => {
    Journal.open(paths.journal).close();
    // Garbage over pages in the middle of the catalogue; its header stays, so it opens.
    const { size } = statSync(paths.catalog);
    expect(size).toBeGreaterThan(16 * 4096);
    const fd = openSync(paths.catalog, 'r+');
    writeSync(fd, randomBytes(6 * 4096), 0, 6 * 4096, 4 * 4096);
    closeSync(fd);

    const output = join(dir.path, 'corrupt.tar.gz');
    const run = await inProcess(['diagnostics', '--config', configFile, '--output', output]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/journal ok, catalogue FAILED; PROBLEMS: catalogue database check failed/);

    const files = await unpack(output);
    expect(json<DiagnosticsManifest>(files, 'manifest.json')).toMatchObject({
      checks: { databases: { journal: 'ok', catalogue: 'failed' } },
      problems: [expect.stringMatching(/^catalogue database check failed/)],
    });
    const catalogue = json<{ databases: DatabaseCheck[] }>(files, 'databases.json').databases.find((check) => check.name === 'catalogue')!;
    expect(catalogue.ok).toBe(false);
    // Either SQLite lists what is wrong, or the check itself stops on the malformed file.
    if (catalogue.integrityCheck) expect(catalogue.integrityCheck).not.toEqual(['ok']);
    else expect(catalogue.error).toMatch(/malformed|not a database|corrupt/i);
  });

  it('records a device list that fails, and leaves out logs past the size cap, oldest first', async () => {
    const output = join(dir.path, 'capped.tar.gz');
    const result = await writeDiagnosticsBundle({
      configFile,
      output,
      sinceHours: 24,
      maxLogBytes: 6000,
      lanewiseVersion: 'test',
      inventory: () => Promise.reject(new Error('udevadm: not found')),
    });
    expect(result.problems).toEqual(['device list failed (udevadm: not found)']);
    expect(result.summary).toContain('device list FAILED');
    const files = await unpack(output);
    expect(json<Record<string, unknown>>(files, 'devices.json')).toMatchObject({ error: 'udevadm: not found' });
    const logs = json<DiagnosticsManifest>(files, 'manifest.json').logs as LogCollection;
    expect(logs.included.length).toBeGreaterThan(0);
    expect(logs.leftOut.length).toBeGreaterThan(0);
    expect(logs.included.reduce((total, log) => total + log.bytes, 0)).toBeLessThanOrEqual(6000);
    const newestLeftOut = Math.max(...logs.leftOut.map((log) => statSync(log.file).mtimeMs));
    const oldestIncluded = Math.min(...logs.included.map((log) => Date.parse(log.modifiedAt)));
    expect(newestLeftOut).toBeLessThanOrEqual(oldestIncluded);
    expect(logs.leftOut[0]?.reason).toMatch(/cap/);
  });

  it('bundles an invalid configuration’s problems with what could be read of it, without its secrets', async () => {
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), openingHours: { timeZone: 'Europe/Riga', days: {} } }));
    const output = join(dir.path, 'invalid.tar.gz');
    const result = await writeDiagnosticsBundle({ configFile, output, sinceHours: 24, lanewiseVersion: 'test', inventory: noDevices });
    expect(result.problems[0]).toMatch(/^configuration invalid \(7 problems\)/);
    const files = await unpack(output);
    const config = json<BundledConfig>(files, 'config.json');
    expect(config).toMatchObject({ valid: false, content: { laneId: 'L07', store: { laneToken: 'set' }, supervisor: { laneSecret: 'set' } } });
    expect(config.valid ? [] : config.problems).toContain('openingHours.days.1: expected ["HH:MM","HH:MM"] or null');
    // The logs are still found through the file's data folder.
    expect(files.has('logs/lane-L07.jsonl')).toBe(true);
    for (const content of files.values()) for (const secret of [laneToken, laneSecret]) expect(content.toString('utf8')).not.toContain(secret);
  });

  it('bundles a supervisor terminal without lane databases', async () => {
    const station = join(dir.path, 'station.json');
    mkdirSync(join(dir.path, 'station-logs'));
    writeFileSync(join(dir.path, 'station-logs', 'electron.jsonl'), '{"msg":"window ready"}\n');
    writeFileSync(station, JSON.stringify({ role: 'supervisor', stationUrl: 'http://hub.store.lan:8100/station/', logDir: 'station-logs' }));
    const output = join(dir.path, 'station.tar.gz');
    const result = await writeDiagnosticsBundle({ configFile: station, output, sinceHours: 24, lanewiseVersion: 'test', inventory: noDevices });
    expect(result.problems).toEqual([]);
    expect(result.summary).toMatch(/^supervisor terminal; config valid; 0 serial ports, 0 HID devices; 1 log file$/);
    const files = await unpack(output);
    expect(json<Record<string, unknown>>(files, 'databases.json')).toMatchObject({ databases: [], note: 'no lane databases on this terminal' });
    expect(files.get('logs/electron.jsonl')!.toString('utf8')).toBe('{"msg":"window ready"}\n');
  });

  it('exits 2 when the bundle cannot be written, and never overwrites one', async () => {
    writeFileSync(join(dir.path, 'a-file'), '');
    const blocked = await inProcess(['diagnostics', '--config', configFile, '--output', join(dir.path, 'a-file', 'bundle.tar.gz')]);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/^lanewise: no diagnostics bundle written: cannot create /);

    const existing = join(dir.path, 'existing.tar.gz');
    writeFileSync(existing, 'keep me');
    const again = await inProcess(['diagnostics', '--config', configFile, '--output', existing]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    expect(readdirSync(dir.path).filter((name) => name.includes('.partial-'))).toEqual([]);

    const badHours = await inProcess(['diagnostics', '--config', configFile, '--output', join(dir.path, 'x.tar.gz'), '--since-hours', 'yesterday']);
    expect(badHours.code).toBe(2);
    expect(badHours.stderr).toMatch(/--since-hours/);
  });
});
