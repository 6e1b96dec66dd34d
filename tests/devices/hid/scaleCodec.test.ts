import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHidScaleReport, hidScaleStatus, hidScaleUnits, parseHidScaleReport, type HidScaleState } from '../../../devices/hid/scaleCodec';
import { scaleWeight, scaleWeightText, type WeightUnit } from '../../../shared/scale';
import { dymoStableOunces, fromHex, motionGrams, stableZeroGrams } from './fixtures/reports';

function scaleReport(status: number, unit: number, exponent: number, raw: number): Uint8Array {
  return new Uint8Array([0x03, status, unit, exponent & 0xff, raw & 0xff, (raw >> 8) & 0xff]);
}

describe('parseHidScaleReport: fixtures', () => {
  it('reads the Dymo example 03 04 0B FF 34 19 as a stable 645.2 oz', () => {
    const parsed = parseHidScaleReport(fromHex(dymoStableOunces));
    expect(parsed).toEqual({ ok: true, value: { kind: 'stable', weight: scaleWeight(6452, 1, 'oz'), net: false } });
    if (parsed.ok && parsed.value.kind === 'stable') {
      expect(scaleWeightText(parsed.value.weight)).toBe('645.2 oz');
      // 645.2 oz × 28.349523125 g/oz = 18291.11… g
      expect(parsed.value.weight.grams).toBe(18_291);
    }
  });

  it('reads stable zero and motion', () => {
    expect(parseHidScaleReport(fromHex(stableZeroGrams))).toEqual({ ok: true, value: { kind: 'stable', weight: scaleWeight(0, 0, 'g'), net: false } });
    expect(parseHidScaleReport(fromHex(motionGrams))).toEqual({ ok: true, value: { kind: 'motion', weight: scaleWeight(500, 0, 'g') } });
  });
});

describe('parseHidScaleReport: every status', () => {
  const cases: [number, HidScaleState][] = [
    [1, { kind: 'fault', condition: 'fault' }],
    [2, { kind: 'stable', weight: scaleWeight(0, 3, 'kg'), net: false }],
    [3, { kind: 'motion', weight: scaleWeight(0, 3, 'kg') }],
    [4, { kind: 'stable', weight: scaleWeight(0, 3, 'kg'), net: false }],
    [5, { kind: 'underZero' }],
    [6, { kind: 'overCapacity' }],
    [7, { kind: 'fault', condition: 'needsCalibration' }],
    [8, { kind: 'zeroError' }],
  ];
  for (const [status, expected] of cases) {
    it(`status ${status} → ${expected.kind}${expected.kind === 'fault' ? ` (${expected.condition})` : ''}`, () => {
      expect(parseHidScaleReport(scaleReport(status, hidScaleUnits.kg, -3, 0))).toEqual({ ok: true, value: expected });
    });
  }

  it('refuses unknown statuses', () => {
    for (const status of [0, 9, 0x80, 0xff]) {
      expect(parseHidScaleReport(scaleReport(status, 2, 0, 0))).toMatchObject({ ok: false, error: { kind: 'unknownStatus' } });
    }
  });

  it('does not need a known unit for statuses without a weight', () => {
    for (const status of [1, 5, 6, 7, 8]) expect(parseHidScaleReport(scaleReport(status, 0x55, 0x7f, 0xffff)).ok).toBe(true);
  });
});

describe('parseHidScaleReport: units and exponents', () => {
  const units: [number, WeightUnit, number][] = [
    [2, 'g', 1234],
    [3, 'kg', 1_234_000],
    [11, 'oz', 34_983],
    [12, 'lb', 559_733],
  ];
  for (const [code, unit, grams] of units) {
    it(`unit ${code} is ${unit}`, () => {
      const parsed = parseHidScaleReport(scaleReport(4, code, 0, 1234));
      expect(parsed).toEqual({ ok: true, value: { kind: 'stable', weight: { grams, increments: 1234, decimals: 0, unit }, net: false } });
    });
  }

  it('refuses units the lane does not sell by', () => {
    for (const code of [0, 1, 4, 10, 13, 0xff]) {
      expect(parseHidScaleReport(scaleReport(4, code, 0, 100))).toMatchObject({ ok: false, error: { kind: 'unknownUnit' } });
    }
  });

  it('a negative exponent means decimals', () => {
    expect(parseHidScaleReport(scaleReport(4, 3, -3, 1234))).toMatchObject({ ok: true, value: { weight: { grams: 1234, increments: 1234, decimals: 3, unit: 'kg' } } });
    expect(parseHidScaleReport(scaleReport(4, 12, -2, 150))).toMatchObject({ ok: true, value: { weight: { grams: 680, increments: 150, decimals: 2, unit: 'lb' } } });
    expect(parseHidScaleReport(scaleReport(3, 2, -6, 65_535))).toMatchObject({ ok: true, value: { kind: 'motion', weight: { grams: 0, decimals: 6 } } });
  });

  it('a positive exponent multiplies', () => {
    expect(parseHidScaleReport(scaleReport(4, 2, 1, 1234))).toMatchObject({ ok: true, value: { weight: { grams: 12_340, increments: 12_340, decimals: 0, unit: 'g' } } });
    expect(parseHidScaleReport(scaleReport(4, 3, 2, 5))).toMatchObject({ ok: true, value: { weight: { grams: 500_000, increments: 500, decimals: 0, unit: 'kg' } } });
  });

  it('refuses exponents the weight cannot be kept exactly with', () => {
    expect(parseHidScaleReport(scaleReport(4, 2, -7, 1))).toMatchObject({ ok: false, error: { kind: 'badExponent' } });
    expect(parseHidScaleReport(scaleReport(4, 2, -128, 1))).toMatchObject({ ok: false, error: { kind: 'badExponent' } });
    expect(parseHidScaleReport(scaleReport(4, 2, 127, 1))).toMatchObject({ ok: false, error: { kind: 'badExponent' } });
  });
});

describe('parseHidScaleReport: garbage', () => {
  it('refuses short reports and other report ids; accepts padding', () => {
    expect(parseHidScaleReport(new Uint8Array(0))).toMatchObject({ ok: false, error: { kind: 'tooShort' } });
    expect(parseHidScaleReport(fromHex('03 04 0b ff 34'))).toMatchObject({ ok: false, error: { kind: 'tooShort' } });
    expect(parseHidScaleReport(fromHex('04 04 0b ff 34 19'))).toMatchObject({ ok: false, error: { kind: 'wrongReportId' } });
    expect(parseHidScaleReport(fromHex('03 04 0b ff 34 19 00 00'))).toMatchObject({ ok: true, value: { kind: 'stable' } });
  });
});

describe('encodeHidScaleReport', () => {
  it('encodes the Dymo example byte for byte', () => {
    expect(encodeHidScaleReport({ kind: 'stable', weight: scaleWeight(6452, 1, 'oz'), net: false })).toEqual(fromHex(dymoStableOunces));
  });

  it('sends stable zero as status 2 and states without a weight in the configured unit', () => {
    expect(encodeHidScaleReport({ kind: 'stable', weight: scaleWeight(0, 0, 'g'), net: false })).toEqual(fromHex(stableZeroGrams));
    expect(encodeHidScaleReport({ kind: 'underZero' }, { unit: 'kg' })).toEqual(fromHex('03 05 03 00 00 00'));
    expect(encodeHidScaleReport({ kind: 'overCapacity' })).toEqual(fromHex('03 06 02 00 00 00'));
    expect(encodeHidScaleReport({ kind: 'zeroError' })[1]).toBe(hidScaleStatus.needsRezero);
    expect(encodeHidScaleReport({ kind: 'fault', condition: 'needsCalibration' })[1]).toBe(hidScaleStatus.needsCalibration);
    expect(encodeHidScaleReport({ kind: 'motion' })).toEqual(fromHex('03 03 02 00 00 00'));
  });

  it('uses a positive exponent for whole-unit weights above 16 bits', () => {
    const report = encodeHidScaleReport({ kind: 'stable', weight: scaleWeight(120_000, 0, 'g'), net: false });
    expect(report).toEqual(scaleReport(4, 2, 1, 12_000));
    expect(parseHidScaleReport(report)).toMatchObject({ ok: true, value: { weight: { increments: 120_000, decimals: 0 } } });
  });

  it('throws for weights a report cannot carry (a bug in the caller)', () => {
    expect(() => encodeHidScaleReport({ kind: 'stable', weight: scaleWeight(-5, 0, 'g'), net: false })).toThrow(RangeError);
    expect(() => encodeHidScaleReport({ kind: 'stable', weight: scaleWeight(70_000, 1, 'g'), net: false })).toThrow(RangeError);
    expect(() => encodeHidScaleReport({ kind: 'stable', weight: scaleWeight(70_001, 0, 'g'), net: false })).toThrow(RangeError);
    expect(() => encodeHidScaleReport({ kind: 'stable', weight: scaleWeight(5, 0, 'g'), net: true })).toThrow(RangeError);
  });
});

describe('HID scale codec properties', () => {
  it('arbitrary bytes never throw and always give a value or a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        const parsed = parseHidScaleReport(bytes);
        if (!parsed.ok) expect(['tooShort', 'wrongReportId', 'unknownStatus', 'unknownUnit', 'badExponent']).toContain(parsed.error.kind);
      }),
      { numRuns: 300 },
    );
    // Well-formed headers with random status/unit/exponent/weight: the bytes that matter.
    fc.assert(
      fc.property(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(0xffff), (status, unit, exponent, raw) => {
        const parsed = parseHidScaleReport(scaleReport(status, unit, exponent, raw));
        if (parsed.ok && (parsed.value.kind === 'stable' || parsed.value.kind === 'motion')) {
          expect(Number.isSafeInteger(parsed.value.weight?.increments)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  const unit = fc.constantFrom<WeightUnit>('g', 'kg', 'lb', 'oz');
  const weight = fc.tuple(fc.nat(0xffff), fc.integer({ min: 0, max: 6 }), unit).map(([increments, decimals, u]) => scaleWeight(increments, decimals, u));
  const state: fc.Arbitrary<HidScaleState> = fc.oneof(
    weight.map((w) => ({ kind: 'stable' as const, weight: w, net: false })),
    weight.map((w) => ({ kind: 'motion' as const, weight: w })),
    fc.constantFrom<HidScaleState>({ kind: 'underZero' }, { kind: 'overCapacity' }, { kind: 'zeroError' }, { kind: 'fault', condition: 'fault' }, { kind: 'fault', condition: 'needsCalibration' }),
  );

  it('encode → parse round-trips every state a report can carry', () => {
    fc.assert(
      fc.property(state, unit, (sent, fallbackUnit) => {
        expect(parseHidScaleReport(encodeHidScaleReport(sent, { unit: fallbackUnit }))).toEqual({ ok: true, value: sent });
      }),
      { numRuns: 300 },
    );
  });
});
