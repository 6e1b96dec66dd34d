import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeMettler8217Command,
  encodeMettler8217Status,
  encodeMettler8217Weight,
  fuzzMettler8217Commands,
  fuzzMettler8217Replies,
  Mettler8217CommandDecoder,
  mettler8217MaxBodyBytes,
  mettler8217Reading,
  Mettler8217ReplyDecoder,
  mettler8217StatusByte,
  mettler8217ZeroOutcome,
  parseMettler8217StatusByte,
  type Mettler8217Reply,
  type Mettler8217Status,
} from '../../../devices/scale/mettler8217';
import { scaleWeight } from '../../../shared/scale';
import { bytes } from '../support/harness';

const noStatus: Mettler8217Status = { motion: false, overCapacity: false, underZero: false, outsideZeroCaptureRange: false, centerOfZero: false, net: false };

function decodeAll(input: Uint8Array, cuts: readonly number[] = []): Mettler8217Reply[] {
  const decoder = new Mettler8217ReplyDecoder();
  const replies: Mettler8217Reply[] = [];
  let start = 0;
  for (const cut of [...cuts, input.length]) {
    replies.push(...decoder.push(input.subarray(start, cut)));
    start = cut;
  }
  return [...replies, ...decoder.flush()];
}

function answered(reply: Mettler8217Reply | undefined): Exclude<Mettler8217Reply, { kind: 'garbage' }> {
  if (reply === undefined || reply.kind === 'garbage') throw new Error(`expected a reply, got ${JSON.stringify(reply)}`);
  return reply;
}

describe('Mettler 8217 commands', () => {
  it('are single letters without a terminator', () => {
    expect(encodeMettler8217Command('weight')).toEqual(bytes('W'));
    expect(encodeMettler8217Command('zero')).toEqual(bytes('Z'));
    expect(encodeMettler8217Command('tare')).toEqual(bytes('T'));
    expect(encodeMettler8217Command('clearTare')).toEqual(bytes('C'));
  });

  it('decode on the scale side, one byte at a time, unknown bytes reported', () => {
    const decoder = new Mettler8217CommandDecoder();
    expect(decoder.push(bytes('WZ'))).toEqual([
      { kind: 'command', command: 'weight' },
      { kind: 'command', command: 'zero' },
    ]);
    expect(decoder.push(bytes('Tw\r'))).toEqual([
      { kind: 'command', command: 'tare' },
      { kind: 'unknown', byte: 0x77 },
      { kind: 'unknown', byte: 0x0d },
    ]);
    expect(decoder.push(bytes('C'))).toEqual([{ kind: 'command', command: 'clearTare' }]);
  });
});

describe('Mettler8217ReplyDecoder', () => {
  it('decodes kg with three decimals and lb with two', () => {
    expect(decodeAll(bytes('\x0201.234\r'))).toEqual([{ kind: 'weight', weight: scaleWeight(1234, 3, 'kg'), net: false }]);
    expect(decodeAll(bytes('\x0212.34\r'))).toEqual([{ kind: 'weight', weight: scaleWeight(1234, 2, 'lb'), net: false }]);
    const [kg] = decodeAll(bytes('\x0201.234\r'));
    expect(kg?.kind === 'weight' && kg.weight.grams).toBe(1234);
    const [lb] = decodeAll(bytes('\x0201.00\r'));
    // 1 lb = 453.59237 g.
    expect(lb?.kind === 'weight' && lb.weight.grams).toBe(454);
  });

  it('reads the N suffix as net weight', () => {
    expect(decodeAll(bytes('\x0200.500N\r'))).toEqual([{ kind: 'weight', weight: scaleWeight(500, 3, 'kg'), net: true }]);
    expect(decodeAll(bytes('\x0203.10N\r'))).toEqual([{ kind: 'weight', weight: scaleWeight(310, 2, 'lb'), net: true }]);
  });

  it('accepts one to four integer digits (high-resolution and larger scales)', () => {
    expect(answered(decodeAll(bytes('\x020.005\r'))[0])).toMatchObject({ weight: { increments: 5, decimals: 3, unit: 'kg' } });
    expect(answered(decodeAll(bytes('\x021234.56\r'))[0])).toMatchObject({ weight: { increments: 123456, decimals: 2, unit: 'lb' } });
  });

  it('decodes every status bit', () => {
    const cases: [number, Partial<Mettler8217Status>][] = [
      [0x40, {}],
      [0x41, { motion: true }],
      [0x42, { overCapacity: true }],
      [0x44, { underZero: true }],
      [0x48, { outsideZeroCaptureRange: true }],
      [0x50, { centerOfZero: true }],
      [0x60, { net: true }],
      [0x7f, { motion: true, overCapacity: true, underZero: true, outsideZeroCaptureRange: true, centerOfZero: true, net: true }],
    ];
    for (const [byte, flags] of cases) {
      expect(decodeAll(Uint8Array.of(0x02, 0x3f, byte, 0x0d)), `status 0x${byte.toString(16)}`).toEqual([{ kind: 'status', status: { ...noStatus, ...flags } }]);
    }
  });

  it('masks the parity bit off the status byte (a 7E1 scale read as 8 bits)', () => {
    // 'A' (motion) with even parity: 0x41 has two bits set, so parity 0; 'C' (0x43) has three, so 0xC3.
    expect(parseMettler8217StatusByte(0xc3)).toEqual({ ...noStatus, motion: true, overCapacity: true });
    expect(decodeAll(Uint8Array.of(0x02, 0x3f, 0xc1, 0x0d))).toEqual([{ kind: 'status', status: { ...noStatus, motion: true } }]);
  });

  it('rejects a status byte without bit 6 as malformed', () => {
    expect(parseMettler8217StatusByte(0x01)).toBeUndefined();
    expect(decodeAll(Uint8Array.of(0x02, 0x3f, 0x21, 0x0d))).toEqual([{ kind: 'garbage', reason: 'malformed', bytes: Uint8Array.of(0x02, 0x3f, 0x21, 0x0d) }]);
  });

  it('gives the same replies however the stream is chunked (every split point, and byte by byte)', () => {
    const input = bytes('\x0201.234\r\x02?A\r\x0212.34N\r\x02?D\r');
    const expected = decodeAll(input);
    expect(expected.map((reply) => reply.kind)).toEqual(['weight', 'status', 'weight', 'status']);
    for (let cut = 0; cut <= input.length; cut++) expect(decodeAll(input, [cut]), `split at ${cut}`).toEqual(expected);
    for (let a = 0; a <= input.length; a++) {
      for (let b = a; b <= input.length; b++) expect(decodeAll(input, [a, b])).toEqual(expected);
    }
    expect(decodeAll(input, Array.from({ length: input.length }, (_, i) => i))).toEqual(expected);
  });

  it('reports noise between frames as unframed garbage and still decodes the frame after it', () => {
    expect(decodeAll(bytes('xyz\x0201.000\r'))).toEqual([
      { kind: 'garbage', reason: 'unframed', bytes: bytes('xyz') },
      { kind: 'weight', weight: scaleWeight(1000, 3, 'kg'), net: false },
    ]);
  });

  it('drops an LF straight after the CR (CR-LF emulations), but not a stray LF elsewhere', () => {
    expect(decodeAll(bytes('\x0201.000\r\n\x0202.000\r\n'))).toEqual([
      { kind: 'weight', weight: scaleWeight(1000, 3, 'kg'), net: false },
      { kind: 'weight', weight: scaleWeight(2000, 3, 'kg'), net: false },
    ]);
    expect(decodeAll(bytes('\n\x0201.000\r'))[0]).toEqual({ kind: 'garbage', reason: 'unframed', bytes: bytes('\n') });
  });

  it('reports a frame cut short by the next STX as truncated and decodes the next one', () => {
    expect(decodeAll(bytes('\x0201.2\x0201.234\r'))).toEqual([
      { kind: 'garbage', reason: 'truncated', bytes: bytes('\x0201.2') },
      { kind: 'weight', weight: scaleWeight(1234, 3, 'kg'), net: false },
    ]);
  });

  it('holds a half frame until flush(), which reports it as truncated', () => {
    const decoder = new Mettler8217ReplyDecoder();
    expect(decoder.push(bytes('\x0201.2'))).toEqual([]);
    expect(decoder.hasPendingBytes).toBe(true);
    expect(decoder.flush()).toEqual([{ kind: 'garbage', reason: 'truncated', bytes: bytes('\x0201.2') }]);
    expect(decoder.hasPendingBytes).toBe(false);
    expect(decoder.push(bytes('\x0201.234\r'))).toHaveLength(1);
  });

  it('reports malformed bodies', () => {
    for (const body of ['', '1234', '01.2', '01.2345', '01.23X', '0.1.23', '?', '?AB', 'N', '12345.678', '-1.234', ' 1.234']) {
      const frame = bytes(`\x02${body}\r`);
      expect(decodeAll(frame), JSON.stringify(body)).toEqual([{ kind: 'garbage', reason: 'malformed', bytes: frame }]);
    }
  });

  it('cuts an overlong frame off once, drops its tail, and reads the next frame', () => {
    const long = `\x02${'9'.repeat(40)}\r\x0201.000\r`;
    const replies = decodeAll(bytes(long));
    expect(replies).toEqual([
      { kind: 'garbage', reason: 'overlong', bytes: bytes(`\x02${'9'.repeat(mettler8217MaxBodyBytes)}`) },
      { kind: 'weight', weight: scaleWeight(1000, 3, 'kg'), net: false },
    ]);
  });

  it('reports a long run of noise in bounded pieces', () => {
    const replies = decodeAll(new Uint8Array(1000).fill(0x55));
    expect(replies.every((reply) => reply.kind === 'garbage' && reply.bytes.length <= 64)).toBe(true);
    expect(replies.reduce((sum, reply) => sum + (reply.kind === 'garbage' ? reply.bytes.length : 0), 0)).toBe(1000);
  });
});

describe('Mettler 8217 encoders', () => {
  it('encode weights with leading zeros and N for net', () => {
    expect(encodeMettler8217Weight(scaleWeight(1234, 3, 'kg'), false)).toEqual(bytes('\x0201.234\r'));
    expect(encodeMettler8217Weight(scaleWeight(5, 3, 'kg'), true)).toEqual(bytes('\x0200.005N\r'));
    expect(encodeMettler8217Weight(scaleWeight(310, 2, 'lb'), false)).toEqual(bytes('\x0203.10\r'));
    expect(encodeMettler8217Weight(scaleWeight(123456, 3, 'kg'), false)).toEqual(bytes('\x02123.456\r'));
  });

  it('refuse what the 8217 cannot send', () => {
    expect(() => encodeMettler8217Weight(scaleWeight(1234, 2, 'kg'), false)).toThrow(RangeError);
    expect(() => encodeMettler8217Weight(scaleWeight(1234, 0, 'g'), false)).toThrow(RangeError);
    expect(() => encodeMettler8217Weight(scaleWeight(-5, 3, 'kg'), false)).toThrow(RangeError);
    expect(() => encodeMettler8217Weight(scaleWeight(10_000_000, 3, 'kg'), false)).toThrow(RangeError);
  });

  it('encode the status byte with bit 6 set and no parity', () => {
    expect(mettler8217StatusByte(noStatus)).toBe(0x40);
    expect(encodeMettler8217Status({ ...noStatus, motion: true, net: true })).toEqual(Uint8Array.of(0x02, 0x3f, 0x61, 0x0d));
  });
});

describe('Mettler 8217 replies as readings', () => {
  const status = (flags: Partial<Mettler8217Status>): Mettler8217Reply => ({ kind: 'status', status: { ...noStatus, ...flags } });

  it('maps weights to stable readings, net kept', () => {
    const weight = scaleWeight(1234, 3, 'kg');
    expect(mettler8217Reading({ kind: 'weight', weight, net: true })).toEqual({ ok: true, value: { kind: 'stable', weight, net: true } });
  });

  it('maps status bits, over capacity first, then under zero, motion, zero range', () => {
    expect(mettler8217Reading(answered(status({ motion: true })))).toEqual({ ok: true, value: { kind: 'motion' } });
    expect(mettler8217Reading(answered(status({ overCapacity: true, motion: true })))).toEqual({ ok: true, value: { kind: 'overCapacity' } });
    expect(mettler8217Reading(answered(status({ underZero: true, motion: true })))).toEqual({ ok: true, value: { kind: 'underZero' } });
    expect(mettler8217Reading(answered(status({ outsideZeroCaptureRange: true })))).toEqual({ ok: true, value: { kind: 'zeroError' } });
    expect(mettler8217Reading(answered(status({ outsideZeroCaptureRange: true, motion: true })))).toEqual({ ok: true, value: { kind: 'motion' } });
  });

  it('does not invent a reading from a status without a reason', () => {
    expect(mettler8217Reading(answered(status({ centerOfZero: true }))).ok).toBe(false);
  });

  it('tells a refused zero from an accepted one', () => {
    expect(mettler8217ZeroOutcome(answered(status({ centerOfZero: true })))).toEqual({ ok: true, value: undefined });
    expect(mettler8217ZeroOutcome(answered(status({ motion: true })))).toEqual({ ok: false, error: 'scale in motion' });
    expect(mettler8217ZeroOutcome(answered(status({ outsideZeroCaptureRange: true })))).toEqual({ ok: false, error: 'outside the zero capture range' });
    expect(mettler8217ZeroOutcome(answered(status({ net: true })))).toEqual({ ok: false, error: 'a tare is set' });
    expect(mettler8217ZeroOutcome(answered(status({ overCapacity: true })))).toEqual({ ok: false, error: 'over capacity' });
    expect(mettler8217ZeroOutcome({ kind: 'weight', weight: scaleWeight(0, 3, 'kg'), net: false }).ok).toBe(true);
    expect(mettler8217ZeroOutcome({ kind: 'weight', weight: scaleWeight(10, 3, 'kg'), net: false }).ok).toBe(false);
  });
});

describe('Mettler 8217 properties', () => {
  const arbitraryBytes = fc.uint8Array({ maxLength: 400 });
  const arbitraryStatus = fc.record({
    motion: fc.boolean(),
    overCapacity: fc.boolean(),
    underZero: fc.boolean(),
    outsideZeroCaptureRange: fc.boolean(),
    centerOfZero: fc.boolean(),
    net: fc.boolean(),
  });
  const arbitraryWeightReply = fc
    .record({ unit: fc.constantFrom('kg' as const, 'lb' as const), increments: fc.integer({ min: 0, max: 9_999_999 }), net: fc.boolean() })
    .map(({ unit, increments, net }) => {
      const decimals = unit === 'kg' ? 3 : 2;
      return { kind: 'weight' as const, weight: scaleWeight(increments % 10 ** (4 + decimals), decimals, unit), net };
    });
  const arbitraryReply = fc.oneof(arbitraryWeightReply, arbitraryStatus.map((status) => ({ kind: 'status' as const, status })));

  function encode(reply: Exclude<Mettler8217Reply, { kind: 'garbage' }>): Uint8Array {
    return reply.kind === 'weight' ? encodeMettler8217Weight(reply.weight, reply.net) : encodeMettler8217Status(reply.status);
  }

  it('arbitrary bytes never throw, and every garbage piece stays bounded', () => {
    fc.assert(
      fc.property(arbitraryBytes, (input) => {
        const replies = fuzzMettler8217Replies(input);
        for (const reply of replies) if (reply.kind === 'garbage') expect(reply.bytes.length).toBeLessThanOrEqual(64 + 2);
        fuzzMettler8217Commands(input);
      }),
      { numRuns: 300 },
    );
  });

  it('chunking never changes the result', () => {
    fc.assert(
      fc.property(arbitraryBytes, fc.array(fc.nat(), { maxLength: 6 }), (input, rawCuts) => {
        const cuts = rawCuts.map((cut) => cut % (input.length + 1)).sort((a, b) => a - b);
        expect(decodeAll(input, cuts)).toEqual(decodeAll(input));
      }),
      { numRuns: 300 },
    );
  });

  it('encode → decode round-trips, split anywhere', () => {
    fc.assert(
      fc.property(fc.array(arbitraryReply, { minLength: 1, maxLength: 8 }), fc.nat(), (replies, cut) => {
        const wire = Uint8Array.from(replies.flatMap((reply) => [...encode(reply)]));
        expect(decodeAll(wire, [cut % (wire.length + 1)])).toEqual(replies);
      }),
      { numRuns: 300 },
    );
  });

  it('recovers after arbitrary noise: the next whole frame after an STX-free burst decodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }).map((noise) => noise.filter((byte) => byte !== 0x02)), arbitraryReply, (noise, reply) => {
        const replies = decodeAll(Uint8Array.from([...noise, ...encode(reply)]));
        expect(replies.at(-1)).toEqual(reply);
      }),
      { numRuns: 300 },
    );
  });

  it('status bytes round-trip with or without a parity bit', () => {
    fc.assert(
      fc.property(arbitraryStatus, fc.boolean(), (status, parity) => {
        const byte = mettler8217StatusByte(status) | (parity ? 0x80 : 0);
        expect(parseMettler8217StatusByte(byte)).toEqual(status);
      }),
      { numRuns: 300 },
    );
  });
});
