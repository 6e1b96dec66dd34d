import type { LocalizedText } from '../i18n/languages';
import { defaultBaggingSettings, judgeBagging, type BaggingExpectation, type BaggingSettings, type BaggingVerdict } from './bagging';
import type { BaggingObservation } from './sale';

/**
 * The bagging area during a sale, as the checkout tracks it: what the security scale should
 * read, which items are still to be put down, and a mismatch the shopper must put right.
 * Pure; the statechart keeps it in its context. The per-item judgement is bagging.ts.
 *
 * Rules (what makes false alerts rare without letting unscanned items through):
 * - Scanning never waits for bagging: items scanned one after the other are judged together
 *   at the next settled reading.
 * - A reading short of the pending items is not an alert while the shopper is still bagging;
 *   it becomes one only at "Pay" (items not put down).
 * - Heavier than expected (an unscanned item), or lighter than before (an item taken away),
 *   is an alert at once.
 * - An alert clears by itself when the area settles where it should be again.
 */

export interface PendingBagging {
  /** Null for the shopper's own bag. */
  readonly gtin: string | null;
  readonly name: LocalizedText | null;
  readonly expectation: BaggingExpectation;
}

export type BaggingMismatch =
  /** More on the scale than was scanned: something not scanned was put down. */
  | { readonly kind: 'unexpectedItem'; readonly extraGrams: number }
  /** Lighter than it should be: something was taken out of the bagging area. */
  | { readonly kind: 'itemRemoved'; readonly grams: number }
  /** The shopper wants to pay with items still not put down (or not all of them). */
  | { readonly kind: 'notBagged'; readonly names: readonly LocalizedText[] };

export interface BaggingArea {
  /** What the scale should read now, in grams: the settled weight after every accepted change. */
  readonly expectedGrams: number;
  readonly pending: readonly PendingBagging[];
  readonly mismatch: BaggingMismatch | null;
}

/** A new sale's bagging area: whatever already lies there (a bag, a handbag) is the baseline. */
export function startBaggingArea(currentGrams: number | undefined): BaggingArea {
  return { expectedGrams: currentGrams ?? 0, pending: [], mismatch: null };
}

export function expectBagging(area: BaggingArea, pending: PendingBagging): BaggingArea {
  return { ...area, pending: [...area.pending, pending] };
}

/** Several items put down together: their bands add up (tolerances in quadrature, learning bounds linearly). */
export function combinedExpectation(pending: readonly PendingBagging[]): BaggingExpectation {
  if (pending.every((item) => item.expectation.kind === 'trusted')) {
    let expectedGrams = 0;
    let variance = 0;
    for (const { expectation } of pending) {
      if (expectation.kind !== 'trusted') continue;
      expectedGrams += expectation.expectedGrams;
      variance += expectation.toleranceGrams ** 2;
    }
    return { kind: 'trusted', expectedGrams, toleranceGrams: Math.ceil(Math.sqrt(variance)) };
  }
  let minGrams = 0;
  let maxGrams: number | undefined = 0;
  for (const { expectation } of pending) {
    if (expectation.kind === 'trusted') {
      minGrams += expectation.expectedGrams - expectation.toleranceGrams;
      if (maxGrams !== undefined) maxGrams += expectation.expectedGrams + expectation.toleranceGrams;
    } else {
      minGrams += expectation.minGrams;
      maxGrams = maxGrams === undefined || expectation.maxGrams === undefined ? undefined : maxGrams + expectation.maxGrams;
    }
  }
  return { kind: 'learning', minGrams: Math.max(0, minGrams), maxGrams };
}

export interface SettleResult {
  readonly area: BaggingArea;
  /** One single item matched: its weight, for learning once the sale completes. */
  readonly observation?: BaggingObservation | undefined;
}

/** The bagging scale settled at `grams`. */
export function settleBagging(area: BaggingArea, grams: number, settings: BaggingSettings = defaultBaggingSettings): SettleResult {
  const delta = grams - area.expectedGrams;
  if (area.pending.length === 0) {
    // Nothing to put down: the area must stay where it is, within the scale's own noise.
    const verdict = judgeBagging(delta, { kind: 'trusted', expectedGrams: 0, toleranceGrams: settings.floorToleranceGrams }, settings);
    return { area: { ...area, mismatch: mismatchOf(verdict, area) } };
  }
  const verdict = judgeBagging(delta, combinedExpectation(area.pending), settings);
  if (verdict.kind === 'ok') {
    const [only] = area.pending;
    const observation = area.pending.length === 1 && only?.gtin ? { gtin: only.gtin, grams: delta } : undefined;
    return { area: { expectedGrams: grams, pending: [], mismatch: null }, observation };
  }
  // Short of the pending items: the shopper is still bagging; not an alert (yet).
  if (verdict.kind === 'nothingAdded' || verdict.kind === 'tooLight') return { area: { ...area, mismatch: area.mismatch?.kind === 'notBagged' ? area.mismatch : null } };
  return { area: { ...area, mismatch: mismatchOf(verdict, area) } };
}

/** "Pay" pressed: items still pending are an alert the shopper can put right by bagging them. */
export function checkBaggedBeforePayment(area: BaggingArea): BaggingArea {
  if (area.pending.length === 0 || area.mismatch) return area;
  return { ...area, mismatch: { kind: 'notBagged', names: area.pending.flatMap((item) => (item.name ? [item.name] : [])) } };
}

function mismatchOf(verdict: BaggingVerdict, area: BaggingArea): BaggingMismatch | null {
  switch (verdict.kind) {
    case 'ok':
    case 'nothingAdded':
    case 'tooLight':
      return area.mismatch?.kind === 'notBagged' ? area.mismatch : null;
    case 'tooHeavy':
      return { kind: 'unexpectedItem', extraGrams: verdict.extraGrams };
    case 'removed':
      return { kind: 'itemRemoved', grams: verdict.grams };
  }
}
