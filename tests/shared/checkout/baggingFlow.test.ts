import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { stateToPath } from '../../../shared/bridge/laneView';
import type { BaggingExpectation } from '../../../shared/checkout/bagging';
import type { CheckoutEvent } from '../../../shared/checkout/events';
import { laneLightFor } from '../../../shared/checkout/laneLight';
import { checkoutMachine, type LaneInfo, type PrintResult } from '../../../shared/checkout/machine';
import type { NewLine } from '../../../shared/checkout/sale';
import type { DeviceRole } from '../../../shared/devices';

const lane: LaneInfo = { laneId: 'L01', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en', epoch: 'abcd1234' };
const ready = (role: DeviceRole): CheckoutEvent => ({ type: 'device.statusChanged', role, status: { kind: 'ready', warnings: [] } });
const settled = (grams: number): CheckoutEvent => ({ type: 'baggingScale.settled', grams });

function line(gtin: string, priceMinor: number): NewLine {
  return { gtin, scannedCode: gtin.slice(1), name: { en: `Item ${gtin}` }, pricing: 'unit', quantity: 1, unitPriceMinor: priceMinor, priceMinor, vatClass: 'A', vatRateBp: 2100 };
}
const milk = line('04750001000016', 119);
const bread = line('04750001000023', 189);
/** Milk's learned weight: 1,040 g ± 30 g. */
const milkWeight: BaggingExpectation = { kind: 'trusted', expectedGrams: 1040, toleranceGrams: 30 };
const breadWeight: BaggingExpectation = { kind: 'trusted', expectedGrams: 410, toleranceGrams: 20 };
const scan = (item: NewLine, bagging?: BaggingExpectation): CheckoutEvent => ({ type: 'scanner.scanned', code: item.scannedCode, outcome: { kind: 'item', line: item, bagging } });

function setupLane(roles: readonly DeviceRole[] = ['scanner', 'printer', 'paymentTerminal', 'baggingScale']) {
  const machine = checkoutMachine.provide({
    actors: {
      authorizePayment: fromPromise(async ({ input }) => ({ kind: 'approved' as const, reference: input.reference, amountMinor: input.amountMinor, currency: input.currency, authCode: 'A1', maskedPan: '**** 4242' })),
      cancelPayment: fromPromise(async ({ input }) => ({ kind: 'cancelled' as const, reference: input.reference, by: 'shopper' as const })),
      printReceipt: fromPromise(async (): Promise<PrintResult> => ({ ok: true })),
    },
  });
  const actor = createActor(machine, { input: { lane } });
  actor.start();
  for (const role of roles) actor.send(ready(role));
  actor.send(settled(0));
  const send = (event: CheckoutEvent) => actor.send(event);
  return { send, state: () => stateToPath(actor.getSnapshot().value), context: () => actor.getSnapshot().context };
}

describe('bagging area verification', () => {
  it('accepts each item at its learned weight and records what it weighed, to learn from once the sale completes', () => {
    const lane = setupLane();
    lane.send(scan(milk, milkWeight));
    expect(lane.context().bagging?.pending).toHaveLength(1);
    lane.send(settled(1032));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().bagging).toMatchObject({ expectedGrams: 1032, pending: [], mismatch: null });
    expect(lane.context().sale?.baggingObservations).toEqual([{ gtin: milk.gtin, grams: 1032 }]);
  });

  it('lets the shopper scan several items and bag them together', () => {
    const lane = setupLane();
    lane.send(scan(milk, milkWeight));
    lane.send(scan(bread, breadWeight));
    lane.send(settled(1460));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().bagging?.pending).toEqual([]);
    // Two items in one reading: not learned (which weighed what is unknown).
    expect(lane.context().sale?.baggingObservations ?? []).toEqual([]);
  });

  it('an unscanned item in the bagging area pauses scanning until it is taken out again', () => {
    const lane = setupLane();
    lane.send(scan(milk, milkWeight));
    lane.send(settled(1040 + 410));
    expect(lane.state()).toBe('scanning.baggingMismatch');
    expect(lane.context().bagging?.mismatch).toEqual({ kind: 'unexpectedItem', extraGrams: 410 });
    expect(laneLightFor(lane.state(), lane.context())).toBe('intervention');
    // Scans wait while the area is wrong.
    lane.send(scan(bread, breadWeight));
    expect(lane.context().sale?.lines).toHaveLength(1);
    lane.send(settled(1040));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().bagging?.mismatch).toBeNull();
  });

  it('an item taken out of the bagging area is noticed, and putting it back clears it', () => {
    const lane = setupLane();
    lane.send(scan(milk, milkWeight));
    lane.send(settled(1040));
    lane.send(settled(0));
    expect(lane.state()).toBe('scanning.baggingMismatch');
    expect(lane.context().bagging?.mismatch).toEqual({ kind: 'itemRemoved', grams: 1040 });
    lane.send(settled(1041));
    expect(lane.state()).toBe('scanning.ready');
  });

  it('does not alert while the shopper is still bagging, but asks for the items at Pay', () => {
    const lane = setupLane();
    lane.send(scan(milk, milkWeight));
    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payByCard' });
    expect(lane.state()).toBe('scanning.baggingMismatch');
    expect(lane.context().bagging?.mismatch).toEqual({ kind: 'notBagged', names: [milk.name] });
    lane.send(settled(1050));
    expect(lane.state()).toBe('scanning.ready');
    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payByCard' });
    expect(lane.state()).toBe('payment.authorizing');
  });

  it('takes the shopper’s own bag first, and learns nothing from it', () => {
    const lane = setupLane();
    lane.send({ type: 'ui.start' });
    lane.send({ type: 'ui.ownBag' });
    lane.send(settled(55));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().bagging?.expectedGrams).toBe(55);
    lane.send(scan(milk, milkWeight));
    lane.send(settled(55 + 1040));
    expect(lane.context().sale?.baggingObservations).toEqual([{ gtin: milk.gtin, grams: 1040 }]);
  });

  it('an item not yet learned is accepted at any plausible weight', () => {
    const lane = setupLane();
    lane.send(scan(milk));
    lane.send(settled(990));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().sale?.baggingObservations).toEqual([{ gtin: milk.gtin, grams: 990 }]);
  });

  it('without a bagging scale, nothing is checked', () => {
    const lane = setupLane(['scanner', 'printer', 'paymentTerminal']);
    lane.send(scan(milk, milkWeight));
    expect(lane.context().bagging ?? null).toBeNull();
    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payByCard' });
    expect(lane.state()).toBe('payment.authorizing');
  });
});

describe('taking items off the basket', () => {
  const vodka: NewLine = { ...line('04750001000054', 999), name: { en: 'Vodka' } };

  it('shoppers take off everyday items themselves, one piece at a time; an item already bagged must come out again', () => {
    const lane = setupLane();
    lane.send(scan(milk, milkWeight));
    lane.send(scan(milk, milkWeight));
    lane.send(settled(2080));
    const [row] = lane.context().sale!.lines;
    lane.send({ type: 'ui.removeLine', lineId: row!.lineId });
    expect(lane.context().sale!.lines[0]).toMatchObject({ quantity: 1, priceMinor: 119 });
    expect(lane.context().bagging?.pending).toEqual([expect.objectContaining({ gtin: milk.gtin, removal: true })]);
    // Paying first: asked to take it out.
    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payByCard' });
    expect(lane.context().bagging?.mismatch).toEqual({ kind: 'notRemoved', names: [milk.name] });
    lane.send(settled(1041));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().bagging?.pending).toEqual([]);
  });

  it('an item not bagged yet is simply no longer expected', () => {
    const lane = setupLane();
    lane.send(scan(milk, milkWeight));
    lane.send({ type: 'ui.removeLine', lineId: lane.context().sale!.lines[0]!.lineId });
    expect(lane.context().sale!.lines).toEqual([]);
    expect(lane.context().bagging?.pending).toEqual([]);
  });

  it('dearer items need an assistant (store rule), and nothing changes meanwhile', () => {
    const lane = setupLane();
    lane.send(scan(vodka));
    lane.send(settled(1150));
    lane.send({ type: 'ui.removeLine', lineId: lane.context().sale!.lines[0]!.lineId });
    expect(lane.state()).toBe('scanning.removalNeedsAssistant');
    expect(lane.context().notice).toEqual({ kind: 'removalNeedsAssistant', name: vodka.name });
    expect(lane.context().sale!.lines).toHaveLength(1);
    lane.send({ type: 'ui.dismiss' });
    expect(lane.state()).toBe('scanning.ready');
    // A line that is not there: ignored.
    lane.send({ type: 'ui.removeLine', lineId: 99 });
    expect(lane.state()).toBe('scanning.ready');
  });
});
