import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * The two windows a terminal shows, as plain data: the shopper's kiosk on a lane, the
 * supervisor station on a desk. Both get the same locked-down web preferences (Electron's
 * security checklist); tests assert them item by item.
 */

/** The kiosk page's own background (`--page` in renderer/styles.css), shown before it paints: no flash at start or reload. */
export const kioskBackgroundColour = '#eef1f3';

export interface WindowBuild {
  /** `app.isPackaged`: DevTools exist only in a developer's build. */
  readonly isPackaged: boolean;
}

/**
 * The checklist's renderer settings. `preload` is the bridge's only door (the kiosk's; the
 * station needs none: it talks to the hub over its own WebSocket).
 */
export function secureWebPreferences(build: WindowBuild, preload?: string | undefined): WebPreferences {
  return {
    ...(preload ? { preload } : {}),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    devTools: !build.isPackaged,
  };
}

/** The shopper's screen: kiosk mode (full screen, no way out), no menu, our colour behind the page. */
export function kioskWindowOptions(build: WindowBuild & { readonly preload?: string | undefined }): BrowserWindowConstructorOptions {
  return {
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    // Framed: kiosk mode hides the frame, and out of kiosk mode (maintenance) store IT can move and close it.
    backgroundColor: kioskBackgroundColour,
    show: false,
    webPreferences: secureWebPreferences(build, build.preload),
  };
}

/** The supervisor's station: a normal window, maximised once shown, without a menu. */
export function stationWindowOptions(build: WindowBuild): BrowserWindowConstructorOptions {
  return {
    kiosk: false,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    width: 1280,
    height: 800,
    show: false,
    webPreferences: secureWebPreferences(build),
  };
}
