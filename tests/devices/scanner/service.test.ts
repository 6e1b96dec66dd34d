import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScannerFraming } from '../../../devices/scanner/codec';
import { SerialScannerService } from '../../../devices/scanner/service';
import { ScannerSimulator } from '../../../devices/scanner/simulator';
import { SerialPortTransport } from '../../../devices/serial/transport';
import { createPtyPair } from '../../../devices/sim/ptyPair';
import { silentLogger } from '../../../shared/log';
import { bytes, Cleanup, createPtyCable, FakeTransport, fastReconnect, line9600, memoryLogger, record, waitFor, waitForStatus } from '../support/harness';

const framing: ScannerFraming = { prefix: '', suffix: 'CRLF', aimIdentifiers: true };

describe('SerialScannerService (fake transport)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('goes closed → connecting → ready → closed', async () => {
    const transport = new FakeTransport();
    const service = new SerialScannerService(transport, framing, silentLogger);
    const statuses = record(service.onStatus);
    expect(service.status).toEqual({ kind: 'closed' });
    await service.start();
    expect(service.status).toEqual({ kind: 'ready', warnings: [] });
    await service.stop();
    expect(statuses.map((status) => status.kind)).toEqual(['connecting', 'ready', 'closed']);
    expect(transport.isOpen).toBe(false);
  });

  it('stamps each scan with the arrival of its first byte and of its terminator', async () => {
    const transport = new FakeTransport();
    let now = 1_000.25;
    const service = new SerialScannerService(transport, framing, silentLogger, { clock: () => now });
    const scans = record(service.onScan);
    await service.start();
    transport.receive(']E0400');
    now = 1_003.5;
    transport.receive('6381333931\r\n]E4871');
    now = 1_010.75;
    transport.receive('1234\r\n');
    expect(scans).toEqual([
      { data: ']E04006381333931', firstByteAt: 1_000.25, receivedAt: 1_003.5 },
      { data: ']E48711234', firstByteAt: 1_003.5, receivedAt: 1_010.75 },
    ]);
    await service.stop();
  });

  it('uses epoch milliseconds with sub-millisecond precision by default', async () => {
    const transport = new FakeTransport();
    const service = new SerialScannerService(transport, framing, silentLogger);
    const scans = record(service.onScan);
    await service.start();
    const before = Date.now();
    transport.receive('123\r\n');
    const [scan] = scans;
    expect(scan).toBeDefined();
    expect(Math.abs((scan?.receivedAt ?? 0) - before)).toBeLessThan(1_000);
    expect(scan?.firstByteAt).toBeLessThanOrEqual(scan?.receivedAt ?? 0);
    await service.stop();
  });

  it('discards a frame stuck mid-way after the inter-byte timeout and logs it', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const log = memoryLogger();
    const service = new SerialScannerService(transport, { ...framing, interByteTimeoutMs: 100 }, log);
    const scans = record(service.onScan);
    const garbage = record(service.onGarbage);
    await service.start();
    transport.receive(']E0400638');
    vi.advanceTimersByTime(99);
    expect(garbage).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(garbage).toEqual([{ reason: 'stale', byteCount: 9 }]);
    expect(log.entries.some((entry) => entry.level === 'warn' && entry.fields['reason'] === 'stale')).toBe(true);
    transport.receive('4006381333931\r\n');
    expect(scans.map((scan) => scan.data)).toEqual(['4006381333931']);
    await service.stop();
  });

  it('keeps a slow but steady frame: the timer restarts with every chunk', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const service = new SerialScannerService(transport, framing, silentLogger);
    const scans = record(service.onScan);
    const garbage = record(service.onGarbage);
    await service.start();
    for (const char of '4006381333931') {
      transport.receive(char);
      vi.advanceTimersByTime(60);
    }
    transport.receive('\r\n');
    vi.advanceTimersByTime(500);
    expect(scans.map((scan) => scan.data)).toEqual(['4006381333931']);
    expect(garbage).toEqual([]);
    await service.stop();
  });

  it('start() resolves with the scanner absent, then retries with growing delays until it appears', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    transport.openError = new Error('ENOENT: no such file');
    const service = new SerialScannerService(transport, framing, silentLogger, { reconnect: { initialDelayMs: 250, maxDelayMs: 1_000 } });
    await service.start();
    expect(service.status).toEqual({ kind: 'lost', reason: 'ENOENT: no such file' });
    expect(transport.openCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(transport.openCalls).toBe(2);
    await vi.advanceTimersByTimeAsync(499);
    expect(transport.openCalls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.openCalls).toBe(3);
    transport.openError = undefined;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(service.status.kind).toBe('ready');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.openCalls).toBe(4);
    await service.stop();
  });

  it('a lost line discards the partial frame, reconnects, and stop() cancels retrying', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const service = new SerialScannerService(transport, framing, silentLogger, { reconnect: { initialDelayMs: 100 } });
    const scans = record(service.onScan);
    await service.start();
    transport.receive(']E040063');
    transport.openError = new Error('gone');
    transport.lose('EIO');
    expect(service.status).toEqual({ kind: 'lost', reason: 'EIO' });
    await vi.advanceTimersByTimeAsync(100);
    expect(service.status.kind).toBe('lost');
    transport.openError = undefined;
    await vi.advanceTimersByTimeAsync(200);
    expect(service.status.kind).toBe('ready');
    transport.receive('81333931\r\n123\r\n');
    // The half frame from before the loss is gone, not glued to what comes after reconnecting.
    expect(scans.map((scan) => scan.data)).toEqual(['81333931', '123']);

    transport.openError = new Error('gone');
    transport.lose();
    await service.stop();
    const calls = transport.openCalls;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.openCalls).toBe(calls);
    expect(service.status).toEqual({ kind: 'closed' });
  });

  it('a listener that throws does not stop the scanner', async () => {
    const transport = new FakeTransport();
    const log = memoryLogger();
    const service = new SerialScannerService(transport, framing, log);
    const scans = record(service.onScan);
    service.onScan(() => {
      throw new Error('bug in a listener');
    });
    await service.start();
    transport.receive(bytes('111\r\n222\r\n'));
    expect(scans.map((scan) => scan.data)).toEqual(['111', '222']);
    expect(log.entries.filter((entry) => entry.level === 'error')).toHaveLength(2);
    await service.stop();
  });
});

describe('SerialScannerService over a socat pseudo-terminal pair', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function rig(options: { framing?: ScannerFraming } = {}) {
    const scannerFraming = options.framing ?? framing;
    const cable = await createPtyCable(cleanup, 'scanner', 'scanner');
    const simulator = new ScannerSimulator(new SerialPortTransport(cable.devicePath, line9600), scannerFraming);
    await simulator.open();
    cleanup.add(() => simulator.close());
    const service = new SerialScannerService(new SerialPortTransport(cable.hostPath, line9600), scannerFraming, silentLogger, { reconnect: fastReconnect });
    cleanup.add(() => service.stop());
    const scans = record(service.onScan);
    const garbage = record(service.onGarbage);
    await service.start();
    return { cable, simulator, service, scans, garbage };
  }

  it('delivers scans with and without an AIM identifier', async () => {
    const { simulator, service, scans } = await rig();
    expect(service.status).toEqual({ kind: 'ready', warnings: [] });
    await simulator.scan('4006381333931', { aim: ']E0' });
    await simulator.scan('0104012345678901');
    await simulator.scan('\x1d0104012345678901', { aim: ']C1' });
    await waitFor(() => scans.length === 3, 'three scans');
    expect(scans.map((scan) => scan.data)).toEqual([']E04006381333931', '0104012345678901', ']C1\x1d0104012345678901']);
    for (const scan of scans) expect(scan.firstByteAt).toBeLessThanOrEqual(scan.receivedAt);
  });

  it('strips a configured prefix', async () => {
    const { simulator, scans } = await rig({ framing: { prefix: '\x02', suffix: 'CR', aimIdentifiers: true } });
    await simulator.scan('96385074', { aim: ']E4' });
    await waitFor(() => scans.length === 1, 'a scan');
    expect(scans[0]?.data).toBe(']E496385074');
  });

  it('reports garbage bytes and still reads the next scan', async () => {
    const { simulator, scans, garbage } = await rig();
    await simulator.writeRaw(Uint8Array.of(0x00, 0xff, 0x13, 0x41, 0x0d, 0x0a));
    await simulator.scan('4006381333931', { aim: ']E0' });
    await waitFor(() => scans.length === 1, 'a scan after garbage');
    expect(garbage).toEqual([{ reason: 'nonPrintable', byteCount: 4 }]);
    expect(scans[0]?.data).toBe(']E04006381333931');
  });

  it('drops a half frame after the inter-byte timeout and reads the next scan', async () => {
    const { simulator, scans, garbage } = await rig();
    await simulator.writeRaw(bytes(']E0400'));
    await waitFor(() => garbage.length === 1, 'stale garbage');
    expect(garbage[0]).toEqual({ reason: 'stale', byteCount: 6 });
    await simulator.scan('4006381333931', { aim: ']E0' });
    await waitFor(() => scans.length === 1, 'a scan');
    expect(scans[0]?.data).toBe(']E04006381333931');
  });

  it('goes lost when the cable is cut and back to ready on a new line at the same path', async () => {
    const setup = await rig();
    const { simulator, service, scans } = setup;
    await setup.cable.unplug();
    await waitForStatus(service, 'lost');
    // Retries fail while the path does not exist.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(service.status.kind).toBe('lost');

    await setup.cable.plugBackIn();
    await simulator.open();
    await waitForStatus(service, 'ready');
    await simulator.scan('4006381333931', { aim: ']E0' });
    await waitFor(() => scans.length === 1, 'a scan after reconnecting');
    expect(scans[0]?.data).toBe(']E04006381333931');
  });

  it('start() with no device resolves as lost and connects once the device appears', async () => {
    const directory = cleanup.tempDir('scanner-late');
    const service = new SerialScannerService(new SerialPortTransport(`${directory}/scanner.host`, line9600), framing, silentLogger, { reconnect: fastReconnect });
    cleanup.add(() => service.stop());
    await service.start();
    expect(service.status.kind).toBe('lost');
    const pair = await createPtyPair(directory, 'scanner');
    cleanup.add(() => pair.close());
    await waitForStatus(service, 'ready');
  });
});
