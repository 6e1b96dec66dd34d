import { isUsable } from '../devices';
import { baggingExpectation, type BaggingExpectation } from './bagging';
import { expectBagging, expectRemoval, startBaggingArea, type BaggingArea } from './baggingArea';
import type { CheckoutContext } from './context';
import type { BasketLine } from './sale';

/**
 * How a change to the basket changes what the bagging area should hold. Pure helpers the
 * statechart's actions share: a piece added must be put down, a piece taken off must come out.
 */

export function baggingScaleWorks(context: CheckoutContext): boolean {
  return context.devices.baggingScale !== undefined && isUsable(context.devices.baggingScale);
}

type Piece = Pick<BasketLine, 'gtin' | 'name'>;

/** The bagging area after `count` pieces of an item went into the basket. */
export function expectPiecesBagged(context: CheckoutContext, area: BaggingArea | null | undefined, item: Piece, expectation: BaggingExpectation, count = 1): BaggingArea | null {
  if (!baggingScaleWorks(context)) return area ?? null;
  let next = area ?? startBaggingArea(context.baggingArea?.grams);
  for (let i = 0; i < count; i++) next = expectBagging(next, { gtin: item.gtin, name: item.name, expectation });
  return next;
}

/** The bagging area after `count` pieces of a line came off the basket. */
export function expectPiecesRemoved(context: CheckoutContext, area: BaggingArea | null | undefined, line: BasketLine, count = 1): BaggingArea | null {
  if (!area || !baggingScaleWorks(context)) return area ?? null;
  let next = area;
  for (let i = 0; i < count; i++) next = expectRemoval(next, { gtin: line.gtin, name: line.name, expectation: line.bagging ?? baggingExpectation(undefined) });
  return next;
}

/** Pieces a line stands for in the bagging area: a unit line's quantity, one bag of a weighed item. */
export function piecesOf(line: BasketLine): number {
  return line.pricing === 'unit' ? line.quantity : 1;
}
