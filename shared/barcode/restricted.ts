import { currencyExponent } from '../money';
import { err, ok, type Result } from '../result';
import { digitAt, isDigitRange, mod10CheckDigit, priceCheckDigitOf } from './checkDigit';
import { amountToMinor, kilogramsToGrams, POWERS_OF_TEN, readDigits } from './measures';
import { failure, type Failure } from './rejection';

/**
 * Restricted-circulation numbers (RCN-13; GS1 General Specifications §2.1.14, Figure 2.1.14.2-2):
 * EAN-13 codes whose first two digits are 20–29 are numbered by each country's GS1 member
 * organisation, typically for variable-measure goods: the code carries an item reference and the
 * package's price or weight. Which digits mean what is national, so a store configures one template.
 *
 * Positions below are 0-based indexes into the 13-digit code (digit 1 of the printed number is index 0).
 */

export type RestrictedPrefix = '20' | '21' | '22' | '23' | '24' | '25' | '26' | '27' | '28' | '29';

export interface DigitField {
  readonly start: number;
  readonly length: number;
}

export interface RestrictedFormat {
  /** `price`: an amount in the shop's currency; `weight`: kilograms. */
  readonly measure: 'price' | 'weight';
  /** Implied decimals of the value field (price in major units, weight in kg). */
  readonly decimals: number;
  readonly itemReference: DigitField;
  readonly value: DigitField;
  /** Index of the price/weight check digit over the value field (§7.9.3 for 4 digits, §7.9.4 for 5), if the format has one. */
  readonly valueCheckDigitAt?: number | undefined;
}

export interface RestrictedTemplate {
  /** Reported as `restricted.template` on decoded scans. */
  readonly name: string;
  /** Where the layout is specified. */
  readonly source: string;
  /** Layouts by the code's first two digits; prefixes not listed decode as plain GTINs. */
  readonly formats: Readonly<Partial<Record<RestrictedPrefix, RestrictedFormat>>>;
}

const EAN13_LENGTH = 13;
const EAN13_CHECK_DIGIT_AT = 12;

// Sweden: 2X IIIIII VVVV C — the 5–6-digit "GS1 Viktvaruprefix" (2X + company digits) and a 2–3-digit
// sequence number together fill the 6 digits after 2X; then a 4-digit value and the EAN check digit.
// No price check digit. X: 0/1/2 = price in kronor with 2/1/0 decimals, 3/4/5 = weight in kg with 3/2/1.
const SWEDISH_ITEM_REFERENCE: DigitField = { start: 2, length: 6 };
const SWEDISH_VALUE: DigitField = { start: 8, length: 4 };

// Germany: 2X SSSS P VVVVV C — the 4-digit SAN-4 (Standard-Artikelnummer) item, a price/weight check
// digit P over the 5-digit value field (§7.9.4), the value, and the EAN check digit. GS1 Germany's SAN-4
// page shows 23 (price, EUR with 2 decimals), 26 (piece count) and 29 (weight, kg with 3 decimals);
// 22/25/28 follow the same layouts as read from GS1 Germany's "GTIN in der Anwendung" by the biip
// library (github.com/jodal/biip, src/biip/rcn.py) — not confirmed first-hand.
const GERMAN_ITEM_REFERENCE: DigitField = { start: 2, length: 4 };
const GERMAN_VALUE_CHECK_DIGIT_AT = 6;
const GERMAN_VALUE: DigitField = { start: 7, length: 5 };

export const restrictedTemplates: { readonly sweden: RestrictedTemplate; readonly germany: RestrictedTemplate } = {
  sweden: {
    name: 'sweden',
    source:
      'GS1 Sweden, "Viktvarunummer" / "How do I create my variable weight numbers?" ' +
      '(gs1.se/vara-standarder/identifiera/viktvarunummer, gs1.se/en/support/how-do-i-create-my-variable-weight-numbers)',
    formats: {
      '20': { measure: 'price', decimals: 2, itemReference: SWEDISH_ITEM_REFERENCE, value: SWEDISH_VALUE },
      '21': { measure: 'price', decimals: 1, itemReference: SWEDISH_ITEM_REFERENCE, value: SWEDISH_VALUE },
      '22': { measure: 'price', decimals: 0, itemReference: SWEDISH_ITEM_REFERENCE, value: SWEDISH_VALUE },
      '23': { measure: 'weight', decimals: 3, itemReference: SWEDISH_ITEM_REFERENCE, value: SWEDISH_VALUE },
      '24': { measure: 'weight', decimals: 2, itemReference: SWEDISH_ITEM_REFERENCE, value: SWEDISH_VALUE },
      '25': { measure: 'weight', decimals: 1, itemReference: SWEDISH_ITEM_REFERENCE, value: SWEDISH_VALUE },
    },
  },
  germany: {
    name: 'germany',
    source:
      'GS1 Germany, "Das Konzept der SAN-4" (san.gs1-germany.de/SAN-4-Konzept): 23 3071 4 002,39 6 (price), ' +
      '26 3071 9 00012 1 (count), 29 3071 1 06,870 0 (weight)',
    formats: {
      '22': { measure: 'price', decimals: 2, itemReference: GERMAN_ITEM_REFERENCE, value: GERMAN_VALUE, valueCheckDigitAt: GERMAN_VALUE_CHECK_DIGIT_AT },
      '23': { measure: 'price', decimals: 2, itemReference: GERMAN_ITEM_REFERENCE, value: GERMAN_VALUE, valueCheckDigitAt: GERMAN_VALUE_CHECK_DIGIT_AT },
      // 25/26 (piece count) have no field in DecodedBarcode yet: they decode as plain GTINs.
      '28': { measure: 'weight', decimals: 3, itemReference: GERMAN_ITEM_REFERENCE, value: GERMAN_VALUE, valueCheckDigitAt: GERMAN_VALUE_CHECK_DIGIT_AT },
      '29': { measure: 'weight', decimals: 3, itemReference: GERMAN_ITEM_REFERENCE, value: GERMAN_VALUE, valueCheckDigitAt: GERMAN_VALUE_CHECK_DIGIT_AT },
    },
  },
};

/** A shipped template by name (`sweden`, `germany`) or ISO 3166 country code (`se`, `de`), any case. */
export function getRestrictedTemplate(name: string): RestrictedTemplate | undefined {
  switch (name.toLowerCase()) {
    case 'sweden':
    case 'se':
      return restrictedTemplates.sweden;
    case 'germany':
    case 'de':
      return restrictedTemplates.germany;
    default:
      return undefined;
  }
}

/** The price/weight check digit of the format's value field within `text` (value starting at `valueStart`). */
function valueCheckDigit(format: RestrictedFormat, text: string, valueStart: number): number {
  const length = format.value.length;
  if (length !== 4 && length !== 5) throw new RangeError(`a price/weight check digit covers 4 or 5 digits, not ${length}`);
  return priceCheckDigitOf(text, valueStart, length);
}

function formatFor(template: RestrictedTemplate, prefix: string): RestrictedFormat | undefined {
  return Object.hasOwn(template.formats, prefix) ? template.formats[prefix as RestrictedPrefix] : undefined;
}

function requireFormat(template: RestrictedTemplate, prefix: string, itemReference: string): RestrictedFormat {
  const format = formatFor(template, prefix);
  if (format === undefined) throw new RangeError(`template ${template.name} has no layout for prefix "${prefix}"`);
  if (itemReference.length !== format.itemReference.length || !isDigitRange(itemReference, 0, itemReference.length)) {
    throw new RangeError(`template ${template.name} prefix ${prefix} takes a ${format.itemReference.length}-digit item reference, got "${itemReference}"`);
  }
  return format;
}

/** 13 digits: the prefix, the item reference in its field, `value` in the value field, zeros elsewhere; check digits computed. */
function composeCode(format: RestrictedFormat, prefix: string, itemReference: string, valueDigits: string): string {
  const digits: string[] = new Array<string>(EAN13_LENGTH).fill('0');
  digits[0] = prefix.charAt(0);
  digits[1] = prefix.charAt(1);
  for (let i = 0; i < format.itemReference.length; i++) digits[format.itemReference.start + i] = itemReference.charAt(i);
  for (let i = 0; i < format.value.length; i++) digits[format.value.start + i] = valueDigits.charAt(i);
  if (format.valueCheckDigitAt !== undefined) {
    digits[format.valueCheckDigitAt] = String(valueCheckDigit(format, valueDigits, 0));
  }
  const payload = digits.slice(0, EAN13_CHECK_DIGIT_AT).join('');
  return `${payload}${mod10CheckDigit(payload, 0, payload.length)}`;
}

/**
 * The GTIN-14 the catalogue stores for a restricted-circulation item: its code with the value digits
 * and the price check digit zeroed and the EAN check digit recomputed, so every label printed for the
 * item finds the same row.
 */
export function restrictedLookupGtin(template: RestrictedTemplate, prefix: string, itemReference: string): string {
  const format = requireFormat(template, prefix, itemReference);
  const zeros = '0'.repeat(format.value.length);
  const code = composeCode(format, prefix, itemReference, zeros);
  // The price check digit of an all-zero value is 0 for both algorithms, so it is "zeroed" too.
  return `0${code}`;
}

/**
 * A valid 13-digit restricted-circulation code (all check digits included) for the demo catalogue and
 * tests. Give `priceMinor` for price layouts and `weightGrams` for weight layouts; throws when the
 * value cannot be written exactly in the field (too large, or finer than its decimals).
 */
export function makeRestrictedBarcode(
  template: RestrictedTemplate,
  item: { readonly prefix: string; readonly itemReference: string; readonly priceMinor?: number; readonly weightGrams?: number },
  currency: string,
): string {
  const format = requireFormat(template, item.prefix, item.itemReference);
  const given = format.measure === 'price' ? item.priceMinor : item.weightGrams;
  const other = format.measure === 'price' ? item.weightGrams : item.priceMinor;
  if (given === undefined || other !== undefined) {
    throw new RangeError(`template ${template.name} prefix ${item.prefix} holds a ${format.measure}: give ${format.measure === 'price' ? 'priceMinor' : 'weightGrams'} only`);
  }
  if (!Number.isSafeInteger(given) || given < 0) throw new RangeError(`${format.measure} must be a non-negative integer, got ${given}`);
  // Value-field units per lane unit: minor units ↔ 10^-exponent, grams ↔ 10^-3 kg.
  const laneExponent = format.measure === 'price' ? currencyExponent(currency) : 3;
  let value: number;
  if (format.decimals >= laneExponent) {
    value = given * POWERS_OF_TEN[format.decimals - laneExponent]!;
  } else {
    const divisor = POWERS_OF_TEN[laneExponent - format.decimals]!;
    if (given % divisor !== 0) throw new RangeError(`${format.measure} ${given} cannot be written with ${format.decimals} decimals`);
    value = given / divisor;
  }
  if (value >= POWERS_OF_TEN[format.value.length]!) throw new RangeError(`${format.measure} ${given} does not fit in ${format.value.length} digits`);
  return composeCode(format, item.prefix, item.itemReference, String(value).padStart(format.value.length, '0'));
}

/** What a restricted-circulation code holds, read through a template. */
export interface RestrictedReading {
  readonly itemReference: string;
  readonly lookupGtin: string;
  readonly priceMinor?: number | undefined;
  readonly weightGrams?: number | undefined;
}

/**
 * Read the restricted-circulation GTIN-14 `gtin` (`0` + EAN-13 starting 20–29, check digit already
 * verified) through `template`. `undefined` when the template has no layout for its prefix.
 */
export function readRestricted(template: RestrictedTemplate, gtin: string, currency: string): Result<RestrictedReading, Failure> | undefined {
  const prefix = gtin.slice(1, 3);
  const format = formatFor(template, prefix);
  if (format === undefined) return undefined;
  const at = 1; // EAN-13 digit index 0 is GTIN-14 index 1
  const valueStart = at + format.value.start;
  const valueEnd = valueStart + format.value.length;
  if (format.valueCheckDigitAt !== undefined) {
    const expected = valueCheckDigit(format, gtin, valueStart);
    const actual = digitAt(gtin, at + format.valueCheckDigitAt);
    if (actual !== expected) {
      return err(failure('priceCheckDigit', `${format.measure} check digit of ${gtin.slice(valueStart, valueEnd)} is ${actual}, expected ${expected} (template ${template.name})`));
    }
  }
  const itemStart = at + format.itemReference.start;
  const itemReference = gtin.slice(itemStart, itemStart + format.itemReference.length);
  const lookupGtin = restrictedLookupGtin(template, prefix, itemReference);
  const value = readDigits(gtin, valueStart, valueEnd);
  if (format.measure === 'weight') return ok({ itemReference, lookupGtin, weightGrams: kilogramsToGrams(value, format.decimals) });
  const exponent = currencyExponent(currency);
  const priceMinor = amountToMinor(value, format.decimals, exponent);
  if (priceMinor === undefined) {
    return err(failure('unsupportedPrecision', `price ${gtin.slice(valueStart, valueEnd)} has ${format.decimals} decimals, more than ${currency} minor units allow (${exponent})`));
  }
  return ok({ itemReference, lookupGtin, priceMinor });
}
