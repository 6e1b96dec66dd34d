import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, lanePaths, loadLaneConfig, parseLaneConfig, type LaneConfigInput } from '../../../main/config/laneConfig';
import { newLaneSecret } from '../../../main/supervisor/commandAuth';
import { makeTempDir } from '../helpers/tempDir';

/** The least a store's IT has to write. */
function minimalConfig(): LaneConfigInput {
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

/** The problems a ConfigError lists, or a failure when `run` does not throw one. */
function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('lane configuration', () => {
  it('fills in defaults for everything optional', () => {
    expect(parseLaneConfig(minimalConfig())).toEqual({
      laneId: 'L01',
      storeName: 'Riga Central',
      defaultLanguage: 'en',
      dataDir: 'data',
      http: { host: '127.0.0.1', port: 0 },
      devices: {
        scanner: { driver: 'serial', path: '/dev/ttyUSB0', baudRate: 9600, framing: { prefix: '', suffix: 'CR', aimIdentifiers: false } },
        printer: { driver: 'escpos-serial', path: '/dev/ttyUSB1', baudRate: 9600, columns: 42, automaticStatusBack: true },
        paymentTerminal: { driver: 'tcp', host: '127.0.0.1', port: 9100, timeoutSeconds: 120 },
      },
      log: { level: 'info' },
      rules: {
        shopperRemovalLimitMinor: 500,
        shopperSkipBaggingLimit: 2,
        shopperKeyedEntry: false,
        assistantIdleSeconds: 120,
        containers: [
          { id: 'paper-bag', name: { en: 'Paper bag', ru: 'Бумажный пакет', lv: 'Papīra maisiņš', bg: 'Хартиен плик' }, tareGrams: 6 },
          { id: 'deli-tub', name: { en: 'Deli tub', ru: 'Контейнер', lv: 'Trauciņš', bg: 'Кутийка' }, tareGrams: 22 },
        ],
      },
    });
  });

  it('keeps what is given', () => {
    const config = parseLaneConfig({
      ...minimalConfig(),
      defaultLanguage: 'ru',
      catalogFile: '/srv/lanewise/catalog.sqlite',
      http: { host: '0.0.0.0', port: 8080 },
      devices: {
        scanner: { driver: 'serial', path: '/dev/ttyACM0', baudRate: 115200, framing: { prefix: 'S', suffix: 'CRLF', aimIdentifiers: true } },
        printer: { driver: 'escpos-serial', path: '/dev/ttyS0', baudRate: 38400, columns: 32 },
        paymentTerminal: { driver: 'tcp', host: '10.0.0.5', port: 20007, timeoutSeconds: 90 },
      },
      log: { level: 'debug' },
    });
    expect(config.defaultLanguage).toBe('ru');
    expect(config.http).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.devices.scanner.driver === 'serial' && config.devices.scanner.framing).toEqual({ prefix: 'S', suffix: 'CRLF', aimIdentifiers: true });
    expect(config.devices.printer.columns).toBe(32);
    expect(config.devices.paymentTerminal).toEqual({ driver: 'tcp', host: '10.0.0.5', port: 20007, timeoutSeconds: 90 });
    expect(config.log.level).toBe('debug');
  });

  it('names the field of every problem, all at once', () => {
    const config = minimalConfig() as Record<string, unknown> & { devices: Record<string, Record<string, unknown>> };
    config.laneId = 'lane 1!';
    delete config.devices.scanner!.path;
    config.devices.paymentTerminal!.port = '9100';
    config.devices.printer!.columns = 80;
    config.defaultLanguage = 'de';
    const problems = problemsOf(() => parseLaneConfig(config, 'lane.json'));
    expect(problems).toHaveLength(5);
    for (const field of ['laneId', 'devices.scanner.path', 'devices.paymentTerminal.port', 'devices.printer.columns', 'defaultLanguage']) {
      expect(problems.some((problem) => problem.startsWith(`${field}: `)), field).toBe(true);
    }
    expect(problems.find((problem) => problem.startsWith('laneId: '))).toContain('letters, digits, - or _, at most 16');
  });

  it('reports a missing section and a wrong driver by their paths', () => {
    const { devices, ...rest } = minimalConfig();
    expect(problemsOf(() => parseLaneConfig(rest))).toEqual([expect.stringMatching(/^devices: /)]);
    const wrongDriver = { ...minimalConfig(), devices: { ...devices, printer: { driver: 'star', path: '/dev/ttyUSB1' } } };
    expect(problemsOf(() => parseLaneConfig(wrongDriver))).toEqual([expect.stringMatching(/^devices\.printer\.driver: /)]);
    expect(problemsOf(() => parseLaneConfig('not an object'))).toEqual([expect.stringMatching(/^\(top level\): /)]);
  });

  it('refuses unknown fields at every level (a typo must not be silently ignored)', () => {
    const topLevel = { ...minimalConfig(), storename: 'typo' };
    expect(problemsOf(() => parseLaneConfig(topLevel))).toEqual([expect.stringContaining('storename')]);

    const config = minimalConfig();
    const nested = { ...config, devices: { ...config.devices, scanner: { ...config.devices.scanner, baud: 9600 } } };
    expect(problemsOf(() => parseLaneConfig(nested))).toEqual([expect.stringMatching(/^devices\.scanner: .*baud/)]);

    const deep = { ...config, devices: { ...config.devices, scanner: { ...config.devices.scanner, framing: { suffix: 'CR', stx: true } } } };
    expect(problemsOf(() => parseLaneConfig(deep))).toEqual([expect.stringMatching(/^devices\.scanner\.framing: .*stx/)]);
  });

  it('takes every device driver the lane has, with optional scale, bagging scale and lane light', () => {
    const config = parseLaneConfig({
      ...minimalConfig(),
      devices: {
        scanner: { driver: 'magellan', path: '/dev/serial/by-id/usb-Datalogic_Magellan-if00' },
        scale: { driver: 'magellan' },
        baggingScale: { driver: 'mettler8217', path: '/dev/ttyUSB2', settle: { settleMs: 400 } },
        printer: { driver: 'escpos-serial', path: '/dev/ttyUSB1' },
        paymentTerminal: { driver: 'tcp', port: 9100 },
        laneLight: { driver: 'relay-serial', path: '/dev/ttyUSB3' },
      },
    });
    expect(config.devices.scanner).toEqual({ driver: 'magellan', path: '/dev/serial/by-id/usb-Datalogic_Magellan-if00', weightUnit: 'kg' });
    expect(config.devices.scale).toEqual({ driver: 'magellan', pollIntervalMs: 200, minimumWeightGrams: 40 });
    expect(config.devices.baggingScale).toEqual({ driver: 'mettler8217', path: '/dev/ttyUSB2', pollIntervalMs: 200, settle: { settleMs: 400 } });
    expect(config.devices.laneLight).toEqual({ driver: 'relay-serial', path: '/dev/ttyUSB3', baudRate: 9600, channels: { green: 1, yellow: 2, red: 3, buzzer: 4 } });

    const hid = parseLaneConfig({ ...minimalConfig(), devices: { ...minimalConfig().devices, scanner: { driver: 'hidpos', usb: '05F9:4204' }, scale: { driver: 'hidpos', usb: '0922:8003' } } });
    expect(hid.devices.scanner).toEqual({ driver: 'hidpos', usb: '05f9:4204' });
    const numbered = parseLaneConfig({ ...minimalConfig(), devices: { ...minimalConfig().devices, scanner: { driver: 'hidpos', usb: '0c2e:0b8f', report: { id: null, continuedFlag: 'last' } } } });
    expect(numbered.devices.scanner).toEqual({ driver: 'hidpos', usb: '0c2e:0b8f', report: { id: null, continuedFlag: 'last' } });
  });

  it('names the field when devices do not fit together', () => {
    const base = minimalConfig();
    expect(problemsOf(() => parseLaneConfig({ ...base, devices: { ...base.devices, scale: { driver: 'magellan' } } }))).toEqual([
      expect.stringMatching(/^devices\.scale\.driver: .*scanner/),
    ]);
    expect(problemsOf(() => parseLaneConfig({ ...base, devices: { ...base.devices, baggingScale: { driver: 'scp01', path: '/dev/ttyUSB0' } } }))).toEqual([
      expect.stringMatching(/^devices\.baggingScale\.path: \/dev\/ttyUSB0 is already used by devices\.scanner/),
    ]);
    expect(problemsOf(() => parseLaneConfig({ ...base, devices: { ...base.devices, scanner: { driver: 'hidpos', usb: '5f9:4204' } } }))).toEqual([
      expect.stringMatching(/^devices\.scanner\.usb: vendor:product in hex/),
    ]);
    expect(problemsOf(() => parseLaneConfig({ ...base, devices: { ...base.devices, scanner: { driver: 'magellan', path: '/dev/ttyS0', commands: { zero: 'S3\r' } } } }))).toEqual([
      expect.stringMatching(/^devices\.scanner\.commands\.zero: printable ASCII, without the CR/),
    ]);
    expect(problemsOf(() => parseLaneConfig({ ...base, devices: { ...base.devices, scale: { driver: 'mettler8217', path: '/dev/ttyS4', parity: 'mark' } } }))).toEqual([
      expect.stringMatching(/^devices\.scale\.parity: /),
    ]);
  });

  it('puts the file name and every problem in the error message', () => {
    const error = (() => {
      try {
        parseLaneConfig({ ...minimalConfig(), laneId: '' }, '/etc/lanewise/lane.json');
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.file).toBe('/etc/lanewise/lane.json');
    expect(error.message).toMatch(/^\/etc\/lanewise\/lane\.json:\n {2}- laneId: /);
  });

  describe('from a file', () => {
    let dir: ReturnType<typeof makeTempDir>;
    beforeEach(() => (dir = makeTempDir()));
    afterEach(() => dir.remove());

    function writeConfig(relativePath: string, content: unknown): string {
      const file = join(dir.path, relativePath);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      return file;
    }

    it('resolves a relative dataDir and catalogFile against the file’s folder, not the working directory', () => {
      const file = writeConfig('etc/lane.json', { ...minimalConfig(), dataDir: '../var/lane', catalogFile: 'shared/catalog.sqlite' });
      const config = loadLaneConfig(file);
      expect(config.dataDir).toBe(join(dir.path, 'var', 'lane'));
      expect(config.catalogFile).toBe(join(dir.path, 'etc', 'shared', 'catalog.sqlite'));
      expect(lanePaths(config)).toEqual({
        catalog: join(dir.path, 'etc', 'shared', 'catalog.sqlite'),
        journal: join(dir.path, 'var', 'lane', 'journal-L01.sqlite'),
        log: join(dir.path, 'var', 'lane', 'logs', 'lane-L01.jsonl'),
      });
    });

    it('keeps absolute paths and defaults the catalogue into dataDir', () => {
      const dataDir = join(dir.path, 'absolute');
      const config = loadLaneConfig(writeConfig('lane.json', { ...minimalConfig(), dataDir }));
      expect(config.dataDir).toBe(dataDir);
      expect(config.catalogFile).toBeUndefined();
      expect(lanePaths(config).catalog).toBe(join(dataDir, 'catalog.sqlite'));
    });

    it('names the file when it is not JSON, missing, or invalid', () => {
      const broken = writeConfig('broken.json', '{ "laneId": "L01", ');
      expect(() => loadLaneConfig(broken)).toThrow(ConfigError);
      const problems = problemsOf(() => loadLaneConfig(broken));
      expect(problems).toEqual([expect.stringMatching(/^cannot read as JSON: /)]);
      expect(() => loadLaneConfig(broken)).toThrow(broken);

      const missing = join(dir.path, 'nowhere.json');
      expect(() => loadLaneConfig(missing)).toThrow(ConfigError);
      expect(() => loadLaneConfig(missing)).toThrow(missing);

      const invalid = writeConfig('invalid.json', { ...minimalConfig(), laneId: 'x'.repeat(17) });
      expect(() => loadLaneConfig(invalid)).toThrow(new RegExp(`^${invalid.replaceAll('.', '\\.')}:\\n  - laneId: `));
    });
  });

  describe('the supervisor hub', () => {
    const laneSecret = newLaneSecret();
    const withSupervisor = (supervisor: unknown) => ({ ...minimalConfig(), supervisor });

    it('is optional, and takes the hub’s lane address and the lane’s secret', () => {
      expect(parseLaneConfig(minimalConfig()).supervisor).toBeUndefined();
      expect(parseLaneConfig(withSupervisor({ url: 'wss://hub.store.lan:8100/lane', laneSecret, caFile: 'store-ca.pem' })).supervisor).toEqual({
        url: 'wss://hub.store.lan:8100/lane',
        laneSecret,
        caFile: 'store-ca.pem',
      });
      expect(parseLaneConfig(withSupervisor({ url: 'ws://127.0.0.1:8100/lane', laneSecret })).supervisor?.url).toBe('ws://127.0.0.1:8100/lane');
    });

    it('names the field of a wrong address, a CA for a plain ws:// address, and an unknown field', () => {
      expect(problemsOf(() => parseLaneConfig(withSupervisor({ url: 'https://hub.store.lan/lane', laneSecret })))).toEqual([expect.stringMatching(/^supervisor\.url: a ws:\/\/ or wss:\/\/ address/)]);
      expect(problemsOf(() => parseLaneConfig(withSupervisor({ url: 'not a url', laneSecret })))).toEqual([expect.stringMatching(/^supervisor\.url: /)]);
      expect(problemsOf(() => parseLaneConfig(withSupervisor({ url: 'wss://hub.store.lan:8100/station', laneSecret })))).toEqual([
        expect.stringMatching(/^supervisor\.url: must end with the hub's lane path/),
      ]);
      expect(problemsOf(() => parseLaneConfig(withSupervisor({ url: 'ws://hub.store.lan/lane', laneSecret, caFile: 'ca.pem' })))).toEqual([
        expect.stringMatching(/^supervisor\.caFile: a CA certificate is only used with a wss:\/\/ address/),
      ]);
      expect(problemsOf(() => parseLaneConfig(withSupervisor({ url: 'ws://hub.store.lan/lane', laneSecret, secret: 'x' })))).toEqual([expect.stringMatching(/^supervisor: .*secret/)]);
      expect(problemsOf(() => parseLaneConfig(withSupervisor({ laneSecret })))).toEqual([expect.stringMatching(/^supervisor\.url: /)]);
    });

    it('refuses a lane secret that is not one, without ever repeating it', () => {
      for (const wrong of [laneSecret.slice(0, 20), `${laneSecret.slice(0, -1)}+`, 'correct horse battery staple, correct horse battery staple']) {
        const problems = problemsOf(() => parseLaneConfig(withSupervisor({ url: 'wss://hub.store.lan:8100/lane', laneSecret: wrong }), 'lane.json'));
        expect(problems).toEqual([expect.stringMatching(/^supervisor\.laneSecret: not a lane secret/)]);
        expect(problems.join('\n')).not.toContain(wrong);
      }
    });

    describe('from a file', () => {
      let dir: ReturnType<typeof makeTempDir>;
      beforeEach(() => (dir = makeTempDir()));
      afterEach(() => dir.remove());

      it('resolves the CA file against the config file’s folder, and names it when it is missing or not a certificate', () => {
        mkdirSync(join(dir.path, 'etc', 'tls'), { recursive: true });
        writeFileSync(join(dir.path, 'etc', 'tls', 'store-ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
        const file = join(dir.path, 'etc', 'lane.json');
        writeFileSync(file, JSON.stringify(withSupervisor({ url: 'wss://hub.store.lan:8100/lane', laneSecret, caFile: 'tls/store-ca.pem' })));
        expect(loadLaneConfig(file).supervisor?.caFile).toBe(join(dir.path, 'etc', 'tls', 'store-ca.pem'));

        writeFileSync(file, JSON.stringify(withSupervisor({ url: 'wss://hub.store.lan:8100/lane', laneSecret, caFile: 'tls/missing.pem' })));
        expect(problemsOf(() => loadLaneConfig(file))).toEqual([expect.stringMatching(/^supervisor\.caFile: cannot read .*missing\.pem: ENOENT/)]);
        writeFileSync(join(dir.path, 'etc', 'tls', 'key.txt'), 'not a certificate');
        writeFileSync(file, JSON.stringify(withSupervisor({ url: 'wss://hub.store.lan:8100/lane', laneSecret, caFile: 'tls/key.txt' })));
        expect(problemsOf(() => loadLaneConfig(file))).toEqual([expect.stringMatching(/^supervisor\.caFile: .*is not a PEM certificate/)]);
      });
    });
  });

  describe('the store server', () => {
    const laneToken = randomBytes(32).toString('base64url');
    const withStore = (store: unknown) => ({ ...minimalConfig(), store });

    it('is optional, and takes the store address and the lane token, with defaults for the rest', () => {
      expect(parseLaneConfig(minimalConfig()).store).toBeUndefined();
      expect(parseLaneConfig(withStore({ url: 'https://store.lan:8200', laneToken, caFile: 'store-ca.pem' })).store).toEqual({
        url: 'https://store.lan:8200',
        laneToken,
        caFile: 'store-ca.pem',
        catalogPollSeconds: 30,
        outbox: { alertAfterSales: 5000, alertAfterHours: 24, keepSentDays: 30 },
      });
      const store = parseLaneConfig(withStore({ url: 'http://127.0.0.1:8200', laneToken, catalogPollSeconds: 10, outbox: { alertAfterSales: 100, keepSentDays: 7 } })).store;
      expect(store).toMatchObject({ catalogPollSeconds: 10, outbox: { alertAfterSales: 100, alertAfterHours: 24, keepSentDays: 7 } });
    });

    it('names the field of a wrong address, a CA for http://, wrong numbers and an unknown field', () => {
      expect(problemsOf(() => parseLaneConfig(withStore({ url: 'wss://store.lan', laneToken })))).toEqual([expect.stringMatching(/^store\.url: an http:\/\/ or https:\/\/ address/)]);
      expect(problemsOf(() => parseLaneConfig(withStore({ url: 'store.lan', laneToken })))).toEqual([expect.stringMatching(/^store\.url: /)]);
      expect(problemsOf(() => parseLaneConfig(withStore({ url: 'http://store.lan', laneToken, caFile: 'ca.pem' })))).toEqual([
        expect.stringMatching(/^store\.caFile: a CA certificate is only used with an https:\/\/ address/),
      ]);
      expect(problemsOf(() => parseLaneConfig(withStore({ url: 'https://store.lan', laneToken, catalogPollSeconds: 1, outbox: { alertAfterSales: 0, keepSentDays: 1.5, alertAfterHours: 'a day' } })))).toEqual([
        expect.stringMatching(/^store\.catalogPollSeconds: /),
        expect.stringMatching(/^store\.outbox\.alertAfterSales: /),
        expect.stringMatching(/^store\.outbox\.alertAfterHours: /),
        expect.stringMatching(/^store\.outbox\.keepSentDays: /),
      ]);
      expect(problemsOf(() => parseLaneConfig(withStore({ url: 'https://store.lan', laneToken, outbox: { keepDays: 3 } })))).toEqual([expect.stringMatching(/^store\.outbox: .*keepDays/)]);
      expect(problemsOf(() => parseLaneConfig(withStore({ url: 'https://store.lan', laneToken, token: 'x' })))).toEqual([expect.stringMatching(/^store: .*token/)]);
      expect(problemsOf(() => parseLaneConfig(withStore({ laneToken })))).toEqual([expect.stringMatching(/^store\.url: /)]);
    });

    it('refuses a lane token that is not one, without ever repeating it', () => {
      for (const wrong of ['', 'short', `${laneToken}x`, laneToken.replace(/./u, '+'), newLaneSecret().slice(0, 42)]) {
        const problems = problemsOf(() => parseLaneConfig(withStore({ url: 'https://store.lan', laneToken: wrong })));
        expect(problems).toEqual([expect.stringMatching(/^store\.laneToken: not a lane token/)]);
        if (wrong) expect(problems.join('\n')).not.toContain(wrong);
      }
    });

    describe('from a file', () => {
      let dir: ReturnType<typeof makeTempDir>;
      beforeEach(() => (dir = makeTempDir()));
      afterEach(() => dir.remove());

      it('resolves the CA file against the config file’s folder, and names it when it is missing or not a certificate', () => {
        mkdirSync(join(dir.path, 'etc', 'tls'), { recursive: true });
        writeFileSync(join(dir.path, 'etc', 'tls', 'store-ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
        const file = join(dir.path, 'etc', 'lane.json');
        writeFileSync(file, JSON.stringify(withStore({ url: 'https://store.lan:8200', laneToken, caFile: 'tls/store-ca.pem' })));
        expect(loadLaneConfig(file).store?.caFile).toBe(join(dir.path, 'etc', 'tls', 'store-ca.pem'));

        writeFileSync(file, JSON.stringify(withStore({ url: 'https://store.lan:8200', laneToken, caFile: 'tls/missing.pem' })));
        expect(problemsOf(() => loadLaneConfig(file))).toEqual([expect.stringMatching(/^store\.caFile: cannot read .*missing\.pem: ENOENT/)]);
        writeFileSync(join(dir.path, 'etc', 'tls', 'key.txt'), 'not a certificate');
        writeFileSync(file, JSON.stringify(withStore({ url: 'https://store.lan:8200', laneToken, caFile: 'tls/key.txt' })));
        expect(problemsOf(() => loadLaneConfig(file))).toEqual([expect.stringMatching(/^store\.caFile: .*is not a PEM certificate/)]);
      });
    });
  });
});
