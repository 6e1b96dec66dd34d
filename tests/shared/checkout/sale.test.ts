import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../../shared/catalog/item';
import { addLine, itemCount, priceScan, saleTotalMinor, vatBreakdown, type BasketLine, type Sale } from '../../../shared/checkout/sale';

const milk: CatalogItem = { gtin: '04750001000016', name: { en: 'Milk' }, priceMinor: 119, soldBy: 'unit', variableMeasure: false, vatClass: 'B', vatRateBp: 1200 };
const cheese: CatalogItem = { gtin: '02000010000002', name: { en: 'Deli cheese' }, priceMinor: 1290, soldBy: 'weight', variableMeasure: true, vatClass: 'A', vatRateBp: 2100 };

const emptySale: Sale = { id: 'L01-x-000001', number: 1, startedAt: 0, lines: [], nextLineId: 1, status: 'open', payments: [], language: 'en' };

describe('priceScan', () => {
  it('prices a unit item at its catalogue price', () => {
    const outcome = priceScan({ scannedCode: '4750001000016', lookupGtin: milk.gtin }, milk);
    expect(outcome).toMatchObject({ kind: 'item', line: { pricing: 'unit', quantity: 1, priceMinor: 119, vatRateBp: 1200 } });
  });

  it('takes a label price as printed', () => {
    const outcome = priceScan({ scannedCode: '2000001012345', lookupGtin: cheese.gtin, priceMinor: 1234 }, cheese);
    expect(outcome).toMatchObject({ kind: 'item', line: { pricing: 'label', priceMinor: 1234 } });
  });

  it('prices a labelled weight at the price per kg, rounding half up to the cent', () => {
    // 0.355 kg × 12.90 €/kg = 4.5795 € → 4.58 €
    const outcome = priceScan({ scannedCode: 'x', lookupGtin: cheese.gtin, weightGrams: 355 }, cheese);
    expect(outcome).toMatchObject({ kind: 'item', line: { pricing: 'weight', weightGrams: 355, priceMinor: 458 } });
  });

  it('asks for the scale when a weighed item has no weight in its code', () => {
    expect(priceScan({ scannedCode: 'x', lookupGtin: cheese.gtin }, cheese)).toMatchObject({ kind: 'needsWeighing' });
  });

  it('reports an item that is not in the catalogue', () => {
    expect(priceScan({ scannedCode: 'x', lookupGtin: '00000000000017' }, undefined)).toEqual({ kind: 'unknownItem', gtin: '00000000000017' });
  });
});

describe('basket arithmetic', () => {
  const add = (sale: Sale, item: CatalogItem, code: { weightGrams?: number } = {}) => {
    const outcome = priceScan({ scannedCode: 'x', lookupGtin: item.gtin, ...code }, item);
    if (outcome.kind !== 'item') throw new Error('not an item');
    return addLine(sale, outcome.line);
  };

  it('merges pieces of the same unit item and keeps weighed lines apart', () => {
    let sale = add(emptySale, milk);
    sale = add(sale, cheese, { weightGrams: 200 });
    sale = add(sale, milk);
    sale = add(sale, cheese, { weightGrams: 100 });
    expect(sale.lines.map((line: BasketLine) => [line.lineId, line.quantity, line.priceMinor])).toEqual([
      [1, 2, 238],
      [2, 1, 258],
      [3, 1, 129],
    ]);
    expect(saleTotalMinor(sale.lines)).toBe(625);
    expect(itemCount(sale.lines)).toBe(4);
  });

  it('splits VAT per rate so the rows add up to the total', () => {
    let sale = add(emptySale, milk);
    sale = add(sale, milk);
    sale = add(sale, cheese, { weightGrams: 355 });
    const rows = vatBreakdown(sale.lines);
    expect(rows).toEqual([
      // 4.58 € at 21 %: VAT = 4.58 × 21/121 = 0.7949 → 0.79
      { vatClass: 'A', rateBp: 2100, grossMinor: 458, vatMinor: 79, netMinor: 379 },
      // 2.38 € at 12 %: VAT = 2.38 × 12/112 = 0.255 → 0.26 (half up)
      { vatClass: 'B', rateBp: 1200, grossMinor: 238, vatMinor: 26, netMinor: 212 },
    ]);
    expect(rows.reduce((sum, row) => sum + row.grossMinor, 0)).toBe(saleTotalMinor(sale.lines));
  });
});
