import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { stateToPath, type LaneView } from '../../../shared/bridge/laneView';
import { checkoutMachine, type LaneInfo } from '../../../shared/checkout/machine';
import { laneStatusOf, type LaneStoreStatus } from '../../../shared/supervisor/laneStatus';

const lane: LaneInfo = { laneId: 'L03', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en', epoch: 'abcd1234' };

function idleView(): LaneView {
  const actor = createActor(checkoutMachine, { input: { lane } });
  actor.start();
  for (const role of ['scanner', 'printer', 'paymentTerminal'] as const) actor.send({ type: 'device.statusChanged', role, status: { kind: 'ready', warnings: [] } });
  const snapshot = actor.getSnapshot();
  actor.stop();
  return { version: 1, state: stateToPath(snapshot.value), context: snapshot.context, totalMinor: 0, itemCount: 0 };
}

const extra = { sentAt: 5, stateSince: 4, recentEvents: [] };
const store: LaneStoreStatus = { linkUp: false, backlog: 12, oldestUnsentAt: 1, catalogVersion: 7, lastCatalogSyncAt: null };

describe('the store link in a lane status', () => {
  it('is carried when the lane says (null without a link), and absent from lanes that do not', () => {
    const view = idleView();
    expect(laneStatusOf(view, { ...extra, store })).toMatchObject({ store, interventions: [] });
    expect(laneStatusOf(view, { ...extra, store: null }).store).toBeNull();
    expect('store' in laneStatusOf(view, extra)).toBe(false);
  });

  it('raises a store backlog intervention, with the count, while the early alert is on', () => {
    const view = idleView();
    expect(laneStatusOf(view, { ...extra, store: { ...store, backlog: 5000, alert: true } }).interventions).toEqual([{ kind: 'storeBacklog', detail: '5000' }]);
    expect(laneStatusOf(view, { ...extra, store: { ...store, alert: false } }).interventions).toEqual([]);
  });
});
