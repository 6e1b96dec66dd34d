import { approveAsIs, skipPendingBagging } from './baggingArea';
import { expectPiecesBagged, expectPiecesRemoved, piecesOf } from './basketChanges';
import type { CheckoutContext, NumberedAssistantAction } from './context';
import type { AssistantCommandEvent, Authority } from './events';
import { baggingExpectation } from './bagging';
import { amountDueMinor } from './pricing';
import { overrideLinePrice, requiredAge, setLineQuantity, type AssistantAction, type PaymentRecord, type Sale } from './sale';

/**
 * What an assistant's commands do to the checkout's data: pure updates the statechart's
 * actions apply. Every one is audited — who, what, when, from where — in the sale (it goes to
 * the store with it) and as the lane's latest action (the runtime journals each exactly once).
 */

type Update = { -readonly [K in keyof CheckoutContext]?: CheckoutContext[K] };
type CommandOf<K extends AssistantCommandEvent['type']> = Extract<AssistantCommandEvent, { type: K }>;
type Detail = AssistantAction['detail'];

/** `sale` (default: the open one) with the action appended, and the action numbered for the journal. */
export function audited(context: CheckoutContext, authority: Authority, action: string, detail?: Detail, sale: Sale | null = context.sale): { sale: Sale | null; lastAssistantAction: NumberedAssistantAction } {
  const entry: AssistantAction = { at: Date.now(), by: authority.by, via: authority.via, action, saleId: sale?.id, detail };
  const seq = (context.lastAssistantAction?.seq ?? 0) + 1;
  return {
    sale: sale ? { ...sale, assistantActions: [...(sale.assistantActions ?? []), entry] } : sale,
    lastAssistantAction: { ...entry, seq },
  };
}

/** Only the numbered action: for lane-level actions (sign-in, close, maintenance) outside any sale. */
export function auditedLaneAction(context: CheckoutContext, authority: Authority, action: string, detail?: Detail): Update {
  return { lastAssistantAction: audited(context, authority, action, detail, null).lastAssistantAction };
}

export function approveAge(context: CheckoutContext, event: CommandOf<'assistant.approveAge'>): Update {
  if (!context.sale) return {};
  const age = requiredAge(context.sale.lines);
  const sale: Sale = { ...context.sale, ageApproval: { age, by: event.by, via: event.via, at: Date.now() } };
  return audited(context, event, 'approveAge', { age }, sale);
}

/** Too young or no ID: every item above what was approved comes off, and out of the bagging area. */
export function refuseAge(context: CheckoutContext, event: CommandOf<'assistant.refuseAge'>): Update {
  if (!context.sale) return {};
  const approved = context.sale.ageApproval?.age ?? 0;
  const refused = context.sale.lines.filter((line) => (line.ageLimit ?? 0) > approved);
  let bagging = context.bagging;
  for (const line of refused) bagging = expectPiecesRemoved(context, bagging, line, piecesOf(line));
  const sale: Sale = { ...context.sale, lines: context.sale.lines.filter((line) => !refused.includes(line)) };
  return { ...audited(context, event, 'refuseAge', { itemsRemoved: refused.length }, sale), bagging };
}

export function setQuantity(context: CheckoutContext, event: CommandOf<'assistant.setQuantity'>): Update {
  const line = context.sale?.lines.find((candidate) => candidate.lineId === event.lineId);
  if (!context.sale || !line) return {};
  const changed = setLineQuantity(context.sale, event.lineId, event.quantity);
  if (changed === context.sale) return {};
  const difference = event.quantity - (line.pricing === 'unit' ? line.quantity : 1);
  const bagging =
    difference > 0
      ? expectPiecesBagged(context, context.bagging, line, line.bagging ?? baggingExpectation(undefined), difference)
      : expectPiecesRemoved(context, context.bagging, line, -difference);
  const action = event.quantity === 0 ? 'voidLine' : 'setQuantity';
  // A shopper's open request to take this line off is answered by any change an assistant makes to it.
  const voidRequest = context.voidRequest?.lineId === line.lineId ? null : context.voidRequest;
  return { voidRequest, ...audited(context, event, action, { lineId: line.lineId, gtin: line.gtin, from: line.quantity, to: event.quantity, lineMinor: line.priceMinor }, changed), bagging };
}

export function overridePrice(context: CheckoutContext, event: CommandOf<'assistant.overridePrice'>): Update {
  const line = context.sale?.lines.find((candidate) => candidate.lineId === event.lineId);
  if (!context.sale || !line) return {};
  const changed = overrideLinePrice(context.sale, event.lineId, event.priceMinor, { reason: event.reason, by: event.by, at: Date.now() });
  if (changed === context.sale) return {};
  const fromMinor = line.pricing === 'unit' ? line.unitPriceMinor : line.priceMinor;
  return audited(context, event, 'overridePrice', { lineId: line.lineId, gtin: line.gtin, fromMinor, toMinor: event.priceMinor, reason: event.reason }, changed);
}

/** The assistant looked at the bagging area and it is right: the present weight is the new baseline (and is learned). */
export function approveBagging(context: CheckoutContext, event: CommandOf<'assistant.approveBagging'>): Update {
  if (!context.bagging) return auditedLaneAction(context, event, 'approveBagging');
  const { area, observation } = approveAsIs(context.bagging, context.baggingArea?.grams ?? context.bagging.expectedGrams);
  const sale = context.sale && observation ? { ...context.sale, baggingObservations: [...(context.sale.baggingObservations ?? []), observation] } : context.sale;
  return { ...audited(context, event, 'approveBagging', { mismatch: context.bagging.mismatch?.kind ?? null }, sale), bagging: area };
}

/** Heavy or bulky items left in the trolley: counted on the sale; audited when an assistant approved it. */
export function skipBagging(context: CheckoutContext, authority?: Authority): Update {
  if (!context.bagging || !context.sale) return {};
  const { area, skipped } = skipPendingBagging(context.bagging);
  const sale: Sale = { ...context.sale, skippedBagging: (context.sale.skippedBagging ?? 0) + skipped };
  if (!authority) return { sale, bagging: area };
  return { ...audited(context, authority, 'approveSkipBagging', { items: skipped }, sale), bagging: area };
}

/** How many items are waiting to go into the bagging area (a skip would count these). */
export function itemsWaitingToBag(context: CheckoutContext): number {
  return context.bagging?.pending.filter((item) => !item.removal && item.gtin !== null).length ?? 0;
}

/** Cash (or another tender) the assistant took: what went to the sale, and the change given back. */
export function confirmTender(context: CheckoutContext, event: CommandOf<'assistant.confirmTender'>): Update {
  if (!context.sale || !Number.isSafeInteger(event.tenderedMinor) || event.tenderedMinor <= 0) return {};
  const due = amountDueMinor(context.sale);
  const amountMinor = Math.min(due, event.tenderedMinor);
  const payment: PaymentRecord = { tender: event.tender, amountMinor, tenderedMinor: event.tenderedMinor, changeMinor: event.tenderedMinor - amountMinor, by: event.by, at: Date.now() };
  const sale: Sale = { ...context.sale, payments: [...context.sale.payments, payment] };
  return audited(context, event, 'confirmTender', { tender: event.tender, amountMinor, tenderedMinor: event.tenderedMinor, changeMinor: payment.changeMinor }, sale);
}
