import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeMagellanScan,
  encodeMagellanStatus,
  encodeMagellanWeight,
  fuzzMagellanDecoder,
  magellanScanToAim,
  magellanWeightFormats,
  MagellanFrameDecoder,
  type MagellanMessage,
  type MagellanSymbology,
  type MagellanWeightUnit,
} from '../../../devices/magellan/codec';
import { gtinCheckDigit } from '../../../shared/barcode';
import { scaleWeight, type ScaleReading } from '../../../shared/scale';

const numRuns = 300;

const digits = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 60 });
const unit = fc.constantFrom<MagellanWeightUnit>('lb', 'kg');

/** Valid data for each symbology, as the device transmits it. */
const scan: fc.Arbitrary<{ symbology: MagellanSymbology; data: string }> = fc.oneof(
  digits(12).map((data) => ({ symbology: 'upcA' as const, data })),
  fc.tuple(fc.constantFrom('0', '1'), digits(7)).map(([system, rest]) => ({ symbology: 'upcE' as const, data: system + rest })),
  digits(13).map((data) => ({ symbology: 'ean13' as const, data })),
  digits(8).map((data) => ({ symbology: 'ean8' as const, data })),
  digits(14).map((gtin) => ({ symbology: 'gs1DataBar' as const, data: `01${gtin}` })),
  printable.map((data) => ({ symbology: 'code39' as const, data })),
  printable.map((data) => ({ symbology: 'code128' as const, data })),
);

function decodeWhole(input: Uint8Array, weightUnit: MagellanWeightUnit, maxFrameLength?: number): MagellanMessage[] {
  const decoder = new MagellanFrameDecoder({ unit: weightUnit, ...(maxFrameLength === undefined ? {} : { maxFrameLength }) });
  return [...decoder.push(input), ...decoder.flushStale()];
}

describe('MagellanFrameDecoder properties', () => {
  it('never throws on arbitrary bytes and keeps every reported frame within the cap', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), unit, fc.integer({ min: 16, max: 200 }), (input, weightUnit, maxFrameLength) => {
        const messages = decodeWhole(input, weightUnit, maxFrameLength);
        for (const message of messages) {
          if (message.kind === 'garbage') expect(message.bytes.length).toBeLessThanOrEqual(maxFrameLength + 1);
        }
        // Every message consumes at least one byte: output is linear in input, so nothing can loop.
        expect(messages.length).toBeLessThanOrEqual(input.length);
      }),
      { numRuns },
    );
  });

  it('never throws on frame-shaped noise (S, digits, label ids, CR, LF mixed)', () => {
    const token = fc.constantFrom('S', 'S08', 'S11', 'S14', 'A', 'E', 'F', 'FF', 'R4', 'B1', 'B3', '0', '4', '9', '\r', '\n', '\x1d', '\x00', '\xff');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 200 }), unit, (tokens, weightUnit) => {
        const input = Uint8Array.from(tokens.join(''), (char) => char.charCodeAt(0));
        decodeWhole(input, weightUnit);
      }),
      { numRuns },
    );
  });

  it('the fuzz entry point never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3_000 }), (input) => {
        expect(Array.isArray(fuzzMagellanDecoder(input))).toBe(true);
      }),
      { numRuns },
    );
  });

  it('gives the same messages however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), unit, (input, sizes, weightUnit) => {
        const whole = decodeWhole(input, weightUnit);
        const decoder = new MagellanFrameDecoder({ unit: weightUnit });
        const chunked: MagellanMessage[] = [];
        let offset = 0;
        for (let i = 0; offset < input.length; i++) {
          const size = sizes[i % sizes.length]!;
          chunked.push(...decoder.push(input.subarray(offset, offset + size)));
          offset += size;
        }
        chunked.push(...decoder.flushStale());
        expect(chunked).toEqual(whole);
      }),
      { numRuns },
    );
  });

  it('round-trips scans: encode → decode gives the symbology, the data and its AIM form', () => {
    fc.assert(
      fc.property(scan, unit, ({ symbology, data }, weightUnit) => {
        const messages = decodeWhole(encodeMagellanScan(symbology, data), weightUnit);
        expect(messages).toHaveLength(1);
        expect(messages[0]).toMatchObject({ kind: 'scan', symbology, data, barcode: magellanScanToAim(symbology, data) });
      }),
      { numRuns },
    );
  });

  it('UPC-A and UPC-E with a valid check digit come out as 13 digits under ]E0 with the same check digit', () => {
    fc.assert(
      fc.property(fc.constantFrom('0', '1'), digits(6), (system, body) => {
        // Build a UPC-E whose check digit is the expanded UPC-A's (as printed on the pack).
        const withoutCheck = system + body;
        const probe = magellanScanToAim('upcE', `${withoutCheck}0`)!;
        const check = gtinCheckDigit(probe.slice(4, 15));
        const barcode = magellanScanToAim('upcE', `${withoutCheck}${check}`)!;
        expect(barcode).toMatch(/^\]E00\d{12}$/);
        expect(Number(barcode.at(-1))).toBe(check);
        expect(gtinCheckDigit(barcode.slice(3, 15))).toBe(check);
      }),
      { numRuns },
    );
  });

  it('round-trips weights in either unit: S11 and S14', () => {
    fc.assert(
      fc.property(unit, fc.nat(), (weightUnit, seed) => {
        const { digits: width, decimals } = magellanWeightFormats[weightUnit];
        const increments = seed % 10 ** width;
        expect(decodeWhole(encodeMagellanWeight(increments, weightUnit), weightUnit)).toEqual([
          { kind: 'weight', weight: scaleWeight(increments, decimals, weightUnit) },
        ]);
        const reading: ScaleReading = { kind: 'stable', weight: scaleWeight(increments, decimals, weightUnit), net: false };
        expect(decodeWhole(encodeMagellanStatus(reading, weightUnit), weightUnit)).toEqual([{ kind: 'status', reading }]);
      }),
      { numRuns },
    );
  });

  it('finds every frame in a stream with noise between frames', () => {
    // Noise without S or CR cannot start or end a frame: each frame must still come through intact.
    const noise = fc.uint8Array({ maxLength: 20 }).map((noiseBytes) => noiseBytes.filter((byte) => byte !== 0x53 && byte !== 0x0d));
    fc.assert(
      fc.property(fc.array(fc.tuple(noise, scan), { minLength: 1, maxLength: 10 }), (parts) => {
        const stream = parts.flatMap(([noiseBytes, { symbology, data }]) => [...noiseBytes, ...encodeMagellanScan(symbology, data)]);
        const scans = decodeWhole(Uint8Array.from(stream), 'kg').filter((message) => message.kind === 'scan');
        expect(scans.map((message) => (message.kind === 'scan' ? message.data : ''))).toEqual(parts.map(([, { data }]) => data));
      }),
      { numRuns },
    );
  });
});
