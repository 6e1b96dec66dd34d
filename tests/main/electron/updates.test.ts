import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureRequestOptions, configureRequestUrl, HttpExecutor, type DownloadOptions } from 'builder-util-runtime';
import { DebUpdater, type AppUpdater } from 'electron-updater';
import type { CertificateCheck } from '../../../main/electron/storeCertificate';
import { startUpdates, storeRequestHeaders, updateFeedUrl, type AutoUpdaterLike, type UpdateVersionInfo } from '../../../main/electron/updates';
import { openSqliteStoreBackend, type SqliteStoreBackend } from '../../../main/store/sqlite/sqliteBackend';
import { startStoreServer, type RunningStoreServer } from '../../../main/store/storeServer';
import { publishUpdate, setStagingPercentage } from '../../../main/store/updateFiles';
import { createRecordingLogger, type RecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';

// The real autoUpdater fits the slice updates.ts takes (checked by the compiler, nothing runs).
const realFits = (updater: AppUpdater): AutoUpdaterLike => updater;
void realFits;

type Step =
  | { readonly kind: 'none'; readonly latest: string }
  | { readonly kind: 'update'; readonly version: string; readonly downloadError?: Error; readonly isAdminRightsRequired?: boolean }
  | { readonly kind: 'error'; readonly error: Error };

/** electron-updater's autoUpdater as far as updates.ts sees it, following a script of check outcomes. */
class FakeAutoUpdater extends EventEmitter implements AutoUpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  allowDowngrade = true;
  requestHeaders: AutoUpdaterLike['requestHeaders'] = null;
  logger: AutoUpdaterLike['logger'] = null;
  readonly currentVersion = { version: '1.2.0' };
  readonly feeds: Parameters<AutoUpdaterLike['setFeedURL']>[0][] = [];
  readonly installs: (readonly [boolean | undefined, boolean | undefined])[] = [];
  readonly steps: Step[] = [];
  checks = 0;
  verifyProc: ((request: CertificateCheck, callback: (result: number) => void) => void) | null = null;
  failInstall: Error | undefined;
  readonly netSession = { setCertificateVerifyProc: (proc: typeof this.verifyProc) => void (this.verifyProc = proc) };

  setFeedURL(options: Parameters<AutoUpdaterLike['setFeedURL']>[0]): void {
    this.feeds.push(options);
  }

  // Like electron-updater: errors are emitted as `error` and the promise rejects as well.
  async checkForUpdates(): Promise<{ isUpdateAvailable: boolean; updateInfo: UpdateVersionInfo; downloadPromise?: Promise<unknown> | null }> {
    this.checks++;
    await Promise.resolve();
    const step = this.steps.shift() ?? { kind: 'none', latest: this.currentVersion.version };
    if (step.kind === 'error') {
      this.emit('error', step.error);
      throw step.error;
    }
    if (step.kind === 'none') {
      this.emit('update-not-available', { version: step.latest });
      return { isUpdateAvailable: false, updateInfo: { version: step.latest } };
    }
    this.emit('update-available', { version: step.version });
    const downloadPromise = (async () => {
      await Promise.resolve();
      if (step.downloadError) {
        this.emit('error', step.downloadError);
        throw step.downloadError;
      }
      this.emit('update-downloaded', { version: step.version, downloadedFile: `/cache/lanewise-${step.version}.deb`, files: [{ url: `lanewise-${step.version}.exe`, ...(step.isAdminRightsRequired ? { isAdminRightsRequired: true } : {}) }] });
      return [`/cache/lanewise-${step.version}.deb`];
    })();
    return { isUpdateAvailable: true, updateInfo: { version: step.version }, downloadPromise: this.autoDownload ? downloadPromise : null };
  }

  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    if (this.failInstall) throw this.failInstall;
    this.installs.push([isSilent, isForceRunAfter]);
  }
}

/** A lane as the shell reports it: ready to install only when idle and closed for sales. */
function fakeLane() {
  let saleInProgress = false;
  let closed = false;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  return {
    readiness: () => ({ readyToInstall: !saleInProgress && closed }),
    onReadinessChange: (listener: () => void) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    startSale: () => ((saleInProgress = true), changed()),
    endSale: () => ((saleInProgress = false), changed()),
    close: () => ((closed = true), changed()),
    open: () => ((closed = false), changed()),
    listeners,
  };
}

const config = { url: 'https://store.lan:8200/updates', channel: 'pilot' } as const;
/** Longer than any test: checks happen only when a test asks. */
const never = 2 ** 31 - 1;

describe('updates (electron-updater injected)', () => {
  let log: RecordingLogger;
  const running: { stop(): void }[] = [];
  const start = (autoUpdater: AutoUpdaterLike, lane = fakeLane(), more: Partial<Parameters<typeof startUpdates>[0]> = {}) => {
    const updates = startUpdates({ autoUpdater, config, readiness: lane.readiness, onReadinessChange: lane.onReadinessChange, log, firstCheckAfterMs: never, checkEveryMs: never, ...more });
    running.push(updates);
    return updates;
  };

  afterEach(() => {
    for (const each of running.splice(0)) each.stop();
    vi.useRealTimers();
  });
  beforeEach(() => {
    log = createRecordingLogger();
  });

  it('does nothing without an "updates" section', async () => {
    const updater = new FakeAutoUpdater();
    const updates = startUpdates({ autoUpdater: updater, config: undefined, readiness: () => ({ readyToInstall: true }), onReadinessChange: () => () => undefined, log });
    await updates.checkNow();
    expect(updates.status()).toEqual({ phase: 'disabled' });
    expect(updater.feeds).toEqual([]);
    expect(updater.checks).toBe(0);
  });

  it('reads the channel’s folder on the store server, with the lane’s token, downloading but never installing by itself', () => {
    const updater = new FakeAutoUpdater();
    const headers = storeRequestHeaders({ laneId: 'L01', store: { laneToken: 'secret-token' } });
    start(updater, fakeLane(), { requestHeaders: headers });
    expect(updater.feeds).toEqual([{ provider: 'generic', url: 'https://store.lan:8200/updates/pilot/', useMultipleRangeRequest: false }]);
    expect(updater.requestHeaders).toEqual({ authorization: 'Bearer secret-token', 'x-lanewise-lane': 'L01' });
    expect([updater.autoDownload, updater.autoInstallOnAppQuit, updater.allowDowngrade]).toEqual([true, false, false]);
    expect(updater.logger).not.toBeNull();

    expect(updateFeedUrl({ url: 'https://store.lan:8200/updates/', channel: 'stable' })).toBe('https://store.lan:8200/updates/stable/');
    expect(storeRequestHeaders({ laneId: 'L01' })).toBeUndefined();
  });

  it('keeps an update downloaded during a sale until the lane is idle and closed for sales, then installs it once', async () => {
    const updater = new FakeAutoUpdater();
    const lane = fakeLane();
    const updates = start(updater, lane);
    lane.startSale();
    updater.steps.push({ kind: 'update', version: '1.3.0' });
    await updates.checkNow();

    expect(updates.status()).toMatchObject({ phase: 'waitingForLane', offeredVersion: '1.3.0', downloadedVersion: '1.3.0' });
    expect(updater.installs).toEqual([]);
    lane.endSale(); // idle, but still open for sales
    expect(updater.installs).toEqual([]);
    lane.startSale();
    lane.close(); // closing mid-sale: the sale goes on
    expect(updater.installs).toEqual([]);
    lane.endSale();
    expect(updater.installs).toEqual([[true, true]]);
    expect(updates.status().phase).toBe('installing');
    lane.open();
    lane.close();
    await updates.checkNow();
    expect(updater.installs).toHaveLength(1);
    expect(updater.checks).toBe(1);
    expect(log.find('info', 'update downloaded; waiting until the lane is idle and closed for sales')).toHaveLength(1);
    expect(log.find('info', 'installing the update: the lane is idle and closed; the terminal restarts')[0]?.fields).toMatchObject({ version: '1.3.0', from: '1.2.0' });
  });

  it('installs at once when the download finishes on a closed, idle lane', async () => {
    const updater = new FakeAutoUpdater();
    const lane = fakeLane();
    lane.close();
    const updates = start(updater, lane);
    updater.steps.push({ kind: 'update', version: '1.3.0' });
    await updates.checkNow();
    expect(updater.installs).toEqual([[true, true]]);
  });

  it('logs a feed out of reach and a download that fails its SHA-512, and tries again at the next check', async () => {
    const updater = new FakeAutoUpdater();
    const lane = fakeLane();
    const updates = start(updater, lane);
    const unreachable = Object.assign(new Error('net::ERR_CONNECTION_REFUSED'), { code: 'ECONNREFUSED' });
    const corrupt = new Error('sha512 checksum mismatch, expected abc, got def');
    updater.steps.push({ kind: 'error', error: unreachable }, { kind: 'update', version: '1.3.0', downloadError: corrupt }, { kind: 'update', version: '1.3.0' });

    await updates.checkNow();
    expect(updates.status()).toMatchObject({ phase: 'idle', lastError: { message: 'net::ERR_CONNECTION_REFUSED', code: 'ECONNREFUSED' } });
    await updates.checkNow();
    expect(updates.status()).toMatchObject({ phase: 'idle', lastError: { message: corrupt.message } });
    expect(updates.status().downloadedVersion).toBeUndefined();
    await updates.checkNow();
    expect(updates.status()).toMatchObject({ phase: 'waitingForLane', downloadedVersion: '1.3.0' });
    expect(updates.status().lastError).toBeUndefined();

    // Each failure is logged once, although electron-updater both emits it and rejects with it.
    expect(log.find('error', 'update failed; trying again at the next check').map((record) => record.fields.message)).toEqual(expect.arrayContaining([unreachable.message, corrupt.message]));
    expect(log.find('error', 'update failed; trying again at the next check').filter((record) => record.fields.message === corrupt.message)).toHaveLength(1);
  });

  it('forgets a download whose installer would not start, and finds it again at the next check', async () => {
    const updater = new FakeAutoUpdater();
    const lane = fakeLane();
    lane.close();
    const updates = start(updater, lane);
    updater.failInstall = new Error('elevate.exe: the operation was cancelled');
    updater.steps.push({ kind: 'update', version: '1.3.0' }, { kind: 'update', version: '1.3.0' });
    await updates.checkNow();
    expect(updates.status()).toMatchObject({ phase: 'idle', lastError: { message: 'elevate.exe: the operation was cancelled' } });
    updater.failInstall = undefined;
    await updates.checkNow();
    expect(updater.installs).toEqual([[true, true]]);
  });

  it('leaves an update that needs administrator rights (per-machine Windows) to store IT, without quitting for it', async () => {
    const updater = new FakeAutoUpdater();
    const lane = fakeLane();
    lane.close();
    const updates = start(updater, lane);
    updater.steps.push({ kind: 'update', version: '1.3.0', isAdminRightsRequired: true }, { kind: 'update', version: '1.3.0', isAdminRightsRequired: true });
    await updates.checkNow();
    await updates.checkNow();
    expect(updater.installs).toEqual([]);
    expect(updates.status()).toMatchObject({ phase: 'idle', lastError: { code: 'ERR_LANEWISE_ADMIN_RIGHTS_REQUIRED' } });
    expect(updates.status().downloadedVersion).toBeUndefined();
    expect(log.find('error', 'update needs administrator rights (a per-machine installation): not installed by the terminal; install it with your software distribution')).toHaveLength(1);
  });

  it('does not install when the lane cannot say whether it is ready', async () => {
    const updater = new FakeAutoUpdater();
    const updates = start(updater, fakeLane(), {
      readiness: () => {
        throw new Error('runtime restarting');
      },
    });
    updater.steps.push({ kind: 'update', version: '1.3.0' });
    await updates.checkNow();
    expect(updater.installs).toEqual([]);
    expect(updates.status().phase).toBe('waitingForLane');
    expect(log.find('warn', 'could not ask whether the lane is ready; not installing now').length).toBeGreaterThan(0);
  });

  it('checks after the first delay and then on its interval, until stopped', async () => {
    vi.useFakeTimers();
    const updater = new FakeAutoUpdater();
    const lane = fakeLane();
    const updates = start(updater, lane, { firstCheckAfterMs: 60_000, checkEveryMs: 3_600_000 });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(updater.checks).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(updater.checks).toBe(1);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(updater.checks).toBe(2);
    updates.stop();
    await vi.advanceTimersByTimeAsync(10 * 3_600_000);
    expect(updater.checks).toBe(2);
    expect(lane.listeners.size).toBe(0);
    expect(updater.listenerCount('update-downloaded') + updater.listenerCount('error')).toBe(0);
    expect(updates.status().phase).toBe('stopped');
  });

  it('trusts the store CA for the feed’s host only, on the updater’s session', () => {
    const tls = fileURLToPath(new URL('../lane/fixtures/tls/', import.meta.url));
    const certificate = { data: readFileSync(join(tls, 'hub-cert.pem'), 'utf8'), issuerCert: { data: readFileSync(join(tls, 'store-ca.pem'), 'utf8') } };
    const verdict = (updater: FakeAutoUpdater, check: CertificateCheck) => {
      let answer: number | undefined;
      updater.verifyProc!(check, (result) => (answer = result));
      return answer;
    };
    const trusting = new FakeAutoUpdater();
    start(trusting, fakeLane(), { config: { url: 'https://127.0.0.1:8200/updates', channel: 'stable', caFile: join(tls, 'store-ca.pem') } });
    expect(verdict(trusting, { hostname: '127.0.0.1', certificate, errorCode: -202 })).toBe(0);
    expect(verdict(trusting, { hostname: 'elsewhere.example', certificate, errorCode: -202 })).toBe(-3);
    expect(verdict(trusting, { hostname: '127.0.0.1', certificate, errorCode: 0 })).toBe(-3);

    const otherCa = new FakeAutoUpdater();
    start(otherCa, fakeLane(), { config: { url: 'https://127.0.0.1:8200/updates', channel: 'stable', caFile: join(tls, 'other-ca.pem') } });
    expect(verdict(otherCa, { hostname: '127.0.0.1', certificate, errorCode: -202 })).toBe(-2);

    const noCa = new FakeAutoUpdater();
    start(noCa, fakeLane());
    expect(noCa.verifyProc).toBeNull();
  });
});

/** electron-updater's HTTP executor over node:http instead of Electron's net (the download and SHA-512 check are its own). */
class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    // A fresh connection per request, as Electron's net gives electron-updater.
    const outgoing = request({ ...options, agent: false });
    outgoing.on('response', callback);
    return outgoing;
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(requestOptions, { destination, options, onCancel, callback: (error) => (error ? reject(error) : resolve(destination)), responseHandler: null }, 0);
    });
  }
}

/**
 * The real electron-updater (its .deb updater, as on a Linux lane) against the real store
 * server's feed: only Electron's app and net are replaced, by a folder and node:http.
 */
describe('updates with electron-updater against the store server’s feed', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let backend: SqliteStoreBackend;
  let server: RunningStoreServer;
  let token: string;
  const updatesDir = () => join(dir.path, 'updates');

  beforeAll(async () => {
    dir = makeTempDir('lanewise-updates-');
    backend = openSqliteStoreBackend(join(dir.path, 'store.sqlite'));
    token = (await backend.lanes.add('L01')).token;
    server = await startStoreServer({ backend, log: createRecordingLogger(), updatesDir: updatesDir() });
    const build = join(dir.path, 'dist-packages');
    mkdirSync(build);
    const deb = Buffer.from('a .deb of Lanewise 1.3.0');
    const sha512 = createHash('sha512').update(deb).digest('base64');
    writeFileSync(join(build, 'lanewise_1.3.0_amd64.deb'), deb);
    writeFileSync(
      join(build, 'latest-linux.yml'),
      `version: 1.3.0\nfiles:\n  - url: lanewise_1.3.0_amd64.deb\n    sha512: ${sha512}\n    size: ${deb.length}\npath: lanewise_1.3.0_amd64.deb\nsha512: ${sha512}\nreleaseDate: '2026-03-02T10:00:00.000Z'\n`,
    );
    await publishUpdate({ from: build, updatesDir: updatesDir(), channel: 'pilot', percent: 50 });
  });
  afterAll(async () => {
    await server?.close();
    await backend?.close();
    dir?.remove();
  });

  /** A Linux lane at version 1.2.0 whose staged-rollout id is `stagingId`. */
  function lane(name: string, stagingId: string, laneToken = token) {
    const home = join(dir.path, name);
    mkdirSync(join(home, 'userData'), { recursive: true });
    writeFileSync(join(home, 'userData', '.updaterId'), stagingId);
    writeFileSync(join(home, 'app-update.yml'), 'provider: generic\nurl: https://store-server.invalid/updates/stable\nupdaterCacheDirName: lanewise-updater\n');
    const app = {
      version: '1.2.0',
      name: 'Lanewise',
      isPackaged: true,
      appUpdateConfigPath: join(home, 'app-update.yml'),
      userDataPath: join(home, 'userData'),
      baseCachePath: join(home, 'cache'),
      whenReady: () => Promise.resolve(),
      relaunch: () => undefined,
      quit: () => undefined,
      onQuit: () => undefined,
    };
    const updater = new DebUpdater(null, app);
    Object.assign(updater, { httpExecutor: new NodeHttpExecutor(), _testOnlyOptions: { platform: 'linux' } });
    const installs: boolean[] = [];
    // Installing would run dpkg through sudo: record the call instead.
    updater.quitAndInstall = () => void installs.push(true);
    const log = createRecordingLogger();
    const updates = startUpdates({
      autoUpdater: updater,
      config: { url: `${server.url}/updates`, channel: 'pilot' },
      readiness: () => ({ readyToInstall: true }),
      onReadinessChange: () => () => undefined,
      log,
      requestHeaders: storeRequestHeaders({ laneId: 'L01', store: { laneToken } }),
      firstCheckAfterMs: never,
    });
    return { updates, installs, log };
  }

  it('downloads the pilot version to a lane inside the staged percentage, checks its SHA-512 and installs it', async () => {
    const inside = lane('inside', '00000000-0000-4000-8000-000000000001');
    await inside.updates.checkNow();
    expect(inside.updates.status()).toMatchObject({ phase: 'installing', offeredVersion: '1.3.0', downloadedVersion: '1.3.0' });
    expect(inside.installs).toEqual([true]);
    inside.updates.stop();
  });

  it('leaves a lane outside the percentage on its version until the rollout grows', async () => {
    const outside = lane('outside', '00000000-0000-4000-8000-0000f0000000');
    await outside.updates.checkNow();
    expect(outside.updates.status()).toMatchObject({ phase: 'idle', offeredVersion: '1.3.0' });
    expect(outside.updates.status().downloadedVersion).toBeUndefined();
    expect(outside.log.records.some((record) => String(record.fields.detail).startsWith('Staging percentage: 0.5'))).toBe(true);

    await setStagingPercentage({ updatesDir: updatesDir(), channel: 'pilot', percent: 100 });
    await outside.updates.checkNow();
    expect(outside.updates.status()).toMatchObject({ phase: 'installing', downloadedVersion: '1.3.0' });
    outside.updates.stop();
  });

  it('refuses a download whose bytes differ from the update info, and takes it once the feed is right again', async () => {
    const file = join(updatesDir(), 'pilot', 'lanewise_1.3.0_amd64.deb');
    const good = readFileSync(file);
    writeFileSync(file, Buffer.from('a .deb of Lanewise 1.3.0, tampered'));
    const tampered = lane('tampered', '00000000-0000-4000-8000-000000000002');
    await tampered.updates.checkNow();
    expect(tampered.installs).toEqual([]);
    expect(tampered.updates.status().lastError?.message).toMatch(/sha512 checksum mismatch/u);
    expect(tampered.log.find('error', 'update failed; trying again at the next check')).toHaveLength(1);

    writeFileSync(file, good);
    await tampered.updates.checkNow();
    expect(tampered.installs).toEqual([true]);
    tampered.updates.stop();
  });

  it('logs a refused lane token without giving up', async () => {
    const refused = lane('refused', '00000000-0000-4000-8000-000000000003', 'not-the-token');
    await refused.updates.checkNow();
    expect(refused.updates.status().phase).toBe('idle');
    expect(refused.log.find('error', 'update failed; trying again at the next check')[0]?.fields).toMatchObject({ statusCode: 401, hint: 'the store refused this terminal (its lane token?)' });
    refused.updates.stop();
  });
});
