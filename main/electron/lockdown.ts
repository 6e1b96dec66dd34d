import type { Logger } from '../../shared/log';
import type { ContentsLike, KeyInput, SessionLike } from './electronApi';
import type { PageOrigin } from './pageOrigin';

/**
 * What keeps a shopper (or a page that went wrong) inside the one page: the CSP on every
 * response, no permissions, no navigation or new windows, no webviews, no downloads, and in a
 * packaged build no DevTools, reload or close shortcuts.
 */

/** The page's Content-Security-Policy: its own files, and a WebSocket to its bridge when it has one. */
export function contentSecurityPolicy(origin: Pick<PageOrigin, 'connectSources'>): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...origin.connectSources].join(' ')}`,
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The response headers with our CSP added beside any the server sent: a browser enforces both. */
export function withContentSecurityPolicy(headers: Record<string, string[]> | undefined, csp: string): Record<string, string[]> {
  const result: Record<string, string[]> = { ...headers };
  const key = Object.keys(result).find((name) => name.toLowerCase() === 'content-security-policy') ?? 'Content-Security-Policy';
  result[key] = [...(result[key] ?? []), csp];
  return result;
}

/**
 * The session's part: our CSP on every response from the page's origin, and every permission
 * (camera, notifications, HID, serial, clipboard…) and download refused and logged.
 */
export function lockDownSession(session: SessionLike, options: { readonly origin: PageOrigin; readonly log: Logger }): void {
  const { origin, log } = options;
  const csp = contentSecurityPolicy(origin);
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!origin.contains(details.url)) return callback({});
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, csp) });
  });
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn({ permission }, 'permission request denied');
    callback(false);
  });
  // Checks come often (every feature probe); each kind is logged once.
  const checked = new Set<string>();
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => {
    const key = `${permission} ${requestingOrigin}`;
    if (!checked.has(key)) {
      checked.add(key);
      log.info({ permission, origin: requestingOrigin }, 'permission check denied');
    }
    return false;
  });
  session.on('will-download', (event, item) => {
    event.preventDefault();
    log.warn({ url: item.getURL() }, 'download blocked');
  });
}

/**
 * Shortcuts a packaged build never lets through: DevTools and reload anywhere; in the kiosk also
 * closing, quitting, printing, saving, new windows, zoom and full screen (the station is a normal
 * window: a supervisor may close or zoom it).
 */
export function blockedShortcut(input: KeyInput, options: { readonly kiosk: boolean }): string | undefined {
  const key = input.key.toLowerCase();
  const command = input.control || input.meta;
  if (key === 'f12' || key === 'f5') return key.toUpperCase();
  if (command && input.shift && ['i', 'j', 'c', 'r'].includes(key)) return `Ctrl+Shift+${key.toUpperCase()}`;
  if (input.meta && input.alt && ['i', 'j', 'c'].includes(key)) return `Cmd+Alt+${key.toUpperCase()}`;
  if (command && key === 'r') return 'Ctrl+R';
  if (!options.kiosk) return undefined;
  if (key === 'f11' || key === 'f7') return key.toUpperCase();
  if (input.alt && key === 'f4') return 'Alt+F4';
  if (command && ['w', 'f4', 'q', 'p', 's', 'o', 'n', 't', 'u', '+', '=', '-', '0'].includes(key)) return `Ctrl+${key.toUpperCase()}`;
  return undefined;
}

export interface ContentsLockdownOptions {
  /** Where this page may be; navigation anywhere else is refused. */
  readonly origin: PageOrigin;
  /** Shortcuts are blocked in packaged builds; a developer's build keeps DevTools. */
  readonly isPackaged: boolean;
  /** The shopper's kiosk (more is blocked) rather than the supervisor station. */
  readonly kiosk: boolean;
  readonly log: Logger;
}

/**
 * Locks one web contents to its page. Applied by `app.on('web-contents-created')` to every
 * contents Electron creates, so nothing (a window the page tried to open, a webview) escapes it.
 */
export function lockDownContents(contents: ContentsLike, options: ContentsLockdownOptions): void {
  const { origin, log } = options;
  const guard = (kind: string) => (event: { preventDefault(): void; readonly url: string; readonly isMainFrame?: boolean }) => {
    if (origin.contains(event.url)) return;
    event.preventDefault();
    log.warn({ url: event.url, kind, mainFrame: event.isMainFrame }, 'navigation blocked');
  };
  contents.on('will-navigate', guard('navigate'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-frame-navigate', guard('frame'));
  contents.setWindowOpenHandler(({ url }) => {
    log.warn({ url }, 'new window blocked');
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn({}, 'webview blocked');
  });
  // No pinch zoom: a shopper's two fingers must not leave the page half off screen.
  if (options.kiosk) {
    contents.on('did-finish-load', () => {
      contents.setVisualZoomLevelLimits(1, 1).catch(() => undefined);
    });
  }
  if (options.isPackaged) {
    contents.on('before-input-event', (event, input) => {
      const shortcut = blockedShortcut(input, options);
      if (!shortcut) return;
      event.preventDefault();
      if (input.type === 'keyDown') log.info({ shortcut }, 'shortcut blocked');
    });
  }
}
