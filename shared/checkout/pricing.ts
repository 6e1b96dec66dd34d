import { applyDiscounts, checkCoupon, type Coupon, type CouponProblem, type PricedBasket, type Promotion } from './promotions';
import { paidMinor, type Sale } from './sale';

/**
 * What a sale costs once promotions, coupons and the loyalty card are applied: the one place
 * the basket screen, payment, the receipt and the store's copy get their totals from.
 *
 * Offers are judged as at the sale's start: the promotions a sale carries were the active ones
 * when each item was scanned, and a sale that runs past midnight keeps the prices the shopper
 * saw.
 */
export interface SalePrice extends PricedBasket {
  /** The lines' prices before any discount. */
  readonly subtotalMinor: number;
}

export function priceSale(sale: Sale): SalePrice {
  const priced = applyDiscounts({
    lines: sale.lines,
    promotions: sale.promotions ?? [],
    coupons: sale.coupons ?? [],
    loyalty: sale.loyalty !== undefined,
    at: sale.startedAt,
  });
  return { ...priced, subtotalMinor: priced.totalMinor + priced.savingsMinor };
}

/** What the shopper pays for the sale. */
export function saleTotal(sale: Sale): number {
  return priceSale(sale).totalMinor;
}

/** What is still to pay after card approvals (partial ones included) and tenders taken by an assistant. */
export function amountDueMinor(sale: Sale): number {
  return Math.max(0, saleTotal(sale) - paidMinor(sale));
}

/** Whether a scanned coupon can join the basket now (`at`: the scan's time, for the coupon's own validity). */
export function couponProblem(sale: Sale | null, coupon: Coupon | undefined, at: number): CouponProblem | null {
  const result = checkCoupon(coupon, {
    lines: sale?.lines ?? [],
    couponCodes: (sale?.coupons ?? []).map((held) => held.code),
    loyalty: sale?.loyalty !== undefined,
    at,
    promotions: sale?.promotions ?? [],
  });
  return result.ok ? null : result.reason;
}

/** The sale's promotions with `more` added (each offer once, by id). */
export function withPromotions(sale: Sale, more: readonly Promotion[] | undefined): Sale {
  if (!more || more.length === 0) return sale;
  const known = new Set((sale.promotions ?? []).map((promotion) => promotion.id));
  const added = more.filter((promotion) => !known.has(promotion.id));
  return added.length === 0 ? sale : { ...sale, promotions: [...(sale.promotions ?? []), ...added] };
}
