import { getShortestPaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, type AnyStateNode, type SnapshotFrom } from 'xstate';
import { stateToPath } from '../../../shared/bridge/laneView';
import { assistantCommandEvent, type CheckoutEvent } from '../../../shared/checkout/events';
import { laneLightFor } from '../../../shared/checkout/laneLight';
import { checkoutMachine, type LaneInfo, type PrintResult } from '../../../shared/checkout/machine';
import { ageCheckPending, paidMinor, saleTotalMinor, type NewLine } from '../../../shared/checkout/sale';
import { priceSale } from '../../../shared/checkout/pricing';
import type { DeviceRole } from '../../../shared/devices';
import type { PaymentOutcome } from '../../../shared/payment';
import { scaleWeight } from '../../../shared/scale';

/**
 * Model-based test of the checkout statechart (@xstate/graph): from the initial state, every
 * event a shopper, a device or the lane can send is tried in every reachable state, and the
 * shortest path to each distinct situation is replayed on a real actor with invariants
 * checked after every step. Invoked I/O (payment, receipt) is not run: its completions are
 * events of their own here, with every outcome the terminal and printer can give; timers are
 * their `xstate.after.*` events.
 */
const lane: LaneInfo = { laneId: 'L01', storeName: 'Model Store', currency: 'EUR', defaultLanguage: 'en', epoch: 'e0e0e0e0' };
const milk: NewLine = { gtin: '04750001000016', scannedCode: '4750001000016', name: { en: 'Milk' }, pricing: 'unit', quantity: 1, unitPriceMinor: 119, priceMinor: 119, vatClass: 'B', vatRateBp: 1200 };
const apples = { gtin: '02900000040113', scannedCode: '2900000040113', name: { en: 'Bananas' }, unitPriceMinor: 139, vatClass: 'C', vatRateBp: 500 };

type Snapshot = SnapshotFrom<typeof checkoutMachine>;

const statuses = {
  ready: { kind: 'ready', warnings: [] },
  lost: { kind: 'lost', reason: 'unplugged' },
} as const;
const device = (role: DeviceRole, status: keyof typeof statuses): CheckoutEvent => ({ type: 'device.statusChanged', role, status: statuses[status] });

const approved = (reference: string, amountMinor: number): PaymentOutcome => ({ kind: 'approved', reference, amountMinor, currency: 'EUR', authCode: 'A1', maskedPan: '**** 4242' });
const outcomes = (reference: string, dueMinor: number): PaymentOutcome[] => [
  approved(reference, dueMinor),
  // A partial approval (a prepaid card): less than was asked for.
  ...(dueMinor > 1 ? [approved(reference, 1)] : []),
  { kind: 'declined', reference, reason: 'cardDeclined' },
  { kind: 'cancelled', reference, by: 'shopper' },
  { kind: 'timedOut', reference },
  { kind: 'unavailable', reference, detail: 'terminal offline' },
];

const anna = { id: '1001', name: 'Anna', role: 'assistant' } as const;

const stateNodes: AnyStateNode[] = [];
(function walk(node: AnyStateNode) {
  stateNodes.push(node);
  for (const child of Object.values(node.states)) walk(child);
})(checkoutMachine.root);

/** Completion and failure events of the actor invoked in the current state, and its timers. */
function internalEvents(snapshot: Snapshot): { type: string; [key: string]: unknown }[] {
  const events: { type: string; [key: string]: unknown }[] = [];
  const reference = snapshot.context.payment?.reference ?? 'none';
  const dueMinor = snapshot.context.payment?.amountMinor ?? 0;
  for (const node of stateNodes) {
    if (!snapshot.matches(node.path.join('.') as never) || node.path.length === 0) continue;
    for (const invoke of node.invoke) {
      const outputs: unknown[] = node.path.includes('receipt') ? [{ ok: true } satisfies PrintResult, { ok: false, reason: 'paperEnd' } satisfies PrintResult] : outcomes(reference, dueMinor);
      for (const output of outputs) events.push({ type: `xstate.done.actor.${invoke.id}`, output });
      events.push({ type: `xstate.error.actor.${invoke.id}`, error: 'adapter bug' });
    }
    for (const delayed of node.after) events.push({ type: delayed.eventType });
  }
  return events;
}

const roles: DeviceRole[] = ['scanner', 'printer', 'paymentTerminal', 'scale', 'baggingScale'];
const outsideEvents: CheckoutEvent[] = [
  // Every device coming up; a required one (the printer) and an optional one (the scale) going away.
  ...roles.map((role) => device(role, 'ready')),
  device('printer', 'lost'),
  device('scale', 'lost'),
  { type: 'scanner.scanned', code: milk.scannedCode, outcome: { kind: 'item', line: milk, bagging: { kind: 'trusted', expectedGrams: 1040, toleranceGrams: 35 } } },
  { type: 'scanner.scanned', code: '4006381333931', outcome: { kind: 'unknownItem', gtin: '04006381333931' } },
  { type: 'scanner.scanned', code: '4750001000017', outcome: { kind: 'rejected', reason: 'checkDigit' } },
  { type: 'scanner.scanned', code: apples.scannedCode, outcome: { kind: 'needsWeighing', gtin: apples.gtin, name: apples.name, item: apples } },
  { type: 'lookup.chosen', code: milk.gtin, outcome: { kind: 'item', line: milk } },
  { type: 'scale.reading', reading: { kind: 'stable', weight: scaleWeight(0, 3, 'kg'), net: false } },
  { type: 'scale.reading', reading: { kind: 'stable', weight: scaleWeight(1234, 3, 'kg'), net: false } },
  { type: 'scale.reading', reading: { kind: 'motion' } },
  { type: 'baggingScale.settled', grams: 0 },
  { type: 'baggingScale.settled', grams: 1040 },
  { type: 'baggingScale.settled', grams: 1600 },
  { type: 'paymentTerminal.prompt', reference: 'none', prompt: 'enterPin' },
  { type: 'help.requested', request: { at: 0, state: 'x', itemCount: 0, totalMinor: 0, deviceProblems: [], recentEvents: [] } },
  { type: 'lane.restored' },
  // A message from the supervisor station may arrive in any state; the shopper dismisses it.
  { type: 'supervisor.message', message: { key: 'pleaseWait', from: 'Ivan', at: 0 } },
  ...(['ui.start', 'ui.pay', 'ui.cancelSale', 'ui.confirmCancel', 'ui.dismiss', 'ui.cancelPayment', 'ui.retryPayment', 'ui.backToBasket', 'ui.reprint', 'ui.finish', 'ui.acceptWeight', 'ui.openLookup', 'ui.cancelHelp', 'ui.ownBag', 'ui.cancelVoidRequest', 'ui.dismissMessage'] as const).map(
    (type) => ({ type }) as CheckoutEvent,
  ),
  { type: 'ui.setLanguage', language: 'lv' },
  { type: 'ui.setHighContrast', on: true },
  { type: 'ui.setReceiptWanted', wanted: false },
  // Line 1 is whichever item came first: the milk (the shopper may remove it) or the vodka (an assistant must).
  { type: 'scanner.scanned', code: '4750001000054', outcome: { kind: 'item', line: { ...milk, gtin: '04750001000054', scannedCode: '4750001000054', unitPriceMinor: 999, priceMinor: 999 } } },
  { type: 'ui.removeLine', lineId: 1 },
  // Paying by card or at the assistant (the assistant's side is the staff model below), bags too heavy to lift.
  ...(['ui.payByCard', 'ui.payAtAssistant', 'ui.skipBagging'] as const).map((type) => ({ type }) as CheckoutEvent),
];

/** What makes two snapshots different situations for the checkout (not every gram or sale number). */
function situation(snapshot: Snapshot): string {
  const { context } = snapshot;
  return JSON.stringify([
    stateToPath(snapshot.value),
    (['scanner', 'paymentTerminal', 'scale', 'baggingScale'] as const).map((role) => context.devices[role]?.kind === 'ready'),
    context.devices.printer?.kind ?? '-',
    (context.sale?.lines.length ?? 0) > 0,
    // Whether the first line is one only an assistant may remove (store rule).
    (context.sale?.lines[0]?.unitPriceMinor ?? 0) > 500,
    context.scale?.kind ?? null,
    context.zeroSeen,
    (context.bagging?.pending.length ?? 0) > 0,
    context.bagging?.mismatch?.kind ?? null,
    context.payment?.failure?.kind ?? null,
    ageCheckPending(context.sale),
    (context.sale?.payments.length ?? 0) > 0,
    Boolean(context.closeAfterSale),
    (context.sale?.coupons?.length ?? 0) > 0,
    context.sale?.loyalty !== undefined,
  ]);
}

function invariants(snapshot: Snapshot, step: string): void {
  expect(snapshot.status, step).toBe('active');
  const { context } = snapshot;
  const lines = context.sale?.lines ?? [];
  for (const line of lines) {
    expect(Number.isSafeInteger(line.priceMinor) && line.priceMinor >= 0, step).toBe(true);
    if (line.pricing === 'unit') expect(line.priceMinor, step).toBe(line.unitPriceMinor * line.quantity);
  }
  expect(Number.isSafeInteger(saleTotalMinor(lines)), step).toBe(true);
  // Discounts never make anything cost less than nothing, and never more is paid than the basket costs.
  if (context.sale) {
    const price = priceSale(context.sale);
    expect(price.savingsMinor, step).toBeGreaterThanOrEqual(0);
    expect(price.totalMinor, step).toBeGreaterThanOrEqual(0);
    expect(price.totalMinor + price.savingsMinor, step).toBe(saleTotalMinor(lines));
    expect(paidMinor(context.sale), step).toBeLessThanOrEqual(price.totalMinor);
  }
  // Every staff action in a sale names who did it.
  for (const action of context.sale?.assistantActions ?? []) expect(action.by.id, step).toBe('1001');
  // A completed sale is paid in full.
  if (context.closedSale?.status === 'completed') expect(paidMinor(context.closedSale), step).toBeGreaterThanOrEqual(priceSale(context.closedSale).totalMinor);
  // A payment attempt is always for something (its counter outlives a failed attempt, even if the basket is emptied after).
  if (context.payment) expect(context.payment.amountMinor, step).toBeGreaterThan(0);
  if (snapshot.matches('payment')) expect(lines.length, step).toBeGreaterThan(0);
  expect(['closed', 'open', 'attention', 'intervention', 'alarm'], step).toContain(laneLightFor(stateToPath(snapshot.value), context));
  // Between shoppers nothing of the last one is left but the closed sale for the receipt.
  if (snapshot.matches('idle')) expect([context.sale, context.weighing, context.bagging ?? null, context.help ?? null], step).toEqual([null, null, null, null]);
}

/**
 * The assistant's side: every device ready, the shopper's basic moves, and every command staff
 * can give. Kept apart from the shopper's model (devices failing, weighing, lookups), whose
 * product with the staff commands would be far too many situations to walk.
 */
const staffEvents: CheckoutEvent[] = [
  ...roles.map((role) => device(role, 'ready')),
  { type: 'scanner.scanned', code: milk.scannedCode, outcome: { kind: 'item', line: milk, bagging: { kind: 'trusted', expectedGrams: 1040, toleranceGrams: 35 } } },
  // An age-restricted item.
  { type: 'scanner.scanned', code: '4750001000047', outcome: { kind: 'item', line: { ...milk, gtin: '04750001000047', scannedCode: '4750001000047', unitPriceMinor: 139, priceMinor: 139, ageLimit: 18 } } },
  { type: 'baggingScale.settled', grams: 0 },
  { type: 'baggingScale.settled', grams: 1600 },
  // A coupon for the milk (20 % off), one the store does not know, and a loyalty card (twice is a notice).
  { type: 'coupon.scanned', code: 'LW:C:MILK', coupon: { code: 'LW:C:MILK', name: { en: 'Milk coupon' }, gtins: [milk.gtin], rule: { kind: 'percentage', percentBp: 2000 } } },
  { type: 'coupon.scanned', code: 'LW:C:NOPE' },
  { type: 'loyalty.scanned', card: '2401000012345' },
  // A suspended sale's slip: found (its milk joins the basket), and one that cannot be used.
  { type: 'suspended.found', sale: { id: 'L02-e0e0e0e0-000009', number: 9, startedAt: 0, lines: [{ ...milk, lineId: 1 }], nextLineId: 2, status: 'suspended', payments: [], language: 'en' } },
  { type: 'suspended.notFound', saleId: 'L02-e0e0e0e0-000010' },
  ...(['ui.start', 'ui.pay', 'ui.dismiss', 'ui.backToBasket', 'ui.finish', 'ui.payByCard', 'ui.payAtAssistant', 'ui.skipBagging'] as const).map((type) => ({ type }) as CheckoutEvent),
  ...(
    [
      { kind: 'approveAge' },
      { kind: 'refuseAge' },
      { kind: 'approveBagging' },
      { kind: 'approveSkipBagging' },
      { kind: 'setQuantity', lineId: 1, quantity: 0 },
      { kind: 'setQuantity', lineId: 1, quantity: 3 },
      { kind: 'overridePrice', lineId: 1, priceMinor: 50, reason: 'damaged' },
      { kind: 'voidSale' },
      { kind: 'suspendSale' },
      { kind: 'reprintLastReceipt' },
      { kind: 'resumeSale' },
      { kind: 'closeLane' },
      { kind: 'openLane' },
      { kind: 'startMaintenance' },
      { kind: 'endMaintenance' },
      // Part of the amount, and more than enough (change given).
      { kind: 'confirmTender', tender: 'cash', tenderedMinor: 2 },
      { kind: 'confirmTender', tender: 'cash', tenderedMinor: 100_000 },
    ] as const
  ).map((command) => assistantCommandEvent(command, { by: anna, via: 'lane' })),
];

function explore(events: readonly CheckoutEvent[]) {
  return getShortestPaths(checkoutMachine, {
    input: { lane },
    events: (snapshot) => [...events, ...internalEvents(snapshot)] as never,
    serializeState: (snapshot) => situation(snapshot as Snapshot),
    limit: 2_000_000,
  });
}

function replay(paths: ReturnType<typeof explore>): void {
  // The I/O never finishes by itself: its completions come from the path, as events.
  const pending = <T,>() => new Promise<T>(() => undefined);
  const machine = checkoutMachine.provide({
    actors: {
      authorizePayment: fromPromise(() => pending<PaymentOutcome>()),
      cancelPayment: fromPromise(() => pending<PaymentOutcome>()),
      printReceipt: fromPromise(() => pending<PrintResult>()),
    },
  });
  for (const path of paths) {
    const actor = createActor(machine, { input: { lane } });
    actor.start();
    for (const [index, step] of path.steps.entries()) {
      if ((step.event as { type: string }).type === 'xstate.init') continue;
      actor.send(step.event as CheckoutEvent);
      invariants(actor.getSnapshot(), `${situation(path.state)} step ${index} ${step.event.type}`);
    }
    expect(situation(actor.getSnapshot())).toBe(situation(path.state));
    actor.stop();
  }
}

describe('checkout statechart, model-based', () => {
  const shopperPaths = explore(outsideEvents);
  const staffPaths = explore(staffEvents);

  it('reaches every state of the checkout', () => {
    const reached = new Set([...shopperPaths, ...staffPaths].map((path) => stateToPath(path.state.value)));
    // Transient states (only eventless transitions, e.g. receipt.deciding) are passed through, never rested in.
    const transient = (node: AnyStateNode) => node.always !== undefined && node.always.length > 0 && node.transitions.size === 0;
    const leaves = stateNodes.filter((node) => node.type === 'atomic' && !transient(node)).map((node) => node.path.join('.'));
    expect(leaves.filter((leaf) => !reached.has(leaf))).toEqual([]);
    expect(shopperPaths.length).toBeGreaterThan(1_000);
    expect(staffPaths.length).toBeGreaterThan(100);
  });

  it('replays the shortest path to every situation a shopper and the devices can cause, keeping the basket consistent at every step', { timeout: 300_000 }, () => {
    // About 20,000 paths: the slowest unit test, and the one that proves no sequence of events breaks a sale.
    replay(shopperPaths);
  });

  it('replays the shortest path to every situation an assistant can cause, with every staff action audited and payments adding up', { timeout: 120_000 }, () => {
    replay(staffPaths);
  });
});
