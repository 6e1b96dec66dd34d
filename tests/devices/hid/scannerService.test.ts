import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeHidScanReports } from '../../../devices/hid/scannerCodec';
import { HidScannerService } from '../../../devices/hid/scannerService';
import { FakeHidTransport } from '../../../devices/hid/simulator';
import { decodeBarcode } from '../../../shared/barcode';
import { silentLogger } from '../../../shared/log';
import { fastReconnect, memoryLogger, record, waitForStatus } from '../support/harness';
import { fromHex, qrFirstReport, qrSecondReport, qrText } from './fixtures/reports';

describe('HidScannerService', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('goes closed → connecting → ready → closed', async () => {
    const transport = new FakeHidTransport();
    const service = new HidScannerService(transport, silentLogger);
    const statuses = record(service.onStatus);
    expect(service.status).toEqual({ kind: 'closed' });
    await service.start();
    expect(service.status).toEqual({ kind: 'ready', warnings: [] });
    await service.stop();
    expect(statuses.map((status) => status.kind)).toEqual(['connecting', 'ready', 'closed']);
    expect(transport.isOpen).toBe(false);
  });

  it('delivers scans as AIM id + data, which decodeBarcode reads', async () => {
    const transport = new FakeHidTransport();
    const service = new HidScannerService(transport, silentLogger);
    const scans = record(service.onScan);
    await service.start();
    transport.scan(']E0', '4006381333931');
    expect(scans.map((scan) => scan.data)).toEqual([']E04006381333931']);
    const decoded = decodeBarcode(scans[0]?.data ?? '', { currency: 'EUR' });
    expect(decoded.ok && decoded.value.gtin).toBe('04006381333931');
    await service.stop();
  });

  it('stamps a multi-report label with the arrival of its first and its last report', async () => {
    const transport = new FakeHidTransport();
    let now = 5_000.25;
    const service = new HidScannerService(transport, silentLogger, { clock: () => now });
    const scans = record(service.onScan);
    await service.start();
    transport.sendReport(fromHex(qrFirstReport));
    now = 5_008.5;
    transport.sendReport(fromHex(qrSecondReport));
    now = 5_020;
    transport.scan(']E4', '96385074');
    expect(scans).toEqual([
      { data: qrText, firstByteAt: 5_000.25, receivedAt: 5_008.5 },
      { data: ']E496385074', firstByteAt: 5_020, receivedAt: 5_020 },
    ]);
    await service.stop();
  });

  it('the simulator splits long labels over several reports and the service joins them', async () => {
    const transport = new FakeHidTransport();
    const service = new HidScannerService(transport, silentLogger);
    const scans = record(service.onScan);
    await service.start();
    const data = `https://id.example.com/01/04006381333931?${'x'.repeat(150)}`;
    expect(encodeHidScanReports(']Q1', data)).toHaveLength(4);
    transport.scan(']Q1', data);
    expect(scans.map((scan) => scan.data)).toEqual([`]Q1${data}`]);
    await service.stop();
  });

  it('discards a label whose continuation does not come in time, and logs it', async () => {
    vi.useFakeTimers();
    const transport = new FakeHidTransport();
    const log = memoryLogger();
    const service = new HidScannerService(transport, log, { continuationTimeoutMs: 100 });
    const scans = record(service.onScan);
    const garbage = record(service.onGarbage);
    await service.start();
    transport.sendReport(fromHex(qrFirstReport));
    vi.advanceTimersByTime(99);
    expect(garbage).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(garbage).toEqual([{ reason: 'stale', byteCount: 64 }]);
    expect(log.entries.some((entry) => entry.level === 'warn' && entry.fields['reason'] === 'stale')).toBe(true);
    // The stale half was never delivered; the next label reads normally.
    transport.scan(']E0', '4006381333931');
    expect(scans.map((scan) => scan.data)).toEqual([']E04006381333931']);
    await service.stop();
  });

  it('reports unusable reports as garbage, and ignores other report ids quietly', async () => {
    const transport = new FakeHidTransport();
    const log = memoryLogger();
    const service = new HidScannerService(transport, log);
    const garbage = record(service.onGarbage);
    await service.start();
    const [bad] = encodeHidScanReports(']E0', '123');
    if (!bad) throw new Error('no report');
    bad[6] = 0x0d;
    transport.sendReport(bad);
    transport.sendReport(new Uint8Array([0x02, 0x05]));
    const other = new Uint8Array(64);
    other[0] = 0x01;
    transport.sendReport(other);
    expect(garbage).toEqual([
      { reason: 'nonPrintable', byteCount: 64 },
      { reason: 'tooShort', byteCount: 2 },
    ]);
    // The first is logged at once; the rest of a flood only as a summary line every few seconds.
    expect(log.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.fields['reason'])).toEqual(['nonPrintable']);
    expect(log.entries.some((entry) => entry.level === 'debug' && entry.fields['reason'] === 'unexpectedReportId')).toBe(true);
    await service.stop();
  });

  it('uses a configured report layout', async () => {
    const layout = { reportId: 0x04 } as const;
    const transport = new FakeHidTransport({ scanEncoding: { layout } });
    const service = new HidScannerService(transport, silentLogger, { layout });
    const scans = record(service.onScan);
    await service.start();
    transport.scan(']E0', '4006381333931');
    expect(scans.map((scan) => scan.data)).toEqual([']E04006381333931']);
    await service.stop();
  });

  it('unplug → lost (partial label dropped) → replug → ready, found again by the reconnect loop', async () => {
    const transport = new FakeHidTransport();
    const service = new HidScannerService(transport, silentLogger, { reconnect: fastReconnect });
    const statuses = record(service.onStatus);
    const scans = record(service.onScan);
    const garbage = record(service.onGarbage);
    await service.start();
    transport.sendReport(fromHex(qrFirstReport));
    transport.unplug();
    expect(service.status).toEqual({ kind: 'lost', reason: 'HID device unplugged' });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(service.status.kind).toBe('lost');
    expect(transport.openCalls).toBeGreaterThan(1);
    transport.replug();
    await waitForStatus(service, 'ready');
    transport.sendReport(fromHex(qrFirstReport));
    transport.sendReport(fromHex(qrSecondReport));
    transport.scan(']E0', '4006381333931');
    // The half label from before the unplug is gone, not prepended to the next one.
    expect(scans.map((scan) => scan.data)).toEqual([qrText, ']E04006381333931']);
    expect(garbage).toEqual([]);
    expect(statuses).toEqual([
      { kind: 'connecting' },
      { kind: 'ready', warnings: [] },
      { kind: 'lost', reason: 'HID device unplugged' },
      // The reconnect attempts say why they fail.
      { kind: 'lost', reason: 'no HID device fake-hid attached' },
      { kind: 'ready', warnings: [] },
    ]);
    await service.stop();
  });

  it('start() resolves with the scanner absent, retries with backoff, and stop() cancels retrying', async () => {
    vi.useFakeTimers();
    const transport = new FakeHidTransport();
    transport.unplug();
    const service = new HidScannerService(transport, silentLogger, { reconnect: { initialDelayMs: 250, maxDelayMs: 1_000 } });
    await service.start();
    expect(service.status).toEqual({ kind: 'lost', reason: 'no HID device fake-hid attached' });
    await vi.advanceTimersByTimeAsync(250);
    expect(transport.openCalls).toBe(2);
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.openCalls).toBe(3);
    await service.stop();
    expect(service.status.kind).toBe('closed');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.openCalls).toBe(3);
  });

  it('a listener that throws is logged and does not stop delivery', async () => {
    const transport = new FakeHidTransport();
    const log = memoryLogger();
    const service = new HidScannerService(transport, log);
    service.onScan(() => {
      throw new Error('listener bug');
    });
    const scans = record(service.onScan);
    await service.start();
    transport.scan(']E0', '4006381333931');
    transport.scan(']E4', '96385074');
    expect(scans).toHaveLength(2);
    expect(log.entries.filter((entry) => entry.level === 'error')).toHaveLength(2);
    await service.stop();
  });

  it('stops delivering after stop()', async () => {
    const transport = new FakeHidTransport();
    const service = new HidScannerService(transport, silentLogger);
    const scans = record(service.onScan);
    await service.start();
    await service.stop();
    expect(transport.scan(']E0', '4006381333931')).toBe(false);
    expect(scans).toEqual([]);
  });

  it('validates its options', () => {
    expect(() => new HidScannerService(new FakeHidTransport(), silentLogger, { continuationTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => new HidScannerService(new FakeHidTransport(), silentLogger, { layout: { reportId: 300 } })).toThrow(RangeError);
  });
});
