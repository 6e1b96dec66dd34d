import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { showcase } from '../../../main/catalog/demoCatalog';
import { auditRef } from '../../../main/lane/laneAudit';
import { anna, annaRef, ivan, ivanRef, LaneHarness, payByCard, send, signIn, waitForState } from './laneHarness';

/**
 * What the runtime gives the supervisor link: the role rule for assistants at the lane, the
 * audit feed (lane actions, failed sign-ins, refusals) and its resend, closed sales, when the
 * current state began, and commands from the station.
 */
describe('the lane runtime for the supervisor station', () => {
  const harness = new LaneHarness();
  beforeAll(() => harness.setUpCatalog());
  afterAll(() => harness.removeCatalog());
  beforeEach(() => harness.setUpLaneDir());
  afterEach(() => harness.tearDownLanes());

  it('refuses an assistant at the lane what only a supervisor may do, journals and audits it; a supervisor may', async () => {
    const lane = await harness.startLane();
    lane.devices.scanner.emitScan(showcase.milk);
    await signIn(lane, anna.id, anna.pin);
    const override = { kind: 'overridePrice', lineId: 1, priceMinor: 50, reason: 'damaged' } as const;
    expect(await send(lane, { type: 'ui.assistantCommand', command: override })).toEqual({ accepted: false });
    expect(await send(lane, { type: 'ui.assistantCommand', command: { kind: 'voidSale' } })).toEqual({ accepted: false });
    expect(lane.runtime.view.context.sale?.lines[0]).toMatchObject({ priceMinor: 119 });
    expect(lane.runtime.view.context.sale?.status).toBe('open');
    expect(lane.log.find('warn', 'assistant command beyond the assistant’s role refused').map((record) => record.fields.command)).toEqual(['overridePrice', 'voidSale']);
    const saleId = lane.runtime.view.context.sale!.id;
    expect(lane.journal.securityEvents().map((row) => row.event)).toEqual([
      { kind: 'roleRefused', by: annaRef, action: 'overridePrice', saleId },
      { kind: 'roleRefused', by: annaRef, action: 'voidSale', saleId },
    ]);
    expect(lane.audit.filter((entry) => entry.outcome === 'rejected')).toEqual([
      expect.objectContaining({ by: annaRef, via: 'lane', action: 'overridePrice', saleId, reason: 'forbidden' }),
      expect.objectContaining({ by: annaRef, via: 'lane', action: 'voidSale', saleId, reason: 'forbidden' }),
    ]);
    // Everything else an assistant still does.
    expect(await send(lane, { type: 'ui.assistantCommand', command: { kind: 'setQuantity', lineId: 1, quantity: 2 } })).toEqual({ accepted: true });

    await send(lane, { type: 'ui.assistantSignOut' });
    await signIn(lane, ivan.id, ivan.pin);
    expect(await send(lane, { type: 'ui.assistantCommand', command: override })).toEqual({ accepted: true });
    expect(lane.runtime.view.context.sale?.lines[0]).toMatchObject({ priceMinor: 100 });
  });

  it('audits every action at the lane and every failed sign-in (never the PIN, never the badge), and resends the same lines', async () => {
    const lane = await harness.startLane();
    await signIn(lane, anna.id, '9999');
    await signIn(lane, '4242', '1111');
    lane.devices.scanner.emitScan('LW:A:9999-FAKE');
    await signIn(lane, anna.id, anna.pin);
    await send(lane, { type: 'ui.assistantSignOut' });

    expect(lane.audit.map((entry) => [entry.action, entry.outcome, entry.reason])).toEqual([
      ['signInFailed', 'rejected', 'wrongPin'],
      ['signInFailed', 'rejected', 'unknown'],
      ['signInFailed', 'rejected', 'unknown'],
      ['signIn', 'done', undefined],
      ['signOut', 'done', undefined],
    ]);
    expect(lane.audit[0]).toMatchObject({ by: null, assistantId: anna.id, via: 'lane' });
    expect(lane.audit[2]).toMatchObject({ assistantId: '', detail: { badge: true } });
    expect(lane.audit[3]?.ref).toMatch(new RegExp(`^action:\\d+@${lane.journal.epoch}$`));
    const actions = lane.journal.assistantActions();
    expect(lane.audit.slice(3).map((entry) => entry.ref)).toEqual(actions.map((action) => auditRef('action', action.seq, lane.journal.epoch)));
    const security = lane.journal.securityEvents();
    expect(lane.audit.slice(0, 3).map((entry) => entry.ref)).toEqual(security.map((row) => auditRef('security', row.seq, lane.journal.epoch)));
    const text = JSON.stringify(lane.audit) + JSON.stringify(lane.journal.db.prepare('SELECT detail FROM security_events').all());
    for (const secret of [anna.pin, '9999', '1111', '9999-FAKE']) expect(text).not.toContain(secret);

    // What a reconnecting link resends is the same lines, by the same refs.
    expect(lane.runtime.recentAuditEntries()).toEqual(lane.audit);
    expect(lane.runtime.recentAuditEntries(2)).toEqual(lane.audit.slice(-2));
  });

  it('carries out commands from the station with who gave them, and leaves them off the lane’s own audit feed', async () => {
    const lane = await harness.startLane();
    lane.devices.scanner.emitScan(showcase.beer);
    const saleId = lane.runtime.view.context.sale!.id;
    const command = { id: 'c'.repeat(32), laneId: 'L01', issuedAt: Date.now(), expiresAt: Date.now() + 30_000, by: annaRef, saleId };
    expect(lane.runtime.remoteCommand({ ...command, action: { kind: 'approveAge' } })).toEqual({ outcome: 'done' });
    expect(lane.runtime.view.context.sale?.ageApproval).toMatchObject({ by: annaRef, via: 'supervisor' });
    // Approved already: nothing left to approve.
    expect(lane.runtime.remoteCommand({ ...command, action: { kind: 'approveAge' } })).toEqual({ outcome: 'notNow' });
    expect(lane.runtime.remoteCommand({ ...command, action: { kind: 'voidSale' } })).toEqual({ outcome: 'rejected', reason: 'forbidden' });
    expect(lane.runtime.remoteCommand({ ...command, saleId: 'L01-gone-000007', action: { kind: 'sendMessage', message: 'pleaseWait' } })).toEqual({ outcome: 'notNow', reason: 'staleSale' });
    expect(lane.runtime.remoteCommand({ ...command, saleId: undefined, action: { kind: 'sendMessage', message: 'checkBaggingArea' } })).toEqual({ outcome: 'done' });
    expect(lane.runtime.view.context.laneMessage).toMatchObject({ key: 'checkBaggingArea', from: annaRef.name });
    expect(lane.runtime.remoteCommand({ ...command, by: ivanRef, action: { kind: 'voidSale' } })).toEqual({ outcome: 'done' });
    expect(lane.runtime.view.state).toBe('idle');
    expect(lane.journal.assistantActions().map((action) => [action.action, action.via])).toEqual([
      ['approveAge', 'supervisor'],
      ['voidSale', 'supervisor'],
    ]);
    expect(lane.audit).toEqual([]);
    expect(lane.sales).toEqual([expect.objectContaining({ saleId, status: 'cancelled', itemCount: 1, totalMinor: 139 })]);
  });

  it('tells when the current state began, also across a restart, and keeps a copy of the recent events', async () => {
    const lane = await harness.startLane();
    lane.devices.scanner.emitScan(showcase.milk);
    const scanningSince = lane.runtime.stateSince;
    expect(lane.journal.recentEvents(1)[0]).toMatchObject({ state: 'scanning.ready', at: scanningSince });
    lane.devices.scanner.emitScan(showcase.bread);
    expect(lane.runtime.stateSince).toBe(scanningSince);
    const events = lane.runtime.recentEvents;
    expect(events.at(-1)).toMatch(/scanner\.scanned \(item\)$/);
    events.push('tampered');
    expect(lane.runtime.recentEvents).not.toContain('tampered');

    await lane.close();
    const again = await harness.startLane();
    expect(again.runtime.restored).toBe(true);
    expect(again.runtime.view.state).toBe('scanning.ready');
    expect(again.runtime.stateSince).toBe(scanningSince);
    await send(again, { type: 'ui.pay' });
    expect(again.runtime.stateSince).toBeGreaterThanOrEqual(scanningSince);
    expect(again.runtime.view.state).toBe('payment.choosing');
  });

  it('announces each closed sale once committed, and lists recent ones for a resend', async () => {
    const lane = await harness.startLane();
    lane.devices.scanner.emitScan(showcase.milk);
    lane.devices.scanner.emitScan(showcase.milk);
    await payByCard(lane);
    await send(lane, { type: 'ui.finish' });
    lane.devices.scanner.emitScan(showcase.bread);
    await send(lane, { type: 'ui.cancelSale' });
    await send(lane, { type: 'ui.confirmCancel' });
    await waitForState(lane, 'idle');

    expect(lane.sales).toEqual([
      expect.objectContaining({ number: 1, status: 'completed', itemCount: 2, totalMinor: 238, currency: 'EUR' }),
      expect.objectContaining({ number: 2, status: 'cancelled', itemCount: 1, totalMinor: 189 }),
    ]);
    expect(lane.runtime.recentSales()).toEqual(lane.sales);
    expect(lane.runtime.recentSales(1)).toEqual(lane.sales.slice(1));
  });
});
