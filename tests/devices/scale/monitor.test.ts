import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultPollIntervalMs, defaultSettleMs, defaultSettleToleranceGrams, resolveScaleMonitorOptions, ScaleMonitor, type MonitoredScale } from '../../../devices/scale/monitor';
import { scaleProtocols } from '../../../devices/scale/protocol';
import { SerialScaleService } from '../../../devices/scale/service';
import { SerialScaleSimulator } from '../../../devices/scale/simulator';
import { SerialPortTransport } from '../../../devices/serial/transport';
import { createPtyPair } from '../../../devices/sim/ptyPair';
import type { DeviceStatus } from '../../../shared/devices';
import { silentLogger } from '../../../shared/log';
import { err, ok, type Result } from '../../../shared/result';
import { scaleWeight, type ScaleReadFailure, type ScaleReading } from '../../../shared/scale';
import { Cleanup, fastReconnect, line9600, memoryLogger, record, waitFor } from '../support/harness';

type ReadResult = Result<ScaleReading, ScaleReadFailure>;

function stable(grams: number): ScaleReading {
  return { kind: 'stable', weight: scaleWeight(grams, 3, 'kg'), net: false };
}

/** A scale driver whose next answer and reply time the test sets; counts overlapping reads. */
class FakeScale implements MonitoredScale {
  status: DeviceStatus = { kind: 'ready', warnings: [] };
  next: ReadResult | (() => ReadResult) = ok(stable(0));
  replyDelayMs = 0;
  reads = 0;
  readTimes: number[] = [];
  #inFlight = 0;
  maxInFlight = 0;

  async readWeight(): Promise<ReadResult> {
    this.reads++;
    this.readTimes.push(Date.now());
    this.#inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    try {
      if (this.replyDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.replyDelayMs));
      return typeof this.next === 'function' ? this.next() : this.next;
    } finally {
      this.#inFlight--;
    }
  }

  async zero(): Promise<Result<void, ScaleReadFailure>> {
    return ok(undefined);
  }
}

/** Under fake timers a read in flight only finishes while time advances. */
async function stopAdvancing(monitor: ScaleMonitor): Promise<void> {
  const stopping = monitor.stop();
  await vi.advanceTimersByTimeAsync(1_000);
  await stopping;
}

function monitorFor(scale: MonitoredScale, options: ConstructorParameters<typeof ScaleMonitor>[1] = {}) {
  const monitor = new ScaleMonitor(scale, { clock: () => Date.now(), ...options });
  return {
    monitor,
    readings: record(monitor.onReading),
    settled: record(monitor.onSettled),
    unsettled: record(monitor.onUnsettled),
    failures: record(monitor.onReadFailure),
  };
}

describe('ScaleMonitor options', () => {
  it('defaults to 200 ms polls and 300 ms / 5 g settling', () => {
    expect(resolveScaleMonitorOptions()).toEqual({ pollIntervalMs: 200, settleMs: 300, settleToleranceGrams: 5 });
    expect([defaultPollIntervalMs, defaultSettleMs, defaultSettleToleranceGrams]).toEqual([200, 300, 5]);
  });

  it('rejects nonsense', () => {
    for (const options of [{ pollIntervalMs: 0 }, { pollIntervalMs: 19 }, { pollIntervalMs: 60_001 }, { pollIntervalMs: Number.NaN }, { settleMs: -1 }, { settleMs: Infinity }, { settleToleranceGrams: -1 }]) {
      expect(() => new ScaleMonitor(new FakeScale(), options), JSON.stringify(options)).toThrow(RangeError);
    }
  });
});

describe('ScaleMonitor (fake scale, fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('polls at the configured rate, starting at once', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    const { monitor } = monitorFor(scale, { pollIntervalMs: 250 });
    const t0 = Date.now();
    monitor.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(scale.readTimes.map((time) => time - t0)).toEqual([0, 250, 500, 750, 1_000]);
    await monitor.stop();
  });

  it('never overlaps polls: a slow reply delays the next poll', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    scale.replyDelayMs = 450;
    const { monitor } = monitorFor(scale, { pollIntervalMs: 200 });
    const t0 = Date.now();
    monitor.start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(scale.maxInFlight).toBe(1);
    // Each poll starts as soon as the previous one is done (Node's setTimeout(0) is 1 ms).
    const gaps = scale.readTimes.slice(1).map((time, index) => time - (scale.readTimes[index] ?? 0));
    expect(scale.readTimes[0]).toBe(t0);
    expect(gaps).toHaveLength(4);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(450);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(452);
    await stopAdvancing(monitor);
  });

  it('emits a reading only when it changes', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    const { monitor, readings } = monitorFor(scale);
    monitor.start();
    await vi.advanceTimersByTimeAsync(600);
    scale.next = ok({ kind: 'motion' });
    await vi.advanceTimersByTimeAsync(400);
    scale.next = ok(stable(0));
    await vi.advanceTimersByTimeAsync(400);
    expect(readings).toEqual([stable(0), { kind: 'motion' }, stable(0)]);
    expect(monitor.lastReading).toEqual(stable(0));
    await monitor.stop();
  });

  it('settles after settleMs of stable readings within the tolerance, once per episode', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    const { monitor, settled, unsettled } = monitorFor(scale);
    scale.next = ok(stable(1_000));
    monitor.start();
    // Readings at 0, 200: not yet 300 ms.
    await vi.advanceTimersByTimeAsync(200);
    expect(settled).toEqual([]);
    expect(monitor.settled).toBeUndefined();
    // Reading at 400: 400 ms ≥ 300 ms since the first.
    await vi.advanceTimersByTimeAsync(200);
    expect(settled).toEqual([scaleWeight(1_000, 3, 'kg')]);
    expect(monitor.settled).toEqual(scaleWeight(1_000, 3, 'kg'));
    // Last-digit flicker within 5 g keeps it settled, without firing again.
    const flicker = [1_002, 998, 1_001, 1_000];
    scale.next = () => ok(stable(flicker.shift() ?? 1_000));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(settled).toHaveLength(1);
    expect(unsettled).toHaveLength(0);
    await monitor.stop();
  });

  it('a new load unsettles and settles again at the new weight', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    const { monitor, settled, unsettled } = monitorFor(scale);
    scale.next = ok(stable(500));
    monitor.start();
    await vi.advanceTimersByTimeAsync(400);
    expect(settled).toHaveLength(1);
    scale.next = ok({ kind: 'motion' });
    await vi.advanceTimersByTimeAsync(200);
    expect(unsettled).toHaveLength(1);
    expect(monitor.settled).toBeUndefined();
    scale.next = ok(stable(820));
    await vi.advanceTimersByTimeAsync(200);
    expect(settled).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(400);
    expect(settled.map((weight) => weight.grams)).toEqual([500, 820]);
    await monitor.stop();
  });

  it('a stable jump beyond the tolerance restarts the window without any motion reading', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    const { monitor, settled, unsettled } = monitorFor(scale);
    scale.next = ok(stable(500));
    monitor.start();
    await vi.advanceTimersByTimeAsync(400);
    scale.next = ok(stable(506));
    await vi.advanceTimersByTimeAsync(200);
    expect(unsettled).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(400);
    expect(settled.map((weight) => weight.grams)).toEqual([500, 506]);
    await monitor.stop();
  });

  it('a slowly drifting load does not settle while its spread exceeds the tolerance', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    const { monitor, settled } = monitorFor(scale, { settleToleranceGrams: 5 });
    let grams = 1_000;
    scale.next = () => ok(stable((grams += 3)));
    monitor.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(settled).toEqual([]);
    await monitor.stop();
  });

  it('reports read failures, keeps polling, and keeps a settled load settled', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    const log = memoryLogger();
    const { monitor, settled, unsettled, failures } = monitorFor(scale, { log });
    scale.next = ok(stable(250));
    monitor.start();
    await vi.advanceTimersByTimeAsync(400);
    expect(settled).toHaveLength(1);
    scale.next = err({ kind: 'timeout' });
    await vi.advanceTimersByTimeAsync(600);
    expect(failures).toEqual([{ kind: 'timeout' }, { kind: 'timeout' }, { kind: 'timeout' }]);
    // One warning when the trouble starts, not one per poll.
    expect(log.entries.filter((entry) => entry.message === 'scale poll got no reading')).toHaveLength(1);
    expect(monitor.settled).toEqual(scaleWeight(250, 3, 'kg'));
    expect(monitor.lastReading).toEqual(stable(250));
    scale.next = ok(stable(250));
    await vi.advanceTimersByTimeAsync(400);
    expect(unsettled).toHaveLength(0);
    expect(settled).toHaveLength(1);
    await monitor.stop();
  });

  it('survives a driver that throws, as a bad reply', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    const { monitor, failures, readings } = monitorFor(scale);
    scale.next = () => {
      throw new Error('driver bug');
    };
    monitor.start();
    await vi.advanceTimersByTimeAsync(200);
    expect(failures).toEqual([
      { kind: 'badReply', detail: 'the driver threw' },
      { kind: 'badReply', detail: 'the driver threw' },
    ]);
    scale.next = ok(stable(5));
    await vi.advanceTimersByTimeAsync(200);
    expect(readings).toEqual([stable(5)]);
    await monitor.stop();
  });

  it('a listener that throws does not stop polling', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    const { monitor } = monitorFor(scale);
    monitor.onReading(() => {
      throw new Error('listener bug');
    });
    let grams = 0;
    scale.next = () => ok(stable((grams += 100)));
    monitor.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(scale.reads).toBe(6);
    await monitor.stop();
  });

  it('does not read while the scale is lost; the settled load is forgotten until it is back', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    const { monitor, settled, unsettled } = monitorFor(scale);
    scale.next = ok(stable(700));
    monitor.start();
    await vi.advanceTimersByTimeAsync(400);
    expect(settled).toHaveLength(1);
    scale.status = { kind: 'lost', reason: 'unplugged' };
    const reads = scale.reads;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(scale.reads).toBe(reads);
    expect(unsettled).toHaveLength(1);
    expect(monitor.settled).toBeUndefined();
    scale.status = { kind: 'ready', warnings: [] };
    await vi.advanceTimersByTimeAsync(600);
    expect(settled).toHaveLength(2);
    await monitor.stop();
  });

  it('stop() waits for the poll in flight and drops its result; start() again resumes', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    scale.replyDelayMs = 300;
    const { monitor, readings } = monitorFor(scale);
    monitor.start();
    await vi.advanceTimersByTimeAsync(100);
    let stopped = false;
    const stopping = monitor.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    await stopping;
    expect(readings).toEqual([]);
    expect(monitor.running).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(scale.reads).toBe(1);

    monitor.start();
    await vi.advanceTimersByTimeAsync(300);
    expect(readings).toEqual([stable(0)]);
    await monitor.stop();
  });

  it('start() right after stop() does not overlap the poll still in flight', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    scale.replyDelayMs = 300;
    const { monitor } = monitorFor(scale);
    monitor.start();
    await vi.advanceTimersByTimeAsync(100);
    void monitor.stop();
    monitor.start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(scale.maxInFlight).toBe(1);
    expect(scale.reads).toBeGreaterThan(4);
    await stopAdvancing(monitor);
  });

  it('settles with the default monotonic clock too', async () => {
    vi.useFakeTimers();
    const scale = new FakeScale();
    const monitor = new ScaleMonitor(scale);
    const settled = record(monitor.onSettled);
    scale.next = ok(stable(42));
    monitor.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(settled.map((weight) => weight.grams)).toEqual([42]);
    await monitor.stop();
  });
});

describe('ScaleMonitor over a socat pseudo-terminal pair', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('follows a bagging scale: settles on the load, unsettles in motion, keeps polling through silence', async () => {
    const pair = await createPtyPair(cleanup.tempDir('scale-monitor'), 'bagging');
    cleanup.add(() => pair.close());
    const simulator = new SerialScaleSimulator(new SerialPortTransport(pair.devicePath, line9600), { protocol: 'scp01', capacityGrams: 30_000 });
    await simulator.open();
    cleanup.add(() => simulator.dispose());
    const service = new SerialScaleService(new SerialPortTransport(pair.hostPath, line9600), scaleProtocols.scp01, silentLogger, {
      replyTimeoutMs: 200,
      reconnect: fastReconnect,
    });
    cleanup.add(() => service.stop());
    await service.start();
    const monitor = new ScaleMonitor(service, { pollIntervalMs: 40, settleMs: 120 });
    cleanup.add(() => monitor.stop());
    const settled = record(monitor.onSettled);
    const unsettled = record(monitor.onUnsettled);
    const failures = record(monitor.onReadFailure);
    monitor.start();

    await waitFor(() => settled.length === 1, 'the empty scale to settle');
    expect(settled[0]?.grams).toBe(0);

    simulator.setMotion(true);
    simulator.setLoad(1_250);
    await waitFor(() => unsettled.length === 1, 'motion to unsettle');
    simulator.setMotion(false);
    await waitFor(() => settled.length === 2, 'the bag to settle');
    expect(settled[1]).toEqual(scaleWeight(1_250, 3, 'kg'));
    expect(monitor.settled).toEqual(scaleWeight(1_250, 3, 'kg'));

    simulator.silent = true;
    await waitFor(() => failures.length >= 2, 'read failures while silent');
    expect(failures[0]).toEqual({ kind: 'timeout' });
    expect(service.status).toEqual({ kind: 'fault', faults: ['notResponding'] });
    simulator.silent = false;
    await waitFor(() => service.status.kind === 'ready', 'the scale to answer again');
    expect(monitor.settled).toEqual(scaleWeight(1_250, 3, 'kg'));
  });
});
