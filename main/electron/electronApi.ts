import type { CertificateCheck } from './storeCertificate';

/**
 * The slice of Electron's main-process API the shell uses, as narrow interfaces. Every shell
 * module takes these injected, so it runs under plain Node with fakes in the tests (Electron's
 * binary cannot be downloaded on the build machines); main.ts hands in the real `electron`
 * objects, and the type check proves they fit.
 */

/** An Electron event a handler may cancel. */
export interface PreventableEvent {
  preventDefault(): void;
}

/** A navigation about to happen (`will-navigate`, `will-redirect`, `will-frame-navigate`). */
export interface NavigationEvent extends PreventableEvent {
  readonly url: string;
  readonly isMainFrame?: boolean;
}

/** A key press seen before the page gets it (`before-input-event`). */
export interface KeyInput {
  readonly type: string;
  readonly key: string;
  readonly control: boolean;
  readonly meta: boolean;
  readonly alt: boolean;
  readonly shift: boolean;
}

export interface FrameLike {
  readonly url: string;
}

/** One page's web contents: what the lockdown, the watchdog and the IPC relay touch. */
export interface ContentsLike {
  readonly mainFrame: FrameLike;
  on(event: 'will-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'before-input-event', listener: (event: PreventableEvent, input: KeyInput) => void): unknown;
  on(event: 'render-process-gone', listener: (event: unknown, details: { readonly reason: string; readonly exitCode: number }) => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
  on(event: 'did-fail-load', listener: (event: unknown, errorCode: number, errorDescription: string, validatedURL: string, isMainFrame: boolean) => void): unknown;
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void;
  send(channel: string, message: string): void;
  reload(): void;
  forcefullyCrashRenderer(): void;
  isDestroyed(): boolean;
  setVisualZoomLevelLimits(minimumLevel: number, maximumLevel: number): Promise<void>;
}

export interface WindowLike {
  readonly webContents: ContentsLike;
  on(event: 'unresponsive', listener: () => void): unknown;
  on(event: 'responsive', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  loadURL(url: string): Promise<void>;
  setMenu(menu: null): void;
  setKiosk(flag: boolean): void;
  isKiosk(): boolean;
  setFullScreen(flag: boolean): void;
  maximize(): void;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
}

/** The headers Electron lets a handler change on a response (`webRequest.onHeadersReceived`). */
export interface HeadersReceived {
  readonly url: string;
  readonly responseHeaders?: Record<string, string[]>;
}

export interface SessionLike {
  readonly webRequest: {
    onHeadersReceived(listener: (details: HeadersReceived, callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void) => void): void;
  };
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string, requestingOrigin: string) => boolean): void;
  on(event: 'will-download', listener: (event: PreventableEvent, item: { getURL(): string }) => void): unknown;
  setCertificateVerifyProc(proc: (request: CertificateCheck, callback: (verdict: number) => void) => void): void;
}

export interface AppLike {
  readonly isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  enableSandbox(): void;
  whenReady(): Promise<void>;
  quit(): void;
  exit(exitCode?: number): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: ContentsLike) => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
}

export interface PowerSaveBlockerLike {
  start(type: 'prevent-display-sleep'): number;
  stop(id: number): boolean;
}

/** What `ipcMain` hands a listener: who sent the message, and from which frame. */
export interface IpcSenderEvent {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): unknown;
  off(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): unknown;
}

/** A utility process (`utilityProcess.fork`): the lane runtime, off the main thread. */
export interface RuntimeProcessLike {
  readonly pid?: number | undefined;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}
