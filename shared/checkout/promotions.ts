import type { LocalizedText } from '../i18n/languages';
import { priceForWeight } from '../money';

/**
 * Promotions, coupons and loyalty pricing: the store's pricing policy, pure (no I/O, no clock).
 *
 * - Integer minor units only. Percentages round half up once per line; a discount never takes
 *   a line below 0.
 * - Promotions (from the catalogue) apply first. A line gets at most one promotion. Candidates
 *   are the promotions active at `at` (validTo exclusive); loyalty-only ones need a loyalty card.
 *   They are assigned greedily: the promotion saving most on the lines nobody has claimed yet goes
 *   first and claims the lines it discounts, then the next is worked out again on what is left;
 *   equal savings go in promotion id order, so the same basket always prices the same way.
 * - percentage: off each line's price. amountOff: off each piece of a unit line (never below the
 *   piece's price) or once off a weighed or labelled line. perKg: lines with a known weight only
 *   (weighed, or a label that printed its weight): priceForWeight(grams, amount off per kg),
 *   capped at the line price. multiBuy ("3 for 3.00", mix and match across the promotion's GTINs):
 *   unit-priced pieces only, grouped dearest first (best for the shopper); each group saves its
 *   pieces' prices minus the group price when that is positive. Pieces left over on a claimed line
 *   stay at full price; lines with no piece in a group stay free for other promotions.
 * - Coupons (scanned by the shopper) apply after promotions, in the order given, to what each
 *   line costs by then. percentage: per eligible line. amountOff: once per coupon (not per piece),
 *   capped at what the eligible lines still cost. A coupon gives nothing (and is left out of the
 *   discounts) when its items have left the basket, the basket after promotions has fallen below
 *   its minimum spend, it is not active at `at`, or it is loyalty-only without a card. A code
 *   given twice counts once.
 * - A discount is spread over its lines in proportion to what they contribute, by the
 *   largest-remainder method, so the per-line amounts add up to the discount exactly (VAT is
 *   worked out per rate from the discounted line totals).
 */

export type DiscountRule =
  /** 2000 = 20 % off each eligible piece / weighed line */
  | { readonly kind: 'percentage'; readonly percentBp: number }
  /** off each eligible piece (unit lines) or each weighed/labelled line; never below 0 */
  | { readonly kind: 'amountOff'; readonly amountMinor: number }
  /** "3 for 5.00", mix & match across the listed gtins, unit-priced pieces only */
  | { readonly kind: 'multiBuy'; readonly quantity: number; readonly priceMinor: number }
  /** weighed lines only: price per kg lowered, capped at the line price */
  | { readonly kind: 'perKg'; readonly amountOffPerKgMinor: number };

export interface Promotion {
  readonly id: string;
  readonly name: LocalizedText;
  readonly gtins: readonly string[];
  readonly rule: DiscountRule;
  readonly validFrom?: number | undefined;
  readonly validTo?: number | undefined;
  /** only with a loyalty card scanned */
  readonly loyaltyOnly?: boolean | undefined;
}

export interface Coupon {
  readonly code: string;
  readonly name: LocalizedText;
  /** undefined: whole basket */
  readonly gtins?: readonly string[] | undefined;
  readonly rule: Extract<DiscountRule, { kind: 'percentage' | 'amountOff' }>;
  readonly minimumSpendMinor?: number | undefined;
  readonly validFrom?: number | undefined;
  readonly validTo?: number | undefined;
  readonly loyaltyOnly?: boolean | undefined;
}

/** The part of a basket line the engine needs (BasketLine in sale.ts is a superset). */
export interface DiscountableLine {
  readonly lineId: number;
  readonly gtin: string;
  readonly pricing: 'unit' | 'weight' | 'label';
  readonly quantity: number;
  readonly weightGrams?: number | undefined;
  readonly unitPriceMinor: number;
  readonly priceMinor: number;
}

export interface Discount {
  readonly source: 'promotion' | 'coupon';
  readonly id: string;
  readonly name: LocalizedText;
  readonly amountMinor: number;
  /** how the amount is spread over lines (sums to amountMinor exactly) */
  readonly lines: readonly { readonly lineId: number; readonly amountMinor: number }[];
}

export interface PricedBasket {
  readonly discounts: readonly Discount[];
  readonly savingsMinor: number;
  /** sum of line prices minus savings */
  readonly totalMinor: number;
  /** per lineId: price after all discounts (for VAT per rate) */
  readonly lineTotals: ReadonlyMap<number, number>;
}

export type CouponProblem = 'unknown' | 'expired' | 'notYetValid' | 'noMatchingItem' | 'alreadyUsed' | 'minimumSpend' | 'loyaltyOnly';

type LineAmount = { readonly lineId: number; readonly amountMinor: number };

/** Whether a promotion or coupon runs at `at` (ms since the epoch); validTo is exclusive. */
export function isActive(validity: { validFrom?: number; validTo?: number }, at: number): boolean {
  if (validity.validFrom !== undefined && at < validity.validFrom) return false;
  if (validity.validTo !== undefined && at >= validity.validTo) return false;
  return true;
}

/** `bp` basis points of `amount`, rounded half up (amounts are never negative here). */
function percentOf(amountMinor: number, bp: number): number {
  return Math.floor((amountMinor * bp + 5000) / 10_000);
}

function clamp(amount: number, max: number): number {
  return Math.max(0, Math.min(amount, max));
}

/**
 * Spreads `totalMinor` over lines in proportion to their weights, largest remainder first (ties
 * in the given order). The shares sum to `totalMinor` exactly and, when `totalMinor` is at most
 * the sum of the weights, no share exceeds its line's weight (an extra unit only goes to a line
 * with a remainder). Every line gets a share, possibly 0.
 */
export function spreadProportionally(totalMinor: number, weights: readonly LineAmount[]): LineAmount[] {
  const sum = weights.reduce((acc, line) => acc + line.amountMinor, 0);
  if (totalMinor <= 0 || sum <= 0) return [];
  const shares = weights.map((line, index) => {
    const product = totalMinor * line.amountMinor;
    return { lineId: line.lineId, index, amount: Math.floor(product / sum), remainder: product % sum };
  });
  let left = totalMinor - shares.reduce((acc, share) => acc + share.amount, 0);
  const byRemainder = [...shares].sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const share of byRemainder) {
    if (left <= 0) break;
    share.amount++;
    left--;
  }
  return shares.map((share) => ({ lineId: share.lineId, amountMinor: share.amount }));
}

/**
 * Per line: what a promotion's rule takes off, before any other promotion. Every line listed is
 * claimed by the promotion if it wins: lines it discounts, and a multi-buy's pieces in groups
 * even when their rounded share is 0.
 */
function promotionAmounts(rule: DiscountRule, lines: readonly DiscountableLine[]): LineAmount[] {
  const positive = (amounts: LineAmount[]) => amounts.filter((line) => line.amountMinor > 0);
  switch (rule.kind) {
    case 'percentage':
      return positive(lines.map((line) => ({ lineId: line.lineId, amountMinor: clamp(percentOf(line.priceMinor, rule.percentBp), line.priceMinor) })));
    case 'amountOff':
      return positive(
        lines.map((line) => {
          const off = line.pricing === 'unit' ? clamp(rule.amountMinor, line.unitPriceMinor) * line.quantity : rule.amountMinor;
          return { lineId: line.lineId, amountMinor: clamp(off, line.priceMinor) };
        }),
      );
    case 'perKg':
      return positive(
        lines
          .filter((line) => line.pricing !== 'unit' && line.weightGrams !== undefined)
          .map((line) => ({ lineId: line.lineId, amountMinor: clamp(priceForWeight(line.weightGrams ?? 0, Math.max(0, rule.amountOffPerKgMinor)), line.priceMinor) })),
      );
    case 'multiBuy':
      return multiBuyAmounts(rule, lines);
  }
}

function multiBuyAmounts(rule: Extract<DiscountRule, { kind: 'multiBuy' }>, lines: readonly DiscountableLine[]): LineAmount[] {
  if (!Number.isSafeInteger(rule.quantity) || rule.quantity < 1) return [];
  // Dearest pieces first; equal prices in line order.
  const units = lines.filter((line) => line.pricing === 'unit' && line.quantity > 0).sort((a, b) => b.unitPriceMinor - a.unitPriceMinor || a.lineId - b.lineId);
  const pieces = units.reduce((acc, line) => acc + line.quantity, 0);
  let groups = Math.floor(pieces / rule.quantity);
  let total = 0;
  const contribution = new Map<number, number>();
  let cursor = 0;
  let usedOfLine = 0;
  while (groups-- > 0) {
    let groupPrice = 0;
    const inGroup = new Map<number, number>();
    for (let taken = 0; taken < rule.quantity; ) {
      const line = units[cursor]!;
      const take = Math.min(rule.quantity - taken, line.quantity - usedOfLine);
      groupPrice += take * line.unitPriceMinor;
      inGroup.set(line.lineId, (inGroup.get(line.lineId) ?? 0) + take * line.unitPriceMinor);
      taken += take;
      usedOfLine += take;
      if (usedOfLine === line.quantity) {
        cursor++;
        usedOfLine = 0;
      }
    }
    const saving = groupPrice - Math.max(0, rule.priceMinor);
    // Groups are dearest first, so once one saves nothing the cheaper ones will not either.
    if (saving <= 0) break;
    total += saving;
    for (const [lineId, amount] of inGroup) contribution.set(lineId, (contribution.get(lineId) ?? 0) + amount);
  }
  return spreadProportionally(
    total,
    units.filter((line) => contribution.has(line.lineId)).map((line) => ({ lineId: line.lineId, amountMinor: contribution.get(line.lineId)! })),
  );
}

function sumAmounts(amounts: readonly LineAmount[]): number {
  return amounts.reduce((acc, line) => acc + line.amountMinor, 0);
}

function byLineOrder(amounts: readonly LineAmount[], lines: readonly DiscountableLine[]): LineAmount[] {
  const order = new Map(lines.map((line, index) => [line.lineId, index]));
  return amounts.filter((line) => line.amountMinor > 0).sort((a, b) => (order.get(a.lineId) ?? 0) - (order.get(b.lineId) ?? 0));
}

function basketMatches(gtins: readonly string[] | undefined, lines: readonly DiscountableLine[]): DiscountableLine[] {
  if (gtins === undefined) return [...lines];
  const wanted = new Set(gtins);
  return lines.filter((line) => wanted.has(line.gtin));
}

/** Promotions only: the greedy assignment and what each line costs after it. */
function applyPromotions(lines: readonly DiscountableLine[], promotions: readonly Promotion[], loyalty: boolean, at: number): { discounts: Discount[]; totals: Map<number, number> } {
  const totals = new Map(lines.map((line) => [line.lineId, line.priceMinor]));
  const seen = new Set<string>();
  let candidates = promotions.filter((promotion) => {
    if (seen.has(promotion.id)) return false;
    seen.add(promotion.id);
    return isActive(promotion, at) && (!promotion.loyaltyOnly || loyalty);
  });
  const claimed = new Set<number>();
  const discounts: Discount[] = [];
  while (candidates.length > 0) {
    let best: { promotion: Promotion; amounts: LineAmount[]; saving: number } | undefined;
    for (const promotion of candidates) {
      const free = basketMatches(promotion.gtins, lines).filter((line) => !claimed.has(line.lineId));
      const amounts = promotionAmounts(promotion.rule, free);
      const saving = sumAmounts(amounts);
      if (saving <= 0) continue;
      if (!best || saving > best.saving || (saving === best.saving && promotion.id < best.promotion.id)) best = { promotion, amounts, saving };
    }
    if (!best) break;
    const { promotion, amounts, saving } = best;
    for (const line of amounts) {
      claimed.add(line.lineId);
      totals.set(line.lineId, (totals.get(line.lineId) ?? 0) - line.amountMinor);
    }
    discounts.push({ source: 'promotion', id: promotion.id, name: promotion.name, amountMinor: saving, lines: byLineOrder(amounts, lines) });
    candidates = candidates.filter((candidate) => candidate !== promotion);
  }
  return { discounts, totals };
}

function sumTotals(totals: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const amount of totals.values()) sum += amount;
  return sum;
}

/** Prices a basket: promotions first, then coupons, as the top comment sets out. */
export function applyDiscounts(input: { lines: readonly DiscountableLine[]; promotions: readonly Promotion[]; coupons: readonly Coupon[]; loyalty: boolean; at: number }): PricedBasket {
  const { lines, loyalty, at } = input;
  const { discounts, totals } = applyPromotions(lines, input.promotions, loyalty, at);
  const afterPromotions = sumTotals(totals);
  const seen = new Set<string>();
  for (const coupon of input.coupons) {
    if (seen.has(coupon.code)) continue;
    seen.add(coupon.code);
    if (!isActive(coupon, at) || (coupon.loyaltyOnly && !loyalty)) continue;
    if (coupon.minimumSpendMinor !== undefined && afterPromotions < coupon.minimumSpendMinor) continue;
    const eligible = basketMatches(coupon.gtins, lines).map((line) => ({ lineId: line.lineId, amountMinor: totals.get(line.lineId) ?? 0 }));
    let amounts: LineAmount[];
    if (coupon.rule.kind === 'percentage') {
      const bp = coupon.rule.percentBp;
      amounts = eligible.map((line) => ({ lineId: line.lineId, amountMinor: clamp(percentOf(line.amountMinor, bp), line.amountMinor) }));
    } else {
      amounts = spreadProportionally(clamp(coupon.rule.amountMinor, sumAmounts(eligible)), eligible);
    }
    amounts = byLineOrder(amounts, lines);
    const saving = sumAmounts(amounts);
    if (saving <= 0) continue;
    for (const line of amounts) totals.set(line.lineId, (totals.get(line.lineId) ?? 0) - line.amountMinor);
    discounts.push({ source: 'coupon', id: coupon.code, name: coupon.name, amountMinor: saving, lines: amounts });
  }
  const savingsMinor = discounts.reduce((acc, discount) => acc + discount.amountMinor, 0);
  return { discounts, savingsMinor, totalMinor: sumTotals(totals), lineTotals: totals };
}

/**
 * Whether a scanned coupon can be added to the basket, and if not, why (for the shopper's
 * message); the first failing check below wins. Pass `promotions` so the minimum spend
 * is measured after promotions, as `applyDiscounts` measures it; without them it is the sum of
 * the line prices.
 */
export function checkCoupon(
  coupon: Coupon | undefined,
  basket: { lines: readonly DiscountableLine[]; couponCodes: readonly string[]; loyalty: boolean; at: number; promotions?: readonly Promotion[] | undefined },
): { ok: true } | { ok: false; reason: CouponProblem } {
  if (!coupon) return { ok: false, reason: 'unknown' };
  if (basket.couponCodes.includes(coupon.code)) return { ok: false, reason: 'alreadyUsed' };
  if (coupon.validFrom !== undefined && basket.at < coupon.validFrom) return { ok: false, reason: 'notYetValid' };
  if (!isActive(coupon, basket.at)) return { ok: false, reason: 'expired' };
  if (coupon.loyaltyOnly && !basket.loyalty) return { ok: false, reason: 'loyaltyOnly' };
  if (coupon.gtins !== undefined && basketMatches(coupon.gtins, basket.lines).length === 0) return { ok: false, reason: 'noMatchingItem' };
  if (coupon.minimumSpendMinor !== undefined) {
    const { totals } = applyPromotions(basket.lines, basket.promotions ?? [], basket.loyalty, basket.at);
    if (sumTotals(totals) < coupon.minimumSpendMinor) return { ok: false, reason: 'minimumSpend' };
  }
  return { ok: true };
}
