import type * as NodeHid from 'node-hid';
import { Emitter, type Event } from '../../shared/event';
import { silentLogger, type Logger } from '../../shared/log';
import { err, ok, type Result } from '../../shared/result';
import { errorMessage } from '../deviceEvents';

/**
 * USB HID POS devices through node-hid: the slice of node-hid a driver uses
 * (after node-serialport's bindings interface), so tests and the demo swap in
 * `FakeHidTransport` (simulator.ts) and the drivers never touch node-hid.
 *
 * node-hid is loaded lazily: its native module needs libusb-1.0 at load time
 * even for the hidraw backend (checked on Debian 12), and a lane without HID
 * devices must still start when it is missing.
 */

/** HID POS Usage Tables 1.02: the usage pages of the point-of-sale devices. */
export const hidUsagePages = {
  barcodeScanner: 0x8c,
  scale: 0x8d,
  magneticStripeReader: 0x8e,
} as const;

/** One HID interface (top-level collection) as the OS lists it. */
export interface HidDeviceInfo {
  readonly vendorId: number;
  readonly productId: number;
  /** The OS path, e.g. /dev/hidraw3; changes when the device is re-plugged. */
  readonly path: string;
  readonly serialNumber?: string | undefined;
  readonly manufacturer?: string | undefined;
  readonly product?: string | undefined;
  readonly release: number;
  readonly interface: number;
  /** 0x8C scanner, 0x8D scale (HID POS); 0x01 generic desktop for keyboards. Absent when the backend cannot tell. */
  readonly usagePage?: number | undefined;
  readonly usage?: number | undefined;
}

/** node-hid could not be loaded or could not list devices: a setup problem for store IT, not a bug. */
export interface HidUnavailable {
  readonly kind: 'hidUnavailable';
  /** The loader's error, for the log. */
  readonly detail: string;
  /** What to do about it, in English, for the CLI and store IT. */
  readonly hint: string;
}

/** The parts of node-hid the transport calls; injectable so tests can simulate a missing native module. */
export interface NodeHidApi {
  devicesAsync(): Promise<NodeHid.Device[]>;
  openAsync(path: string): Promise<NodeHidDevice>;
  hidapiVersion(): string;
}

/** The parts of node-hid's `HIDAsync` the transport calls. */
export interface NodeHidDevice {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  write(values: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
}

export type NodeHidLoader = () => Promise<Result<NodeHidApi, HidUnavailable>>;

let loaded: NodeHidApi | undefined;

/**
 * Imports node-hid and loads its native binding. A missing shared library
 * (libusb-1.0) or a binding built for another Node is returned as a value so
 * the CLI can say what to install. Success is cached; failure is not, so
 * installing libusb while the lane runs is picked up at the next reconnect.
 */
export async function loadNodeHid(): Promise<Result<NodeHidApi, HidUnavailable>> {
  if (loaded) return ok(loaded);
  try {
    const imported = (await import('node-hid')) as typeof NodeHid & { default?: typeof NodeHid };
    const hid = imported.default ?? imported;
    // Importing is lazy in node-hid 3: the native binding (and libusb) loads on the first call.
    hid.getHidapiVersion();
    loaded = {
      devicesAsync: () => hid.devicesAsync(),
      openAsync: (path) => hid.HIDAsync.open(path),
      hidapiVersion: () => hid.getHidapiVersion(),
    };
    return ok(loaded);
  } catch (error) {
    return err(hidUnavailable(error));
  }
}

/** Turns a load or enumeration error into advice: a missing libusb is the usual cause on a fresh Debian install. */
export function hidUnavailable(error: unknown): HidUnavailable {
  const detail = errorMessage(error);
  const hint = /libusb/i.test(detail)
    ? 'install the libusb-1.0-0 package (Debian/Ubuntu: apt-get install libusb-1.0-0) and restart the lane'
    : /cannot find (module|package)/i.test(detail)
      ? 'node-hid is not installed: reinstall the lane package'
      : 'node-hid could not load its native module: reinstall the lane package (npm rebuild node-hid) and check that libusb-1.0-0 is installed';
  return { kind: 'hidUnavailable', detail, hint };
}

function toDeviceInfo(device: NodeHid.Device & { path: string }): HidDeviceInfo {
  return {
    vendorId: device.vendorId,
    productId: device.productId,
    path: device.path,
    serialNumber: device.serialNumber || undefined,
    manufacturer: device.manufacturer || undefined,
    product: device.product || undefined,
    release: device.release,
    interface: device.interface,
    usagePage: device.usagePage,
    usage: device.usage,
  };
}

/** Every HID interface the OS lists (each top-level collection separately), or why none can be listed. */
export async function listHidDevices(load: NodeHidLoader = loadNodeHid): Promise<Result<readonly HidDeviceInfo[], HidUnavailable>> {
  const hid = await load();
  if (!hid.ok) return hid;
  try {
    const devices = await hid.value.devicesAsync();
    // An entry without a path cannot be opened; hidapi only omits it on platforms we do not run on.
    return ok(devices.filter((device): device is NodeHid.Device & { path: string } => typeof device.path === 'string' && device.path !== '').map(toDeviceInfo));
  } catch (error) {
    return err(hidUnavailable(error));
  }
}

/** Which device to open: by USB ids (survives re-plugging), or by a fixed OS path. */
export type HidDeviceSelector =
  | {
      readonly vendorId: number;
      readonly productId: number;
      readonly serialNumber?: string | undefined;
      /** Picks one interface of a composite device, e.g. the scale half (0x8D) of a scanner-scale. */
      readonly usagePage?: number | undefined;
    }
  | { readonly path: string };

/**
 * A selector from `vendor:product` in hex as `lsusb` prints it (the lane
 * configuration's `usb` field), e.g. `0c2e:0b8f`. Pass the usage page to pick
 * one half of a scanner-scale that shows up as one USB device. A malformed id
 * is a configuration bug here (the configuration schema checks it first): throws.
 */
export function hidSelectorFromUsbId(usb: string, options: { readonly serialNumber?: string | undefined; readonly usagePage?: number | undefined } = {}): HidDeviceSelector {
  const match = /^([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(usb);
  if (!match?.[1] || !match[2]) throw new RangeError(`USB id must be vendor:product in hex, e.g. 0c2e:0b8f, got ${JSON.stringify(usb)}`);
  return { vendorId: parseInt(match[1], 16), productId: parseInt(match[2], 16), serialNumber: options.serialNumber, usagePage: options.usagePage };
}

export function describeHidSelector(selector: HidDeviceSelector): string {
  if ('path' in selector) return selector.path;
  const ids = `${hex4(selector.vendorId)}:${hex4(selector.productId)}`;
  const serial = selector.serialNumber === undefined ? '' : ` serial ${selector.serialNumber}`;
  const page = selector.usagePage === undefined ? '' : ` usage page 0x${selector.usagePage.toString(16)}`;
  return `${ids}${serial}${page}`;
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}

const hidPosPages: readonly number[] = [hidUsagePages.barcodeScanner, hidUsagePages.scale, hidUsagePages.magneticStripeReader];

/**
 * The listed interfaces a selector means, best first: exact usage page if one
 * was asked for; otherwise HID POS interfaces before others (a scanner in HID
 * POS mode often also exposes a vendor or keyboard interface), then by path so
 * the choice is stable.
 */
export function matchHidDevices(devices: readonly HidDeviceInfo[], selector: HidDeviceSelector): HidDeviceInfo[] {
  if ('path' in selector) return devices.filter((device) => device.path === selector.path);
  const candidates = devices.filter(
    (device) =>
      device.vendorId === selector.vendorId &&
      device.productId === selector.productId &&
      (selector.serialNumber === undefined || device.serialNumber === selector.serialNumber) &&
      (selector.usagePage === undefined || device.usagePage === selector.usagePage),
  );
  const rank = (device: HidDeviceInfo): number => (device.usagePage !== undefined && hidPosPages.includes(device.usagePage) ? 0 : 1);
  return candidates.sort((a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface HidProbeFilter {
  readonly vendorId?: number;
  readonly productId?: number;
}

export interface HidProbeResult {
  /** Interfaces on usage page 0x8C (HID POS bar code scanner). */
  readonly scanners: readonly HidDeviceInfo[];
  /** Interfaces on usage page 0x8D (HID POS scale). */
  readonly scales: readonly HidDeviceInfo[];
}

/** Pure part of `probeHid`: sorts listed interfaces into scanners and scales. */
export function classifyHidDevices(devices: readonly HidDeviceInfo[], filter: HidProbeFilter = {}): HidProbeResult {
  const wanted = devices.filter(
    (device) => (filter.vendorId === undefined || device.vendorId === filter.vendorId) && (filter.productId === undefined || device.productId === filter.productId),
  );
  return {
    scanners: wanted.filter((device) => device.usagePage === hidUsagePages.barcodeScanner),
    scales: wanted.filter((device) => device.usagePage === hidUsagePages.scale),
  };
}

/**
 * The HID drivers' `supported()` probe: which attached devices speak HID POS.
 * A scanner missing here while `lsusb` shows it is most likely in keyboard-wedge
 * mode (usage page 0x01) — see devices/hid/README.md.
 */
export async function probeHid(filter: HidProbeFilter = {}, load: NodeHidLoader = loadNodeHid): Promise<Result<HidProbeResult, HidUnavailable>> {
  const listed = await listHidDevices(load);
  if (!listed.ok) return listed;
  return ok(classifyHidDevices(listed.value, filter));
}

/**
 * The slice of node-hid a HID POS driver uses. Reports are delivered as node-hid
 * delivers them: for a device with numbered reports the report id is byte 0
 * (WebHID strips it, so offsets in WebHID code are one less).
 */
export interface HidTransport {
  /** For logs: the selector or path. */
  readonly description: string;
  readonly isOpen: boolean;
  /** Finds the device and opens it; rejects when it is absent or cannot be opened. */
  open(): Promise<void>;
  close(): Promise<void>;
  /** An output report, report id first (0x00 for a device without numbered reports). */
  write(report: Uint8Array): Promise<void>;
  readonly onReport: Event<Uint8Array>;
  /** The device went away without `close()` (unplugged, read error). */
  readonly onLost: Event<Error>;
}

export interface NodeHidTransportOptions {
  /** Where listener errors are logged (a listener bug must not look like an unplugged device). */
  readonly log?: Logger;
  /** Injectable for tests; defaults to `loadNodeHid`. */
  readonly load?: NodeHidLoader;
}

/**
 * The live transport. `open()` lists devices every time, so a device re-plugged
 * under a new /dev/hidraw path is found again by its USB ids.
 */
export class NodeHidTransport implements HidTransport {
  readonly description: string;
  readonly #selector: HidDeviceSelector;
  readonly #log: Logger;
  readonly #load: NodeHidLoader;
  readonly #onReport = new Emitter<Uint8Array>();
  readonly #onLost = new Emitter<Error>();
  readonly onReport = this.#onReport.event;
  readonly onLost = this.#onLost.event;
  #device: NodeHidDevice | undefined;
  #openedPath: string | undefined;
  /** Bumped by close(): an open() finishing afterwards closes what it opened. */
  #generation = 0;

  constructor(selector: HidDeviceSelector, options: NodeHidTransportOptions = {}) {
    if (!('path' in selector)) {
      for (const [name, value] of [['vendorId', selector.vendorId], ['productId', selector.productId]] as const) {
        if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`HID ${name} must be an integer 0..0xffff, got ${value}`);
      }
    } else if (selector.path === '') {
      throw new RangeError('HID path must not be empty');
    }
    this.#selector = selector;
    this.description = describeHidSelector(selector);
    this.#log = options.log ?? silentLogger;
    this.#load = options.load ?? loadNodeHid;
  }

  get isOpen(): boolean {
    return this.#device !== undefined;
  }

  /** The OS path of the interface opened last, for diagnostics. */
  get openedPath(): string | undefined {
    return this.#openedPath;
  }

  async open(): Promise<void> {
    if (this.#device) return;
    const generation = this.#generation;
    const hid = await this.#load();
    if (!hid.ok) throw new Error(`${hid.error.detail} (${hid.error.hint})`);
    const path = await this.#findPath(hid.value);
    const device = await hid.value.openAsync(path);
    if (generation !== this.#generation || this.#device) {
      await device.close().catch(() => undefined);
      return;
    }
    this.#device = device;
    this.#openedPath = path;
    device.on('data', (data: Buffer) => {
      if (this.#device !== device) return;
      // node-hid turns an exception thrown here into an 'error' event, which would read as an unplug.
      try {
        // A copy: listeners keep reports (assembling labels), and a report is at most a few dozen bytes.
        this.#onReport.fire(Uint8Array.from(data));
      } catch (error) {
        this.#log.error({ err: errorMessage(error), device: this.description }, 'HID report listener threw');
      }
    });
    // Without an 'error' listener node-hid would throw from an event emitter and crash the lane.
    device.on('error', (error: unknown) => {
      if (this.#device !== device) return;
      this.#device = undefined;
      void device.close().catch(() => undefined);
      try {
        this.#onLost.fire(error instanceof Error ? error : new Error(String(error)));
      } catch (listenerError) {
        this.#log.error({ err: errorMessage(listenerError), device: this.description }, 'HID lost listener threw');
      }
    });
  }

  async #findPath(hid: NodeHidApi): Promise<string> {
    const devices = (await hid.devicesAsync()).filter((device): device is NodeHid.Device & { path: string } => typeof device.path === 'string' && device.path !== '');
    const [match] = matchHidDevices(devices.map(toDeviceInfo), this.#selector);
    if (!match) throw new Error(`no HID device ${this.description} attached`);
    return match.path;
  }

  async write(report: Uint8Array): Promise<void> {
    const device = this.#device;
    if (!device) throw new Error(`${this.description} is not open`);
    await device.write(Buffer.from(report.buffer, report.byteOffset, report.byteLength));
  }

  async close(): Promise<void> {
    this.#generation++;
    const device = this.#device;
    this.#device = undefined;
    if (!device) return;
    // A device already unplugged may fail to close; it is gone either way.
    await device.close().catch(() => undefined);
  }
}
