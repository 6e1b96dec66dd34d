import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { AppLike, ContentsLike, HeadersReceived, IpcMainLike, PowerSaveBlockerLike, ProtocolLike, RuntimeProcessLike, SessionLike, WindowLike } from '../../../main/electron/electronApi';
import type { ShellElectron } from '../../../main/electron/shell';
import type { CertificateCheck } from '../../../main/electron/storeCertificate';

/**
 * Electron's main-process objects as plain Node fakes: event emitters that record what the
 * shell did to them. Electron's binary cannot be downloaded here, so these stand in for it.
 */

/** An event a handler may cancel, remembering whether it did. */
export function preventable<T extends object>(fields: T = {} as T): T & { defaultPrevented: boolean; preventDefault(): void } {
  return Object.assign(
    {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    },
    fields,
  );
}

export class FakeContents extends EventEmitter implements ContentsLike {
  readonly mainFrame: { url: string };
  readonly sent: [string, string][] = [];
  reloads = 0;
  crashes = 0;
  destroyed = false;
  windowOpenHandler: ((details: { readonly url: string }) => { action: 'deny' }) | undefined;
  zoomLimits: [number, number] | undefined;

  constructor(url = 'lanewise://kiosk/index.html') {
    super();
    this.mainFrame = { url };
  }

  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, message: string): void {
    this.sent.push([channel, message]);
    this.emit('sent', channel, message);
  }

  reload(): void {
    this.reloads++;
    this.emit('reloaded');
  }

  /** As Electron: the renderer is gone, reported as killed. */
  forcefullyCrashRenderer(): void {
    this.crashes++;
    this.emit('render-process-gone', preventable(), { reason: 'killed', exitCode: 9 });
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  async setVisualZoomLevelLimits(minimumLevel: number, maximumLevel: number): Promise<void> {
    this.zoomLimits = [minimumLevel, maximumLevel];
  }

  /** Fires a navigation event and says whether the shell let it happen. */
  navigate(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', url: string, isMainFrame = true): boolean {
    const details = preventable({ url, isMainFrame });
    this.emit(event, details, url);
    return !details.defaultPrevented;
  }

  /** Presses a key and says whether the page would get it. */
  press(input: Partial<{ key: string; control: boolean; meta: boolean; alt: boolean; shift: boolean }>): boolean {
    const event = preventable();
    this.emit('before-input-event', event, { type: 'keyDown', key: '', control: false, meta: false, alt: false, shift: false, ...input });
    return !event.defaultPrevented;
  }
}

export class FakeWindow extends EventEmitter implements WindowLike {
  readonly webContents: FakeContents;
  readonly loaded: string[] = [];
  kiosk: boolean;
  fullScreen: boolean;
  menu: null | 'default' = 'default';
  maximized = false;
  shown = false;
  focused = 0;
  minimized = false;
  destroyed = false;

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    this.kiosk = options.kiosk === true;
    this.fullScreen = options.fullscreen === true;
    this.webContents = new FakeContents('about:blank');
  }

  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.webContents.mainFrame.url = url;
  }

  setMenu(menu: null): void {
    this.menu = menu;
  }

  setKiosk(flag: boolean): void {
    this.kiosk = flag;
  }

  isKiosk(): boolean {
    return this.kiosk;
  }

  setFullScreen(flag: boolean): void {
    this.fullScreen = flag;
  }

  maximize(): void {
    this.maximized = true;
  }

  show(): void {
    this.shown = true;
  }

  focus(): void {
    this.focused++;
  }

  restore(): void {
    this.minimized = false;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** A close from the window manager (Alt+F4, the close button): true when the shell let it close. */
  tryClose(): boolean {
    const event = preventable();
    this.emit('close', event);
    return !event.defaultPrevented;
  }
}

type HeadersListener = (details: HeadersReceived, callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void) => void;

export class FakeSession extends EventEmitter implements SessionLike {
  headersListener: HeadersListener | undefined;
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  permissionCheckHandler: ((contents: unknown, permission: string, requestingOrigin: string) => boolean) | undefined;
  certificateVerifyProc: ((request: CertificateCheck, callback: (verdict: number) => void) => void) | undefined;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
  };

  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler;
  }

  setCertificateVerifyProc(proc: FakeSession['certificateVerifyProc']): void {
    this.certificateVerifyProc = proc;
  }

  /** The headers a response to `url` ends up with. */
  headersFor(url: string, responseHeaders?: Record<string, string[]>): Record<string, string | string[]> | undefined {
    let result: Record<string, string | string[]> | undefined;
    this.headersListener?.({ url, responseHeaders }, (response) => (result = response.responseHeaders));
    return result;
  }

  askPermission(permission: string): boolean | undefined {
    let granted: boolean | undefined;
    this.permissionRequestHandler?.(null, permission, (answer) => (granted = answer));
    return granted;
  }
}

export class FakeApp extends EventEmitter implements AppLike {
  quits = 0;
  exitCode: number | undefined;
  sandboxed = false;
  ready = false;
  /** What happened, in order: the shell must do some things before the app is ready. */
  readonly steps: string[] = [];

  constructor(
    readonly isPackaged = true,
    readonly gotLock = true,
  ) {
    super();
  }

  requestSingleInstanceLock(): boolean {
    this.steps.push('lock');
    return this.gotLock;
  }

  enableSandbox(): void {
    this.steps.push('sandbox');
    this.sandboxed = true;
  }

  async whenReady(): Promise<void> {
    this.steps.push('ready');
    this.ready = true;
  }

  /** As Electron: before-quit first (which may be cancelled), then the app ends. */
  quit(): void {
    this.quits++;
    const event = preventable();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.steps.push('quit');
  }

  exit(exitCode = 0): void {
    this.exitCode = exitCode;
  }
}

export class FakePowerSaveBlocker implements PowerSaveBlockerLike {
  readonly active = new Set<number>();
  #next = 1;

  start(): number {
    const id = this.#next++;
    this.active.add(id);
    return id;
  }

  stop(id: number): boolean {
    return this.active.delete(id);
  }
}

export class FakeIpcMain extends EventEmitter implements IpcMainLike {}

export class FakeProtocol implements ProtocolLike {
  readonly privileged: { scheme: string; privileges: Record<string, boolean> }[] = [];
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();

  constructor(private readonly app?: FakeApp) {}

  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void {
    if (this.app?.ready) throw new Error('registerSchemesAsPrivileged after ready');
    this.privileged.push(...schemes);
  }

  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    this.handlers.set(scheme, handler);
  }
}

/** A utility process that does nothing by itself: the test plays the runtime's part. */
export class FakeRuntimeProcess extends EventEmitter implements RuntimeProcessLike {
  static nextPid = 1000;
  readonly pid = FakeRuntimeProcess.nextPid++;
  readonly received: unknown[] = [];
  killed = false;
  exited = false;

  postMessage(message: unknown): void {
    this.received.push(message);
  }

  kill(): boolean {
    this.killed = true;
    this.exit(143);
    return true;
  }

  /** The process ends (crash, kill or clean stop). */
  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('exit', code);
  }

  /** A message from the runtime to main. */
  say(message: unknown): void {
    this.emit('message', message);
  }
}

export interface FakeElectron extends ShellElectron {
  readonly app: FakeApp;
  readonly windows: FakeWindow[];
  readonly sessionObject: FakeSession;
  readonly ipcMain: FakeIpcMain;
  readonly powerSaveBlocker: FakePowerSaveBlocker;
  readonly protocol: FakeProtocol;
  /** Every runtime process forked so far, newest last. */
  readonly forked: RuntimeProcessLike[];
}

export function fakeElectron(options: { isPackaged?: boolean; gotLock?: boolean; forkRuntime?: () => RuntimeProcessLike } = {}): FakeElectron {
  const app = new FakeApp(options.isPackaged ?? true, options.gotLock ?? true);
  const windows: FakeWindow[] = [];
  const sessionObject = new FakeSession();
  const forked: RuntimeProcessLike[] = [];
  const fork = options.forkRuntime ?? (() => new FakeRuntimeProcess());
  return {
    app,
    windows,
    sessionObject,
    createWindow: (windowOptions) => {
      const window = new FakeWindow(windowOptions);
      windows.push(window);
      // As Electron: every new web contents is announced to the app.
      app.emit('web-contents-created', preventable(), window.webContents);
      return window;
    },
    session: () => sessionObject,
    ipcMain: new FakeIpcMain(),
    powerSaveBlocker: new FakePowerSaveBlocker(),
    protocol: new FakeProtocol(app),
    forked,
    forkRuntime: () => {
      const child = fork();
      forked.push(child);
      return child;
    },
  };
}
