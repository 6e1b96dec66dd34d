import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baggingExpectation,
  defaultBaggingSettings,
  judgeBagging,
  judgeQuantity,
  learnWeight,
  ownBagExpectation,
  weighedExpectation,
  weightProfileSchema,
  weightStatistics,
  type BaggingExpectation,
  type BaggingSettings,
  type BaggingVerdict,
  type WeightProfile,
} from '../../../shared/checkout/bagging';

const settings = defaultBaggingSettings;
const numRuns = 200;

function learnAll(observations: readonly number[], profile?: WeightProfile, using: BaggingSettings = settings): WeightProfile {
  let learned = profile;
  for (const grams of observations) learned = learnWeight(learned, grams, using);
  if (!learned) throw new Error('nothing learned');
  return learned;
}

/** A packaged 500 g item seen 40 times: 495–505 g, as a 5 g scale shows it. */
const milk = learnAll(Array.from({ length: 40 }, (_, index) => [495, 500, 505, 500][index % 4]!));

function trusted(expectation: BaggingExpectation) {
  if (expectation.kind !== 'trusted') throw new Error(`expected a trusted expectation, got ${JSON.stringify(expectation)}`);
  return expectation;
}

describe('learning an item’s weight', () => {
  it('starts a profile, counts observations and trusts it after the configured number', () => {
    const first = learnWeight(undefined, 500);
    expect(first).toEqual({ count: 1, recentGrams: [500], outlierGrams: [] });
    expect(baggingExpectation(first).kind).toBe('learning');
    const third = learnAll([505, 495], first);
    expect(third.count).toBe(settings.trustedAfterSamples);
    expect(trusted(baggingExpectation(third)).expectedGrams).toBe(500);
  });

  it('keeps a bounded window of recent observations', () => {
    const profile = learnAll(Array.from({ length: settings.windowSize + 25 }, (_, index) => 1000 + (index % 3) * 5));
    expect(profile.recentGrams).toHaveLength(settings.windowSize);
    expect(profile.count).toBe(settings.windowSize + 25);
  });

  it('does not learn an observation far outside a trusted band, and forgets the streak on the next normal one', () => {
    const before = weightStatistics(milk)!;
    const withOutlier = learnWeight(milk, 1500);
    expect(withOutlier.recentGrams).toEqual(milk.recentGrams);
    expect(withOutlier.outlierGrams).toEqual([1500]);
    expect(weightStatistics(withOutlier)).toEqual(before);
    expect(learnWeight(withOutlier, 500).outlierGrams).toEqual([]);
  });

  it('rejects nothing before the profile is trusted: an item first approved as "nothing" still learns its weight', () => {
    expect(learnAll([0, 400, 400, 400])).toEqual({ count: 4, recentGrams: [0, 400, 400, 400], outlierGrams: [] });
  });

  it('learns an observation an assistant approved just outside the band, so a band that started too narrow widens', () => {
    const { expectedGrams, toleranceGrams } = trusted(baggingExpectation(milk));
    const justOutside = expectedGrams + toleranceGrams + 5;
    expect(judgeBagging(justOutside, baggingExpectation(milk)).kind).toBe('tooHeavy');
    expect(learnWeight(milk, justOutside).recentGrams.at(-1)).toBe(justOutside);
  });

  it('starts over when the product changes: consecutive outliers that agree replace the profile', () => {
    const changed = learnAll([350, 345, 355], milk);
    expect(changed).toEqual({ count: 3, recentGrams: [350, 345, 355], outlierGrams: [] });
    expect(trusted(baggingExpectation(changed)).expectedGrams).toBe(350);
    // Outliers that disagree are not a new product: the old profile stays, with the last few kept.
    const scattered = learnAll([350, 900, 1500, 2500], milk);
    expect(scattered.recentGrams).toEqual(milk.recentGrams);
    expect(scattered.outlierGrams).toEqual([900, 1500, 2500]);
  });

  it('learns a wide band for produce whose pieces vary', () => {
    // Lettuce heads around 400 g, ±15 %.
    const lettuce = learnAll(Array.from({ length: 60 }, (_, index) => 400 + Math.round(60 * Math.sin(index * 1.7)) * 1));
    const { toleranceGrams } = trusted(baggingExpectation(lettuce));
    expect(toleranceGrams).toBeGreaterThan(100);
    expect(toleranceGrams).toBeLessThan(250);
    expect(judgeBagging(470, baggingExpectation(lettuce)).kind).toBe('ok');
    expect(judgeBagging(400 + toleranceGrams + 50, baggingExpectation(lettuce)).kind).toBe('tooHeavy');
  });

  it('keeps a three-sample band wide until the item’s own spread is known', () => {
    const early = trusted(baggingExpectation(learnAll([400, 400, 400])));
    const late = trusted(baggingExpectation(learnAll(Array.from({ length: 100 }, () => 400))));
    expect(early.toleranceGrams).toBeGreaterThan(2 * late.toleranceGrams);
    expect(late.toleranceGrams).toBe(settings.floorToleranceGrams);
  });

  it('stores plain JSON that reads back through the schema', () => {
    const stored = JSON.parse(JSON.stringify(learnWeight(milk, 1500))) as unknown;
    const parsed = weightProfileSchema.safeParse(stored);
    expect(parsed.success && parsed.data).toEqual(learnWeight(milk, 1500));
    expect(weightProfileSchema.safeParse({ count: 1, recentGrams: [], outlierGrams: [] }).success).toBe(false);
    expect(weightProfileSchema.safeParse({ count: 1, recentGrams: [1.5], outlierGrams: [] }).success).toBe(false);
  });

  it('throws on grams that are not integers and on nonsense settings (bugs, not verdicts)', () => {
    expect(() => learnWeight(undefined, 12.5)).toThrow(RangeError);
    expect(() => judgeBagging(Number.NaN, baggingExpectation(milk))).toThrow(RangeError);
    expect(() => judgeQuantity(1000, baggingExpectation(milk), 0)).toThrow(RangeError);
    expect(() => baggingExpectation(undefined, { ...settings, windowSize: 2, trustedAfterSamples: 3 })).toThrow(RangeError);
    expect(() => baggingExpectation(undefined, { ...settings, toleranceFactor: 0 })).toThrow(RangeError);
  });
});

describe('what to expect before an item is trusted', () => {
  it('without a catalogue weight, any visible increase', () => {
    const expectation = baggingExpectation(undefined);
    expect(expectation).toEqual({ kind: 'learning', minGrams: settings.minimumVisibleGrams });
    expect(judgeBagging(4_000, expectation)).toEqual({ kind: 'ok' });
    expect(judgeBagging(0, expectation)).toEqual({ kind: 'nothingAdded' });
  });

  it('with a catalogue weight, a wide band around it', () => {
    const expectation = baggingExpectation(undefined, settings, 500);
    expect(expectation).toEqual({ kind: 'learning', minGrams: 375, maxGrams: 625 });
    expect(judgeBagging(560, expectation)).toEqual({ kind: 'ok' });
    expect(judgeBagging(700, expectation)).toEqual({ kind: 'tooHeavy', extraGrams: 75 });
    expect(judgeBagging(300, expectation)).toEqual({ kind: 'tooLight', missingGrams: 75 });
    // Light catalogue items get at least the gram margin.
    expect(baggingExpectation(undefined, settings, 40)).toEqual({ kind: 'learning', minGrams: 15, maxGrams: 65 });
  });

  it('a trusted profile wins over the catalogue weight', () => {
    expect(trusted(baggingExpectation(milk, settings, 900)).expectedGrams).toBe(500);
  });

  it('a catalogue item lighter than the scale can see is accepted whether or not the scale moves', () => {
    const card = baggingExpectation(undefined, settings, 3);
    expect(judgeBagging(0, card).kind).toBe('ok');
    expect(judgeBagging(5, card).kind).toBe('ok');
    expect(judgeBagging(200, card).kind).toBe('tooHeavy');
  });

  it('an unknown item that showed nothing once (and was approved) is not asked for again', () => {
    const card = learnWeight(undefined, 0);
    expect(baggingExpectation(card)).toEqual({ kind: 'learning', minGrams: 0 });
    expect(judgeBagging(5, baggingExpectation(card)).kind).toBe('ok');
  });
});

describe('judging the bagging area', () => {
  const expectation = baggingExpectation(milk);
  const { expectedGrams, toleranceGrams } = trusted(expectation);

  it('accepts the expected weight within the tolerance', () => {
    expect(toleranceGrams).toBe(settings.floorToleranceGrams);
    expect(judgeBagging(500, expectation)).toEqual({ kind: 'ok' });
    expect(judgeBagging(expectedGrams + toleranceGrams, expectation)).toEqual({ kind: 'ok' });
    expect(judgeBagging(expectedGrams - toleranceGrams, expectation)).toEqual({ kind: 'ok' });
  });

  it('says by how much it is off, from the expected weight', () => {
    expect(judgeBagging(800, expectation)).toEqual({ kind: 'tooHeavy', extraGrams: 300 });
    expect(judgeBagging(200, expectation)).toEqual({ kind: 'tooLight', missingGrams: 300 });
  });

  it('tells "nothing added" from "too light" and "removed"', () => {
    expect(judgeBagging(5, expectation)).toEqual({ kind: 'nothingAdded' });
    expect(judgeBagging(-settings.floorToleranceGrams, expectation)).toEqual({ kind: 'nothingAdded' });
    expect(judgeBagging(-400, expectation)).toEqual({ kind: 'removed', grams: 400 });
  });

  it('accepts a weightless item whatever the scale says, short of a removal or something heavy', () => {
    const card = baggingExpectation(learnAll([0, 5, 0, -5, 0, 5, 0]));
    expect(trusted(card).expectedGrams).toBe(0);
    for (const delta of [-settings.floorToleranceGrams, -5, 0, 5, 10, settings.floorToleranceGrams]) expect(judgeBagging(delta, card)).toEqual({ kind: 'ok' });
    expect(judgeBagging(-settings.floorToleranceGrams - 5, card).kind).toBe('removed');
    expect(judgeBagging(120, card)).toEqual({ kind: 'tooHeavy', extraGrams: 120 });
  });

  it('checks the shopper’s own bag against the heaviest plausible bag', () => {
    const bag = ownBagExpectation();
    expect(judgeBagging(0, bag).kind).toBe('ok');
    expect(judgeBagging(15, bag).kind).toBe('ok');
    expect(judgeBagging(800, bag).kind).toBe('ok');
    expect(judgeBagging(settings.maximumOwnBagGrams + 300, bag)).toEqual({ kind: 'tooHeavy', extraGrams: 300 });
  });

  it('expects a weighed item at its weighed weight', () => {
    const weighed = weighedExpectation(1234);
    expect(weighed).toEqual({ kind: 'trusted', expectedGrams: 1234, toleranceGrams: settings.floorToleranceGrams });
    expect(judgeBagging(1250, weighed).kind).toBe('ok');
    expect(judgeBagging(1400, weighed).kind).toBe('tooHeavy');
    expect(trusted(weighedExpectation(5000)).toleranceGrams).toBe(100);
  });

  it('judges n identical items with a band growing as √n', () => {
    expect(judgeQuantity(1500, expectation, 3)).toEqual({ kind: 'ok' });
    expect(judgeQuantity(1500 + Math.floor(toleranceGrams * Math.sqrt(3)), expectation, 3).kind).toBe('ok');
    expect(judgeQuantity(2000, expectation, 3)).toEqual({ kind: 'tooHeavy', extraGrams: 500 });
    expect(judgeQuantity(1000, expectation, 3)).toEqual({ kind: 'tooLight', missingGrams: 500 });
    expect(judgeQuantity(3000, { kind: 'learning', minGrams: 375, maxGrams: 625 }, 4)).toEqual({ kind: 'tooHeavy', extraGrams: 500 });
  });
});

describe('bagging model properties', () => {
  const grams = fc.integer({ min: 0, max: 8_000 });
  const anyGrams = fc.integer({ min: -20_000, max: 20_000 });

  it('once an item is learned at a weight, that weight is always accepted, whatever came before', () => {
    // A history clustered around some other weight makes a trusted profile the new weight is an outlier to.
    const clustered = fc.tuple(grams, fc.array(fc.integer({ min: -15, max: 15 }), { minLength: 3, maxLength: 40 })).map(([center, offsets]) => offsets.map((offset) => center + offset));
    fc.assert(
      fc.property(fc.oneof(fc.array(anyGrams, { maxLength: 40 }), clustered), grams, (history, weight) => {
        const before = history.length === 0 ? undefined : learnAll(history);
        const profile = learnAll(Array.from({ length: settings.windowSize }, () => weight), before);
        expect(judgeBagging(weight, baggingExpectation(profile))).toEqual({ kind: 'ok' });
      }),
      { numRuns: 100 },
    );
  });

  it('a single observation, however wild, cannot move a trusted median outside its samples', () => {
    fc.assert(
      fc.property(grams, fc.array(fc.integer({ min: -10, max: 10 }), { minLength: 10, maxLength: 60 }), anyGrams, (weight, offsets, wild) => {
        const samples = offsets.map((offset) => weight + offset);
        const profile = learnAll(samples);
        const after = weightStatistics(learnWeight(profile, wild))!;
        expect(after.medianGrams).toBeGreaterThanOrEqual(Math.min(...samples));
        expect(after.medianGrams).toBeLessThanOrEqual(Math.max(...samples));
      }),
      { numRuns },
    );
  });

  it('fewer consecutive outliers than the relearning count leave a trusted profile’s figures unchanged', () => {
    fc.assert(
      fc.property(grams, fc.array(fc.integer({ min: -10, max: 10 }), { minLength: 10, maxLength: 60 }), fc.array(anyGrams, { minLength: 1, maxLength: settings.relearnAfterOutliers - 1 }), (weight, offsets, wild) => {
        const profile = learnAll(offsets.map((offset) => weight + offset));
        const statistics = weightStatistics(profile)!;
        const far = wild.filter((value) => Math.abs(value - statistics.medianGrams) > settings.outlierFactor * statistics.toleranceGrams);
        fc.pre(far.length > 0);
        expect(weightStatistics(learnAll(far, profile))).toEqual(statistics);
      }),
      { numRuns },
    );
  });

  it('is symmetric around a trusted weight: t grams over is tooHeavy exactly when t grams under is tooLight', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 8_000 }), fc.integer({ min: 15, max: 2_000 }), fc.integer({ min: 0, max: 3_000 }), (expectedGrams, toleranceGrams, offset) => {
        const expectation: BaggingExpectation = { kind: 'trusted', expectedGrams, toleranceGrams };
        fc.pre(expectedGrams - Math.max(toleranceGrams, offset) >= settings.minimumVisibleGrams);
        const over = judgeBagging(expectedGrams + offset, expectation);
        const under = judgeBagging(expectedGrams - offset, expectation);
        if (over.kind === 'ok') expect(under).toEqual({ kind: 'ok' });
        else expect([over, under]).toEqual([{ kind: 'tooHeavy', extraGrams: offset }, { kind: 'tooLight', missingGrams: offset }]);
      }),
      { numRuns },
    );
  });

  it('verdicts run removed → nothing added → too light → ok → too heavy as the delta grows', () => {
    const order: Record<BaggingVerdict['kind'], number> = { removed: 0, nothingAdded: 1, tooLight: 2, ok: 3, tooHeavy: 4 };
    const expectation: fc.Arbitrary<BaggingExpectation> = fc.oneof(
      fc.record({ kind: fc.constant('trusted' as const), expectedGrams: fc.integer({ min: -20, max: 8_000 }), toleranceGrams: fc.integer({ min: 0, max: 2_000 }) }),
      fc.record({ kind: fc.constant('learning' as const), minGrams: fc.integer({ min: 0, max: 3_000 }), maxGrams: fc.option(fc.integer({ min: 3_000, max: 9_000 }), { nil: undefined }) }),
    );
    fc.assert(
      fc.property(expectation, fc.integer({ min: 1, max: 6 }), anyGrams, anyGrams, (judged, quantity, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(order[judgeQuantity(low, judged, quantity).kind]).toBeLessThanOrEqual(order[judgeQuantity(high, judged, quantity).kind]);
      }),
      { numRuns },
    );
  });

  it('judging one item is judging a quantity of one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 500 }), anyGrams, (expectedGrams, toleranceGrams, delta) => {
        const expectation: BaggingExpectation = { kind: 'trusted', expectedGrams, toleranceGrams };
        expect(judgeBagging(delta, expectation)).toEqual(judgeQuantity(delta, expectation, 1));
      }),
      { numRuns },
    );
  });

  it('profiles stay bounded and JSON-serialisable whatever is learned', () => {
    fc.assert(
      fc.property(fc.array(anyGrams, { maxLength: 300 }), (observations) => {
        fc.pre(observations.length > 0);
        const profile = learnAll(observations);
        expect(profile.recentGrams.length).toBeLessThanOrEqual(settings.windowSize);
        expect(profile.outlierGrams.length).toBeLessThanOrEqual(settings.relearnAfterOutliers);
        expect(weightProfileSchema.parse(JSON.parse(JSON.stringify(profile)))).toEqual(profile);
      }),
      { numRuns: 100 },
    );
  });
});
