import { createHash } from 'node:crypto';
import { Emitter } from '../../../shared/event';
import type { Logger } from '../../../shared/log';
import { maxSalesPerUpload, uploadedSaleSchema, type SalesUpload, type SalesUploadResult, type UploadedSale } from '../../../shared/store/syncProtocol';
import type { Journal, UnsentSaleRow } from '../journal';
import { StoreRequestError } from './storeClient';

/**
 * Sales out: sends the journal's outbox to the store, oldest first, in batches. The sale id is
 * the idempotency key, so a batch whose answer was lost is simply sent again (the store says
 * `duplicate`); a sale is marked sent only once the store said it has it. While the store is out
 * of reach the lane sells on and the uploader backs off (exponentially, jittered, capped); a
 * closed sale wakes it when the link is up. Local storage stays bounded: sent sales are pruned
 * after `keepSentDays`, and a backlog that grows too big or too old raises an early alert.
 */

/** What the uploader needs of the journal. */
export type SalesOutbox = Pick<Journal, 'unsentSales' | 'markSalesSent' | 'flagSale' | 'outboxBacklog' | 'pruneSentSales'>;

export interface OutboxLimits {
  /** The early alert: this many unsent sales… */
  readonly alertAfterSales: number;
  /** …or the oldest unsent one this old. */
  readonly alertAfterHours: number;
  /** Sent sales are kept this long for reprints and the supervisor's history, then pruned. */
  readonly keepSentDays: number;
}

export const defaultOutboxLimits: OutboxLimits = { alertAfterSales: 5000, alertAfterHours: 24, keepSentDays: 30 };

export interface SalesUploaderTiming {
  /** First retry after a failure, doubled after each one up to `maxRetryMs` (each jittered). */
  readonly firstRetryMs: number;
  readonly maxRetryMs: number;
  /** After the store refused the lane's token: it stays wrong until store IT acts, so no hurry. */
  readonly refusedRetryMs: number;
  /** Backlog age, the alert and pruning are looked at this often even when nothing happens. */
  readonly housekeepingMs: number;
  /** Sent sales are pruned this often. */
  readonly pruneIntervalMs: number;
}

export const defaultSalesUploaderTiming: SalesUploaderTiming = {
  firstRetryMs: 1000,
  maxRetryMs: 60_000,
  refusedRetryMs: 5 * 60_000,
  housekeepingMs: 60_000,
  pruneIntervalMs: 60 * 60_000,
};

export interface SalesUploaderOptions {
  readonly laneId: string;
  /** The store's currency (the catalogue's); a sale carries it on the wire. */
  readonly currency: string;
  readonly outbox: SalesOutbox;
  readonly upload: (upload: SalesUpload, signal: AbortSignal) => Promise<SalesUploadResult>;
  /** Asked when there is nothing to send but the link's state is unknown or down (the store's health). */
  readonly probe?: ((signal: AbortSignal) => Promise<unknown>) | undefined;
  readonly log: Logger;
  readonly limits?: Partial<OutboxLimits> | undefined;
  readonly timing?: Partial<SalesUploaderTiming> | undefined;
  /** Sales per request, at most the protocol's `maxSalesPerUpload`. */
  readonly batchSize?: number | undefined;
  /** Lane clock (tests move it). */
  readonly now?: (() => number) | undefined;
}

export interface SalesUploaderStatus {
  /** The last exchange with the store worked. */
  readonly linkUp: boolean;
  /** Unsent sales the uploader still has to send. */
  readonly backlog: number;
  /** When the oldest of them closed (lane clock). */
  readonly oldestUnsentAt: number | null;
  /** When a batch last went through. */
  readonly lastUploadAt: number | null;
  /** Sales the store will not take as they are (a different sale under the same id, or refused): kept, flagged, not resent. */
  readonly conflicts: number;
  readonly lastError: string | null;
  /** The backlog is past `alertAfterSales` or its oldest sale past `alertAfterHours`. */
  readonly alert: boolean;
}

/** `<laneId>-<epoch>-<number>`: the epoch is the part before the number. */
function epochOf(saleId: string, laneId: string): string | undefined {
  if (!saleId.startsWith(`${laneId}-`)) return undefined;
  return /^(.+)-\d+$/u.exec(saleId.slice(laneId.length + 1))?.[1];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class SalesUploader {
  readonly #options: SalesUploaderOptions;
  readonly #limits: OutboxLimits;
  readonly #timing: SalesUploaderTiming;
  readonly #maxBatch: number;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #onStatusChange = new Emitter<SalesUploaderStatus>();
  /** Each change of `status()` (the supervisor station's view of the backlog). */
  readonly onStatusChange = this.#onStatusChange.event;

  #batchSize: number;
  #linkUp: boolean | null = null;
  #backlog = 0;
  #oldestUnsentAt: number | null = null;
  #lastUploadAt: number | null = null;
  #conflicts = 0;
  #lastError: string | null = null;
  #alert = false;
  #lastStatus = '';

  #started = false;
  #stopped = false;
  #pumping: Promise<void> | undefined;
  #wakeAgain = false;
  #failures = 0;
  /** Set while waiting out a backoff: wakes do not cut it short. */
  #backingOff = false;
  #timer: NodeJS.Timeout | undefined;
  #housekeeping: NodeJS.Timeout | undefined;
  #lastPruneAt: number | null = null;
  readonly #abort = new AbortController();

  constructor(options: SalesUploaderOptions) {
    this.#options = options;
    this.#limits = { ...defaultOutboxLimits, ...options.limits };
    this.#timing = { ...defaultSalesUploaderTiming, ...options.timing };
    this.#maxBatch = Math.max(1, Math.min(maxSalesPerUpload, options.batchSize ?? 200));
    this.#batchSize = this.#maxBatch;
    this.#log = options.log.child({ part: 'salesUploader' });
    this.#now = options.now ?? Date.now;
  }

  status(): SalesUploaderStatus {
    return {
      linkUp: this.#linkUp === true,
      backlog: this.#backlog,
      oldestUnsentAt: this.#oldestUnsentAt,
      lastUploadAt: this.#lastUploadAt,
      conflicts: this.#conflicts,
      lastError: this.#lastError,
      alert: this.#alert,
    };
  }

  /** Starts sending (in the background) and the housekeeping; the lane never waits for it. */
  start(): void {
    if (this.#started) throw new Error('a sales uploader is started once');
    this.#started = true;
    this.#refresh();
    this.#prune();
    this.#housekeeping = setInterval(() => this.#housekeep(), this.#timing.housekeepingMs);
    this.#housekeeping.unref?.();
    this.#schedule(0);
  }

  /** A sale closed (or anything else worth trying now): sends at once, unless the store is being waited out. */
  wake(): void {
    if (!this.#started || this.#stopped) return;
    this.#refresh();
    if (this.#pumping) {
      this.#wakeAgain = true;
      return;
    }
    if (!this.#backingOff) this.#schedule(0);
  }

  /** Sends what is unsent now, whatever the backoff (tests, and a "send now" for store IT). Resolves when that attempt is over. */
  async uploadNow(): Promise<void> {
    if (this.#stopped) return;
    await this.#pumping;
    clearTimeout(this.#timer);
    this.#backingOff = false;
    await this.#pump();
  }

  /** Stops; a request under way is abandoned (its sales stay unsent and go again next time: the store answers `duplicate`). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#housekeeping);
    this.#abort.abort();
    await this.#pumping;
    this.#onStatusChange.dispose();
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#backingOff = false;
      void this.#pump();
    }, delayMs);
    this.#timer.unref?.();
  }

  #pump(): Promise<void> {
    if (this.#pumping || this.#stopped) return this.#pumping ?? Promise.resolve();
    this.#wakeAgain = false;
    const pumping = this.#sendAll()
      .catch((error: unknown) => this.#onFailure(error))
      .finally(() => {
        this.#pumping = undefined;
        this.#refresh();
        if (this.#wakeAgain && !this.#backingOff && !this.#stopped) this.#schedule(0);
      });
    this.#pumping = pumping;
    return pumping;
  }

  /** Batch after batch until the outbox is empty; throws what should be waited out. */
  async #sendAll(): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      const rows = this.#options.outbox.unsentSales(this.#batchSize);
      if (rows.length === 0) {
        if (this.#linkUp !== true && this.#options.probe) {
          await this.#options.probe(this.#abort.signal);
          this.#linkIsUp();
        }
        this.#failures = 0;
        return;
      }
      try {
        await this.#sendBatch(rows);
        this.#batchSize = Math.min(this.#maxBatch, this.#batchSize * 2);
      } catch (error) {
        if (!(error instanceof StoreRequestError) || error.kind !== 'rejected') throw error;
        // The store refused the request itself (too big, or a sale it cannot read): find the sale by halving.
        this.#linkIsUp();
        if (rows.length > 1) {
          this.#batchSize = Math.max(1, Math.floor(rows.length / 2));
          this.#log.warn({ sales: rows.length, error: error.message }, 'the store refused a batch of sales; sending smaller batches');
          continue;
        }
        const row = rows[0] as UnsentSaleRow;
        this.#options.outbox.flagSale(row.saleId, 'invalid', error.message, this.#now());
        this.#log.error({ saleId: row.saleId, error: error.message }, 'the store refused a sale: it stays in the outbox, flagged, and is not resent until store IT looks at it');
      }
      this.#refresh();
    }
  }

  async #sendBatch(rows: readonly UnsentSaleRow[]): Promise<void> {
    const { laneId, currency, outbox } = this.#options;
    const sales: UploadedSale[] = [];
    for (const row of rows) {
      const candidate = {
        saleId: row.saleId,
        epoch: epochOf(row.saleId, laneId) ?? '',
        number: row.saleNumber,
        status: row.status,
        closedAt: row.closedAt,
        totalMinor: row.totalMinor,
        currency,
        digest: createHash('sha256').update(row.payload, 'utf8').digest('hex'),
        payload: row.payload,
      };
      const parsed = uploadedSaleSchema.safeParse(candidate);
      if (parsed.success) {
        sales.push(parsed.data);
        continue;
      }
      // A sale the protocol cannot carry would block every sale behind it: flagged, kept, reported.
      const issue = parsed.error.issues[0];
      const problem = `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`;
      outbox.flagSale(row.saleId, 'invalid', problem, this.#now());
      this.#log.error({ saleId: row.saleId, problem }, 'a sale cannot be sent as the store protocol requires: it stays in the outbox, flagged');
    }
    if (sales.length === 0) return;
    const result = await this.#options.upload({ laneId, sales }, this.#abort.signal);
    const outcomes = result.results;
    if (outcomes.length !== sales.length || outcomes.some((outcome, index) => outcome.saleId !== sales[index]?.saleId)) {
      throw new StoreRequestError('malformed', `the store answered for ${outcomes.length} sales, in another order or other ones, when sent ${sales.length}; nothing was marked sent`);
    }
    const now = this.#now();
    const sent = outcomes.filter((outcome) => outcome.outcome !== 'conflict').map((outcome) => outcome.saleId);
    outbox.markSalesSent(sent, now);
    const duplicates = outcomes.filter((outcome) => outcome.outcome === 'duplicate').length;
    for (const outcome of outcomes) {
      if (outcome.outcome !== 'conflict') continue;
      outbox.flagSale(outcome.saleId, 'conflict', 'the store has a different sale under this id', now);
      this.#log.error({ saleId: outcome.saleId }, 'the store has a different sale under this sale id: this one stays in the outbox, flagged, and is not resent; store IT must look at both');
    }
    this.#lastUploadAt = now;
    this.#linkIsUp();
    this.#log.debug({ sales: sales.length, stored: sent.length - duplicates, duplicates }, 'sales sent to the store');
    if (duplicates > 0) this.#log.info({ duplicates }, 'the store already had some of these sales (an earlier answer was lost); each is kept there once');
  }

  #linkIsUp(): void {
    if (this.#linkUp === false) this.#log.info({ backlog: this.#backlog, lastError: this.#lastError }, 'store link up: sending the sales that waited');
    else if (this.#linkUp === null) this.#log.info({ backlog: this.#backlog }, 'store link up');
    this.#linkUp = true;
    this.#failures = 0;
    this.#lastError = null;
    this.#emitIfChanged();
  }

  #onFailure(error: unknown): void {
    if (this.#stopped) return;
    const message = errorText(error);
    const refused = error instanceof StoreRequestError && error.kind === 'refused';
    const base = refused ? this.#timing.refusedRetryMs : Math.min(this.#timing.maxRetryMs, this.#timing.firstRetryMs * 2 ** Math.min(this.#failures, 30));
    // Between half and all of it: lanes that lost the store together do not all come back in the same instant.
    const delay = refused ? base : Math.round(base * (0.5 + Math.random() * 0.5));
    this.#failures++;
    const wasUp = this.#linkUp !== false;
    const changed = message !== this.#lastError;
    this.#linkUp = false;
    this.#lastError = message;
    if (wasUp || changed) {
      const fields = { error: message, backlog: this.#backlog, retryInMs: delay };
      if (refused || !(error instanceof StoreRequestError)) this.#log.error(fields, 'sales cannot be sent to the store; the lane keeps selling and keeps them until they can');
      else this.#log.warn(fields, 'the store is out of reach; the lane keeps selling and sends its sales when it is back');
    }
    this.#backingOff = true;
    this.#schedule(delay);
    this.#emitIfChanged();
  }

  #housekeep(): void {
    this.#refresh();
    // Sales put back in the queue from outside (store IT's `lane outbox retry`) go without waiting for the next sale.
    if (this.#backlog > 0 && !this.#pumping && !this.#backingOff && !this.#stopped) this.#schedule(0);
    if (this.#lastPruneAt === null || this.#now() - this.#lastPruneAt >= this.#timing.pruneIntervalMs) this.#prune();
  }

  /** Short transactions, a tick apart, so a first prune of a big outbox never holds up a scan. */
  #prune(): void {
    if (this.#stopped) return;
    this.#lastPruneAt = this.#now();
    const cutoff = this.#now() - this.#limits.keepSentDays * 24 * 3_600_000;
    let pruned = 0;
    const step = (): void => {
      if (this.#stopped) return;
      let removed: number;
      try {
        removed = this.#options.outbox.pruneSentSales(cutoff, 500);
      } catch (error) {
        this.#log.error({ error: errorText(error) }, 'sent sales could not be pruned from the outbox');
        return;
      }
      pruned += removed;
      if (removed === 500) setImmediate(step);
      else if (pruned > 0) this.#log.info({ pruned, keepSentDays: this.#limits.keepSentDays }, 'sales the store has were pruned from the outbox');
    };
    step();
  }

  /** Backlog figures from the journal, and the early alert as they cross its limits. */
  #refresh(): void {
    try {
      const backlog = this.#options.outbox.outboxBacklog();
      this.#backlog = backlog.unsent;
      this.#oldestUnsentAt = backlog.oldestUnsentAt;
      this.#conflicts = backlog.flagged;
    } catch (error) {
      this.#log.error({ error: errorText(error) }, 'the outbox backlog could not be read');
      return;
    }
    const ageMs = this.#oldestUnsentAt === null ? 0 : this.#now() - this.#oldestUnsentAt;
    const alert = this.#backlog >= this.#limits.alertAfterSales || (this.#oldestUnsentAt !== null && ageMs >= this.#limits.alertAfterHours * 3_600_000);
    if (alert !== this.#alert) {
      this.#alert = alert;
      const fields = { backlog: this.#backlog, oldestUnsentAt: this.#oldestUnsentAt, oldestAgeHours: Math.round(ageMs / 360_000) / 10, ...this.#limits, lastError: this.#lastError };
      if (alert) this.#log.error(fields, 'sales are piling up unsent to the store: they are safe on this lane, but store IT should restore the store link before the disk fills');
      else this.#log.info(fields, 'the unsent sales backlog is back under its alert limits');
    }
    this.#emitIfChanged();
  }

  #emitIfChanged(): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.#lastStatus) return;
    this.#lastStatus = key;
    try {
      this.#onStatusChange.fire(status);
    } catch (error) {
      this.#log.error({ error: errorText(error) }, 'a store status listener failed');
    }
  }
}
