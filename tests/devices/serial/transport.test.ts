import { afterEach, describe, expect, it } from 'vitest';
import { SerialScannerService } from '../../../devices/scanner/service';
import { ScannerSimulator } from '../../../devices/scanner/simulator';
import { createPtyPair } from '../../../devices/sim/ptyPair';
import { SerialPortTransport } from '../../../devices/serial/transport';
import { silentLogger } from '../../../shared/log';
import { Cleanup, line9600, record, waitFor, waitForStatus } from '../support/harness';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('SerialPortTransport', () => {
  it('reports the line lost when the device node disappears, even if nothing is written', async () => {
    const directory = cleanup.tempDir('transport');
    const pair = await createPtyPair(directory, 'passive');
    cleanup.add(() => pair.close());
    const transport = new SerialPortTransport(pair.hostPath, line9600, { presenceCheckMs: 20 });
    const losses = record(transport.onLost);
    await transport.open();
    cleanup.add(() => transport.close());
    await pair.close();
    await waitFor(() => losses.length > 0, 'onLost', 2_000);
    expect(transport.isOpen).toBe(false);
    // Reported once, not again when serialport notices the close.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(losses).toHaveLength(1);
  });

  it('notices a node replaced by a different device at the same path', async () => {
    const directory = cleanup.tempDir('transport');
    const first = await createPtyPair(directory, 'swap');
    const transport = new SerialPortTransport(first.hostPath, line9600, { presenceCheckMs: 500 });
    const losses = record(transport.onLost);
    await transport.open();
    cleanup.add(() => transport.close());
    // Unplug and replug faster than the check interval: the path exists again, but it is another pty.
    await first.close();
    const second = await createPtyPair(directory, 'swap');
    cleanup.add(() => second.close());
    await waitFor(() => losses.length > 0, 'onLost', 2_000);
    // Whichever notices first (serialport's read error or the presence check), the loss is reported once.
    expect(transport.isOpen).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(losses).toHaveLength(1);
  });

  it('an unplugged passive scanner is reopened within 2 s of returning, with production settings', async () => {
    const directory = cleanup.tempDir('transport');
    let pair = await createPtyPair(directory, 'scanner');
    cleanup.add(() => pair.close());
    // Default presence check and backoff: this is the promise made to store IT.
    const service = new SerialScannerService(new SerialPortTransport(pair.hostPath, line9600), { prefix: '', suffix: 'CR', aimIdentifiers: false }, silentLogger);
    cleanup.add(() => service.stop());
    await service.start();
    expect(service.status.kind).toBe('ready');

    await pair.close();
    await waitForStatus(service, 'lost', 2_000);
    // Away long enough for the backoff to reach its cap.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    pair = await createPtyPair(directory, 'scanner');
    const returnedAt = Date.now();
    await waitForStatus(service, 'ready', 2_000);
    expect(Date.now() - returnedAt).toBeLessThan(2_000);

    const simulator = new ScannerSimulator(new SerialPortTransport(pair.devicePath, line9600), { prefix: '', suffix: 'CR', aimIdentifiers: false });
    cleanup.add(() => simulator.close());
    await simulator.open();
    const scans = record(service.onScan);
    await simulator.scan('4750001000016');
    await waitFor(() => scans[0], 'a scan after replugging');
    expect(scans[0]?.data).toBe('4750001000016');
  }, 15_000);
});
