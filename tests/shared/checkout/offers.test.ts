import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { stateToPath } from '../../../shared/bridge/laneView';
import type { CheckoutEvent } from '../../../shared/checkout/events';
import { checkoutMachine, type LaneInfo, type PrintResult } from '../../../shared/checkout/machine';
import { priceSale } from '../../../shared/checkout/pricing';
import type { Coupon, Promotion } from '../../../shared/checkout/promotions';
import type { NewLine } from '../../../shared/checkout/sale';
import type { DeviceRole } from '../../../shared/devices';
import type { PaymentRequest } from '../../../shared/payment';
import { buildReceiptDocument } from '../../../shared/receipt/buildReceipt';

/** Promotions, coupons and the loyalty card as the checkout applies them: on screen, at the terminal, on paper. */
const lane: LaneInfo = { laneId: 'L01', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en', epoch: 'abcd1234' };
const ready = (role: DeviceRole): CheckoutEvent => ({ type: 'device.statusChanged', role, status: { kind: 'ready', warnings: [] } });

function line(gtin: string, priceMinor: number, vatRateBp = 2100): NewLine {
  return { gtin, scannedCode: gtin.slice(1), name: { en: `Item ${gtin}` }, pricing: 'unit', quantity: 1, unitPriceMinor: priceMinor, priceMinor, vatClass: vatRateBp === 2100 ? 'A' : 'B', vatRateBp };
}
const chocolate = line('04750001000061', 229);
const coffee = line('04750001000078', 749);
const milk = line('04750001000016', 119, 1200);

const chocolateOffer: Promotion = { id: 'choc-20', name: { en: 'Chocolate 20% off' }, gtins: [chocolate.gtin], rule: { kind: 'percentage', percentBp: 2000 } };
const coffeeForMembers: Promotion = { id: 'coffee-members', name: { en: 'Members: 1.00 off coffee' }, gtins: [coffee.gtin], rule: { kind: 'amountOff', amountMinor: 100 }, loyaltyOnly: true };
const coffeeCoupon: Coupon = { code: 'LW:C:COFFEE1', name: { en: '1.00 off coffee' }, gtins: [coffee.gtin], rule: { kind: 'amountOff', amountMinor: 100 } };
const expiredCoupon: Coupon = { code: 'LW:C:OLD', name: { en: 'Old' }, rule: { kind: 'amountOff', amountMinor: 200 }, validTo: Date.UTC(2025, 0, 1) };
const bigSpendCoupon: Coupon = { code: 'LW:C:10PCT', name: { en: '10% from 10.00' }, rule: { kind: 'percentage', percentBp: 1000 }, minimumSpendMinor: 1000 };

const scan = (item: NewLine, promotions?: Promotion[]): CheckoutEvent => ({ type: 'scanner.scanned', code: item.scannedCode, outcome: { kind: 'item', line: item, promotions } });
const couponScan = (coupon: Coupon | undefined, code = coupon?.code ?? 'LW:C:UNKNOWN'): CheckoutEvent => ({ type: 'coupon.scanned', code, coupon });

function setupLane() {
  const requests: PaymentRequest[] = [];
  const machine = checkoutMachine.provide({
    actors: {
      authorizePayment: fromPromise(async ({ input }) => {
        requests.push(input);
        return { kind: 'approved' as const, reference: input.reference, amountMinor: input.amountMinor, currency: input.currency, authCode: 'A1', maskedPan: '**** 4242' };
      }),
      cancelPayment: fromPromise(async ({ input }) => ({ kind: 'cancelled' as const, reference: input.reference, by: 'shopper' as const })),
      printReceipt: fromPromise(async (): Promise<PrintResult> => ({ ok: true })),
    },
  });
  const actor = createActor(machine, { input: { lane } });
  actor.start();
  for (const role of ['scanner', 'printer', 'paymentTerminal'] as const) actor.send(ready(role));
  return {
    send: (event: CheckoutEvent) => actor.send(event),
    state: () => stateToPath(actor.getSnapshot().value),
    context: () => actor.getSnapshot().context,
    price: () => priceSale(actor.getSnapshot().context.sale!),
    requests,
    settle: () => new Promise((resolve) => setTimeout(resolve, 0)),
  };
}

describe('offers at the checkout', () => {
  it('prices a promotion on the scanned item, shows the saving, and charges the discounted total', async () => {
    const lane = setupLane();
    lane.send(scan(chocolate, [chocolateOffer]));
    lane.send(scan(chocolate, [chocolateOffer]));
    expect(lane.context().sale?.promotions).toEqual([chocolateOffer]);
    // 20 % of 4.58, rounded half up: 0.92.
    expect(lane.price()).toMatchObject({ subtotalMinor: 458, savingsMinor: 92, totalMinor: 366 });
    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payByCard' });
    expect(lane.requests[0]?.amountMinor).toBe(366);
    await lane.settle();
    expect(lane.context().closedSale?.status).toBe('completed');
  });

  it('takes a coupon for an item in the basket, and refuses one for an item that is not, with the basket unchanged', () => {
    const lane = setupLane();
    lane.send(scan(milk));
    lane.send(couponScan(coffeeCoupon));
    expect(lane.state()).toBe('scanning.couponRejected');
    expect(lane.context().notice).toEqual({ kind: 'couponRejected', reason: 'noMatchingItem' });
    expect(lane.context().sale?.coupons ?? []).toEqual([]);
    expect(lane.price().totalMinor).toBe(119);
    lane.send({ type: 'ui.dismiss' });
    lane.send(scan(coffee));
    lane.send(couponScan(coffeeCoupon));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.price()).toMatchObject({ savingsMinor: 100, totalMinor: 768 });
    // The same coupon again: a clear "already used", nothing counted twice.
    lane.send(couponScan(coffeeCoupon));
    expect(lane.context().notice).toEqual({ kind: 'couponRejected', reason: 'alreadyUsed' });
    expect(lane.price().savingsMinor).toBe(100);
  });

  it('says why an expired, unknown or too-early coupon cannot be used', () => {
    const lane = setupLane();
    lane.send(scan(coffee));
    lane.send(couponScan(expiredCoupon));
    expect(lane.context().notice).toEqual({ kind: 'couponRejected', reason: 'expired' });
    lane.send({ type: 'ui.dismiss' });
    lane.send(couponScan(undefined));
    expect(lane.context().notice).toEqual({ kind: 'couponRejected', reason: 'unknown' });
    lane.send({ type: 'ui.dismiss' });
    lane.send(couponScan(bigSpendCoupon));
    expect(lane.context().notice).toEqual({ kind: 'couponRejected', reason: 'minimumSpend', minimumSpendMinor: 1000 });
    lane.send({ type: 'ui.dismiss' });
    expect(lane.price().savingsMinor).toBe(0);
  });

  it('applies member prices once the loyalty card is scanned; a second scan only says so', () => {
    const lane = setupLane();
    lane.send(scan(coffee, [coffeeForMembers]));
    expect(lane.price().savingsMinor).toBe(0);
    lane.send({ type: 'loyalty.scanned', card: '2401000012345' });
    expect(lane.context().sale?.loyalty).toEqual({ card: '2401000012345' });
    expect(lane.price()).toMatchObject({ savingsMinor: 100, totalMinor: 649 });
    lane.send({ type: 'loyalty.scanned', card: '2401000012345' });
    expect(lane.state()).toBe('scanning.loyaltyAlreadyScanned');
    expect(lane.price().savingsMinor).toBe(100);
  });

  it('starts a sale with a loyalty card scanned on the welcome screen', () => {
    const lane = setupLane();
    lane.send({ type: 'loyalty.scanned', card: '2401000012345' });
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().sale?.loyalty).toEqual({ card: '2401000012345' });
  });

  it('does not take coupons or cards while the card terminal has the amount', () => {
    const lane = setupLane();
    lane.send(scan(coffee));
    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payByCard' });
    lane.send(couponScan(coffeeCoupon));
    expect(lane.context().notice).toEqual({ kind: 'finishPaymentFirst' });
    expect(lane.context().sale?.coupons ?? []).toEqual([]);
  });

  it('drops a coupon’s discount when its item leaves the basket', () => {
    const lane = setupLane();
    lane.send(scan(coffee));
    lane.send(couponScan(coffeeCoupon));
    lane.send({ type: 'assistant.setQuantity', lineId: 1, quantity: 0, by: { id: '1001', name: 'Anna', role: 'assistant' }, via: 'lane' });
    expect(lane.price()).toMatchObject({ savingsMinor: 0, totalMinor: 0 });
  });

  it('prints the subtotal, each discount, the total, the savings, the loyalty card and VAT on what was paid', async () => {
    const lane = setupLane();
    lane.send({ type: 'loyalty.scanned', card: '2401000012345' });
    lane.send(scan(coffee, [coffeeForMembers]));
    lane.send(scan(milk));
    lane.send(couponScan(coffeeCoupon));
    lane.send({ type: 'ui.pay' });
    lane.send({ type: 'ui.payByCard' });
    await lane.settle();
    const sale = lane.context().closedSale!;
    const rows = buildReceiptDocument(sale, lane.context().lane, { timeZone: 'Europe/Riga' }).blocks.flatMap((block) => (block.kind === 'row' ? [`${block.left} | ${block.right}`] : block.kind === 'text' ? [block.text] : []));
    expect(rows).toEqual(
      expect.arrayContaining([
        'Subtotal | €8.68',
        'Members: 1.00 off coffee | -€1.00',
        '1.00 off coffee | -€1.00',
        'TOTAL | €6.68',
        'YOU SAVED | €2.00',
        'Loyalty card | **** 2345',
        // Coffee (21 %) after both discounts: 5.49; milk (12 %) untouched: 1.19.
        'VAT 21% of €5.49 | €0.95',
        'VAT 12% of €1.19 | €0.13',
      ]),
    );
  });
});
