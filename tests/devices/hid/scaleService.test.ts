import { afterEach, describe, expect, it, vi } from 'vitest';
import { HidScaleService, hidScaleZeroRefusal } from '../../../devices/hid/scaleService';
import { FakeHidTransport } from '../../../devices/hid/simulator';
import { silentLogger } from '../../../shared/log';
import { scaleWeight } from '../../../shared/scale';
import { fastReconnect, memoryLogger, record, waitForStatus } from '../support/harness';
import { dymoStableOunces, fromHex } from './fixtures/reports';

const stable = (grams: number) => ({ kind: 'stable' as const, weight: scaleWeight(grams, 0, 'g'), net: false });
const motion = (grams: number) => ({ kind: 'motion' as const, weight: scaleWeight(grams, 0, 'g') });

describe('HidScaleService', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('goes closed → connecting → ready → closed', async () => {
    const transport = new FakeHidTransport();
    const service = new HidScaleService(transport, silentLogger);
    const statuses = record(service.onStatus);
    await service.start();
    expect(service.status).toEqual({ kind: 'ready', warnings: [] });
    await service.stop();
    expect(statuses.map((status) => status.kind)).toEqual(['connecting', 'ready', 'closed']);
    expect(transport.isOpen).toBe(false);
  });

  it('readWeight answers from the latest report', async () => {
    const transport = new FakeHidTransport();
    const service = new HidScaleService(transport, silentLogger);
    await service.start();
    transport.sendReport(fromHex(dymoStableOunces));
    expect(await service.readWeight()).toEqual({ ok: true, value: { kind: 'stable', weight: scaleWeight(6452, 1, 'oz'), net: false } });
    transport.setScaleReading(motion(480));
    expect(await service.readWeight()).toEqual({ ok: true, value: motion(480) });
    transport.setScaleReading({ kind: 'overCapacity' });
    expect(await service.readWeight()).toEqual({ ok: true, value: { kind: 'overCapacity' } });
    expect(service.lastReading).toEqual({ kind: 'overCapacity' });
    await service.stop();
  });

  it('readWeight waits for the first report, and times out when none comes', async () => {
    vi.useFakeTimers();
    const transport = new FakeHidTransport();
    const service = new HidScaleService(transport, silentLogger, { readTimeoutMs: 1_000 });
    await service.start();
    const waiting = service.readWeight();
    await vi.advanceTimersByTimeAsync(300);
    transport.setScaleReading(stable(250));
    expect(await waiting).toEqual({ ok: true, value: stable(250) });

    const other = new HidScaleService(new FakeHidTransport(), silentLogger, { readTimeoutMs: 1_000 });
    await other.start();
    const timingOut = other.readWeight();
    await vi.advanceTimersByTimeAsync(999);
    let settled = false;
    void timingOut.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await timingOut).toEqual({ ok: false, error: { kind: 'timeout' } });
    await service.stop();
    await other.stop();
  });

  it('tells each change once on onReading, and each new stable weight on onSettled', async () => {
    const transport = new FakeHidTransport();
    const service = new HidScaleService(transport, silentLogger);
    const readings = record(service.onReading);
    const settled = record(service.onSettled);
    await service.start();
    transport.setScaleReading(stable(0));
    transport.setScaleReading(stable(0));
    transport.setScaleReading(motion(300));
    transport.setScaleReading(motion(300));
    transport.setScaleReading(stable(512));
    transport.setScaleReading(stable(512));
    transport.setScaleReading(motion(200));
    transport.setScaleReading(stable(512));
    expect(readings).toEqual([stable(0), motion(300), stable(512), motion(200), stable(512)]);
    expect(settled.map((weight) => weight.grams)).toEqual([0, 512, 512]);
    await service.stop();
  });

  it('status 1 (fault) and 7 (needs calibration) are a scaleError fault until a good report', async () => {
    const transport = new FakeHidTransport();
    const log = memoryLogger();
    const service = new HidScaleService(transport, log);
    await service.start();
    transport.setScaleReading({ kind: 'fault', condition: 'fault' });
    expect(service.status).toEqual({ kind: 'fault', faults: ['scaleError'] });
    expect(await service.readWeight()).toEqual({ ok: false, error: { kind: 'refused', detail: 'the scale reports a fault (HID POS status 1)' } });
    transport.setScaleReading({ kind: 'fault', condition: 'needsCalibration' });
    expect(service.status).toEqual({ kind: 'fault', faults: ['scaleError'] });
    expect(await service.readWeight()).toMatchObject({ ok: false, error: { kind: 'refused', detail: expect.stringContaining('calibration') } });
    transport.setScaleReading(stable(100));
    expect(service.status).toEqual({ kind: 'ready', warnings: [] });
    expect(log.entries.filter((entry) => entry.level === 'warn')).toHaveLength(1);
    await service.stop();
  });

  it('status 8 (needs re-zero) is a zeroError reading: the scale stays ready, the sale is blocked by the reading', async () => {
    const transport = new FakeHidTransport();
    const service = new HidScaleService(transport, silentLogger);
    await service.start();
    transport.sendReport(fromHex('03 08 02 00 00 00'));
    expect(service.status.kind).toBe('ready');
    expect(await service.readWeight()).toEqual({ ok: true, value: { kind: 'zeroError' } });
    await service.stop();
  });

  it('a report that does not parse makes readWeight a badReply (warned once), other report ids are ignored', async () => {
    const transport = new FakeHidTransport();
    const log = memoryLogger();
    const service = new HidScaleService(transport, log);
    await service.start();
    transport.setScaleReading(stable(100));
    transport.sendReport(fromHex('05 00 00'));
    expect(await service.readWeight()).toEqual({ ok: true, value: stable(100) });
    for (let i = 0; i < 5; i++) transport.sendReport(fromHex('03 04 04 00 10 00'));
    expect(await service.readWeight()).toMatchObject({ ok: false, error: { kind: 'badReply', detail: expect.stringContaining('unit 4') } });
    expect(log.entries.filter((entry) => entry.level === 'warn')).toHaveLength(1);
    expect(service.status.kind).toBe('ready');
    await service.stop();
  });

  it('zero() is refused: HID POS scales are zeroed on the scale', async () => {
    const service = new HidScaleService(new FakeHidTransport(), silentLogger);
    expect(await service.zero()).toEqual({ ok: false, error: { kind: 'notOpen' } });
    await service.start();
    expect(await service.zero()).toEqual({ ok: false, error: { kind: 'refused', detail: hidScaleZeroRefusal } });
    expect(hidScaleZeroRefusal).toBe('HID POS scales are zeroed on the scale');
    await service.stop();
  });

  it('unplug → lost (reading forgotten, readWeight notOpen) → replug → ready', async () => {
    const transport = new FakeHidTransport();
    const service = new HidScaleService(transport, silentLogger, { reconnect: fastReconnect, readTimeoutMs: 5_000 });
    await service.start();
    const waiting = service.readWeight();
    transport.unplug();
    expect(await waiting).toEqual({ ok: false, error: { kind: 'notOpen' } });
    expect(service.status).toEqual({ kind: 'lost', reason: 'HID device unplugged' });
    expect(await service.readWeight()).toEqual({ ok: false, error: { kind: 'notOpen' } });
    transport.replug();
    await waitForStatus(service, 'ready');
    expect(service.lastReading).toBeUndefined();
    transport.setScaleReading(stable(42));
    expect(await service.readWeight()).toEqual({ ok: true, value: stable(42) });
    await service.stop();
  });

  it('an old reading does not survive the unplug', async () => {
    const transport = new FakeHidTransport();
    const service = new HidScaleService(transport, silentLogger, { reconnect: fastReconnect, readTimeoutMs: 50 });
    const readings = record(service.onReading);
    await service.start();
    transport.setScaleReading(stable(42));
    transport.unplug();
    transport.replug();
    await waitForStatus(service, 'ready');
    expect(await service.readWeight()).toEqual({ ok: false, error: { kind: 'timeout' } });
    // The same reading after re-plugging is told again: listeners reset their view on lost.
    transport.setScaleReading(stable(42));
    expect(readings).toEqual([stable(42), stable(42)]);
    await service.stop();
  });

  it('readWeight is notOpen when stopped, and stop() releases a waiting read', async () => {
    const transport = new FakeHidTransport();
    const service = new HidScaleService(transport, silentLogger, { readTimeoutMs: 5_000 });
    expect(await service.readWeight()).toEqual({ ok: false, error: { kind: 'notOpen' } });
    await service.start();
    const waiting = service.readWeight();
    await service.stop();
    expect(await waiting).toEqual({ ok: false, error: { kind: 'notOpen' } });
  });

  it('validates its options', () => {
    expect(() => new HidScaleService(new FakeHidTransport(), silentLogger, { readTimeoutMs: 0 })).toThrow(RangeError);
  });
});
