import { describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { stateToPath } from '../../../shared/bridge/laneView';
import type { BaggingExpectation } from '../../../shared/checkout/bagging';
import { assistantCommandEvent, type AssistantCommand, type CheckoutEvent } from '../../../shared/checkout/events';
import { laneLightFor } from '../../../shared/checkout/laneLight';
import { checkoutMachine, type LaneInfo, type PrintResult } from '../../../shared/checkout/machine';
import { paidMinor, saleTotalMinor, type NewLine } from '../../../shared/checkout/sale';
import type { DeviceRole } from '../../../shared/devices';
import type { PaymentOutcome, PaymentRequest } from '../../../shared/payment';

const lane: LaneInfo = { laneId: 'L01', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en', epoch: 'abcd1234' };
const anna = { id: '1001', name: 'Anna Bērziņa', role: 'assistant' } as const;
const ivan = { id: '1002', name: 'Ivan Petrov', role: 'supervisor' } as const;
const ready = (role: DeviceRole): CheckoutEvent => ({ type: 'device.statusChanged', role, status: { kind: 'ready', warnings: [] } });
const settled = (grams: number): CheckoutEvent => ({ type: 'baggingScale.settled', grams });
const staff = (command: AssistantCommand, by: typeof anna | typeof ivan = anna, via: 'lane' | 'supervisor' = 'lane') => assistantCommandEvent(command, { by, via });

function line(gtin: string, priceMinor: number, extra: Partial<NewLine> = {}): NewLine {
  return { gtin, scannedCode: gtin.slice(1), name: { en: `Item ${gtin}` }, pricing: 'unit', quantity: 1, unitPriceMinor: priceMinor, priceMinor, vatClass: 'A', vatRateBp: 2100, ...extra };
}
const milk = line('04750001000016', 119);
const beer = line('04750001000047', 139, { ageLimit: 18 });
const vodka = line('04750001000054', 999, { ageLimit: 18 });
const water = line('04750001000099', 399);
const weight = (grams: number): BaggingExpectation => ({ kind: 'trusted', expectedGrams: grams, toleranceGrams: 30 });
const scan = (item: NewLine, bagging?: BaggingExpectation): CheckoutEvent => ({ type: 'scanner.scanned', code: item.scannedCode, outcome: { kind: 'item', line: item, bagging } });

/** A lane whose card terminal answers with `answer` (default: approve what was asked). */
function setupLane(options: { roles?: readonly DeviceRole[]; answer?: (request: PaymentRequest) => PaymentOutcome; lane?: Partial<LaneInfo> } = {}) {
  const requests: PaymentRequest[] = [];
  const answer =
    options.answer ?? ((request: PaymentRequest): PaymentOutcome => ({ kind: 'approved', reference: request.reference, amountMinor: request.amountMinor, currency: request.currency, authCode: 'A1', maskedPan: '**** 4242' }));
  const machine = checkoutMachine.provide({
    actors: {
      authorizePayment: fromPromise(async ({ input }) => {
        requests.push(input);
        return answer(input);
      }),
      cancelPayment: fromPromise(async ({ input }) => ({ kind: 'cancelled' as const, reference: input.reference, by: 'shopper' as const })),
      printReceipt: fromPromise(async (): Promise<PrintResult> => ({ ok: true })),
    },
  });
  const actor = createActor(machine, { input: { lane: { ...lane, ...options.lane } } });
  actor.start();
  for (const role of options.roles ?? ['scanner', 'printer', 'paymentTerminal']) actor.send(ready(role));
  const send = (event: CheckoutEvent) => actor.send(event);
  const state = () => stateToPath(actor.getSnapshot().value);
  const context = () => actor.getSnapshot().context;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { send, state, context, requests, settle, light: () => laneLightFor(state(), context()) };
}

describe('staff sign-in in the statechart', () => {
  it('opens the pad, fills the number from a badge, keeps the reason a sign-in failed, and audits sign-in and sign-out', () => {
    const lane = setupLane();
    lane.send({ type: 'ui.openSignIn' });
    expect(lane.context().signIn).toEqual({});
    lane.send({ type: 'assistant.badgeScanned', assistantId: '1001' });
    expect(lane.context().signIn).toEqual({ assistantId: '1001' });
    lane.send({ type: 'assistant.signInFailed', assistantId: '1001', problem: 'lockedOut', retryAfterMs: 240_000 });
    expect(lane.context().signIn).toEqual({ assistantId: '1001', problem: 'lockedOut', retryAfterMs: 240_000 });
    lane.send({ type: 'assistant.signedIn', assistant: anna });
    expect(lane.context().signIn).toBeNull();
    expect(lane.context().assistant).toMatchObject(anna);
    expect(lane.context().lastAssistantAction).toMatchObject({ seq: 1, action: 'signIn', by: anna, via: 'lane' });
    // One assistant at a time: another badge does nothing while Anna is signed in.
    lane.send({ type: 'assistant.badgeScanned', assistantId: '1002' });
    expect(lane.context().signIn).toBeNull();
    lane.send({ type: 'assistant.signedOut', reason: 'timeout' });
    expect(lane.context().assistant).toBeNull();
    expect(lane.context().lastAssistantAction).toMatchObject({ seq: 2, action: 'signOut', by: anna, detail: { reason: 'timeout' } });
  });
});

describe('age-restricted items', () => {
  it('lets the shopper scan on, and waits for an assistant at "Pay" when nobody has checked the ID yet', async () => {
    const lane = setupLane();
    lane.send(scan(beer));
    lane.send(scan(milk));
    expect(lane.state()).toBe('scanning.ready');
    // The lane light asks for an assistant early, so the check can happen while the shopper scans.
    expect(lane.light()).toBe('attention');
    lane.send({ type: 'ui.pay' });
    expect(lane.state()).toBe('scanning.awaitingAgeCheck');
    expect(lane.light()).toBe('intervention');
    // A shopper cannot approve their own age: the screen has no such event, and the card is not asked.
    lane.send({ type: 'ui.payByCard' });
    expect(lane.requests).toEqual([]);
    lane.send(staff({ kind: 'approveAge' }));
    expect(lane.state()).toBe('payment.choosing');
    expect(lane.context().sale?.ageApproval).toMatchObject({ age: 18, by: anna, via: 'lane' });
    expect(lane.context().sale?.assistantActions).toEqual([expect.objectContaining({ action: 'approveAge', by: anna, detail: { age: 18 } })]);
    lane.send({ type: 'ui.payByCard' });
    await lane.settle();
    expect(lane.context().closedSale).toMatchObject({ status: 'completed', ageApproval: { age: 18, by: anna } });
  });

  it('takes an approval given while the shopper scans (from the supervisor station too), and asks again only for a higher age', () => {
    const lane = setupLane();
    lane.send(scan(beer));
    lane.send(staff({ kind: 'approveAge' }, ivan, 'supervisor'));
    expect(lane.context().sale?.ageApproval).toMatchObject({ age: 18, by: ivan, via: 'supervisor' });
    lane.send(scan(vodka));
    lane.send({ type: 'ui.pay' });
    expect(lane.state()).toBe('payment.choosing');

    const stricter = setupLane();
    stricter.send(scan(beer));
    stricter.send(staff({ kind: 'approveAge' }));
    stricter.send(scan(line('04750001000108', 1500, { ageLimit: 20 })));
    stricter.send({ type: 'ui.pay' });
    expect(stricter.state()).toBe('scanning.awaitingAgeCheck');
  });

  it('removes the restricted items when the assistant refuses, and says where they must come out of the bagging area', () => {
    const lane = setupLane({ roles: ['scanner', 'printer', 'paymentTerminal', 'baggingScale'] });
    lane.send(settled(0));
    lane.send(scan(beer, weight(530)));
    lane.send(scan(beer, weight(530)));
    lane.send(scan(milk, weight(1040)));
    lane.send(settled(2100));
    lane.send({ type: 'ui.pay' });
    expect(lane.state()).toBe('scanning.awaitingAgeCheck');
    lane.send(staff({ kind: 'refuseAge' }));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().sale?.lines.map((l) => l.gtin)).toEqual([milk.gtin]);
    expect(lane.context().bagging?.pending.filter((item) => item.removal)).toHaveLength(2);
    expect(lane.context().sale?.assistantActions?.at(-1)).toMatchObject({ action: 'refuseAge', detail: { itemsRemoved: 1 } });
    lane.send(settled(1040));
    expect(lane.context().bagging?.pending).toEqual([]);
  });

  it('goes back to the basket by itself when the restricted item is voided while waiting', () => {
    const lane = setupLane();
    lane.send(scan(milk));
    lane.send(scan(beer));
    lane.send({ type: 'ui.pay' });
    lane.send(staff({ kind: 'setQuantity', lineId: 2, quantity: 0 }));
    expect(lane.state()).toBe('scanning.ready');
    lane.send({ type: 'ui.pay' });
    expect(lane.state()).toBe('payment.choosing');
  });
});

describe('voids, quantities and prices', () => {
  it('lets an assistant void what the shopper may not, with who, what and when in the sale', () => {
    const lane = setupLane();
    lane.send(scan(vodka));
    lane.send({ type: 'ui.removeLine', lineId: 1 });
    expect(lane.state()).toBe('scanning.removalNeedsAssistant');
    lane.send({ type: 'ui.dismiss' });
    const before = Date.now();
    lane.send(staff({ kind: 'setQuantity', lineId: 1, quantity: 0 }));
    expect(lane.context().sale?.lines).toEqual([]);
    const [action] = lane.context().sale?.assistantActions ?? [];
    expect(action).toMatchObject({ action: 'voidLine', by: anna, via: 'lane', saleId: lane.context().sale?.id, detail: { lineId: 1, gtin: vodka.gtin, from: 1, to: 0, lineMinor: 999 } });
    expect(action!.at).toBeGreaterThanOrEqual(before);
  });

  it('sets a quantity for identical items scanned once, and expects the extra pieces in the bagging area', () => {
    const lane = setupLane({ roles: ['scanner', 'printer', 'paymentTerminal', 'baggingScale'] });
    lane.send(settled(0));
    lane.send(scan(water, weight(1530)));
    lane.send(settled(1530));
    lane.send(staff({ kind: 'setQuantity', lineId: 1, quantity: 6 }));
    expect(lane.context().sale?.lines[0]).toMatchObject({ quantity: 6, priceMinor: 6 * 399 });
    expect(lane.context().bagging?.pending).toHaveLength(5);
    lane.send(settled(6 * 1530));
    expect(lane.context().bagging?.pending).toEqual([]);
  });

  it('overrides a price with the reason and keeps the original, and never after something is paid', async () => {
    const lane = setupLane({ answer: (request) => ({ kind: 'approved', reference: request.reference, amountMinor: 100, currency: 'EUR', authCode: 'P1', maskedPan: '**** 1111' }) });
    lane.send(scan(milk));
    lane.send(scan(milk));
    lane.send(staff({ kind: 'overridePrice', lineId: 1, priceMinor: 99, reason: 'shelfPrice' }));
    expect(lane.context().sale?.lines[0]).toMatchObject({ unitPriceMinor: 99, priceMinor: 198, priceOverride: { originalMinor: 119, reason: 'shelfPrice', by: anna } });
    expect(lane.context().sale?.assistantActions?.at(-1)).toMatchObject({ action: 'overridePrice', detail: { fromMinor: 119, toMinor: 99, reason: 'shelfPrice' } });
    // A later scan of the same item is a new line at the catalogue price, not merged into the overridden one.
    lane.send(scan(milk));
    expect(lane.context().sale?.lines.map((l) => [l.quantity, l.unitPriceMinor])).toEqual([
      [2, 99],
      [1, 119],
    ]);

    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payByCard' });
    await lane.settle();
    // The card paid 1.00 of 3.17: the amounts charged must stand.
    expect(lane.state()).toBe('payment.choosing');
    lane.send({ type: 'ui.backToBasket' });
    expect(lane.state()).toBe('payment.choosing');
    lane.send(staff({ kind: 'voidSale' }));
    expect(lane.state()).toBe('payment.choosing');
  });

  it('cancels a whole sale for an assistant, recorded as cancelled with who did it', () => {
    const lane = setupLane();
    lane.send(scan(vodka));
    lane.send(scan(milk));
    lane.send(staff({ kind: 'voidSale' }));
    expect(lane.state()).toBe('idle');
    expect(lane.context().closedSale).toMatchObject({ status: 'cancelled', assistantActions: [expect.objectContaining({ action: 'voidSale', by: anna, detail: { lines: 2, totalMinor: 1118 } })] });
  });

  it('adds a barcode keyed in by an assistant as a marked line, and audits it', () => {
    const lane = setupLane();
    lane.send({ type: 'scanner.scanned', code: milk.scannedCode, outcome: { kind: 'item', line: milk }, keyedBy: anna });
    expect(lane.context().sale?.lines[0]).toMatchObject({ gtin: milk.gtin, keyed: true });
    expect(lane.context().sale?.assistantActions).toEqual([expect.objectContaining({ action: 'keyedBarcode', by: anna, detail: { gtin: milk.gtin } })]);
    expect(lane.context().lastAssistantAction).toMatchObject({ action: 'keyedBarcode', seq: 1 });
  });
});

describe('bagging with an assistant', () => {
  it('lets the assistant approve an alert on an honest item: the area as it is becomes the baseline, and the weight is learned', () => {
    const lane = setupLane({ roles: ['scanner', 'printer', 'paymentTerminal', 'baggingScale'] });
    lane.send(settled(0));
    // The lane expected 1,040 g; this bottle weighs 1,400 g (a new pack size).
    lane.send(scan(milk, weight(1040)));
    lane.send(settled(1400));
    expect(lane.state()).toBe('scanning.baggingMismatch');
    lane.send(staff({ kind: 'approveBagging' }));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().bagging).toMatchObject({ expectedGrams: 1400, pending: [], mismatch: null });
    expect(lane.context().sale?.baggingObservations).toEqual([{ gtin: milk.gtin, grams: 1400 }]);
    expect(lane.context().sale?.assistantActions?.at(-1)).toMatchObject({ action: 'approveBagging', detail: { mismatch: 'unexpectedItem' } });
  });

  it('lets a shopper skip bagging for heavy items up to the store limit, then needs an assistant', () => {
    const lane = setupLane({ roles: ['scanner', 'printer', 'paymentTerminal', 'baggingScale'], lane: { shopperSkipBaggingLimit: 2 } });
    lane.send(settled(0));
    lane.send(scan(water, weight(6200)));
    lane.send({ type: 'ui.skipBagging' });
    expect(lane.context().bagging?.pending).toEqual([]);
    expect(lane.context().sale?.skippedBagging).toBe(1);
    lane.send(scan(water, weight(6200)));
    lane.send(scan(water, weight(6200)));
    lane.send({ type: 'ui.skipBagging' });
    expect(lane.state()).toBe('scanning.skipBaggingNeedsAssistant');
    expect(lane.light()).toBe('intervention');
    lane.send(staff({ kind: 'approveSkipBagging' }));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().sale?.skippedBagging).toBe(3);
    expect(lane.context().sale?.assistantActions?.at(-1)).toMatchObject({ action: 'approveSkipBagging', detail: { items: 2 } });
    // Skipped items do not stop payment; something put down unscanned still would.
    lane.send({ type: 'ui.pay' });
    expect(lane.state()).toBe('payment.choosing');
  });

  it('offers the skip at "Pay" for items not bagged', () => {
    const lane = setupLane({ roles: ['scanner', 'printer', 'paymentTerminal', 'baggingScale'] });
    lane.send(settled(0));
    lane.send(scan(water, weight(6200)));
    lane.send({ type: 'ui.pay' });
    expect(lane.context().bagging?.mismatch?.kind).toBe('notBagged');
    lane.send({ type: 'ui.skipBagging' });
    expect(lane.state()).toBe('scanning.ready');
    lane.send({ type: 'ui.pay' });
    expect(lane.state()).toBe('payment.choosing');
  });
});

describe('paying', () => {
  it('takes cash at the assistant, with the change recorded, and completes the sale', () => {
    const lane = setupLane();
    lane.send(scan(milk));
    lane.send(scan(water));
    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payAtAssistant' });
    expect(lane.state()).toBe('payment.atAssistant');
    expect(lane.light()).toBe('intervention');
    lane.send(staff({ kind: 'confirmTender', tender: 'cash', tenderedMinor: 1000 }));
    expect(lane.state()).toBe('receipt.printing');
    const sale = lane.context().closedSale!;
    expect(sale.payments).toEqual([expect.objectContaining({ tender: 'cash', amountMinor: 518, tenderedMinor: 1000, changeMinor: 482, by: anna })]);
    expect(sale.assistantActions?.at(-1)).toMatchObject({ action: 'confirmTender', detail: { tender: 'cash', amountMinor: 518, changeMinor: 482 } });
  });

  it('splits the tender: a partial card approval, cash for part of the rest, the card again for the remainder', async () => {
    // A gift card with 3.00 on it: it approves up to that.
    const lane = setupLane({ answer: (request) => ({ kind: 'approved', reference: request.reference, amountMinor: Math.min(300, request.amountMinor), currency: 'EUR', authCode: 'G1', maskedPan: '**** 9999', scheme: 'Gift' }) });
    lane.send(scan(line('04750001000078', 999)));
    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payByCard' });
    await lane.settle();
    expect(lane.state()).toBe('payment.choosing');
    expect(lane.context().notice).toEqual({ kind: 'partialApproval', approvedMinor: 300, dueMinor: 699 });
    expect(paidMinor(lane.context().sale!)).toBe(300);
    // Something is paid: the basket can no longer change from the shopper's side.
    lane.send({ type: 'ui.backToBasket' });
    expect(lane.state()).toBe('payment.choosing');
    lane.send({ type: 'ui.payAtAssistant' });
    lane.send(staff({ kind: 'confirmTender', tender: 'cash', tenderedMinor: 500 }));
    expect(lane.state()).toBe('payment.choosing');
    lane.send({ type: 'ui.payByCard' });
    expect(lane.requests.at(-1)?.amountMinor).toBe(199);
    await lane.settle();
    const sale = lane.context().closedSale!;
    expect(sale.status).toBe('completed');
    expect(sale.payments.map((p) => [p.tender, p.amountMinor])).toEqual([
      ['card', 300],
      ['cash', 500],
      ['card', 199],
    ]);
    expect(paidMinor(sale)).toBe(saleTotalMinor(sale.lines));
  });
});

describe('lane states', () => {
  it('closes when an assistant says so, after the sale under way, and opens again only for an assistant', async () => {
    const lane = setupLane();
    lane.send(scan(milk));
    lane.send(staff({ kind: 'closeLane' }));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().closeAfterSale).toBe(true);
    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payByCard' });
    await lane.settle();
    lane.send({ type: 'ui.finish' });
    expect(lane.state()).toBe('closed');
    expect(lane.light()).toBe('closed');
    lane.send({ type: 'ui.start' });
    lane.send(scan(milk));
    expect(lane.state()).toBe('closed');
    lane.send(staff({ kind: 'openLane' }));
    expect(lane.state()).toBe('idle');
    expect(lane.context().lastAssistantAction).toMatchObject({ action: 'openLane', by: anna });
  });

  it('goes into maintenance from the welcome screen and back', () => {
    const lane = setupLane();
    lane.send(staff({ kind: 'startMaintenance' }));
    expect(lane.state()).toBe('maintenance');
    lane.send(scan(milk));
    expect(lane.state()).toBe('maintenance');
    lane.send(staff({ kind: 'endMaintenance' }));
    expect(lane.state()).toBe('idle');
  });

  it('lets an assistant resume a parked sale or cancel it', async () => {
    vi.useFakeTimers();
    const lane = setupLane();
    lane.send(scan(milk));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(lane.state()).toBe('parked');
    vi.useRealTimers();
    lane.send(staff({ kind: 'resumeSale' }));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().sale?.assistantActions?.at(-1)).toMatchObject({ action: 'resumeSale' });
  });
});

describe('suspend and resume', () => {
  it('puts a sale on hold with a slip, and a slip brings the basket back into a new sale, without bagging or the old ID check', async () => {
    const lane = setupLane({ roles: ['scanner', 'printer', 'paymentTerminal', 'baggingScale'] });
    lane.send(settled(0));
    lane.send(scan(beer, weight(530)));
    lane.send(scan(milk, weight(1040)));
    lane.send(staff({ kind: 'approveAge' }));
    lane.send(staff({ kind: 'suspendSale' }));
    // The slip prints even if the shopper had said "no receipt".
    expect(lane.state()).toBe('receipt.printing');
    await lane.settle();
    expect(lane.state()).toBe('receipt.done');
    const held = lane.context().closedSale!;
    expect(held).toMatchObject({ status: 'suspended', assistantActions: [expect.objectContaining({ action: 'approveAge' }), expect.objectContaining({ action: 'suspendSale', by: anna })] });
    lane.send({ type: 'ui.finish' });
    expect(lane.state()).toBe('idle');

    lane.send({ type: 'suspended.found', sale: held });
    expect(lane.state()).toBe('scanning.ready');
    const resumed = lane.context().sale!;
    expect(resumed.id).not.toBe(held.id);
    expect(resumed.resumedFrom).toEqual([held.id]);
    expect(resumed.lines.map((l) => l.gtin)).toEqual([beer.gtin, milk.gtin]);
    // The items are in the trolley: nothing is expected in the bagging area.
    expect(lane.context().bagging?.pending ?? []).toEqual([]);
    // A new shopper at this lane: the ID is checked again.
    expect(resumed.ageApproval).toBeUndefined();
    lane.send({ type: 'ui.pay' });
    expect(lane.state()).toBe('scanning.awaitingAgeCheck');
  });

  it('adds a slip’s items to a basket already under way, and says so plainly when a slip cannot be used', () => {
    const lane = setupLane();
    lane.send(scan(water));
    const held = { ...lane.context().sale!, id: 'L02-aaaa-000007', status: 'suspended' as const, lines: [{ ...milk, lineId: 1 }] };
    lane.send({ type: 'suspended.found', sale: held });
    expect(lane.context().sale?.lines.map((l) => l.gtin)).toEqual([water.gtin, milk.gtin]);
    lane.send({ type: 'suspended.notFound', saleId: 'L02-aaaa-000007' });
    expect(lane.state()).toBe('scanning.suspendedSaleNotFound');
    expect(lane.context().notice).toEqual({ kind: 'suspendedSaleNotFound' });
    expect(lane.context().sale?.lines).toHaveLength(2);
  });

  it('never suspends a sale with money paid', async () => {
    const lane = setupLane({ answer: (request) => ({ kind: 'approved', reference: request.reference, amountMinor: 100, currency: 'EUR', authCode: 'P', maskedPan: '**** 1' }) });
    lane.send(scan(water));
    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payByCard' });
    await lane.settle();
    lane.send(staff({ kind: 'suspendSale' }));
    expect(lane.state()).toBe('payment.choosing');
  });
});

describe('receipt copies', () => {
  it('reprints the last completed sale for an assistant, marked as a copy and audited', async () => {
    const lane = setupLane();
    lane.send(scan(milk));
    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payByCard' });
    await lane.settle();
    lane.send({ type: 'ui.finish' });
    expect(lane.state()).toBe('idle');
    const saleId = lane.context().closedSale!.id;
    lane.send(staff({ kind: 'reprintLastReceipt' }));
    expect(lane.state()).toBe('receipt.printing');
    expect(lane.context().receipt).toEqual({ status: 'printing', copy: true });
    expect(lane.context().lastAssistantAction).toMatchObject({ action: 'reprintLastReceipt', by: anna, detail: { saleId } });
    await lane.settle();
    expect(lane.state()).toBe('receipt.done');
  });

  it('has nothing to reprint after a cancelled sale', () => {
    const lane = setupLane();
    lane.send(scan(milk));
    lane.send(staff({ kind: 'voidSale' }));
    lane.send(staff({ kind: 'reprintLastReceipt' }));
    expect(lane.state()).toBe('idle');
  });
});
