import type { Command } from 'commander';
import { decodeBarcode } from '../../shared/barcode';
import { deviceRoles, type DeviceRole, type DeviceStatus } from '../../shared/devices';
import type { Disposable } from '../../shared/event';
import type { LaneLightIndication } from '../../shared/checkout/laneLight';
import { scaleWeightText, type ScaleReading } from '../../shared/scale';
import { ConfigError, type LaneConfig } from '../config/laneConfig';
import { loadLaneTerminalConfig } from '../config/terminalConfig';
import { deviceInventory } from '../devices/inventory';
import { createLaneDevices } from '../devices/laneDevices';
import { probeConfiguredDevices, probePort, type ProbeResult } from '../devices/probe';
import { createLogger } from '../log/logger';

/**
 * `lanewise devices`: what store IT uses at a terminal to see what is plugged in,
 * whether each device answers its driver, and what a device is sending.
 */

const lightIndications: readonly LaneLightIndication[] = ['open', 'attention', 'intervention', 'alarm', 'closed'];

function loadConfig(file: string, setExitCode: (code: number) => void): LaneConfig | undefined {
  try {
    return loadLaneTerminalConfig(file).lane;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`lanewise: invalid lane configuration ${error.message}\n`);
      setExitCode(78);
      return undefined;
    }
    throw error;
  }
}

function statusText(status: DeviceStatus): string {
  switch (status.kind) {
    case 'ready':
      return status.warnings.length ? `ready (${status.warnings.join(', ')})` : 'ready';
    case 'fault':
      return `fault: ${status.faults.join(', ')}`;
    case 'lost':
      return `lost: ${status.reason}`;
    default:
      return status.kind;
  }
}

function readingText(reading: ScaleReading): string {
  switch (reading.kind) {
    case 'stable':
      return `stable ${scaleWeightText(reading.weight)}${reading.net ? ' net' : ''} (${reading.weight.grams} g)`;
    case 'motion':
      return reading.weight ? `in motion (${scaleWeightText(reading.weight)})` : 'in motion';
    default:
      return reading.kind;
  }
}

function printProbeResults(results: readonly (ProbeResult | Omit<ProbeResult, 'role'>)[]): void {
  for (const result of results) {
    const role = 'role' in result && result.role ? result.role.padEnd(16) : '';
    process.stdout.write(`${role}${result.driver.padEnd(15)}${result.verdict.padEnd(12)}${result.address}\n${' '.repeat(role.length + 15)}${result.detail}\n`);
  }
}

export function registerDevicesCommands(program: Command, setExitCode: (code: number) => void): void {
  const devices = program.command('devices').description('the lane’s peripherals: what is attached, what answers, what it sends');

  devices
    .command('list')
    .description('serial ports and HID devices with their USB ids, and which configured role claims each')
    .option('--config <file>', 'the lane configuration, to show which role claims which device')
    .option('--json', 'print JSON')
    .action(async (options: { config?: string; json?: boolean }) => {
      const config = options.config ? loadConfig(options.config, setExitCode) : undefined;
      if (options.config && !config) return;
      const inventory = await deviceInventory(config?.devices);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(inventory, null, 2)}\n`);
        return;
      }
      process.stdout.write('Serial ports\n');
      if (inventory.serial.length === 0) process.stdout.write('  (none)\n');
      for (const port of inventory.serial) {
        const details = [port.usb && `usb ${port.usb}`, port.vendor ?? port.manufacturer, port.serialNumber && `serial ${port.serialNumber}`, !port.present && 'NOT PRESENT'].filter(Boolean).join(', ');
        process.stdout.write(`  ${port.path.padEnd(40)} ${(port.claimedBy ?? 'unclaimed').padEnd(28)} ${details}\n`);
      }
      process.stdout.write('HID devices\n');
      if (inventory.hidUnavailable) process.stdout.write(`  cannot list: ${inventory.hidUnavailable}\n`);
      else if (inventory.hid.length === 0) process.stdout.write('  (none)\n');
      for (const device of inventory.hid) {
        const kind = { hidposScanner: 'HID POS scanner', hidposScale: 'HID POS scale', keyboard: 'keyboard (a wedge scanner here is unsupported: switch it to HID POS)', other: 'other' }[device.kind];
        process.stdout.write(`  ${device.usb} ${device.path.padEnd(20)} ${(device.claimedBy ?? 'unclaimed').padEnd(28)} ${kind}${device.product ? `, ${device.product}` : ''}${device.vendor ? ` (${device.vendor})` : ''}\n`);
      }
    });

  devices
    .command('probe')
    .description('run each configured driver’s supported() probe, or try every serial driver on one port')
    .option('--config <file>', 'probe the devices this lane configuration names (stop the lane first: it holds the ports)')
    .option('--port <path>', 'which serial driver answers on this port?')
    .option('--baud <rate>', 'with --port: line speed instead of each protocol’s own', (value) => Number(value))
    .option('--json', 'print JSON')
    .action(async (options: { config?: string; port?: string; baud?: number; json?: boolean }) => {
      if (!options.config && !options.port) {
        process.stderr.write('lanewise: devices probe needs --config <file> or --port <path>\n');
        setExitCode(2);
        return;
      }
      let results: (ProbeResult | Omit<ProbeResult, 'role'>)[];
      if (options.port) {
        results = await probePort(options.port, options.baud ? { baudRate: options.baud } : undefined);
      } else {
        const config = loadConfig(options.config!, setExitCode);
        if (!config) return;
        results = await probeConfiguredDevices(config.devices);
      }
      if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else printProbeResults(results);
      // With a config: every device must be usable. With a port: one driver answering is the answer.
      const good = options.port ? results.some((result) => result.verdict === 'supported') : results.every((result) => result.verdict === 'supported' || result.verdict === 'passive');
      setExitCode(good ? 0 : 1);
    });

  devices
    .command('monitor')
    .description('start one role’s driver and print what it reports (status, scans, weights) until Ctrl-C')
    .argument('<role>', `one of ${deviceRoles.join(', ')}`)
    .requiredOption('--config <file>', 'the lane configuration (stop the lane first: it holds the ports)')
    .option('--json', 'one JSON object per line')
    .option('--duration <seconds>', 'stop after this long', (value) => Number(value))
    .option('--show <indication>', `laneLight only: show ${lightIndications.join('|')}`)
    .action(async (roleArgument: string, options: { config: string; json?: boolean; duration?: number; show?: string }) => {
      if (!(deviceRoles as readonly string[]).includes(roleArgument)) {
        process.stderr.write(`lanewise: unknown role "${roleArgument}"; roles are ${deviceRoles.join(', ')}\n`);
        setExitCode(2);
        return;
      }
      const role = roleArgument as DeviceRole;
      const config = loadConfig(options.config, setExitCode);
      if (!config) return;
      const log = createLogger({ level: config.log.level === 'debug' ? 'debug' : 'warn', bindings: { lane: config.laneId, monitor: role } });
      const { devices: laneDevices } = createLaneDevices(config, log);
      const device = laneDevices[role];
      if (!device) {
        process.stderr.write(`lanewise: this lane has no ${role} configured\n`);
        setExitCode(1);
        return;
      }
      const print = (event: string, fields: Record<string, unknown>, text: string) => {
        const at = new Date().toISOString();
        process.stdout.write(options.json ? `${JSON.stringify({ at, role, event, ...fields })}\n` : `${at} ${role} ${event}: ${text}\n`);
      };
      const subscriptions: Disposable[] = [device.onStatus((status) => print('status', { status }, statusText(status)))];
      if (role === 'scanner') {
        const scanner = laneDevices.scanner;
        subscriptions.push(
          scanner.onScan((scan) => {
            const decoded = decodeBarcode(scan.data, { currency: 'EUR' });
            const meaning = decoded.ok ? `GTIN ${decoded.value.lookupGtin} (${decoded.value.symbology})` : `rejected: ${decoded.error.reason}`;
            print('scan', { data: scan.data, decoded: decoded.ok ? decoded.value : decoded.error }, `${JSON.stringify(scan.data)} → ${meaning}`);
          }),
          scanner.onGarbage((garbage) => print('garbage', { ...garbage }, `${garbage.byteCount} bytes discarded (${garbage.reason})`)),
        );
      }
      if (role === 'scale' && laneDevices.scale) subscriptions.push(laneDevices.scale.onReading((reading) => print('reading', { reading }, readingText(reading))));
      if (role === 'baggingScale' && laneDevices.baggingScale) {
        subscriptions.push(laneDevices.baggingScale.onSettled((weight) => print('settled', { weight }, `settled at ${scaleWeightText(weight)} (${weight.grams} g)`)));
      }
      if (role === 'paymentTerminal') subscriptions.push(laneDevices.paymentTerminal.onPrompt((prompt) => print('prompt', { ...prompt }, `${prompt.reference}: ${prompt.prompt}`)));

      await device.start();
      print('status', { status: device.status }, statusText(device.status));
      if (role === 'laneLight' && options.show) {
        if (!(lightIndications as readonly string[]).includes(options.show)) {
          process.stderr.write(`lanewise: --show must be one of ${lightIndications.join(', ')}\n`);
        } else {
          laneDevices.laneLight?.show(options.show as LaneLightIndication);
          print('show', { indication: options.show }, options.show);
        }
      }
      await new Promise<void>((resolve) => {
        // The timer is cleared on a signal, or it would keep the process alive until it fires.
        const timer = options.duration && options.duration > 0 ? setTimeout(() => stop(), options.duration * 1000) : undefined;
        const stop = () => {
          clearTimeout(timer);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      for (const subscription of subscriptions) subscription.dispose();
      await device.stop();
      setExitCode(0);
    });
}
