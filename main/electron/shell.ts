import type { BrowserWindowConstructorOptions } from 'electron';
import type { Logger } from '../../shared/log';
import { kioskPageHandler, kioskPageUrl, kioskScheme, registerKioskScheme } from './appProtocol';
import type { AppLike, IpcMainLike, PowerSaveBlockerLike, ProtocolLike, RuntimeProcessLike, SessionLike, WindowLike } from './electronApi';
import { relayBridge } from './ipcRelay';
import { keepDisplayAwakeWhileOpen } from './keepAwake';
import { contentSecurityPolicy, lockDownContents, lockDownSession } from './lockdown';
import { appPageOrigin, networkPageOrigin, type PageOrigin } from './pageOrigin';
import { watchRenderer } from './rendererWatchdog';
import { RuntimeHost, type RestartBackoff } from './runtimeHost';
import { claimSingleInstance } from './singleInstance';
import { storeCertificateVerifier } from './storeCertificate';
import { kioskWindowOptions, stationWindowOptions } from './windowOptions';

/** What this terminal shows, from its configuration (or the demo's `--lane-url`). */
export type ShellPlan =
  /** A lane: the kiosk page served by the shell, the lane runtime in a utility process. */
  | { readonly kind: 'lane'; readonly isOpen: (at: Date) => boolean }
  /** A supervisor's desk: the station page of the hub, in a normal window. */
  | { readonly kind: 'station'; readonly stationUrl: string; readonly caPem?: string | undefined; readonly isOpen: (at: Date) => boolean }
  /** The demo: a lane that runs elsewhere, its page and WebSocket bridge in the kiosk window. */
  | { readonly kind: 'remoteLane'; readonly laneUrl: string };

/** Electron, injected: main.ts passes the real modules, tests pass fakes. */
export interface ShellElectron {
  readonly app: AppLike;
  readonly createWindow: (options: BrowserWindowConstructorOptions) => WindowLike;
  /** `session.defaultSession` (only usable once the app is ready). */
  readonly session: () => SessionLike;
  readonly ipcMain: IpcMainLike;
  readonly powerSaveBlocker: PowerSaveBlockerLike;
  readonly protocol: ProtocolLike;
  /** `utilityProcess.fork` of the bundled lane runtime (`runtime.cjs`). */
  readonly forkRuntime: () => RuntimeProcessLike;
}

/** Whether an update may install now, for `startUpdates` (main/electron/updates.ts). */
export interface ReadinessSource {
  readonly readiness: () => { readonly readyToInstall: boolean };
  readonly onReadinessChange: (listener: () => void) => () => void;
}

export interface ShellOptions {
  readonly log: Logger;
  /** The built kiosk page (`dist/renderer`) and the sandboxed preload (`preload.cjs`). */
  readonly rendererDir: string;
  readonly preload: string;
  readonly now?: () => Date;
  readonly restartBackoff?: RestartBackoff;
  /** Starts electron-updater's checks; the shell says when the lane is ready to install. */
  readonly startUpdates?: (readiness: ReadinessSource) => { stop(): void };
}

export interface RunningShell {
  readonly window: WindowLike;
  readonly runtime: RuntimeHost | undefined;
  readonly origin: PageOrigin;
  /** Stops the runtime gracefully and everything else the shell started (what quitting does). */
  shutdown(): Promise<void>;
}

/** A page from the network that did not load (the hub restarting, a cable) is tried again this often. */
export const reloadAfterFailedLoadMs = 5_000;

function originOf(plan: ShellPlan): PageOrigin {
  if (plan.kind === 'lane') return appPageOrigin(kioskPageUrl);
  return networkPageOrigin(plan.kind === 'station' ? plan.stationUrl : plan.laneUrl);
}

/**
 * The Electron shell, composed: one instance per terminal, sandboxed renderers, every web
 * contents locked to its page, the window the configuration asks for, and for a lane the
 * runtime in a utility process with the page's bridge relayed to it. Resolves undefined in a
 * second instance, which quits.
 */
export async function startShell(electron: ShellElectron, plan: ShellPlan, options: ShellOptions): Promise<RunningShell | undefined> {
  const { app } = electron;
  const { log } = options;
  const origin = originOf(plan);
  const isPackaged = app.isPackaged;
  const kiosk = plan.kind !== 'station';
  // Set once the window exists; a second start before then has nothing to bring forward.
  let window: WindowLike | undefined = undefined;

  if (!claimSingleInstance(app, () => window, log)) return undefined;
  app.enableSandbox();
  if (plan.kind === 'lane') registerKioskScheme(electron.protocol);
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, { origin, isPackaged, kiosk, log }));

  await app.whenReady();
  const session = electron.session();
  lockDownSession(session, { origin, log });
  if (plan.kind === 'lane') electron.protocol.handle(kioskScheme, kioskPageHandler(options.rendererDir, contentSecurityPolicy(origin), log));
  if (plan.kind === 'station' && plan.caPem) {
    const verify = storeCertificateVerifier({ host: new URL(plan.stationUrl).hostname, caPem: plan.caPem, log });
    session.setCertificateVerifyProc((request, callback) => callback(verify(request)));
  }

  const shown = electron.createWindow(
    plan.kind === 'station' ? stationWindowOptions({ isPackaged }) : kioskWindowOptions({ isPackaged, preload: plan.kind === 'lane' ? options.preload : undefined }),
  );
  window = shown;
  shown.setMenu(null);
  if (plan.kind === 'station') shown.maximize();
  shown.show();

  let quitting = false;
  const watchdog = watchRenderer(shown, { log, isQuitting: () => quitting });
  // Alt+F4, a window manager's close button: a kiosk window stays (quitting is for the system).
  shown.on('close', (event) => {
    if (quitting || !shown.isKiosk()) return;
    event.preventDefault();
    log.warn({}, 'closing the kiosk window refused');
  });
  app.on('window-all-closed', () => app.quit());
  if (plan.kind !== 'lane') {
    shown.webContents.on('did-fail-load', (_event, errorCode, errorDescription, url, isMainFrame) => {
      if (!isMainFrame || quitting) return;
      log.warn({ url, errorCode, errorDescription, retryInMs: reloadAfterFailedLoadMs }, 'page did not load; trying again');
      setTimeout(() => {
        if (!quitting && !shown.isDestroyed()) shown.loadURL(origin.startUrl).catch(() => undefined);
      }, reloadAfterFailedLoadMs);
    });
  }

  const runtime = plan.kind === 'lane' ? hostRuntime(electron, shown, origin, options) : undefined;
  const awake = plan.kind === 'remoteLane' ? undefined : keepDisplayAwakeWhileOpen({ powerSaveBlocker: electron.powerSaveBlocker, isOpen: plan.isOpen, now: options.now, log });
  const updates = plan.kind === 'remoteLane' ? undefined : startUpdatesSafely(options, runtime, log);

  let stopped: Promise<void> | undefined;
  const shutdown = () => {
    quitting = true;
    stopped ??= (async () => {
      watchdog.dispose();
      awake?.stop();
      updates?.stop();
      await runtime?.host.stop();
      runtime?.dispose();
      log.info({}, 'shell stopped');
    })();
    return stopped;
  };
  // Quitting waits for the runtime to close its journal and devices.
  let stoppedCleanly = false;
  app.on('before-quit', (event) => {
    quitting = true;
    if (stoppedCleanly) return;
    event.preventDefault();
    void shutdown().finally(() => {
      stoppedCleanly = true;
      app.quit();
    });
  });

  shown.loadURL(origin.startUrl).catch((error: unknown) => log.error({ url: origin.startUrl, error: String(error) }, 'page did not load'));
  log.info({ kind: plan.kind, url: origin.startUrl, packaged: isPackaged }, 'shell started');
  return { window: shown, runtime: runtime?.host, origin, shutdown };
}

/** The lane runtime in its utility process, the page's bridge relayed to it, and its requests to the window. */
function hostRuntime(electron: ShellElectron, window: WindowLike, origin: PageOrigin, options: ShellOptions): { host: RuntimeHost; dispose(): void } {
  const { log } = options;
  const host = new RuntimeHost({ fork: electron.forkRuntime, log, backoff: options.restartBackoff });
  const relay = relayBridge({ ipcMain: electron.ipcMain, contents: window.webContents, origin, toRuntime: (message) => host.send(message), log });
  host.onBridgeMessage((message) => relay.toPage(message));
  host.onReady(({ restarted }) => {
    // The page's calls to the runtime that died are lost: it starts again and asks for the view.
    if (restarted && !window.isDestroyed()) {
      log.info({}, 'lane runtime back; reloading the page');
      window.webContents.reload();
    }
  });
  host.onKiosk(({ on, by }) => {
    if (window.isDestroyed() || window.isKiosk() === on) return;
    window.setKiosk(on);
    window.setFullScreen(on);
    if (on) log.info({}, 'kiosk mode on again');
    else log.warn({ assistantId: by?.id, role: by?.role }, 'kiosk mode off, for maintenance');
  });
  host.start();
  return { host, dispose: () => relay.dispose() };
}

function startUpdatesSafely(options: ShellOptions, runtime: { host: RuntimeHost } | undefined, log: Logger): { stop(): void } | undefined {
  if (!options.startUpdates) return undefined;
  // A station has no sale to interrupt: it is always ready.
  const readiness: ReadinessSource = runtime
    ? {
        readiness: () => ({ readyToInstall: runtime.host.readyToInstall }),
        onReadinessChange: (listener) => {
          const subscription = runtime.host.onReadinessChange(listener);
          return () => subscription.dispose();
        },
      }
    : { readiness: () => ({ readyToInstall: true }), onReadinessChange: () => () => undefined };
  try {
    return options.startUpdates(readiness);
  } catch (error) {
    log.error({ error: String(error) }, 'updates could not be started; the terminal runs on without them');
    return undefined;
  }
}
