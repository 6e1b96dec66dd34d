import type { LocalizedText } from '../i18n/languages';
import { priceForWeight } from '../money';
import type { ScaleReading } from '../scale';
import type { NewLine } from './sale';

/**
 * Legal-for-trade rules for selling by weight at the lane (WELMEC 2.2; Measurement
 * Canada and UK Weighing Federation guidance, summarised in device-protocols.md):
 * - only a weight the approved scale reports as stable is used;
 * - the scale must have shown a stable zero since the last weighing (so a leftover
 *   load or a drifted zero is never sold, and one load is never sold twice);
 * - motion, under zero, over capacity and zero errors block the sale and are shown;
 * - loads below the scale's minimum (20 scale intervals for class III) are not sold;
 * - a container's preset tare is taken off: the shopper pays for the net weight only, the
 *   minimum applies to the net weight, and a gross reading at or below the tare is not sold;
 * - the price is computed once, from the weight at the moment of acceptance, and the
 *   screen and the receipt show that same weight and price (and the tare, when one was taken off).
 * Pure: used by the statechart's guard and by the screen, so both always agree.
 */

/** What a weighed line needs from the catalogue; weight and price come from the scale at acceptance. */
export type WeighableItem = Omit<NewLine, 'pricing' | 'quantity' | 'weightGrams' | 'tareGrams' | 'priceMinor'>;

/** A store container (paper bag, deli tub) the shopper may weigh loose items in; its weight is a preset tare. */
export interface Container {
  readonly id: string;
  readonly name: LocalizedText;
  readonly tareGrams: number;
}

/**
 * 40 g: 20 intervals of a 2 g interval, the finest interval of the common 6/15 kg
 * dual-range checkout scales. Configurable per lane for other scales.
 */
export const defaultMinimumWeightGrams = 40;

export type WeighingStatus =
  /** No reading yet (scale just opened). */
  | { readonly kind: 'waiting' }
  /** Stable zero seen: put the item on the scale. */
  | { readonly kind: 'placeItem' }
  /** A load is on the scale but no zero was seen since the last weighing. */
  | { readonly kind: 'clearScale' }
  | { readonly kind: 'settling' }
  | { readonly kind: 'overCapacity' }
  | { readonly kind: 'underZero' }
  | { readonly kind: 'zeroError' }
  /** `grams` is the net weight (never negative). */
  | { readonly kind: 'belowMinimum'; readonly grams: number }
  /** The scale reports in lb/oz: per-kg prices cannot be computed exactly, so the lane does not sell by it. */
  | { readonly kind: 'unsupportedUnit' }
  /** `grams` is the net weight the price is for; `tareGrams` is set when a container's tare was taken off. */
  | { readonly kind: 'ready'; readonly grams: number; readonly priceMinor: number; readonly tareGrams?: number };

export interface WeighingInput {
  readonly reading: ScaleReading | null;
  readonly zeroSeen: boolean;
  readonly unitPriceMinor: number;
  readonly minimumWeightGrams: number;
  /** The chosen container's preset tare; 0 (default) for none. */
  readonly tareGrams?: number | undefined;
}

export function weighingStatus({ reading, zeroSeen, unitPriceMinor, minimumWeightGrams, tareGrams = 0 }: WeighingInput): WeighingStatus {
  if (!reading) return { kind: 'waiting' };
  switch (reading.kind) {
    case 'motion':
      return { kind: 'settling' };
    case 'overCapacity':
    case 'underZero':
    case 'zeroError':
      return { kind: reading.kind };
    case 'stable': {
      const { weight } = reading;
      if (weight.unit !== 'kg' && weight.unit !== 'g') return { kind: 'unsupportedUnit' };
      // Empty scale and zero-since-last-weighing are about the scale itself: judged on the gross reading.
      if (weight.grams === 0) return { kind: 'placeItem' };
      if (!zeroSeen) return { kind: 'clearScale' };
      const net = weight.grams - tareGrams;
      // An empty container (or a lighter one than preset) is never sold, even with a zero minimum.
      if (net <= 0 || net < minimumWeightGrams) return { kind: 'belowMinimum', grams: Math.max(0, net) };
      const priceMinor = priceForWeight(net, unitPriceMinor);
      return tareGrams > 0 ? { kind: 'ready', grams: net, priceMinor, tareGrams } : { kind: 'ready', grams: net, priceMinor };
    }
  }
}

/** A stable zero: the scale is empty and correctly zeroed. */
export function isStableZero(reading: ScaleReading | null): boolean {
  return reading?.kind === 'stable' && reading.weight.grams === 0;
}

/** The basket line for an accepted weighing: `grams` is the net weight, `tareGrams` the container's tare if any. */
export function weighedLine(item: WeighableItem, grams: number, priceMinor: number, tareGrams?: number): NewLine {
  return { ...item, pricing: 'weight', quantity: 1, weightGrams: grams, ...(tareGrams ? { tareGrams } : {}), priceMinor };
}
