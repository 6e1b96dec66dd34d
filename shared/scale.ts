import type { Result } from './result';

/**
 * Weighing, as every scale driver reports it (Mettler Toledo 8217, NCI SCP-01,
 * Magellan single-cable, USB HID POS). Prices are computed from integer grams;
 * the scale's own reading (value, decimals, unit) is kept beside it so the
 * screen and the receipt can show exactly what the approved scale showed.
 */

export type WeightUnit = 'g' | 'kg' | 'lb' | 'oz';

/** A weight as the scale reported it: `increments × 10^-decimals` in `unit`, e.g. 1234/3/kg = 1.234 kg. */
export interface ScaleWeight {
  /** Rounded to the nearest gram (exact for g/kg scales); what prices are computed from. */
  readonly grams: number;
  /** The reading in the scale's own resolution: an integer count of the last digit. */
  readonly increments: number;
  readonly decimals: number;
  readonly unit: WeightUnit;
}

/**
 * One reading. Only `stable` may be used to sell (legal for trade: WELMEC 2.2);
 * everything else is shown to the shopper and blocks a weighed sale.
 * A stable zero is `stable` with `grams: 0`.
 */
export type ScaleReading =
  | { readonly kind: 'stable'; readonly weight: ScaleWeight; readonly net: boolean }
  /** The platter is moving; some protocols still send the passing weight. */
  | { readonly kind: 'motion'; readonly weight?: ScaleWeight }
  | { readonly kind: 'underZero' }
  | { readonly kind: 'overCapacity' }
  /** The scale cannot capture zero (outside the zero-setting range, initial zero error): it needs zeroing by an assistant. */
  | { readonly kind: 'zeroError' };

export type ScaleReadingKind = ScaleReading['kind'];

/** Why a weight could not be read at all (as opposed to a reading that says "in motion"). */
export type ScaleReadFailure =
  | { readonly kind: 'notOpen' }
  | { readonly kind: 'timeout' }
  /** The reply did not parse; `detail` is for the log. */
  | { readonly kind: 'badReply'; readonly detail: string }
  /** The scale refused (e.g. zeroing in motion) or reports a hardware fault. */
  | { readonly kind: 'refused'; readonly detail: string };

/**
 * What a scale driver offers, whatever the protocol (UnifiedPOS Scale: read
 * weight, zero, status). Lifecycle and status follow the other device services.
 */
export interface ScaleOperations {
  /** One reading from the scale now. */
  readWeight(): Promise<Result<ScaleReading, ScaleReadFailure>>;
  /** Zero the scale (the scale ignores it in motion or out of its zero range: `refused`). */
  zero(): Promise<Result<void, ScaleReadFailure>>;
}

const gramsPerUnit: Record<WeightUnit, number> = { g: 1, kg: 1000, lb: 453.59237, oz: 28.349523125 };

/** Builds a weight from the scale's digits; `increments` must be an integer. */
export function scaleWeight(increments: number, decimals: number, unit: WeightUnit): ScaleWeight {
  if (!Number.isSafeInteger(increments) || !Number.isInteger(decimals) || decimals < 0 || decimals > 6) {
    throw new RangeError(`bad scale weight ${increments}e-${decimals} ${unit}`);
  }
  // g and kg are exact in integer arithmetic; lb and oz are converted once, here, and rounded.
  const grams =
    unit === 'g' || unit === 'kg'
      ? roundDiv(increments * (unit === 'kg' ? 1000 : 1), 10 ** decimals)
      : Math.round((increments * gramsPerUnit[unit]) / 10 ** decimals);
  return { grams, increments, decimals, unit };
}

/** The weight as the scale displays it, e.g. "1.234 kg" (locale-free; the UI formats with Intl). */
export function scaleWeightText(weight: ScaleWeight): string {
  const negative = weight.increments < 0;
  const digits = String(Math.abs(weight.increments)).padStart(weight.decimals + 1, '0');
  const whole = weight.decimals === 0 ? digits : `${digits.slice(0, -weight.decimals)}.${digits.slice(-weight.decimals)}`;
  return `${negative ? '-' : ''}${whole} ${weight.unit}`;
}

/** Integer division rounding half away from zero. */
function roundDiv(numerator: number, denominator: number): number {
  const quotient = Math.trunc(numerator / denominator);
  const remainder = numerator - quotient * denominator;
  if (2 * Math.abs(remainder) >= denominator) return quotient + Math.sign(numerator);
  return quotient;
}
