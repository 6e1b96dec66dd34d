import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadLaneConfig, parseLaneConfig, type LaneConfigInput } from '../../../main/config/laneConfig';
import {
  defaultTerminalConfigPath,
  isWithinOpeningHours,
  loadTerminalConfig,
  parseTerminalConfig,
  type LaneTerminalConfig,
  type OpeningHours,
  type SupervisorTerminalConfig,
} from '../../../main/config/terminalConfig';
import { newLaneSecret } from '../../../main/supervisor/commandAuth';
import { makeTempDir } from '../helpers/tempDir';

/** The least a store's IT writes for a lane: an existing lane configuration, untouched. */
function laneFile(): LaneConfigInput {
  return {
    laneId: 'L01',
    storeName: 'Riga Central',
    dataDir: 'data',
    devices: {
      scanner: { driver: 'serial', path: '/dev/ttyUSB0' },
      printer: { driver: 'escpos-serial', path: '/dev/ttyUSB1' },
      paymentTerminal: { driver: 'tcp', port: 9100 },
    },
  };
}

const everyDay = (hours: readonly [string, string] | null): OpeningHours['days'] => ({ '1': hours, '2': hours, '3': hours, '4': hours, '5': hours, '6': hours, '7': hours });

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('terminal configuration', () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    dir = makeTempDir('lanewise-terminal-config-');
  });
  afterEach(() => dir.remove());

  const write = (name: string, content: unknown) => {
    const file = join(dir.path, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('reads an existing lane configuration unchanged as a lane terminal, logging beside its data', () => {
    const file = write('lane.json', laneFile());
    const terminal = loadTerminalConfig(file) as LaneTerminalConfig;
    expect(terminal).toEqual({ role: 'lane', lane: loadLaneConfig(file), logDir: join(dir.path, 'data', 'logs') });
    expect(parseTerminalConfig(laneFile())).toEqual({ role: 'lane', lane: parseLaneConfig(laneFile()), logDir: join('data', 'logs') });
  });

  it('takes the terminal fields beside the lane’s and resolves their paths against the file', () => {
    mkdirSync(join(dir.path, 'certs'));
    writeFileSync(join(dir.path, 'certs', 'store-ca.pem'), pem);
    const laneToken = randomBytes(32).toString('base64url');
    const file = write('lane.json', {
      ...laneFile(),
      role: 'lane',
      store: { url: 'https://store.lan:8200', laneToken, caFile: 'certs/store-ca.pem' },
      supervisor: { url: 'ws://hub.store.lan:8100/lane', laneSecret: newLaneSecret() },
      openingHours: { timeZone: 'Europe/Riga', days: { ...everyDay(['08:00', '22:00']), '7': null } },
      updates: { url: 'https://store.lan:8200/updates', caFile: 'certs/store-ca.pem' },
      logDir: 'logs',
    });
    const terminal = loadTerminalConfig(file) as LaneTerminalConfig;
    expect(terminal.role).toBe('lane');
    expect(terminal.lane.dataDir).toBe(join(dir.path, 'data'));
    expect(terminal.lane.store?.caFile).toBe(join(dir.path, 'certs', 'store-ca.pem'));
    expect(terminal.lane.store?.laneToken).toBe(laneToken);
    expect(terminal.updates).toEqual({ url: 'https://store.lan:8200/updates', channel: 'stable', caFile: join(dir.path, 'certs', 'store-ca.pem') });
    expect(terminal.openingHours?.days['7']).toBeNull();
    expect(terminal.logDir).toBe(join(dir.path, 'logs'));
  });

  it('reads a supervisor terminal’s file', () => {
    writeFileSync(join(dir.path, 'ca.pem'), pem);
    const file = write('station.json', { role: 'supervisor', stationUrl: 'https://hub.store.lan:8100/station/', caFile: 'ca.pem', updates: { url: 'https://store.lan:8200/updates', channel: 'pilot' } });
    const terminal = loadTerminalConfig(file) as SupervisorTerminalConfig;
    expect(terminal).toEqual({
      role: 'supervisor',
      stationUrl: 'https://hub.store.lan:8100/station/',
      caFile: join(dir.path, 'ca.pem'),
      updates: { url: 'https://store.lan:8200/updates', channel: 'pilot' },
      logDir: process.platform === 'win32' ? expect.stringMatching(/Lanewise\\logs$/) : '/var/log/lanewise',
    });
    expect((loadTerminalConfig(write('s2.json', { role: 'supervisor', stationUrl: 'http://127.0.0.1:8100/station/', logDir: 'station-logs' })) as SupervisorTerminalConfig).logDir).toBe(
      join(dir.path, 'station-logs'),
    );
  });

  it('lists every problem at once, each naming its field, from the terminal’s fields and the lane’s', () => {
    const problems = problemsOf(() =>
      parseTerminalConfig(
        {
          ...laneFile(),
          devices: { ...laneFile().devices, scanner: { driver: 'serial' } },
          openingHours: { timeZone: 'Europe/Riga', days: { ...everyDay(['08:00', '22:00']), '3': ['8:00', '22:00'], '5': 'closed', '6': ['09:00', '25:00'] } },
          updates: { url: 'ftp://store.lan/updates', channel: 'beta' },
          logDir: '',
        },
        '/etc/lanewise/lane.json',
      ),
    );
    expect(problems).toEqual([
      'openingHours.days.3: expected ["HH:MM","HH:MM"] or null',
      'openingHours.days.5: expected ["HH:MM","HH:MM"] or null',
      'openingHours.days.6: expected ["HH:MM","HH:MM"] or null',
      expect.stringMatching(/^updates\.url: an http:\/\/ or https:\/\/ address/),
      expect.stringMatching(/^updates\.channel: .*"pilot"\|"stable"/),
      expect.stringMatching(/^logDir: /),
      expect.stringMatching(/^devices\.scanner\.path: /),
    ]);
    // The message names the file, then each field.
    expect(() => parseTerminalConfig({ ...laneFile(), openingHours: { timeZone: 'Europe/Riga', days: { ...everyDay(null), '3': ['08:00'] } } }, '/etc/lanewise/lane.json')).toThrow(
      '/etc/lanewise/lane.json:\n  - openingHours.days.3: expected ["HH:MM","HH:MM"] or null',
    );
  });

  it('names the field for a missing day, an unknown zone, a wrong role, an unknown key and a CA file on http', () => {
    const { '7': _sunday, ...sixDays } = everyDay(['08:00', '20:00']);
    expect(problemsOf(() => parseTerminalConfig({ ...laneFile(), openingHours: { timeZone: 'Europe/Riga', days: sixDays } }))).toEqual(['openingHours.days.7: expected ["HH:MM","HH:MM"] or null']);
    expect(problemsOf(() => parseTerminalConfig({ ...laneFile(), openingHours: { timeZone: 'Mars/Olympus', days: everyDay(null) } }))).toEqual([
      expect.stringMatching(/^openingHours\.timeZone: not a time zone/),
    ]);
    expect(problemsOf(() => parseTerminalConfig({ ...laneFile(), openingHours: { timeZone: 'UTC', days: { ...everyDay(null), '0': null } } }))).toEqual([
      expect.stringMatching(/^openingHours\.days: .*"0"/),
    ]);
    expect(problemsOf(() => parseTerminalConfig({ ...laneFile(), role: 'till' }))).toEqual(['role: expected "lane" or "supervisor"']);
    expect(problemsOf(() => parseTerminalConfig({ ...laneFile(), updates: { url: 'http://store.lan/updates', caFile: 'ca.pem' } }))).toEqual([
      'updates.caFile: a CA certificate is only used with an https:// address',
    ]);
    expect(problemsOf(() => parseTerminalConfig({ role: 'supervisor', stationUrl: 'hub.store.lan', laneId: 'L01' }))).toEqual([
      expect.stringMatching(/^stationUrl: an http:\/\/ or https:\/\/ address/),
      expect.stringMatching(/^\(top level\): .*laneId/),
    ]);
    expect(problemsOf(() => parseTerminalConfig({ role: 'supervisor' }))).toEqual([expect.stringMatching(/^stationUrl: /)]);
    expect(problemsOf(() => parseTerminalConfig([]))).toEqual(['(top level): expected a JSON object']);
  });

  it('reports an unreadable file, bad JSON and a missing CA file as configuration errors naming the field', () => {
    expect(problemsOf(() => loadTerminalConfig(join(dir.path, 'missing.json')))).toEqual([expect.stringMatching(/^\(file\): no such file/)]);
    expect(problemsOf(() => loadTerminalConfig(write('bad.json', '{ "laneId": ')))).toEqual([expect.stringMatching(/^\(file\): not valid JSON: /)]);
    const file = write('lane.json', { ...laneFile(), updates: { url: 'https://store.lan/updates', caFile: 'nowhere.pem' }, store: { url: 'https://store.lan', laneToken: randomBytes(32).toString('base64url'), caFile: 'nowhere.pem' } });
    expect(problemsOf(() => loadTerminalConfig(file))).toEqual([
      expect.stringMatching(/^store\.caFile: cannot read .*nowhere\.pem: ENOENT/),
      expect.stringMatching(/^updates\.caFile: cannot read .*nowhere\.pem: ENOENT/),
    ]);
  });

  it('is found at /etc/lanewise/lane.json, under ProgramData on Windows, or where LANEWISE_CONFIG says', () => {
    expect(defaultTerminalConfigPath('linux', {})).toBe('/etc/lanewise/lane.json');
    expect(defaultTerminalConfigPath('win32', { ProgramData: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\Lanewise\\lane.json');
    expect(defaultTerminalConfigPath('win32', {})).toBe('C:\\ProgramData\\Lanewise\\lane.json');
    expect(defaultTerminalConfigPath('linux', { LANEWISE_CONFIG: '/srv/lanes/L07.json' })).toBe('/srv/lanes/L07.json');
    expect(defaultTerminalConfigPath('win32', { LANEWISE_CONFIG: 'E:\\lanewise\\lane.json', ProgramData: 'D:\\ProgramData' })).toBe('E:\\lanewise\\lane.json');
    expect(defaultTerminalConfigPath('linux', { LANEWISE_CONFIG: 'relative.json' })).toBe(join(process.cwd(), 'relative.json'));

    const file = write('elsewhere.json', laneFile());
    const before = process.env.LANEWISE_CONFIG;
    process.env.LANEWISE_CONFIG = file;
    try {
      expect(defaultTerminalConfigPath()).toBe(file);
      expect((loadTerminalConfig() as LaneTerminalConfig).lane.laneId).toBe('L01');
    } finally {
      if (before === undefined) delete process.env.LANEWISE_CONFIG;
      else process.env.LANEWISE_CONFIG = before;
    }
  });
});

describe('opening hours', () => {
  const at = (iso: string) => new Date(iso);

  it('are always open when none are set, and closed on a null day', () => {
    expect(isWithinOpeningHours(undefined, at('2025-06-01T03:00:00Z'))).toBe(true);
    const weekdaysOnly: OpeningHours = { timeZone: 'UTC', days: { ...everyDay(['08:00', '20:00']), '6': null, '7': null } };
    // 2025-06-02 is a Monday; 2025-06-01 a Sunday.
    expect(isWithinOpeningHours(weekdaysOnly, at('2025-06-02T07:59:00Z'))).toBe(false);
    expect(isWithinOpeningHours(weekdaysOnly, at('2025-06-02T08:00:00Z'))).toBe(true);
    expect(isWithinOpeningHours(weekdaysOnly, at('2025-06-02T19:59:59Z'))).toBe(true);
    expect(isWithinOpeningHours(weekdaysOnly, at('2025-06-02T20:00:00Z'))).toBe(false);
    expect(isWithinOpeningHours(weekdaysOnly, at('2025-06-01T12:00:00Z'))).toBe(false);
  });

  it('run past midnight when the close is at or before the open, and to the end of the day at 24:00', () => {
    // Friday 18:00 to Saturday 02:00; nothing else.
    const lateFriday: OpeningHours = { timeZone: 'UTC', days: { ...everyDay(null), '5': ['18:00', '02:00'] } };
    expect(isWithinOpeningHours(lateFriday, at('2025-06-06T17:59:00Z'))).toBe(false);
    expect(isWithinOpeningHours(lateFriday, at('2025-06-06T23:30:00Z'))).toBe(true);
    expect(isWithinOpeningHours(lateFriday, at('2025-06-07T01:59:00Z'))).toBe(true);
    expect(isWithinOpeningHours(lateFriday, at('2025-06-07T02:00:00Z'))).toBe(false);
    // …and the early hours of Friday are not Thursday night's.
    expect(isWithinOpeningHours(lateFriday, at('2025-06-06T01:00:00Z'))).toBe(false);

    const allDay: OpeningHours = { timeZone: 'UTC', days: { ...everyDay(null), '1': ['00:00', '24:00'], '3': ['00:00', '00:00'] } };
    expect(isWithinOpeningHours(allDay, at('2025-06-02T00:00:00Z'))).toBe(true);
    expect(isWithinOpeningHours(allDay, at('2025-06-02T23:59:59Z'))).toBe(true);
    expect(isWithinOpeningHours(allDay, at('2025-06-03T00:00:00Z'))).toBe(false);
    // Equal open and close: 24 hours from the open.
    expect(isWithinOpeningHours(allDay, at('2025-06-04T00:00:00Z'))).toBe(true);
    expect(isWithinOpeningHours(allDay, at('2025-06-04T23:59:00Z'))).toBe(true);
    expect(isWithinOpeningHours(allDay, at('2025-06-05T00:00:00Z'))).toBe(false);
  });

  it('are read on the wall clocks of their own time zone, weekday included', () => {
    const hours = (timeZone: string): OpeningHours => ({ timeZone, days: everyDay(['08:00', '22:00']) });
    // 06:30 UTC on a Monday: 09:30 in Riga, 15:30 in Tokyo, 02:30 in New York.
    const monday = at('2025-06-02T06:30:00Z');
    expect(isWithinOpeningHours(hours('Europe/Riga'), monday)).toBe(true);
    expect(isWithinOpeningHours(hours('Asia/Tokyo'), monday)).toBe(true);
    expect(isWithinOpeningHours(hours('America/New_York'), monday)).toBe(false);
    expect(isWithinOpeningHours(hours('UTC'), monday)).toBe(false);

    // 23:30 UTC on a Sunday is already Monday in Riga, still Sunday in New York.
    const mondaysOnly = (timeZone: string): OpeningHours => ({ timeZone, days: { ...everyDay(null), '1': ['00:00', '24:00'] } });
    expect(isWithinOpeningHours(mondaysOnly('Europe/Riga'), at('2025-06-01T23:30:00Z'))).toBe(true);
    expect(isWithinOpeningHours(mondaysOnly('America/New_York'), at('2025-06-01T23:30:00Z'))).toBe(false);
  });

  it('move with the clocks on the days daylight saving time starts and ends', () => {
    // New York springs forward on Sunday 9 March 2025: 07:00 is 12:00 UTC on Saturday, 11:00 UTC on Sunday.
    const newYork: OpeningHours = { timeZone: 'America/New_York', days: everyDay(['07:00', '22:00']) };
    expect(isWithinOpeningHours(newYork, at('2025-03-08T11:30:00Z'))).toBe(false);
    expect(isWithinOpeningHours(newYork, at('2025-03-08T12:00:00Z'))).toBe(true);
    expect(isWithinOpeningHours(newYork, at('2025-03-09T10:59:00Z'))).toBe(false);
    expect(isWithinOpeningHours(newYork, at('2025-03-09T11:00:00Z'))).toBe(true);
    expect(isWithinOpeningHours(newYork, at('2025-03-10T01:59:00Z'))).toBe(true);
    expect(isWithinOpeningHours(newYork, at('2025-03-10T02:00:00Z'))).toBe(false);

    // Riga skips 03:00–04:00 on Sunday 30 March 2025: a 03:30 opening happens at 04:00 (01:00 UTC).
    const riga: OpeningHours = { timeZone: 'Europe/Riga', days: everyDay(['03:30', '22:00']) };
    expect(isWithinOpeningHours(riga, at('2025-03-30T00:59:00Z'))).toBe(false);
    expect(isWithinOpeningHours(riga, at('2025-03-30T01:00:00Z'))).toBe(true);

    // Riga repeats 03:00–04:00 on Sunday 26 October 2025: a night that closes at 03:30 has both 03:00–03:30s.
    const saturdayNight: OpeningHours = { timeZone: 'Europe/Riga', days: { ...everyDay(null), '6': ['10:00', '03:30'] } };
    expect(isWithinOpeningHours(saturdayNight, at('2025-10-26T00:15:00Z'))).toBe(true); // 03:15 EEST
    expect(isWithinOpeningHours(saturdayNight, at('2025-10-26T00:30:00Z'))).toBe(false); // 03:30 EEST
    expect(isWithinOpeningHours(saturdayNight, at('2025-10-26T01:15:00Z'))).toBe(true); // 03:15 EET, again
    expect(isWithinOpeningHours(saturdayNight, at('2025-10-26T01:30:00Z'))).toBe(false);
  });
});
