import type { LaneView } from '../../shared/bridge/laneView';
import type { CheckoutContext, LaneInfo } from '../../shared/checkout/machine';
import { itemCount, saleTotalMinor, type BasketLine, type Sale } from '../../shared/checkout/sale';
import type { DeviceStatus } from '../../shared/devices';

export const lane: LaneInfo = { laneId: 'L03', storeName: 'Lanewise Riga Centre', currency: 'EUR', defaultLanguage: 'en', epoch: 'e7f3a1' };

export const ready: DeviceStatus = { kind: 'ready', warnings: [] };

export const milk: BasketLine = {
  lineId: 1,
  gtin: '04750000000017',
  scannedCode: '4750000000017',
  name: { en: 'Milk 2% 1 l', ru: 'Молоко 2% 1 л', lv: 'Piens 2% 1 l', bg: 'Мляко 2% 1 л' },
  pricing: 'unit',
  quantity: 2,
  unitPriceMinor: 119,
  priceMinor: 238,
  vatClass: 'B',
  vatRateBp: 1200,
};

export const apples: BasketLine = {
  lineId: 2,
  gtin: '02000123000000',
  scannedCode: '2000123005123',
  name: { en: 'Apples Gala', ru: 'Яблоки Гала', lv: 'Āboli Gala', bg: 'Ябълки Гала' },
  pricing: 'weight',
  quantity: 1,
  weightGrams: 512,
  unitPriceMinor: 299,
  priceMinor: 153,
  vatClass: 'B',
  vatRateBp: 1200,
};

export const bread: BasketLine = {
  lineId: 3,
  gtin: '04750000000024',
  scannedCode: '4750000000024',
  name: { en: 'Rye bread', ru: 'Ржаной хлеб', lv: 'Rudzu maize', bg: 'Ръжен хляб' },
  pricing: 'unit',
  quantity: 1,
  unitPriceMinor: 189,
  priceMinor: 189,
  vatClass: 'B',
  vatRateBp: 1200,
};

export function sale(lines: readonly BasketLine[], overrides: Partial<Sale> = {}): Sale {
  return {
    id: 'L03-e7f3a1-000042',
    number: 42,
    startedAt: Date.UTC(2025, 2, 7, 14, 0),
    lines,
    nextLineId: lines.length + 1,
    status: 'open',
    payments: [],
    language: 'en',
    ...overrides,
  };
}

export function context(overrides: Partial<CheckoutContext> = {}): CheckoutContext {
  return {
    lane,
    lastSaleNumber: 42,
    language: 'en',
    sale: null,
    closedSale: null,
    notice: null,
    devices: { scanner: ready, printer: ready, paymentTerminal: ready },
    payment: null,
    receipt: null,
    scale: null,
    zeroSeen: false,
    weighing: null,
    baggingArea: null,
    ...overrides,
  };
}

let nextVersion = 1;

/** A view as the lane would publish it: totals from the open sale, a rising version. */
export function view(state: string, overrides: Partial<CheckoutContext> = {}, extra: Partial<LaneView> = {}): LaneView {
  const ctx = context(overrides);
  const lines = ctx.sale?.lines ?? [];
  return { version: nextVersion++, state, context: ctx, totalMinor: saleTotalMinor(lines), itemCount: itemCount(lines), ...extra };
}

export const basket = sale([milk, apples, bread]);

/** An age-restricted line (18+). */
export const beer: BasketLine = {
  lineId: 4,
  gtin: '04750000000031',
  scannedCode: '4750000000031',
  name: { en: 'Lager 0.5 l', ru: 'Пиво 0,5 л', lv: 'Alus 0,5 l', bg: 'Бира 0,5 л' },
  pricing: 'unit',
  quantity: 1,
  unitPriceMinor: 149,
  priceMinor: 149,
  vatClass: 'A',
  vatRateBp: 2100,
  ageLimit: 18,
};

/** The assistant signed in at the lane (`context.assistant`). */
export const assistant = { id: '1042', name: 'Ilze', role: 'assistant', since: Date.UTC(2025, 2, 7, 13, 0) } as const;
