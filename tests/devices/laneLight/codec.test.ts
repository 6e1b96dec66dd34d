import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeRelayFrame,
  fuzzRelayFrameDecoder,
  garbagePreviewBytes,
  hasFlashingLamp,
  laneLightSignals,
  lcusRelayProtocol,
  relayChecksum,
  relayStates,
  RelayFrameDecoder,
  resolveLaneLightChannels,
  validateLaneLightSignal,
  type LaneLightSignal,
  type RelayFrameOutput,
} from '../../../devices/laneLight/codec';

function frames(outputs: readonly RelayFrameOutput[]): { channel: number; on: boolean }[] {
  return outputs.flatMap((output) => (output.kind === 'frame' ? [{ channel: output.channel, on: output.on }] : []));
}

function garbageBytes(outputs: readonly RelayFrameOutput[]): number {
  return outputs.reduce((sum, output) => sum + (output.kind === 'garbage' ? output.byteCount : 0), 0);
}

/** Feeds `input` split at the given offsets and returns every output. */
function feedSplit(decoder: RelayFrameDecoder, input: Uint8Array, cuts: readonly number[]): RelayFrameOutput[] {
  const outputs: RelayFrameOutput[] = [];
  let start = 0;
  for (const cut of [...cuts, input.length]) {
    outputs.push(...decoder.push(input.subarray(start, cut)));
    start = cut;
  }
  return outputs;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('relay frames', () => {
  it('encodes the LCUS examples: A0 01 01 A2 on, A0 01 00 A1 off', () => {
    expect(Array.from(encodeRelayFrame(1, true))).toEqual([0xa0, 0x01, 0x01, 0xa2]);
    expect(Array.from(encodeRelayFrame(1, false))).toEqual([0xa0, 0x01, 0x00, 0xa1]);
    expect(Array.from(encodeRelayFrame(4, true))).toEqual([0xa0, 0x04, 0x01, 0xa5]);
  });

  it('wraps the checksum to one byte', () => {
    expect(relayChecksum(0x60, 1)).toBe(0x01);
    expect(Array.from(encodeRelayFrame(0xff, true))).toEqual([0xa0, 0xff, 0x01, 0xa0]);
  });

  it('refuses channels the protocol cannot address', () => {
    for (const channel of [0, -1, 256, 1.5, Number.NaN]) expect(() => encodeRelayFrame(channel, true), String(channel)).toThrow(RangeError);
  });

  it('keeps the real line setting in the protocol table', () => {
    expect(lcusRelayProtocol.serial).toEqual({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
  });
});

describe('signals and wiring', () => {
  it('has the documented presets', () => {
    expect(laneLightSignals.open).toEqual({ green: 'on', yellow: 'off', red: 'off', buzzer: false });
    expect(laneLightSignals.attention).toEqual({ green: 'off', yellow: 'flashing', red: 'off', buzzer: false });
    expect(laneLightSignals.intervention).toEqual({ green: 'off', yellow: 'off', red: 'on', buzzer: false });
    expect(laneLightSignals.alarm).toEqual({ green: 'off', yellow: 'off', red: 'flashing', buzzer: true });
    expect(laneLightSignals.closed).toEqual({ green: 'off', yellow: 'off', red: 'off', buzzer: false });
  });

  it('maps a signal to relay states for each half of the flash cycle', () => {
    expect(relayStates(laneLightSignals.alarm, true)).toEqual({ green: false, yellow: false, red: true, buzzer: true });
    expect(relayStates(laneLightSignals.alarm, false)).toEqual({ green: false, yellow: false, red: false, buzzer: true });
    expect(relayStates(laneLightSignals.open, false)).toEqual({ green: true, yellow: false, red: false, buzzer: false });
    expect(hasFlashingLamp(laneLightSignals.attention)).toBe(true);
    expect(hasFlashingLamp(laneLightSignals.intervention)).toBe(false);
  });

  it('validates signals', () => {
    expect(() => validateLaneLightSignal({ ...laneLightSignals.open, red: 'blinking' as 'on' })).toThrow(RangeError);
    expect(() => validateLaneLightSignal({ ...laneLightSignals.open, buzzer: 1 as unknown as boolean })).toThrow(RangeError);
    expect(validateLaneLightSignal({ ...laneLightSignals.open, extra: 1 } as LaneLightSignal)).toEqual(laneLightSignals.open);
  });

  it('fills in the default wiring and refuses a bad one', () => {
    expect(resolveLaneLightChannels()).toEqual({ green: 1, yellow: 2, red: 3, buzzer: 4 });
    expect(resolveLaneLightChannels({ green: 3, red: 1, buzzer: null })).toEqual({ green: 3, yellow: 2, red: 1, buzzer: null });
    expect(() => resolveLaneLightChannels({ yellow: 1 })).toThrow(/both wired to relay 1/);
    expect(() => resolveLaneLightChannels({ red: 0 })).toThrow(RangeError);
    expect(() => resolveLaneLightChannels({ green: null as unknown as number })).toThrow(RangeError);
  });
});

describe('RelayFrameDecoder', () => {
  const stream = concat([encodeRelayFrame(1, true), encodeRelayFrame(2, false), encodeRelayFrame(3, true), encodeRelayFrame(4, false)]);
  const expected = [
    { channel: 1, on: true },
    { channel: 2, on: false },
    { channel: 3, on: true },
    { channel: 4, on: false },
  ];

  it('gives the same frames however the stream is chunked (every split point, pairs of them, and byte by byte)', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(frames(feedSplit(new RelayFrameDecoder(), stream, [cut])), `split at ${cut}`).toEqual(expected);
      for (let second = cut; second <= stream.length; second++) {
        expect(frames(feedSplit(new RelayFrameDecoder(), stream, [cut, second])), `split at ${cut}, ${second}`).toEqual(expected);
      }
    }
    const byteByByte = Array.from({ length: stream.length }, (_, i) => i);
    const decoder = new RelayFrameDecoder();
    expect(feedSplit(decoder, stream, byteByByte)).toEqual(expected.map((frame) => ({ kind: 'frame', ...frame })));
    expect(decoder.hasPendingBytes).toBe(false);
  });

  it('holds a partial frame between pushes', () => {
    const decoder = new RelayFrameDecoder();
    expect(decoder.push(Uint8Array.of(0xa0, 0x02))).toEqual([]);
    expect(decoder.hasPendingBytes).toBe(true);
    expect(decoder.push(Uint8Array.of(0x01, 0xa3))).toEqual([{ kind: 'frame', channel: 2, on: true }]);
    decoder.push(Uint8Array.of(0xa0));
    decoder.reset();
    expect(decoder.push(encodeRelayFrame(1, false))).toEqual([{ kind: 'frame', channel: 1, on: false }]);
  });

  it('reports bytes before a start mark as one run and still reads the next frame', () => {
    const decoder = new RelayFrameDecoder();
    const outputs = decoder.push(concat([Uint8Array.of(0x0d, 0x0a, 0xff), encodeRelayFrame(1, true)]));
    expect(outputs).toEqual([
      { kind: 'garbage', reason: 'unknownStartByte', bytes: Uint8Array.of(0x0d, 0x0a, 0xff), byteCount: 3 },
      { kind: 'frame', channel: 1, on: true },
    ]);
  });

  it('drops a frame with a bad checksum and resynchronises on a start mark inside it', () => {
    // A0 01 01 lost its checksum on the line; the next frame follows at once.
    const outputs = new RelayFrameDecoder().push(concat([Uint8Array.of(0xa0, 0x01, 0x01), encodeRelayFrame(2, true)]));
    expect(outputs).toEqual([
      { kind: 'garbage', reason: 'badChecksum', bytes: Uint8Array.of(0xa0, 0x01, 0x01), byteCount: 3 },
      { kind: 'frame', channel: 2, on: true },
    ]);
    expect(new RelayFrameDecoder().push(Uint8Array.of(0xa0, 0x01, 0x01, 0xa3))).toEqual([
      { kind: 'garbage', reason: 'badChecksum', bytes: Uint8Array.of(0xa0, 0x01, 0x01, 0xa3), byteCount: 4 },
    ]);
  });

  it('reports frames no relay acts on: a status query, channel 0', () => {
    const decoder = new RelayFrameDecoder();
    expect(decoder.push(Uint8Array.of(0xa0, 0x01, 0x02, 0xa3))).toEqual([{ kind: 'garbage', reason: 'unsupportedCommand', bytes: Uint8Array.of(0xa0, 0x01, 0x02, 0xa3), byteCount: 4 }]);
    expect(decoder.push(Uint8Array.of(0xa0, 0x00, 0x01, 0xa1))).toMatchObject([{ kind: 'garbage', reason: 'unsupportedCommand', byteCount: 4 }]);
  });

  it('keeps only a bounded preview of a long garbage run', () => {
    const outputs = new RelayFrameDecoder().push(new Uint8Array(100_000).fill(0x55));
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ kind: 'garbage', reason: 'unknownStartByte', byteCount: 100_000 });
    expect(outputs[0]?.kind === 'garbage' && outputs[0].bytes.length).toBe(garbagePreviewBytes);
  });
});

describe('RelayFrameDecoder properties', () => {
  const chunked = (bytes: Uint8Array, cuts: number[]): Uint8Array[] => {
    const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
    const chunks: Uint8Array[] = [];
    let start = 0;
    for (const point of [...points, bytes.length]) {
      chunks.push(bytes.subarray(start, point));
      start = point;
    }
    return chunks;
  };

  it('never throws on arbitrary bytes in arbitrary chunks, holds at most 3 bytes, and accounts for every byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), fc.array(fc.nat(), { maxLength: 20 }), (bytes, cuts) => {
        const decoder = new RelayFrameDecoder();
        const outputs = chunked(bytes, cuts).flatMap((chunk) => decoder.push(chunk));
        const pending = bytes.length - garbageBytes(outputs) - frames(outputs).length * 4;
        expect(pending).toBeGreaterThanOrEqual(0);
        expect(pending).toBeLessThanOrEqual(3);
        expect(decoder.hasPendingBytes).toBe(pending > 0);
        for (const output of outputs) if (output.kind === 'garbage') expect(output.bytes.length).toBeLessThanOrEqual(garbagePreviewBytes);
      }),
      { numRuns: 300 },
    );
  });

  it('start-mark-heavy input (the worst case for resynchronising) never throws either', () => {
    const biased = fc.uint8Array({ maxLength: 500 }).map((bytes) => bytes.map((byte) => (byte % 3 === 0 ? 0xa0 : byte)));
    fc.assert(
      fc.property(biased, (bytes) => {
        const outputs = fuzzRelayFrameDecoder(bytes);
        expect(garbageBytes(outputs) + frames(outputs).length * 4).toBeGreaterThanOrEqual(bytes.length - 3);
      }),
      { numRuns: 300 },
    );
  });

  const relayFrame = fc.record({ channel: fc.integer({ min: 1, max: 255 }), on: fc.boolean() });

  it('encode → decode round-trips any sequence of frames, however chunked', () => {
    fc.assert(
      fc.property(fc.array(relayFrame, { maxLength: 50 }), fc.array(fc.nat(), { maxLength: 10 }), (sent, cuts) => {
        const bytes = concat(sent.map((frame) => encodeRelayFrame(frame.channel, frame.on)));
        const decoder = new RelayFrameDecoder();
        const outputs = chunked(bytes, cuts).flatMap((chunk) => decoder.push(chunk));
        expect(outputs).toEqual(sent.map((frame) => ({ kind: 'frame', ...frame })));
        expect(decoder.hasPendingBytes).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('recovers every frame after noise that holds no start mark', () => {
    const noise = fc.uint8Array({ maxLength: 12 }).map((bytes) => bytes.filter((byte) => byte !== 0xa0));
    fc.assert(
      fc.property(fc.array(fc.tuple(noise, relayFrame), { maxLength: 30 }), (parts) => {
        const bytes = concat(parts.flatMap(([junk, frame]) => [junk, encodeRelayFrame(frame.channel, frame.on)]));
        expect(frames(fuzzRelayFrameDecoder(bytes))).toEqual(parts.map(([, frame]) => frame));
      }),
      { numRuns: 300 },
    );
  });
});
