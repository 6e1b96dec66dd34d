import { afterEach, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceInventory } from '../../../main/devices/inventory';
import type { ProbeResult } from '../../../main/devices/probe';
import { EscPosPrinterSimulator } from '../../../devices/printer/simulator';
import { SerialScaleSimulator } from '../../../devices/scale/simulator';
import { ScannerSimulator } from '../../../devices/scanner/simulator';
import { createPtyPair } from '../../../devices/sim/ptyPair';
import { SerialPortTransport } from '../../../devices/serial/transport';
import { Cleanup, line9600, waitFor } from '../../devices/support/harness';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

function lanewise(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/lanewise.mjs', ...args], { cwd: repoRoot, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** A lane configuration naming a scanner, a Mettler scale and a printer on ptys, each with its simulator. */
async function devicesOnPtys(cleanup: Cleanup) {
  const dir = cleanup.tempDir('devices-cli');
  const scannerPty = await createPtyPair(dir, 'scanner');
  const scalePty = await createPtyPair(dir, 'scale');
  const printerPty = await createPtyPair(dir, 'printer');
  for (const pty of [scannerPty, scalePty, printerPty]) cleanup.add(() => pty.close());
  const scanner = new ScannerSimulator(new SerialPortTransport(scannerPty.devicePath, line9600), { prefix: '', suffix: 'CR', aimIdentifiers: false });
  const scale = new SerialScaleSimulator(new SerialPortTransport(scalePty.devicePath, line9600), { protocol: 'mettler8217' });
  const printer = new EscPosPrinterSimulator(new SerialPortTransport(printerPty.devicePath, line9600));
  for (const simulator of [scanner, scale, printer]) {
    await simulator.open();
    cleanup.add(() => simulator.close());
  }
  const configFile = join(dir, 'lane.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      laneId: 'L09',
      storeName: 'CLI Store',
      dataDir: dir,
      devices: {
        scanner: { driver: 'serial', path: scannerPty.hostPath },
        scale: { driver: 'mettler8217', path: scalePty.hostPath, dataBits: 8, parity: 'none' },
        printer: { driver: 'escpos-serial', path: printerPty.hostPath },
        // Nothing listens here: the probe must say so.
        paymentTerminal: { driver: 'tcp', port: 1 },
      },
    }),
  );
  return { dir, configFile, scannerPty, scalePty, printerPty, scanner, scale, printer };
}

describe('lanewise devices', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('lists configured serial ports with the role that claims them, and HID devices (none here)', { timeout: 60_000 }, async () => {
    const rig = await devicesOnPtys(cleanup);
    const run = await lanewise(['devices', 'list', '--config', rig.configFile, '--json']);
    expect(run.code).toBe(0);
    const inventory = JSON.parse(run.stdout) as DeviceInventory;
    expect(inventory.serial).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: rig.scalePty.hostPath, claimedBy: 'scale (mettler8217)', present: true }),
        expect.objectContaining({ path: rig.printerPty.hostPath, claimedBy: 'printer (escpos-serial)', present: true }),
      ]),
    );
    // node-hid loads here (libusb is installed) and finds no hidraw devices.
    expect(inventory.hidUnavailable).toBeUndefined();
    expect(inventory.hid).toEqual([]);

    const human = await lanewise(['devices', 'list', '--config', rig.configFile]);
    expect(human.stdout).toContain('scale (mettler8217)');
  });

  it('probes each configured device with its driver, and says which driver answers on a port', { timeout: 60_000 }, async () => {
    const rig = await devicesOnPtys(cleanup);
    const run = await lanewise(['devices', 'probe', '--config', rig.configFile, '--json']);
    const results = JSON.parse(run.stdout) as ProbeResult[];
    const byRole = Object.fromEntries(results.map((result) => [result.role, result.verdict]));
    expect(byRole).toEqual({ scanner: 'passive', scale: 'supported', printer: 'supported', paymentTerminal: 'unavailable' });
    // The terminal is unreachable: not everything is usable.
    expect(run.code).toBe(1);

    const port = await lanewise(['devices', 'probe', '--port', rig.scalePty.hostPath, '--json']);
    expect(port.code).toBe(0);
    const verdicts = Object.fromEntries((JSON.parse(port.stdout) as ProbeResult[]).map((result) => [result.driver, result.verdict]));
    // Over a pty the 7E1 setting makes no difference; the Mettler simulator answers only its own protocol.
    expect(verdicts.mettler8217).toBe('supported');
    expect(verdicts.scp01).toBe('noAnswer');
    expect(verdicts['escpos-serial']).toBe('noAnswer');
  });

  // Generous waits: each CLI spawn compiles the CLI with tsx, slow when the suite shares two cores.
  it('monitors a role: status, then each scan decoded, as JSON lines', { timeout: 120_000 }, async () => {
    const rig = await devicesOnPtys(cleanup);
    const child = spawn(process.execPath, ['bin/lanewise.mjs', 'devices', 'monitor', 'scanner', '--config', rig.configFile, '--json', '--duration', '90'], { cwd: repoRoot });
    cleanup.add(() => child.kill('SIGKILL'));
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const lines = () => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { event: string; data?: string; status?: { kind: string } });
    await waitFor(() => lines().some((line) => line.event === 'status' && line.status?.kind === 'ready'), () => `scanner ready (output: ${stdout})`, 60_000);
    await rig.scanner.scan('4006381333931');
    await waitFor(() => lines().find((line) => line.event === 'scan'), 'a scan line', 5_000);
    expect(lines().find((line) => line.event === 'scan')).toMatchObject({ role: 'scanner', data: '4006381333931', decoded: { lookupGtin: '04006381333931' } });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
