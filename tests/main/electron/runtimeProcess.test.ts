import { describe, expect, it } from 'vitest';
import { hostLaneInShell, readyToInstall, type HostedLane, type ParentPortLike } from '../../../main/electron/runtimeProcess';
import type { ShellRequest } from '../../../main/lane/runtime';
import type { LaneService } from '../../../shared/bridge/laneService';
import type { LaneView } from '../../../shared/bridge/laneView';
import { Emitter } from '../../../shared/event';
import { createRecordingLogger } from '../helpers/recordingLogger';

/**
 * The utility process's side (runtime.cjs): a lane that cannot start, a stop while starting,
 * what main is told (ready, readiness, kiosk mode), and messages it does not understand.
 */
function fakePort() {
  let listener: ((event: { readonly data: unknown }) => void) | undefined;
  const posted: unknown[] = [];
  const port: ParentPortLike = {
    on: (_event, handler) => {
      listener = handler;
    },
    postMessage: (message) => posted.push(message),
  };
  return { port, posted, fromMain: (data: unknown) => listener?.({ data }) };
}

function fakeLane(state: string, sale: unknown = null) {
  const views = new Emitter<LaneView>();
  const shellRequests = new Emitter<ShellRequest>();
  const view = (next: string, nextSale: unknown = null) => ({ version: 1, state: next, context: { sale: nextSale }, totalMinor: 0, itemCount: 0 }) as unknown as LaneView;
  let stops = 0;
  const service: LaneService = {
    getView: async () => view(state, sale),
    sendEvent: async () => ({ accepted: true }),
    searchItems: async () => ({ items: [] }),
    mostUsedItems: async () => ({ items: [] }),
  };
  const lane: HostedLane = {
    runtime: { service, onView: views.event, onShellRequest: shellRequests.event, view: view(state, sale), restored: true },
    stop: async () => {
      stops++;
    },
  };
  return { lane, show: (next: string, nextSale: unknown = null) => views.fire(view(next, nextSale)), ask: (request: ShellRequest) => shellRequests.fire(request), stops: () => stops };
}

describe('the lane runtime’s utility process', () => {
  it('exits with status 1 when the lane cannot start (main starts it again later)', async () => {
    const { port, posted } = fakePort();
    const log = createRecordingLogger();
    const exits: number[] = [];
    await hostLaneInShell({ port, log, exit: (code) => exits.push(code), startLane: () => Promise.reject(new Error('catalog.sqlite: no such file')) });
    expect(exits).toEqual([1]);
    expect(posted).toEqual([]);
    expect(log.find('error', 'the lane could not start')[0]?.fields).toEqual({ error: 'catalog.sqlite: no such file' });
  });

  it('stops the lane it was starting when main asks it to stop meanwhile', async () => {
    const { port, fromMain } = fakePort();
    const fake = fakeLane('idle');
    let started!: (lane: HostedLane) => void;
    const exits: number[] = [];
    const hosting = hostLaneInShell({ port, log: createRecordingLogger(), exit: (code) => exits.push(code), startLane: () => new Promise((resolve) => (started = resolve)) });
    fromMain({ kind: 'stop' });
    started(fake.lane);
    expect((await hosting).lane).toBeUndefined();
    expect(fake.stops()).toBe(1);
    expect(exits).toEqual([0]);
  });

  it('tells main it is ready, when an update may install, and when kiosk mode goes off and on', async () => {
    const { port, posted, fromMain } = fakePort();
    const fake = fakeLane('idle');
    const exits: number[] = [];
    const log = createRecordingLogger();
    await hostLaneInShell({ port, log, exit: (code) => exits.push(code), startLane: async () => fake.lane });
    expect(posted.splice(0)).toEqual([
      { kind: 'ready', restored: true, state: 'idle' },
      { kind: 'readiness', readyToInstall: false },
      { kind: 'kiosk', on: true },
    ]);
    fake.show('closed');
    fake.show('maintenance');
    fake.ask({ kind: 'leaveKiosk', by: { id: '1002', name: 'Ivan Petrov', role: 'supervisor' } });
    fake.show('idle');
    const control = posted.filter((message) => (message as { kind: string }).kind !== 'bridge');
    expect(control).toEqual([
      { kind: 'readiness', readyToInstall: true },
      { kind: 'readiness', readyToInstall: false },
      { kind: 'kiosk', on: false, by: { id: '1002', name: 'Ivan Petrov', role: 'supervisor' } },
      { kind: 'kiosk', on: true },
    ]);
    // Every view goes to the page as a bridge event.
    expect(posted.filter((message) => (message as { kind: string }).kind === 'bridge')).toHaveLength(3);

    for (const garbage of [null, 'stop', { kind: 'bridge' }, { kind: 'shutdown' }, { kind: 'bridge', message: 'x', extra: 1 }]) fromMain(garbage);
    expect(log.find('warn', 'message from the shell not understood; dropped')).toHaveLength(5);
    fromMain({ kind: 'stop' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.stops()).toBe(1);
    expect(exits).toEqual([0]);
  });

  it('counts a lane ready to install only closed, with no sale', () => {
    const at = (state: string, sale: unknown = null) => readyToInstall({ state, context: { sale } as never });
    expect(at('closed')).toBe(true);
    expect(at('closed', { id: 'L01-1' })).toBe(false);
    expect(at('idle')).toBe(false);
    expect(at('maintenance')).toBe(false);
    expect(at('scanning.ready', { id: 'L01-1' })).toBe(false);
  });
});
