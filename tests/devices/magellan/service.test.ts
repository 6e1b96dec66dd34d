import { afterEach, describe, expect, it, vi } from 'vitest';
import { MagellanService, probeMagellan, type MagellanServiceOptions } from '../../../devices/magellan/service';
import { FakeTransport, bytes, memoryLogger, record, fastReconnect, waitFor } from '../support/harness';
import { silentLogger } from '../../../shared/log';
import { scaleWeight } from '../../../shared/scale';

const text = (data: Uint8Array): string => String.fromCharCode(...data);

/**
 * A fake line whose device end answers host commands through `answer` (return
 * the reply text, or undefined for silence). Replies arrive on a microtask, so
 * they come after the write like on a real line, and fake timers do not hold them.
 */
function scriptedDevice(answer: (command: string) => string | readonly string[] | undefined = () => undefined) {
  const transport = new FakeTransport('/dev/magellan');
  const commands: string[] = [];
  const device = { answer };
  transport.onWrite = (data) => {
    for (const command of text(data).split('\r').filter((part) => part.length > 0)) {
      commands.push(command);
      const reply = device.answer(command);
      if (reply === undefined) continue;
      const chunks = typeof reply === 'string' ? [reply] : reply;
      queueMicrotask(() => {
        for (const chunk of chunks) if (transport.isOpen) transport.receive(chunk);
      });
    }
  };
  return { transport, commands, device };
}

/** Idle checks are off unless a test turns them on, so command logs stay exact. */
function service(transport: FakeTransport, options: Partial<MagellanServiceOptions> = {}, log = silentLogger) {
  return new MagellanService(transport, log, { unit: 'kg', reconnect: fastReconnect, idleCheckMs: 0, ...options });
}

describe('MagellanService (fake transport)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens the line for the first logical device and closes it after the last', async () => {
    const { transport } = scriptedDevice();
    const magellan = service(transport);
    const scannerStatuses = record(magellan.scanner.onStatus);
    const scaleStatuses = record(magellan.scale.onStatus);
    expect(magellan.scanner.status).toEqual({ kind: 'closed' });

    await magellan.scanner.start();
    expect(magellan.scanner.status).toEqual({ kind: 'ready', warnings: [] });
    expect(magellan.scale.status).toEqual({ kind: 'closed' });
    await magellan.scale.start();
    expect(magellan.scale.status).toEqual({ kind: 'ready', warnings: [] });
    expect(transport.openCalls).toBe(1);

    await magellan.scanner.stop();
    expect(magellan.scanner.status).toEqual({ kind: 'closed' });
    expect(magellan.scale.status.kind).toBe('ready');
    expect(transport.isOpen).toBe(true);

    await magellan.scale.stop();
    expect(transport.isOpen).toBe(false);
    expect(magellan.lineStatus).toBe('closed');
    expect(scannerStatuses.map((status) => status.kind)).toEqual(['connecting', 'ready', 'closed']);
    expect(scaleStatuses.map((status) => status.kind)).toEqual(['ready', 'closed']);
  });

  it('starting both at once opens the line once', async () => {
    const { transport } = scriptedDevice();
    const magellan = service(transport);
    await Promise.all([magellan.scanner.start(), magellan.scale.start()]);
    expect(transport.openCalls).toBe(1);
    expect([magellan.scanner.status.kind, magellan.scale.status.kind]).toEqual(['ready', 'ready']);
    await magellan.stop();
    expect(transport.isOpen).toBe(false);
    expect([magellan.scanner.status.kind, magellan.scale.status.kind]).toEqual(['closed', 'closed']);
  });

  it('a stop and start in quick succession ends with the line open', async () => {
    const { transport } = scriptedDevice();
    const magellan = service(transport);
    await magellan.scanner.start();
    const stopping = magellan.scanner.stop();
    const starting = magellan.scanner.start();
    await Promise.all([stopping, starting]);
    expect(magellan.scanner.status.kind).toBe('ready');
    expect(transport.isOpen).toBe(true);
    await magellan.stop();
  });

  it('routes scans and scale replies that arrive interleaved, even split mid-frame', async () => {
    const { transport } = scriptedDevice((command) => (command === 'S14' ? ['S08A012345678905\rS1440', '1500\rS08FF963', '85074\r'] : undefined));
    const magellan = service(transport);
    const scans = record(magellan.scanner.onScan);
    await magellan.scanner.start();
    await magellan.scale.start();
    const reading = await magellan.scale.readWeight();
    expect(reading).toEqual({ ok: true, value: { kind: 'stable', weight: scaleWeight(1500, 3, 'kg'), net: false } });
    await waitFor(() => scans.length === 2, 'two scans');
    expect(scans.map((scan) => scan.data)).toEqual([']E00012345678905', ']E496385074']);
    await magellan.stop();
  });

  it('maps every S14 reply to a reading', async () => {
    const script = scriptedDevice();
    const magellan = service(script.transport, { unit: 'lb' });
    await magellan.scale.start();
    const cases: [string, unknown][] = [
      ['S140\r', { kind: 'zeroError' }],
      ['S141\r', { kind: 'motion' }],
      ['S142\r', { kind: 'overCapacity' }],
      ['S143\r', { kind: 'stable', weight: scaleWeight(0, 2, 'lb'), net: false }],
      ['S1440250\r', { kind: 'stable', weight: scaleWeight(250, 2, 'lb'), net: false }],
      ['S145\r', { kind: 'underZero' }],
    ];
    for (const [reply, reading] of cases) {
      script.device.answer = () => reply;
      expect(await magellan.scale.readWeight(), reply).toEqual({ ok: true, value: reading });
    }
    expect(script.commands.every((command) => command === 'S14')).toBe(true);
    await magellan.stop();
  });

  it('a garbled or truncated scale reply is badReply, and the next one is read', async () => {
    const script = scriptedDevice(() => 'S14X\r');
    const magellan = service(script.transport, { interByteTimeoutMs: 20 });
    const garbage = record(magellan.scanner.onGarbage);
    await magellan.scanner.start();
    await magellan.scale.start();
    expect(await magellan.scale.readWeight()).toMatchObject({ ok: false, error: { kind: 'badReply' } });
    script.device.answer = () => 'S1440';
    expect(await magellan.scale.readWeight()).toMatchObject({ ok: false, error: { kind: 'badReply', detail: expect.stringContaining('stale') } });
    script.device.answer = () => 'S141\r';
    expect(await magellan.scale.readWeight()).toEqual({ ok: true, value: { kind: 'motion' } });
    // Broken scale frames are the scale's business, not shown as unreadable scans.
    expect(garbage).toEqual([]);
    expect(magellan.scale.status.kind).toBe('ready');
    await magellan.stop();
  });

  it('asks in turn: one request in flight, each reply matched to its request', async () => {
    let weight = 0;
    const script = scriptedDevice(() => `S144${String(++weight).padStart(5, '0')}\r`);
    const magellan = service(script.transport);
    await magellan.scale.start();
    const readings = await Promise.all([magellan.scale.readWeight(), magellan.scale.readWeight(), magellan.scale.readWeight()]);
    expect(readings.map((reading) => (reading.ok && reading.value.kind === 'stable' ? reading.value.weight.grams : -1))).toEqual([1, 2, 3]);
    await magellan.stop();
  });

  it('times out, shows notResponding after consecutive timeouts, and recovers on its own', async () => {
    vi.useFakeTimers();
    const script = scriptedDevice();
    const log = memoryLogger();
    const magellan = service(script.transport, { replyTimeoutMs: 500, timeoutsBeforeNotResponding: 2, idleCheckMs: 1_000 }, log);
    const statuses = record(magellan.scale.onStatus);
    await magellan.scanner.start();
    await magellan.scale.start();

    const first = magellan.scale.readWeight();
    await vi.advanceTimersByTimeAsync(500);
    expect(await first).toEqual({ ok: false, error: { kind: 'timeout' } });
    expect(magellan.scale.status.kind).toBe('ready');

    const second = magellan.scale.readWeight();
    await vi.advanceTimersByTimeAsync(500);
    expect(await second).toEqual({ ok: false, error: { kind: 'timeout' } });
    expect(magellan.scale.status).toEqual({ kind: 'fault', faults: ['notResponding'] });
    // The scanner half cannot tell: it stays ready.
    expect(magellan.scanner.status.kind).toBe('ready');
    expect(log.entries.some((entry) => entry.level === 'warn' && entry.message === 'scale does not answer')).toBe(true);

    // Still silent: nobody weighs, but the idle check keeps asking (1 s after the last request ended).
    const asked = script.commands.length;
    await vi.advanceTimersByTimeAsync(1_500);
    expect(script.commands.length).toBe(asked + 1);
    expect(magellan.scale.status.kind).toBe('fault');

    script.device.answer = () => 'S143\r';
    await vi.advanceTimersByTimeAsync(1_000);
    expect(magellan.scale.status).toEqual({ kind: 'ready', warnings: [] });
    // The scanner had opened the line already: the scale went straight to ready.
    expect(statuses.map((status) => status.kind)).toEqual(['ready', 'fault', 'ready']);
    await magellan.stop();
  });

  it('asks the scale itself when nobody has for idleCheckMs; every request pushes the check back', async () => {
    vi.useFakeTimers();
    const script = scriptedDevice(() => 'S143\r');
    const magellan = service(script.transport, { idleCheckMs: 2_000 });
    await magellan.scale.start();
    await vi.advanceTimersByTimeAsync(1_500);
    expect(script.commands).toEqual([]);
    await magellan.scale.readWeight();
    expect(script.commands).toEqual(['S14']);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(script.commands).toEqual(['S14']);
    await vi.advanceTimersByTimeAsync(1);
    expect(script.commands).toEqual(['S14', 'S14']);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(script.commands).toEqual(['S14', 'S14', 'S14']);
    await magellan.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(script.commands).toHaveLength(3);
  });

  it('refuses requests when not started or when only the scanner runs', async () => {
    const { transport } = scriptedDevice(() => 'S143\r');
    const magellan = service(transport);
    expect(await magellan.scale.readWeight()).toEqual({ ok: false, error: { kind: 'notOpen' } });
    expect(await magellan.scale.zero()).toEqual({ ok: false, error: { kind: 'notOpen' } });
    expect(await magellan.scanner.beepGoodRead()).toMatchObject({ ok: false, error: { kind: 'notOpen' } });
    await magellan.scanner.start();
    expect(await magellan.scale.readWeight()).toEqual({ ok: false, error: { kind: 'notOpen' } });
    await magellan.stop();
  });

  it('zero() is refused when no zero command is configured, and nothing is sent', async () => {
    const script = scriptedDevice(() => 'S143\r');
    const magellan = service(script.transport);
    await magellan.scale.start();
    expect(await magellan.scale.zero()).toMatchObject({ ok: false, error: { kind: 'refused', detail: expect.stringContaining('no zero command') } });
    expect(script.commands).toEqual([]);
    await magellan.stop();
  });

  it('zero() sends the configured command and checks the result with S14', async () => {
    let after = 'S143\r';
    const script = scriptedDevice((command) => (command === 'S14' ? after : undefined));
    const magellan = service(script.transport, { commands: { zero: 'SZ' }, zeroSettleMs: 5 });
    await magellan.scale.start();
    expect(await magellan.scale.zero()).toEqual({ ok: true, value: undefined });
    expect(script.commands).toEqual(['SZ', 'S14']);
    after = 'S14400500\r';
    expect(await magellan.scale.zero()).toMatchObject({ ok: false, error: { kind: 'refused', detail: expect.stringContaining('0.500 kg') } });
    after = 'S141\r';
    expect(await magellan.scale.zero()).toMatchObject({ ok: false, error: { kind: 'refused', detail: expect.stringContaining('motion') } });
    await magellan.stop();
  });

  it('without enable/disable commands, disabling gates scans on the host', async () => {
    const script = scriptedDevice();
    const magellan = service(script.transport);
    const scans = record(magellan.scanner.onScan);
    await magellan.scanner.start();
    expect(magellan.scanner.enabled).toBe(true);
    expect(await magellan.scanner.disable()).toEqual({ ok: true, value: undefined });
    script.transport.receive('S08FF96385074\r');
    expect(scans).toEqual([]);
    expect(await magellan.scanner.enable()).toEqual({ ok: true, value: undefined });
    script.transport.receive('S08FF96385074\r');
    expect(scans.map((scan) => scan.data)).toEqual([']E496385074']);
    expect(script.commands).toEqual([]);
    await magellan.stop();
  });

  it('sends configured enable/disable commands: on start, on request, on stop, and again after reconnecting', async () => {
    const script = scriptedDevice();
    const magellan = service(script.transport, { commands: { scannerEnable: 'SE', scannerDisable: 'SD' } });
    await magellan.scale.start();
    await magellan.scanner.start();
    expect(script.commands).toEqual(['SE']);
    await magellan.scanner.disable();
    expect(script.commands).toEqual(['SE', 'SD']);

    script.transport.lose();
    await waitFor(() => magellan.scanner.status.kind === 'ready' && script.commands.length === 3, 'reconnected');
    // The device may have power-cycled: it is told again that it is disabled.
    expect(script.commands).toEqual(['SE', 'SD', 'SD']);

    await magellan.scanner.enable();
    await magellan.scanner.stop();
    expect(script.commands).toEqual(['SE', 'SD', 'SD', 'SE', 'SD']);
    await magellan.stop();
  });

  it('sends the enable command once when the scanner opens the line itself', async () => {
    const script = scriptedDevice();
    const magellan = service(script.transport, { commands: { scannerEnable: 'SE', scannerDisable: 'SD' } });
    await magellan.scanner.start();
    expect(script.commands).toEqual(['SE']);
    await magellan.stop();
    expect(script.commands).toEqual(['SE', 'SD']);
  });

  it('beeps: one S334 for good read, three spaced S334 for not on file by default', async () => {
    const script = scriptedDevice();
    const times: number[] = [];
    const onWrite = script.transport.onWrite;
    script.transport.onWrite = (data) => {
      times.push(performance.now());
      onWrite?.(data);
    };
    const magellan = service(script.transport, { beepGapMs: 30 });
    await magellan.scanner.start();
    expect(await magellan.scanner.beepGoodRead()).toEqual({ ok: true, value: undefined });
    expect(await magellan.scanner.beepNotOnFile()).toEqual({ ok: true, value: undefined });
    expect(script.commands).toEqual(['S334', 'S334', 'S334', 'S334']);
    expect(times[3]! - times[1]!).toBeGreaterThanOrEqual(55);
    await magellan.stop();
  });

  it('a lost line makes both devices lost, fails the request in flight, and both come back', async () => {
    const script = scriptedDevice();
    const magellan = service(script.transport);
    await magellan.scanner.start();
    await magellan.scale.start();
    const pending = magellan.scale.readWeight();
    await Promise.resolve();
    script.transport.lose('cable pulled');
    expect(await pending).toEqual({ ok: false, error: { kind: 'notOpen' } });
    expect(magellan.scanner.status).toEqual({ kind: 'lost', reason: 'cable pulled' });
    expect(magellan.scale.status).toEqual({ kind: 'lost', reason: 'cable pulled' });
    await waitFor(() => magellan.scanner.status.kind === 'ready' && magellan.scale.status.kind === 'ready', 'both ready again');
    script.device.answer = () => 'S143\r';
    expect(await magellan.scale.readWeight()).toMatchObject({ ok: true });
    await magellan.stop();
  });

  it('start() with the device absent resolves lost for both and connects when it appears', async () => {
    const script = scriptedDevice();
    script.transport.openError = new Error('ENOENT');
    const magellan = service(script.transport);
    await magellan.scanner.start();
    await magellan.scale.start();
    expect(magellan.scanner.status).toEqual({ kind: 'lost', reason: 'ENOENT' });
    expect(magellan.scale.status).toEqual({ kind: 'lost', reason: 'ENOENT' });
    expect(await magellan.scanner.enable()).toMatchObject({ ok: false, error: { kind: 'notOpen', detail: 'line lost: ENOENT' } });
    script.transport.openError = undefined;
    await waitFor(() => magellan.scale.status.kind === 'ready' && magellan.scanner.status.kind === 'ready', 'both ready');
    await magellan.stop();
    expect(script.transport.isOpen).toBe(false);
  });

  it('a failed write is a lost line', async () => {
    const script = scriptedDevice();
    const magellan = service(script.transport, { reconnect: { initialDelayMs: 10_000, maxDelayMs: 10_000 } });
    await magellan.scanner.start();
    script.transport.onWrite = () => {
      throw new Error('EIO');
    };
    expect(await magellan.scanner.beepGoodRead()).toEqual({ ok: false, error: { kind: 'notOpen', detail: 'write failed: EIO' } });
    expect(magellan.scanner.status).toEqual({ kind: 'lost', reason: 'EIO' });
    await magellan.stop();
  });

  it('a write that never completes is given up after 2 s, so stop() cannot hang', async () => {
    vi.useFakeTimers();
    const script = scriptedDevice();
    const magellan = service(script.transport, { commands: { scannerDisable: 'SD' } });
    await magellan.scanner.start();
    script.transport.write = () => new Promise<void>(() => undefined);
    const beep = magellan.scanner.beepGoodRead();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await beep).toEqual({ ok: false, error: { kind: 'notOpen', detail: 'write did not complete within 2000 ms' } });
    const stopping = magellan.scanner.stop();
    await vi.advanceTimersByTimeAsync(2_000);
    await stopping;
    expect(magellan.scanner.status).toEqual({ kind: 'closed' });
  });

  it('reports noise to the scanner and stamps scans with first-byte and terminator times', async () => {
    const { transport } = scriptedDevice();
    let now = 2_000.5;
    const magellan = service(transport, { clock: () => now });
    const scans = record(magellan.scanner.onScan);
    const garbage = record(magellan.scanner.onGarbage);
    await magellan.scanner.start();
    transport.receive(Uint8Array.of(0x00, 0xff));
    transport.receive('S08F400638');
    now = 2_004.25;
    transport.receive('1333931\rS08Q1\r');
    expect(scans).toEqual([{ data: ']E04006381333931', firstByteAt: 2_000.5, receivedAt: 2_004.25 }]);
    expect(garbage).toEqual([
      { reason: 'noise', byteCount: 2 },
      { reason: 'unknownLabel', byteCount: 5 },
    ]);
    await magellan.stop();
  });

  it('uses epoch milliseconds with sub-millisecond precision by default', async () => {
    const { transport } = scriptedDevice();
    const magellan = service(transport);
    const scans = record(magellan.scanner.onScan);
    await magellan.scanner.start();
    transport.receive('S08FF96385074\r');
    expect(Math.abs((scans[0]?.receivedAt ?? 0) - Date.now())).toBeLessThan(1_000);
    await magellan.stop();
  });

  it('a listener that throws is logged and does not stop the line', async () => {
    const { transport } = scriptedDevice();
    const log = memoryLogger();
    const magellan = service(transport, {}, log);
    magellan.scanner.onScan(() => {
      throw new Error('listener bug');
    });
    const scans = record(magellan.scanner.onScan);
    await magellan.scanner.start();
    transport.receive('S08FF96385074\rS08FF96385074\r');
    expect(scans).toHaveLength(2);
    expect(log.entries.some((entry) => entry.level === 'error')).toBe(true);
    await magellan.stop();
  });

  it('rejects nonsensical options', () => {
    const { transport } = scriptedDevice();
    expect(() => service(transport, { replyTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => service(transport, { idleCheckMs: -1 })).toThrow(RangeError);
    expect(() => service(transport, { timeoutsBeforeNotResponding: 0 })).toThrow(RangeError);
    expect(() => service(transport, { commands: { zero: '\r' } })).toThrow(RangeError);
  });
});

describe('probeMagellan', () => {
  it('accepts any well-formed S14 reply, in either weight width', async () => {
    for (const reply of ['S143\r', 'S14401500\r', 'S1440250\r', 'S141\r']) {
      const { transport } = scriptedDevice((command) => (command === 'S14' ? reply : undefined));
      expect(await probeMagellan(transport, 200), reply).toBe(true);
      expect(transport.isOpen).toBe(false);
    }
  });

  it('is false for silence, other replies, and a port that will not open', async () => {
    expect(await probeMagellan(scriptedDevice().transport, 30)).toBe(false);
    expect(await probeMagellan(scriptedDevice(() => 'S14X\r').transport, 30)).toBe(false);
    expect(await probeMagellan(scriptedDevice(() => 'OK\r').transport, 30)).toBe(false);
    const absent = scriptedDevice();
    absent.transport.openError = new Error('ENOENT');
    expect(await probeMagellan(absent.transport, 30)).toBe(false);
  });

  it('leaves an already open transport open', async () => {
    const { transport, commands } = scriptedDevice(() => 'S143\r');
    await transport.open();
    expect(await probeMagellan(transport, 200)).toBe(true);
    expect(transport.isOpen).toBe(true);
    expect(commands).toEqual(['S14']);
    expect(bytes('S14\r')).toEqual(transport.written[0]);
  });
});
