import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigCheckReport } from '../../../main/cli/configCommand';
import { newLaneSecret } from '../../../main/supervisor/commandAuth';
import { makeTempDir } from '../helpers/tempDir';
import { runCliInProcess as inProcess, type CliRun as Run } from '../helpers/runCli';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** The real `lanewise` command, as store IT runs it. */
function lanewise(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/lanewise.mjs', ...args], { cwd: repoRoot, timeout: 30_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

const allWeek = (hours: readonly [string, string] | null) => ({ '1': hours, '2': hours, '3': hours, '4': hours, '5': hours, '6': hours, '7': hours });

describe('lanewise config check', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let laneToken: string;
  let laneSecret: string;
  let laneFile: string;

  beforeEach(() => {
    dir = makeTempDir('lanewise-config-check-');
    laneToken = randomBytes(32).toString('base64url');
    laneSecret = newLaneSecret();
    mkdirSync(join(dir.path, 'dev'));
    // A serial device that is there, and one that is not.
    writeFileSync(join(dir.path, 'dev', 'scanner'), '');
    laneFile = join(dir.path, 'lane.json');
    writeFileSync(
      laneFile,
      JSON.stringify({
        laneId: 'L07',
        storeName: 'Riga Central',
        dataDir: 'data',
        devices: {
          scanner: { driver: 'serial', path: join(dir.path, 'dev', 'scanner'), baudRate: 19200 },
          printer: { driver: 'escpos-serial', path: join(dir.path, 'dev', 'printer') },
          paymentTerminal: { driver: 'tcp', host: '10.0.7.20', port: 9100 },
        },
        store: { url: 'https://store.lan:8200', laneToken },
        supervisor: { url: 'wss://hub.store.lan:8100/lane', laneSecret },
        openingHours: { timeZone: 'Europe/Riga', days: allWeek(['00:00', '24:00']) },
        updates: { url: 'https://store.lan:8200/updates', channel: 'pilot' },
      }),
    );
  });
  afterEach(() => dir.remove());

  it('shows what will run, with credentials as "set", and warns about what the lane survives', async () => {
    const run = await inProcess(['config', 'check', '--config', laneFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${laneFile}: this terminal will run:`);
    expect(run.stdout).toMatch(/Role: +lane L07 \(Riga Central\)/);
    expect(run.stdout).toMatch(/scanner +serial +.*dev\/scanner at 19200 baud/);
    expect(run.stdout).toMatch(/paymentTerminal +tcp +10\.0\.7\.20:9100/);
    expect(run.stdout).toContain('Store server:  https://store.lan:8200 (lane token: set;');
    expect(run.stdout).toContain('Supervisor:    wss://hub.store.lan:8100/lane (lane secret: set)');
    expect(run.stdout).toContain(`Data folder:   ${join(dir.path, 'data')}`);
    expect(run.stdout).toContain(`Log folder:    ${join(dir.path, 'data', 'logs')}`);
    expect(run.stdout).toMatch(/Opening hours: today \(\w+day, Europe\/Riga\) 00:00–24:00; open now/);
    expect(run.stdout).toContain('Updates:       pilot channel from https://store.lan:8200/updates');
    expect(run.stdout).toMatch(/Warnings:\n(.*\n)*.*devices\.printer\.path: .*printer is not present/);
    expect(run.stdout).toMatch(/dataDir \(catalogue\): no catalogue yet/);
    expect(run.stdout).not.toMatch(/devices\.scanner\.path/);
    for (const secret of [laneToken, laneSecret]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('prints the same as JSON', async () => {
    const run = await inProcess(['config', 'check', '--config', laneFile, '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ConfigCheckReport;
    expect(report).toMatchObject({
      file: laneFile,
      valid: true,
      errors: [],
      terminal: {
        role: 'lane',
        lane: { laneId: 'L07', storeName: 'Riga Central', kioskPage: { host: '127.0.0.1', port: 0 } },
        store: { url: 'https://store.lan:8200', laneToken: 'set' },
        supervisor: { url: 'wss://hub.store.lan:8100/lane', laneSecret: 'set' },
        folders: { data: join(dir.path, 'data'), catalogue: join(dir.path, 'data', 'catalog.sqlite'), journal: join(dir.path, 'data', 'journal-L07.sqlite'), logs: join(dir.path, 'data', 'logs') },
        openingHours: { timeZone: 'Europe/Riga', openNow: true },
        updates: { url: 'https://store.lan:8200/updates', channel: 'pilot' },
      },
    });
    expect(report.terminal?.devices).toEqual([
      { role: 'scanner', driver: 'serial', address: `${join(dir.path, 'dev', 'scanner')} at 19200 baud` },
      { role: 'printer', driver: 'escpos-serial', address: `${join(dir.path, 'dev', 'printer')} at 9600 baud` },
      { role: 'paymentTerminal', driver: 'tcp', address: '10.0.7.20:9100' },
    ]);
    expect(report.warnings).toEqual([expect.stringMatching(/^dataDir \(catalogue\): /), expect.stringMatching(/^devices\.printer\.path: /)]);
    for (const secret of [laneToken, laneSecret]) expect(run.stdout).not.toContain(secret);
  });

  it('lists every problem with its field and exits 78', async () => {
    const badFile = join(dir.path, 'bad.json');
    writeFileSync(
      badFile,
      JSON.stringify({
        laneId: 'L07',
        storeName: 'Riga Central',
        dataDir: 'data',
        devices: { scanner: { driver: 'serial' }, printer: { driver: 'escpos-serial', path: '/dev/ttyUSB1' }, paymentTerminal: { driver: 'tcp', port: 9100 } },
        store: { url: 'https://store.lan:8200', laneToken: `${laneToken}!` },
        openingHours: { timeZone: 'Europe/Riga', days: { ...allWeek(['08:00', '22:00']), '3': ['8', '22:00'] } },
      }),
    );
    const [text, json] = [await inProcess(['config', 'check', '--config', badFile]), await inProcess(['config', 'check', '--config', badFile, '--json'])];
    expect(text.code).toBe(78);
    expect(text.stdout).toContain(`${badFile}: invalid, the terminal will not start:`);
    expect(text.stdout).toContain(`  ${badFile}: openingHours.days.3: expected ["HH:MM","HH:MM"] or null`);
    expect(text.stdout).toMatch(/: devices\.scanner\.path: /);
    expect(text.stdout).toMatch(/: store\.laneToken: not a lane token/);
    expect(text.stdout + json.stdout).not.toContain(laneToken);

    expect(json.code).toBe(78);
    const report = JSON.parse(json.stdout) as ConfigCheckReport;
    expect(report).toMatchObject({ file: badFile, valid: false, warnings: [], terminal: null });
    expect(report.errors).toHaveLength(3);
  });

  it('refuses a folder that cannot hold the lane’s files, and an unreadable CA file, naming the field', async () => {
    writeFileSync(join(dir.path, 'data'), 'a file where the data folder should be');
    const run = await inProcess(['config', 'check', '--config', laneFile, '--json']);
    expect(run.code).toBe(78);
    const report = JSON.parse(run.stdout) as ConfigCheckReport;
    expect(report.valid).toBe(false);
    expect(report.errors).toEqual(expect.arrayContaining([expect.stringMatching(/^logDir: .*cannot be created: .*data is not a folder/), expect.stringMatching(/^dataDir: .*data is not a folder/)]));
    // Still says what it would have run.
    expect(report.terminal?.lane?.laneId).toBe('L07');

    const withCa = join(dir.path, 'ca.json');
    writeFileSync(withCa, JSON.stringify({ role: 'supervisor', stationUrl: 'https://hub.store.lan:8100/station/', caFile: 'hub-ca.pem', logDir: 'logs' }));
    const ca = await inProcess(['config', 'check', '--config', withCa]);
    expect(ca.code).toBe(78);
    expect(ca.stdout).toMatch(/ca\.json: caFile: cannot read .*hub-ca\.pem: ENOENT/);
  });

  it('checks a supervisor terminal’s file', async () => {
    const station = join(dir.path, 'station.json');
    writeFileSync(station, JSON.stringify({ role: 'supervisor', stationUrl: 'http://hub.store.lan:8100/station/', logDir: 'logs' }));
    const run = await inProcess(['config', 'check', '--config', station]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Role: +supervisor station screen/);
    expect(run.stdout).toMatch(/Station: +http:\/\/hub\.store\.lan:8100\/station\//);
    expect(run.stdout).toContain(`Log folder:    ${join(dir.path, 'logs')}`);
    expect(run.stdout).toMatch(/Opening hours: none set: always open/);
    expect(run.stdout).toMatch(/Updates: +none/);
  });

  it('checks the file LANEWISE_CONFIG names when given no --config, as the real command', async () => {
    const run = await lanewise(['config', 'check', '--json'], { LANEWISE_CONFIG: laneFile });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as ConfigCheckReport).file).toBe(laneFile);
    const missing = await lanewise(['config', 'check'], { LANEWISE_CONFIG: join(dir.path, 'nowhere.json') });
    expect(missing.code).toBe(78);
    expect(missing.stdout).toMatch(/nowhere\.json: \(file\): no such file/);
  });
});
