import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { stateToPath, type LaneView } from '../../../shared/bridge/laneView';
import { assistantCommandEvent, type AssistantCommand, type CheckoutEvent } from '../../../shared/checkout/events';
import { checkoutMachine, type LaneInfo, type PrintResult } from '../../../shared/checkout/machine';
import { itemCount, type NewLine } from '../../../shared/checkout/sale';
import type { DeviceRole } from '../../../shared/devices';
import { interventionsOf, laneStatusOf } from '../../../shared/supervisor/laneStatus';
import { mayPerform, remoteCommandKinds } from '../../../shared/supervisor/remoteActions';

const lane: LaneInfo = { laneId: 'L03', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en', epoch: 'abcd1234' };
const ivan = { id: '1002', name: 'Ivan Petrov', role: 'supervisor' } as const;
const fromStation = (command: AssistantCommand) => assistantCommandEvent(command, { by: ivan, via: 'supervisor' });
const ready = (role: DeviceRole): CheckoutEvent => ({ type: 'device.statusChanged', role, status: { kind: 'ready', warnings: [] } });

function line(gtin: string, priceMinor: number, extra: Partial<NewLine> = {}): NewLine {
  return { gtin, scannedCode: gtin.slice(1), name: { en: `Item ${gtin}` }, pricing: 'unit', quantity: 1, unitPriceMinor: priceMinor, priceMinor, vatClass: 'A', vatRateBp: 2100, ...extra };
}
const milk = line('04750001000016', 119);
const vodka = line('04750001000054', 999, { ageLimit: 18 });
const scan = (item: NewLine): CheckoutEvent => ({ type: 'scanner.scanned', code: item.scannedCode, outcome: { kind: 'item', line: item } });

function setupLane() {
  const machine = checkoutMachine.provide({
    actors: {
      authorizePayment: fromPromise(async ({ input }) => ({ kind: 'approved' as const, reference: input.reference, amountMinor: input.amountMinor, currency: input.currency, authCode: 'A1', maskedPan: '**** 4242' })),
      cancelPayment: fromPromise(async ({ input }) => ({ kind: 'cancelled' as const, reference: input.reference, by: 'shopper' as const })),
      printReceipt: fromPromise(async (): Promise<PrintResult> => ({ ok: true })),
    },
  });
  const actor = createActor(machine, { input: { lane } });
  actor.start();
  for (const role of ['scanner', 'printer', 'paymentTerminal'] as const) actor.send(ready(role));
  const state = () => stateToPath(actor.getSnapshot().value);
  const context = () => actor.getSnapshot().context;
  const view = (): LaneView => ({ version: 1, state: state(), context: context(), totalMinor: 0, itemCount: itemCount(context().sale?.lines ?? []) });
  return { send: (event: CheckoutEvent) => actor.send(event), can: (event: CheckoutEvent) => actor.getSnapshot().can(event), state, context, view };
}

describe("a shopper's request to take an item off, answered from the station", () => {
  it('stays open after the dialog is dismissed, shows as a void approval, and is answered by the station taking the piece off', () => {
    const lane = setupLane();
    lane.send(scan(milk));
    lane.send(scan(vodka));
    lane.send({ type: 'ui.removeLine', lineId: 2 });
    expect(lane.state()).toBe('scanning.removalNeedsAssistant');
    expect(lane.context().voidRequest).toMatchObject({ lineId: 2, name: vodka.name });
    lane.send({ type: 'ui.dismiss' });
    expect(lane.state()).toBe('scanning.ready');
    expect(interventionsOf(lane.view())).toContainEqual(expect.objectContaining({ kind: 'voidApproval', lineId: 2 }));

    lane.send(fromStation({ kind: 'setQuantity', lineId: 2, quantity: 0 }));
    expect(lane.context().sale?.lines.map((l) => l.gtin)).toEqual([milk.gtin]);
    expect(lane.context().voidRequest).toBeNull();
    expect(lane.context().sale?.assistantActions?.at(-1)).toMatchObject({ action: 'voidLine', via: 'supervisor', by: ivan });
  });

  it('is answered while the shopper still looks at the dialog, which then closes', () => {
    const lane = setupLane();
    lane.send(scan(vodka));
    lane.send({ type: 'ui.removeLine', lineId: 1 });
    lane.send(fromStation({ kind: 'setQuantity', lineId: 1, quantity: 0 }));
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().sale?.lines).toEqual([]);
  });

  it('is withdrawn when the shopper keeps the item, and lapses when the shopper pays', () => {
    const lane = setupLane();
    lane.send(scan(vodka));
    lane.send({ type: 'ui.removeLine', lineId: 1 });
    lane.send({ type: 'ui.cancelVoidRequest' });
    expect(lane.state()).toBe('scanning.ready');
    expect(lane.context().voidRequest).toBeNull();

    lane.send({ type: 'ui.removeLine', lineId: 1 });
    lane.send({ type: 'ui.dismiss' });
    expect(lane.context().voidRequest).not.toBeNull();
    lane.send(fromStation({ kind: 'approveAge' }));
    lane.send({ type: 'ui.pay' });
    expect(lane.state().startsWith('payment')).toBe(true);
    expect(lane.context().voidRequest).toBeNull();
  });
});

describe('messages from the station', () => {
  it('shows the message until the shopper dismisses it; the next shopper does not see an old one', () => {
    const lane = setupLane();
    const message = { key: 'assistantComing', from: 'Ivan', at: 1 } as const;
    lane.send({ type: 'supervisor.message', message });
    expect(lane.context().laneMessage).toEqual(message);
    lane.send({ type: 'ui.dismissMessage' });
    expect(lane.context().laneMessage).toBeNull();

    lane.send(scan(milk));
    lane.send({ type: 'supervisor.message', message });
    lane.send(fromStation({ kind: 'voidSale' }));
    expect(lane.state()).toBe('idle');
    expect(lane.context().laneMessage).toBeNull();
  });
});

describe('interventions a lane reports', () => {
  it('lists help, the age check (with the item) and device trouble; paper out is its own kind', () => {
    const lane = setupLane();
    lane.send(scan(vodka));
    lane.send({ type: 'help.requested', request: { at: 0, state: 'scanning.ready', itemCount: 1, totalMinor: 999, deviceProblems: [], recentEvents: [] } });
    lane.send({ type: 'device.statusChanged', role: 'printer', status: { kind: 'fault', faults: ['paperEnd'] } });
    const kinds = interventionsOf(lane.view());
    expect(kinds.map((i) => i.kind)).toEqual(['help', 'ageCheck', 'paperOut']);
    expect(kinds[1]).toMatchObject({ detail: '18', itemName: vodka.name });

    lane.send({ type: 'device.statusChanged', role: 'printer', status: { kind: 'ready', warnings: ['paperNearEnd'] } });
    lane.send({ type: 'device.statusChanged', role: 'scanner', status: { kind: 'lost', reason: 'unplugged' } });
    expect(interventionsOf(lane.view()).map((i) => i.kind)).toEqual(['help', 'ageCheck', 'deviceFault', 'paperLow']);
  });

  it('builds a status with the basket, the age needed and who approved it', () => {
    const lane = setupLane();
    lane.send(scan(milk));
    lane.send(scan(vodka));
    lane.send(fromStation({ kind: 'approveAge' }));
    const status = laneStatusOf({ ...lane.view(), totalMinor: 1118, itemCount: 2 }, { sentAt: 5, stateSince: 4, recentEvents: ['x'] });
    expect(status).toMatchObject({ laneId: 'L03', state: 'scanning.ready', light: 'open', stateSince: 4, sentAt: 5, interventions: [] });
    expect(status.sale).toMatchObject({ itemCount: 2, totalMinor: 1118, ageRequired: 18, ageApprovedBy: 'Ivan Petrov' });
    expect(status.sale?.lines.map((l) => [l.lineId, l.quantity, l.priceMinor])).toEqual([
      [1, 1, 119],
      [2, 1, 999],
    ]);
  });
});

describe('roles', () => {
  it('lets assistants approve and clear, and keeps price changes and cancelling a basket for supervisors', () => {
    expect(remoteCommandKinds.filter((kind) => !mayPerform('assistant', kind))).toEqual(['overridePrice', 'voidSale']);
    expect(remoteCommandKinds.every((kind) => mayPerform('supervisor', kind))).toBe(true);
    expect(mayPerform('assistant', 'sendMessage')).toBe(true);
  });
});
