import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { stateToPath, type LaneView } from '../../../shared/bridge/laneView';
import type { CheckoutEvent } from '../../../shared/checkout/events';
import { checkoutMachine, type LaneInfo } from '../../../shared/checkout/machine';
import { laneStatusOf, unreadableInputOf } from '../../../shared/supervisor/laneStatus';

const lane: LaneInfo = { laneId: 'L03', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en', epoch: 'abcd1234' };
const ready = { kind: 'ready', warnings: [] } as const;

/** An idle lane with its devices ready, after `events`. */
function viewAfter(events: readonly CheckoutEvent[]): LaneView {
  const actor = createActor(checkoutMachine, { input: { lane } });
  actor.start();
  for (const role of ['scanner', 'printer', 'paymentTerminal'] as const) actor.send({ type: 'device.statusChanged', role, status: ready });
  for (const event of events) actor.send(event);
  const snapshot = actor.getSnapshot();
  actor.stop();
  return { version: 1, state: stateToPath(snapshot.value), context: snapshot.context, totalMinor: 0, itemCount: 0 };
}

const discarded = (role: 'scanner' | 'printer' | 'paymentTerminal', count: number, at?: number): CheckoutEvent => ({ type: 'device.inputDiscarded', role, count, reason: 'nonPrintable', ...(at === undefined ? {} : { at }) });
const status = (view: LaneView, sentAt: number) => laneStatusOf(view, { sentAt, stateSince: 0, recentEvents: [] });

describe('discarded input in the checkout', () => {
  it('adds up a run of noise, and starts a new run when the last report is more than 10 s old', () => {
    const t = 1_000_000;
    expect(viewAfter([discarded('scanner', 2, t), discarded('scanner', 5, t + 10_000)]).context.discardedInput).toEqual({
      scanner: { count: 7, lastReason: 'nonPrintable', lastAt: t + 10_000, recentCount: 7 },
    });
    expect(viewAfter([discarded('scanner', 2, t), discarded('scanner', 5, t + 10_001)]).context.discardedInput).toEqual({
      scanner: { count: 7, lastReason: 'nonPrintable', lastAt: t + 10_001, recentCount: 5 },
    });
  });

  it('takes events journaled before they carried a time: counted, the run left as it was', () => {
    expect(viewAfter([discarded('scanner', 4)]).context.discardedInput).toEqual({ scanner: { count: 4, lastReason: 'nonPrintable' } });
    expect(viewAfter([discarded('scanner', 4, 50_000), discarded('scanner', 1)]).context.discardedInput).toEqual({
      scanner: { count: 5, lastReason: 'nonPrintable', lastAt: 50_000, recentCount: 4 },
    });
  });
});

describe('unreadable input in a lane status', () => {
  const t = 2_000_000;

  it('is a device problem from three messages in a run, for 10 s after the last', () => {
    expect(status(viewAfter([discarded('scanner', 2, t)]), t).interventions).toEqual([]);
    const noisy = viewAfter([discarded('scanner', 2, t), discarded('scanner', 1, t + 1_000)]);
    expect(status(noisy, t + 1_000).interventions).toEqual([{ kind: 'deviceFault', detail: 'scanner: unreadable input' }]);
    expect(status(noisy, t + 11_000).interventions).toEqual([{ kind: 'deviceFault', detail: 'scanner: unreadable input' }]);
    expect(status(noisy, t + 11_001).interventions).toEqual([]);
    // Old journals: no time, no problem.
    expect(status(viewAfter([discarded('scanner', 50)]), t).interventions).toEqual([]);
  });

  it('joins the device faults in their one intervention, and keeps the interventions in order', () => {
    const view = viewAfter([
      { type: 'device.statusChanged', role: 'printer', status: { kind: 'fault', faults: ['coverOpen'] } },
      discarded('paymentTerminal', 3, t),
      discarded('scanner', 9, t),
    ]);
    const interventions = status(view, t).interventions;
    expect(interventions.filter((intervention) => intervention.kind === 'deviceFault')).toEqual([
      { kind: 'deviceFault', detail: 'printer: coverOpen; paymentTerminal: unreadable input; scanner: unreadable input' },
    ]);

    const paperLow = viewAfter([{ type: 'device.statusChanged', role: 'printer', status: { kind: 'ready', warnings: ['paperNearEnd'] } }, discarded('scanner', 3, t)]);
    expect(status(paperLow, t).interventions.map((intervention) => intervention.kind)).toEqual(['deviceFault', 'paperLow']);
  });

  it('says when the first device stops being a problem, so the lane can send its status again then', () => {
    const view = viewAfter([discarded('scanner', 3, t), discarded('printer', 3, t + 4_000)]);
    expect(unreadableInputOf(view.context, t + 5_000)).toEqual({ roles: ['scanner', 'printer'], nextChangeAt: t + 10_000 });
    expect(unreadableInputOf(view.context, t + 12_000)).toEqual({ roles: ['printer'], nextChangeAt: t + 14_000 });
    expect(unreadableInputOf(view.context, t + 14_001)).toEqual({ roles: [], nextChangeAt: undefined });
  });
});
