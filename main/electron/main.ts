// The Electron shell: it only makes the kiosk window safe and connects it to a lane.
//   --config <file>  host the lane runtime in this process; the page talks to it over IPC.
//   --lane-url <url> show a lane that runs elsewhere (the demo), over its WebSocket bridge.
// Everything else — devices, statechart, journal — is the plain-Node lane runtime.
import { app, BrowserWindow, powerSaveBlocker, session, type WebContents } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { laneEvents } from '../../shared/bridge/laneService';
import { laneServiceSchema } from '../../shared/bridge/laneServiceSchema';
import { eventMessage } from '../../shared/bridge/rpc';
import { serveConnection } from '../../shared/bridge/rpcServer';
import { loadLaneConfig } from '../config/laneConfig';
import { startLane, type RunningLane } from '../lane/startLane';
import { createLogger } from '../log/logger';
import { ipcConnection } from './ipcConnection';

const rendererDir = join(__dirname, '..', 'renderer');
const rendererEntry = pathToFileURL(join(rendererDir, 'index.html')).href;

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const configFile = argument('--config');
const laneUrl = argument('--lane-url');
const log = createLogger({ bindings: { component: 'electron' } });

/** Where the kiosk window may be: our packaged page, or the one lane URL we were given. */
function isTrustedUrl(url: string): boolean {
  if (laneUrl) return url.startsWith(new URL(laneUrl).origin + '/');
  return url.startsWith(pathToFileURL(rendererDir).href + '/');
}

// One Lanewise per terminal: a second start (a double click, a restarted autostart) focuses the first.
if (!app.requestSingleInstanceLock()) app.quit();
app.enableSandbox();

app.on('web-contents-created', (_event, contents) => lockDown(contents));

function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url)) {
      event.preventDefault();
      log.warn({ url }, 'navigation blocked');
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    log.warn({ url }, 'new window blocked');
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  if (app.isPackaged) {
    // No DevTools or reload shortcuts for shoppers.
    contents.on('before-input-event', (event, input) => {
      const key = input.key.toLowerCase();
      if (key === 'f12' || key === 'f5' || ((input.control || input.meta) && ['r', 'i', 'j'].includes(key))) event.preventDefault();
    });
  }
}

async function createKioskWindow(): Promise<void> {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn({ permission }, 'permission request denied');
    callback(false);
  });
  session.defaultSession.setPermissionCheckHandler(() => false);

  const window = new BrowserWindow({
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: !app.isPackaged,
      spellcheck: false,
    },
  });
  window.setMenu(null);
  // A self-checkout screen must never go dark while the store is open.
  powerSaveBlocker.start('prevent-display-sleep');

  let lane: RunningLane | undefined;
  if (configFile) {
    lane = await startLane(loadLaneConfig(configFile), { staticDir: rendererDir, serve: false, log });
    const connection = ipcConnection(window.webContents, isTrustedUrl, log);
    serveConnection(connection, lane.runtime.service, laneServiceSchema, (reason) => log.warn({ code: reason.code, detail: reason.message }, 'bridge message refused'));
    lane.runtime.onView((view) => connection.send(eventMessage(laneEvents.view, view)));
    await window.loadURL(rendererEntry);
  } else if (laneUrl) {
    await window.loadURL(laneUrl);
  } else {
    log.error({}, 'start with --config <lane.json> or --lane-url <url>');
    app.quit();
    return;
  }
  // A crashed or hung page is reloaded: the sale lives in the lane, not in the page.
  window.webContents.on('render-process-gone', (_event, details) => {
    log.error({ reason: details.reason }, 'kiosk page crashed; reloading');
    window.reload();
  });
  window.on('unresponsive', () => {
    log.error({}, 'kiosk page unresponsive; reloading');
    window.webContents.forcefullyCrashRenderer();
    window.reload();
  });
  app.on('before-quit', () => void lane?.stop());
}

app.whenReady().then(createKioskWindow, (error: unknown) => {
  log.error({ error: String(error) }, 'kiosk failed to start');
  app.exit(1);
});
