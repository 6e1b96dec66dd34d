import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { HidScaleService } from '../../../devices/hid/scaleService';
import {
  classifyHidDevices,
  describeHidSelector,
  hidSelectorFromUsbId,
  hidUnavailable,
  hidUsagePages,
  listHidDevices,
  loadNodeHid,
  matchHidDevices,
  NodeHidTransport,
  probeHid,
  type HidDeviceInfo,
  type NodeHidApi,
  type NodeHidDevice,
  type NodeHidLoader,
} from '../../../devices/hid/transport';
import { err, ok } from '../../../shared/result';
import { memoryLogger, record, waitFor } from '../support/harness';

function info(overrides: Partial<HidDeviceInfo> & { path: string }): HidDeviceInfo {
  return { vendorId: 0x0c2e, productId: 0x0b8f, release: 0x100, interface: 0, ...overrides };
}

/** Stands in for node-hid's HIDAsync: an EventEmitter with write/close. */
class FakeNodeHidDevice extends EventEmitter implements NodeHidDevice {
  closed = false;
  readonly written: Buffer[] = [];
  constructor(readonly path: string) {
    super();
  }
  async write(values: number[] | Buffer): Promise<number> {
    this.written.push(Buffer.from(values));
    return Buffer.from(values).length + 1;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A node-hid with a device list the test controls. */
function fakeNodeHid(devices: () => HidDeviceInfo[]): { load: NodeHidLoader; opened: FakeNodeHidDevice[] } {
  const opened: FakeNodeHidDevice[] = [];
  const api: NodeHidApi = {
    devicesAsync: async () => devices().map((device) => ({ ...device })),
    openAsync: async (path) => {
      if (!devices().some((device) => device.path === path)) throw new Error(`cannot open device with path ${path}`);
      const device = new FakeNodeHidDevice(path);
      opened.push(device);
      return device;
    },
    hidapiVersion: () => '0.14.0',
  };
  return { load: async () => ok(api), opened };
}

describe('node-hid on this machine (no HID devices here)', () => {
  it('loadNodeHid loads the native module, or says why not', async () => {
    const loaded = await loadNodeHid();
    if (loaded.ok) expect(loaded.value.hidapiVersion()).toMatch(/^\d+\.\d+/);
    else expect(loaded.error).toMatchObject({ kind: 'hidUnavailable', hint: expect.any(String) });
  });

  it('listHidDevices gives a typed list (empty here) or a typed error', async () => {
    const listed = await listHidDevices();
    if (listed.ok) {
      expect(Array.isArray(listed.value)).toBe(true);
      for (const device of listed.value) expect(typeof device.path).toBe('string');
    } else {
      expect(listed.error.kind).toBe('hidUnavailable');
    }
  });

  it('probeHid finds no HID POS scanner or scale here', async () => {
    const probed = await probeHid();
    if (probed.ok) expect(probed.value).toEqual({ scanners: [], scales: [] });
    else expect(probed.error.kind).toBe('hidUnavailable');
  });

  it('NodeHidTransport with the real node-hid rejects open() for an absent device, and a service goes lost', async () => {
    const transport = new NodeHidTransport({ vendorId: 0x0922, productId: 0x8003 });
    await expect(transport.open()).rejects.toThrow(/0922:8003|libusb|node-hid/);
    expect(transport.isOpen).toBe(false);
    const service = new HidScaleService(transport, memoryLogger(), { reconnect: { initialDelayMs: 10_000, maxDelayMs: 10_000 } });
    await service.start();
    expect(service.status.kind).toBe('lost');
    await service.stop();
    expect(service.status.kind).toBe('closed');
  });
});

describe('loading failures', () => {
  it('a missing libusb becomes advice to install it', () => {
    const unavailable = hidUnavailable(new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory'));
    expect(unavailable).toMatchObject({ kind: 'hidUnavailable', hint: expect.stringContaining('libusb-1.0-0') });
    expect(hidUnavailable(new Error("Cannot find module 'node-hid'")).hint).toContain('not installed');
    expect(hidUnavailable('weird').detail).toBe('weird');
  });

  it('listHidDevices, probeHid and open() pass the failure on as values / a clear rejection', async () => {
    const failing: NodeHidLoader = async () => err(hidUnavailable(new Error('libusb-1.0.so.0: cannot open shared object file')));
    expect(await listHidDevices(failing)).toMatchObject({ ok: false, error: { kind: 'hidUnavailable' } });
    expect(await probeHid({}, failing)).toMatchObject({ ok: false, error: { kind: 'hidUnavailable' } });
    const transport = new NodeHidTransport({ path: '/dev/hidraw0' }, { load: failing });
    await expect(transport.open()).rejects.toThrow(/install the libusb-1.0-0 package/);
  });

  it('an enumeration error is a value too', async () => {
    const broken: NodeHidLoader = async () =>
      ok({
        devicesAsync: async () => {
          throw new Error('hid_enumerate failed');
        },
        openAsync: async () => {
          throw new Error('unreachable');
        },
        hidapiVersion: () => '0.14.0',
      });
    expect(await listHidDevices(broken)).toMatchObject({ ok: false, error: { kind: 'hidUnavailable', detail: 'hid_enumerate failed' } });
  });
});

describe('device selection', () => {
  const scannerPos = info({ path: '/dev/hidraw2', usagePage: 0x8c, usage: 0x02, interface: 1 });
  const scannerKeyboard = info({ path: '/dev/hidraw1', usagePage: 0x01, usage: 0x06 });
  const scale = info({ vendorId: 0x0922, productId: 0x8003, path: '/dev/hidraw3', usagePage: 0x8d, usage: 0x20 });

  it('prefers the HID POS interface of a composite device, or the usage page asked for', () => {
    const devices = [scannerKeyboard, scale, scannerPos];
    expect(matchHidDevices(devices, { vendorId: 0x0c2e, productId: 0x0b8f })).toEqual([scannerPos, scannerKeyboard]);
    expect(matchHidDevices(devices, { vendorId: 0x0c2e, productId: 0x0b8f, usagePage: 0x01 })).toEqual([scannerKeyboard]);
    expect(matchHidDevices(devices, { vendorId: 0x0c2e, productId: 0x0b8f, serialNumber: 'X1' })).toEqual([]);
    expect(matchHidDevices(devices, { path: '/dev/hidraw3' })).toEqual([scale]);
  });

  it('classifies scanners (0x8C) and scales (0x8D), optionally by USB ids', () => {
    const devices = [scannerKeyboard, scale, scannerPos];
    expect(classifyHidDevices(devices)).toEqual({ scanners: [scannerPos], scales: [scale] });
    expect(classifyHidDevices(devices, { vendorId: 0x0922 })).toEqual({ scanners: [], scales: [scale] });
  });

  it('describes selectors in lower-case hex, as udev rules spell ids', () => {
    expect(describeHidSelector({ vendorId: 0x0c2e, productId: 0x0b8f })).toBe('0c2e:0b8f');
    expect(describeHidSelector({ vendorId: 0x0922, productId: 0x8003, serialNumber: 'A1', usagePage: 0x8d })).toBe('0922:8003 serial A1 usage page 0x8d');
    expect(describeHidSelector({ path: '/dev/hidraw0' })).toBe('/dev/hidraw0');
  });

  it('builds a selector from the configuration\'s lsusb-style id', () => {
    expect(hidSelectorFromUsbId('0C2E:0b8f')).toEqual({ vendorId: 0x0c2e, productId: 0x0b8f, serialNumber: undefined, usagePage: undefined });
    expect(hidSelectorFromUsbId('0922:8003', { serialNumber: 'A1', usagePage: hidUsagePages.scale })).toMatchObject({ serialNumber: 'A1', usagePage: 0x8d });
    expect(() => hidSelectorFromUsbId('c2e:b8f')).toThrow(RangeError);
    expect(() => hidSelectorFromUsbId('0c2e-0b8f')).toThrow(RangeError);
  });

  it('validates selectors', () => {
    expect(() => new NodeHidTransport({ vendorId: 0x10000, productId: 1 })).toThrow(RangeError);
    expect(() => new NodeHidTransport({ vendorId: 1, productId: -1 })).toThrow(RangeError);
    expect(() => new NodeHidTransport({ path: '' })).toThrow(RangeError);
  });
});

describe('NodeHidTransport (fake node-hid)', () => {
  it('delivers reports with the report id in byte 0, and writes output reports', async () => {
    const { load, opened } = fakeNodeHid(() => [info({ path: '/dev/hidraw2', usagePage: 0x8c })]);
    const transport = new NodeHidTransport({ vendorId: 0x0c2e, productId: 0x0b8f }, { load });
    const reports = record(transport.onReport);
    await transport.open();
    expect(transport.isOpen).toBe(true);
    expect(transport.openedPath).toBe('/dev/hidraw2');
    opened[0]?.emit('data', Buffer.from([0x02, 0x01, 0x5d, 0x45, 0x30, 0x37, 0x00]));
    expect(reports).toEqual([new Uint8Array([0x02, 0x01, 0x5d, 0x45, 0x30, 0x37, 0x00])]);
    await transport.write(new Uint8Array([0x04, 0x01]));
    expect(opened[0]?.written).toEqual([Buffer.from([0x04, 0x01])]);
    await transport.close();
    expect(opened[0]?.closed).toBe(true);
    await expect(transport.write(new Uint8Array([0]))).rejects.toThrow('not open');
  });

  it("turns node-hid's 'error' into onLost, and finds the re-plugged device under its new hidraw path", async () => {
    let devices = [info({ path: '/dev/hidraw2', usagePage: 0x8c })];
    const { load, opened } = fakeNodeHid(() => devices);
    const transport = new NodeHidTransport({ vendorId: 0x0c2e, productId: 0x0b8f }, { load });
    const lost = record(transport.onLost);
    await transport.open();
    devices = [];
    opened[0]?.emit('error', new Error('could not read from HID device'));
    expect(lost.map((error) => error.message)).toEqual(['could not read from HID device']);
    expect(transport.isOpen).toBe(false);
    await waitFor(() => opened[0]?.closed, 'the dead handle to be closed');
    await expect(transport.open()).rejects.toThrow('no HID device 0c2e:0b8f attached');
    devices = [info({ path: '/dev/hidraw5', usagePage: 0x8c })];
    await transport.open();
    expect(transport.openedPath).toBe('/dev/hidraw5');
    // Events from the old handle are ignored.
    opened[0]?.emit('error', new Error('late'));
    expect(lost).toHaveLength(1);
  });

  it('a report listener that throws is logged, not taken for an unplug', async () => {
    const { load, opened } = fakeNodeHid(() => [info({ path: '/dev/hidraw2' })]);
    const log = memoryLogger();
    const transport = new NodeHidTransport({ path: '/dev/hidraw2' }, { load, log });
    const lost = record(transport.onLost);
    transport.onReport(() => {
      throw new Error('listener bug');
    });
    await transport.open();
    expect(() => opened[0]?.emit('data', Buffer.from([1, 2, 3]))).not.toThrow();
    expect(lost).toEqual([]);
    expect(transport.isOpen).toBe(true);
    expect(log.entries).toMatchObject([{ level: 'error', message: 'HID report listener threw' }]);
  });

  it('close() during open() closes what the open found', async () => {
    const { load, opened } = fakeNodeHid(() => [info({ path: '/dev/hidraw2' })]);
    const transport = new NodeHidTransport({ path: '/dev/hidraw2' }, { load });
    const opening = transport.open();
    await transport.close();
    await opening;
    expect(transport.isOpen).toBe(false);
    expect(opened[0]?.closed).toBe(true);
  });
});
