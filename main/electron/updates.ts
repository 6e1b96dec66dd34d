import { readFileSync } from 'node:fs';
import type { Logger } from '../../shared/log';
import type { UpdatesConfig } from '../config/terminalConfig';
import { storeCertificateVerifier, type CertificateCheck } from './storeCertificate';

/**
 * Updates from the store server's feed (main/store/updateFiles.ts) with electron-updater's
 * generic provider: checked on a timer, downloaded in the background, installed only when the
 * lane is idle and closed for sales — never in the middle of a sale.
 *
 * What electron-updater guarantees (electron-updater 6.8, read in its source):
 * - every download is checked against the SHA-512 in the update info before it is used
 *   (a mismatch is an `error` event; the file is thrown away and fetched again next time);
 * - on Windows the installer's Authenticode signature must name `publisherName`
 *   (electron-builder.yml, win.signtoolOptions; read from app-update.yml) before it runs;
 * - staged rollout: an update info with `stagingPercentage: N` is offered to an install when
 *   the last 4 bytes of its random id (a UUID kept in `<userData>/.updaterId`, made on the first
 *   check and kept across updates and reinstalls) read as a fraction of 2³²−1 fall below N/100 —
 *   so the same lanes stay in as the percentage grows, and raising it only adds lanes;
 * - it never installs a version equal to the running one, and with allowDowngrade off never a
 *   lower one: a rollback is the previous build published with a higher version.
 * On Linux (AppImage, deb) nothing checks a signature: the update info's SHA-512 is all there
 * is, so the feed must be HTTPS with the store's CA (`updates.caFile`), trusted here for the
 * feed's host only.
 */

export interface LaneReadiness {
  /** true when no sale is in progress and the lane is closed for sales (or a supervisor terminal) */
  readonly readyToInstall: boolean;
}

/** What electron-updater says about a version (its UpdateInfo, as far as used here). */
export interface UpdateVersionInfo {
  readonly version: string;
  /** A per-machine NSIS build's latest.yml marks its installer: it runs through elevate.exe (a UAC prompt). */
  readonly files?: readonly { readonly isAdminRightsRequired?: boolean }[];
}

/** electron-updater's logger shape: its own messages go into the terminal's log. */
export interface UpdaterLoggerLike {
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
  debug?(message: string): void;
}

/** The session electron-updater downloads through (`autoUpdater.netSession`). */
export interface UpdaterSessionLike {
  setCertificateVerifyProc(proc: ((request: CertificateCheck, callback: (verificationResult: number) => void) => void) | null): void;
}

/** The slice of electron-updater's `autoUpdater` used here; main.ts hands in the real one. */
export interface AutoUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  requestHeaders: Record<string, string | number | readonly string[] | undefined> | null;
  logger: UpdaterLoggerLike | null;
  readonly currentVersion: { readonly version: string };
  readonly netSession: UpdaterSessionLike;
  setFeedURL(options: { provider: 'generic'; url: string; useMultipleRangeRequest: boolean }): void;
  checkForUpdates(): Promise<{ readonly isUpdateAvailable: boolean; readonly updateInfo: UpdateVersionInfo; readonly downloadPromise?: Promise<unknown> | null } | null>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-available', listener: (info: UpdateVersionInfo) => void): unknown;
  on(event: 'update-not-available', listener: (info: UpdateVersionInfo) => void): unknown;
  on(event: 'update-downloaded', listener: (info: UpdateVersionInfo) => void): unknown;
  on(event: 'error', listener: (error: Error, message?: string) => void): unknown;
  removeListener(event: 'update-available' | 'update-not-available' | 'update-downloaded', listener: (info: UpdateVersionInfo) => void): unknown;
  removeListener(event: 'error', listener: (error: Error, message?: string) => void): unknown;
}

export type UpdatePhase = 'disabled' | 'idle' | 'checking' | 'downloading' | 'waitingForLane' | 'installing' | 'stopped';

export interface UpdateStatus {
  readonly phase: UpdatePhase;
  readonly channel?: UpdatesConfig['channel'];
  /** The folder electron-updater reads latest.yml / latest-linux.yml from. */
  readonly feedUrl?: string;
  readonly currentVersion?: string;
  /** The newest version the feed offers this install (after the staged rollout's cut). */
  readonly offeredVersion?: string;
  /** Downloaded and checked, waiting for the lane to be idle and closed. */
  readonly downloadedVersion?: string;
  readonly lastCheckAt?: number;
  readonly lastError?: { readonly at: number; readonly message: string; readonly code?: string };
}

export interface RunningUpdates {
  stop(): void;
  status(): UpdateStatus;
  /** Checks now (the timer does it every `checkEveryMs`); resolves when the check and any download end. */
  checkNow(): Promise<void>;
}

export interface StartUpdatesOptions {
  readonly autoUpdater: AutoUpdaterLike;
  readonly config: UpdatesConfig | undefined;
  readonly readiness: () => LaneReadiness;
  readonly onReadinessChange: (listener: () => void) => () => void;
  readonly log: Logger;
  readonly now?: () => number;
  /** Between checks; an hour by default. */
  readonly checkEveryMs?: number;
  /** Before the first check, so a terminal starts its lane before it downloads anything; a minute by default. */
  readonly firstCheckAfterMs?: number;
  /** Sent with every feed request: the lane's store credentials (`storeRequestHeaders`). */
  readonly requestHeaders?: Readonly<Record<string, string>> | undefined;
}

export const defaultCheckEveryMs = 60 * 60 * 1000;
export const defaultFirstCheckAfterMs = 60 * 1000;

/** The channel's folder on the store server: `<updates.url>/<channel>/`. */
export function updateFeedUrl(config: UpdatesConfig): string {
  return `${config.url.replace(/\/+$/u, '')}/${config.channel}/`;
}

/** The store server takes the feed, like everything else, only from a provisioned lane with its token. */
export function storeRequestHeaders(lane: { readonly laneId: string; readonly store?: { readonly laneToken: string } | undefined }): Record<string, string> | undefined {
  if (!lane.store) return undefined;
  return { authorization: `Bearer ${lane.store.laneToken}`, 'x-lanewise-lane': lane.laneId };
}

/** electron-updater's errors carry a code (ERR_UPDATER_…) and, for HTTP, a status code. */
function describeError(error: unknown): { message: string; code?: string; statusCode?: number } {
  const message = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 500) : String(error);
  const fields = error as { code?: unknown; statusCode?: unknown } | null;
  return {
    message,
    ...(typeof fields?.code === 'string' ? { code: fields.code } : {}),
    ...(typeof fields?.statusCode === 'number' ? { statusCode: fields.statusCode } : {}),
  };
}

function updaterLogger(log: Logger): UpdaterLoggerLike {
  const text = (message: unknown) => (message instanceof Error ? message.message : String(message));
  return {
    info: (message) => log.info({ detail: text(message) }, 'electron-updater'),
    warn: (message) => log.warn({ detail: text(message) }, 'electron-updater'),
    error: (message) => log.error({ detail: text(message) }, 'electron-updater'),
    debug: (message) => log.debug({ detail: message }, 'electron-updater'),
  };
}

const disabled = (phase: UpdatePhase): RunningUpdates => ({ stop() {}, status: () => ({ phase }), checkNow: () => Promise.resolve() });

/**
 * Starts update checks for this terminal. Never throws and never lets an update error reach the
 * shell: a feed out of reach, a refused token or a download whose SHA-512 or signature is wrong
 * is logged and tried again at the next check.
 */
export function startUpdates(options: StartUpdatesOptions): RunningUpdates {
  const { autoUpdater, config, log } = options;
  const now = options.now ?? Date.now;
  if (!config) {
    log.info({}, 'updates off: the terminal configuration has no "updates" section');
    return disabled('disabled');
  }
  const feedUrl = updateFeedUrl(config);
  const feedHost = new URL(feedUrl).hostname;
  let phase: UpdatePhase = 'idle';
  let offeredVersion: string | undefined;
  let downloadedVersion: string | undefined;
  let lastCheckAt: number | undefined;
  let lastError: UpdateStatus['lastError'];
  let loggedError: unknown;
  let failures = 0;
  let checking: Promise<void> | undefined;
  let waitingLogged = false;
  const refusedAdminVersions = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  try {
    autoUpdater.logger = updaterLogger(log.child({ component: 'electron-updater' }));
    autoUpdater.autoDownload = true;
    // Installing on an ordinary quit could happen mid-sale (a crash restart); only tryInstall installs.
    autoUpdater.autoInstallOnAppQuit = false;
    autoUpdater.allowDowngrade = false;
    if (options.requestHeaders) autoUpdater.requestHeaders = { ...options.requestHeaders };
    // One range per request: the store server's feed does not answer multipart ranges.
    autoUpdater.setFeedURL({ provider: 'generic', url: feedUrl, useMultipleRangeRequest: false });
    if (config.caFile) trustStoreCa(autoUpdater, config.caFile, feedHost, log);
  } catch (error) {
    log.error({ ...describeError(error), feedUrl }, 'updates could not be set up; the terminal runs on without them');
    return disabled('disabled');
  }
  if (feedUrl.startsWith('http:')) log.warn({ feedUrl }, 'the update feed is plain HTTP: on Linux nothing but its own SHA-512 vouches for an installer; use HTTPS with updates.caFile');
  log.info({ feedUrl, channel: config.channel, currentVersion: autoUpdater.currentVersion.version, authenticated: options.requestHeaders !== undefined }, 'updates on');

  const recordError = (error: unknown) => {
    failures++;
    const described = describeError(error);
    lastError = { at: now(), message: described.message, ...(described.code ? { code: described.code } : {}) };
    if (phase === 'installing') {
      // The installer did not start: forget the download; the next check finds (and re-verifies) it again.
      downloadedVersion = undefined;
      phase = 'idle';
    }
    if (loggedError === error) return;
    loggedError = error;
    const hint = described.statusCode === 401 || described.statusCode === 403 ? 'the store refused this terminal (its lane token?)' : undefined;
    log.error({ ...described, feedUrl, ...(hint ? { hint } : {}) }, 'update failed; trying again at the next check');
  };

  const tryInstall = (trigger: string) => {
    if (stopped || downloadedVersion === undefined || phase === 'installing') return;
    let ready = false;
    try {
      ready = options.readiness().readyToInstall;
    } catch (error) {
      log.warn({ error: describeError(error).message }, 'could not ask whether the lane is ready; not installing now');
    }
    if (!ready) {
      phase = 'waitingForLane';
      if (!waitingLogged) log.info({ version: downloadedVersion }, 'update downloaded; waiting until the lane is idle and closed for sales');
      waitingLogged = true;
      return;
    }
    phase = 'installing';
    log.info({ version: downloadedVersion, from: autoUpdater.currentVersion.version, trigger }, 'installing the update: the lane is idle and closed; the terminal restarts');
    try {
      // Silent, and start again afterwards (a desktop autostart would not bring the kiosk back).
      autoUpdater.quitAndInstall(true, true);
    } catch (error) {
      recordError(error);
    }
  };

  const onAvailable = (info: UpdateVersionInfo) => {
    offeredVersion = info.version;
    log.info({ version: info.version, channel: config.channel }, 'update offered; downloading');
  };
  const onNotAvailable = (info: UpdateVersionInfo) => {
    offeredVersion = info.version;
    log.debug({ latest: info.version, current: autoUpdater.currentVersion.version }, 'no update for this terminal');
  };
  const onDownloaded = (info: UpdateVersionInfo) => {
    if (info.files?.some((file) => file.isAdminRightsRequired === true)) {
      // A UAC prompt on the kiosk's screen would wait for an administrator, and the terminal
      // would have quit for it: such an update is for store IT's software distribution.
      failures++;
      lastError = { at: now(), message: `update ${info.version} needs administrator rights to install`, code: 'ERR_LANEWISE_ADMIN_RIGHTS_REQUIRED' };
      if (!refusedAdminVersions.has(info.version)) log.error({ version: info.version }, 'update needs administrator rights (a per-machine installation): not installed by the terminal; install it with your software distribution');
      refusedAdminVersions.add(info.version);
      return;
    }
    if (downloadedVersion !== info.version) waitingLogged = false;
    downloadedVersion = info.version;
    log.info({ version: info.version }, 'update downloaded and checked');
    tryInstall('downloaded');
  };
  const onError = (error: Error) => recordError(error);
  autoUpdater.on('update-available', onAvailable);
  autoUpdater.on('update-not-available', onNotAvailable);
  autoUpdater.on('update-downloaded', onDownloaded);
  autoUpdater.on('error', onError);
  const unsubscribe = options.onReadinessChange(() => tryInstall('lane ready'));

  const check = async () => {
    lastCheckAt = now();
    const failuresBefore = failures;
    if (phase === 'idle') phase = 'checking';
    try {
      const result = await autoUpdater.checkForUpdates();
      if (result === null) {
        log.info({}, 'update check skipped: electron-updater checks only in a packaged build');
      } else if (result.isUpdateAvailable && result.downloadPromise) {
        if (phase === 'checking') phase = 'downloading';
        await result.downloadPromise;
      }
      if (failures === failuresBefore) lastError = undefined;
    } catch (error) {
      recordError(error);
    } finally {
      if (phase === 'checking' || phase === 'downloading') phase = downloadedVersion === undefined ? 'idle' : 'waitingForLane';
    }
  };
  const checkNow = (): Promise<void> => {
    if (stopped || phase === 'installing') return Promise.resolve();
    // One check at a time: a second caller waits for the one under way.
    checking ??= check().finally(() => (checking = undefined));
    return checking;
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    // setTimeout takes at most 2³¹−1 ms (about 24 days).
    delay = Math.min(delay, 2 ** 31 - 1);
    timer = setTimeout(() => void checkNow().finally(() => schedule(options.checkEveryMs ?? defaultCheckEveryMs)), delay);
    timer.unref?.();
  };
  schedule(options.firstCheckAfterMs ?? defaultFirstCheckAfterMs);

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
      autoUpdater.removeListener('update-available', onAvailable);
      autoUpdater.removeListener('update-not-available', onNotAvailable);
      autoUpdater.removeListener('update-downloaded', onDownloaded);
      autoUpdater.removeListener('error', onError);
      if (phase !== 'installing') phase = 'stopped';
    },
    status: () => ({
      phase,
      channel: config.channel,
      feedUrl,
      currentVersion: autoUpdater.currentVersion.version,
      ...(offeredVersion !== undefined ? { offeredVersion } : {}),
      ...(downloadedVersion !== undefined ? { downloadedVersion } : {}),
      ...(lastCheckAt !== undefined ? { lastCheckAt } : {}),
      ...(lastError ? { lastError } : {}),
    }),
    checkNow,
  };
}

/**
 * Chromium (which electron-updater downloads through) does not know the store's CA: trust it
 * for the feed's host, on the updater's own session only.
 */
function trustStoreCa(autoUpdater: AutoUpdaterLike, caFile: string, host: string, log: Logger): void {
  let caPem: string;
  try {
    caPem = readFileSync(caFile, 'utf8');
  } catch (error) {
    log.error({ caFile, error: describeError(error).message }, 'the store CA for updates cannot be read; the feed’s certificate is checked against the system’s CAs only');
    return;
  }
  const verify = storeCertificateVerifier({ host, caPem, log });
  autoUpdater.netSession.setCertificateVerifyProc((request, callback) => callback(verify(request)));
}
