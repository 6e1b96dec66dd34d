import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { stateToPath } from '../../../shared/bridge/laneView';
import { uiEventSchema } from '../../../shared/bridge/uiEventSchema';
import type { CheckoutEvent } from '../../../shared/checkout/events';
import { checkoutMachine, weighingStatusOf, type LaneInfo, type PrintResult } from '../../../shared/checkout/machine';
import type { BasketLine } from '../../../shared/checkout/sale';
import type { WeighableItem } from '../../../shared/checkout/weighing';
import type { DeviceRole } from '../../../shared/devices';
import { createTranslator } from '../../../shared/i18n';
import { formatMoney } from '../../../shared/money';
import { buildReceiptDocument, lineDetail } from '../../../shared/receipt/buildReceipt';
import { scaleWeight } from '../../../shared/scale';

const lane: LaneInfo = {
  laneId: 'L01',
  storeName: 'Test Store',
  currency: 'EUR',
  defaultLanguage: 'en',
  epoch: 'abcd1234',
  containers: [
    { id: 'paper-bag', name: { en: 'Paper bag' }, tareGrams: 6 },
    { id: 'deli-tub', name: { en: 'Deli tub' }, tareGrams: 22 },
  ],
};
const apples: WeighableItem = { gtin: '00000000004011', scannedCode: '4011', name: { en: 'Apples' }, unitPriceMinor: 199, vatClass: 'B', vatRateBp: 1200 };

const ready = (role: DeviceRole): CheckoutEvent => ({ type: 'device.statusChanged', role, status: { kind: 'ready', warnings: [] } });
const stable = (grams: number): CheckoutEvent => ({ type: 'scale.reading', reading: { kind: 'stable', weight: scaleWeight(grams, 3, 'kg'), net: false } });
const scanApples: CheckoutEvent = { type: 'scanner.scanned', code: '4011', outcome: { kind: 'needsWeighing', gtin: apples.gtin, name: apples.name, item: apples } };
const choose = (containerId: string | null): CheckoutEvent => ({ type: 'ui.chooseContainer', containerId });

function setupLane(info: LaneInfo = lane) {
  const machine = checkoutMachine.provide({
    actors: {
      authorizePayment: fromPromise(async ({ input }) => ({ kind: 'approved' as const, reference: input.reference, amountMinor: input.amountMinor, currency: input.currency, authCode: 'A1', maskedPan: '**** 4242' })),
      cancelPayment: fromPromise(async ({ input }) => ({ kind: 'cancelled' as const, reference: input.reference, by: 'shopper' as const })),
      printReceipt: fromPromise(async (): Promise<PrintResult> => ({ ok: true })),
    },
  });
  const actor = createActor(machine, { input: { lane: info } });
  actor.start();
  for (const role of ['scanner', 'printer', 'paymentTerminal', 'scale', 'baggingScale'] as const) actor.send(ready(role));
  actor.send({ type: 'baggingScale.settled', grams: 0 });
  const send = (event: CheckoutEvent) => actor.send(event);
  return { send, state: () => stateToPath(actor.getSnapshot().value), context: () => actor.getSnapshot().context };
}

describe('tare for containers in the checkout statechart', () => {
  it('sells the net weight in a paper bag; the bagging area expects the gross weight', () => {
    const checkout = setupLane();
    checkout.send(stable(0));
    checkout.send(scanApples);
    checkout.send(choose('paper-bag'));
    expect(checkout.context().weighing?.tare).toEqual({ containerId: 'paper-bag', grams: 6 });
    checkout.send(stable(1240));
    expect(weighingStatusOf(checkout.context())).toEqual({ kind: 'ready', grams: 1234, priceMinor: 246, tareGrams: 6 });
    checkout.send({ type: 'ui.acceptWeight' });
    expect(checkout.state()).toBe('scanning.ready');

    const [line] = checkout.context().sale!.lines;
    // 1.234 kg × 1.99 €/kg = 2.45566 € → 2.46 €
    expect(line).toMatchObject({ gtin: apples.gtin, pricing: 'weight', weightGrams: 1234, tareGrams: 6, priceMinor: 246 });
    // Item and bag both go into the bagging area.
    expect(line!.bagging).toMatchObject({ kind: 'trusted', expectedGrams: 1240 });
    expect(checkout.context().bagging?.pending.map((pending) => pending.expectation)).toEqual([expect.objectContaining({ expectedGrams: 1240 })]);
    checkout.send({ type: 'baggingScale.settled', grams: 1241 });
    expect(checkout.state()).toBe('scanning.ready');
    expect(checkout.context().bagging).toMatchObject({ pending: [], mismatch: null });
  });

  it('changes the container, takes it off again, and ignores an id the store does not have', () => {
    const checkout = setupLane();
    checkout.send(stable(0));
    checkout.send(scanApples);
    checkout.send(choose('deli-tub'));
    checkout.send(choose('crate'));
    expect(checkout.context().weighing?.tare).toEqual({ containerId: 'deli-tub', grams: 22 });
    checkout.send(stable(50));
    // 50 g gross in a 22 g tub is 28 g net: under the 40 g minimum.
    expect(weighingStatusOf(checkout.context())).toEqual({ kind: 'belowMinimum', grams: 28 });
    checkout.send({ type: 'ui.acceptWeight' });
    expect(checkout.state()).toBe('scanning.weighing');

    checkout.send(choose(null));
    expect(checkout.context().weighing?.tare).toBeUndefined();
    checkout.send({ type: 'ui.acceptWeight' });
    const [line] = checkout.context().sale!.lines;
    expect(line).toMatchObject({ weightGrams: 50, priceMinor: 10 });
    expect(line!.tareGrams).toBeUndefined();
  });

  it('refuses a gross reading at or below the tare', () => {
    const checkout = setupLane();
    checkout.send(stable(0));
    checkout.send(scanApples);
    checkout.send(choose('deli-tub'));
    checkout.send(stable(22));
    expect(weighingStatusOf(checkout.context())).toEqual({ kind: 'belowMinimum', grams: 0 });
    checkout.send({ type: 'ui.acceptWeight' });
    expect(checkout.state()).toBe('scanning.weighing');
    expect(checkout.context().sale).toBeNull();
  });

  it('starts each weighing without a container, and a lane without containers ignores the choice', () => {
    const checkout = setupLane();
    checkout.send(stable(0));
    checkout.send(scanApples);
    checkout.send(choose('paper-bag'));
    checkout.send({ type: 'ui.dismiss' });
    checkout.send(scanApples);
    expect(checkout.context().weighing?.tare).toBeUndefined();

    const { containers: _containers, ...plainLane } = lane;
    const plain = setupLane(plainLane);
    plain.send(scanApples);
    plain.send(choose('paper-bag'));
    expect(plain.context().weighing?.tare).toBeUndefined();
  });
});

describe('the container choice at the bridge', () => {
  it('takes a container id or null, nothing else', () => {
    expect(uiEventSchema.safeParse({ type: 'ui.chooseContainer', containerId: 'paper-bag' }).success).toBe(true);
    expect(uiEventSchema.safeParse({ type: 'ui.chooseContainer', containerId: null }).success).toBe(true);
    for (const containerId of ['', 'Paper bag', 'a'.repeat(21), 6, undefined]) {
      expect(uiEventSchema.safeParse({ type: 'ui.chooseContainer', containerId }).success, String(containerId)).toBe(false);
    }
    expect(uiEventSchema.safeParse({ type: 'ui.chooseContainer', containerId: 'deli-tub', tareGrams: 0 }).success).toBe(false);
  });
});

describe('a weighed line with tare on the basket and the receipt', () => {
  const line: BasketLine = { lineId: 1, ...apples, pricing: 'weight', quantity: 1, weightGrams: 512, tareGrams: 6, unitPriceMinor: 139, priceMinor: 71 };

  it('shows the net weight, the price per kg and the tare', () => {
    const tr = createTranslator('en');
    const money = (minor: number) => formatMoney(minor, 'EUR', tr.locale);
    expect(lineDetail(line, 'en', tr.t, money)?.replace(/\s/gu, ' ')).toBe('0.512 kg × €1.39/kg (tare 0.006 kg)');
    const { tareGrams: _tare, ...withoutTare } = line;
    expect(lineDetail(withoutTare, 'en', tr.t, money)?.replace(/\s/gu, ' ')).toBe('0.512 kg × €1.39/kg');
    const lv = createTranslator('lv');
    expect(lineDetail(line, 'lv', lv.t, (minor) => formatMoney(minor, 'EUR', lv.locale))?.replace(/\s/gu, ' ')).toMatch(/^0,512 kg × 1,39 €\/kg \(tara 0,006 kg\)$/);
  });

  it('prints it under the line', () => {
    const sale = { id: 'L01-abcd1234-000001', number: 1, startedAt: Date.UTC(2026, 0, 5, 10), lines: [line], nextLineId: 2, status: 'open' as const, payments: [], language: 'en' as const };
    const texts = buildReceiptDocument(sale, lane, { timeZone: 'UTC' }).blocks.flatMap((block) => (block.kind === 'text' ? [block.text.replace(/\s/gu, ' ')] : []));
    expect(texts).toContain('  0.512 kg × €1.39/kg (tare 0.006 kg)');
  });
});
