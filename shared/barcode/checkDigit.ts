/**
 * GS1 check digits.
 *
 * - The mod-10 check digit that ends every GTIN, SSCC and GLN (GS1 General Specifications §7.9.1):
 *   weights 3, 1, 3, 1 … from the rightmost data digit; check = (10 − sum mod 10) mod 10.
 * - The price/weight check digit over a 4- or 5-digit value field inside a restricted-circulation
 *   number (GS1 General Specifications §7.9.2–§7.9.4).
 *
 * The range functions take `start`/`end` into a string the caller has already checked to be
 * digits, so decoding a scan needs no substrings.
 */

const CODE_0 = 48;
const CODE_9 = 57;

/** GTIN lengths (GS1 General Specifications §3.3.2): GTIN-8, -12, -13 and -14. */
const GTIN_LENGTHS: ReadonlySet<number> = new Set([8, 12, 13, 14]);

/** True when `text[start, end)` is all ASCII digits. */
export function isDigitRange(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < CODE_0 || code > CODE_9) return false;
  }
  return true;
}

/** The value of the ASCII digit at `index` (caller has checked it is a digit). */
export function digitAt(text: string, index: number): number {
  return text.charCodeAt(index) - CODE_0;
}

/** Mod-10 check digit over the data digits `text[start, end)`. */
export function mod10CheckDigit(text: string, start: number, end: number): number {
  let sum = 0;
  let weight = 3; // the rightmost data digit weighs 3
  for (let i = end - 1; i >= start; i--) {
    sum += digitAt(text, i) * weight;
    weight = 4 - weight; // 3 → 1 → 3 …
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of `text[start, end)` is the mod-10 check digit of the digits before it. */
export function hasValidMod10CheckDigit(text: string, start: number, end: number): boolean {
  return mod10CheckDigit(text, start, end - 1) === digitAt(text, end - 1);
}

/** Check digit for a GTIN (or any GS1 key) given without its check digit, e.g. `629104150021` → 3. */
export function gtinCheckDigit(digitsWithoutCheck: string): number {
  if (digitsWithoutCheck.length === 0 || !isDigitRange(digitsWithoutCheck, 0, digitsWithoutCheck.length)) {
    throw new RangeError(`a check digit needs one or more digits, got "${digitsWithoutCheck}"`);
  }
  return mod10CheckDigit(digitsWithoutCheck, 0, digitsWithoutCheck.length);
}

/** True for an 8-, 12-, 13- or 14-digit GTIN whose check digit is right. */
export function isValidGtin(digits: string): boolean {
  return GTIN_LENGTHS.has(digits.length) && isDigitRange(digits, 0, digits.length) && hasValidMod10CheckDigit(digits, 0, digits.length);
}

/** A GTIN-8/12/13/14 left-padded with zeros to 14 digits. Does not verify the check digit. */
export function toGtin14(digits: string): string {
  if (!GTIN_LENGTHS.has(digits.length) || !isDigitRange(digits, 0, digits.length)) {
    throw new RangeError(`a GTIN has 8, 12, 13 or 14 digits, got "${digits}"`);
  }
  return digits.padStart(14, '0');
}

// Weighting-factor tables of GS1 General Specifications §7.9.2: the "weighted product" of each digit 0–9.
/** 2−: units digit of 2·d minus its tens digit (mod 10). */
const WEIGHT_2_MINUS: readonly number[] = [0, 2, 4, 6, 8, 9, 1, 3, 5, 7];
/** 3: units digit of 3·d. */
const WEIGHT_3: readonly number[] = [0, 3, 6, 9, 2, 5, 8, 1, 4, 7];
/** 5+: units digit of 5·d plus its tens digit (mod 10). */
const WEIGHT_5_PLUS: readonly number[] = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9];
/** 5−: units digit of 5·d minus its tens digit (mod 10). */
const WEIGHT_5_MINUS: readonly number[] = [0, 5, 9, 4, 8, 3, 7, 2, 6, 1];

/** §7.9.3: four-digit field, factors 2−, 2−, 3, 5−. */
const FOUR_DIGIT_FACTORS = [WEIGHT_2_MINUS, WEIGHT_2_MINUS, WEIGHT_3, WEIGHT_5_MINUS];
/** §7.9.4: five-digit field, factors 5+, 2−, 5−, 5+, 2−. */
const FIVE_DIGIT_FACTORS = [WEIGHT_5_PLUS, WEIGHT_2_MINUS, WEIGHT_5_MINUS, WEIGHT_5_PLUS, WEIGHT_2_MINUS];

function weightedSum(text: string, start: number, factors: readonly (readonly number[])[]): number {
  let sum = 0;
  for (let i = 0; i < factors.length; i++) sum += factors[i]![digitAt(text, start + i)]!;
  return sum;
}

/**
 * Price/weight check digit over the 4 or 5 digits `text[start, start + length)`.
 * - 4 digits (§7.9.3): sum the weighted products, multiply by 3; the units digit is the check digit.
 * - 5 digits (§7.9.4): sum the weighted products and subtract from the next multiple of ten; the check
 *   digit is the digit whose 5− weighted product equals that result (not the result itself).
 */
export function priceCheckDigitOf(text: string, start: number, length: 4 | 5): number {
  if (length === 4) return (weightedSum(text, start, FOUR_DIGIT_FACTORS) * 3) % 10;
  const complement = (10 - (weightedSum(text, start, FIVE_DIGIT_FACTORS) % 10)) % 10;
  return WEIGHT_5_MINUS.indexOf(complement);
}

/** Price/weight check digit of a 4- or 5-digit value, e.g. `14685` → 6 (GS1 General Specifications §7.9.4 example). */
export function priceCheckDigit(valueDigits: string): number {
  const length = valueDigits.length;
  if ((length !== 4 && length !== 5) || !isDigitRange(valueDigits, 0, length)) {
    throw new RangeError(`a price/weight check digit covers 4 or 5 digits, got "${valueDigits}"`);
  }
  return priceCheckDigitOf(valueDigits, 0, length);
}
