import { describe, expect, it } from 'vitest';
import {
  decodeBarcode,
  getRestrictedTemplate,
  isValidGtin,
  makeRestrictedBarcode,
  restrictedLookupGtin,
  restrictedTemplates,
  type RestrictedPrefix,
  type RestrictedTemplate,
} from '../../../shared/barcode';

const sweden = { currency: 'SEK', restrictedTemplate: restrictedTemplates.sweden };
const germany = { currency: 'EUR', restrictedTemplate: restrictedTemplates.germany };

describe('Swedish template (GS1 Sweden viktvarunummer: 2X IIIIII VVVV C)', () => {
  // Item 880601; value digits 1234 read per the X digit as GS1 Sweden's own examples (12,34 kr … 123,4 kg).
  it.each([
    ['2088060112343', { priceMinor: 1234 }, '02088060100005'], // 20: 12,34 kr
    ['2188060112340', { priceMinor: 12340 }, '02188060100002'], // 21: 123,4 kr
    ['2288060112347', { priceMinor: 123400 }, '02288060100009'], // 22: 1234 kr
    ['2388060112344', { weightGrams: 1234 }, '02388060100006'], // 23: 1,234 kg
    ['2488060112341', { weightGrams: 12340 }, '02488060100003'], // 24: 12,34 kg
    ['2588060112348', { weightGrams: 123400 }, '02588060100000'], // 25: 123,4 kg
  ])('%s', (code, measure, lookupGtin) => {
    expect(decodeBarcode(code, sweden)).toEqual({
      ok: true,
      value: { symbology: 'ean-13', gtin: `0${code}`, lookupGtin, restricted: { template: 'sweden', itemReference: '880601' }, ...measure },
    });
  });

  it('decodes prefixes 26–29 as plain GTINs', () => {
    expect(decodeBarcode('2911111111111', sweden)).toEqual({
      ok: true,
      value: { symbology: 'ean-13', gtin: '02911111111111', lookupGtin: '02911111111111' },
    });
  });

  it('has no price check digit: any value with a right EAN check digit is accepted', () => {
    const code = makeRestrictedBarcode(restrictedTemplates.sweden, { prefix: '20', itemReference: '123456', priceMinor: 9999 }, 'SEK');
    expect(code).toBe('2012345699991');
    expect(decodeBarcode(code, sweden)).toMatchObject({ ok: true, value: { priceMinor: 9999 } });
  });
});

describe('German template (GS1 Germany SAN-4: 2X SSSS P VVVVV C)', () => {
  it('reads the price example GS1 Germany publishes: 23 3071 4 002,39 6', () => {
    expect(decodeBarcode('2330714002396', germany)).toEqual({
      ok: true,
      value: {
        symbology: 'ean-13',
        gtin: '02330714002396',
        lookupGtin: '02330710000006',
        restricted: { template: 'germany', itemReference: '3071' },
        priceMinor: 239,
      },
    });
  });

  it('reads the weight example GS1 Germany publishes: 29 3071 1 06,870 0', () => {
    expect(decodeBarcode('2930711068700', germany)).toEqual({
      ok: true,
      value: {
        symbology: 'ean-13',
        gtin: '02930711068700',
        lookupGtin: '02930710000008',
        restricted: { template: 'germany', itemReference: '3071' },
        weightGrams: 6870,
      },
    });
  });

  it('reads prefixes 22 and 28 with the same layouts', () => {
    expect(decodeBarcode('2211114002394', germany)).toMatchObject({ ok: true, value: { priceMinor: 239, restricted: { itemReference: '1111' } } });
    expect(decodeBarcode('2811111068708', germany)).toMatchObject({ ok: true, value: { weightGrams: 6870, restricted: { itemReference: '1111' } } });
  });

  it('decodes the piece-count example (26 3071 9 00012 1) as a plain GTIN: counts are not supported', () => {
    expect(decodeBarcode('2630719000121', germany)).toEqual({
      ok: true,
      value: { symbology: 'ean-13', gtin: '02630719000121', lookupGtin: '02630719000121' },
    });
  });

  it('refuses a wrong price check digit even when the EAN check digit is right', () => {
    // 23 3071 5 00239 5: EAN check digit recomputed for the wrong price check digit 5 (should be 4).
    expect(decodeBarcode('2330715002395', germany)).toEqual({
      ok: false,
      error: { reason: 'priceCheckDigit', detail: 'price check digit of 00239 is 5, expected 4 (template germany)', symbology: 'ean-13' },
    });
  });

  it('checks the EAN check digit before the price check digit', () => {
    expect(decodeBarcode('2330714002397', germany)).toMatchObject({ ok: false, error: { reason: 'checkDigit' } });
  });
});

describe('restricted decoding and options', () => {
  it('decodes 20–29 as plain GTINs without a template (absent or null)', () => {
    const plain = { ok: true, value: { symbology: 'ean-13', gtin: '02330714002396', lookupGtin: '02330714002396' } };
    expect(decodeBarcode('2330714002396', { currency: 'EUR' })).toEqual(plain);
    expect(decodeBarcode('2330714002396', { currency: 'EUR', restrictedTemplate: null })).toEqual(plain);
  });

  it('applies the template under ]E0 and ]E3 and to 14-digit scans', () => {
    expect(decodeBarcode(']E02330714002396', germany)).toMatchObject({ ok: true, value: { aim: ']E0', priceMinor: 239 } });
    expect(decodeBarcode(']E3233071400239612', germany)).toMatchObject({ ok: true, value: { aim: ']E3', priceMinor: 239 } });
    expect(decodeBarcode('02330714002396', germany)).toMatchObject({ ok: true, value: { symbology: 'gtin-14', priceMinor: 239 } });
  });

  it('does not apply the template to AI (01) of element strings', () => {
    expect(decodeBarcode(']C10102330714002396', germany)).toEqual({
      ok: true,
      value: { symbology: 'gs1-128', aim: ']C1', gtin: '02330714002396', lookupGtin: '02330714002396' },
    });
  });

  it('does not treat UPC-A number system 2 (GTIN-14 002…) as prefix 20–29', () => {
    expect(decodeBarcode('212345678992', sweden)).toEqual({
      ok: true,
      value: { symbology: 'upc-a', gtin: '00212345678992', lookupGtin: '00212345678992' },
    });
  });

  it('converts prices to the currency minor units, refusing digits the currency cannot hold', () => {
    const yen = { currency: 'JPY', restrictedTemplate: restrictedTemplates.sweden };
    expect(decodeBarcode('2288060112347', yen)).toMatchObject({ ok: true, value: { priceMinor: 1234 } }); // 1234 whole units
    const twelveYen = makeRestrictedBarcode(restrictedTemplates.sweden, { prefix: '20', itemReference: '880601', priceMinor: 1200 }, 'SEK');
    expect(decodeBarcode(twelveYen, yen)).toMatchObject({ ok: true, value: { priceMinor: 12 } }); // 12,00 → 12
    expect(decodeBarcode('2088060112343', yen)).toEqual({
      ok: false,
      error: { reason: 'unsupportedPrecision', detail: 'price 1234 has 2 decimals, more than JPY minor units allow (0)', symbology: 'ean-13' },
    });
  });
});

describe('makeRestrictedBarcode', () => {
  it('reproduces the codes GS1 Germany publishes', () => {
    expect(makeRestrictedBarcode(restrictedTemplates.germany, { prefix: '23', itemReference: '3071', priceMinor: 239 }, 'EUR')).toBe('2330714002396');
    expect(makeRestrictedBarcode(restrictedTemplates.germany, { prefix: '29', itemReference: '3071', weightGrams: 6870 }, 'EUR')).toBe('2930711068700');
  });

  it.each<[RestrictedTemplate, RestrictedPrefix, string, { priceMinor?: number; weightGrams?: number }, string]>([
    [restrictedTemplates.sweden, '20', '000042', { priceMinor: 4995 }, 'SEK'],
    [restrictedTemplates.sweden, '21', '123456', { priceMinor: 12340 }, 'SEK'],
    [restrictedTemplates.sweden, '22', '999999', { priceMinor: 999900 }, 'SEK'],
    [restrictedTemplates.sweden, '23', '000001', { weightGrams: 1 }, 'SEK'],
    [restrictedTemplates.sweden, '24', '500000', { weightGrams: 99990 }, 'SEK'],
    [restrictedTemplates.sweden, '25', '000777', { weightGrams: 100 }, 'SEK'],
    [restrictedTemplates.germany, '22', '0001', { priceMinor: 99999 }, 'EUR'],
    [restrictedTemplates.germany, '23', '9999', { priceMinor: 0 }, 'EUR'],
    [restrictedTemplates.germany, '28', '4711', { weightGrams: 1500 }, 'EUR'],
    [restrictedTemplates.germany, '29', '0815', { weightGrams: 99999 }, 'EUR'],
  ])('round-trips %s prefix %s item %s', (template, prefix, itemReference, measure, currency) => {
    const code = makeRestrictedBarcode(template, { prefix, itemReference, ...measure }, currency);
    expect(code).toHaveLength(13);
    expect(isValidGtin(code)).toBe(true);
    const lookupGtin = restrictedLookupGtin(template, prefix, itemReference);
    expect(decodeBarcode(code, { currency, restrictedTemplate: template })).toEqual({
      ok: true,
      value: { symbology: 'ean-13', gtin: `0${code}`, lookupGtin, restricted: { template: template.name, itemReference }, ...measure },
    });
  });

  it('throws when the value cannot be written exactly', () => {
    const { sweden: se, germany: de } = restrictedTemplates;
    expect(() => makeRestrictedBarcode(se, { prefix: '22', itemReference: '000001', priceMinor: 1234 }, 'SEK')).toThrow(/cannot be written with 0 decimals/);
    expect(() => makeRestrictedBarcode(se, { prefix: '24', itemReference: '000001', weightGrams: 1234 }, 'SEK')).toThrow(RangeError);
    expect(() => makeRestrictedBarcode(se, { prefix: '20', itemReference: '000001', priceMinor: 10000 }, 'SEK')).toThrow(/does not fit in 4 digits/);
    expect(() => makeRestrictedBarcode(de, { prefix: '23', itemReference: '0001', priceMinor: -1 }, 'EUR')).toThrow(RangeError);
    expect(() => makeRestrictedBarcode(de, { prefix: '23', itemReference: '0001', priceMinor: 1.5 }, 'EUR')).toThrow(RangeError);
  });

  it('throws when the layout or the measure does not match', () => {
    const { sweden: se, germany: de } = restrictedTemplates;
    expect(() => makeRestrictedBarcode(se, { prefix: '26', itemReference: '000001', weightGrams: 1 }, 'SEK')).toThrow(/no layout for prefix "26"/);
    expect(() => makeRestrictedBarcode(se, { prefix: '20', itemReference: '00001', priceMinor: 1 }, 'SEK')).toThrow(/6-digit item reference/);
    expect(() => makeRestrictedBarcode(de, { prefix: '23', itemReference: '0001', weightGrams: 100 }, 'EUR')).toThrow(/give priceMinor only/);
    expect(() => makeRestrictedBarcode(de, { prefix: '29', itemReference: '0001', weightGrams: 100, priceMinor: 1 }, 'EUR')).toThrow(/give weightGrams only/);
  });
});

describe('restrictedLookupGtin', () => {
  it('zeroes the value and price check digit and recomputes the check digit', () => {
    expect(restrictedLookupGtin(restrictedTemplates.germany, '23', '3071')).toBe('02330710000006');
    expect(restrictedLookupGtin(restrictedTemplates.sweden, '23', '880601')).toBe('02388060100006');
    expect(isValidGtin(restrictedLookupGtin(restrictedTemplates.germany, '29', '0815'))).toBe(true);
  });

  it('throws for prefixes the template has no layout for, and for bad item references', () => {
    expect(() => restrictedLookupGtin(restrictedTemplates.germany, '26', '3071')).toThrow(RangeError);
    expect(() => restrictedLookupGtin(restrictedTemplates.germany, '23', '30a1')).toThrow(RangeError);
    expect(() => restrictedLookupGtin(restrictedTemplates.germany, 'toString', '3071')).toThrow(RangeError);
  });
});

describe('getRestrictedTemplate', () => {
  it('finds shipped templates by name or country code, in any case', () => {
    expect(getRestrictedTemplate('sweden')).toBe(restrictedTemplates.sweden);
    expect(getRestrictedTemplate('SE')).toBe(restrictedTemplates.sweden);
    expect(getRestrictedTemplate('Germany')).toBe(restrictedTemplates.germany);
    expect(getRestrictedTemplate('de')).toBe(restrictedTemplates.germany);
  });

  it('returns undefined for anything else', () => {
    expect(getRestrictedTemplate('france')).toBeUndefined();
    expect(getRestrictedTemplate('constructor')).toBeUndefined();
    expect(getRestrictedTemplate('')).toBeUndefined();
  });
});

describe('shipped template layouts', () => {
  it.each(Object.values(restrictedTemplates))('$name: fields fit the 13 digits without overlapping and cite a source', (template) => {
    expect(template.source).toMatch(/GS1 (Sweden|Germany)/);
    for (const [prefix, format] of Object.entries(template.formats)) {
      expect(prefix).toMatch(/^2\d$/);
      const used = new Set<number>([0, 1, 12]); // prefix and EAN check digit
      const take = (index: number): void => {
        expect(index).toBeGreaterThanOrEqual(0);
        expect(index).toBeLessThan(12);
        expect(used.has(index)).toBe(false);
        used.add(index);
      };
      for (let i = 0; i < format.itemReference.length; i++) take(format.itemReference.start + i);
      for (let i = 0; i < format.value.length; i++) take(format.value.start + i);
      if (format.valueCheckDigitAt !== undefined) {
        take(format.valueCheckDigitAt);
        expect([4, 5]).toContain(format.value.length);
      }
    }
  });
});
