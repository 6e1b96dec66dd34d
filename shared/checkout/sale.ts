import type { CatalogItem } from '../catalog/item';
import type { LocalizedText, Language } from '../i18n/languages';
import { priceForWeight } from '../money';
import type { BaggingExpectation } from './bagging';
import type { WeighableItem } from './weighing';
import type { Coupon, Promotion } from './promotions';

/** How a line's price was reached. */
export type LinePricing =
  /** catalogue price × quantity */
  | 'unit'
  /** catalogue price per kg × weight from the label */
  | 'weight'
  /** price printed into the barcode by a service-counter scale */
  | 'label';

/** One line of the basket. Prices are frozen when the item is scanned. */
export interface BasketLine {
  readonly lineId: number;
  /** The catalogue key the item was found under. */
  readonly gtin: string;
  /** Exactly what the scanner sent, for the journal and audit. */
  readonly scannedCode: string;
  readonly name: LocalizedText;
  readonly pricing: LinePricing;
  readonly quantity: number;
  readonly weightGrams?: number | undefined;
  /** The container's preset tare taken off a weighed item (`weightGrams` is then the net weight). */
  readonly tareGrams?: number | undefined;
  /** Per piece, or per kg for weighed items. */
  readonly unitPriceMinor: number;
  /** What this line costs, VAT included. */
  readonly priceMinor: number;
  readonly vatClass: string;
  readonly vatRateBp: number;
  readonly ageLimit?: number | undefined;
  /** What one piece should add to the bagging area (from the lane's learned weights, or the weighing). */
  readonly bagging?: BaggingExpectation | undefined;
  /** Keyed in by hand (a damaged barcode), not scanned. */
  readonly keyed?: boolean | undefined;
  /** An assistant changed the price: what it was, why, and who. */
  readonly priceOverride?: PriceOverride | undefined;
}

export type PriceOverrideReason = 'damaged' | 'shelfPrice' | 'other';

export interface PriceOverride {
  /** Per piece for unit lines, the line's price otherwise (what `unitPriceMinor`/`priceMinor` were). */
  readonly originalMinor: number;
  readonly reason: PriceOverrideReason;
  readonly by: AssistantRef;
  readonly at: number;
}

/** Who did something only staff may do, as recorded in the sale and the journal. */
export interface AssistantRef {
  readonly id: string;
  readonly name: string;
  readonly role: 'assistant' | 'supervisor';
}

/** Where an assistant's decision was made. */
export type ApprovalSource = 'lane' | 'supervisor';

/** One thing an assistant did, for the audit: who, what, when, where. */
export interface AssistantAction {
  readonly at: number;
  readonly by: AssistantRef;
  readonly via: ApprovalSource;
  readonly action: string;
  readonly saleId?: string | undefined;
  /** What exactly: line, amounts, reason (plain data, English keys). */
  readonly detail?: Readonly<Record<string, string | number | boolean | null>> | undefined;
}

export interface AgeApproval {
  /** The highest age limit the assistant checked the shopper against. */
  readonly age: number;
  readonly by: AssistantRef;
  readonly via: ApprovalSource;
  readonly at: number;
}

export type NewLine = Omit<BasketLine, 'lineId'>;

export type PaymentRecord = CardPayment | AssistantTender;

export interface CardPayment {
  readonly tender: 'card';
  readonly reference: string;
  /** What the terminal approved: less than asked for on a partial approval. */
  readonly amountMinor: number;
  readonly authCode: string;
  readonly maskedPan: string;
  readonly scheme?: string | undefined;
  readonly at: number;
}

/** Cash or another tender taken by an assistant at the lane ("pay at the assistant"). */
export interface AssistantTender {
  readonly tender: 'cash' | 'other';
  /** What went towards the sale. */
  readonly amountMinor: number;
  /** What the shopper handed over (cash); the difference is change given. */
  readonly tenderedMinor: number;
  readonly changeMinor: number;
  readonly by: AssistantRef;
  readonly at: number;
}

export interface Sale {
  /** Globally unique: lane id, the lane database's epoch and the sale number. */
  readonly id: string;
  /** Lane-local sequence number; gaps at the store mean a missing sale. */
  readonly number: number;
  readonly startedAt: number;
  readonly lines: readonly BasketLine[];
  readonly nextLineId: number;
  /** `suspended`: put on hold with a slip; resumed (once) as a new sale on any lane of the store. */
  readonly status: 'open' | 'completed' | 'cancelled' | 'suspended';
  readonly closedAt?: number | undefined;
  readonly payments: readonly PaymentRecord[];
  /** The shopper's language when the sale closed (the receipt prints in it). */
  readonly language: Language;
  /**
   * What the bagging scale saw for single items that matched: the lane learns each item's
   * weight from these when the sale completes (never from a sale that did not).
   */
  readonly baggingObservations?: readonly BaggingObservation[] | undefined;
  /** The shopper's age was checked by an assistant (covers items up to that age). */
  readonly ageApproval?: AgeApproval | undefined;
  /** Items the shopper did not put in the bagging area (heavy or bulky), counted against the store's limit. */
  readonly skippedBagging?: number | undefined;
  /** Everything an assistant did in this sale. */
  readonly assistantActions?: readonly AssistantAction[] | undefined;
  /** The catalogue's offers for the items scanned (as they were at the scan), for pricing the sale (pricing.ts). */
  readonly promotions?: readonly Promotion[] | undefined;
  /** Coupons the shopper scanned, as the catalogue defined them at the scan. */
  readonly coupons?: readonly Coupon[] | undefined;
  /** The shopper's loyalty card, once scanned (member prices apply). */
  readonly loyalty?: { readonly card: string } | undefined;
  /** Suspended sales this sale took over (their slips were scanned here). */
  readonly resumedFrom?: readonly string[] | undefined;
}

/**
 * A suspended sale taken over by `sale`: its items, offers, coupons and card join the basket.
 * The items are in the trolley, not the bagging area, and the ID check is done again (the
 * shopper at this lane may not be the one who was checked).
 */
export function resumeInto(sale: Sale, suspended: Sale): Sale {
  let resumed: Sale = sale;
  for (const { lineId: _lineId, ...line } of suspended.lines) resumed = addLine(resumed, line);
  const known = new Set((resumed.promotions ?? []).map((promotion) => promotion.id));
  const codes = new Set((resumed.coupons ?? []).map((coupon) => coupon.code));
  return {
    ...resumed,
    promotions: [...(resumed.promotions ?? []), ...(suspended.promotions ?? []).filter((promotion) => !known.has(promotion.id))],
    coupons: [...(resumed.coupons ?? []), ...(suspended.coupons ?? []).filter((coupon) => !codes.has(coupon.code))],
    loyalty: resumed.loyalty ?? suspended.loyalty,
    resumedFrom: [...(resumed.resumedFrom ?? []), suspended.id],
  };
}

export interface BaggingObservation {
  readonly gtin: string;
  readonly grams: number;
}

export function saleId(laneId: string, laneEpoch: string, saleNumber: number): string {
  return `${laneId}-${laneEpoch}-${String(saleNumber).padStart(6, '0')}`;
}

export function saleTotalMinor(lines: readonly BasketLine[]): number {
  let total = 0;
  for (const line of lines) total += line.priceMinor;
  return total;
}

/** What has been paid so far (card approvals, partial ones included, and tenders taken by an assistant). */
export function paidMinor(sale: Sale): number {
  let paid = 0;
  for (const payment of sale.payments) paid += payment.amountMinor;
  return paid;
}

/** The highest age limit among the basket's items, 0 when none is restricted. */
export function requiredAge(lines: readonly BasketLine[]): number {
  let age = 0;
  for (const line of lines) if (line.ageLimit !== undefined && line.ageLimit > age) age = line.ageLimit;
  return age;
}

/** True when the basket holds an item whose age limit no assistant has checked yet. */
export function ageCheckPending(sale: Sale | null | undefined): boolean {
  if (!sale) return false;
  return requiredAge(sale.lines) > (sale.ageApproval?.age ?? 0);
}

export function itemCount(lines: readonly BasketLine[]): number {
  let count = 0;
  for (const line of lines) count += line.pricing === 'unit' ? line.quantity : 1;
  return count;
}

export interface VatBreakdownRow {
  readonly vatClass: string;
  readonly rateBp: number;
  readonly grossMinor: number;
  readonly netMinor: number;
  readonly vatMinor: number;
}

/**
 * VAT per rate, for prices that include VAT (EU retail). VAT is computed once per rate
 * on the rate's gross total, rounded half up, so the rows add up to the receipt total.
 */
export function vatBreakdown(lines: readonly BasketLine[], lineTotals?: ReadonlyMap<number, number>): VatBreakdownRow[] {
  const byClass = new Map<string, { rateBp: number; grossMinor: number }>();
  for (const line of lines) {
    const row = byClass.get(line.vatClass) ?? { rateBp: line.vatRateBp, grossMinor: 0 };
    // After discounts when given: VAT is due on what the shopper actually pays.
    row.grossMinor += lineTotals?.get(line.lineId) ?? line.priceMinor;
    byClass.set(line.vatClass, row);
  }
  return [...byClass.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([vatClass, { rateBp, grossMinor }]) => {
      const vatMinor = Math.floor((grossMinor * rateBp * 2 + (10_000 + rateBp)) / (2 * (10_000 + rateBp)));
      return { vatClass, rateBp, grossMinor, vatMinor, netMinor: grossMinor - vatMinor };
    });
}

/** What a scan amounts to, once decoded and looked up. The statechart decides what happens next. */
export type ScanOutcome =
  /** `bagging`: what the bagging area should gain when it is put down (from the lane's learned weights). */
  | {
      readonly kind: 'item';
      readonly line: NewLine;
      readonly bagging?: BaggingExpectation | undefined;
      /** The catalogue's offers on this item, active at the scan (attached by the lane). */
      readonly promotions?: readonly Promotion[] | undefined;
    }
  /** A weighed item without a weight in its code: it goes on the scale (or to an assistant). */
  | { readonly kind: 'needsWeighing'; readonly gtin: string; readonly name: LocalizedText; readonly item: WeighableItem; readonly promotions?: readonly Promotion[] | undefined }
  | { readonly kind: 'unknownItem'; readonly gtin: string }
  | { readonly kind: 'rejected'; readonly reason: string };

export interface ScannedCode {
  readonly scannedCode: string;
  readonly lookupGtin: string;
  readonly priceMinor?: number | undefined;
  readonly weightGrams?: number | undefined;
}

/** Prices a decoded scan against its catalogue item (or its absence). Pure. */
export function priceScan(code: ScannedCode, item: CatalogItem | null | undefined): ScanOutcome {
  if (!item) return { kind: 'unknownItem', gtin: code.lookupGtin };
  const base = {
    gtin: item.gtin,
    scannedCode: code.scannedCode,
    name: item.name,
    vatClass: item.vatClass,
    vatRateBp: item.vatRateBp,
    ageLimit: item.ageLimit,
    unitPriceMinor: item.priceMinor,
  };
  if (code.priceMinor !== undefined) {
    // A service-counter label's printed price is what the shopper agreed to pay.
    return { kind: 'item', line: { ...base, pricing: 'label', quantity: 1, weightGrams: code.weightGrams, priceMinor: code.priceMinor } };
  }
  if (item.soldBy === 'weight') {
    if (code.weightGrams === undefined) return { kind: 'needsWeighing', gtin: item.gtin, name: item.name, item: base };
    return {
      kind: 'item',
      line: { ...base, pricing: 'weight', quantity: 1, weightGrams: code.weightGrams, priceMinor: priceForWeight(code.weightGrams, item.priceMinor) },
    };
  }
  return { kind: 'item', line: { ...base, pricing: 'unit', quantity: 1, priceMinor: item.priceMinor } };
}

/** The price of one piece of a line: what removing it takes off the total. */
export function onePieceMinor(line: BasketLine): number {
  return line.pricing === 'unit' ? line.unitPriceMinor : line.priceMinor;
}

/** Takes one piece off a line (a unit line with more pieces keeps the rest), or the whole weighed or labelled line. */
export function removeOnePiece(sale: Sale, lineId: number): Sale {
  const index = sale.lines.findIndex((line) => line.lineId === lineId);
  const line = sale.lines[index];
  if (!line) return sale;
  if (line.pricing === 'unit' && line.quantity > 1) {
    const quantity = line.quantity - 1;
    const fewer: BasketLine = { ...line, quantity, priceMinor: line.unitPriceMinor * quantity };
    return { ...sale, lines: [...sale.lines.slice(0, index), fewer, ...sale.lines.slice(index + 1)] };
  }
  return { ...sale, lines: [...sale.lines.slice(0, index), ...sale.lines.slice(index + 1)] };
}

/** Quantity an assistant may set on one line: a pallet of water is 48, not 4,800. */
export const maximumLineQuantity = 999;

/** An assistant sets how many pieces a unit line has (e.g. 12 identical cans scanned once); 0 takes any line off (a void). */
export function setLineQuantity(sale: Sale, lineId: number, quantity: number): Sale {
  const index = sale.lines.findIndex((line) => line.lineId === lineId);
  const line = sale.lines[index];
  if (!line || !Number.isSafeInteger(quantity) || quantity < 0 || quantity > maximumLineQuantity) return sale;
  // Any line can be taken off; only pieces can be counted (a weighed line is one weighing).
  if (quantity === 0) return { ...sale, lines: [...sale.lines.slice(0, index), ...sale.lines.slice(index + 1)] };
  if (line.pricing !== 'unit') return sale;
  const changed: BasketLine = { ...line, quantity, priceMinor: line.unitPriceMinor * quantity };
  return { ...sale, lines: [...sale.lines.slice(0, index), changed, ...sale.lines.slice(index + 1)] };
}

/** An assistant's new price: per piece for unit lines, for the whole line otherwise. The original is kept for the audit. */
export function overrideLinePrice(sale: Sale, lineId: number, priceMinor: number, override: Omit<PriceOverride, 'originalMinor'>): Sale {
  const index = sale.lines.findIndex((line) => line.lineId === lineId);
  const line = sale.lines[index];
  if (!line || !Number.isSafeInteger(priceMinor) || priceMinor < 0) return sale;
  const originalMinor = line.priceOverride?.originalMinor ?? (line.pricing === 'unit' ? line.unitPriceMinor : line.priceMinor);
  const changed: BasketLine =
    line.pricing === 'unit'
      ? { ...line, unitPriceMinor: priceMinor, priceMinor: priceMinor * line.quantity, priceOverride: { ...override, originalMinor } }
      : { ...line, priceMinor, priceOverride: { ...override, originalMinor } };
  return { ...sale, lines: [...sale.lines.slice(0, index), changed, ...sale.lines.slice(index + 1)] };
}

/**
 * Adds a line to the basket. Another piece of a unit-priced item already in the basket
 * raises that line's quantity rather than adding a row, so the list stays short.
 */
export function addLine(sale: Sale, line: NewLine): Sale {
  if (line.pricing === 'unit') {
    const index = sale.lines.findIndex((existing) => existing.pricing === 'unit' && existing.gtin === line.gtin && existing.unitPriceMinor === line.unitPriceMinor && !existing.priceOverride);
    const existing = index >= 0 ? sale.lines[index] : undefined;
    if (existing) {
      const quantity = existing.quantity + line.quantity;
      const merged: BasketLine = { ...existing, quantity, priceMinor: existing.unitPriceMinor * quantity };
      return { ...sale, lines: [...sale.lines.slice(0, index), merged, ...sale.lines.slice(index + 1)] };
    }
  }
  return { ...sale, lines: [...sale.lines, { ...line, lineId: sale.nextLineId }], nextLineId: sale.nextLineId + 1 };
}
