import { digitAt } from './checkDigit';

/**
 * Embedded prices and weights arrive as digit strings with an implied decimal point
 * (restricted-circulation value fields, GS1 AIs 310n/392n). These turn them into the lane's
 * integer units: minor units of the shop's currency, and grams.
 */

/** 10^0 … 10^15: every power an implied decimal point (0–9) or a currency exponent (0–4) needs. */
export const POWERS_OF_TEN: readonly number[] = Array.from({ length: 16 }, (_, exponent) => 10 ** exponent);

function powerOfTen(exponent: number): number {
  const power = POWERS_OF_TEN[exponent];
  if (power === undefined) throw new RangeError(`10^${exponent} is outside the supported range`);
  return power;
}

/** The number written by the digits `text[start, end)` (at most 15 digits, so always a safe integer). */
export function readDigits(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + digitAt(text, i);
  return value;
}

/**
 * An amount with `decimals` implied decimals in minor units of a currency with `exponent` minor digits.
 * Extra decimals are accepted only when they are zero (12.340 EUR is 1234 cents; 12.345 EUR is
 * refused) — `undefined` then, as it is when the result is not a safe integer.
 */
export function amountToMinor(amount: number, decimals: number, exponent: number): number | undefined {
  let minor: number;
  if (decimals <= exponent) {
    minor = amount * powerOfTen(exponent - decimals);
  } else {
    const divisor = powerOfTen(decimals - exponent);
    if (amount % divisor !== 0) return undefined;
    minor = amount / divisor;
  }
  return Number.isSafeInteger(minor) ? minor : undefined;
}

/**
 * A weight in kilograms with `decimals` implied decimals, in whole grams. More than three decimals
 * (AI 3104/3105: 0.1 g and 0.01 g steps) round half up to the gram, the rule `priceForWeight` uses
 * for money, so 0.0125 kg is 13 g.
 */
export function kilogramsToGrams(kilograms: number, decimals: number): number {
  if (decimals <= 3) return kilograms * powerOfTen(3 - decimals);
  const divisor = powerOfTen(decimals - 3);
  return Math.floor((kilograms + divisor / 2) / divisor);
}
