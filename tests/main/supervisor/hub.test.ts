import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../../main/db/database';
import { decodeLaneSecret, verifyCommand, type SeenCommands } from '../../../main/supervisor/commandAuth';
import { SupervisorHub, timelineLength } from '../../../main/supervisor/hub';
import { openHubDatabase } from '../../../main/supervisor/hubDatabase';
import { LaneRegistry } from '../../../main/supervisor/laneRegistry';
import type { AssistantRef } from '../../../shared/checkout/sale';
import type { CommandBody, HubToLane } from '../../../shared/supervisor/protocol';
import type { LaneTile, QueuedIntervention, TimelineEntry } from '../../../shared/supervisor/stationService';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { laneStatus } from './fixtures';

const ivan: AssistantRef = { id: '1002', name: 'Ivan Petrov', role: 'supervisor' };
const anna: AssistantRef = { id: '1001', name: 'Anna Bērziņa', role: 'assistant' };

function memorySeen(): SeenCommands {
  const seen = new Set<string>();
  return { remember: (id) => (seen.has(id) ? false : (seen.add(id), true)) };
}

describe('supervisor hub', () => {
  let db: Db;
  let registry: LaneRegistry;
  let clock: number;
  let hub: SupervisorHub;
  let tiles: LaneTile[];
  let queues: (readonly QueuedIntervention[])[];
  let timeline: { laneId: string; entry: TimelineEntry }[];
  const secrets = new Map<string, string>();

  function startHub(options: { offlineGraceMs?: number; commandTimeoutMs?: number } = {}): SupervisorHub {
    const started = new SupervisorHub({ db, registry, log: createRecordingLogger(), now: () => clock, ...options });
    tiles = [];
    queues = [];
    timeline = [];
    started.onLaneTile((tile) => tiles.push(tile));
    started.onQueue((queue) => queues.push(queue));
    started.onTimeline((entry) => timeline.push(entry));
    return started;
  }

  /** A lane at the other end of `send`: verifies each command as a real lane would, then answers with `answer`. */
  function fakeLane(laneId: string, answer?: (body: CommandBody) => { outcome: 'done' | 'notNow' | 'rejected'; reason?: string } | undefined) {
    const received: HubToLane[] = [];
    const verified: CommandBody[] = [];
    const key = decodeLaneSecret(secrets.get(laneId)!);
    const seen = memorySeen();
    const send = (message: HubToLane) => {
      received.push(message);
      if (message.type !== 'command') return;
      const result = verifyCommand(key, message, { laneId, now: clock, seen });
      if (!result.ok) throw new Error(`lane rejected the command: ${result.rejection}`);
      verified.push(result.body);
      const reply = answer?.(result.body);
      if (reply) queueMicrotask(() => hub.laneMessage(laneId, { type: 'commandResult', id: result.body.id, ...reply, at: clock }));
    };
    return { send, received, verified };
  }

  beforeEach(() => {
    db = openHubDatabase(':memory:');
    registry = new LaneRegistry(db);
    for (const laneId of ['L01', 'L02', 'L03']) {
      const added = registry.addLane(laneId);
      if (!added.ok) throw new Error(added.error);
      secrets.set(laneId, added.value);
    }
    clock = 1_800_000_000_000;
    hub = startHub();
  });

  afterEach(() => {
    hub.close();
    db.close();
    vi.useRealTimers();
  });

  const auditRows = () => db.prepare('SELECT * FROM audit ORDER BY id').all() as Record<string, unknown>[];

  describe('tiles', () => {
    it('shows every provisioned lane, offline until it connects; a status fills its tile with hub times', () => {
      registry.disableLane('L03');
      expect(hub.tiles()).toEqual([
        { laneId: 'L01', online: false, lastSeenAt: null, status: null, stateSinceHub: null },
        { laneId: 'L02', online: false, lastSeenAt: null, status: null, stateSinceHub: null },
      ]);

      hub.laneConnected('L01', fakeLane('L01').send);
      expect(tiles.at(-1)).toEqual({ laneId: 'L01', online: true, lastSeenAt: null, status: null, stateSinceHub: null });

      clock += 1000;
      // The lane's clock is an hour off; it has been in this state for 5 s by its own clock.
      const status = laneStatus('L01', 7, { sentAt: clock - 3_600_000, stateSince: clock - 3_600_000 - 5000 });
      hub.laneMessage('L01', { type: 'status', status });
      expect(tiles.at(-1)).toEqual({ laneId: 'L01', online: true, lastSeenAt: clock, status, stateSinceHub: clock - 5000 });
      expect(hub.tile('L01')).toEqual(tiles.at(-1));
      expect(timeline).toEqual([
        { laneId: 'L01', entry: { at: clock - 1000, kind: 'online', detail: '' } },
        { laneId: 'L01', entry: { at: clock, kind: 'state', detail: 'scanning.ready' } },
      ]);
    });

    it('keeps the time in state while the state stays, and restarts it when the state changes', () => {
      hub.laneConnected('L01', fakeLane('L01').send);
      const first = laneStatus('L01', 1);
      hub.laneMessage('L01', { type: 'status', status: first });
      const since = hub.tile('L01').stateSinceHub;
      clock += 10_000;
      hub.laneMessage('L01', { type: 'status', status: laneStatus('L01', 2, { stateSince: first.stateSince }) });
      expect(hub.tile('L01').stateSinceHub).toBe(since);
      clock += 10_000;
      const paying = laneStatus('L01', 3, { state: 'payment.card', stateSince: laneStatus('L01', 3).sentAt });
      hub.laneMessage('L01', { type: 'status', status: paying });
      expect(hub.tile('L01').stateSinceHub).toBe(clock);
      expect(timeline.map(({ entry }) => entry.detail).filter((detail) => detail.includes('.'))).toEqual(['scanning.ready', 'payment.card']);
    });

    it('ignores an older version on one connection but takes any version after a reconnect (a restarted lane)', () => {
      hub.laneConnected('L01', fakeLane('L01').send);
      hub.laneMessage('L01', { type: 'status', status: laneStatus('L01', 10) });
      hub.laneMessage('L01', { type: 'status', status: laneStatus('L01', 9, { state: 'stale' }) });
      expect(hub.tile('L01').status?.version).toBe(10);
      hub.laneDisconnected('L01');
      hub.laneConnected('L01', fakeLane('L01').send);
      hub.laneMessage('L01', { type: 'status', status: laneStatus('L01', 2, { state: 'idle' }) });
      expect(hub.tile('L01').status).toMatchObject({ version: 2, state: 'idle' });
      hub.laneMessage('L01', { type: 'status', status: laneStatus('L01', 3, { state: 'scanning.ready' }) });
      expect(hub.tile('L01').status?.version).toBe(3);
    });

    it('drops a status that names another lane, and messages from a lane that is not connected', () => {
      hub.laneConnected('L01', fakeLane('L01').send);
      hub.laneMessage('L01', { type: 'status', status: laneStatus('L02', 1) });
      hub.laneMessage('L02', { type: 'status', status: laneStatus('L02', 1) });
      expect(hub.tile('L01').status).toBeNull();
      expect(hub.tile('L02').status).toBeNull();
    });

    it('keeps the last 200 timeline entries of a lane', () => {
      hub.laneConnected('L01', fakeLane('L01').send);
      for (let version = 1; version <= timelineLength + 20; version++) hub.laneMessage('L01', { type: 'status', status: laneStatus('L01', version, { state: `state.${version}` }) });
      const kept = hub.timeline('L01');
      expect(kept).toHaveLength(timelineLength);
      expect(kept.at(-1)?.detail).toBe(`state.${timelineLength + 20}`);
    });
  });

  describe('interventions', () => {
    it('queues interventions in the order they were raised, clears those a status no longer shows, and records both', () => {
      hub.laneConnected('L01', fakeLane('L01').send);
      hub.laneConnected('L02', fakeLane('L02').send);
      hub.laneMessage('L01', { type: 'status', status: laneStatus('L01', 1) });
      expect(queues).toEqual([]);

      clock += 1000;
      hub.laneMessage('L02', { type: 'status', status: laneStatus('L02', 1, { interventions: [{ kind: 'weightMismatch', detail: 'unexpectedItem' }] }) });
      clock += 1000;
      hub.laneMessage('L01', {
        type: 'status',
        status: laneStatus('L01', 2, { interventions: [{ kind: 'ageCheck', detail: '18', itemName: { en: 'Vodka 0.5 L' } }, { kind: 'voidApproval', lineId: 1, itemName: { en: 'Milk' } }] }),
      });
      // Said again: still the same interventions, waiting since they were first seen.
      clock += 1000;
      hub.laneMessage('L02', { type: 'status', status: laneStatus('L02', 2, { interventions: [{ kind: 'weightMismatch', detail: 'unexpectedItem' }] }) });

      const raisedAt = 1_800_000_000_000;
      expect(hub.queue()).toEqual([
        { id: 'L02:weightMismatch', laneId: 'L02', kind: 'weightMismatch', raisedAt: raisedAt + 1000, saleId: 'L02-sale-1', detail: 'unexpectedItem' },
        { id: 'L01:ageCheck', laneId: 'L01', kind: 'ageCheck', raisedAt: raisedAt + 2000, saleId: 'L01-sale-1', itemName: { en: 'Vodka 0.5 L' }, detail: '18' },
        { id: 'L01:voidApproval:1', laneId: 'L01', kind: 'voidApproval', raisedAt: raisedAt + 2000, saleId: 'L01-sale-1', lineId: 1, itemName: { en: 'Milk' } },
      ]);
      expect(queues).toHaveLength(2);

      clock += 1000;
      hub.laneMessage('L02', { type: 'status', status: laneStatus('L02', 3) });
      expect(hub.queue().map((item) => item.id)).toEqual(['L01:ageCheck', 'L01:voidApproval:1']);
      expect(queues).toHaveLength(3);

      const rows = db.prepare('SELECT lane_id, kind, line_id, sale_id, raised_at, cleared_at FROM interventions ORDER BY id').all();
      expect(rows).toEqual([
        { lane_id: 'L02', kind: 'weightMismatch', line_id: null, sale_id: 'L02-sale-1', raised_at: raisedAt + 1000, cleared_at: raisedAt + 4000 },
        { lane_id: 'L01', kind: 'ageCheck', line_id: null, sale_id: 'L01-sale-1', raised_at: raisedAt + 2000, cleared_at: null },
        { lane_id: 'L01', kind: 'voidApproval', line_id: 1, sale_id: 'L01-sale-1', raised_at: raisedAt + 2000, cleared_at: null },
      ]);
      expect(hub.timeline('L02').filter((entry) => entry.kind === 'intervention' || entry.kind === 'cleared')).toEqual([
        { at: raisedAt + 1000, kind: 'intervention', detail: 'weightMismatch' },
        { at: raisedAt + 4000, kind: 'cleared', detail: 'weightMismatch' },
      ]);
    });

    it('updates what an open intervention says without re-raising it, and ignores a lane that claims to be offline', () => {
      hub.laneConnected('L01', fakeLane('L01').send);
      hub.laneMessage('L01', { type: 'status', status: laneStatus('L01', 1, { interventions: [{ kind: 'deviceFault', detail: 'printer: coverOpen' }, { kind: 'offline' }] }) });
      clock += 5000;
      hub.laneMessage('L01', { type: 'status', status: laneStatus('L01', 2, { interventions: [{ kind: 'deviceFault', detail: 'printer: coverOpen, paperEnd' }] }) });
      expect(hub.queue()).toEqual([{ id: 'L01:deviceFault', laneId: 'L01', kind: 'deviceFault', raisedAt: clock - 5000, saleId: 'L01-sale-1', detail: 'printer: coverOpen, paperEnd' }]);
      expect(db.prepare('SELECT count(*) FROM interventions').pluck().get()).toBe(1);
    });

    it('queues a lane gone for longer than the grace period as offline, and clears it when the lane is back', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      hub.close();
      hub = startHub({ offlineGraceMs: 5000 });
      hub.laneConnected('L01', fakeLane('L01').send);
      hub.laneMessage('L01', { type: 'status', status: laneStatus('L01', 1) });

      // A blip: back within the grace period, nothing queued.
      hub.laneDisconnected('L01');
      expect(hub.tile('L01').online).toBe(false);
      vi.advanceTimersByTime(4000);
      hub.laneConnected('L01', fakeLane('L01').send);
      vi.advanceTimersByTime(10_000);
      expect(hub.queue()).toEqual([]);

      hub.laneDisconnected('L01');
      clock += 5000;
      vi.advanceTimersByTime(5000);
      expect(hub.queue()).toEqual([{ id: 'L01:offline', laneId: 'L01', kind: 'offline', raisedAt: clock, saleId: 'L01-sale-1' }]);
      // The tile keeps what the lane was doing.
      expect(hub.tile('L01')).toMatchObject({ online: false, status: { version: 1 } });

      clock += 7000;
      hub.laneConnected('L01', fakeLane('L01').send);
      expect(hub.queue()).toEqual([]);
      expect(db.prepare("SELECT cleared_at - raised_at FROM interventions WHERE kind = 'offline'").pluck().get()).toBe(7000);
      expect(hub.timeline('L01').map((entry) => entry.kind)).toEqual(['online', 'state', 'offline', 'online', 'offline', 'intervention', 'online', 'cleared']);
    });

    it('carries open interventions over a hub restart, keeping their waiting time; the lane’s next status clears what ended', () => {
      hub.laneConnected('L01', fakeLane('L01').send);
      hub.laneMessage('L01', { type: 'status', status: laneStatus('L01', 1, { interventions: [{ kind: 'help' }, { kind: 'voidApproval', lineId: 2 }] }) });
      const raisedAt = clock;
      hub.laneConnected('L03', fakeLane('L03').send);
      hub.laneMessage('L03', { type: 'status', status: laneStatus('L03', 1, { interventions: [{ kind: 'help' }] }) });
      hub.close();
      // L03 is taken out of service while the hub is down.
      registry.removeLane('L03');

      clock += 60_000;
      hub = startHub();
      expect(hub.queue()).toEqual([
        { id: 'L01:help', laneId: 'L01', kind: 'help', raisedAt, saleId: 'L01-sale-1' },
        { id: 'L01:voidApproval:2', laneId: 'L01', kind: 'voidApproval', raisedAt, saleId: 'L01-sale-1', lineId: 2 },
      ]);
      expect(db.prepare("SELECT cleared_at FROM interventions WHERE lane_id = 'L03'").pluck().get()).toBe(clock);

      hub.laneConnected('L01', fakeLane('L01').send);
      hub.laneMessage('L01', { type: 'status', status: laneStatus('L01', 1, { interventions: [{ kind: 'voidApproval', lineId: 2, itemName: { en: 'Vodka 0.5 L' } }] }) });
      expect(hub.queue()).toEqual([{ id: 'L01:voidApproval:2', laneId: 'L01', kind: 'voidApproval', raisedAt, saleId: 'L01-sale-1', lineId: 2, itemName: { en: 'Vodka 0.5 L' } }]);
      expect(db.prepare('SELECT count(*) FROM interventions').pluck().get()).toBe(3);
    });
  });

  describe('commands', () => {
    it('signs a command for the lane, which verifies it; the answer comes back and everything is audited', async () => {
      const lane = fakeLane('L01', () => ({ outcome: 'done' }));
      hub.laneConnected('L01', lane.send);
      const result = await hub.sendCommand(ivan, 'L01', { kind: 'approveAge' }, 'looked over 25', 'L01-sale-1');
      expect(result).toEqual({ outcome: 'done' });
      expect(lane.verified).toEqual([
        expect.objectContaining({ laneId: 'L01', by: ivan, action: { kind: 'approveAge' }, reason: 'looked over 25', saleId: 'L01-sale-1', issuedAt: clock, expiresAt: clock + 30_000 }),
      ]);
      const commandId = lane.verified[0]!.id;
      expect(auditRows()).toEqual([
        {
          id: 1,
          at: clock,
          assistant_id: '1002',
          assistant_name: 'Ivan Petrov',
          role: 'supervisor',
          lane_id: 'L01',
          sale_id: 'L01-sale-1',
          action: 'approveAge',
          reason: 'looked over 25',
          via: 'supervisor',
          outcome: 'done',
          detail: JSON.stringify({ action: { kind: 'approveAge' }, laneReason: null, commandId }),
          lane_ref: null,
        },
      ]);
      expect(hub.timeline('L01').at(-1)).toEqual({ at: clock, kind: 'command', detail: 'approveAge: done', by: 'Ivan Petrov' });
    });

    it('passes on a lane’s notNow and rejected with its reason', async () => {
      const answers = [{ outcome: 'notNow', reason: 'staleSale' }, { outcome: 'rejected', reason: 'forbidden' }] as const;
      let next = 0;
      hub.laneConnected('L01', fakeLane('L01', () => answers[next++]).send);
      expect(await hub.sendCommand(anna, 'L01', { kind: 'approveBagging' }, undefined, 'old-sale')).toEqual({ outcome: 'notNow', reason: 'staleSale' });
      expect(await hub.sendCommand(anna, 'L01', { kind: 'sendMessage', message: 'assistantComing' })).toEqual({ outcome: 'rejected', reason: 'forbidden' });
      expect(auditRows().map((row) => [row.action, row.outcome, row.sale_id, JSON.parse(String(row.detail)).laneReason])).toEqual([
        ['approveBagging', 'notNow', 'old-sale', 'staleSale'],
        ['sendMessage', 'rejected', null, 'forbidden'],
      ]);
      expect(hub.timeline('L01').filter((entry) => entry.kind === 'command').map((entry) => entry.detail)).toEqual(['approveBagging: notNow (staleSale)', 'sendMessage: rejected (forbidden)']);
    });

    it('refuses what the assistant’s role may not do without sending it, and audits the refusal', async () => {
      const lane = fakeLane('L01', () => ({ outcome: 'done' }));
      hub.laneConnected('L01', lane.send);
      expect(await hub.sendCommand(anna, 'L01', { kind: 'voidSale' }, 'shopper left', 'L01-sale-1')).toEqual({ outcome: 'forbidden' });
      expect(await hub.sendCommand(anna, 'L01', { kind: 'overridePrice', lineId: 1, priceMinor: 50, reason: 'damaged' })).toEqual({ outcome: 'forbidden' });
      expect(lane.received).toEqual([]);
      expect(auditRows().map((row) => [row.assistant_id, row.role, row.action, row.outcome, row.reason])).toEqual([
        ['1001', 'assistant', 'voidSale', 'forbidden', 'shopper left'],
        ['1001', 'assistant', 'overridePrice', 'forbidden', null],
      ]);
    });

    it('answers offline for a lane that is not connected or not provisioned, and audits it', async () => {
      expect(await hub.sendCommand(ivan, 'L02', { kind: 'closeLane' })).toEqual({ outcome: 'offline' });
      expect(await hub.sendCommand(ivan, 'L99', { kind: 'closeLane' })).toEqual({ outcome: 'offline' });
      // Connected, but disabled since: no secret to sign with.
      hub.laneConnected('L03', fakeLane('L03', () => ({ outcome: 'done' })).send);
      registry.disableLane('L03');
      expect(await hub.sendCommand(ivan, 'L03', { kind: 'closeLane' })).toEqual({ outcome: 'offline' });
      expect(auditRows().map((row) => [row.lane_id, row.outcome])).toEqual([
        ['L02', 'offline'],
        ['L99', 'offline'],
        ['L03', 'offline'],
      ]);
    });

    it('times out when the lane does not answer; a late answer, or one from another lane, changes nothing', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      hub.close();
      hub = startHub({ commandTimeoutMs: 5000 });
      const silent = fakeLane('L01');
      hub.laneConnected('L01', silent.send);
      hub.laneConnected('L02', fakeLane('L02').send);
      const pending = hub.sendCommand(ivan, 'L01', { kind: 'startMaintenance' }, 'cleaning the scanner');
      const id = silent.verified[0]!.id;
      // Another lane cannot answer for L01.
      hub.laneMessage('L02', { type: 'commandResult', id, outcome: 'done', at: clock });
      vi.advanceTimersByTime(5000);
      expect(await pending).toEqual({ outcome: 'timeout' });
      hub.laneMessage('L01', { type: 'commandResult', id, outcome: 'done', at: clock });
      expect(auditRows().map((row) => [row.action, row.outcome, row.reason])).toEqual([['startMaintenance', 'timeout', 'cleaning the scanner']]);
    });
  });

  describe('lane reports', () => {
    it('keeps each audit entry and sale a lane (re)sends once, under the lane that sent it', () => {
      hub.laneConnected('L01', fakeLane('L01').send);
      const entry = {
        ref: 'action:12',
        at: clock - 1000,
        by: anna,
        via: 'lane' as const,
        action: 'approveAge',
        saleId: 'L01-sale-1',
        outcome: 'done' as const,
        detail: { age: 18 },
      };
      hub.laneMessage('L01', { type: 'audit', entry });
      hub.laneMessage('L01', { type: 'audit', entry });
      hub.laneMessage('L01', { type: 'audit', entry: { ref: 'security:3', at: clock, by: null, via: 'supervisor', action: 'commandRejected', outcome: 'rejected', reason: 'replayed' } });
      hub.laneMessage('L01', { type: 'audit', entry: { ref: 'action:13', at: clock, by: null, assistantId: '1001', via: 'lane', action: 'signInFailed', outcome: 'rejected', reason: 'wrongPin' } });
      expect(auditRows().map((row) => [row.lane_id, row.lane_ref, row.assistant_id, row.assistant_name, row.action, row.outcome, row.via, row.reason, row.detail])).toEqual([
        ['L01', 'action:12', '1001', 'Anna Bērziņa', 'approveAge', 'done', 'lane', null, '{"age":18}'],
        ['L01', 'security:3', null, null, 'commandRejected', 'rejected', 'supervisor', 'replayed', null],
        ['L01', 'action:13', '1001', null, 'signInFailed', 'rejected', 'lane', 'wrongPin', null],
      ]);

      const sale = { saleId: 'L01-sale-1', number: 1, status: 'completed' as const, startedAt: clock - 60_000, closedAt: clock, itemCount: 2, totalMinor: 318, currency: 'EUR' };
      hub.laneMessage('L01', { type: 'sale', sale });
      hub.laneMessage('L01', { type: 'sale', sale });
      expect(db.prepare('SELECT sale_id, lane_id, status, item_count, total_minor FROM sales').all()).toEqual([
        { sale_id: 'L01-sale-1', lane_id: 'L01', status: 'completed', item_count: 2, total_minor: 318 },
      ]);
      expect(hub.timeline('L01').filter((each) => each.kind === 'audit' || each.kind === 'sale')).toEqual([
        { at: clock, kind: 'audit', detail: 'approveAge: done', by: 'Anna Bērziņa' },
        { at: clock, kind: 'audit', detail: 'commandRejected: rejected' },
        { at: clock, kind: 'audit', detail: 'signInFailed: rejected' },
        { at: clock, kind: 'sale', detail: 'completed #1' },
      ]);
    });
  });
});
