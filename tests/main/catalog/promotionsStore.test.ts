import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { produceGtin, showcase } from '../../../main/catalog/demoCatalog';
import { demoCouponCodes, demoCoupons, demoPromotions } from '../../../main/catalog/demoPromotions';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { catalogMigrations } from '../../../main/catalog/migrations';
import { migration0001Items } from '../../../main/catalog/migrations/0001_items';
import { migration0002Promotions } from '../../../main/catalog/migrations/0002_promotions';
import { migrate, schemaVersion } from '../../../main/db/database';
import { toGtin14 } from '../../../shared/barcode';
import { applyDiscounts, checkCoupon, type Coupon, type DiscountableLine, type Promotion } from '../../../shared/checkout/promotions';
import { makeTempDir } from '../helpers/tempDir';

const name = { en: 'Offer', ru: 'Акция' };

describe('migration 0002', () => {
  it('creates promotions and coupons with their constraints', () => {
    const db = new Database(':memory:');
    expect(migrate(db, [migration0001Items, migration0002Promotions])).toEqual([1, 2]);
    expect(schemaVersion(db)).toBe(2);
    const insert = db.prepare('INSERT INTO promotions (id, names, rule, gtins, valid_from, valid_to, loyalty_only) VALUES (?, ?, ?, ?, ?, ?, ?)');
    insert.run('p1', '{"en":"x"}', '{"kind":"percentage","percentBp":1000}', '["04750001000061"]', null, null, 0);
    // No English name, an unknown rule, GTINs not an array, validity backwards, a bad flag: all refused.
    expect(() => insert.run('p2', '{"ru":"x"}', '{"kind":"percentage","percentBp":1}', '[]', null, null, 0)).toThrow(/CHECK/);
    expect(() => insert.run('p2', '{"en":"x"}', '{"kind":"free"}', '[]', null, null, 0)).toThrow(/CHECK/);
    expect(() => insert.run('p2', '{"en":"x"}', '{"kind":"perKg","amountOffPerKgMinor":1}', '{}', null, null, 0)).toThrow(/CHECK/);
    expect(() => insert.run('p2', '{"en":"x"}', '{"kind":"perKg","amountOffPerKgMinor":1}', '[]', 5, 5, 0)).toThrow(/CHECK/);
    expect(() => insert.run('p2', '{"en":"x"}', '{"kind":"perKg","amountOffPerKgMinor":1}', '[]', null, null, 2)).toThrow(/CHECK/);
    const coupon = db.prepare('INSERT INTO coupons (code, names, rule, gtins, minimum_spend_minor) VALUES (?, ?, ?, ?, ?)');
    coupon.run('C1', '{"en":"x"}', '{"kind":"amountOff","amountMinor":100}', null, 1000);
    // A multi-buy is no coupon rule; a negative minimum spend is refused.
    expect(() => coupon.run('C2', '{"en":"x"}', '{"kind":"multiBuy","quantity":3,"priceMinor":1}', null, null)).toThrow(/CHECK/);
    expect(() => coupon.run('C2', '{"en":"x"}', '{"kind":"amountOff","amountMinor":1}', null, -1)).toThrow(/CHECK/);
  });

  it('is registered, and upgrades a version-1 catalogue in place', () => {
    expect(catalogMigrations[1]).toBe(migration0002Promotions);
    const db = new Database(':memory:');
    expect(migrate(db, [migration0001Items])).toEqual([1]);
    expect(migrate(db, catalogMigrations)[0]).toBe(2);
  });
});

describe('CatalogStore promotions and coupons', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: CatalogStore;
  beforeEach(() => {
    dir = makeTempDir();
    store = CatalogStore.open(join(dir.path, 'c.sqlite'));
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  const promotion: Promotion = { id: 'p1', name, gtins: ['4750001000061'], rule: { kind: 'percentage', percentBp: 2000 }, validFrom: 1000, validTo: 2000, loyaltyOnly: true };
  const coupon: Coupon = { code: 'LW-1', name, rule: { kind: 'amountOff', amountMinor: 100 }, minimumSpendMinor: 500 };

  it('round-trips promotions and coupons, with GTINs as GTIN-14', () => {
    expect(store.writePromotions([promotion, { id: 'p0', name, gtins: [], rule: { kind: 'multiBuy', quantity: 3, priceMinor: 300 } }])).toBe(2);
    expect(store.writeCoupons([coupon])).toBe(1);
    expect(store.promotions()).toEqual([
      { id: 'p0', name, gtins: [], rule: { kind: 'multiBuy', quantity: 3, priceMinor: 300 }, validFrom: undefined, validTo: undefined, loyaltyOnly: false },
      { ...promotion, gtins: ['04750001000061'] },
    ]);
    expect(store.coupon('LW-1')).toEqual({ ...coupon, gtins: undefined, validFrom: undefined, validTo: undefined, loyaltyOnly: false });
    expect(store.coupon('lw-1')).toBeUndefined();
  });

  it('upserts by id and code, and moves the revision', () => {
    store.writePromotions([promotion]);
    store.writeCoupons([coupon]);
    const before = store.revision();
    store.writePromotions([{ ...promotion, rule: { kind: 'amountOff', amountMinor: 50 } }]);
    store.writeCoupons([{ ...coupon, gtins: ['04750001000078'] }]);
    expect(store.revision()).not.toBe(before);
    expect(store.promotions()).toHaveLength(1);
    expect(store.promotions()[0]?.rule).toEqual({ kind: 'amountOff', amountMinor: 50 });
    expect(store.coupon('LW-1')?.gtins).toEqual(['04750001000078']);
  });

  it('refuses a batch with an invalid promotion and writes none of it', () => {
    expect(() => store.writePromotions([promotion, { ...promotion, id: 'bad', rule: { kind: 'percentage', percentBp: 1.5 } }])).toThrow();
    expect(() => store.writeCoupons([{ ...coupon, gtins: ['not a gtin'] }])).toThrow();
    expect(store.promotions()).toEqual([]);
    expect(store.coupon('LW-1')).toBeUndefined();
  });

  it('skips rows it cannot read instead of throwing', () => {
    store.writePromotions([promotion]);
    const put = store.db.prepare("INSERT INTO promotions (id, names, rule, gtins) VALUES (?, '{\"en\":\"x\"}', ?, ?)");
    put.run('neg', '{"kind":"amountOff","amountMinor":-5}', '[]');
    put.run('gtin', '{"kind":"amountOff","amountMinor":5}', '[12]');
    put.run('frac', '{"kind":"multiBuy","quantity":2.5,"priceMinor":1}', '[]');
    store.db.prepare("INSERT INTO coupons (code, names, rule) VALUES ('BAD', '{\"en\":\"x\"}', '{\"kind\":\"percentage\",\"percentBp\":20000}')").run();
    expect(store.promotions().map((p) => p.id)).toEqual(['p1']);
    expect(store.coupon('BAD')).toBeUndefined();
  });
});

describe('demo promotions', () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => dir.remove());

  function open(path: string, run: (store: CatalogStore) => void): void {
    const store = CatalogStore.open(path);
    try {
      run(store);
    } finally {
      store.close();
    }
  }

  it('are seeded into a new demo catalogue and price the showcase items', () => {
    const path = join(dir.path, 'catalog.sqlite');
    ensureDemoCatalog(path, 10);
    open(path, (store) => {
      expect(store.promotions()).toHaveLength(demoPromotions.length);
      for (const code of Object.values(demoCouponCodes)) expect(store.coupon(code)?.code).toBe(code);
      const at = Date.UTC(2026, 0, 15);
      const milk = toGtin14(showcase.milk);
      const lines: DiscountableLine[] = [
        { lineId: 1, gtin: milk, pricing: 'unit', quantity: 3, unitPriceMinor: 119, priceMinor: 357 },
        { lineId: 2, gtin: toGtin14(showcase.chocolate), pricing: 'unit', quantity: 1, unitPriceMinor: 229, priceMinor: 229 },
        { lineId: 3, gtin: toGtin14(showcase.coffee), pricing: 'unit', quantity: 1, unitPriceMinor: 749, priceMinor: 749 },
        { lineId: 4, gtin: produceGtin(showcase.bananasPlu), pricing: 'weight', quantity: 1, weightGrams: 1000, unitPriceMinor: 139, priceMinor: 139 },
      ];
      const promotions = store.promotions();
      // 3 milk 357 → 300 (57), chocolate −46, bananas −50 per kg; coffee only with a card (−100).
      expect(applyDiscounts({ lines, promotions, coupons: [], loyalty: false, at }).savingsMinor).toBe(57 + 46 + 50);
      expect(applyDiscounts({ lines, promotions, coupons: [], loyalty: true, at }).savingsMinor).toBe(57 + 46 + 50 + 100);
      const basket = { lines, couponCodes: [], loyalty: false, at, promotions };
      expect(checkCoupon(store.coupon(demoCouponCodes.coffee), basket)).toEqual({ ok: true });
      expect(checkCoupon(store.coupon(demoCouponCodes.expired), basket)).toEqual({ ok: false, reason: 'expired' });
      // 1474 − 153 = 1321 after promotions: over the 10.00 minimum.
      expect(checkCoupon(store.coupon(demoCouponCodes.tenPercent), basket)).toEqual({ ok: true });
      expect(checkCoupon(store.coupon(demoCouponCodes.tenPercent), { ...basket, lines: lines.slice(0, 2) })).toEqual({ ok: false, reason: 'minimumSpend' });
    });
  });

  it('are added to an existing demo catalogue whose promotions table is empty, and left alone otherwise', () => {
    const path = join(dir.path, 'catalog.sqlite');
    ensureDemoCatalog(path, 10);
    open(path, (store) => {
      store.db.exec('DELETE FROM promotions; DELETE FROM coupons');
    });
    expect(ensureDemoCatalog(path, 10).created).toBe(false);
    open(path, (store) => {
      expect(store.promotions().map((p) => p.id)).toEqual(demoPromotions.map((p) => p.id).sort());
      expect(store.coupon(demoCouponCodes.tenPercent)).toBeDefined();
      store.db.prepare('DELETE FROM promotions WHERE id = ?').run(demoPromotions[0]!.id);
    });
    ensureDemoCatalog(path, 10);
    open(path, (store) => expect(store.promotions()).toHaveLength(demoPromotions.length - 1));
  });

  it('name every offer in all four languages and use the expired coupon only in the past', () => {
    for (const offer of [...demoPromotions, ...demoCoupons]) expect(Object.keys(offer.name).sort()).toEqual(['bg', 'en', 'lv', 'ru']);
    const expired = demoCoupons.find((c) => c.code === demoCouponCodes.expired)!;
    expect(expired.validTo).toBe(Date.UTC(2025, 0, 1));
  });
});
