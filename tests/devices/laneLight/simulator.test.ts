import { afterEach, describe, expect, it } from 'vitest';
import { encodeRelayFrame } from '../../../devices/laneLight/codec';
import { LaneLightSimulator } from '../../../devices/laneLight/simulator';
import { SerialPortTransport } from '../../../devices/serial/transport';
import { createPtyPair } from '../../../devices/sim/ptyPair';
import { Cleanup, FakeTransport, line9600, memoryLogger, record, waitFor } from '../support/harness';

describe('LaneLightSimulator over a pty', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function rig() {
    const pair = await createPtyPair(cleanup.tempDir('lane-light-sim'), 'light');
    cleanup.add(() => pair.close());
    let now = 1_000;
    const simulator = new LaneLightSimulator(new SerialPortTransport(pair.devicePath, line9600), { clock: () => (now += 10) });
    await simulator.open();
    cleanup.add(() => simulator.dispose());
    const host = new SerialPortTransport(pair.hostPath, line9600);
    await host.open();
    cleanup.add(() => host.close());
    return { simulator, host };
  }

  it('switches relays from the frames on the wire and keeps a timestamped history', async () => {
    const { simulator, host } = await rig();
    const changes = record(simulator.onChange);
    expect(simulator.isOpen).toBe(true);
    expect(simulator.relays).toEqual([false, false, false, false]);
    // Written as one chunk and split at an awkward place: the board does not care how bytes arrive.
    const bytes = Uint8Array.from([...encodeRelayFrame(1, true), ...encodeRelayFrame(3, true), ...encodeRelayFrame(1, true)]);
    await host.write(bytes.subarray(0, 5));
    await host.write(bytes.subarray(5));
    await waitFor(() => simulator.framesReceived === 3, 'three frames');
    expect(simulator.relays).toEqual([true, false, true, false]);
    expect(simulator.lamps).toEqual({ green: true, yellow: false, red: true, buzzer: false });
    expect(simulator.history.map(({ channel, on, changed, cause }) => ({ channel, on, changed, cause }))).toEqual([
      { channel: 1, on: true, changed: true, cause: 'frame' },
      { channel: 3, on: true, changed: true, cause: 'frame' },
      { channel: 1, on: true, changed: false, cause: 'frame' },
    ]);
    expect(changes.map((change) => change.channel)).toEqual([1, 3]);
    const times = simulator.history.map((event) => event.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(simulator.switchesOf('green')).toHaveLength(1);
  });

  it('counts what it cannot use and still acts on the next good frame', async () => {
    const { simulator, host } = await rig();
    await host.write(Uint8Array.of(0x0d, 0x0a, 0xa0, 0x02, 0x01, 0x00));
    await host.write(encodeRelayFrame(5, true));
    await host.write(Uint8Array.of(0xa0, 0x01, 0x02, 0xa3));
    await host.write(encodeRelayFrame(2, true));
    await waitFor(() => simulator.relay(2), 'relay 2 on');
    expect(simulator.badFrames.map(({ reason, byteCount }) => ({ reason, byteCount }))).toEqual([
      { reason: 'unknownStartByte', byteCount: 2 },
      { reason: 'badChecksum', byteCount: 4 },
      { reason: 'noSuchRelay', byteCount: 4 },
      { reason: 'unsupportedCommand', byteCount: 4 },
    ]);
    expect(simulator.framesReceived).toBe(1);
    expect(simulator.relays).toEqual([false, true, false, false]);
  });

  it('drops every relay when it loses power and comes back with all off', async () => {
    const { simulator, host } = await rig();
    await host.write(Uint8Array.from([...encodeRelayFrame(2, true), ...encodeRelayFrame(4, true)]));
    await waitFor(() => simulator.relay(4), 'relay 4 on');
    await simulator.close();
    expect(simulator.isOpen).toBe(false);
    expect(simulator.relays).toEqual([false, false, false, false]);
    expect(simulator.history.slice(-2).map(({ channel, on, cause }) => ({ channel, on, cause }))).toEqual([
      { channel: 2, on: false, cause: 'powerLoss' },
      { channel: 4, on: false, cause: 'powerLoss' },
    ]);
    await simulator.open();
    await host.write(encodeRelayFrame(1, true));
    await waitFor(() => simulator.relay(1), 'relay 1 on after power-up');
  });
});

describe('LaneLightSimulator (fake transport)', () => {
  it('keeps its history bounded and survives a throwing listener', async () => {
    const transport = new FakeTransport();
    const log = memoryLogger();
    const simulator = new LaneLightSimulator(transport, { historyLimit: 5, log });
    simulator.onChange(() => {
      throw new Error('listener bug');
    });
    await simulator.open();
    for (let i = 0; i < 20; i++) transport.receive(encodeRelayFrame(1, i % 2 === 0));
    expect(simulator.history).toHaveLength(5);
    expect(simulator.framesReceived).toBe(20);
    expect(simulator.relay(1)).toBe(false);
    expect(log.entries.filter((entry) => entry.level === 'error')).toHaveLength(20);
    for (let i = 0; i < 20; i++) transport.receive(Uint8Array.of(0x00, 0xa0, 0x01, 0x01, 0x00));
    expect(simulator.badFrames).toHaveLength(5);
    simulator.clearHistory();
    expect(simulator.history).toEqual([]);
  });

  it('follows its own wiring and board size', async () => {
    const transport = new FakeTransport();
    const simulator = new LaneLightSimulator(transport, { relayCount: 2, channels: { green: 2, yellow: 1, red: 3, buzzer: null } });
    await simulator.open();
    transport.receive(Uint8Array.from([...encodeRelayFrame(2, true), ...encodeRelayFrame(3, true)]));
    expect(simulator.relays).toEqual([false, true]);
    expect(simulator.lamps).toEqual({ green: true, yellow: false, red: false, buzzer: false });
    expect(simulator.badFrames).toMatchObject([{ reason: 'noSuchRelay' }]);
  });

  it('validates its options', () => {
    const transport = new FakeTransport();
    expect(() => new LaneLightSimulator(transport, { relayCount: 0 })).toThrow(RangeError);
    expect(() => new LaneLightSimulator(transport, { historyLimit: 0 })).toThrow(RangeError);
    expect(() => new LaneLightSimulator(transport, { channels: { green: 2 } })).toThrow(RangeError);
  });
});
