import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { stateToPath } from '../../../shared/bridge/laneView';
import { uiEventSchema } from '../../../shared/bridge/uiEventSchema';
import { assistantCommandEvent, type CheckoutEvent } from '../../../shared/checkout/events';
import { checkoutMachine, type LaneInfo, type PrintResult } from '../../../shared/checkout/machine';
import type { PaymentOutcome } from '../../../shared/payment';
import { mayPerform, remoteCommandKinds } from '../../../shared/supervisor/remoteActions';

/**
 * "Leave kiosk mode" in the statechart: an assistant action like the others (audited as the
 * lane's latest action, which the runtime journals and hands to the shell), taken only during
 * maintenance, by a supervisor, at the lane.
 */
const lane: LaneInfo = { laneId: 'L01', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en', epoch: 'abcd1234' };
const ivan = { id: '1002', name: 'Ivan Petrov', role: 'supervisor' } as const;
const leaveKiosk = assistantCommandEvent({ kind: 'leaveKiosk' }, { by: ivan, via: 'lane' });

function setupLane() {
  const machine = checkoutMachine.provide({
    actors: {
      authorizePayment: fromPromise(() => new Promise<PaymentOutcome>(() => undefined)),
      cancelPayment: fromPromise(() => new Promise<PaymentOutcome>(() => undefined)),
      printReceipt: fromPromise(async (): Promise<PrintResult> => ({ ok: true })),
    },
  });
  const actor = createActor(machine, { input: { lane } });
  actor.start();
  for (const role of ['scanner', 'printer', 'paymentTerminal'] as const) actor.send({ type: 'device.statusChanged', role, status: { kind: 'ready', warnings: [] } });
  return {
    send: (event: CheckoutEvent) => actor.send(event),
    can: (event: CheckoutEvent) => actor.getSnapshot().can(event),
    state: () => stateToPath(actor.getSnapshot().value),
    context: () => actor.getSnapshot().context,
  };
}

describe('leaving kiosk mode', () => {
  it('is taken during maintenance only, audited with who asked, and leaves the lane in maintenance', () => {
    const checkout = setupLane();
    expect(checkout.can(leaveKiosk)).toBe(false);
    checkout.send(leaveKiosk);
    expect(checkout.context().lastAssistantAction).toBeUndefined();

    checkout.send(assistantCommandEvent({ kind: 'startMaintenance' }, { by: ivan, via: 'lane' }));
    const before = checkout.context().lastAssistantAction!.seq;
    expect(checkout.can(leaveKiosk)).toBe(true);
    checkout.send(leaveKiosk);
    expect(checkout.state()).toBe('maintenance');
    expect(checkout.context().lastAssistantAction).toMatchObject({ action: 'leaveKiosk', by: ivan, via: 'lane', seq: before + 1, saleId: undefined });

    checkout.send(assistantCommandEvent({ kind: 'endMaintenance' }, { by: ivan, via: 'lane' }));
    expect(checkout.state()).toBe('idle');
    expect(checkout.can(leaveKiosk)).toBe(false);
  });

  it('is a supervisor’s decision, taken at the lane and never from the station', () => {
    expect(mayPerform('supervisor', 'leaveKiosk')).toBe(true);
    expect(mayPerform('assistant', 'leaveKiosk')).toBe(false);
    expect((remoteCommandKinds as readonly string[]).includes('leaveKiosk')).toBe(false);
    expect(uiEventSchema.safeParse({ type: 'ui.assistantCommand', command: { kind: 'leaveKiosk' } }).success).toBe(true);
    expect(uiEventSchema.safeParse({ type: 'ui.assistantCommand', command: { kind: 'leaveKiosk', then: 'quit' } }).success).toBe(false);
  });
});
