import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeRelayFrame, laneLightSignals, lcusRelayProtocol, type LaneLightSignal } from '../../../devices/laneLight/codec';
import { LaneLightService, type LaneLightServiceOptions } from '../../../devices/laneLight/service';
import { LaneLightSimulator } from '../../../devices/laneLight/simulator';
import { SerialPortTransport } from '../../../devices/serial/transport';
import { createPtyPair } from '../../../devices/sim/ptyPair';
import { silentLogger } from '../../../shared/log';
import { Cleanup, createPtyCable, FakeTransport, fastReconnect, line9600, memoryLogger, record, waitFor, waitForStatus } from '../support/harness';

/** Frames as `[channel, on]` pairs, for readable expectations. */
function switches(written: readonly Uint8Array[]): [number, boolean][] {
  return written.map((frame) => {
    expect(frame).toEqual(encodeRelayFrame(frame[1] ?? 0, frame[2] === 1));
    return [frame[1] ?? 0, frame[2] === 1];
  });
}

/** A transport whose writes can be made to hang, like a USB-serial adapter that stopped draining. */
class StuckTransport extends FakeTransport {
  stuck = false;

  override write(data: Uint8Array): Promise<void> {
    return this.stuck ? new Promise(() => undefined) : super.write(data);
  }
}

const allOff: [number, boolean][] = [
  [1, false],
  [2, false],
  [3, false],
  [4, false],
];

describe('LaneLightService (fake transport)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('goes closed → connecting → ready, sends the full state on connecting, then only what changes, and switches off on stop', async () => {
    const transport = new FakeTransport();
    const service = new LaneLightService(transport, silentLogger);
    const statuses = record(service.onStatus);
    expect(service.status).toEqual({ kind: 'closed' });
    await service.start();
    expect(service.status).toEqual({ kind: 'ready', warnings: [] });
    expect(switches(transport.written)).toEqual(allOff);

    transport.written.length = 0;
    expect(await service.show(laneLightSignals.open)).toEqual({ ok: true, value: undefined });
    expect(switches(transport.written)).toEqual([[1, true]]);

    transport.written.length = 0;
    await service.show(laneLightSignals.intervention);
    // Off first: green and red are never lit together.
    expect(switches(transport.written)).toEqual([
      [1, false],
      [3, true],
    ]);

    transport.written.length = 0;
    await service.show({ ...laneLightSignals.intervention });
    expect(transport.written).toEqual([]);

    await service.stop();
    expect(switches(transport.written)).toEqual([[3, false]]);
    expect(transport.isOpen).toBe(false);
    expect(statuses.map((status) => status.kind)).toEqual(['connecting', 'ready', 'closed']);
  });

  it('flashes at 1 Hz with 50 % duty by default, switching only the flashing relay', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const service = new LaneLightService(transport, silentLogger);
    await service.start();
    transport.written.length = 0;
    await service.show(laneLightSignals.attention);
    // Lit at once, not after the first half period.
    expect(switches(transport.written)).toEqual([[2, true]]);
    await vi.advanceTimersByTimeAsync(499);
    expect(transport.written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(switches(transport.written).at(-1)).toEqual([2, false]);
    await vi.advanceTimersByTimeAsync(500);
    expect(switches(transport.written).at(-1)).toEqual([2, true]);
    await vi.advanceTimersByTimeAsync(9_000);
    const written = switches(transport.written);
    expect(written).toHaveLength(21);
    expect(written.every(([channel], index) => channel === 2 && written[index]?.[1] === (index % 2 === 0))).toBe(true);

    // Twenty half periods later yellow is lit again; a steady signal switches it off and stops the flashing.
    transport.written.length = 0;
    await service.show(laneLightSignals.open);
    expect(switches(transport.written)).toEqual([
      [2, false],
      [1, true],
    ]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(transport.written).toHaveLength(2);
    await service.stop();
  });

  it('alarm flashes red with the buzzer sounding steadily', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const service = new LaneLightService(transport, silentLogger);
    await service.start();
    transport.written.length = 0;
    await service.show(laneLightSignals.alarm);
    await vi.advanceTimersByTimeAsync(2_000);
    const written = switches(transport.written);
    expect(written.filter(([channel]) => channel === 4)).toEqual([[4, true]]);
    expect(written.filter(([channel]) => channel === 3)).toEqual([
      [3, true],
      [3, false],
      [3, true],
      [3, false],
      [3, true],
    ]);
    await service.stop();
    expect(switches(transport.written).slice(-2)).toEqual([
      [3, false],
      [4, false],
    ]);
  });

  it('keeps flashing lamps in step when a second one starts', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const service = new LaneLightService(transport, silentLogger, { flashPeriodMs: 1_000 });
    await service.start();
    await service.show({ green: 'off', yellow: 'flashing', red: 'off', buzzer: false });
    await vi.advanceTimersByTimeAsync(500);
    transport.written.length = 0;
    // Yellow is in its dark half: red joins it there rather than lighting alone.
    await service.show({ green: 'off', yellow: 'flashing', red: 'flashing', buzzer: false });
    expect(transport.written).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(switches(transport.written)).toEqual([
      [2, true],
      [3, true],
    ]);
    await service.stop();
  });

  it('uses the configured wiring and leaves an unwired buzzer alone', async () => {
    const transport = new FakeTransport();
    const service = new LaneLightService(transport, silentLogger, { channels: { green: 3, red: 1, buzzer: null } });
    await service.start();
    expect(switches(transport.written)).toEqual([
      [3, false],
      [2, false],
      [1, false],
    ]);
    transport.written.length = 0;
    await service.show({ ...laneLightSignals.intervention, buzzer: true });
    expect(switches(transport.written)).toEqual([[1, true]]);
    await service.stop();
  });

  it('keeps a signal shown before start() and shows it on connecting', async () => {
    const transport = new FakeTransport();
    const service = new LaneLightService(transport, silentLogger);
    expect(await service.show(laneLightSignals.open)).toMatchObject({ ok: false, error: { reason: 'closed' } });
    expect(transport.written).toEqual([]);
    await service.start();
    expect(switches(transport.written)).toEqual([
      [2, false],
      [3, false],
      [4, false],
      [1, true],
    ]);
    expect(service.signal).toEqual(laneLightSignals.open);
    await service.stop();
  });

  it('with the board absent, start() resolves as lost, show() keeps the signal, and it is sent once the board appears', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    transport.openError = new Error('ENOENT: no such file');
    const service = new LaneLightService(transport, silentLogger, { reconnect: { initialDelayMs: 100, maxDelayMs: 400 } });
    await service.start();
    expect(service.status).toEqual({ kind: 'lost', reason: 'ENOENT: no such file' });
    expect(await service.show(laneLightSignals.intervention)).toEqual({ ok: false, error: { reason: 'lineLost', detail: expect.stringContaining('ENOENT') } });
    await vi.advanceTimersByTimeAsync(300);
    expect(transport.openCalls).toBe(3);
    transport.openError = undefined;
    await vi.advanceTimersByTimeAsync(400);
    expect(service.status.kind).toBe('ready');
    expect(switches(transport.written)).toEqual([
      [1, false],
      [2, false],
      [4, false],
      [3, true],
    ]);
    await service.stop();
  });

  it('a failed write is lost; on reconnecting the full state is sent again', async () => {
    const transport = new FakeTransport();
    const log = memoryLogger();
    const service = new LaneLightService(transport, log, { reconnect: fastReconnect });
    await service.start();
    await service.show(laneLightSignals.open);
    transport.onWrite = () => {
      throw new Error('EIO');
    };
    expect(await service.show(laneLightSignals.intervention)).toMatchObject({ ok: false, error: { reason: 'lineLost', detail: expect.stringContaining('EIO') } });
    expect(service.status).toEqual({ kind: 'lost', reason: 'EIO' });
    expect(log.entries.some((entry) => entry.level === 'warn' && entry.message.includes('line lost'))).toBe(true);

    transport.onWrite = undefined;
    transport.written.length = 0;
    await waitForStatus(service, 'ready');
    await waitFor(() => transport.written.length === 4, 'the full state');
    expect(switches(transport.written)).toEqual([
      [1, false],
      [2, false],
      [4, false],
      [3, true],
    ]);
    await service.stop();
  });

  it('the line going away is lost, and the state is re-sent when it is back', async () => {
    const transport = new FakeTransport();
    const service = new LaneLightService(transport, silentLogger, { reconnect: fastReconnect });
    await service.start();
    await service.show(laneLightSignals.open);
    transport.written.length = 0;
    transport.lose('unplugged');
    expect(service.status).toEqual({ kind: 'lost', reason: 'unplugged' });
    await waitForStatus(service, 'ready');
    await waitFor(() => transport.written.length === 4, 'the full state');
    expect(switches(transport.written).at(-1)).toEqual([1, true]);
    await service.stop();
  });

  it('a write that never drains is lost after writeTimeoutMs', async () => {
    vi.useFakeTimers();
    const transport = new StuckTransport();
    const service = new LaneLightService(transport, silentLogger, { writeTimeoutMs: 200, reconnect: { initialDelayMs: 1_000 } });
    await service.start();
    transport.stuck = true;
    const shown = service.show(laneLightSignals.open);
    await vi.advanceTimersByTimeAsync(199);
    expect(service.status.kind).toBe('ready');
    await vi.advanceTimersByTimeAsync(1);
    await expect(shown).resolves.toMatchObject({ ok: false, error: { reason: 'lineLost' } });
    expect(service.status).toEqual({ kind: 'lost', reason: 'relay frame not sent within 200 ms' });
    expect(transport.isOpen).toBe(false);
    transport.stuck = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(service.status.kind).toBe('ready');
    expect(switches(transport.written).at(-1)).toEqual([1, true]);
    await service.stop();
  });

  it('re-sends the whole state every refreshIntervalMs, since the board cannot say it lost it', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const service = new LaneLightService(transport, silentLogger, { refreshIntervalMs: 10_000 });
    await service.start();
    await service.show(laneLightSignals.open);
    transport.written.length = 0;
    await vi.advanceTimersByTimeAsync(9_999);
    expect(transport.written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(switches(transport.written)).toEqual([
      [2, false],
      [3, false],
      [4, false],
      [1, true],
    ]);
    await service.stop();
  });

  it('stop() while the board is away closes without writing and stops retrying', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const service = new LaneLightService(transport, silentLogger, { reconnect: { initialDelayMs: 100 } });
    await service.start();
    transport.openError = new Error('gone');
    transport.lose();
    transport.written.length = 0;
    await service.stop();
    expect(service.status).toEqual({ kind: 'closed' });
    const calls = transport.openCalls;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.openCalls).toBe(calls);
    expect(transport.written).toEqual([]);
  });

  it('a status listener that throws does not stop the light', async () => {
    const transport = new FakeTransport();
    const log = memoryLogger();
    const service = new LaneLightService(transport, log);
    service.onStatus(() => {
      throw new Error('bug in a listener');
    });
    await service.start();
    expect(await service.show(laneLightSignals.open)).toMatchObject({ ok: true });
    expect(log.entries.some((entry) => entry.level === 'error')).toBe(true);
    await service.stop();
  });

  it('validates its options and signals', async () => {
    const transport = new FakeTransport();
    expect(() => new LaneLightService(transport, silentLogger, { flashPeriodMs: 300 })).toThrow(/3 flashes/);
    expect(() => new LaneLightService(transport, silentLogger, { channels: { red: 1 } })).toThrow(RangeError);
    expect(() => new LaneLightService(transport, silentLogger, { writeTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => new LaneLightService(transport, silentLogger, { refreshIntervalMs: -1 })).toThrow(RangeError);
    const service = new LaneLightService(transport, silentLogger);
    await expect(service.show({ ...laneLightSignals.open, green: 'blink' } as unknown as LaneLightSignal)).rejects.toThrow(RangeError);
    expect(service.channels).toEqual({ green: 1, yellow: 2, red: 3, buzzer: 4 });
  });
});

describe('LaneLightService over a socat pseudo-terminal pair', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function rig(options: LaneLightServiceOptions = {}) {
    const cable = await createPtyCable(cleanup, 'lane-light', 'light');
    // ptys carry no parity: the board is 8N1 anyway (lcusRelayProtocol.serial).
    expect(lcusRelayProtocol.serial).toEqual(line9600);
    const simulator = new LaneLightSimulator(new SerialPortTransport(cable.devicePath, line9600));
    await simulator.open();
    cleanup.add(() => simulator.dispose());
    const service = new LaneLightService(new SerialPortTransport(cable.hostPath, lcusRelayProtocol.serial), silentLogger, { reconnect: fastReconnect, ...options });
    cleanup.add(() => service.stop());
    await service.start();
    return { cable, simulator, service };
  }

  const lampsOf = (signal: LaneLightSignal) => ({ green: signal.green === 'on', yellow: signal.yellow === 'on', red: signal.red === 'on', buzzer: signal.buzzer });

  it('shows each steady preset on the tower, writing only the relays that change', async () => {
    const { simulator, service } = await rig();
    await waitFor(() => simulator.framesReceived === 4, 'the full state after connecting');
    let frames = simulator.framesReceived;
    for (const preset of ['open', 'intervention', 'closed', 'open'] as const) {
      expect(await service.show(laneLightSignals[preset])).toEqual({ ok: true, value: undefined });
      await waitFor(() => JSON.stringify(simulator.lamps) === JSON.stringify(lampsOf(laneLightSignals[preset])), () => `${preset} on the tower, have ${JSON.stringify(simulator.lamps)}`);
    }
    // Every frame after the first full state switched something.
    const afterConnect = simulator.history.slice(4);
    expect(afterConnect.every((event) => event.changed)).toBe(true);
    frames = simulator.framesReceived - frames;
    expect(frames).toBe(1 + 2 + 1 + 1);
  });

  it('flashing shows as on/off toggles at half the flash period', async () => {
    const { simulator, service } = await rig({ flashPeriodMs: 400 });
    await service.show(laneLightSignals.alarm);
    await waitFor(() => simulator.switchesOf('red').length >= 6, 'six switches of the red lamp');
    const red = simulator.switchesOf('red').slice(0, 6);
    expect(red.map((event) => event.on)).toEqual([true, false, true, false, true, false]);
    for (let i = 1; i < red.length; i++) {
      const gap = (red[i]?.at ?? 0) - (red[i - 1]?.at ?? 0);
      expect(gap, `gap ${i}`).toBeGreaterThan(120);
      expect(gap, `gap ${i}`).toBeLessThan(350);
    }
    // The buzzer sounds throughout; no other lamp moves.
    expect(simulator.switchesOf('buzzer')).toEqual([expect.objectContaining({ on: true })]);
    expect(simulator.switchesOf('green')).toEqual([]);
    expect(simulator.switchesOf('yellow')).toEqual([]);

    await service.show(laneLightSignals.open);
    await waitFor(() => simulator.lamps.green && !simulator.lamps.red && !simulator.lamps.buzzer, 'open after the alarm');
    const settled = simulator.switchesOf('red').length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(simulator.switchesOf('red')).toHaveLength(settled);
  });

  it('unplugged and plugged back in: lost, then ready with the state sent again', async () => {
    // The service may reopen the new line a moment before the simulator listens on it (a real board
    // powers up before its tty appears); the refresh covers frames sent into that gap.
    const setup = await rig({ refreshIntervalMs: 300 });
    const { simulator, service } = setup;
    await service.show(laneLightSignals.intervention);
    await waitFor(() => simulator.lamps.red, 'red on');

    // The USB cable is pulled: the board loses power and /dev/ttyUSB0 disappears.
    await simulator.close();
    await setup.cable.unplug();
    expect(simulator.lamps.red).toBe(false);
    await waitForStatus(service, 'lost');
    expect(await service.show(laneLightSignals.attention)).toMatchObject({ ok: false, error: { reason: 'lineLost' } });

    simulator.clearHistory();
    await setup.cable.plugBackIn();
    await simulator.open();
    await waitForStatus(service, 'ready');
    // The signal asked for while unplugged is on the tower once it is back.
    await waitFor(() => simulator.switchesOf('yellow').length >= 3, 'yellow flashing after reconnecting');
    expect(simulator.lamps.red).toBe(false);
    // The full state went out, including relays that were already off.
    const channelsSent = () => new Set(simulator.history.filter((event) => event.cause === 'frame').map((event) => event.channel));
    await waitFor(() => channelsSent().size === 4, () => `every relay sent again, have ${[...channelsSent()].join(', ')}`);
  });

  it('puts the state back after a power blip the host did not notice, at the next refresh', async () => {
    const { simulator, service } = await rig({ refreshIntervalMs: 200 });
    await service.show(laneLightSignals.open);
    await waitFor(() => simulator.lamps.green, 'green on');
    await simulator.close();
    await simulator.open();
    expect(simulator.lamps.green).toBe(false);
    await waitFor(() => simulator.lamps.green, 'green on again after the refresh');
    expect(service.status.kind).toBe('ready');
  });

  it('switches everything off on stop()', async () => {
    const { simulator, service } = await rig();
    await service.show(laneLightSignals.alarm);
    await waitFor(() => simulator.lamps.buzzer, 'the buzzer on');
    await service.stop();
    await waitFor(() => !Object.values(simulator.lamps).some(Boolean), () => `everything off, have ${JSON.stringify(simulator.lamps)}`);
    expect(service.status).toEqual({ kind: 'closed' });
  });

  it('start() with no board resolves as lost and connects once it appears', async () => {
    const directory = cleanup.tempDir('lane-light-late');
    // The board may only be listening after the service's first frames went out: the refresh puts that right.
    const service = new LaneLightService(new SerialPortTransport(`${directory}/light.host`, line9600), silentLogger, { reconnect: fastReconnect, refreshIntervalMs: 200 });
    cleanup.add(() => service.stop());
    await service.start();
    expect(service.status.kind).toBe('lost');
    await service.show(laneLightSignals.open);
    const pair = await createPtyPair(directory, 'light');
    cleanup.add(() => pair.close());
    const simulator = new LaneLightSimulator(new SerialPortTransport(pair.devicePath, line9600));
    await simulator.open();
    cleanup.add(() => simulator.dispose());
    await waitForStatus(service, 'ready');
    await waitFor(() => simulator.lamps.green, 'green on');
  });
});
