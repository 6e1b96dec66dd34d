import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyDiscounts,
  checkCoupon,
  isActive,
  spreadProportionally,
  type Coupon,
  type DiscountableLine,
  type DiscountRule,
  type Promotion,
} from '../../../shared/checkout/promotions';

const at = Date.UTC(2026, 5, 1);
const name = { en: 'Offer' };

function unit(lineId: number, gtin: string, unitPriceMinor: number, quantity = 1): DiscountableLine {
  return { lineId, gtin, pricing: 'unit', quantity, unitPriceMinor, priceMinor: unitPriceMinor * quantity };
}

function weighed(lineId: number, gtin: string, pricePerKgMinor: number, weightGrams: number, priceMinor: number): DiscountableLine {
  return { lineId, gtin, pricing: 'weight', quantity: 1, weightGrams, unitPriceMinor: pricePerKgMinor, priceMinor };
}

function promo(id: string, gtins: string[], rule: DiscountRule, extra: Partial<Promotion> = {}): Promotion {
  return { id, name, gtins, rule, ...extra };
}

function price(lines: DiscountableLine[], promotions: Promotion[] = [], coupons: Coupon[] = [], loyalty = false) {
  return applyDiscounts({ lines, promotions, coupons, loyalty, at });
}

describe('promotions', () => {
  it('takes a percentage off each line, rounded half up per line', () => {
    // 20 % of 229 = 45.8 → 46; of 3 × 229 = 687 → 137.4 → 137; 10 % of 125 = 12.5 → 13.
    const result = price([unit(1, 'choc', 229), unit(2, 'choc', 229, 3), unit(3, 'tea', 125)], [promo('p', ['choc'], { kind: 'percentage', percentBp: 2000 }), promo('q', ['tea'], { kind: 'percentage', percentBp: 1000 })]);
    expect(result.discounts.map((d) => [d.id, d.lines])).toEqual([
      ['p', [{ lineId: 1, amountMinor: 46 }, { lineId: 2, amountMinor: 137 }]],
      ['q', [{ lineId: 3, amountMinor: 13 }]],
    ]);
    expect(result.savingsMinor).toBe(196);
    expect(result.totalMinor).toBe(229 + 687 + 125 - 196);
    expect(result.lineTotals.get(2)).toBe(550);
  });

  it('takes an amount off each piece of a unit line and once off a weighed line, never below 0', () => {
    const result = price(
      [unit(1, 'a', 749, 2), unit(2, 'a', 60, 3), weighed(3, 'a', 999, 300, 300), { lineId: 4, gtin: 'a', pricing: 'label', quantity: 1, unitPriceMinor: 999, priceMinor: 80 }],
      [promo('off', ['a'], { kind: 'amountOff', amountMinor: 100 })],
    );
    expect(result.discounts[0]!.lines).toEqual([
      { lineId: 1, amountMinor: 200 },
      { lineId: 2, amountMinor: 180 },
      { lineId: 3, amountMinor: 100 },
      { lineId: 4, amountMinor: 80 },
    ]);
    expect([...result.lineTotals.values()]).toEqual([1298, 0, 200, 0]);
  });

  it('lowers the price per kg of weighed lines only, capped at the line price', () => {
    const bananas = weighed(1, 'ban', 139, 1234, 172); // 1.234 kg × 1.39 = 1.715… → 1.72
    const result = price(
      [bananas, weighed(2, 'ban', 139, 10, 1), unit(3, 'ban', 139)],
      [promo('kg', ['ban'], { kind: 'perKg', amountOffPerKgMinor: 50 }), promo('big', ['ban'], { kind: 'perKg', amountOffPerKgMinor: 500 }, { validFrom: at + 1 })],
    );
    // 1.234 kg × 0.50 = 0.617 → 62; 10 g × 0.50 = 0.005 → 1 (half up), capped at the 1-cent line; a unit line gets nothing.
    expect(result.discounts[0]!.lines).toEqual([
      { lineId: 1, amountMinor: 62 },
      { lineId: 2, amountMinor: 1 },
    ]);
    expect(result.lineTotals.get(3)).toBe(139);
  });

  it('groups multi-buy pieces across items dearest first and leaves the rest at full price', () => {
    // 3 for 3.00 over milk (119) and oat milk (189): 2 × 189 + 119 = 497 → saves 197; 119 × 3 = 357 → saves 57; one milk left over.
    const lines = [unit(1, 'milk', 119, 5), unit(2, 'oat', 189, 2)];
    const result = price(lines, [promo('m', ['milk', 'oat'], { kind: 'multiBuy', quantity: 3, priceMinor: 300 })]);
    expect(result.savingsMinor).toBe(254);
    // Spread by what each line put into groups: milk 4 × 119 = 476, oat 378 → 254 × 476 / 854 = 141.57 → 142, oat 112.
    expect(result.discounts[0]!.lines).toEqual([
      { lineId: 1, amountMinor: 142 },
      { lineId: 2, amountMinor: 112 },
    ]);
    expect(result.totalMinor).toBe(595 + 378 - 254);
  });

  it('gives nothing for a multi-buy that is dearer than the pieces, or without enough pieces', () => {
    expect(price([unit(1, 'x', 50, 3)], [promo('m', ['x'], { kind: 'multiBuy', quantity: 3, priceMinor: 200 })]).discounts).toEqual([]);
    expect(price([unit(1, 'x', 150, 2)], [promo('m', ['x'], { kind: 'multiBuy', quantity: 3, priceMinor: 200 })]).discounts).toEqual([]);
    // Weighed lines never count as pieces.
    expect(price([weighed(1, 'x', 150, 1000, 150), unit(2, 'x', 150, 2)], [promo('m', ['x'], { kind: 'multiBuy', quantity: 3, priceMinor: 200 })]).discounts).toEqual([]);
  });

  it('gives each line at most one promotion, the biggest saving first', () => {
    const lines = [unit(1, 'milk', 119, 3), unit(2, 'bread', 189)];
    const result = price(lines, [
      promo('a-10pct', ['milk', 'bread'], { kind: 'percentage', percentBp: 1000 }),
      promo('b-3for3', ['milk'], { kind: 'multiBuy', quantity: 3, priceMinor: 300 }),
    ]);
    // The multi-buy saves 57 on the milk, 10 % would save 36: milk goes to the multi-buy, bread keeps the 10 %.
    expect(result.discounts.map((d) => [d.id, d.amountMinor, d.lines.map((l) => l.lineId)])).toEqual([
      ['b-3for3', 57, [1]],
      ['a-10pct', 19, [2]],
    ]);
  });

  it('breaks equal savings by promotion id, so pricing is deterministic', () => {
    const lines = [unit(1, 'x', 1000)];
    const rules = [promo('zeta', ['x'], { kind: 'amountOff', amountMinor: 100 }), promo('alpha', ['x'], { kind: 'percentage', percentBp: 1000 })];
    expect(price(lines, rules).discounts.map((d) => d.id)).toEqual(['alpha']);
    expect(price(lines, [...rules].reverse()).discounts.map((d) => d.id)).toEqual(['alpha']);
  });

  it('applies loyalty-only promotions with a card, and only promotions active at the time', () => {
    const coffee = [unit(1, 'coffee', 749)];
    const loyal = promo('l', ['coffee'], { kind: 'amountOff', amountMinor: 100 }, { loyaltyOnly: true });
    expect(price(coffee, [loyal]).savingsMinor).toBe(0);
    expect(price(coffee, [loyal], [], true).savingsMinor).toBe(100);
    expect(price(coffee, [promo('old', ['coffee'], { kind: 'amountOff', amountMinor: 100 }, { validTo: at })]).savingsMinor).toBe(0);
    expect(price(coffee, [promo('now', ['coffee'], { kind: 'amountOff', amountMinor: 100 }, { validFrom: at, validTo: at + 1 })]).savingsMinor).toBe(100);
  });

  it('maps undiscounted lines to their own price', () => {
    const result = price([unit(7, 'x', 100), unit(9, 'y', 250, 2)]);
    expect([...result.lineTotals]).toEqual([
      [7, 100],
      [9, 500],
    ]);
    expect(result).toMatchObject({ discounts: [], savingsMinor: 0, totalMinor: 600 });
  });
});

describe('coupons', () => {
  const coffeeCoupon: Coupon = { code: 'C1', name, gtins: ['coffee'], rule: { kind: 'amountOff', amountMinor: 100 } };

  it('take a percentage off the eligible lines, after promotions', () => {
    const lines = [unit(1, 'choc', 229), unit(2, 'bread', 189)];
    const result = price(lines, [promo('p', ['choc'], { kind: 'percentage', percentBp: 2000 })], [{ code: 'TEN', name, gtins: ['choc'], rule: { kind: 'percentage', percentBp: 1000 } }]);
    // Chocolate 229 − 46 = 183; 10 % of 183 = 18.3 → 18. Bread is not on the coupon.
    expect(result.discounts.map((d) => [d.source, d.id, d.amountMinor])).toEqual([
      ['promotion', 'p', 46],
      ['coupon', 'TEN', 18],
    ]);
    expect(result.lineTotals.get(1)).toBe(165);
  });

  it('take an amount off once per coupon, not per piece', () => {
    const result = price([unit(1, 'coffee', 749, 2)], [], [coffeeCoupon]);
    expect(result.savingsMinor).toBe(100);
  });

  it('take a whole-basket amount off at most what is left, spread exactly over the lines', () => {
    const lines = [unit(1, 'a', 100), unit(2, 'b', 100), unit(3, 'c', 100)];
    const small = price(lines, [], [{ code: 'X', name, rule: { kind: 'amountOff', amountMinor: 100 } }]);
    expect(small.discounts[0]!.lines).toEqual([
      { lineId: 1, amountMinor: 34 },
      { lineId: 2, amountMinor: 33 },
      { lineId: 3, amountMinor: 33 },
    ]);
    const big = price(lines, [], [{ code: 'X', name, rule: { kind: 'amountOff', amountMinor: 5000 } }]);
    expect(big).toMatchObject({ savingsMinor: 300, totalMinor: 0 });
    expect([...big.lineTotals.values()]).toEqual([0, 0, 0]);
  });

  it('give nothing once their items or minimum spend have gone, and a code counts once', () => {
    expect(price([unit(1, 'bread', 189)], [], [coffeeCoupon]).discounts).toEqual([]);
    const minimum: Coupon = { code: 'MIN', name, rule: { kind: 'percentage', percentBp: 1000 }, minimumSpendMinor: 1000 };
    expect(price([unit(1, 'x', 999)], [], [minimum]).savingsMinor).toBe(0);
    expect(price([unit(1, 'x', 1000)], [], [minimum]).savingsMinor).toBe(100);
    // A promotion taking the basket below the minimum spend cancels the coupon's discount.
    expect(price([unit(1, 'x', 1000)], [promo('p', ['x'], { kind: 'amountOff', amountMinor: 1 })], [minimum]).discounts.map((d) => d.id)).toEqual(['p']);
    expect(price([unit(1, 'coffee', 749)], [], [coffeeCoupon, coffeeCoupon]).savingsMinor).toBe(100);
  });
});

describe('checkCoupon', () => {
  const basket = { lines: [unit(1, 'coffee', 749), unit(2, 'milk', 119)], couponCodes: [] as string[], loyalty: false, at };
  const coupon: Coupon = { code: 'C', name, gtins: ['coffee'], rule: { kind: 'amountOff', amountMinor: 100 } };

  it('accepts a usable coupon', () => {
    expect(checkCoupon(coupon, basket)).toEqual({ ok: true });
  });

  it.each([
    ['unknown', undefined, basket],
    ['alreadyUsed', coupon, { ...basket, couponCodes: ['C'] }],
    ['notYetValid', { ...coupon, validFrom: at + 1 }, basket],
    ['expired', { ...coupon, validTo: at }, basket],
    ['loyaltyOnly', { ...coupon, loyaltyOnly: true }, basket],
    ['noMatchingItem', { ...coupon, gtins: ['tea'] }, basket],
    ['minimumSpend', { ...coupon, gtins: undefined, minimumSpendMinor: 869 }, basket],
  ] as const)('refuses with %s', (reason, candidate, state) => {
    expect(checkCoupon(candidate, state)).toEqual({ ok: false, reason });
  });

  it('measures the minimum spend after promotions when given them, and accepts a card for loyalty coupons', () => {
    const minimum: Coupon = { ...coupon, gtins: undefined, minimumSpendMinor: 868 };
    expect(checkCoupon(minimum, basket)).toEqual({ ok: true });
    expect(checkCoupon(minimum, { ...basket, promotions: [promo('p', ['milk'], { kind: 'amountOff', amountMinor: 1 })] })).toEqual({ ok: false, reason: 'minimumSpend' });
    expect(checkCoupon({ ...coupon, loyaltyOnly: true }, { ...basket, loyalty: true })).toEqual({ ok: true });
  });
});

describe('isActive and spreadProportionally', () => {
  it('treats validTo as exclusive', () => {
    expect(isActive({}, at)).toBe(true);
    expect(isActive({ validFrom: at }, at)).toBe(true);
    expect(isActive({ validFrom: at + 1 }, at)).toBe(false);
    expect(isActive({ validTo: at }, at)).toBe(false);
    expect(isActive({ validTo: at + 1 }, at)).toBe(true);
  });

  it('spreads by largest remainder, summing exactly', () => {
    const spread = spreadProportionally(10, [
      { lineId: 1, amountMinor: 1 },
      { lineId: 2, amountMinor: 1 },
      { lineId: 3, amountMinor: 1 },
    ]);
    expect(spread.map((line) => line.amountMinor)).toEqual([4, 3, 3]);
  });
});

describe('properties', () => {
  const gtins = ['a', 'b', 'c', 'd'];
  const gtin = fc.constantFrom(...gtins);
  const line = fc.oneof(
    fc.record({ gtin, unitPriceMinor: fc.integer({ min: 0, max: 5000 }), quantity: fc.integer({ min: 1, max: 6 }) }).map((l) => ({ pricing: 'unit' as const, ...l, priceMinor: l.unitPriceMinor * l.quantity })),
    fc
      .record({ gtin, unitPriceMinor: fc.integer({ min: 0, max: 3000 }), weightGrams: fc.integer({ min: 1, max: 5000 }), label: fc.boolean(), priceMinor: fc.integer({ min: 0, max: 20_000 }) })
      .map(({ label, ...l }) => ({ pricing: label ? ('label' as const) : ('weight' as const), quantity: 1, ...l })),
  );
  const lines = fc.array(line, { maxLength: 10 }).map((list) => list.map((l, index): DiscountableLine => ({ lineId: index * 3 + 1, ...l })));
  const percentage = fc.integer({ min: 0, max: 10_000 }).map((percentBp) => ({ kind: 'percentage' as const, percentBp }));
  const amountOff = fc.integer({ min: 0, max: 3000 }).map((amountMinor) => ({ kind: 'amountOff' as const, amountMinor }));
  const rule: fc.Arbitrary<DiscountRule> = fc.oneof(
    percentage,
    amountOff,
    fc.record({ kind: fc.constant('multiBuy' as const), quantity: fc.integer({ min: 1, max: 4 }), priceMinor: fc.integer({ min: 0, max: 5000 }) }),
    fc.record({ kind: fc.constant('perKg' as const), amountOffPerKgMinor: fc.integer({ min: 0, max: 3000 }) }),
  );
  const window = fc.record({ validFrom: fc.option(fc.integer({ min: at - 10, max: at + 10 }), { nil: undefined }), loyaltyOnly: fc.boolean() });
  const promotions = fc.array(
    fc.record({ id: fc.string({ maxLength: 3 }), gtins: fc.subarray(gtins), rule, window }).map(({ window: w, ...p }): Promotion => ({ name, ...p, ...w })),
    { maxLength: 6 },
  );
  const coupons = fc.array(
    fc
      .record({ code: fc.string({ maxLength: 2 }), gtins: fc.option(fc.subarray(gtins), { nil: undefined }), rule: fc.oneof(percentage, amountOff), minimumSpendMinor: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }), window })
      .map(({ window: w, ...c }): Coupon => ({ name, ...c, ...w })),
    { maxLength: 4 },
  );

  it('never gives negative savings or lines, and every amount adds up', () => {
    fc.assert(
      fc.property(lines, promotions, coupons, fc.boolean(), (basket, promos, coups, loyalty) => {
        const result = applyDiscounts({ lines: basket, promotions: promos, coupons: coups, loyalty, at });
        const linePrices = basket.reduce((sum, l) => sum + l.priceMinor, 0);
        expect(result.savingsMinor).toBeGreaterThanOrEqual(0);
        expect(result.lineTotals.size).toBe(basket.length);
        let sum = 0;
        for (const total of result.lineTotals.values()) {
          expect(total).toBeGreaterThanOrEqual(0);
          sum += total;
        }
        expect(sum).toBe(result.totalMinor);
        expect(result.totalMinor + result.savingsMinor).toBe(linePrices);
        for (const discount of result.discounts) {
          expect(discount.amountMinor).toBeGreaterThan(0);
          expect(discount.lines.reduce((acc, l) => acc + l.amountMinor, 0)).toBe(discount.amountMinor);
        }
        // At most one promotion per line.
        const promoted = result.discounts.filter((d) => d.source === 'promotion').flatMap((d) => d.lines.map((l) => l.lineId));
        expect(new Set(promoted).size).toBe(promoted.length);
      }),
      { numRuns: 500 },
    );
  });
});
