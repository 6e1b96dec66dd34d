import { afterEach, describe, expect, it } from 'vitest';
import { scaleProtocols, type ScaleAnswer, type ScaleProtocolName } from '../../../devices/scale/protocol';
import { Mettler8217ReplyDecoder, type Mettler8217Reply } from '../../../devices/scale/mettler8217';
import { Scp01ReplyDecoder, type Scp01Reply } from '../../../devices/scale/scp01';
import { SerialScaleSimulator, type SerialScaleSimulatorOptions } from '../../../devices/scale/simulator';
import { SerialPortTransport } from '../../../devices/serial/transport';
import { createPtyPair } from '../../../devices/sim/ptyPair';
import { scaleWeight } from '../../../shared/scale';
import { bytes, Cleanup, FakeTransport, line9600, record, waitFor } from '../support/harness';

/** Lets the simulator's reply chain run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function rig(protocol: ScaleProtocolName, options: Omit<SerialScaleSimulatorOptions, 'protocol'> = {}) {
  const transport = new FakeTransport('/dev/scale-sim');
  const simulator = new SerialScaleSimulator(transport, { protocol, ...options });
  await simulator.open();
  /** Sends host bytes and returns what the scale wrote back. */
  async function send(text: string): Promise<Uint8Array> {
    const before = transport.written.length;
    transport.receive(bytes(text));
    await settle();
    return Uint8Array.from(transport.written.slice(before).flatMap((chunk) => [...chunk]));
  }
  return { transport, simulator, send };
}

function mettler(reply: Uint8Array): Mettler8217Reply[] {
  return new Mettler8217ReplyDecoder().push(reply);
}

function scp01(reply: Uint8Array): Scp01Reply[] {
  return new Scp01ReplyDecoder().push(reply);
}

function answer(protocol: ScaleProtocolName, reply: Uint8Array): ScaleAnswer | undefined {
  return scaleProtocols[protocol].createDecoder().push(reply)[0];
}

describe('SerialScaleSimulator (8217)', () => {
  it('answers W with the load in kg, three decimals', async () => {
    const { simulator, send } = await rig('mettler8217');
    simulator.setLoad(1234);
    expect(await send('W')).toEqual(bytes('\x0201.234\r'));
    simulator.setLoad(0);
    expect(await send('W')).toEqual(bytes('\x0200.000\r'));
  });

  it('weighs in lb hundredths when configured', async () => {
    const { simulator, send } = await rig('mettler8217', { unit: 'lb' });
    simulator.setLoad(1000);
    // 1000 g = 2.2046 lb.
    expect(await send('W')).toEqual(bytes('\x0202.20\r'));
    expect(() => new SerialScaleSimulator(new FakeTransport(), { protocol: 'mettler8217', unit: 'g' })).toThrow(RangeError);
  });

  it('answers with a status byte in motion, over capacity and under zero', async () => {
    const { simulator, send } = await rig('mettler8217');
    simulator.setLoad(500);
    simulator.setMotion(true);
    expect(mettler(await send('W'))).toEqual([{ kind: 'status', status: expect.objectContaining({ motion: true }) }]);
    expect(simulator.reading).toEqual({ kind: 'motion' });
    simulator.setMotion(false);
    simulator.setLoad(15_001);
    expect(mettler(await send('W'))).toEqual([{ kind: 'status', status: expect.objectContaining({ overCapacity: true, motion: false }) }]);
    simulator.setLoad(-20);
    expect(mettler(await send('W'))).toEqual([{ kind: 'status', status: expect.objectContaining({ underZero: true }) }]);
  });

  it('zeroes within the zero range, refuses in motion and outside it', async () => {
    const { simulator, send } = await rig('mettler8217');
    simulator.setLoad(100);
    expect(answer('mettler8217', await send('Z'))).toMatchObject({ zero: { ok: true } });
    expect(simulator.zeroOffsetGrams).toBe(100);
    expect(await send('W')).toEqual(bytes('\x0200.000\r'));
    // The 100 g taken away: under zero now.
    simulator.setLoad(0);
    expect(answer('mettler8217', await send('W'))).toMatchObject({ reading: { ok: true, value: { kind: 'underZero' } } });

    simulator.setMotion(true);
    expect(answer('mettler8217', await send('Z'))).toMatchObject({ zero: { ok: false, error: 'scale in motion' } });
    simulator.setMotion(false);
    simulator.setLoad(1_000);
    expect(answer('mettler8217', await send('Z'))).toMatchObject({ zero: { ok: false, error: 'outside the zero capture range' } });
    expect(simulator.zeroOffsetGrams).toBe(100);
  });

  it('reports a zero error until a zero succeeds', async () => {
    const { simulator, send } = await rig('mettler8217');
    simulator.setZeroError(true);
    expect(answer('mettler8217', await send('W'))).toMatchObject({ reading: { ok: true, value: { kind: 'zeroError' } } });
    expect(answer('mettler8217', await send('Z'))).toMatchObject({ zero: { ok: true } });
    expect(answer('mettler8217', await send('W'))).toMatchObject({ reading: { ok: true, value: { kind: 'stable' } } });
  });

  it('tares and clears the tare; net weights carry N', async () => {
    const { simulator, send } = await rig('mettler8217');
    simulator.setLoad(500);
    expect(mettler(await send('T'))).toEqual([{ kind: 'status', status: expect.objectContaining({ net: true }) }]);
    expect(simulator.tareGrams).toBe(500);
    expect(await send('W')).toEqual(bytes('\x0200.000N\r'));
    simulator.setLoad(700);
    expect(await send('W')).toEqual(bytes('\x0200.200N\r'));
    // A tared scale does not zero.
    expect(answer('mettler8217', await send('Z'))).toMatchObject({ zero: { ok: false, error: 'a tare is set' } });
    await send('C');
    expect(simulator.tareGrams).toBe(0);
    expect(await send('W')).toEqual(bytes('\x0200.700\r'));
  });

  it('ignores bytes it does not know, but reports them', async () => {
    const { simulator, send } = await rig('mettler8217');
    const commands = record(simulator.onCommand);
    expect(await send('x\r')).toEqual(new Uint8Array(0));
    await send('W');
    expect(commands).toEqual(['unknown', 'unknown', 'weight']);
    expect(simulator.commandCount).toBe(3);
  });

  it('refuses hardware errors it cannot report', async () => {
    const { simulator } = await rig('mettler8217');
    expect(() => simulator.setHardwareErrors(['ram'])).toThrow(RangeError);
  });
});

describe('SerialScaleSimulator (SCP-01)', () => {
  it('answers W with weight, units and status', async () => {
    const { simulator, send } = await rig('scp01');
    simulator.setLoad(1234);
    expect(await send('W\r')).toEqual(bytes('\n01.234KG\r\n00\r\x03'));
    simulator.setLoad(0);
    // At zero: byte 1 bit 1.
    expect(await send('W\r')).toEqual(bytes('\n00.000KG\r\n20\r\x03'));
  });

  it('weighs in g, oz and lb', async () => {
    for (const [unit, text] of [
      ['g', '\n01234G\r'],
      ['oz', '\n0043.5OZ\r'],
      ['lb', '\n002.72LB\r'],
    ] as const) {
      const { simulator, send } = await rig('scp01', { unit });
      simulator.setLoad(1234);
      const reply = await send('W\r');
      expect(String.fromCharCode(...reply).startsWith(text), `${unit}: ${JSON.stringify(String.fromCharCode(...reply))}`).toBe(true);
    }
  });

  it('answers H with ten times the resolution', async () => {
    const { simulator, send } = await rig('scp01', { unit: 'lb' });
    simulator.setLoad(1234);
    expect(scp01(await send('H\r'))).toEqual([{ kind: 'weight', weight: scaleWeight(2721, 3, 'lb'), status: expect.anything() }]);
  });

  it('answers status only in motion, over capacity, under zero and with a zero error', async () => {
    const { simulator, send } = await rig('scp01');
    simulator.setMotion(true);
    expect(scp01(await send('W\r'))).toEqual([{ kind: 'status', status: expect.objectContaining({ motion: true }) }]);
    simulator.setMotion(false);
    simulator.setLoad(20_000);
    expect(scp01(await send('W\r'))).toEqual([{ kind: 'status', status: expect.objectContaining({ overCapacity: true }) }]);
    simulator.setLoad(-5);
    expect(scp01(await send('W\r'))).toEqual([{ kind: 'status', status: expect.objectContaining({ underCapacity: true }) }]);
    simulator.setLoad(0);
    simulator.setZeroError(true);
    expect(scp01(await send('W\r'))).toEqual([{ kind: 'status', status: expect.objectContaining({ initialZeroError: true, byteCount: 3 }) }]);
  });

  it('answers S with the status and Z by zeroing (at-zero set) unless it may not', async () => {
    const { simulator, send } = await rig('scp01');
    simulator.setLoad(50);
    expect(scp01(await send('S\r'))).toEqual([{ kind: 'status', status: expect.objectContaining({ atZero: false }) }]);
    expect(scp01(await send('Z\r'))).toEqual([{ kind: 'status', status: expect.objectContaining({ atZero: true }) }]);
    simulator.setLoad(2_000);
    expect(answer('scp01', await send('Z\r'))).toMatchObject({ zero: { ok: false, error: 'outside the zero range' } });
    simulator.setMotion(true);
    expect(answer('scp01', await send('Z\r'))).toMatchObject({ zero: { ok: false, error: 'scale in motion' } });
  });

  it('answers an ignored Z with the at-zero flag clear, even when the weight reads zero', async () => {
    const { simulator, send } = await rig('scp01');
    expect(scp01(await send('S\r'))).toEqual([{ kind: 'status', status: expect.objectContaining({ atZero: true }) }]);
    simulator.setMotion(true);
    expect(scp01(await send('Z\r'))).toEqual([{ kind: 'status', status: expect.objectContaining({ atZero: false, motion: true }) }]);
  });

  it('reports hardware errors in the status bytes, with the weight', async () => {
    const { simulator, send } = await rig('scp01');
    simulator.setLoad(100);
    simulator.setHardwareErrors(['ram', 'calibration']);
    expect(answer('scp01', await send('W\r'))).toMatchObject({ kind: 'answer', hardwareErrors: ['ram', 'calibration'], reading: { ok: true, value: { kind: 'stable' } } });
    simulator.setHardwareErrors(['rom', 'eeprom']);
    expect(answer('scp01', await send('S\r'))).toMatchObject({ hardwareErrors: ['rom', 'eeprom'] });
  });

  it('answers unknown and unimplemented commands with LF ? CR ETX', async () => {
    const { send } = await rig('scp01');
    expect(await send('X\r')).toEqual(bytes('\n?\r\x03'));
    expect(await send('U\r')).toEqual(bytes('\n?\r\x03'));
  });
});

describe('SerialScaleSimulator fault injection', () => {
  it('silent: acts on commands but never answers', async () => {
    const { simulator, send } = await rig('scp01');
    simulator.silent = true;
    simulator.setLoad(40);
    expect(await send('Z\r')).toEqual(new Uint8Array(0));
    expect(simulator.zeroOffsetGrams).toBe(40);
    simulator.silent = false;
    expect((await send('W\r')).length).toBeGreaterThan(0);
  });

  it('truncateNextReply cuts one reply in half, the next is whole', async () => {
    const { simulator, send } = await rig('mettler8217');
    simulator.setLoad(1234);
    simulator.truncateNextReply();
    expect(await send('W')).toEqual(bytes('\x0201.'));
    expect(await send('W')).toEqual(bytes('\x0201.234\r'));
  });

  it('replaceNextReply sends other bytes once', async () => {
    const { simulator, send } = await rig('scp01');
    simulator.replaceNextReply(bytes('\nXX\r\x03'));
    expect(await send('W\r')).toEqual(bytes('\nXX\r\x03'));
    expect(scp01(await send('W\r'))[0]?.kind).toBe('weight');
  });

  it('garbage() writes noise now', async () => {
    const { simulator, transport } = await rig('scp01');
    await simulator.garbage(Uint8Array.of(0xff, 0x00));
    expect(transport.written).toEqual([Uint8Array.of(0xff, 0x00)]);
  });

  it('replyDelayMs delays replies but keeps their order', async () => {
    const { simulator, transport } = await rig('mettler8217', { replyDelayMs: 30 });
    simulator.setLoad(1);
    transport.receive(bytes('W'));
    simulator.replyDelayMs = 0;
    simulator.setLoad(2);
    transport.receive(bytes('W'));
    await waitFor(() => transport.written.length === 2, 'two replies');
    expect(transport.written).toEqual([bytes('\x0200.001\r'), bytes('\x0200.002\r')]);
  });

  it('does not answer while closed', async () => {
    const { simulator, transport, send } = await rig('mettler8217');
    await simulator.close();
    transport.receive(bytes('W'));
    await settle();
    expect(transport.written).toEqual([]);
    await simulator.open();
    expect((await send('W')).length).toBeGreaterThan(0);
  });

  it('validates its options', () => {
    expect(() => new SerialScaleSimulator(new FakeTransport(), { protocol: 'scp01', capacityGrams: 0 })).toThrow(RangeError);
    expect(() => new SerialScaleSimulator(new FakeTransport(), { protocol: 'mettler8217', capacityGrams: 5_000_000 })).toThrow(RangeError);
    expect(() => new SerialScaleSimulator(new FakeTransport(), { protocol: 'scp01', replyDelayMs: -1 })).toThrow(RangeError);
    const simulator = new SerialScaleSimulator(new FakeTransport(), { protocol: 'scp01' });
    expect(() => simulator.setLoad(Number.NaN)).toThrow(RangeError);
    expect(() => simulator.setLoad(1e300)).toThrow(RangeError);
    expect(simulator.capacityGrams).toBe(15_000);
    expect(simulator.zeroRangeGrams).toBe(300);
  });
});

describe('SerialScaleSimulator over a socat pseudo-terminal pair', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('answers the bytes a host writes on the other end', async () => {
    const pair = await createPtyPair(cleanup.tempDir('scale-sim'), 'scale');
    cleanup.add(() => pair.close());
    const simulator = new SerialScaleSimulator(new SerialPortTransport(pair.devicePath, line9600), { protocol: 'scp01' });
    await simulator.open();
    cleanup.add(() => simulator.dispose());
    const host = new SerialPortTransport(pair.hostPath, line9600);
    await host.open();
    cleanup.add(() => host.close());
    const received: number[] = [];
    host.onData((chunk) => received.push(...chunk));
    simulator.setLoad(2_500);
    await host.write(bytes('W\r'));
    await waitFor(() => received.at(-1) === 0x03, 'a whole reply');
    expect(Uint8Array.from(received)).toEqual(bytes('\n02.500KG\r\n00\r\x03'));
  });
});
