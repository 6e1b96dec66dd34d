import { currencyExponent } from '../../../shared/money';

export type DecimalPriceResult = { readonly ok: true; readonly minor: number } | { readonly ok: false; readonly message: string };

/**
 * A price as people write it in a spreadsheet ("1.19", "0.5", "12345.67", "3") → integer minor
 * units of `currency`, by moving the decimal point in the text: no float ever holds it.
 *
 * Deliberately strict, because a wrong price is sold at every lane: a point is the only decimal
 * separator ("1,19" is refused: in "1,190" a comma could be either), no thousands separators,
 * signs, exponents or currency symbols, and no more decimals than the currency has (EUR 2, JPY 0,
 * per ISO 4217 as the platform's Intl knows it) — "1.199" is refused rather than rounded.
 */
export function parseDecimalPrice(text: string, currency: string): DecimalPriceResult {
  const written = text.trim();
  const decimals = currencyExponent(currency);
  const example = decimals === 0 ? '119' : `1.${'19'.padEnd(decimals, '0').slice(0, decimals)}`;
  if (written === '') return { ok: false, message: 'a price is required' };
  if (written.startsWith('-')) return { ok: false, message: `"${written}": a price cannot be negative` };
  if (/^\d+,\d+$/u.test(written)) return { ok: false, message: `"${written}": write the decimals after a point (${example}), not a comma` };
  const match = /^(\d+)(?:\.(\d+))?$/u.exec(written);
  if (!match) return { ok: false, message: `"${written}": write the price as digits with an optional decimal point, e.g. ${example} (no signs, exponents, spaces, thousands separators or currency symbols)` };
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) {
    return { ok: false, message: decimals === 0 ? `"${written}": ${currency} has no minor unit; write a whole number` : `"${written}": ${currency} has ${decimals} decimals; this price has ${fraction.length}` };
  }
  const digits = (whole + fraction.padEnd(decimals, '0')).replace(/^0+(?=\d)/u, '');
  // Compared as BigInt: Number() of a 17-digit string would round before any check could see it.
  if (BigInt(digits) > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: `"${written}": too large` };
  return { ok: true, minor: Number(digits) };
}
