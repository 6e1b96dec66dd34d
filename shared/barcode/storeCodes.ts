import { isValidGtin } from './checkDigit';

/**
 * Barcodes the store prints for itself, told apart from product barcodes before those are decoded:
 * - Code 128 (AIM `]C0`, or no AIM id) holding `LW:<kind>:<value>`: `A` assistant badge, `L` loyalty
 *   card, `C` coupon, `S` suspended-sale slip. `]C1` is GS1-128, a product or logistics label, never ours.
 * - EAN-13 coupons: 13 digits starting `99` (GS1's coupon prefix), under `]E0`, no AIM id, or `]C0`
 *   (a slip may print the same digits as Code 128).
 */
export type StoreCode = { readonly kind: 'assistantBadge' | 'loyaltyCard' | 'coupon' | 'suspendedSale'; readonly value: string };

const KINDS = { A: 'assistantBadge', L: 'loyaltyCard', C: 'coupon', S: 'suspendedSale' } as const;
const LETTERS = { assistantBadge: 'A', loyaltyCard: 'L', coupon: 'C', suspendedSale: 'S' } as const;

// Printable ASCII without space: what fits a badge or slip and survives every scanner's keyboard mode.
const VALUE = /^[\x21-\x7e]{1,40}$/;
const STORE_DATA = /^LW:([ALCS]):(.+)$/s;
// A bad check digit is left to the product decoder, which says so; a misread is not a coupon.
const isCouponEan = (data: string): boolean => /^99\d{11}$/.test(data) && isValidGtin(data);

/**
 * Badge and `LW:C:` coupon values keep the whole data: that is what the directory and the coupon
 * table are keyed by. Loyalty and slip values are the part after the prefix.
 */
function keepsPrefix(kind: StoreCode['kind']): boolean {
  return kind === 'assistantBadge' || kind === 'coupon';
}

/** undefined: not a store code (decode it as a product barcode). */
export function classifyStoreCode(raw: string): StoreCode | undefined {
  const aim = raw.startsWith(']') ? raw.slice(0, 3) : '';
  const data = raw.slice(aim.length);
  if (aim !== '' && aim !== ']C0' && aim !== ']E0') return undefined;
  if (isCouponEan(data)) return { kind: 'coupon', value: data };
  if (aim === ']E0') return undefined;
  const match = STORE_DATA.exec(data);
  if (!match) return undefined;
  const kind = KINDS[match[1] as keyof typeof KINDS];
  const value = keepsPrefix(kind) ? data : match[2]!;
  return VALUE.test(value) ? { kind, value } : undefined;
}

/** What to print in a Code 128, e.g. 'LW:S:<value>' (for coupons with a 99 EAN value, the digits). */
export function storeCodeData(code: StoreCode): string {
  const data = keepsPrefix(code.kind) ? code.value : `LW:${LETTERS[code.kind]}:${code.value}`;
  const read = classifyStoreCode(data);
  // A value that would not scan back as the same code is a bug in the caller.
  if (read?.kind !== code.kind || read.value !== code.value) throw new RangeError(`not a printable ${code.kind} code`);
  return data;
}
