import { afterEach, describe, expect, it, vi } from 'vitest';
import { scaleProtocols, type ScaleProtocolName } from '../../../devices/scale/protocol';
import { probeScale, SerialScaleService, type SerialScaleServiceOptions } from '../../../devices/scale/service';
import { SerialScaleSimulator, type SerialScaleSimulatorOptions } from '../../../devices/scale/simulator';
import { SerialPortTransport } from '../../../devices/serial/transport';
import { createPtyPair } from '../../../devices/sim/ptyPair';
import type { DeviceStatus } from '../../../shared/devices';
import { silentLogger } from '../../../shared/log';
import { scaleWeight } from '../../../shared/scale';
import { bytes, Cleanup, createPtyCable, FakeTransport, fastReconnect, line9600, memoryLogger, record, waitFor, waitForStatus } from '../support/harness';

const ready: DeviceStatus = { kind: 'ready', warnings: [] };
const notResponding: DeviceStatus = { kind: 'fault', faults: ['notResponding'] };

/** A FakeTransport whose writes can be made to fail. */
class FlakyTransport extends FakeTransport {
  failWrites: Error | undefined;

  override async write(data: Uint8Array): Promise<void> {
    if (this.failWrites) throw this.failWrites;
    return super.write(data);
  }
}

/** Host and device ends joined in memory: what one writes, the other receives (when open). */
function link(): { host: FlakyTransport; device: FakeTransport } {
  const host = new FlakyTransport('/dev/ttyScale');
  const device = new FakeTransport('/dev/ttyScale.device');
  host.onWrite = (data) => {
    if (device.isOpen) device.receive(data.slice());
  };
  device.onWrite = (data) => {
    if (host.isOpen) host.receive(data.slice());
  };
  return { host, device };
}

async function memoryRig(protocol: ScaleProtocolName, options: SerialScaleServiceOptions = {}, simulatorOptions: Omit<SerialScaleSimulatorOptions, 'protocol'> = {}) {
  const { host, device } = link();
  const simulator = new SerialScaleSimulator(device, { protocol, ...simulatorOptions });
  await simulator.open();
  const log = memoryLogger();
  const service = new SerialScaleService(host, scaleProtocols[protocol], log, { replyTimeoutMs: 100, idleCheckMs: 0, reconnect: { initialDelayMs: 50, maxDelayMs: 200 }, ...options });
  const statuses = record(service.onStatus);
  return { host, device, simulator, service, statuses, log };
}

describe('SerialScaleService (in memory)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const protocol of ['mettler8217', 'scp01'] as const) {
    describe(protocol, () => {
      it('goes closed → connecting → ready once the scale answers, and closed on stop', async () => {
        const { service, statuses, host } = await memoryRig(protocol);
        expect(service.status).toEqual({ kind: 'closed' });
        await service.start();
        expect(service.status).toEqual(ready);
        // The first request after opening: the status command where there is one.
        expect(host.written[0]).toEqual(scaleProtocols[protocol].commands.status ?? scaleProtocols[protocol].commands.weight);
        await service.stop();
        expect(statuses.map((status) => status.kind)).toEqual(['connecting', 'ready', 'closed']);
        expect(host.isOpen).toBe(false);
      });

      it('reads stable weights, motion, over capacity, under zero and zero errors', async () => {
        const { service, simulator } = await memoryRig(protocol);
        await service.start();
        simulator.setLoad(1234);
        expect(await service.readWeight()).toEqual({ ok: true, value: { kind: 'stable', weight: scaleWeight(1234, 3, 'kg'), net: false } });
        simulator.setMotion(true);
        expect(await service.readWeight()).toEqual({ ok: true, value: { kind: 'motion' } });
        simulator.setMotion(false);
        simulator.setLoad(99_000);
        expect(await service.readWeight()).toEqual({ ok: true, value: { kind: 'overCapacity' } });
        simulator.setLoad(-10);
        expect(await service.readWeight()).toEqual({ ok: true, value: { kind: 'underZero' } });
        simulator.setLoad(0);
        simulator.setZeroError(true);
        expect(await service.readWeight()).toEqual({ ok: true, value: { kind: 'zeroError' } });
        expect(service.status).toEqual(ready);
        await service.stop();
      });

      it('zeroes, and reports a refusal in motion or out of range as refused', async () => {
        const { service, simulator } = await memoryRig(protocol);
        await service.start();
        simulator.setLoad(120);
        expect(await service.zero()).toEqual({ ok: true, value: undefined });
        expect(await service.readWeight()).toMatchObject({ ok: true, value: { kind: 'stable', weight: { grams: 0 } } });
        simulator.setMotion(true);
        expect(await service.zero()).toEqual({ ok: false, error: { kind: 'refused', detail: 'scale in motion' } });
        simulator.setMotion(false);
        simulator.setLoad(5_000);
        expect(await service.zero()).toMatchObject({ ok: false, error: { kind: 'refused' } });
        await service.stop();
      });

      it('times out when the scale is silent: notResponding after two in a row, ready again when it answers', async () => {
        vi.useFakeTimers();
        const { service, simulator, log } = await memoryRig(protocol);
        await service.start();
        simulator.silent = true;
        const first = service.readWeight();
        await vi.advanceTimersByTimeAsync(100);
        expect(await first).toEqual({ ok: false, error: { kind: 'timeout' } });
        // One lost reply is not yet a dead scale.
        expect(service.status).toEqual(ready);
        const second = service.readWeight();
        await vi.advanceTimersByTimeAsync(100);
        expect(await second).toEqual({ ok: false, error: { kind: 'timeout' } });
        expect(service.status).toEqual(notResponding);
        expect(log.entries.some((entry) => entry.level === 'warn' && entry.message === 'scale does not answer')).toBe(true);
        simulator.silent = false;
        expect((await service.readWeight()).ok).toBe(true);
        expect(service.status).toEqual(ready);
        await service.stop();
      });
    });
  }

  it('serialises requests: the next command goes out only after the previous reply', async () => {
    const { service, simulator, host } = await memoryRig('mettler8217', {}, { replyDelayMs: 5 });
    await service.start();
    let outstanding = 0;
    let maxOutstanding = 0;
    const writeHook = host.onWrite;
    host.onWrite = (data) => {
      outstanding++;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      writeHook?.(data);
    };
    host.onData(() => outstanding--);
    simulator.setLoad(10);
    const results = await Promise.all([service.readWeight(), service.zero(), service.readWeight(), service.readWeight()]);
    expect(results.map((result) => result.ok)).toEqual([true, true, true, true]);
    expect(maxOutstanding).toBe(1);
    expect(host.written.slice(1)).toEqual([bytes('W'), bytes('Z'), bytes('W'), bytes('W')]);
    await service.stop();
  });

  it('reports RAM/ROM/EEPROM/calibration errors as fault scaleError and refuses the reading', async () => {
    const { service, simulator, log } = await memoryRig('scp01');
    await service.start();
    simulator.setLoad(300);
    simulator.setHardwareErrors(['eeprom']);
    expect(await service.readWeight()).toEqual({ ok: false, error: { kind: 'refused', detail: 'scale reports eeprom error' } });
    expect(service.status).toEqual({ kind: 'fault', faults: ['scaleError'] });
    expect(log.entries.some((entry) => entry.level === 'error' && entry.message === 'scale reports a hardware error')).toBe(true);
    expect(await service.zero()).toMatchObject({ ok: false, error: { kind: 'refused' } });
    simulator.setHardwareErrors([]);
    expect((await service.readWeight()).ok).toBe(true);
    expect(service.status).toEqual(ready);
    await service.stop();
  });

  it('a scale with a hardware error at start-up starts in fault', async () => {
    const { service, simulator } = await memoryRig('scp01');
    simulator.setHardwareErrors(['calibration']);
    await service.start();
    expect(service.status).toEqual({ kind: 'fault', faults: ['scaleError'] });
    await service.stop();
  });

  it('a malformed reply is badReply; the scale stays ready', async () => {
    const { service, simulator } = await memoryRig('mettler8217');
    await service.start();
    simulator.replaceNextReply(bytes('\x0201.2X4\r'));
    expect(await service.readWeight()).toMatchObject({ ok: false, error: { kind: 'badReply' } });
    expect(service.status).toEqual(ready);
    expect((await service.readWeight()).ok).toBe(true);
    await service.stop();
  });

  it('an unknown-command reply is refused', async () => {
    const { service, simulator } = await memoryRig('scp01');
    await service.start();
    simulator.replaceNextReply(bytes('\n?\r\x03'));
    expect(await service.readWeight()).toEqual({ ok: false, error: { kind: 'refused', detail: 'the scale does not know the weight command' } });
    await service.stop();
  });

  it('noise before a reply is reported and logged, not taken as the answer', async () => {
    const { service, simulator, log } = await memoryRig('scp01');
    const garbage = record(service.onGarbage);
    await service.start();
    simulator.setLoad(50);
    simulator.replaceNextReply(bytes('zz\n00.050KG\r\n00\r\x03'));
    expect(await service.readWeight()).toMatchObject({ ok: true, value: { kind: 'stable', weight: { grams: 50 } } });
    expect(garbage).toEqual([{ reason: 'unframed', byteCount: 2 }]);
    expect(log.entries.some((entry) => entry.message === 'unexpected bytes from the scale' && entry.fields['detail'] === 'unframed')).toBe(true);
    await service.stop();
  });

  it('a flood of noise is reported piece by piece but logged once, then as a summary', async () => {
    vi.useFakeTimers();
    const { service, simulator, host, log } = await memoryRig('mettler8217');
    const garbage = record(service.onGarbage);
    await service.start();
    // Unframed noise is reported 64 bytes at a time.
    for (let i = 0; i < 20; i++) host.receive(bytes('z'.repeat(64)));
    expect(garbage.length).toBeGreaterThanOrEqual(19);
    const logged = () => log.entries.filter((entry) => entry.message.startsWith('unexpected bytes from the scale'));
    expect(logged()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(logged().map((entry) => entry.fields['repeated'])).toEqual([undefined, garbage.length - 1]);
    simulator.setLoad(5);
    await service.stop();
  });

  it('a truncated reply times out, and the next request is not confused by its half', async () => {
    vi.useFakeTimers();
    const { service, simulator } = await memoryRig('mettler8217');
    await service.start();
    simulator.setLoad(777);
    simulator.truncateNextReply();
    const truncated = service.readWeight();
    await vi.advanceTimersByTimeAsync(100);
    expect(await truncated).toEqual({ ok: false, error: { kind: 'timeout' } });
    expect(await service.readWeight()).toMatchObject({ ok: true, value: { kind: 'stable', weight: { grams: 777 } } });
    await service.stop();
  });

  it('a reply arriving after its timeout is dropped, not given to the next request', async () => {
    vi.useFakeTimers();
    const { service, simulator } = await memoryRig('mettler8217', { replyTimeoutMs: 100 });
    await service.start();
    simulator.setLoad(1);
    simulator.replyDelayMs = 150;
    const slow = service.readWeight();
    await vi.advanceTimersByTimeAsync(100);
    expect(await slow).toEqual({ ok: false, error: { kind: 'timeout' } });
    await vi.advanceTimersByTimeAsync(60);
    simulator.replyDelayMs = 0;
    simulator.setLoad(2);
    expect(await service.readWeight()).toMatchObject({ ok: true, value: { weight: { grams: 2 } } });
    await service.stop();
  });

  it('a scale that never answers after opening is notResponding at once, and the idle check finds it later', async () => {
    vi.useFakeTimers();
    const { service, simulator, host } = await memoryRig('scp01', { idleCheckMs: 500 });
    simulator.silent = true;
    const started = service.start();
    await vi.advanceTimersByTimeAsync(100);
    await started;
    expect(service.status).toEqual(notResponding);
    simulator.silent = false;
    const before = host.written.length;
    await vi.advanceTimersByTimeAsync(499);
    expect(host.written.length).toBe(before);
    await vi.advanceTimersByTimeAsync(1);
    expect(host.written.at(-1)).toEqual(bytes('S\r'));
    expect(service.status).toEqual(ready);
    await service.stop();
  });

  it('the idle check does not run while requests keep coming', async () => {
    vi.useFakeTimers();
    const { service, host } = await memoryRig('scp01', { idleCheckMs: 300 });
    await service.start();
    for (let i = 0; i < 10; i++) {
      await service.readWeight();
      await vi.advanceTimersByTimeAsync(200);
    }
    expect(host.written.filter((data) => data[0] === 0x53)).toHaveLength(1);
    await service.stop();
  });

  it('a failing write is a lost line: reconnects and reads again', async () => {
    vi.useFakeTimers();
    const { service, host, simulator } = await memoryRig('mettler8217');
    await service.start();
    host.failWrites = new Error('EIO');
    expect(await service.readWeight()).toEqual({ ok: false, error: { kind: 'notOpen' } });
    expect(service.status).toEqual({ kind: 'lost', reason: 'EIO' });
    expect(await service.readWeight()).toEqual({ ok: false, error: { kind: 'notOpen' } });
    host.failWrites = undefined;
    await vi.advanceTimersByTimeAsync(50);
    expect(service.status).toEqual(ready);
    simulator.setLoad(5);
    expect((await service.readWeight()).ok).toBe(true);
    await service.stop();
  });

  it('a lost line ends the request in flight, then reconnects with backoff', async () => {
    vi.useFakeTimers();
    const { service, host, simulator } = await memoryRig('scp01');
    await service.start();
    simulator.silent = true;
    const pending = service.readWeight();
    host.openError = new Error('ENOENT');
    host.lose('unplugged');
    expect(await pending).toEqual({ ok: false, error: { kind: 'notOpen' } });
    expect(service.status).toEqual({ kind: 'lost', reason: 'unplugged' });
    await vi.advanceTimersByTimeAsync(50);
    expect(host.openCalls).toBe(2);
    expect(service.status.kind).toBe('lost');
    host.openError = undefined;
    simulator.silent = false;
    await vi.advanceTimersByTimeAsync(100);
    expect(service.status).toEqual(ready);
    await service.stop();
  });

  it('start() with the port absent resolves lost and keeps retrying; stop() ends the retries', async () => {
    vi.useFakeTimers();
    const { service, host } = await memoryRig('mettler8217');
    host.openError = new Error('ENOENT: no such file');
    await service.start();
    expect(service.status).toEqual({ kind: 'lost', reason: 'ENOENT: no such file' });
    await vi.advanceTimersByTimeAsync(50);
    expect(host.openCalls).toBe(2);
    await service.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(host.openCalls).toBe(2);
    expect(service.status).toEqual({ kind: 'closed' });
  });

  it('stop() during a request ends it as notOpen', async () => {
    const { service, simulator } = await memoryRig('scp01', { replyTimeoutMs: 10_000 });
    await service.start();
    simulator.silent = true;
    const pending = service.readWeight();
    await service.stop();
    expect(await pending).toEqual({ ok: false, error: { kind: 'notOpen' } });
    expect(await service.readWeight()).toEqual({ ok: false, error: { kind: 'notOpen' } });
  });

  it('a status listener that throws does not break the service', async () => {
    const { service } = await memoryRig('scp01');
    service.onStatus(() => {
      throw new Error('listener bug');
    });
    await service.start();
    expect(service.status).toEqual(ready);
    expect((await service.readWeight()).ok).toBe(true);
    await service.stop();
  });

  it('validates its options', () => {
    const transport = new FakeTransport();
    expect(() => new SerialScaleService(transport, scaleProtocols.scp01, silentLogger, { replyTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => new SerialScaleService(transport, scaleProtocols.scp01, silentLogger, { timeoutsBeforeNotResponding: 0 })).toThrow(RangeError);
    expect(() => new SerialScaleService(transport, scaleProtocols.scp01, silentLogger, { idleCheckMs: -1 })).toThrow(RangeError);
  });
});

describe('probeScale (in memory)', () => {
  it('is true for the protocol the scale speaks, false for the other, and closes what it opened', async () => {
    for (const protocol of ['mettler8217', 'scp01'] as const) {
      const other = protocol === 'scp01' ? 'mettler8217' : 'scp01';
      const { host, device } = link();
      const simulator = new SerialScaleSimulator(device, { protocol });
      await simulator.open();
      expect(await probeScale(host, scaleProtocols[protocol], 100), protocol).toBe(true);
      expect(host.isOpen).toBe(false);
      expect(await probeScale(host, scaleProtocols[other], 100), `${other} on a ${protocol} scale`).toBe(false);
      expect(host.isOpen).toBe(false);
    }
  });

  it('is false when the port cannot be opened or nothing answers, and leaves an open port open', async () => {
    const { host, device } = link();
    host.openError = new Error('EACCES');
    expect(await probeScale(host, scaleProtocols.scp01, 50)).toBe(false);
    host.openError = undefined;
    await host.open();
    expect(await probeScale(host, scaleProtocols.scp01, 50)).toBe(false);
    expect(host.isOpen).toBe(true);
    const simulator = new SerialScaleSimulator(device, { protocol: 'scp01' });
    await simulator.open();
    expect(await probeScale(host, scaleProtocols.scp01, 50)).toBe(true);
    expect(host.isOpen).toBe(true);
  });

  it('counts an unknown-command reply in the right framing as support, garbage not', async () => {
    const { host, device } = link();
    const simulator = new SerialScaleSimulator(device, { protocol: 'scp01' });
    await simulator.open();
    simulator.replaceNextReply(bytes('\n?\r\x03'));
    expect(await probeScale(host, scaleProtocols.scp01, 50)).toBe(true);
    simulator.replaceNextReply(bytes('\nnonsense\r\x03'));
    expect(await probeScale(host, scaleProtocols.scp01, 50)).toBe(false);
  });
});

describe('SerialScaleService over a socat pseudo-terminal pair', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function rig(protocol: ScaleProtocolName, options: SerialScaleServiceOptions = {}) {
    const cable = await createPtyCable(cleanup, `scale-${protocol}`, 'scale');
    const simulator = new SerialScaleSimulator(new SerialPortTransport(cable.devicePath, line9600), { protocol });
    await simulator.open();
    cleanup.add(() => simulator.dispose());
    const service = new SerialScaleService(new SerialPortTransport(cable.hostPath, line9600), scaleProtocols[protocol], silentLogger, {
      replyTimeoutMs: 300,
      idleCheckMs: 200,
      reconnect: fastReconnect,
      ...options,
    });
    cleanup.add(() => service.stop());
    await service.start();
    return { cable, simulator, service };
  }

  for (const protocol of ['mettler8217', 'scp01'] as const) {
    describe(protocol, () => {
      it('reads a stable weight, motion, over capacity and under zero; zeroes', async () => {
        const { simulator, service } = await rig(protocol);
        expect(service.status).toEqual(ready);
        simulator.setLoad(2_345);
        expect(await service.readWeight()).toEqual({ ok: true, value: { kind: 'stable', weight: scaleWeight(2345, 3, 'kg'), net: false } });
        simulator.setMotion(true);
        expect(await service.readWeight()).toEqual({ ok: true, value: { kind: 'motion' } });
        expect(await service.zero()).toMatchObject({ ok: false, error: { kind: 'refused' } });
        simulator.setMotion(false);
        simulator.setLoad(30_000);
        expect(await service.readWeight()).toEqual({ ok: true, value: { kind: 'overCapacity' } });
        // Zero with a little on the platter, then take it off: under zero.
        simulator.setLoad(80);
        expect(await service.zero()).toEqual({ ok: true, value: undefined });
        expect(await service.readWeight()).toMatchObject({ ok: true, value: { kind: 'stable', weight: { grams: 0 } } });
        simulator.setLoad(0);
        expect(await service.readWeight()).toEqual({ ok: true, value: { kind: 'underZero' } });
      });

      it('times out when silent, goes notResponding, and recovers when the scale answers', async () => {
        const { simulator, service } = await rig(protocol, { idleCheckMs: 0 });
        simulator.silent = true;
        expect(await service.readWeight()).toEqual({ ok: false, error: { kind: 'timeout' } });
        expect(await service.readWeight()).toEqual({ ok: false, error: { kind: 'timeout' } });
        expect(service.status).toEqual(notResponding);
        simulator.silent = false;
        simulator.setLoad(10);
        expect(await service.readWeight()).toMatchObject({ ok: true, value: { kind: 'stable' } });
        expect(service.status).toEqual(ready);
      });

      it('goes lost when unplugged and back to ready on a new line at the same path', async () => {
        const setup = await rig(protocol);
        const { simulator, service } = setup;
        await setup.cable.unplug();
        await waitForStatus(service, 'lost');
        expect(await service.readWeight()).toEqual({ ok: false, error: { kind: 'notOpen' } });
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(service.status.kind).toBe('lost');

        await setup.cable.plugBackIn();
        await simulator.open();
        await waitForStatus(service, 'ready');
        simulator.setLoad(1_500);
        expect(await service.readWeight()).toMatchObject({ ok: true, value: { kind: 'stable', weight: { grams: 1_500 } } });
      });
    });
  }

  it('reports a scale hardware error as fault scaleError (SCP-01)', async () => {
    const { simulator, service } = await rig('scp01');
    simulator.setHardwareErrors(['rom']);
    await waitFor(() => service.status.kind === 'fault', 'the idle check to find the error');
    expect(service.status).toEqual({ kind: 'fault', faults: ['scaleError'] });
  });

  it('probes the line: true for the protocol spoken, false for the other', async () => {
    const directory = cleanup.tempDir('scale-probe');
    const pair = await createPtyPair(directory, 'scale');
    cleanup.add(() => pair.close());
    const simulator = new SerialScaleSimulator(new SerialPortTransport(pair.devicePath, line9600), { protocol: 'scp01' });
    await simulator.open();
    cleanup.add(() => simulator.dispose());
    expect(await probeScale(new SerialPortTransport(pair.hostPath, line9600), scaleProtocols.scp01, 500)).toBe(true);
    expect(await probeScale(new SerialPortTransport(pair.hostPath, line9600), scaleProtocols.mettler8217, 300)).toBe(false);
  });
});
