import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { demoProduce, demoVariableMeasure, showcase } from '../../../main/catalog/demoCatalog';
import { demoDeliPrefix, demoVariableMeasureGtin, ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { decodeBarcode, getRestrictedTemplate, isValidGtin, makeRestrictedBarcode, toGtin14 } from '../../../shared/barcode';
import { makeTempDir } from '../helpers/tempDir';

describe('the demo catalogue', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: CatalogStore;
  beforeEach(() => {
    dir = makeTempDir();
    const path = join(dir.path, 'catalog.sqlite');
    expect(ensureDemoCatalog(path).created).toBe(true);
    store = CatalogStore.open(path, { readonly: true });
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  it('has at least 5,000 items named in English and Russian, with VAT classes, weighed, age-restricted and variable-measure items', () => {
    expect(store.count()).toBeGreaterThanOrEqual(5000);
    const rows = store.db.prepare("SELECT json_extract(names, '$.ru') AS ru, sold_by, age_limit, variable_measure, vat_class FROM items").all() as {
      ru: string | null;
      sold_by: string;
      age_limit: number | null;
      variable_measure: number;
      vat_class: string;
    }[];
    expect(rows.every((row) => row.ru)).toBe(true);
    expect(rows.filter((row) => row.sold_by === 'weight').length).toBeGreaterThanOrEqual(demoProduce.length);
    expect(rows.filter((row) => row.age_limit === 18).length).toBeGreaterThan(10);
    expect(rows.filter((row) => row.variable_measure === 1)).toHaveLength(demoVariableMeasure.length);
    expect(new Set(rows.map((row) => row.vat_class))).toEqual(new Set(['A', 'B', 'C']));
  });

  it('finds items by barcode, PLU and name in any language', () => {
    for (const code of Object.values(showcase).filter((code) => code.length === 13)) expect(isValidGtin(code)).toBe(true);
    expect(store.lookup(toGtin14(showcase.milk))).toMatchObject({ name: { en: 'Milk 2.5% 1 L', ru: 'Молоко 2,5% 1 л' }, priceMinor: 119, vatRateBp: 1200 });
    expect(store.lookup(toGtin14(showcase.beer))?.ageLimit).toBe(18);
    expect(store.lookupPlu('4011')).toMatchObject({ name: { en: 'Bananas' }, soldBy: 'weight', priceMinor: 139 });
    expect(store.find('4011')[0]?.name.en).toBe('Bananas');
    expect(store.find('молоко').map((item) => item.name.en)).toContain('Milk 2.5% 1 L');
    expect(store.find('ŠOKOLĀDE').map((item) => item.name.en)).toContain('Dark chocolate 100 g');
    expect(store.find('no such thing')).toEqual([]);
  });

  it('keys service-counter items so that any printed label finds them', () => {
    const template = getRestrictedTemplate('sweden')!;
    const label = makeRestrictedBarcode(template, { prefix: demoDeliPrefix, itemReference: '000001', priceMinor: 458 }, 'EUR');
    const decoded = decodeBarcode(label, { currency: 'EUR', restrictedTemplate: template });
    expect(decoded.ok && decoded.value.lookupGtin).toBe(demoVariableMeasureGtin('000001'));
    expect(decoded.ok && decoded.value.priceMinor).toBe(458);
    expect(store.lookup(demoVariableMeasureGtin('000001'))).toMatchObject({ name: { en: 'Deli cheese' }, variableMeasure: true });
  });

  it('reads store settings', () => {
    expect(store.settings()).toEqual({ currency: 'EUR', restrictedTemplate: 'sweden' });
  });
});

describe('CatalogStore writes', () => {
  it('replaces an item in place and keeps lookups exact', () => {
    const dir = makeTempDir();
    const store = CatalogStore.open(join(dir.path, 'c.sqlite'));
    store.writeVatClasses([{ code: 'A', rateBp: 2100, label: 'VAT 21%' }]);
    const item = { gtin: '04006381333931', name: { en: 'Pen' }, priceMinor: 150, soldBy: 'unit' as const, variableMeasure: false, vatClass: 'A' };
    store.writeItems([item]);
    store.writeItems([{ ...item, priceMinor: 175 }]);
    expect(store.count()).toBe(1);
    expect(store.lookup('04006381333931')).toMatchObject({ gtin: '04006381333931', priceMinor: 175, vatRateBp: 2100 });
    expect(store.lookup('04006381333932')).toBeUndefined();
    store.close();
    dir.remove();
  });
});
