import { open, type FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { CatalogDelta } from '../../../shared/store/syncProtocol';
import type { AppliedUpdate, UpdateMeta, UpdateProblem } from './catalogWriter';
import type { ApplyWorkerData, FromApplyWorker, ToApplyWorker } from './workerProtocol';

export type { AppliedUpdate, UpdateProblem } from './catalogWriter';

export type ApplyOutcome =
  | { readonly ok: true; readonly applied: AppliedUpdate; readonly durationMs: number }
  | { readonly ok: false; readonly problem: UpdateProblem | 'workerFailed'; readonly message: string };

type DeltaToApply = Pick<CatalogDelta, 'since' | 'version' | 'checksum' | 'changes'>;

export type CatalogUpdate =
  | { readonly kind: 'delta'; readonly delta: DeltaToApply }
  /** NDJSON lines as in shared/store/syncProtocol.ts: header, entities, trailer. */
  | { readonly kind: 'snapshot'; readonly lines: AsyncIterable<string> }
  /** A catalogue image file (its SHA-256 checked on arrival) the store announced as `version`. */
  | { readonly kind: 'image'; readonly path: string; readonly version: number };

export interface ApplyOptions {
  /** The store server the update came from, kept in the catalogue's sync state. */
  readonly source?: string | null;
  /** When it is applied (ms since the epoch). */
  readonly now?: () => number;
}

/** Lines per message to the worker, and messages in flight: bounds what sits in memory to a few thousand lines. */
const linesPerChunk = 4096;
const chunksInFlight = 4;

/** How often the catalogue's WAL is flushed while an image is copied in. */
const writeBackEveryMs = 100;

const workerEntry = new URL('./applyWorker.mjs', import.meta.url);

interface Pending {
  resolve(outcome: ApplyOutcome): void;
  /** A chunk of a snapshot was written. */
  onAck?(): void;
}

/**
 * The lane's handle on the catalogue sync's worker thread, which applies updates to the
 * catalogue file with its own connection. One update at a time; a snapshot's lines are
 * streamed in chunks, never all held here.
 */
export class CatalogApplier {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #queue: Promise<unknown> = Promise.resolve();
  #failure: string | undefined;
  #exited: Promise<void>;

  private constructor(
    worker: Worker,
    readonly versionAtStart: number,
    readonly catalogPath: string,
  ) {
    this.#worker = worker;
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromApplyWorker) => this.#receive(message));
    worker.on('error', (error) => this.#fail(`the catalogue sync worker failed: ${error.message}`));
    worker.on('exit', (code) => this.#fail(`the catalogue sync worker stopped (exit code ${code})`));
  }

  /** Starts the worker on `catalogPath`; rejects when it cannot open the catalogue. */
  static start(catalogPath: string): Promise<CatalogApplier> {
    const worker = new Worker(workerEntry, { workerData: { catalogPath } satisfies ApplyWorkerData });
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromApplyWorker) => {
        if (message.type === 'ready') {
          cleanup();
          resolve(new CatalogApplier(worker, message.version, catalogPath));
        } else if (message.type === 'fatal') {
          cleanup();
          void worker.terminate();
          reject(new Error(message.message));
        }
      };
      const onError = (error: Error) => {
        cleanup();
        void worker.terminate();
        reject(new Error(`the catalogue sync worker failed to start: ${error.message}`));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`the catalogue sync worker stopped before it was ready (exit code ${code})`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
    });
  }

  /** False once the worker has died; start a new applier then. */
  get usable(): boolean {
    return this.#failure === undefined;
  }

  apply(update: CatalogUpdate, options: ApplyOptions = {}): Promise<ApplyOutcome> {
    const run = () => {
      const meta: UpdateMeta = { source: options.source ?? null, appliedAt: (options.now ?? Date.now)() };
      if (update.kind === 'delta') return this.#applyDelta(update.delta, meta);
      if (update.kind === 'image') return this.#applyImage(update.path, update.version, meta);
      return this.#applySnapshot(update.lines, meta);
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Ends the worker; an update under way is rolled back (it never committed). */
  async close(): Promise<void> {
    if (this.#failure === undefined) {
      this.#failure = 'the catalogue sync was stopped';
      this.#post({ type: 'close' });
    }
    await this.#exited;
  }

  #applyDelta(delta: DeltaToApply, meta: UpdateMeta): Promise<ApplyOutcome> {
    const id = this.#nextId++;
    const answer = this.#answer(id);
    try {
      this.#post({ type: 'delta', id, delta: { since: delta.since, version: delta.version, checksum: delta.checksum, changes: delta.changes }, meta });
    } catch (error) {
      // A value the worker cannot be handed (nested thousands deep: structured clone runs out of stack) is a bad delta, refused like any other.
      this.#pending.get(id)?.resolve({ ok: false, problem: 'badStream', message: `the delta cannot be handed to the catalogue writer: ${error instanceof Error ? error.message : String(error)}` });
    }
    return answer;
  }

  #applyImage(path: string, version: number, meta: UpdateMeta): Promise<ApplyOutcome> {
    const id = this.#nextId++;
    const answer = this.#answer(id);
    this.#post({ type: 'image', id, path, version, meta });
    void this.#writeBackWhile(answer);
    return answer;
  }

  /**
   * While the worker copies an image, the catalogue's WAL is flushed to disk every so often from
   * here (the worker is busy in one long statement): a copy that reached the disk in one go at
   * its commit would hold up the lane's journal commits — the sale being scanned — behind it.
   */
  async #writeBackWhile(pending: Promise<unknown>): Promise<void> {
    let done = false;
    void pending.finally(() => (done = true));
    let wal: FileHandle | undefined;
    try {
      wal = await open(`${this.catalogPath}-wal`, 'r');
      while (!done) {
        await new Promise((resolve) => setTimeout(resolve, writeBackEveryMs));
        await wal.datasync();
      }
    } catch {
      // Only pacing: the commit flushes whatever is left.
    } finally {
      await wal?.close().catch(() => undefined);
    }
  }

  async #applySnapshot(lines: AsyncIterable<string>, meta: UpdateMeta): Promise<ApplyOutcome> {
    const id = this.#nextId++;
    let acked = 0;
    let sent = 0;
    let wakeSender: (() => void) | undefined;
    let settled: ApplyOutcome | undefined;
    const answer = this.#answer(id, () => {
      acked++;
      wakeSender?.();
    }).then((outcome) => {
      settled = outcome;
      wakeSender?.();
      return outcome;
    });
    this.#post({ type: 'snapshotBegin', id, meta });
    let chunk: string[] = [];
    const flush = async () => {
      this.#post({ type: 'snapshotLines', id, text: chunk.join('\n') });
      chunk = [];
      sent++;
      // Back-pressure: the download waits while the worker is behind.
      while (settled === undefined && sent - acked >= chunksInFlight) await new Promise<void>((resolve) => (wakeSender = resolve));
      wakeSender = undefined;
    };
    try {
      for await (const line of lines) {
        if (settled !== undefined) break;
        chunk.push(line);
        if (chunk.length >= linesPerChunk) await flush();
      }
      if (settled === undefined && chunk.length > 0) await flush();
    } catch (error) {
      if (settled === undefined) this.#post({ type: 'snapshotAbort', id });
      const outcome = await answer;
      if (!outcome.ok && outcome.problem === 'aborted') {
        return { ok: false, problem: 'aborted', message: `the snapshot download failed part way (${error instanceof Error ? error.message : String(error)}); the catalogue is as it was` };
      }
      return outcome;
    }
    if (settled === undefined) this.#post({ type: 'snapshotEnd', id });
    return answer;
  }

  #answer(id: number, onAck?: () => void): Promise<ApplyOutcome> {
    if (this.#failure !== undefined) return Promise.resolve({ ok: false, problem: 'workerFailed', message: this.#failure });
    return new Promise((resolve) => {
      this.#pending.set(id, {
        onAck,
        resolve: (outcome) => {
          this.#pending.delete(id);
          resolve(outcome);
        },
      });
    });
  }

  #post(message: ToApplyWorker): void {
    if (this.#failure !== undefined && message.type !== 'close') return;
    this.#worker.postMessage(message);
  }

  #receive(message: FromApplyWorker): void {
    if (message.type === 'ack') this.#pending.get(message.id)?.onAck?.();
    else if (message.type === 'applied') this.#pending.get(message.id)?.resolve({ ok: true, applied: message.applied, durationMs: message.durationMs });
    else if (message.type === 'refused') this.#pending.get(message.id)?.resolve({ ok: false, problem: message.problem, message: message.message });
    else if (message.type === 'fatal') this.#fail(message.message);
  }

  #fail(reason: string): void {
    this.#failure ??= reason;
    const failure = this.#failure;
    for (const pending of [...this.#pending.values()]) pending.resolve({ ok: false, problem: 'workerFailed', message: failure });
  }
}

/**
 * Applies one verified update to the catalogue at `catalogPath` in its own worker thread, in
 * one transaction: a delta's upserts and tombstones, or a snapshot that replaces everything.
 * Refused (nothing changed) on a bad checksum, a bad entity, a truncated snapshot, a gap in
 * versions. For repeated updates keep a `CatalogApplier` instead (the worker starts once).
 */
export async function applyCatalogUpdate(catalogPath: string, update: CatalogUpdate, options: ApplyOptions = {}): Promise<ApplyOutcome> {
  const applier = await CatalogApplier.start(catalogPath);
  try {
    return await applier.apply(update, options);
  } finally {
    await applier.close();
  }
}
