import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ShellRequest } from '../../../main/lane/runtime';
import { anna, annaRef, ivan, ivanRef, LaneHarness, send, signIn, type TestLane } from './laneHarness';

/**
 * "Leave kiosk mode" through the lane runtime: a supervisor at the lane during maintenance asks
 * for it; the action is journaled in assistant_actions and on the audit feed, and only then handed
 * to the kiosk shell. An assistant's attempt is refused and audited; a lane without a shell refuses it.
 */
describe('leaving kiosk mode at the lane', () => {
  const harness = new LaneHarness();
  beforeAll(() => harness.setUpCatalog());
  afterAll(() => harness.removeCatalog());
  beforeEach(() => harness.setUpLaneDir());
  afterEach(() => harness.tearDownLanes());

  const leaveKiosk = (lane: TestLane) => send(lane, { type: 'ui.assistantCommand', command: { kind: 'leaveKiosk' } });

  /** The shell's end: each request with what the journal held when it arrived. */
  function listen(lane: TestLane) {
    const requests: { request: ShellRequest; journaled: string[] }[] = [];
    lane.runtime.onShellRequest((request) => requests.push({ request, journaled: lane.journal.recentAssistantActions({ limit: 10 }).map((row) => row.action) }));
    return requests;
  }

  it('hands a supervisor’s request to the shell once it is journaled and audited, during maintenance only', async () => {
    const lane = await harness.startLane();
    const requests = listen(lane);
    await signIn(lane, ivan.id, ivan.pin);
    expect(await leaveKiosk(lane)).toEqual({ accepted: false });
    expect(requests).toEqual([]);

    expect(await send(lane, { type: 'ui.assistantCommand', command: { kind: 'startMaintenance' } })).toEqual({ accepted: true });
    expect(await leaveKiosk(lane)).toEqual({ accepted: true });
    expect(lane.runtime.view.state).toBe('maintenance');
    expect(requests).toEqual([{ request: { kind: 'leaveKiosk', by: ivanRef }, journaled: ['signIn', 'startMaintenance', 'leaveKiosk'] }]);
    const [row] = lane.journal.recentAssistantActions({ limit: 1 });
    expect(row).toMatchObject({ action: 'leaveKiosk', by: ivanRef, via: 'lane' });
    expect(lane.audit.at(-1)).toMatchObject({ action: 'leaveKiosk', by: ivanRef, via: 'lane', outcome: 'done' });
  });

  it('refuses an assistant (journaled and audited) and never tells the shell', async () => {
    const lane = await harness.startLane();
    const requests = listen(lane);
    await signIn(lane, anna.id, anna.pin);
    await send(lane, { type: 'ui.assistantCommand', command: { kind: 'startMaintenance' } });
    expect(await leaveKiosk(lane)).toEqual({ accepted: false });
    expect(requests).toEqual([]);
    expect(lane.journal.securityEvents().map((row) => row.event)).toEqual([{ kind: 'roleRefused', by: annaRef, action: 'leaveKiosk', saleId: null }]);
    expect(lane.audit.at(-1)).toMatchObject({ action: 'leaveKiosk', by: annaRef, outcome: 'rejected', reason: 'forbidden' });
  });

  it('refuses it on a lane no kiosk shell hosts (a browser), and after a restart does not ask again', async () => {
    const lane = await harness.startLane();
    await signIn(lane, ivan.id, ivan.pin);
    await send(lane, { type: 'ui.assistantCommand', command: { kind: 'startMaintenance' } });
    expect(await leaveKiosk(lane)).toEqual({ accepted: false });
    expect(lane.log.find('warn', 'leave kiosk mode refused: no kiosk shell hosts this lane')).toHaveLength(1);
    expect(lane.journal.recentAssistantActions({ limit: 10 }).map((row) => row.action)).not.toContain('leaveKiosk');

    listen(lane);
    expect(await leaveKiosk(lane)).toEqual({ accepted: true });
    await lane.close();
    const again = await harness.startLane();
    const requests = listen(again);
    expect(again.runtime.view.state).toBe('maintenance');
    await new Promise((resolve) => setImmediate(resolve));
    expect(requests).toEqual([]);
  });
});
