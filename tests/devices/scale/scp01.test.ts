import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeScp01Command,
  encodeScp01StatusBytes,
  encodeScp01StatusReply,
  encodeScp01UnknownCommandReply,
  encodeScp01WeightReply,
  encodeScp01WeightText,
  fuzzScp01Commands,
  fuzzScp01Replies,
  parseScp01Status,
  parseScp01WeightLine,
  Scp01CommandDecoder,
  scp01HardwareErrors,
  scp01MaxFrameBytes,
  scp01Reading,
  Scp01ReplyDecoder,
  scp01ZeroOutcome,
  type Scp01Reply,
  type Scp01Status,
  type Scp01StatusFlags,
} from '../../../devices/scale/scp01';
import { scaleWeight, type WeightUnit } from '../../../shared/scale';
import { bytes } from '../support/harness';

const clear: Scp01Status = {
  motion: false,
  atZero: false,
  ramError: false,
  eepromError: false,
  underCapacity: false,
  overCapacity: false,
  romError: false,
  badCalibration: false,
  range: 0,
  net: false,
  initialZeroError: false,
  byteCount: 2,
};

function decodeAll(input: Uint8Array, cuts: readonly number[] = []): Scp01Reply[] {
  const decoder = new Scp01ReplyDecoder();
  const replies: Scp01Reply[] = [];
  let start = 0;
  for (const cut of [...cuts, input.length]) {
    replies.push(...decoder.push(input.subarray(start, cut)));
    start = cut;
  }
  return [...replies, ...decoder.flush()];
}

function status(line: string): Scp01Status | undefined {
  return parseScp01Status(bytes(line));
}

describe('SCP-01 commands', () => {
  it('are a letter and CR', () => {
    expect(encodeScp01Command('weight')).toEqual(bytes('W\r'));
    expect(encodeScp01Command('status')).toEqual(bytes('S\r'));
    expect(encodeScp01Command('zero')).toEqual(bytes('Z\r'));
    expect(encodeScp01Command('highResolution')).toEqual(bytes('H\r'));
  });

  it('decode on the scale side, split anywhere, LF ignored, unknown lines reported', () => {
    const decoder = new Scp01CommandDecoder();
    expect(decoder.push(bytes('W'))).toEqual([]);
    expect(decoder.push(bytes('\r\nS\r'))).toEqual([
      { kind: 'command', command: 'weight' },
      { kind: 'command', command: 'status' },
    ]);
    expect(decoder.push(bytes('Z\rX\rWW\rw\r\r'))).toEqual([
      { kind: 'command', command: 'zero' },
      { kind: 'unknown', text: 'X' },
      { kind: 'unknown', text: 'WW' },
      { kind: 'unknown', text: 'w' },
      { kind: 'unknown', text: '' },
    ]);
  });

  it('caps an endless command line', () => {
    const decoder = new Scp01CommandDecoder();
    expect(decoder.push(new Uint8Array(10_000).fill(0x57))).toEqual([]);
    const [message] = decoder.push(bytes('\r'));
    expect(message?.kind).toBe('unknown');
    expect(message?.kind === 'unknown' && message.text.length).toBe(16);
    expect(decoder.push(bytes('W\r'))).toEqual([{ kind: 'command', command: 'weight' }]);
  });
});

describe('SCP-01 status bytes', () => {
  it('decode every bit of bytes 1 and 2', () => {
    expect(status('00')).toEqual(clear);
    expect(status('10')).toEqual({ ...clear, motion: true });
    expect(status('20')).toEqual({ ...clear, atZero: true });
    expect(status('40')).toEqual({ ...clear, ramError: true });
    expect(status('80')).toEqual({ ...clear, eepromError: true });
    expect(status('01')).toEqual({ ...clear, underCapacity: true });
    expect(status('02')).toEqual({ ...clear, overCapacity: true });
    expect(status('04')).toEqual({ ...clear, romError: true });
    expect(status('08')).toEqual({ ...clear, badCalibration: true });
  });

  it('decode byte 3 when byte 2 says another follows', () => {
    // 0x70 = '0' with bit 6: a third byte follows.
    expect(parseScp01Status(Uint8Array.of(0x30, 0x70, 0x33))).toEqual({ ...clear, range: 3, byteCount: 3 });
    expect(parseScp01Status(Uint8Array.of(0x30, 0x70, 0x34))).toEqual({ ...clear, net: true, byteCount: 3 });
    expect(parseScp01Status(Uint8Array.of(0x30, 0x70, 0x38))).toEqual({ ...clear, initialZeroError: true, byteCount: 3 });
    // Byte 3 flags a fourth (reserved bits): accepted, ignored.
    expect(parseScp01Status(Uint8Array.of(0x30, 0x70, 0x70, 0x31))).toEqual({ ...clear, byteCount: 4 });
  });

  it('mask the parity bit', () => {
    expect(parseScp01Status(Uint8Array.of(0xb1, 0xb0))).toEqual({ ...clear, motion: true });
  });

  it('accept the DIVA emulation\'s S prefix', () => {
    expect(status('S10')).toEqual({ ...clear, motion: true });
  });

  it('reject broken chains and bytes without bits 4–5', () => {
    expect(status('0')).toBeUndefined();
    expect(parseScp01Status(Uint8Array.of(0x30, 0x70))).toBeUndefined();
    expect(parseScp01Status(Uint8Array.of(0x30, 0x30, 0x30))).toBeUndefined();
    expect(parseScp01Status(Uint8Array.of(0x70, 0x30))).toBeUndefined();
    expect(parseScp01Status(Uint8Array.of(0x20, 0x30))).toBeUndefined();
    expect(parseScp01Status(Uint8Array.of(0x10, 0x30))).toBeUndefined();
    expect(status('01.00KG')).toBeUndefined();
  });

  it('encode two bytes, or three when byte 3 has something to say', () => {
    expect(encodeScp01StatusBytes({})).toEqual(bytes('00'));
    expect(encodeScp01StatusBytes({ motion: true, atZero: true, ramError: true, eepromError: true })).toEqual(Uint8Array.of(0x3f, 0x30));
    expect(encodeScp01StatusBytes({ net: true })).toEqual(Uint8Array.of(0x30, 0x70, 0x34));
    expect(() => encodeScp01StatusBytes({ range: 4 })).toThrow(RangeError);
  });

  it('name the hardware errors', () => {
    expect(scp01HardwareErrors(clear)).toEqual([]);
    expect(scp01HardwareErrors({ ...clear, ramError: true, romError: true, eepromError: true, badCalibration: true })).toEqual(['ram', 'rom', 'eeprom', 'calibration']);
  });
});

describe('SCP-01 weight lines', () => {
  it('read units in either case, with and without a decimal point', () => {
    expect(parseScp01WeightLine(bytes('01.234KG'))).toEqual(scaleWeight(1234, 3, 'kg'));
    expect(parseScp01WeightLine(bytes('0001.23lb'))).toEqual(scaleWeight(123, 2, 'lb'));
    expect(parseScp01WeightLine(bytes('0012.5OZ'))).toEqual(scaleWeight(125, 1, 'oz'));
    expect(parseScp01WeightLine(bytes(' 01234g '))).toEqual(scaleWeight(1234, 0, 'g'));
    expect(parseScp01WeightLine(bytes('  1.50 Kg'))).toEqual(scaleWeight(150, 2, 'kg'));
    expect(parseScp01WeightLine(bytes('-0.010KG'))).toEqual(scaleWeight(-10, 3, 'kg'));
  });

  it('reject what is not a weight', () => {
    for (const line of ['', 'KG', '1.2.3KG', '1.234', '1.234XY', '1LB 2.5OZ', '1234567890KG', '1.1234567KG', '.5KG', '1,5KG', '1.5KGS']) {
      expect(parseScp01WeightLine(bytes(line)), JSON.stringify(line)).toBeUndefined();
    }
  });

  it('are encoded with five digits and leading zeros', () => {
    expect(encodeScp01WeightText(scaleWeight(1234, 3, 'kg'))).toBe('01.234KG');
    expect(encodeScp01WeightText(scaleWeight(123, 2, 'lb'))).toBe('001.23LB');
    expect(encodeScp01WeightText(scaleWeight(125, 1, 'oz'))).toBe('0012.5OZ');
    expect(encodeScp01WeightText(scaleWeight(1234, 0, 'g'))).toBe('01234G');
    expect(encodeScp01WeightText(scaleWeight(1234567, 3, 'kg'))).toBe('1234.567KG');
    expect(() => encodeScp01WeightText(scaleWeight(-1, 3, 'kg'))).toThrow(RangeError);
  });
});

describe('Scp01ReplyDecoder', () => {
  it('decodes a weight reply with its status', () => {
    expect(decodeAll(bytes('\n01.234KG\r\n00\r\x03'))).toEqual([{ kind: 'weight', weight: scaleWeight(1234, 3, 'kg'), status: clear }]);
  });

  it('decodes a status-only reply and the unknown-command reply', () => {
    expect(decodeAll(bytes('\n10\r\x03'))).toEqual([{ kind: 'status', status: { ...clear, motion: true } }]);
    expect(decodeAll(bytes('\n?\r\x03'))).toEqual([{ kind: 'unknownCommand' }]);
  });

  it('decodes the DIVA variant (S prefix, upper-case units)', () => {
    expect(decodeAll(bytes('\n001.23LB\r\nS00\r\x03'))).toEqual([{ kind: 'weight', weight: scaleWeight(123, 2, 'lb'), status: clear }]);
  });

  it('gives the same replies however the stream is chunked', () => {
    const input = Uint8Array.from([
      ...encodeScp01WeightReply(scaleWeight(1234, 3, 'kg'), { net: true }),
      ...encodeScp01StatusReply({ motion: true }),
      ...encodeScp01UnknownCommandReply(),
      ...encodeScp01WeightReply(scaleWeight(9, 0, 'g'), {}),
    ]);
    const expected = decodeAll(input);
    expect(expected.map((reply) => reply.kind)).toEqual(['weight', 'status', 'unknownCommand', 'weight']);
    for (let a = 0; a <= input.length; a++) {
      for (let b = a; b <= input.length; b += 3) expect(decodeAll(input, [a, b]), `split at ${a}, ${b}`).toEqual(expected);
    }
    expect(decodeAll(input, Array.from({ length: input.length }, (_, i) => i))).toEqual(expected);
  });

  it('reports noise between frames and decodes the frame after it', () => {
    expect(decodeAll(bytes('junk\n00\r\x03'))).toEqual([
      { kind: 'garbage', reason: 'unframed', bytes: bytes('junk') },
      { kind: 'status', status: clear },
    ]);
  });

  it('recovers from a weight reply that lost its second half', () => {
    // Cut after the weight line: `LF w CR` then a whole reply.
    expect(decodeAll(bytes('\n01.000KG\r\n02.000KG\r\n00\r\x03'))).toEqual([
      { kind: 'garbage', reason: 'truncated', bytes: bytes('\n01.000KG\r') },
      { kind: 'weight', weight: scaleWeight(2000, 3, 'kg'), status: clear },
    ]);
    // Cut mid-line.
    expect(decodeAll(bytes('\n01.0\n02.000KG\r\n00\r\x03'))).toEqual([
      { kind: 'garbage', reason: 'truncated', bytes: bytes('\n01.0') },
      { kind: 'weight', weight: scaleWeight(2000, 3, 'kg'), status: clear },
    ]);
    // Cut after the LF of the status line.
    expect(decodeAll(bytes('\n01.000KG\r\n\n00\r\x03'))).toEqual([
      { kind: 'garbage', reason: 'truncated', bytes: bytes('\n01.000KG\r\n') },
      { kind: 'status', status: clear },
    ]);
  });

  it('recovers from a status reply that lost its ETX', () => {
    expect(decodeAll(bytes('\n10\r\n00\r\x03'))).toEqual([
      { kind: 'garbage', reason: 'truncated', bytes: bytes('\n10\r') },
      { kind: 'status', status: clear },
    ]);
  });

  it('holds a half reply until flush()', () => {
    const decoder = new Scp01ReplyDecoder();
    expect(decoder.push(bytes('\n01.234KG\r\n0'))).toEqual([]);
    expect(decoder.hasPendingBytes).toBe(true);
    expect(decoder.flush()).toEqual([{ kind: 'garbage', reason: 'truncated', bytes: bytes('\n01.234KG\r\n0') }]);
    expect(decoder.hasPendingBytes).toBe(false);
  });

  it('reports malformed frames', () => {
    const cases = ['\n\r\x03', '\n01.234\r\n00\r\x03', '\n1LB 2.5OZ\r\n00\r\x03', '\n01.234KG\r\n0\r\x03', '\n01.234KG\r\x03', '\nAB\r\x03', '\n00\x03', '\n00\rX'];
    for (const text of cases) {
      const replies = decodeAll(bytes(text));
      expect(replies, JSON.stringify(text)).toHaveLength(1);
      expect(replies[0], JSON.stringify(text)).toMatchObject({ kind: 'garbage', reason: 'malformed' });
    }
  });

  it('cuts an overlong line off once and skips to the ETX', () => {
    const replies = decodeAll(bytes(`\n${'9'.repeat(100)}\r\n00\r\x03\n00\r\x03`));
    expect(replies).toHaveLength(2);
    expect(replies[0]).toMatchObject({ kind: 'garbage', reason: 'overlong' });
    expect(replies[1]).toEqual({ kind: 'status', status: clear });
  });
});

describe('SCP-01 replies as readings', () => {
  const weight = scaleWeight(1234, 3, 'kg');
  const withStatus = (flags: Partial<Scp01Status>): Extract<Scp01Reply, { kind: 'status' }> => ({ kind: 'status', status: { ...clear, ...flags } });

  it('maps a weight reply to a stable reading, net from byte 3', () => {
    expect(scp01Reading({ kind: 'weight', weight, status: clear })).toEqual({ ok: true, value: { kind: 'stable', weight, net: false } });
    expect(scp01Reading({ kind: 'weight', weight, status: { ...clear, net: true, byteCount: 3 } })).toEqual({ ok: true, value: { kind: 'stable', weight, net: true } });
  });

  it('maps status-only replies: over, under, initial-zero error, motion, and "weight < 0"', () => {
    expect(scp01Reading(withStatus({ overCapacity: true, motion: true })).ok && scp01Reading(withStatus({ overCapacity: true })).ok).toBe(true);
    expect(scp01Reading(withStatus({ overCapacity: true, motion: true }))).toEqual({ ok: true, value: { kind: 'overCapacity' } });
    expect(scp01Reading(withStatus({ underCapacity: true }))).toEqual({ ok: true, value: { kind: 'underZero' } });
    expect(scp01Reading(withStatus({ initialZeroError: true, motion: true }))).toEqual({ ok: true, value: { kind: 'zeroError' } });
    expect(scp01Reading(withStatus({ motion: true }))).toEqual({ ok: true, value: { kind: 'motion' } });
    expect(scp01Reading(withStatus({}))).toEqual({ ok: true, value: { kind: 'underZero' } });
  });

  it('keeps the passing weight when a weight reply says motion, and reads a signed weight as under zero', () => {
    expect(scp01Reading({ kind: 'weight', weight, status: { ...clear, motion: true } })).toEqual({ ok: true, value: { kind: 'motion', weight } });
    expect(scp01Reading({ kind: 'weight', weight: scaleWeight(-5, 3, 'kg'), status: clear })).toEqual({ ok: true, value: { kind: 'underZero' } });
  });

  it('tells a zero from a refused one by the at-zero flag', () => {
    expect(scp01ZeroOutcome(withStatus({ atZero: true }))).toEqual({ ok: true, value: undefined });
    expect(scp01ZeroOutcome(withStatus({ motion: true }))).toEqual({ ok: false, error: 'scale in motion' });
    expect(scp01ZeroOutcome(withStatus({}))).toEqual({ ok: false, error: 'outside the zero range' });
  });
});

describe('SCP-01 properties', () => {
  const arbitraryFlags: fc.Arbitrary<Scp01StatusFlags> = fc.record({
    motion: fc.boolean(),
    atZero: fc.boolean(),
    ramError: fc.boolean(),
    eepromError: fc.boolean(),
    underCapacity: fc.boolean(),
    overCapacity: fc.boolean(),
    romError: fc.boolean(),
    badCalibration: fc.boolean(),
    range: fc.integer({ min: 0, max: 3 }),
    net: fc.boolean(),
    initialZeroError: fc.boolean(),
  });
  const arbitraryWeight = fc
    .record({ unit: fc.constantFrom<WeightUnit>('kg', 'lb', 'g', 'oz'), increments: fc.integer({ min: 0, max: 99_999_999 }), decimals: fc.integer({ min: 0, max: 3 }) })
    .map(({ unit, increments, decimals }) => scaleWeight(increments, decimals, unit));
  type Encodable = { kind: 'weight'; weight: ReturnType<typeof scaleWeight>; flags: Scp01StatusFlags } | { kind: 'status'; flags: Scp01StatusFlags } | { kind: 'unknownCommand' };
  const arbitraryReply: fc.Arbitrary<Encodable> = fc.oneof(
    fc.record({ kind: fc.constant('weight' as const), weight: arbitraryWeight, flags: arbitraryFlags }),
    fc.record({ kind: fc.constant('status' as const), flags: arbitraryFlags }),
    fc.constant({ kind: 'unknownCommand' as const }),
  );

  function encode(reply: Encodable): Uint8Array {
    if (reply.kind === 'weight') return encodeScp01WeightReply(reply.weight, reply.flags);
    if (reply.kind === 'status') return encodeScp01StatusReply(reply.flags);
    return encodeScp01UnknownCommandReply();
  }

  function expected(reply: Encodable): Scp01Reply {
    if (reply.kind === 'unknownCommand') return reply;
    const decodedStatus = parseScp01Status(encodeScp01StatusBytes(reply.flags));
    if (decodedStatus === undefined) throw new Error('encoder produced an invalid status');
    return reply.kind === 'weight' ? { kind: 'weight', weight: reply.weight, status: decodedStatus } : { kind: 'status', status: decodedStatus };
  }

  it('arbitrary bytes never throw, and garbage stays bounded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (input) => {
        for (const reply of fuzzScp01Replies(input)) if (reply.kind === 'garbage') expect(reply.bytes.length).toBeLessThanOrEqual(Math.max(64, scp01MaxFrameBytes));
        fuzzScp01Commands(input);
      }),
      { numRuns: 300 },
    );
  });

  it('biased input (mostly protocol bytes) never throws', () => {
    const protocolByte = fc.constantFrom(0x0a, 0x0d, 0x03, 0x30, 0x31, 0x70, 0x2e, 0x4b, 0x47, 0x3f, 0x53, 0x20, 0x2d);
    fc.assert(
      fc.property(fc.array(protocolByte, { maxLength: 300 }), (input) => {
        fuzzScp01Replies(Uint8Array.from(input));
      }),
      { numRuns: 300 },
    );
  });

  it('chunking never changes the result', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), (input, rawCuts) => {
        const cuts = rawCuts.map((cut) => cut % (input.length + 1)).sort((a, b) => a - b);
        expect(decodeAll(input, cuts)).toEqual(decodeAll(input));
      }),
      { numRuns: 300 },
    );
  });

  it('status flags round-trip', () => {
    fc.assert(
      fc.property(arbitraryFlags, (flags) => {
        const decoded = parseScp01Status(encodeScp01StatusBytes(flags));
        expect(decoded).toMatchObject(flags);
      }),
      { numRuns: 300 },
    );
  });

  it('encode → decode round-trips, split anywhere', () => {
    fc.assert(
      fc.property(fc.array(arbitraryReply, { minLength: 1, maxLength: 6 }), fc.nat(), (replies, cut) => {
        const wire = Uint8Array.from(replies.flatMap((reply) => [...encode(reply)]));
        expect(decodeAll(wire, [cut % (wire.length + 1)])).toEqual(replies.map(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('recovers after noise without LFs: the next whole reply decodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }).map((noise) => noise.filter((byte) => byte !== 0x0a)), arbitraryReply, (noise, reply) => {
        expect(decodeAll(Uint8Array.from([...noise, ...encode(reply)])).at(-1)).toEqual(expected(reply));
      }),
      { numRuns: 300 },
    );
  });
});
