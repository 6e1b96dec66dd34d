/**
 * Money is an integer count of minor units (cents, kopecks, stotinki) with an
 * ISO 4217 currency. Floats never hold an amount: formatting goes through a
 * decimal string, which Intl.NumberFormat accepts without rounding.
 */
export type CurrencyCode = string;

export interface Money {
  readonly minor: number;
  readonly currency: CurrencyCode;
}

export function assertMinor(minor: number, what = 'amount'): number {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${what} must be an integer count of minor units, got ${minor}`);
  return minor;
}

const exponentCache = new Map<string, number>();

/** Number of minor-unit digits for a currency (EUR 2, JPY 0, BHD 3), from the platform's CLDR data. */
export function currencyExponent(currency: CurrencyCode): number {
  let exponent = exponentCache.get(currency);
  if (exponent === undefined) {
    exponent = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    exponentCache.set(currency, exponent);
  }
  return exponent;
}

/** "-12.34" for -1234 minor units of a 2-digit currency: exact, no float arithmetic. */
export function minorToDecimalString(minor: number, currency: CurrencyCode): `${number}` {
  assertMinor(minor);
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  if (exponent === 0) return `${sign}${digits}` as `${number}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` as `${number}`;
}

const formatterCache = new Map<string, Intl.NumberFormat>();

export function formatMoney(minor: number, currency: CurrencyCode, locale: string): string {
  const key = `${locale}|${currency}`;
  let formatter = formatterCache.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatterCache.set(key, formatter);
  }
  return formatter.format(minorToDecimalString(minor, currency));
}

/**
 * Price of a weighed quantity: grams × price per kilogram, rounded half up to
 * the minor unit (the rule printed on the shelf label and the receipt must agree).
 */
export function priceForWeight(grams: number, pricePerKgMinor: number): number {
  assertMinor(grams, 'weight');
  assertMinor(pricePerKgMinor, 'price per kg');
  const product = grams * pricePerKgMinor;
  if (!Number.isSafeInteger(product)) throw new RangeError('weight × price overflows');
  return Math.floor((product + 500) / 1000);
}

/** The largest amount staff may type at a lane (a price, cash handed over): 100,000.00 in a two-digit currency. */
export const maximumKeyedAmountMinor = 10_000_000;
