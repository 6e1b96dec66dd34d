import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { showcase } from '../../../main/catalog/demoCatalog';
import { kioskPageUrl, kioskScheme } from '../../../main/electron/appProtocol';
import { contentSecurityPolicy } from '../../../main/electron/lockdown';
import { startShell, type ReadinessSource, type ShellOptions, type ShellPlan } from '../../../main/electron/shell';
import { certificateVerdict } from '../../../main/electron/storeCertificate';
import { bridgeChannel, type LaneService } from '../../../shared/bridge/laneService';
import type { LaneView } from '../../../shared/bridge/laneView';
import { createServiceClient, type BridgeConnection } from '../../../shared/bridge/rpc';
import { Emitter } from '../../../shared/event';
import { LaneHarness } from '../lane/laneHarness';
import { createRecordingLogger, type RecordingLogger } from '../helpers/recordingLogger';
import { fakeElectron, FakeRuntimeProcess, preventable, type FakeElectron, type FakeWindow } from './fakeElectron';
import { InProcessRuntime } from './inProcessRuntime';

/**
 * The shell composed (shell.ts) on fake Electron objects: one instance per terminal, the
 * window the configuration asks for, every web contents locked down, the runtime's requests
 * carried out, a crashed runtime restarted with the sale resumed, and a clean quit.
 */
const lanePlan: ShellPlan = { kind: 'lane', isOpen: () => true };
const stationPlan: ShellPlan = { kind: 'station', stationUrl: 'https://hub.store.lan:8100/station/', isOpen: () => true };

function options(log: RecordingLogger, more: Partial<ShellOptions> = {}): ShellOptions {
  return { log, rendererDir: '/opt/lanewise/dist/renderer', preload: '/opt/lanewise/dist/electron/preload.cjs', ...more };
}

async function start(plan: ShellPlan, electron: FakeElectron = fakeElectron(), more: Partial<ShellOptions> = {}) {
  const log = createRecordingLogger();
  const shell = await startShell(electron, plan, options(log, more));
  if (!shell) throw new Error('the shell did not start');
  return { electron, shell, log, window: electron.windows[0]! };
}

describe('one shell per terminal', () => {
  it('quits a second start at once, and brings the first one to the front instead', async () => {
    const second = fakeElectron({ gotLock: false });
    expect(await startShell(second, lanePlan, options(createRecordingLogger()))).toBeUndefined();
    expect(second.app.quits).toBe(1);
    expect(second.windows).toEqual([]);
    expect(second.app.steps).toEqual(['lock', 'quit']);

    const { electron, window } = await start(lanePlan);
    window.minimized = true;
    electron.app.emit('second-instance', preventable(), ['lanewise'], '/');
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(1);
  });
});

describe('the lane’s kiosk window', () => {
  it('is sandboxed and serves its page on its own scheme, registered before the app is ready', async () => {
    const { electron, window } = await start(lanePlan);
    expect(electron.app.steps).toEqual(['lock', 'sandbox', 'ready']);
    expect(electron.protocol.privileged.map((scheme) => scheme.scheme)).toEqual([kioskScheme]);
    expect(electron.protocol.handlers.has(kioskScheme)).toBe(true);
    expect(window.options).toMatchObject({ kiosk: true, fullscreen: true, webPreferences: { sandbox: true, contextIsolation: true, preload: '/opt/lanewise/dist/electron/preload.cjs' } });
    expect(window.menu).toBeNull();
    expect(window.shown).toBe(true);
    expect(window.loaded).toEqual([kioskPageUrl]);
    const denied = await electron.protocol.handlers.get(kioskScheme)!(new Request('lanewise://kiosk/../../etc/passwd'));
    expect(denied.status).toBe(404);
    expect(electron.sessionObject.askPermission('media')).toBe(false);
    expect(electron.sessionObject.headersFor(kioskPageUrl)).toMatchObject({ 'Content-Security-Policy': [contentSecurityPolicy({ connectSources: [] })] });
  });

  it('locks every web contents Electron creates to the kiosk page', async () => {
    const { electron, window } = await start(lanePlan);
    expect(window.webContents.navigate('will-navigate', 'https://evil.example/')).toBe(false);
    expect(window.webContents.press({ key: 'F12' })).toBe(false);
    // Whatever else comes to exist (a window the page managed to open) gets the same.
    const stray = electron.createWindow({}) as FakeWindow;
    expect(stray.webContents.navigate('will-navigate', 'https://evil.example/')).toBe(false);
    expect(stray.webContents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('refuses to close while in kiosk mode, and leaves kiosk mode when the lane asks (and returns when it asks again)', async () => {
    const { electron, window, log } = await start(lanePlan);
    expect(window.tryClose()).toBe(false);
    expect(log.find('warn', 'closing the kiosk window refused')).toHaveLength(1);

    const runtime = runtimeOf(electron);
    await vi.waitFor(() => expect(runtime()).toBeDefined());
    runtime()!.say({ kind: 'ready', restored: false, state: 'maintenance' });
    runtime()!.say({ kind: 'kiosk', on: false, by: { id: '1002', name: 'Ivan Petrov', role: 'supervisor' } });
    expect(window.kiosk).toBe(false);
    expect(window.fullScreen).toBe(false);
    expect(log.find('warn', 'kiosk mode off, for maintenance')[0]?.fields).toEqual({ assistantId: '1002', role: 'supervisor' });
    // Out of kiosk mode, store IT may close it.
    expect(window.tryClose()).toBe(true);
    runtime()!.say({ kind: 'kiosk', on: true });
    expect(window.kiosk).toBe(true);
    expect(window.fullScreen).toBe(true);
  });

  it('quits cleanly: the runtime is asked to stop and closes its journal, then the app ends', async () => {
    const electron = fakeElectron();
    const { window } = await start({ kind: 'lane', isOpen: () => true }, electron);
    const runtime = runtimeOf(electron)()!;
    runtime.say({ kind: 'ready', restored: false, state: 'idle' });
    expect(electron.powerSaveBlocker.active.size).toBe(1);
    electron.app.quit();
    expect(electron.app.steps).not.toContain('quit');
    expect(runtime.received).toContainEqual({ kind: 'stop' });
    // Quitting closes the window, which is allowed now.
    expect(window.tryClose()).toBe(true);
    runtime.exit(0);
    await vi.waitFor(() => expect(electron.app.steps).toContain('quit'));
    expect(electron.powerSaveBlocker.active.size).toBe(0);
  });
});

/** The newest runtime process forked (fake ones: the test plays the runtime). */
function runtimeOf(electron: FakeElectron): () => FakeRuntimeProcess | undefined {
  return () => electron.forked.at(-1) as FakeRuntimeProcess | undefined;
}

describe('the supervisor’s station window', () => {
  it('is a normal maximised window on the hub’s station page, locked to its origin, with no runtime', async () => {
    let forks = 0;
    const electron = fakeElectron({
      forkRuntime: () => {
        forks++;
        return new FakeRuntimeProcess();
      },
    });
    const { window } = await start(stationPlan, electron);
    expect(window.options).toMatchObject({ kiosk: false, webPreferences: { sandbox: true, contextIsolation: true } });
    expect(window.options.webPreferences).not.toHaveProperty('preload');
    expect(window.maximized).toBe(true);
    expect(window.menu).toBeNull();
    expect(window.loaded).toEqual(['https://hub.store.lan:8100/station/']);
    expect(window.webContents.navigate('will-navigate', 'https://hub.store.lan:8100/station/#audit')).toBe(true);
    expect(window.webContents.navigate('will-navigate', 'https://evil.example/')).toBe(false);
    expect(electron.protocol.privileged).toEqual([]);
    expect(forks).toBe(0);
    expect(electron.sessionObject.certificateVerifyProc).toBeUndefined();
    // A supervisor may close the station.
    expect(window.tryClose()).toBe(true);
  });

  it('tries the station page again when the hub cannot be reached', async () => {
    vi.useFakeTimers();
    try {
      const { window } = await start(stationPlan);
      window.webContents.emit('did-fail-load', preventable(), -102, 'ERR_CONNECTION_REFUSED', 'https://hub.store.lan:8100/station/', true);
      window.webContents.emit('did-fail-load', preventable(), -3, 'ERR_ABORTED', 'https://hub.store.lan:8100/x.png', false);
      vi.advanceTimersByTime(5_000);
      expect(window.loaded).toEqual(['https://hub.store.lan:8100/station/', 'https://hub.store.lan:8100/station/']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('trusts the store CA for the hub when the configuration names one', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const caPem = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'tls', 'hub-test.cert.pem'), 'utf8');
    const { electron } = await start({ kind: 'station', stationUrl: 'https://127.0.0.1:8100/station/', caPem, isOpen: () => true });
    let verdict: number | undefined;
    electron.sessionObject.certificateVerifyProc?.({ hostname: '127.0.0.1', errorCode: -202, certificate: { data: caPem } }, (answer) => (verdict = answer));
    expect(verdict).toBe(certificateVerdict.trust);
  });
});

describe('updates', () => {
  it('are told a lane may install only when its runtime says so, a station always', async () => {
    const sources: ReadinessSource[] = [];
    const startUpdates = (source: ReadinessSource) => {
      sources.push(source);
      return { stop: () => undefined };
    };
    const electron = fakeElectron();
    await start(lanePlan, electron, { startUpdates });
    const lane = sources[0]!;
    let changes = 0;
    lane.onReadinessChange(() => changes++);
    expect(lane.readiness()).toEqual({ readyToInstall: false });
    const runtime = runtimeOf(electron)()!;
    runtime.say({ kind: 'ready', restored: false, state: 'closed' });
    runtime.say({ kind: 'readiness', readyToInstall: true });
    expect(lane.readiness()).toEqual({ readyToInstall: true });
    expect(changes).toBe(1);

    await start(stationPlan, fakeElectron(), { startUpdates });
    expect(sources[1]!.readiness()).toEqual({ readyToInstall: true });
  });

  it('that fail to start leave the terminal running', async () => {
    const { log, window } = await start(lanePlan, fakeElectron(), {
      startUpdates: () => {
        throw new Error('no feed');
      },
    });
    expect(window.loaded).toEqual([kioskPageUrl]);
    expect(log.find('error', 'updates could not be started; the terminal runs on without them')).toHaveLength(1);
  });
});

describe('a crashed lane runtime', () => {
  const harness = new LaneHarness();
  beforeAll(() => harness.setUpCatalog());
  afterAll(() => harness.removeCatalog());
  beforeEach(() => harness.setUpLaneDir());
  afterEach(() => harness.tearDownLanes());

  /** The kiosk page's end of the bridge, as the preload gives it: IPC messages on one channel. */
  function page(electron: FakeElectron, window: FakeWindow) {
    const contents = window.webContents;
    const messages = new Emitter<string>();
    const onSent = (channel: string, message: string) => {
      if (channel === bridgeChannel) messages.fire(message);
    };
    contents.on('sent', onSent);
    const connection: BridgeConnection = {
      send: (message) => electron.ipcMain.emit(bridgeChannel, { sender: contents, senderFrame: contents.mainFrame }, message),
      onMessage: messages.event,
      onClose: new Emitter<void>().event,
    };
    const client = createServiceClient<LaneService>(connection);
    const views: LaneView[] = [];
    client.onEvent(({ name, payload }) => {
      if (name === 'view') views.push(payload as LaneView);
    });
    return {
      service: client.service,
      views,
      close() {
        contents.off('sent', onSent);
        client.dispose();
      },
    };
  }

  it('is restarted, the page reloads, and the sale resumes from the journal', async () => {
    const processes: InProcessRuntime[] = [];
    const runtimeLog = createRecordingLogger();
    const electron = fakeElectron({
      forkRuntime: () => {
        const child = new InProcessRuntime(() => harness.startLane(), runtimeLog);
        processes.push(child);
        return child;
      },
    });
    const { shell, window, log } = await start(lanePlan, electron, { restartBackoff: { firstMs: 10, maxMs: 50, stableMs: 60_000 } });
    const first = page(electron, window);
    // Asked before the runtime is up: answered once it is.
    expect((await first.service.getView({})).state).toBe('idle');

    processes[0]!.lane!.devices.scanner.emitScan(showcase.milk);
    await vi.waitFor(() => expect(first.views.at(-1)?.itemCount).toBe(1));
    const saleId = first.views.at(-1)!.context.sale!.id;

    await processes[0]!.crash();
    await vi.waitFor(() => expect(window.webContents.reloads).toBe(1));
    first.close();
    expect(log.find('error', 'lane runtime exited')[0]?.fields).toEqual({ code: 134 });
    expect(processes).toHaveLength(2);

    const reloaded = page(electron, window);
    const view = await reloaded.service.getView({});
    expect(view.state).toMatch(/^scanning/);
    expect(view.context.sale?.id).toBe(saleId);
    expect(view.itemCount).toBe(1);
    expect(processes[1]!.lane!.runtime.restored).toBe(true);

    processes[1]!.lane!.devices.scanner.emitScan(showcase.bread);
    await vi.waitFor(() => expect(reloaded.views.at(-1)?.itemCount).toBe(2));
    expect(reloaded.views.at(-1)!.context.sale?.id).toBe(saleId);
    reloaded.close();

    await shell.shutdown();
    expect(processes[1]!.exited).toBe(true);
    expect(processes).toHaveLength(2);
  });

  it('carries a supervisor’s “leave kiosk mode” from the lane to the window', async () => {
    const { ivan } = await import('../lane/laneHarness');
    const processes: InProcessRuntime[] = [];
    const electron = fakeElectron({
      forkRuntime: () => {
        const child = new InProcessRuntime(() => harness.startLane(), createRecordingLogger());
        processes.push(child);
        return child;
      },
    });
    const { shell, window } = await start(lanePlan, electron);
    const kiosk = page(electron, window);
    const send = (event: Parameters<LaneService['sendEvent']>[0]['event']) => kiosk.service.sendEvent({ event });
    expect(await send({ type: 'ui.assistantSignIn', assistantId: ivan.id, pin: ivan.pin })).toEqual({ accepted: true });
    expect(await send({ type: 'ui.assistantCommand', command: { kind: 'startMaintenance' } })).toEqual({ accepted: true });
    expect(window.kiosk).toBe(true);
    expect(await send({ type: 'ui.assistantCommand', command: { kind: 'leaveKiosk' } })).toEqual({ accepted: true });
    await vi.waitFor(() => expect(window.kiosk).toBe(false));
    expect(await send({ type: 'ui.assistantCommand', command: { kind: 'endMaintenance' } })).toEqual({ accepted: true });
    await vi.waitFor(() => expect(window.kiosk).toBe(true));
    kiosk.close();
    await shell.shutdown();
  });
});
