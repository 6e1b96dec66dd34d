import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { stateToPath } from '../../../shared/bridge/laneView';
import type { CheckoutEvent } from '../../../shared/checkout/events';
import { laneLightFor } from '../../../shared/checkout/laneLight';
import { checkoutMachine, type LaneInfo, type PrintResult } from '../../../shared/checkout/machine';
import { weighingStatus, type WeighableItem } from '../../../shared/checkout/weighing';
import type { DeviceRole } from '../../../shared/devices';
import { scaleWeight, type ScaleReading } from '../../../shared/scale';

const lane: LaneInfo = { laneId: 'L01', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en', epoch: 'abcd1234' };
const apples: WeighableItem = { gtin: '00000000004011', scannedCode: '4011', name: { en: 'Apples' }, unitPriceMinor: 199, vatClass: 'B', vatRateBp: 1200 };

const ready = (role: DeviceRole): CheckoutEvent => ({ type: 'device.statusChanged', role, status: { kind: 'ready', warnings: [] } });
const reading = (value: ScaleReading): CheckoutEvent => ({ type: 'scale.reading', reading: value });
const stable = (grams: number): CheckoutEvent => reading({ kind: 'stable', weight: scaleWeight(grams, 3, 'kg'), net: false });
const scanApples: CheckoutEvent = { type: 'scanner.scanned', code: '4011', outcome: { kind: 'needsWeighing', gtin: apples.gtin, name: apples.name, item: apples } };

function setupLane(roles: readonly DeviceRole[] = ['scanner', 'printer', 'paymentTerminal', 'scale']) {
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
  return { actor, state: () => stateToPath(actor.getSnapshot().value), context: () => actor.getSnapshot().context };
}

describe('weighing rules', () => {
  const base = { zeroSeen: true, unitPriceMinor: 199, minimumWeightGrams: 40 };
  const kg = (grams: number): ScaleReading => ({ kind: 'stable', weight: scaleWeight(grams, 3, 'kg'), net: false });

  it('prices a stable weight above the minimum, rounding half up', () => {
    // 1.234 kg × 1.99 €/kg = 2.45566 € → 2.46 €
    expect(weighingStatus({ ...base, reading: kg(1234) })).toEqual({ kind: 'ready', grams: 1234, priceMinor: 246 });
  });

  it('blocks motion, under zero, over capacity and zero errors', () => {
    expect(weighingStatus({ ...base, reading: { kind: 'motion', weight: scaleWeight(500, 3, 'kg') } }).kind).toBe('settling');
    expect(weighingStatus({ ...base, reading: { kind: 'underZero' } }).kind).toBe('underZero');
    expect(weighingStatus({ ...base, reading: { kind: 'overCapacity' } }).kind).toBe('overCapacity');
    expect(weighingStatus({ ...base, reading: { kind: 'zeroError' } }).kind).toBe('zeroError');
    expect(weighingStatus({ ...base, reading: null }).kind).toBe('waiting');
  });

  it('needs a zero since the last weighing, refuses loads below the minimum and non-metric scales', () => {
    expect(weighingStatus({ ...base, zeroSeen: false, reading: kg(800) }).kind).toBe('clearScale');
    expect(weighingStatus({ ...base, reading: kg(0) }).kind).toBe('placeItem');
    expect(weighingStatus({ ...base, reading: kg(39) })).toEqual({ kind: 'belowMinimum', grams: 39 });
    expect(weighingStatus({ ...base, reading: kg(40) }).kind).toBe('ready');
    expect(weighingStatus({ ...base, reading: { kind: 'stable', weight: scaleWeight(150, 2, 'lb'), net: false } }).kind).toBe('unsupportedUnit');
  });

  describe('with a container’s preset tare', () => {
    const inBag = { ...base, tareGrams: 6 };

    it('sells the net weight (gross − tare), priced from the net weight', () => {
      // 1.240 kg gross − 0.006 kg = 1.234 kg net × 1.99 €/kg = 2.45566 € → 2.46 €
      expect(weighingStatus({ ...inBag, reading: kg(1240) })).toEqual({ kind: 'ready', grams: 1234, priceMinor: 246, tareGrams: 6 });
      expect(weighingStatus({ ...base, tareGrams: 0, reading: kg(1240) })).toEqual({ kind: 'ready', grams: 1240, priceMinor: 247 });
    });

    it('applies the minimum to the net weight', () => {
      expect(weighingStatus({ ...inBag, reading: kg(45) })).toEqual({ kind: 'belowMinimum', grams: 39 });
      expect(weighingStatus({ ...inBag, reading: kg(46) })).toMatchObject({ kind: 'ready', grams: 40 });
    });

    it('never sells a gross reading at or below the tare, and never shows a negative weight', () => {
      expect(weighingStatus({ ...inBag, reading: kg(6) })).toEqual({ kind: 'belowMinimum', grams: 0 });
      expect(weighingStatus({ ...inBag, reading: kg(4) })).toEqual({ kind: 'belowMinimum', grams: 0 });
      // Even on a lane configured without a minimum.
      expect(weighingStatus({ ...inBag, minimumWeightGrams: 0, reading: kg(6) })).toEqual({ kind: 'belowMinimum', grams: 0 });
    });

    it('judges the empty scale and the zero since the last weighing on the gross reading', () => {
      expect(weighingStatus({ ...inBag, reading: kg(0) }).kind).toBe('placeItem');
      expect(weighingStatus({ ...inBag, zeroSeen: false, reading: kg(800) }).kind).toBe('clearScale');
    });
  });
});

describe('weighing in the checkout statechart', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-23T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('sells at the stable weight shown when the shopper presses Add, after a zero', () => {
    const lane = setupLane();
    lane.actor.send(stable(0));
    lane.actor.send(scanApples);
    expect(lane.state()).toBe('scanning.weighing');
    lane.actor.send(reading({ kind: 'motion' }));
    lane.actor.send({ type: 'ui.acceptWeight' });
    expect(lane.state()).toBe('scanning.weighing');
    lane.actor.send(stable(1234));
    lane.actor.send({ type: 'ui.acceptWeight' });
    expect(lane.state()).toBe('scanning.ready');
    const [line] = lane.context().sale!.lines;
    expect(line).toMatchObject({ gtin: apples.gtin, pricing: 'weight', weightGrams: 1234, priceMinor: 246, unitPriceMinor: 199 });
  });

  it('does not sell the same load twice: the next weighing waits for a zero', () => {
    const lane = setupLane();
    lane.actor.send(stable(0));
    lane.actor.send(scanApples);
    lane.actor.send(stable(800));
    lane.actor.send({ type: 'ui.acceptWeight' });
    expect(lane.context().sale!.lines).toHaveLength(1);

    lane.actor.send(scanApples);
    lane.actor.send({ type: 'ui.acceptWeight' });
    expect(lane.state()).toBe('scanning.weighing');
    expect(lane.context().zeroSeen).toBe(false);
    lane.actor.send(stable(0));
    lane.actor.send(stable(650));
    lane.actor.send({ type: 'ui.acceptWeight' });
    expect(lane.context().sale!.lines.map((line) => line.weightGrams)).toEqual([800, 650]);
  });

  it('refuses over capacity and under zero readings', () => {
    const lane = setupLane();
    lane.actor.send(stable(0));
    lane.actor.send(scanApples);
    for (const value of [{ kind: 'overCapacity' }, { kind: 'underZero' }, { kind: 'zeroError' }] as const) {
      lane.actor.send(reading(value));
      lane.actor.send({ type: 'ui.acceptWeight' });
      expect(lane.state()).toBe('scanning.weighing');
    }
    lane.actor.send({ type: 'ui.dismiss' });
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().weighing).toBeNull();
  });

  it('hands the item to an assistant when there is no scale, or the scale fails mid-weighing', () => {
    const noScale = setupLane(['scanner', 'printer', 'paymentTerminal']);
    noScale.actor.send(scanApples);
    expect(noScale.state()).toBe('scanning.needsWeighing');

    const lane = setupLane();
    lane.actor.send(scanApples);
    expect(lane.state()).toBe('scanning.weighing');
    lane.actor.send({ type: 'device.statusChanged', role: 'scale', status: { kind: 'lost', reason: 'unplugged' } });
    expect(lane.state()).toBe('scanning.needsWeighing');
    expect(lane.context().notice).toMatchObject({ kind: 'needsWeighing', code: '4011' });
  });

  it('keeps the bagging scale’s settled weight', () => {
    const lane = setupLane();
    lane.actor.send({ type: 'baggingScale.settled', grams: 1520 });
    expect(lane.context().baggingArea).toEqual({ grams: 1520 });
  });
});

describe('lane light', () => {
  it('follows the checkout state', () => {
    const lane = setupLane(['scanner', 'printer']);
    expect(laneLightFor(lane.state(), lane.context())).toBe('intervention');
    lane.actor.send(ready('paymentTerminal'));
    expect(laneLightFor(lane.state(), lane.context())).toBe('open');
    lane.actor.send({ type: 'scanner.scanned', code: '123', outcome: { kind: 'unknownItem', gtin: '00000000000123' } });
    expect(laneLightFor(lane.state(), lane.context())).toBe('attention');
    lane.actor.send({ type: 'ui.dismiss' });
    lane.actor.send({ type: 'device.statusChanged', role: 'printer', status: { kind: 'ready', warnings: ['paperNearEnd'] } });
    expect(laneLightFor(lane.state(), lane.context())).toBe('attention');
    lane.actor.send({ type: 'device.statusChanged', role: 'printer', status: { kind: 'fault', faults: ['paperEnd'] } });
    expect(laneLightFor(lane.state(), lane.context())).toBe('intervention');
  });
});
