import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { restartDelayMs, RuntimeHost } from '../../../main/electron/runtimeHost';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { FakeRuntimeProcess } from './fakeElectron';

/** The lane runtime's utility process, kept running from main (fake processes, fake timers). */
describe('the runtime host', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function host() {
    const processes: FakeRuntimeProcess[] = [];
    const log = createRecordingLogger();
    const runtime = new RuntimeHost({
      fork: () => {
        const child = new FakeRuntimeProcess();
        processes.push(child);
        return child;
      },
      log,
    });
    const current = () => processes.at(-1)!;
    return { runtime, processes, log, current };
  }

  const ready = { kind: 'ready', restored: false, state: 'idle' } as const;

  it('backs off 1 s, 2 s, 4 s … up to 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 40].map((attempt) => restartDelayMs(attempt))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('restarts a runtime that exits, waiting longer each time, and starts counting again once one has run a minute', () => {
    const { runtime, processes, current, log } = host();
    runtime.start();
    current().say(ready);
    current().exit(1);
    const waits: number[] = [];
    for (let restart = 0; restart < 7; restart++) {
      const before = processes.length;
      let waited = 0;
      while (processes.length === before) {
        vi.advanceTimersByTime(500);
        waited += 500;
      }
      waits.push(waited);
      current().exit(1); // dies again before it is ready
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(log.find('error', 'lane runtime exited')).toHaveLength(8);

    // One that comes up and stays a minute resets the count.
    vi.advanceTimersByTime(30_000);
    current().say(ready);
    vi.advanceTimersByTime(60_000);
    current().exit(1);
    const before = processes.length;
    vi.advanceTimersByTime(999);
    expect(processes.length).toBe(before);
    vi.advanceTimersByTime(1);
    expect(processes.length).toBe(before + 1);
  });

  it('relays bridge messages unread both ways, keeping the page’s while no runtime is ready', () => {
    const { runtime, current } = host();
    const toPage: string[] = [];
    runtime.onBridgeMessage((message) => toPage.push(message));
    runtime.start();
    runtime.send('{"kind":"call","id":1}');
    expect(current().received).toEqual([]);
    current().say(ready);
    runtime.send('{"kind":"call","id":2}');
    expect(current().received).toEqual([
      { kind: 'bridge', message: '{"kind":"call","id":1}' },
      { kind: 'bridge', message: '{"kind":"call","id":2}' },
    ]);
    current().say({ kind: 'bridge', message: '{"kind":"event"}' });
    expect(toPage).toEqual(['{"kind":"event"}']);

    current().exit(1);
    runtime.send('{"kind":"call","id":3}');
    vi.advanceTimersByTime(1_000);
    expect(current().received).toEqual([]);
    current().say(ready);
    expect(current().received).toEqual([{ kind: 'bridge', message: '{"kind":"call","id":3}' }]);
  });

  it('drops what the runtime says that it does not understand, with a log line', () => {
    const { runtime, current, log } = host();
    const toPage: string[] = [];
    runtime.onBridgeMessage((message) => toPage.push(message));
    runtime.start();
    for (const message of [null, 'text', { kind: 'bridge' }, { kind: 'bridge', message: 1 }, { kind: 'kiosk', on: 'no' }, { kind: 'launch', url: 'https://evil.example/' }]) current().say(message);
    expect(toPage).toEqual([]);
    expect(log.find('warn', 'message from the lane runtime not understood; dropped')).toHaveLength(6);
  });

  it('says whether an update may install: what the running lane said, and never while it is down', () => {
    const { runtime, current } = host();
    let changes = 0;
    runtime.onReadinessChange(() => changes++);
    runtime.start();
    expect(runtime.readyToInstall).toBe(false);
    current().say(ready);
    current().say({ kind: 'readiness', readyToInstall: true });
    expect(runtime.readyToInstall).toBe(true);
    current().say({ kind: 'readiness', readyToInstall: true });
    expect(changes).toBe(1);
    current().exit(1);
    expect(runtime.readyToInstall).toBe(false);
    expect(changes).toBe(2);
  });

  it('passes on the lane’s kiosk requests and reports each start, restarts marked', () => {
    const { runtime, current } = host();
    const kiosk: unknown[] = [];
    const starts: boolean[] = [];
    runtime.onKiosk((message) => kiosk.push(message));
    runtime.onReady(({ restarted }) => starts.push(restarted));
    runtime.start();
    current().say(ready);
    current().say({ kind: 'kiosk', on: false, by: { id: '1002', name: 'Ivan Petrov', role: 'supervisor' } });
    current().exit(1);
    vi.advanceTimersByTime(1_000);
    current().say({ kind: 'ready', restored: true, state: 'maintenance' });
    expect(kiosk).toEqual([{ kind: 'kiosk', on: false, by: { id: '1002', name: 'Ivan Petrov', role: 'supervisor' } }]);
    expect(starts).toEqual([false, true]);
  });

  it('stops the runtime gracefully, and kills one that does not stop in time; neither is restarted', async () => {
    const { runtime, current, processes } = host();
    runtime.start();
    current().say(ready);
    const stopping = runtime.stop();
    expect(current().received).toEqual([{ kind: 'stop' }]);
    current().exit(0);
    await stopping;
    vi.advanceTimersByTime(60_000);
    expect(processes).toHaveLength(1);
    expect(current().killed).toBe(false);

    const stubborn = host();
    stubborn.runtime.start();
    const stopped = stubborn.runtime.stop();
    vi.advanceTimersByTime(10_000);
    await stopped;
    expect(stubborn.current().killed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(stubborn.processes).toHaveLength(1);
  });

  it('tries again later when the process cannot even be forked', () => {
    const log = createRecordingLogger();
    let forks = 0;
    const runtime = new RuntimeHost({
      fork: () => {
        forks++;
        if (forks === 1) throw new Error('ENOENT runtime.cjs');
        return new FakeRuntimeProcess();
      },
      log,
    });
    runtime.start();
    expect(log.find('error', 'the lane runtime could not be started')).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(forks).toBe(2);
  });
});
