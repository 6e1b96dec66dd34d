import type { LaneInfo } from '../checkout/machine';
import { itemCount, vatBreakdown, type BasketLine, type PaymentRecord, type Sale } from '../checkout/sale';
import { priceSale } from '../checkout/pricing';
import { storeCodeData } from '../barcode/storeCodes';
import { createTranslator, formatVatRate, formatWeight, type Translator } from '../i18n';
import { localized, type Language } from '../i18n/languages';
import { formatMoney } from '../money';
import type { ReceiptBlock, ReceiptDocument } from '../receipt';

export interface ReceiptOptions {
  /** A copy printed again later (from the receipt screen or by an assistant): marked as such. */
  readonly reprint?: boolean | undefined;
  /**
   * IANA time zone for the printed date and time. Defaults to the lane's own zone; tests and
   * tools that print away from the store pass the store's zone.
   */
  readonly timeZone?: string | undefined;
}

/**
 * The printed receipt of a sale, in the sale's language (the shopper's language when it closed):
 * header, lines, total, VAT per rate, card payment, thank-you line and a Code 128 of the sale id
 * so an assistant can find the sale by scanning the paper. Money is formatted here; the
 * printer driver only lays the blocks out.
 */
export function buildReceiptDocument(sale: Sale, lane: LaneInfo, options: ReceiptOptions = {}): ReceiptDocument {
  const tr = createTranslator(sale.language);
  const { t } = tr;
  const money = (minor: number) => formatMoney(minor, lane.currency, tr.locale);
  const blocks: ReceiptBlock[] = [];
  const cancelled = sale.status === 'cancelled';

  if (options.reprint) blocks.push({ kind: 'text', text: t('receiptDoc.reprint'), align: 'center', bold: true, size: 'large' });
  blocks.push(
    { kind: 'text', text: lane.storeName, align: 'center', bold: true, size: 'large' },
    { kind: 'text', text: t('receiptDoc.lane', { laneId: lane.laneId }), align: 'center' },
    { kind: 'rule' },
    { kind: 'row', left: t('receiptDoc.sale', { number: sale.number }), right: formatDateTime(sale.closedAt ?? sale.startedAt, tr, options.timeZone) },
  );
  if (cancelled) blocks.push({ kind: 'text', text: t('receiptDoc.cancelled'), align: 'center', bold: true, size: 'large' });
  blocks.push({ kind: 'rule' });

  for (const line of sale.lines) blocks.push(...lineBlocks(line, tr, money));

  const price = priceSale(sale);
  blocks.push({ kind: 'rule' });
  if (price.discounts.length > 0) {
    blocks.push({ kind: 'row', left: t('receiptDoc.subtotal'), right: money(price.subtotalMinor) });
    for (const discount of price.discounts) blocks.push({ kind: 'row', left: localized(discount.name, tr.language), right: money(-discount.amountMinor) });
  }
  blocks.push(
    { kind: 'row', left: t('receiptDoc.total'), right: money(price.totalMinor), bold: true },
    { kind: 'text', text: t('basket.itemCount', { count: itemCount(sale.lines) }) },
  );
  if (price.savingsMinor > 0) blocks.push({ kind: 'row', left: t('receiptDoc.savings'), right: money(price.savingsMinor), bold: true });
  if (sale.loyalty) blocks.push({ kind: 'row', left: t('receiptDoc.loyaltyCard'), right: maskCard(sale.loyalty.card) });

  // VAT on what was paid: each rate's lines after their share of the discounts.
  const vat = vatBreakdown(sale.lines, price.lineTotals);
  if (vat.length > 0) {
    blocks.push({ kind: 'feed', lines: 1 }, { kind: 'text', text: t('receiptDoc.vatIncluded') });
    let vatTotal = 0;
    for (const row of vat) {
      vatTotal += row.vatMinor;
      blocks.push({ kind: 'row', left: t('receiptDoc.vatRow', { rate: formatVatRate(row.rateBp, sale.language), gross: money(row.grossMinor) }), right: money(row.vatMinor) });
    }
    if (vat.length > 1) blocks.push({ kind: 'row', left: t('receiptDoc.vatTotal'), right: money(vatTotal) });
  }

  if (sale.payments.length > 0) {
    blocks.push({ kind: 'rule' });
    for (const payment of sale.payments) blocks.push(...paymentBlocks(payment, tr, money));
  }

  if (cancelled) blocks.push({ kind: 'rule' }, { kind: 'text', text: t('receiptDoc.cancelledNote'), align: 'center' });

  blocks.push(
    { kind: 'feed', lines: 1 },
    { kind: 'text', text: t('receiptDoc.thankYou'), align: 'center', bold: true },
    { kind: 'feed', lines: 1 },
    { kind: 'barcode', symbology: 'code128', data: sale.id },
    { kind: 'text', text: sale.id, align: 'center' },
  );
  if (options.reprint) blocks.push({ kind: 'text', text: t('receiptDoc.reprint'), align: 'center', bold: true });
  return { blocks };
}

function lineBlocks(line: BasketLine, tr: Translator, money: (minor: number) => string): ReceiptBlock[] {
  const { t } = tr;
  const blocks: ReceiptBlock[] = [{ kind: 'row', left: localized(line.name, tr.language), right: money(line.priceMinor) }];
  const detail = lineDetail(line, tr.language, t, money);
  if (detail) blocks.push({ kind: 'text', text: `  ${detail}` });
  if (line.priceOverride) blocks.push({ kind: 'text', text: `  ${t('receiptDoc.priceChanged', { price: money(line.priceOverride.originalMinor) })}` });
  if (line.keyed) blocks.push({ kind: 'text', text: `  ${t('receiptDoc.keyed')}` });
  return blocks;
}

/**
 * The slip of a suspended sale: what is on hold, its total, and a Code 128 that any lane of the
 * store reads back as "resume this sale" (`LW:S:<sale id>`).
 */
export function buildSuspendSlip(sale: Sale, lane: LaneInfo, options: ReceiptOptions = {}): ReceiptDocument {
  const tr = createTranslator(sale.language);
  const { t } = tr;
  const money = (minor: number) => formatMoney(minor, lane.currency, tr.locale);
  const blocks: ReceiptBlock[] = [
    { kind: 'text', text: lane.storeName, align: 'center', bold: true },
    { kind: 'text', text: t('receiptDoc.suspendedSlip'), align: 'center', bold: true, size: 'large' },
    { kind: 'row', left: t('receiptDoc.lane', { laneId: lane.laneId }), right: formatDateTime(sale.closedAt ?? sale.startedAt, tr, options.timeZone) },
    { kind: 'rule' },
  ];
  for (const line of sale.lines) blocks.push(...lineBlocks(line, tr, money));
  const price = priceSale(sale);
  blocks.push(
    { kind: 'rule' },
    { kind: 'row', left: t('receiptDoc.total'), right: money(price.totalMinor), bold: true },
    { kind: 'text', text: t('basket.itemCount', { count: itemCount(sale.lines) }) },
    { kind: 'feed', lines: 1 },
    { kind: 'text', text: t('receiptDoc.suspendedHint'), align: 'center', bold: true },
    { kind: 'barcode', symbology: 'code128', data: storeCodeData({ kind: 'suspendedSale', value: sale.id }) },
    { kind: 'text', text: sale.id, align: 'center' },
  );
  return { blocks };
}

/** A loyalty card as printed and shown: the last four characters, the rest hidden. */
export function maskCard(card: string): string {
  return card.length <= 4 ? card : `**** ${card.slice(-4)}`;
}

/**
 * The small print under a line: "3 × 1.20 €" for several pieces, "0.512 kg × 2.99 €/kg" for
 * an item weighed at a scale ("… (tare 0.006 kg)" when weighed in a container). A service-counter label's price is final, so only its weight is shown.
 */
export function lineDetail(line: BasketLine, language: Language, t: Translator['t'], money: (minor: number) => string): string | null {
  if (line.pricing === 'weight' && line.weightGrams !== undefined) {
    const detail = t('basket.weightTimesPrice', { weight: formatWeight(line.weightGrams, language), price: t('unit.pricePerKg', { price: money(line.unitPriceMinor) }) });
    // Legal for trade: a tare taken off is shown, in the same unit as the net weight.
    return line.tareGrams ? `${detail} (${t('unit.tare', { weight: formatWeight(line.tareGrams, language) })})` : detail;
  }
  if (line.pricing === 'label') return line.weightGrams !== undefined ? formatWeight(line.weightGrams, language) : null;
  if (line.quantity > 1) return t('basket.quantityTimesPrice', { quantity: line.quantity, price: money(line.unitPriceMinor) });
  return null;
}

function paymentBlocks(payment: PaymentRecord, tr: Translator, money: (minor: number) => string): ReceiptBlock[] {
  const { t } = tr;
  if (payment.tender !== 'card') {
    const blocks: ReceiptBlock[] = [{ kind: 'row', left: t(payment.tender === 'cash' ? 'receiptDoc.cashPayment' : 'receiptDoc.otherPayment'), right: money(payment.tenderedMinor), bold: true }];
    if (payment.changeMinor > 0) blocks.push({ kind: 'row', left: t('receiptDoc.change'), right: money(payment.changeMinor) });
    blocks.push({ kind: 'row', left: t('receiptDoc.takenBy'), right: payment.by.id });
    return blocks;
  }
  return [
    { kind: 'text', text: t('receiptDoc.cardPayment'), bold: true },
    { kind: 'row', left: `${payment.scheme ?? t('receiptDoc.card')} ${payment.maskedPan}`, right: money(payment.amountMinor) },
    { kind: 'row', left: t('receiptDoc.authCode'), right: payment.authCode },
    { kind: 'row', left: t('receiptDoc.reference'), right: payment.reference },
  ];
}

function formatDateTime(epochMs: number, tr: Translator, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat(tr.locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    ...(timeZone ? { timeZone } : {}),
  }).format(epochMs);
}
