import { rm } from 'node:fs/promises';
import Database from 'better-sqlite3';
import type { Logger } from '../../../shared/log';
import type { ChangesAnswer } from '../../../shared/store/syncProtocol';
import { CatalogApplier, type ApplyOutcome } from './catalogApplier';

export interface CatalogSyncOptions {
  /** The lane's catalogue file; the sync writes it through its own connection in a worker thread. */
  readonly catalogPath: string;
  /** `GET /v1/catalog/changes?since=…`, parsed. */
  fetchChanges(since: number): Promise<ChangesAnswer>;
  /** `GET /v1/catalog/snapshot`: its NDJSON lines, as they arrive. */
  fetchSnapshot(): Promise<AsyncIterable<string>>;
  /**
   * `GET /v1/catalog/image` saved at `toPath` with its SHA-256 checked: the version it holds, or
   * 'unavailable' when the store builds no images (the NDJSON snapshot is used then). Without it,
   * snapshots always come as NDJSON.
   */
  fetchImage?(toPath: string): Promise<{ version: number } | 'unavailable'>;
  readonly log: Logger;
  /** Between checks when all is well; 30 s by default. */
  readonly pollIntervalMs?: number;
  /** The longest wait after repeated failures; 5 minutes by default. */
  readonly maxBackoffMs?: number;
  /** The store server, kept with the catalogue's sync state for store IT. */
  readonly source?: string;
  /** After an update was applied (not after a check that found nothing new). */
  onUpdate?(info: { version: number; kind: 'delta' | 'snapshot'; changed: number }): void;
  now?(): number;
}

export interface CatalogSyncStatus {
  /** The store catalogue version the lane's catalogue holds. */
  readonly version: number;
  /** When the lane last had the store's newest catalogue (a check that found nothing new counts). */
  readonly lastSyncAt: number | null;
  /** Why the last check failed, or null when it worked. */
  readonly lastError: string | null;
  readonly syncing: boolean;
}

export interface CatalogSync {
  status(): CatalogSyncStatus;
  /** Checks now (or joins the check under way); never rejects. */
  syncNow(): Promise<void>;
  /** Stops polling, abandons a snapshot under way (rolled back) and ends the worker. */
  stop(): Promise<void>;
}

const defaultPollIntervalMs = 30_000;
const defaultMaxBackoffMs = 5 * 60_000;
/** After a store could not give a usable image, snapshots come as NDJSON for this long before images are tried again. */
const imageRetryMs = 60 * 60_000;

type FailureReason = 'unreachable' | 'badAnswer' | 'catalogUnavailable' | Exclude<ApplyOutcome, { ok: true }>['problem'];

class SyncFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The version a catalogue file holds, read once at start (0 when it was never synced or cannot be read yet). */
function versionOnDisk(catalogPath: string): number {
  try {
    const db = new Database(catalogPath, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT version FROM catalog_sync WHERE id = 1').get() as { version: number } | undefined)?.version ?? 0;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

function isChangesAnswer(answer: unknown): answer is ChangesAnswer {
  if (typeof answer !== 'object' || answer === null) return false;
  const candidate = answer as Record<string, unknown>;
  if (candidate.kind === 'snapshotRequired') return true;
  return (
    candidate.kind === 'delta' &&
    Number.isSafeInteger(candidate.since) &&
    Number.isSafeInteger(candidate.version) &&
    typeof candidate.checksum === 'string' &&
    Array.isArray(candidate.changes)
  );
}

/**
 * Keeps the lane's catalogue in step with the store server: polls for the changes since the
 * version it holds, applies a delta, or a whole snapshot when the store says it is too far
 * behind, each atomically in a worker thread so scanning never waits. Failures (store out of
 * reach, a bad checksum, a refused entity) are logged and retried with a growing, jittered
 * wait; the lane keeps selling from the catalogue it has.
 */
export function startCatalogSync(options: CatalogSyncOptions): CatalogSync {
  const log = options.log;
  const now = options.now ?? Date.now;
  const pollIntervalMs = options.pollIntervalMs ?? defaultPollIntervalMs;
  const maxBackoffMs = Math.max(options.maxBackoffMs ?? defaultMaxBackoffMs, 1);

  let version = versionOnDisk(options.catalogPath);
  let lastSyncAt: number | null = null;
  let lastError: string | null = null;
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let applier: Promise<CatalogApplier> | undefined;

  async function usableApplier(): Promise<CatalogApplier> {
    const current = applier ? await applier.catch(() => undefined) : undefined;
    if (current?.usable) return current;
    const starting = CatalogApplier.start(options.catalogPath);
    applier = starting;
    try {
      const started = await starting;
      version = started.versionAtStart;
      return started;
    } catch (error) {
      applier = undefined;
      throw new SyncFailure('catalogUnavailable', messageOf(error));
    }
  }

  /** Lines of the snapshot download, ending it early when the sync is stopped. */
  async function* untilStopped(lines: AsyncIterable<string>): AsyncIterable<string> {
    for await (const line of lines) {
      if (stopped) throw new Error('the lane is stopping');
      yield line;
    }
  }

  function applied(outcome: ApplyOutcome & { ok: true }, fetchMs: number, via?: 'image' | 'ndjson'): void {
    const { kind, changed } = outcome.applied;
    const from = version;
    version = outcome.applied.version;
    const fields = { kind, via, from, version, changed, applyMs: Math.round(outcome.durationMs), totalMs: Math.round(fetchMs) };
    if (changed > 0 || kind === 'snapshot') log.info(fields, kind === 'snapshot' ? 'catalogue snapshot applied' : 'catalogue changes applied');
    try {
      options.onUpdate?.({ version, kind, changed });
    } catch (error) {
      log.error({ error: messageOf(error) }, 'a catalogue update listener failed');
    }
  }

  let imagesUnusableUntil = -Infinity;

  /** A full update from the store's catalogue image; false when the store has none this lane can use. */
  async function viaImage(target: CatalogApplier, fetchImage: NonNullable<CatalogSyncOptions['fetchImage']>, startedAt: number): Promise<boolean> {
    const path = `${options.catalogPath}.image`;
    try {
      let fetched: { version: number } | 'unavailable';
      try {
        fetched = await fetchImage(path);
      } catch (error) {
        throw new SyncFailure('unreachable', `the catalogue image could not be fetched: ${messageOf(error)}`);
      }
      if (stopped) throw new SyncFailure('aborted', 'the lane is stopping');
      if (fetched === 'unavailable') {
        imagesUnusableUntil = now() + imageRetryMs;
        log.info({}, 'the store builds no catalogue images: taking the snapshot as NDJSON');
        return false;
      }
      const outcome = await target.apply({ kind: 'image', path, version: fetched.version }, { source: options.source ?? null, now });
      if (outcome.ok) {
        applied(outcome, performance.now() - startedAt, 'image');
        return true;
      }
      if (outcome.problem !== 'imageUnusable') throw new SyncFailure(outcome.problem, outcome.message);
      imagesUnusableUntil = now() + imageRetryMs;
      log.warn({ reason: outcome.message }, 'the store’s catalogue image does not fit this lane: taking the snapshot as NDJSON');
      return false;
    } finally {
      await rm(path, { force: true }).catch(() => undefined);
    }
  }

  async function snapshot(target: CatalogApplier, startedAt: number): Promise<void> {
    if (options.fetchImage && now() >= imagesUnusableUntil && (await viaImage(target, options.fetchImage, startedAt))) return;
    let lines: AsyncIterable<string>;
    try {
      lines = await options.fetchSnapshot();
    } catch (error) {
      throw new SyncFailure('unreachable', `the snapshot could not be fetched: ${messageOf(error)}`);
    }
    const outcome = await target.apply({ kind: 'snapshot', lines: untilStopped(lines) }, { source: options.source ?? null, now });
    if (!outcome.ok) throw new SyncFailure(outcome.problem, outcome.message);
    applied(outcome, performance.now() - startedAt, 'ndjson');
  }

  async function check(): Promise<void> {
    const startedAt = performance.now();
    const target = await usableApplier();
    let answer: unknown;
    try {
      answer = await options.fetchChanges(version);
    } catch (error) {
      throw new SyncFailure('unreachable', `the store could not be asked for changes: ${messageOf(error)}`);
    }
    if (!isChangesAnswer(answer)) throw new SyncFailure('badAnswer', 'the store answered the changes request with something that is not a delta');
    if (answer.kind === 'snapshotRequired') {
      log.info({ from: version, version: answer.version, reason: answer.reason }, 'the catalogue is far behind the store: fetching a snapshot');
      return snapshot(target, startedAt);
    }
    if (answer.changes.length === 0 && answer.version === version) return;
    const outcome = await target.apply({ kind: 'delta', delta: answer }, { source: options.source ?? null, now });
    if (outcome.ok) return applied(outcome, performance.now() - startedAt);
    if (outcome.problem !== 'versionGap') throw new SyncFailure(outcome.problem, outcome.message);
    log.info({ from: version, since: answer.since, version: answer.version, reason: outcome.message }, 'the changes do not follow on from this catalogue: fetching a snapshot');
    return snapshot(target, startedAt);
  }

  function backoffMs(): number {
    const grown = Math.min(maxBackoffMs, pollIntervalMs * 2 ** Math.min(failures - 1, 20));
    // ±25 %, so lanes that lost the store together do not all come back at once.
    return Math.min(maxBackoffMs, Math.round(grown * (0.75 + Math.random() * 0.5)));
  }

  function schedule(delayMs: number): void {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(() => void syncNow(), delayMs);
    timer.unref();
  }

  async function run(): Promise<void> {
    try {
      await check();
      failures = 0;
      lastError = null;
      lastSyncAt = now();
    } catch (error) {
      failures++;
      const reason = error instanceof SyncFailure ? error.reason : 'unexpected';
      lastError = `${reason}: ${messageOf(error)}`;
      if (!stopped) {
        const retryInMs = backoffMs();
        log.warn({ reason, error: messageOf(error), failures, retryInMs, version }, 'catalogue sync failed; the lane keeps its catalogue');
        schedule(retryInMs);
        return;
      }
    }
    schedule(pollIntervalMs);
  }

  function syncNow(): Promise<void> {
    if (stopped) return Promise.resolve();
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  }

  schedule(0);

  return {
    status: () => ({ version, lastSyncAt, lastError, syncing: running !== undefined }),
    syncNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      const current = applier ? await applier.catch(() => undefined) : undefined;
      applier = undefined;
      await current?.close();
    },
  };
}
