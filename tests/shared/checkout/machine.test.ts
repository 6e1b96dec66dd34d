import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { stateToPath } from '../../../shared/bridge/laneView';
import { checkoutMachine, type LaneInfo, type PrintRequest, type PrintResult } from '../../../shared/checkout/machine';
import type { CheckoutEvent } from '../../../shared/checkout/events';
import type { NewLine, ScanOutcome } from '../../../shared/checkout/sale';
import type { DeviceRole } from '../../../shared/devices';
import type { PaymentOutcome, PaymentRequest } from '../../../shared/payment';

const lane: LaneInfo = { laneId: 'L01', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en', epoch: 'abcd1234' };

function line(gtin: string, priceMinor: number, overrides: Partial<NewLine> = {}): NewLine {
  return {
    gtin,
    scannedCode: gtin.slice(1),
    name: { en: `Item ${gtin}`, ru: `Товар ${gtin}` },
    pricing: 'unit',
    quantity: 1,
    unitPriceMinor: priceMinor,
    priceMinor,
    vatClass: 'A',
    vatRateBp: 2100,
    ...overrides,
  };
}

const scan = (outcome: ScanOutcome, code = 'code'): CheckoutEvent => ({ type: 'scanner.scanned', code, outcome });
const item = (gtin: string, price: number) => scan({ kind: 'item', line: line(gtin, price) }, gtin.slice(1));
const ready = (role: DeviceRole): CheckoutEvent => ({ type: 'device.statusChanged', role, status: { kind: 'ready', warnings: [] } });

/** Deferred results the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function setupLane(options: { authorize?: (request: PaymentRequest) => Promise<PaymentOutcome>; cancel?: (reference: string) => Promise<PaymentOutcome>; print?: (request: PrintRequest) => Promise<PrintResult> } = {}) {
  const payments: PaymentRequest[] = [];
  const prints: PrintRequest[] = [];
  const machine = checkoutMachine.provide({
    actors: {
      authorizePayment: fromPromise(async ({ input }) => {
        payments.push(input);
        return options.authorize ? options.authorize(input) : { kind: 'approved', reference: input.reference, amountMinor: input.amountMinor, currency: input.currency, authCode: 'A1B2C3', maskedPan: '**** 4242' };
      }),
      cancelPayment: fromPromise(async ({ input }) => (options.cancel ? options.cancel(input.reference) : { kind: 'cancelled', reference: input.reference, by: 'shopper' })),
      printReceipt: fromPromise(async ({ input }) => {
        prints.push(input);
        return options.print ? options.print(input) : { ok: true };
      }),
    },
  });
  const actor = createActor(machine, { input: { lane } });
  actor.start();
  const state = () => stateToPath(actor.getSnapshot().value);
  const context = () => actor.getSnapshot().context;
  return { actor, state, context, payments, prints, allReady: () => (['scanner', 'printer', 'paymentTerminal'] as const).forEach((role) => actor.send(ready(role))) };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('checkout statechart', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-23T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('stays out of service until every required device is ready', () => {
    const lane = setupLane();
    expect(lane.state()).toBe('outOfService');
    lane.actor.send(ready('scanner'));
    lane.actor.send(ready('printer'));
    expect(lane.state()).toBe('outOfService');
    lane.actor.send(ready('paymentTerminal'));
    expect(lane.state()).toBe('idle');
    lane.actor.send({ type: 'device.statusChanged', role: 'printer', status: { kind: 'fault', faults: ['paperEnd'] } });
    expect(lane.state()).toBe('outOfService');
  });

  it('prints no receipt when the shopper declines one, but still can on request; the next shopper gets one again', async () => {
    const lane = setupLane();
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    const pending = lane.payments.length;
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    lane.actor.send({ type: 'ui.setReceiptWanted', wanted: false });
    await flush();
    expect(lane.payments).toHaveLength(pending + 1);
    expect(lane.state()).toBe('receipt.done');
    expect(lane.context().receipt).toEqual({ status: 'notWanted' });
    expect(lane.prints).toHaveLength(0);
    lane.actor.send({ type: 'ui.reprint' });
    await flush();
    expect(lane.prints).toHaveLength(1);
    lane.actor.send({ type: 'ui.finish' });
    expect(lane.context().receiptWanted).toBe(true);
  });

  it('runs the happy path: scan → pay → receipt → idle', async () => {
    const lane = setupLane();
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    expect(lane.state()).toBe('scanning.ready');
    lane.actor.send(item('04750001000023', 189));
    lane.actor.send(item('04750001000016', 119));
    const sale = lane.context().sale!;
    expect(sale.number).toBe(1);
    expect(sale.id).toBe('L01-abcd1234-000001');
    expect(sale.lines.map((l) => [l.gtin, l.quantity, l.priceMinor])).toEqual([
      ['04750001000016', 2, 238],
      ['04750001000023', 1, 189],
    ]);

    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    expect(lane.state()).toBe('payment.authorizing');
    await flush();
    expect(lane.payments).toEqual([{ reference: 'L01-abcd1234-000001-P1', amountMinor: 427, currency: 'EUR' }]);
    expect(lane.state()).toBe('receipt.done');
    const closed = lane.context().closedSale!;
    expect(closed.status).toBe('completed');
    expect(closed.payments[0]).toMatchObject({ tender: 'card', amountMinor: 427, authCode: 'A1B2C3' });
    expect(lane.context().sale).toBeNull();
    expect(lane.prints).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(15_000);
    expect(lane.state()).toBe('idle');
    lane.actor.send(item('04750001000016', 119));
    expect(lane.context().sale!.number).toBe(2);
  });

  it('does not pay for an empty basket', () => {
    const lane = setupLane();
    lane.allReady();
    lane.actor.send({ type: 'ui.start' });
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    expect(lane.state()).toBe('scanning.ready');
  });

  it('shows unknown items and rejected barcodes without adding them', () => {
    const lane = setupLane();
    lane.allReady();
    lane.actor.send(scan({ kind: 'unknownItem', gtin: '00000000000017' }, '0000000000017'));
    expect(lane.state()).toBe('scanning.unknownItem');
    expect(lane.context().notice).toEqual({ kind: 'unknownItem', code: '0000000000017' });
    expect(lane.context().sale).toBeNull();
    lane.actor.send({ type: 'ui.dismiss' });
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().notice).toBeNull();

    lane.actor.send(scan({ kind: 'rejected', reason: 'checkDigit' }, '4006381333932'));
    expect(lane.state()).toBe('scanning.rejectedBarcode');
    expect(lane.context().notice).toMatchObject({ kind: 'rejectedBarcode', reason: 'checkDigit' });
    // A good scan replaces the message and is added.
    lane.actor.send(item('04750001000016', 119));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().notice).toBeNull();
    expect(lane.context().sale!.lines).toHaveLength(1);
  });

  it('keeps the basket and offers a retry when the card is declined', async () => {
    let decline = true;
    const lane = setupLane({
      authorize: async (request) =>
        decline ? { kind: 'declined', reference: request.reference, reason: 'insufficientFunds' } : { kind: 'approved', reference: request.reference, amountMinor: request.amountMinor, currency: 'EUR', authCode: 'OK1234', maskedPan: '**** 1111' },
    });
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    await flush();
    expect(lane.state()).toBe('payment.failed');
    expect(lane.context().payment?.failure).toMatchObject({ kind: 'declined', reason: 'insufficientFunds' });
    expect(lane.context().sale!.lines).toHaveLength(1);

    decline = false;
    lane.actor.send({ type: 'ui.retryPayment' });
    await flush();
    expect(lane.payments.map((p) => p.reference)).toEqual(['L01-abcd1234-000001-P1', 'L01-abcd1234-000001-P2']);
    expect(lane.state()).toBe('receipt.done');
  });

  it('goes back to the basket after a decline and charges the new total', async () => {
    let calls = 0;
    const lane = setupLane({
      authorize: async (request) =>
        ++calls === 1 ? { kind: 'declined', reference: request.reference, reason: 'cardDeclined' } : { kind: 'approved', reference: request.reference, amountMinor: request.amountMinor, currency: 'EUR', authCode: 'OK1234', maskedPan: '**** 1111' },
    });
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    await flush();
    lane.actor.send({ type: 'ui.backToBasket' });
    expect(lane.state()).toBe('scanning.ready');
    lane.actor.send(item('04750001000023', 189));
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    await flush();
    expect(lane.payments[1]).toMatchObject({ amountMinor: 308, reference: 'L01-abcd1234-000001-P2' });
  });

  it('settles a timed-out attempt before retrying, and keeps an approval that arrived late', async () => {
    const cancels: string[] = [];
    const lane = setupLane({
      authorize: async (request) => ({ kind: 'timedOut', reference: request.reference }),
      cancel: async (reference) => {
        cancels.push(reference);
        return { kind: 'approved', reference, amountMinor: 119, currency: 'EUR', authCode: 'LATE02', maskedPan: '**** 2' };
      },
    });
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    await flush();
    expect(lane.state()).toBe('payment.failed');
    lane.actor.send({ type: 'ui.retryPayment' });
    await flush();
    expect(cancels).toEqual(['L01-abcd1234-000001-P1']);
    expect(lane.payments).toHaveLength(1);
    expect(lane.state()).toBe('receipt.done');
    expect(lane.context().closedSale?.payments[0]).toMatchObject({ authCode: 'LATE02' });
  });

  it('settles an unavailable attempt before going back to the basket', async () => {
    const lane = setupLane({
      authorize: async (request) => ({ kind: 'unavailable', reference: request.reference, detail: 'connection lost' }),
      cancel: async (reference) => ({ kind: 'cancelled', reference, by: 'lane' }),
    });
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    await flush();
    lane.actor.send({ type: 'ui.backToBasket' });
    await flush();
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().sale!.lines).toHaveLength(1);
  });

  it('waits for the final outcome when the shopper cancels a payment, and honours a late approval', async () => {
    const pending = deferred<PaymentOutcome>();
    const lane = setupLane({
      authorize: () => pending.promise,
      cancel: async (reference) => ({ kind: 'approved', reference, amountMinor: 119, currency: 'EUR', authCode: 'LATE01', maskedPan: '**** 9999' }),
    });
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    lane.actor.send({ type: 'ui.cancelPayment' });
    expect(lane.state()).toBe('payment.cancelling');
    await flush();
    expect(lane.state()).toBe('receipt.done');
    expect(lane.context().closedSale?.payments[0]).toMatchObject({ authCode: 'LATE01' });
  });

  it('returns to the basket when the cancel succeeds, with a fresh reference next time', async () => {
    const pending = deferred<PaymentOutcome>();
    const lane = setupLane({ authorize: () => pending.promise });
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    lane.actor.send({ type: 'ui.cancelPayment' });
    await flush();
    expect(lane.state()).toBe('scanning.paymentCancelled');
    lane.actor.send({ type: 'ui.dismiss' });
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    expect(lane.context().payment?.reference).toBe('L01-abcd1234-000001-P2');
  });

  it('treats a terminal error as an unavailable payment, not a crash', async () => {
    const lane = setupLane({ authorize: async () => Promise.reject(new Error('ECONNREFUSED')) });
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    await flush();
    expect(lane.state()).toBe('payment.failed');
    expect(lane.context().payment?.failure).toMatchObject({ kind: 'unavailable' });
  });

  it('ignores scans during payment and says why', async () => {
    const pending = deferred<PaymentOutcome>();
    const lane = setupLane({ authorize: () => pending.promise });
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    lane.actor.send(item('04750001000023', 189));
    expect(lane.state()).toBe('payment.authorizing');
    expect(lane.context().notice).toEqual({ kind: 'finishPaymentFirst' });
    expect(lane.context().sale!.lines).toHaveLength(1);
  });

  it('cancels a sale only after confirmation and keeps it as a closed, cancelled sale', () => {
    const lane = setupLane();
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    lane.actor.send({ type: 'ui.cancelSale' });
    expect(lane.state()).toBe('scanning.confirmingCancel');
    lane.actor.send({ type: 'ui.dismiss' });
    expect(lane.context().sale!.lines).toHaveLength(1);
    lane.actor.send({ type: 'ui.cancelSale' });
    lane.actor.send({ type: 'ui.confirmCancel' });
    expect(lane.state()).toBe('idle');
    expect(lane.context().closedSale).toMatchObject({ status: 'cancelled', number: 1 });
    expect(lane.context().sale).toBeNull();
  });

  it('reports a failed receipt, offers a reprint, and still completes the sale', async () => {
    let fail = true;
    const lane = setupLane({ print: async () => (fail ? { ok: false, reason: 'paperEnd' } : { ok: true }) });
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    await flush();
    expect(lane.state()).toBe('receipt.printFailed');
    expect(lane.context().receipt).toEqual({ status: 'failed', reason: 'paperEnd' });
    expect(lane.context().closedSale?.status).toBe('completed');
    fail = false;
    lane.actor.send({ type: 'ui.reprint' });
    await flush();
    expect(lane.state()).toBe('receipt.done');
    expect(lane.prints).toHaveLength(2);
  });

  it('resets the language for the next shopper', async () => {
    const lane = setupLane();
    lane.allReady();
    lane.actor.send({ type: 'ui.setLanguage', language: 'ru' });
    lane.actor.send(item('04750001000016', 119));
    lane.actor.send({ type: 'ui.pay' });
    lane.actor.send({ type: 'ui.payByCard' });
    await flush();
    expect(lane.context().closedSale?.language).toBe('ru');
    lane.actor.send({ type: 'ui.finish' });
    expect(lane.context().language).toBe('en');
  });

  it('returns an untouched empty lane to the welcome screen', async () => {
    const lane = setupLane();
    lane.allReady();
    lane.actor.send({ type: 'ui.start' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(lane.state()).toBe('idle');
  });

  it('never drops a basket with items: asks "are you still there?", then parks the sale for the shopper or an assistant', async () => {
    const lane = setupLane();
    lane.allReady();
    lane.actor.send(item('04750001000016', 119));
    await vi.advanceTimersByTimeAsync(89_000);
    expect(lane.state()).toBe('scanning.ready');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(lane.state()).toBe('scanning.stillThere');
    // The shopper answers: back to the basket, and the clock starts again.
    lane.actor.send({ type: 'ui.dismiss' });
    expect(lane.state()).toBe('scanning.ready');
    await vi.advanceTimersByTimeAsync(90_000 + 30_000);
    expect(lane.state()).toBe('parked');
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(lane.state()).toBe('parked');
    expect(lane.context().sale?.lines).toHaveLength(1);
    // Coming back with a scan continues the same sale.
    lane.actor.send(item('04750001000023', 189));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().sale?.lines).toHaveLength(2);
  });

  it('looks items up: the chosen item goes into the basket like a scan', () => {
    const lane = setupLane();
    lane.allReady();
    lane.actor.send({ type: 'ui.openLookup' });
    expect(lane.state()).toBe('scanning.lookup');
    lane.actor.send({ type: 'lookup.chosen', code: '04750001000016', outcome: { kind: 'item', line: line('04750001000016', 119) } });
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().sale?.lines).toHaveLength(1);
    lane.actor.send({ type: 'ui.openLookup' });
    lane.actor.send({ type: 'ui.dismiss' });
    expect(lane.state()).toBe('scanning.ready');
  });

  it('keeps a help call until the shopper cancels it or the next shopper comes', () => {
    const lane = setupLane();
    lane.allReady();
    const request = { at: Date.now(), state: 'idle', itemCount: 0, totalMinor: 0, deviceProblems: [], recentEvents: [] };
    lane.actor.send({ type: 'help.requested', request });
    expect(lane.context().help).toEqual(request);
    lane.actor.send({ type: 'ui.cancelHelp' });
    expect(lane.context().help).toBeNull();
  });

  it('resumes exactly from a persisted snapshot, re-running the payment with the same reference', async () => {
    const pending = deferred<PaymentOutcome>();
    const first = setupLane({ authorize: () => pending.promise });
    first.allReady();
    first.actor.send(item('04750001000016', 119));
    first.actor.send({ type: 'ui.pay' });
    first.actor.send({ type: 'ui.payByCard' });
    const saved = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
    first.actor.stop();

    const references: string[] = [];
    const machine = checkoutMachine.provide({
      actors: {
        authorizePayment: fromPromise(async ({ input }) => {
          references.push(input.reference);
          return { kind: 'approved', reference: input.reference, amountMinor: input.amountMinor, currency: 'EUR', authCode: 'RESUME', maskedPan: '**** 1' } as PaymentOutcome;
        }),
        printReceipt: fromPromise(async () => ({ ok: true }) as PrintResult),
      },
    });
    const resumed = createActor(machine, { snapshot: saved, input: { lane } });
    resumed.start();
    await flush();
    expect(references).toEqual(['L01-abcd1234-000001-P1']);
    expect(stateToPath(resumed.getSnapshot().value)).toBe('receipt.done');
  });

  it('restarts timers after a restore when told the lane was restored', async () => {
    const first = setupLane();
    first.allReady();
    first.actor.send(item('04750001000016', 119));
    first.actor.send({ type: 'ui.pay' });
    first.actor.send({ type: 'ui.payByCard' });
    await flush();
    expect(first.state()).toBe('receipt.done');
    const saved = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
    first.actor.stop();

    const resumed = createActor(checkoutMachine, { snapshot: saved, input: { lane } });
    resumed.start();
    resumed.send({ type: 'lane.restored' });
    await vi.advanceTimersByTimeAsync(15_000);
    expect(stateToPath(resumed.getSnapshot().value)).toBe('idle');
  });
});
