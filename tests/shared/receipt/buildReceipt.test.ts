import { describe, expect, it } from 'vitest';
import type { LaneInfo } from '../../../shared/checkout/machine';
import { saleTotalMinor, vatBreakdown, type BasketLine, type Sale } from '../../../shared/checkout/sale';
import { formatMoney } from '../../../shared/money';
import type { ReceiptBlock } from '../../../shared/receipt';
import { buildReceiptDocument } from '../../../shared/receipt/buildReceipt';

const lane: LaneInfo = { laneId: 'L03', storeName: 'Lanewise Riga Centre', currency: 'EUR', defaultLanguage: 'lv', epoch: 'e7f3a1' };

const milk: BasketLine = {
  lineId: 1,
  gtin: '04750000000017',
  scannedCode: '4750000000017',
  name: { en: 'Milk 2% 1 l', ru: 'Молоко 2% 1 л', lv: 'Piens 2% 1 l', bg: 'Мляко 2% 1 л' },
  pricing: 'unit',
  quantity: 3,
  unitPriceMinor: 119,
  priceMinor: 357,
  vatClass: 'B',
  vatRateBp: 1200,
};
const apples: BasketLine = {
  lineId: 2,
  gtin: '02000123000000',
  scannedCode: '2000123005123',
  name: { en: 'Apples Gala', ru: 'Яблоки Гала' },
  pricing: 'weight',
  quantity: 1,
  weightGrams: 512,
  unitPriceMinor: 299,
  priceMinor: 153,
  vatClass: 'B',
  vatRateBp: 1200,
};
const soap: BasketLine = {
  lineId: 3,
  gtin: '04006000000008',
  scannedCode: '4006000000008',
  name: { en: 'Hand soap' },
  pricing: 'unit',
  quantity: 1,
  unitPriceMinor: 249,
  priceMinor: 249,
  vatClass: 'A',
  vatRateBp: 2100,
};
const cheese: BasketLine = {
  lineId: 4,
  gtin: '02400456000000',
  scannedCode: '2400456012347',
  name: { en: 'Cheese (deli)', ru: 'Сыр (развесной)' },
  pricing: 'label',
  quantity: 1,
  weightGrams: 236,
  unitPriceMinor: 1290,
  priceMinor: 305,
  vatClass: 'A',
  vatRateBp: 2100,
};

const lines = [milk, apples, soap, cheese];
const total = saleTotalMinor(lines);
// 2025-03-07 16:05 in Riga (UTC+2).
const closedAt = Date.UTC(2025, 2, 7, 14, 5, 9);

function sale(overrides: Partial<Sale> = {}): Sale {
  return {
    id: 'L03-e7f3a1-000042',
    number: 42,
    startedAt: closedAt - 120_000,
    closedAt,
    lines,
    nextLineId: 5,
    status: 'completed',
    language: 'ru',
    payments: [{ tender: 'card', reference: 'L03-e7f3a1-000042-P1', amountMinor: total, authCode: 'A1B2C3', maskedPan: '**** **** **** 4242', scheme: 'Visa', at: closedAt }],
    ...overrides,
  };
}

/** Intl puts (narrow) no-break spaces into Russian and Latvian numbers; compare with plain spaces. */
const plain = (s: string) => s.replace(/\s/gu, ' ');
const texts = (blocks: readonly ReceiptBlock[]) => blocks.flatMap((b) => (b.kind === 'text' ? [plain(b.text)] : []));
const rows = (blocks: readonly ReceiptBlock[]) => blocks.flatMap((b) => (b.kind === 'row' ? [[plain(b.left), plain(b.right)] as const] : []));
const eur = (minor: number, locale: string) => plain(formatMoney(minor, 'EUR', locale));

describe('buildReceiptDocument', () => {
  const options = { timeZone: 'Europe/Riga' };

  it('prints a Russian receipt with Russian names, falling back to English where a name has no Russian', () => {
    const { blocks } = buildReceiptDocument(sale(), lane, options);
    expect(blocks[0]).toEqual({ kind: 'text', text: 'Lanewise Riga Centre', align: 'center', bold: true, size: 'large' });
    expect(texts(blocks)).toContain('Касса L03');
    expect(rows(blocks)).toContainEqual(['Чек № 42', '07.03.2025, 16:05']);
    expect(rows(blocks)).toContainEqual(['Молоко 2% 1 л', eur(357, 'ru-RU')]);
    expect(rows(blocks)).toContainEqual(['Яблоки Гала', eur(153, 'ru-RU')]);
    expect(rows(blocks)).toContainEqual(['Hand soap', eur(249, 'ru-RU')]);
    expect(rows(blocks)).toContainEqual(['ИТОГО', eur(total, 'ru-RU')]);
    expect(texts(blocks)).toContain('6 товаров');
    expect(texts(blocks)).toContain('Спасибо за покупку!');
  });

  it('shows quantity × unit price only for several pieces, weight × price per kg for weighed lines', () => {
    const { blocks } = buildReceiptDocument(sale({ language: 'en' }), lane, options);
    const details = texts(blocks).filter((text) => text.startsWith('  '));
    expect(details).toEqual(['  3 × €1.19', '  0.512 kg × €2.99/kg', '  0.236 kg']);
    const ru = texts(buildReceiptDocument(sale(), lane, options).blocks);
    expect(ru).toContain(`  0,512 кг × ${eur(299, 'ru-RU')}/кг`);
  });

  it('lists VAT per rate, and the rows add up to the total', () => {
    const { blocks } = buildReceiptDocument(sale({ language: 'lv' }), lane, options);
    const breakdown = vatBreakdown(lines);
    expect(breakdown.map((r) => r.rateBp)).toEqual([2100, 1200]);
    expect(breakdown.reduce((sum, r) => sum + r.grossMinor, 0)).toBe(total);
    for (const row of breakdown) expect(row.netMinor + row.vatMinor).toBe(row.grossMinor);
    expect(texts(blocks)).toContain('Tai skaitā PVN');
    expect(rows(blocks)).toContainEqual([`PVN 21% no ${eur(554, 'lv-LV')}`, eur(96, 'lv-LV')]);
    expect(rows(blocks)).toContainEqual([`PVN 12% no ${eur(510, 'lv-LV')}`, eur(55, 'lv-LV')]);
    expect(rows(blocks)).toContainEqual(['PVN kopā', eur(151, 'lv-LV')]);
    expect(breakdown.reduce((sum, r) => sum + r.vatMinor, 0)).toBe(151);
  });

  it('prints the card payment with scheme, masked number and auth code', () => {
    const { blocks } = buildReceiptDocument(sale({ language: 'bg' }), lane, options);
    expect(texts(blocks)).toContain('Плащане с карта');
    expect(rows(blocks)).toContainEqual(['Visa **** **** **** 4242', eur(total, 'bg-BG')]);
    expect(rows(blocks)).toContainEqual(['Код за оторизация', 'A1B2C3']);
    expect(rows(blocks)).toContainEqual(['Номер на транзакцията', 'L03-e7f3a1-000042-P1']);
  });

  it('ends with a Code 128 barcode of the sale id', () => {
    const { blocks } = buildReceiptDocument(sale(), lane, options);
    const index = blocks.findIndex((b) => b.kind === 'barcode');
    expect(blocks[index]).toEqual({ kind: 'barcode', symbology: 'code128', data: 'L03-e7f3a1-000042' });
    expect(blocks[index + 1]).toEqual({ kind: 'text', text: 'L03-e7f3a1-000042', align: 'center' });
  });

  it('marks cancelled sales and reprints', () => {
    const cancelled = buildReceiptDocument(sale({ status: 'cancelled', payments: [], language: 'en' }), lane, options).blocks;
    expect(texts(cancelled)).toContain('CANCELLED');
    expect(texts(cancelled)).toContain('This sale was cancelled. Nothing was charged.');
    expect(texts(cancelled)).not.toContain('Card payment');
    const reprint = buildReceiptDocument(sale({ language: 'lv' }), lane, { ...options, reprint: true }).blocks;
    expect(reprint[0]).toMatchObject({ kind: 'text', text: 'KOPIJA', bold: true });
    expect(texts(buildReceiptDocument(sale(), lane, options).blocks)).not.toContain('КОПИЯ');
  });

  it('uses the card scheme fallback and the date format of each language', () => {
    const payment = { ...sale().payments[0]!, scheme: undefined };
    const en = buildReceiptDocument(sale({ language: 'en', payments: [payment] }), lane, options).blocks;
    expect(rows(en)).toContainEqual(['Card **** **** **** 4242', eur(total, 'en-GB')]);
    expect(rows(en)).toContainEqual(['Sale no. 42', '07/03/2025, 16:05']);
  });
});
