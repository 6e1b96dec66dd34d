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
  /** An item removed from the basket: it must come out of the bagging area (the scale gets lighter by it). */
  readonly removal?: boolean;
}

export type BaggingMismatch =
  /** More on the scale than was scanned: something not scanned was put down. */
  | { readonly kind: 'unexpectedItem'; readonly extraGrams: number }
  /** Lighter than it should be: something was taken out of the bagging area. */
  | { readonly kind: 'itemRemoved'; readonly grams: number }
  /** The shopper wants to pay with items still not put down (or not all of them). */
  | { readonly kind: 'notBagged'; readonly names: readonly LocalizedText[] }
  /** The shopper wants to pay with items removed from the basket still in the bagging area. */
  | { readonly kind: 'notRemoved'; readonly names: readonly LocalizedText[] };

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

/**
 * An item taken off the basket: if it was never put down, it is simply no longer expected;
 * otherwise the shopper must take it out of the bagging area.
 */
export function expectRemoval(area: BaggingArea, removed: Omit<PendingBagging, 'removal'>): BaggingArea {
  const waiting = area.pending.findIndex((item) => !item.removal && item.gtin === removed.gtin);
  if (waiting >= 0) return { ...area, pending: [...area.pending.slice(0, waiting), ...area.pending.slice(waiting + 1)] };
  return { ...area, pending: [...area.pending, { ...removed, removal: true }] };
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
  const verdict = area.pending.some((item) => item.removal) ? judgeWithRemovals(delta, area.pending, settings) : judgeBagging(delta, combinedExpectation(area.pending), settings);
  if (verdict.kind === 'ok') {
    const [only] = area.pending;
    const observation = area.pending.length === 1 && only?.gtin && !only.removal ? { gtin: only.gtin, grams: delta } : undefined;
    return { area: { expectedGrams: grams, pending: [], mismatch: null }, observation };
  }
  // Short of the pending items: the shopper is still bagging; not an alert (yet).
  if (verdict.kind === 'nothingAdded' || verdict.kind === 'tooLight') {
    const askedAtPay = area.mismatch?.kind === 'notBagged' || area.mismatch?.kind === 'notRemoved';
    return { area: { ...area, mismatch: askedAtPay ? area.mismatch : null } };
  }
  return { area: { ...area, mismatch: mismatchOf(verdict, area) } };
}

/**
 * Items to put down and to take out, judged together: the expected change is the sum of the
 * additions minus the removals, when every weight is known; otherwise any change in the right
 * direction is accepted (an item whose weight the lane has not learned yet).
 */
function judgeWithRemovals(delta: number, pending: readonly PendingBagging[], settings: BaggingSettings): BaggingVerdict {
  if (pending.every((item) => item.expectation.kind === 'trusted')) {
    let expected = 0;
    let variance = 0;
    for (const item of pending) {
      if (item.expectation.kind !== 'trusted') continue;
      expected += item.removal ? -item.expectation.expectedGrams : item.expectation.expectedGrams;
      variance += item.expectation.toleranceGrams ** 2;
    }
    const tolerance = Math.max(settings.floorToleranceGrams, Math.ceil(Math.sqrt(variance)));
    // Nothing moved yet: the shopper has not got to it (asked for at Pay, like items not yet bagged).
    if (Math.abs(delta) <= settings.floorToleranceGrams && Math.abs(expected) > tolerance) return { kind: 'nothingAdded' };
    if (delta > expected + tolerance) return { kind: 'tooHeavy', extraGrams: Math.round(delta - expected) };
    if (delta < expected - tolerance) return { kind: 'removed', grams: Math.round(expected - delta) };
    return { kind: 'ok' };
  }
  const onlyRemovals = pending.every((item) => item.removal);
  if (onlyRemovals && delta > -settings.minimumVisibleGrams) return { kind: 'nothingAdded' };
  return { kind: 'ok' };
}

/** "Pay" pressed: items still pending are an alert the shopper can put right by bagging them. */
export function checkBaggedBeforePayment(area: BaggingArea): BaggingArea {
  if (area.pending.length === 0 || area.mismatch) return area;
  const names = (removal: boolean) => area.pending.flatMap((item) => (Boolean(item.removal) === removal && item.name ? [item.name] : []));
  const toRemove = names(true);
  if (toRemove.length > 0) return { ...area, mismatch: { kind: 'notRemoved', names: toRemove } };
  return { ...area, mismatch: { kind: 'notBagged', names: names(false) } };
}

function mismatchOf(verdict: BaggingVerdict, area: BaggingArea): BaggingMismatch | null {
  switch (verdict.kind) {
    case 'ok':
    case 'nothingAdded':
    case 'tooLight':
      return area.mismatch?.kind === 'notBagged' || area.mismatch?.kind === 'notRemoved' ? area.mismatch : null;
    case 'tooHeavy':
      return { kind: 'unexpectedItem', extraGrams: verdict.extraGrams };
    case 'removed':
      return { kind: 'itemRemoved', grams: verdict.grams };
  }
}

/**
 * An assistant looked and approved the bagging area as it is: what lies there now is the new
 * baseline. When one item was waiting and the area got heavier, that is what the item weighs
 * (an honest item the lane had not learned well enough): it is learned like any match.
 */
export function approveAsIs(area: BaggingArea, currentGrams: number): SettleResult {
  const added = area.pending.filter((item) => !item.removal);
  const [only] = added;
  const delta = currentGrams - area.expectedGrams;
  const observation = added.length === 1 && area.pending.length === 1 && only?.gtin && delta > 0 ? { gtin: only.gtin, grams: delta } : undefined;
  return { area: { expectedGrams: currentGrams, pending: [], mismatch: null }, observation };
}

/**
 * Items the shopper will not put down (too heavy or bulky; they stay in the trolley): no longer
 * expected. Items to take out stay expected, and so does an alert about something added.
 */
export function skipPendingBagging(area: BaggingArea): { area: BaggingArea; skipped: number } {
  const skipped = area.pending.filter((item) => !item.removal && item.gtin !== null).length;
  const pending = area.pending.filter((item) => item.removal);
  const mismatch = area.mismatch?.kind === 'notBagged' ? null : area.mismatch;
  return { area: { ...area, pending, mismatch }, skipped };
}
