import { existsSync, realpathSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { hidUsagePages, listHidDevices } from '../../devices/hid/transport';
import type { DevicesConfig } from '../config/deviceConfig';

/**
 * What is attached to this terminal, for `lanewise devices list`: serial ports
 * and HID interfaces with their USB ids, and which configured role (and driver)
 * claims each one.
 */

export interface SerialPortEntry {
  readonly path: string;
  /** USB ids in hex as lsusb prints them, when the port is a USB adapter. */
  readonly usb?: string | undefined;
  readonly manufacturer?: string | undefined;
  /** What the USB vendor id suggests the device is. */
  readonly vendor?: string | undefined;
  readonly serialNumber?: string | undefined;
  /** `role (driver)` from the lane configuration, e.g. `printer (escpos-serial)`. */
  readonly claimedBy?: string | undefined;
  /** `os`: listed by the OS; `config`: only named in the configuration (a pty, or a device that is missing). */
  readonly source: 'os' | 'config';
  readonly present: boolean;
}

export interface HidEntry {
  readonly usb: string;
  readonly path: string;
  readonly product?: string | undefined;
  readonly manufacturer?: string | undefined;
  readonly vendor?: string | undefined;
  readonly usagePage?: string | undefined;
  /** What this interface is to Lanewise. */
  readonly kind: 'hidposScanner' | 'hidposScale' | 'keyboard' | 'other';
  readonly claimedBy?: string | undefined;
}

export interface DeviceInventory {
  readonly serial: readonly SerialPortEntry[];
  readonly hid: readonly HidEntry[];
  /** Why HID devices could not be listed (node-hid or libusb missing), with the fix. */
  readonly hidUnavailable?: string | undefined;
}

const hex4 = (value: number) => value.toString(16).padStart(4, '0');

/**
 * USB vendor ids of hardware commonly found at a checkout, so an unclaimed port says
 * what it probably is (from the USB-IF vendor list as lsusb ships it).
 */
const knownVendors: Readonly<Record<string, string>> = {
  '05f9': 'Datalogic (scanner or scanner-scale)',
  '0c2e': 'Honeywell / Metrologic (scanner)',
  '05e0': 'Zebra / Symbol (scanner)',
  '04b8': 'Epson (printer)',
  '0519': 'Star Micronics (printer)',
  '0eb8': 'Mettler Toledo (scale)',
  '0922': 'Dymo (scale)',
  '0403': 'FTDI USB-serial adapter',
  '067b': 'Prolific USB-serial adapter',
  '1a86': 'QinHeng CH340 USB-serial (relay boards)',
  '10c4': 'Silicon Labs CP210x USB-serial adapter',
};

function vendorOf(usb: string | undefined): string | undefined {
  return usb ? knownVendors[usb.slice(0, 4)] : undefined;
}

function resolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Role → `{ path }` or `{ usb }` of every configured device. */
interface ConfiguredAddress {
  readonly role: string;
  readonly driver: string;
  readonly path?: string | undefined;
  readonly usb?: string | undefined;
}

function configuredAddresses(devices: DevicesConfig | undefined): ConfiguredAddress[] {
  if (!devices) return [];
  const addresses: ConfiguredAddress[] = [];
  for (const [role, device] of Object.entries(devices as Record<string, { driver: string; path?: string; usb?: string } | undefined>)) {
    if (device?.path !== undefined || device?.usb !== undefined) addresses.push({ role, driver: device.driver, path: device.path, usb: device.usb });
  }
  return addresses;
}

export async function deviceInventory(devices?: DevicesConfig): Promise<DeviceInventory> {
  const configured = configuredAddresses(devices);
  const claimOfPath = (path: string) => {
    const real = resolved(path);
    const owners = configured.filter((entry) => entry.path !== undefined && (entry.path === path || resolved(entry.path) === real));
    return owners.length ? owners.map((owner) => `${owner.role} (${owner.driver})`).join(', ') : undefined;
  };

  let osPorts: Awaited<ReturnType<typeof SerialPort.list>> = [];
  try {
    osPorts = await SerialPort.list();
  } catch {
    // Without udevadm the list is empty; configured ports are still shown below.
  }
  const serial: SerialPortEntry[] = osPorts.map((port) => {
    const usb = port.vendorId && port.productId ? `${port.vendorId.toLowerCase()}:${port.productId.toLowerCase()}` : undefined;
    return {
      path: port.path,
      usb,
      vendor: vendorOf(usb),
      manufacturer: port.manufacturer,
      serialNumber: port.serialNumber,
      claimedBy: claimOfPath(port.path),
      source: 'os' as const,
      present: true,
    };
  });
  for (const entry of configured) {
    if (!entry.path || serial.some((port) => port.path === entry.path || resolved(port.path) === resolved(entry.path!))) continue;
    serial.push({ path: entry.path, claimedBy: claimOfPath(entry.path), source: 'config', present: existsSync(entry.path) });
  }

  const listed = await listHidDevices();
  if (!listed.ok) return { serial, hid: [], hidUnavailable: `${listed.error.detail} (${listed.error.hint})` };
  const hid: HidEntry[] = listed.value.map((device) => {
    const usb = `${hex4(device.vendorId)}:${hex4(device.productId)}`;
    const kind: HidEntry['kind'] =
      device.usagePage === hidUsagePages.barcodeScanner
        ? 'hidposScanner'
        : device.usagePage === hidUsagePages.scale
          ? 'hidposScale'
          : device.usagePage === 0x01 && device.usage === 0x06
            ? 'keyboard'
            : 'other';
    const owners = configured.filter((entry) => entry.usb === usb && ((entry.role === 'scanner') === (kind === 'hidposScanner') || kind === 'other'));
    return {
      usb,
      path: device.path,
      product: device.product,
      manufacturer: device.manufacturer,
      vendor: vendorOf(usb),
      usagePage: device.usagePage === undefined ? undefined : `0x${device.usagePage.toString(16)}`,
      kind,
      claimedBy: owners.length ? owners.map((owner) => `${owner.role} (${owner.driver})`).join(', ') : undefined,
    };
  });
  return { serial, hid };
}
