import { describe, expect, it, vi } from 'vitest';
import { stationEvents } from '../../shared/supervisor/stationService';
import { StationStore } from '../../renderer/supervisor/stationStore';
import { anna, fakeHub, flush, hubT0, laneTile, overview, queued } from './stationFixtures';

/** A store for `hub` with a device clock of our choosing, subscribed (as React would be). */
function storeFor(hub: ReturnType<typeof fakeHub>, deviceNow: () => number = () => hubT0) {
  const store = new StationStore(hub.page, { now: deviceNow });
  const changes = vi.fn();
  const unsubscribe = store.subscribe(changes);
  return { store, changes, unsubscribe };
}

describe('StationStore', () => {
  it('loads the overview on connect, sorted by lane, and says it is connected', async () => {
    const hub = fakeHub(overview({ lanes: [laneTile('L10'), laneTile('L02'), laneTile('L01')], queue: [queued('L02', 'help', hubT0 - 5_000)], assistant: anna }));
    const { store } = storeFor(hub);
    expect(store.getSnapshot()).toMatchObject({ loaded: false, connected: false, lanes: [] });
    hub.connect();
    await flush();
    const snapshot = store.getSnapshot();
    expect(snapshot.connected).toBe(true);
    expect(snapshot.loaded).toBe(true);
    expect(snapshot.lanes.map((lane) => lane.laneId)).toEqual(['L01', 'L02', 'L10']);
    expect(snapshot.queue.map((item) => item.id)).toEqual(['L02:help']);
    expect(snapshot.assistant).toEqual(anna);
    expect(snapshot.shifts).toEqual([6, 14, 22]);
  });

  it('patches tiles, replaces the queue, grows the open timeline and follows the session from pushes', async () => {
    const hub = fakeHub(overview());
    const { store } = storeFor(hub);
    hub.connect();
    await flush();

    hub.push(stationEvents.lane, laneTile('L02', { online: false }));
    hub.push(stationEvents.lane, laneTile('L03'));
    hub.push(stationEvents.queue, [queued('L01', 'ageCheck', hubT0 - 1_000), queued('L03', 'weightMismatch', hubT0)]);
    await flush();
    let snapshot = store.getSnapshot();
    expect(snapshot.lanes.map((lane) => [lane.laneId, lane.online])).toEqual([
      ['L01', true],
      ['L02', false],
      ['L03', true],
    ]);
    expect(snapshot.queue.map((item) => item.kind)).toEqual(['ageCheck', 'weightMismatch']);

    // Timeline entries are kept only for the lane whose detail is open.
    hub.push(stationEvents.timeline, { laneId: 'L01', entry: { at: hubT0, kind: 'state', detail: 'idle' } });
    await flush();
    expect(store.getSnapshot().timeline).toBeNull();
    hub.service.laneDetail.mockResolvedValueOnce({ tile: laneTile('L01'), timeline: [{ at: hubT0 - 10_000, kind: 'online', detail: '' }] });
    store.openTimeline('L01');
    await flush();
    hub.push(stationEvents.timeline, { laneId: 'L01', entry: { at: hubT0 + 1_000, kind: 'intervention', detail: 'ageCheck' } });
    hub.push(stationEvents.timeline, { laneId: 'L02', entry: { at: hubT0 + 1_000, kind: 'offline', detail: '' } });
    await flush();
    expect(store.getSnapshot().timeline).toEqual({
      laneId: 'L01',
      loaded: true,
      entries: [
        { at: hubT0 - 10_000, kind: 'online', detail: '' },
        { at: hubT0 + 1_000, kind: 'intervention', detail: 'ageCheck' },
      ],
    });

    hub.push(stationEvents.session, anna);
    await flush();
    expect(store.getSnapshot().assistant).toEqual(anna);
    // Signed out at the hub (idle timeout): the session goes, and with it the open detail.
    hub.push(stationEvents.session, null);
    await flush();
    snapshot = store.getSnapshot();
    expect(snapshot.assistant).toBeNull();
    expect(snapshot.timeline).toBeNull();
  });

  it('drops malformed pushes without losing what it shows', async () => {
    const hub = fakeHub(overview({ queue: [queued('L01', 'help', hubT0)] }));
    const { store } = storeFor(hub);
    hub.connect();
    await flush();
    const before = store.getSnapshot();
    hub.pushRaw('{not json');
    hub.push(stationEvents.lane, { laneId: 42 });
    hub.push(stationEvents.queue, 'everything');
    hub.push(stationEvents.session, { id: '1', name: 'X', role: 'root' });
    hub.push('somethingNew', {});
    await flush();
    expect(store.getSnapshot()).toBe(before);
  });

  it('keeps the last data while the hub is away, then reloads everything on reconnect', async () => {
    const hub = fakeHub(overview({ assistant: anna, queue: [queued('L01', 'help', hubT0)] }));
    const { store } = storeFor(hub);
    hub.connect();
    await flush();
    store.openTimeline('L02');
    await flush();

    hub.drop();
    await flush();
    let snapshot = store.getSnapshot();
    expect(snapshot.connected).toBe(false);
    expect(snapshot.lanes).toHaveLength(2);
    expect(snapshot.queue).toHaveLength(1);

    // The hub forgot this connection's session; the help call was answered meanwhile.
    hub.set(overview({ assistant: null, queue: [], lanes: [laneTile('L01'), laneTile('L02'), laneTile('L03')] }));
    hub.connect();
    await flush();
    snapshot = store.getSnapshot();
    expect(hub.service.getOverview).toHaveBeenCalledTimes(2);
    expect(snapshot.connected).toBe(true);
    expect(snapshot.assistant).toBeNull();
    expect(snapshot.queue).toEqual([]);
    expect(snapshot.lanes.map((lane) => lane.laneId)).toEqual(['L01', 'L02', 'L03']);
    // The open detail's timeline is fetched again (entries pushed meanwhile were missed).
    expect(hub.service.laneDetail.mock.calls.map(([args]) => args.laneId)).toEqual(['L02', 'L02']);
  });

  it('measures waiting times on the hub clock, whatever the device clock says', async () => {
    // The phone's clock is ten minutes slow, and the answer takes 200 ms to come back.
    let deviceNow = hubT0 - 600_000 - 100;
    const hub = fakeHub(overview({ hubTime: hubT0 }));
    hub.service.getOverview.mockImplementation(async () => {
      deviceNow += 200;
      return overview({ hubTime: hubT0 });
    });
    const { store } = storeFor(hub, () => deviceNow);
    hub.connect();
    await flush();
    expect(store.getSnapshot().clockOffsetMs).toBe(600_000);
    expect(store.hubNow()).toBe(hubT0 + 100);
    deviceNow += 5_000;
    expect(store.hubNow()).toBe(hubT0 + 5_100);
  });

  it('signs in and out on this connection, and reports a hub out of reach as such', async () => {
    const hub = fakeHub();
    const { store } = storeFor(hub);
    expect(await store.signIn({ assistantId: '1001', pin: '1234' })).toEqual({ ok: false, problem: 'unavailable' });
    hub.connect();
    await flush();
    hub.service.signIn.mockResolvedValueOnce({ ok: false, problem: 'lockedOut', retryAfterMs: 120_000 });
    expect(await store.signIn({ badge: 'LW:A:1001-7F3K', pin: '0000' })).toEqual({ ok: false, problem: 'lockedOut', retryAfterMs: 120_000 });
    expect(hub.service.signIn).toHaveBeenLastCalledWith({ badge: 'LW:A:1001-7F3K', pin: '0000' });
    expect(store.getSnapshot().assistant).toBeNull();
    expect(await store.signIn({ assistantId: '1001', pin: '1234' })).toEqual({ ok: true, assistant: anna });
    expect(store.getSnapshot().assistant).toEqual(anna);
    await store.signOut();
    expect(store.getSnapshot().assistant).toBeNull();
    expect(hub.service.signOut).toHaveBeenCalledTimes(1);
  });

  it('sends commands with the sale shown, and calls a command that got no answer a timeout', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const hub = fakeHub(overview({ assistant: anna }));
    const { store } = storeFor(hub);
    expect(await store.sendCommand({ laneId: 'L01', action: { kind: 'approveAge' }, saleId: 's1' })).toMatchObject({ outcome: 'timeout' });
    hub.connect();
    await flush();
    hub.service.sendCommand.mockResolvedValueOnce({ outcome: 'notNow' });
    expect(await store.sendCommand({ laneId: 'L01', action: { kind: 'approveAge' }, saleId: 's1' })).toEqual({ outcome: 'notNow' });
    expect(hub.service.sendCommand).toHaveBeenCalledWith({ laneId: 'L01', action: { kind: 'approveAge' }, saleId: 's1' });

    // The hub says the session is gone: the screen goes back to sign-in.
    hub.service.sendCommand.mockResolvedValueOnce({ outcome: 'signedOut' });
    await store.sendCommand({ laneId: 'L01', action: { kind: 'openLane' }, saleId: null });
    expect(store.getSnapshot().assistant).toBeNull();

    // The connection drops with the command in flight.
    hub.service.sendCommand.mockImplementationOnce(() => new Promise(() => {}));
    const pending = store.sendCommand({ laneId: 'L01', action: { kind: 'openLane' }, saleId: null });
    await flush();
    hub.drop();
    expect(await pending).toMatchObject({ outcome: 'timeout' });
    vi.restoreAllMocks();
  });

  it('asks for the overview again after a failed answer on an open connection', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const hub = fakeHub();
      hub.service.getOverview.mockRejectedValueOnce(new Error('database busy'));
      const { store } = storeFor(hub);
      hub.connect();
      await flush();
      expect(store.getSnapshot().loaded).toBe(false);
      await vi.advanceTimersByTimeAsync(1_000);
      await flush();
      expect(hub.service.getOverview).toHaveBeenCalledTimes(2);
      expect(store.getSnapshot().loaded).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops listening when the last subscriber leaves', async () => {
    const hub = fakeHub();
    const { store, changes, unsubscribe } = storeFor(hub);
    unsubscribe();
    hub.connect();
    await flush();
    expect(hub.service.getOverview).not.toHaveBeenCalled();
    expect(changes).not.toHaveBeenCalled();
    expect(store.getSnapshot().connected).toBe(false);
  });
});
