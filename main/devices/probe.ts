import { createConnection } from 'node:net';
import { hidSelectorFromUsbId, probeHid, type HidDeviceInfo } from '../../devices/hid/transport';
import { magellanSingleCableProtocol } from '../../devices/magellan/codec';
import { probeMagellan } from '../../devices/magellan/service';
import { probeEscPosPrinter } from '../../devices/printer/probe';
import { scaleProtocols, type ScaleProtocolName } from '../../devices/scale/protocol';
import { probeScale } from '../../devices/scale/service';
import { SerialPortTransport, type SerialSettings } from '../../devices/serial/transport';
import type { DeviceRole } from '../../shared/devices';
import type { DevicesConfig } from '../config/deviceConfig';
import { lineSettings } from './laneDevices';

/**
 * Each driver's `supported()` probe, as `lanewise devices probe` runs them:
 * does the device at this address answer the way the driver expects?
 *
 * - `supported`: it answered in the driver's protocol;
 * - `noAnswer`: the port opened but nothing (or nothing valid) came back;
 * - `unavailable`: the port could not be opened (absent, no permission, or in
 *   use — a running lane holds its ports);
 * - `passive`: the device only ever talks first (a serial scanner, a relay
 *   board): the port opened, which is all a probe can tell.
 */
export type ProbeVerdict = 'supported' | 'noAnswer' | 'unavailable' | 'passive';

export interface ProbeResult {
  readonly role?: DeviceRole;
  readonly driver: string;
  readonly address: string;
  readonly verdict: ProbeVerdict;
  readonly detail: string;
}

/** The serial drivers that can be recognised by asking, with the line settings their protocol uses. */
export const askableSerialDrivers = ['magellan', 'mettler8217', 'scp01', 'escpos-serial'] as const;
export type AskableSerialDriver = (typeof askableSerialDrivers)[number];

function protocolSettings(driver: AskableSerialDriver): SerialSettings {
  switch (driver) {
    case 'magellan':
      return magellanSingleCableProtocol.serial;
    case 'mettler8217':
    case 'scp01':
      return scaleProtocols[driver].serial;
    case 'escpos-serial':
      return { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };
  }
}

async function canOpen(path: string, settings: SerialSettings): Promise<string | undefined> {
  const transport = new SerialPortTransport(path, settings, { presenceCheckMs: 0 });
  try {
    await transport.open();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await transport.close().catch(() => undefined);
  }
}

/** Asks the device at `path` in `driver`'s protocol. */
export async function probeSerial(driver: AskableSerialDriver, path: string, settings: SerialSettings = protocolSettings(driver), timeoutMs = 600): Promise<Omit<ProbeResult, 'role'>> {
  const address = `${path} (${settings.baudRate} ${settings.dataBits}${settings.parity[0]!.toUpperCase()}${settings.stopBits})`;
  const openError = await canOpen(path, settings);
  if (openError) return { driver, address, verdict: 'unavailable', detail: openError };
  const transport = new SerialPortTransport(path, settings, { presenceCheckMs: 0 });
  let answered: boolean;
  switch (driver) {
    case 'magellan':
      answered = await probeMagellan(transport, timeoutMs);
      break;
    case 'mettler8217':
    case 'scp01':
      answered = await probeScale(transport, scaleProtocols[driver satisfies ScaleProtocolName], timeoutMs);
      break;
    case 'escpos-serial':
      answered = await probeEscPosPrinter(transport, timeoutMs);
      break;
  }
  await transport.close().catch(() => undefined);
  return answered
    ? { driver, address, verdict: 'supported', detail: 'answered in this driver’s protocol' }
    : { driver, address, verdict: 'noAnswer', detail: `no valid answer within ${timeoutMs} ms (other device, other line settings, or switched off)` };
}

async function probePassiveSerial(driver: string, path: string, settings: SerialSettings): Promise<Omit<ProbeResult, 'role'>> {
  const openError = await canOpen(path, settings);
  if (openError) return { driver, address: path, verdict: 'unavailable', detail: openError };
  return { driver, address: path, verdict: 'passive', detail: 'port opens; this device never answers a query, so try `lanewise devices monitor`' };
}

async function probeHidRole(usb: string, serialNumber: string | undefined, usagePage: number, kind: 'scanners' | 'scales'): Promise<Omit<ProbeResult, 'role'>> {
  const selector = hidSelectorFromUsbId(usb, { serialNumber, usagePage });
  const found = await probeHid('vendorId' in selector ? { vendorId: selector.vendorId, productId: selector.productId } : {});
  if (!found.ok) return { driver: 'hidpos', address: usb, verdict: 'unavailable', detail: `${found.error.detail} (${found.error.hint})` };
  const matches: readonly HidDeviceInfo[] = found.value[kind];
  if (matches.length === 0) {
    return { driver: 'hidpos', address: usb, verdict: 'unavailable', detail: `no HID POS ${kind === 'scanners' ? 'scanner (usage page 0x8C)' : 'scale (usage page 0x8D)'} with this id is attached; a scanner in keyboard mode must be switched to HID POS` };
  }
  return { driver: 'hidpos', address: `${usb} ${matches[0]!.path}`, verdict: 'supported', detail: `${matches[0]!.product ?? 'HID POS device'} on usage page 0x${usagePage.toString(16)}` };
}

function probeTcp(host: string, port: number, timeoutMs = 1_000): Promise<Omit<ProbeResult, 'role'>> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (verdict: ProbeVerdict, detail: string) => {
      socket.destroy();
      resolve({ driver: 'tcp', address: `${host}:${port}`, verdict, detail });
    };
    socket.setTimeout(timeoutMs, () => done('unavailable', `no connection within ${timeoutMs} ms`));
    socket.once('connect', () => done('supported', 'accepts connections'));
    socket.once('error', (error) => done('unavailable', error.message));
  });
}

/** Runs the configured driver's probe for every role of a lane, one after another (ports are exclusive). */
export async function probeConfiguredDevices(devices: DevicesConfig): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  const add = (role: DeviceRole, result: Omit<ProbeResult, 'role'>) => results.push({ role, ...result });

  const scanner = devices.scanner;
  if (scanner.driver === 'serial') add('scanner', await probePassiveSerial('serial', scanner.path, { baudRate: scanner.baudRate, dataBits: 8, parity: 'none', stopBits: 1 }));
  else if (scanner.driver === 'magellan') add('scanner', await probeSerial('magellan', scanner.path, lineSettings(magellanSingleCableProtocol.serial, scanner)));
  else add('scanner', await probeHidRole(scanner.usb, scanner.serialNumber, 0x8c, 'scanners'));

  for (const role of ['scale', 'baggingScale'] as const) {
    const scale = devices[role];
    if (!scale) continue;
    if (scale.driver === 'magellan') add(role, { driver: 'magellan', address: 'the scanner’s cable', verdict: results[0]?.verdict ?? 'noAnswer', detail: 'shares the scanner-scale’s line (see the scanner row)' });
    else if (scale.driver === 'hidpos') add(role, await probeHidRole(scale.usb, scale.serialNumber, 0x8d, 'scales'));
    else add(role, await probeSerial(scale.driver, scale.path, lineSettings(scaleProtocols[scale.driver].serial, scale)));
  }

  add('printer', await probeSerial('escpos-serial', devices.printer.path, { baudRate: devices.printer.baudRate, dataBits: 8, parity: 'none', stopBits: 1 }));
  add('paymentTerminal', await probeTcp(devices.paymentTerminal.host, devices.paymentTerminal.port));
  if (devices.laneLight) add('laneLight', await probePassiveSerial('relay-serial', devices.laneLight.path, { baudRate: devices.laneLight.baudRate, dataBits: 8, parity: 'none', stopBits: 1 }));
  return results;
}

/** Tries every askable serial driver on one port: "what is on /dev/ttyUSB0?". */
export async function probePort(path: string, settings?: Partial<SerialSettings>): Promise<Omit<ProbeResult, 'role'>[]> {
  const results: Omit<ProbeResult, 'role'>[] = [];
  for (const driver of askableSerialDrivers) results.push(await probeSerial(driver, path, { ...protocolSettings(driver), ...settings }));
  return results;
}
