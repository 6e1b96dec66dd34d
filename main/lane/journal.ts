import { randomBytes } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { learnWeight, weightProfileSchema, type WeightProfile } from '../../shared/checkout/bagging';
import type { AssistantAction, BaggingObservation, Sale } from '../../shared/checkout/sale';
import { saleTotal } from '../../shared/checkout/pricing';
import { openDatabase, type Db } from '../db/database';
import { journalMigrations } from './migrations';

export interface SavedState {
  readonly eventSeq: number;
  readonly state: string;
  readonly snapshot: unknown;
}

export interface JournalEntry {
  readonly at: number;
  /** The event the statechart processed (or `xstate.*` for internal ones). */
  readonly event: { readonly type: string } & Record<string, unknown>;
  readonly saleId: string | null;
  /** Dotted state path after the event. */
  readonly state: string;
  /** The persisted statechart snapshot after the event; absent when the event changed nothing. */
  readonly snapshot?: unknown;
  /** Set when this event closed a sale: it goes to the outbox in the same transaction. */
  readonly closedSale?: Sale | undefined;
  /** Set when this event was an assistant's action: it goes to the audit table in the same transaction. */
  readonly assistantAction?: AssistantAction | undefined;
  /** Set when this event took over a suspended sale: it is marked resumed in the same transaction. */
  readonly resumed?: { readonly suspendedSaleId: string; readonly bySaleId: string } | undefined;
}

export interface AssistantActionRow extends AssistantAction {
  readonly seq: number;
  readonly eventSeq: number;
}

export interface OutboxRow {
  readonly saleId: string;
  readonly saleNumber: number;
  readonly status: 'completed' | 'cancelled';
  readonly totalMinor: number;
  readonly closedAt: number;
  readonly sale: Sale;
  readonly sentAt: number | null;
}

/**
 * The lane's durable record. Each `commit` is one SQLite transaction with
 * synchronous=FULL: the event, the statechart snapshot after it and (when a sale
 * closed) its outbox row are on disk together before anyone is shown the change.
 */
export class Journal {
  readonly epoch: string;
  readonly #insertEvent: Statement;
  readonly #saveState: Statement;
  readonly #insertOutbox: Statement;
  readonly #selectWeight: Statement;
  readonly #upsertWeight: Statement;
  readonly #insertAssistantAction: Statement;
  readonly #insertSuspended: Statement;
  readonly #markResumed: Statement;
  readonly #selectSuspended: Statement;
  readonly #commit: (entry: JournalEntry) => number;

  #commitsSinceCheckpoint = 0;

  constructor(readonly db: Db) {
    // Checkpoints (copying the WAL back into the database) would otherwise run inside whichever
    // commit crosses the threshold, i.e. in the middle of a scan; the lane runs them between sales.
    db.pragma('wal_autocheckpoint = 0');
    this.epoch = this.#ensureEpoch();
    this.#insertEvent = db.prepare('INSERT INTO events (at, type, sale_id, state, payload) VALUES (?, ?, ?, ?, ?)');
    this.#saveState = db.prepare(
      `INSERT INTO lane_state (id, event_seq, state, snapshot, updated_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET event_seq = excluded.event_seq, state = excluded.state, snapshot = excluded.snapshot, updated_at = excluded.updated_at`,
    );
    // OR IGNORE: re-committing an already closed sale (e.g. after a restore) must not fail the event.
    this.#insertOutbox = db.prepare(
      'INSERT OR IGNORE INTO outbox (sale_id, sale_number, status, total_minor, closed_at, payload) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#selectWeight = db.prepare('SELECT profile FROM item_weights WHERE gtin = ?');
    this.#upsertWeight = db.prepare(
      'INSERT INTO item_weights (gtin, profile, updated_at) VALUES (?, ?, ?) ON CONFLICT (gtin) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at',
    );
    this.#insertAssistantAction = db.prepare(
      'INSERT INTO assistant_actions (at, assistant_id, assistant, role, via, action, sale_id, detail, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#insertSuspended = db.prepare('INSERT OR IGNORE INTO suspended_sales (sale_id, suspended_at, total_minor, payload) VALUES (?, ?, ?, ?)');
    this.#markResumed = db.prepare('UPDATE suspended_sales SET resumed_at = ?, resumed_by_sale = ? WHERE sale_id = ? AND resumed_at IS NULL');
    this.#selectSuspended = db.prepare('SELECT payload FROM suspended_sales WHERE sale_id = ? AND resumed_at IS NULL');
    this.#commit = db.transaction((entry: JournalEntry) => {
      const seq = Number(this.#insertEvent.run(entry.at, entry.event.type, entry.saleId, entry.state, JSON.stringify(entry.event)).lastInsertRowid);
      const action = entry.assistantAction;
      if (action) {
        this.#insertAssistantAction.run(action.at, action.by.id, action.by.name, action.by.role, action.via, action.action, action.saleId ?? null, action.detail ? JSON.stringify(action.detail) : null, seq);
      }
      if (entry.snapshot !== undefined) this.#saveState.run(seq, entry.state, JSON.stringify(entry.snapshot), entry.at);
      if (entry.resumed) this.#markResumed.run(entry.at, entry.resumed.bySaleId, entry.resumed.suspendedSaleId);
      const sale = entry.closedSale;
      if (sale?.status === 'suspended') {
        this.#insertSuspended.run(sale.id, sale.closedAt ?? entry.at, saleTotal(sale), JSON.stringify(sale));
      } else if (sale && sale.status !== 'open') {
        const inserted = this.#insertOutbox.run(sale.id, sale.number, sale.status, saleTotal(sale), sale.closedAt ?? entry.at, JSON.stringify(sale)).changes > 0;
        // Learned once per sale (the outbox row is the "once"), and only from sales that completed.
        if (inserted && sale.status === 'completed') this.#learnWeights(sale, entry.at);
      }
      return seq;
    });
  }

  /** A suspended sale that has not been resumed yet, by its id (from the slip). */
  suspendedSale(saleId: string): Sale | undefined {
    const row = this.#selectSuspended.get(saleId) as { payload: string } | undefined;
    return row ? (JSON.parse(row.payload) as Sale) : undefined;
  }

  /** Assistant actions, oldest first (for audits, shift reports and tests). */
  assistantActions(options: { saleId?: string; afterSeq?: number; limit?: number } = {}): AssistantActionRow[] {
    const rows = this.db
      .prepare(
        `SELECT seq, at, assistant_id, assistant, role, via, action, sale_id, detail, event_seq FROM assistant_actions
         WHERE seq > ? AND (? IS NULL OR sale_id = ?) ORDER BY seq LIMIT ?`,
      )
      .all(options.afterSeq ?? 0, options.saleId ?? null, options.saleId ?? null, options.limit ?? 1000) as {
      seq: number; at: number; assistant_id: string; assistant: string; role: 'assistant' | 'supervisor'; via: 'lane' | 'supervisor'; action: string; sale_id: string | null; detail: string | null; event_seq: number;
    }[];
    return rows.map((row) => ({
      seq: row.seq,
      eventSeq: row.event_seq,
      at: row.at,
      by: { id: row.assistant_id, name: row.assistant, role: row.role },
      via: row.via,
      action: row.action,
      saleId: row.sale_id ?? undefined,
      detail: row.detail ? (JSON.parse(row.detail) as AssistantAction['detail']) : undefined,
    }));
  }

  /** What the lane has learned an item weighs in the bagging area, if anything. */
  weightProfile(gtin: string): WeightProfile | undefined {
    const row = this.#selectWeight.get(gtin) as { profile: string } | undefined;
    if (!row) return undefined;
    const parsed = weightProfileSchema.safeParse(JSON.parse(row.profile));
    // A profile this version cannot read is relearned rather than trusted.
    return parsed.success ? parsed.data : undefined;
  }

  #learnWeights(sale: Sale, at: number): void {
    this.#learn(sale.baggingObservations ?? [], at);
  }

  #learn(observations: readonly BaggingObservation[], at: number): void {
    for (const observation of observations) {
      const profile = learnWeight(this.weightProfile(observation.gtin), observation.grams);
      this.#upsertWeight.run(observation.gtin, JSON.stringify(profile), at);
    }
  }

  /** Learns weights observed elsewhere (another lane, the store's catalogue, a demo's history) in one transaction. */
  learnWeights(observations: readonly BaggingObservation[], at = Date.now()): void {
    this.db.transaction(() => this.#learn(observations, at))();
  }

  static open(path: string): Journal {
    return new Journal(openDatabase(path, journalMigrations, { synchronous: 'FULL' }));
  }

  #ensureEpoch(): string {
    const row = this.db.prepare("SELECT value FROM lane_meta WHERE key = 'epoch'").get() as { value: string } | undefined;
    if (row) return row.value;
    const epoch = randomBytes(4).toString('hex');
    this.db.prepare("INSERT INTO lane_meta (key, value) VALUES ('epoch', ?), ('created_at', ?)").run(epoch, String(Date.now()));
    return epoch;
  }

  /** Returns the event's sequence number once it is on disk. */
  commit(entry: JournalEntry): number {
    const seq = this.#commit(entry);
    this.#commitsSinceCheckpoint++;
    return seq;
  }

  /**
   * Folds the write-ahead log back into the database. The lane calls this when no shopper is
   * waiting (between sales).
   */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.#commitsSinceCheckpoint = 0;
  }

  /** A lane that has not been idle for a long while still needs its log folded back now and then. */
  get checkpointOverdue(): boolean {
    return this.#commitsSinceCheckpoint >= 2_000;
  }

  loadState(): SavedState | undefined {
    const row = this.db.prepare('SELECT event_seq, state, snapshot FROM lane_state WHERE id = 1').get() as { event_seq: number; state: string; snapshot: string } | undefined;
    return row ? { eventSeq: row.event_seq, state: row.state, snapshot: JSON.parse(row.snapshot) } : undefined;
  }

  /** Keeps a snapshot this version could not restore, so an assistant can still see the basket. */
  quarantine(snapshot: unknown, error: string): void {
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO quarantined_state (at, error, snapshot) VALUES (?, ?, ?)').run(Date.now(), error, JSON.stringify(snapshot));
      this.db.prepare('DELETE FROM lane_state WHERE id = 1').run();
    })();
  }

  /**
   * The highest sale number used here — closed sales, and open ones kept in quarantine — so
   * numbering continues after a lost state and no sale id is ever issued twice.
   */
  lastUsedSaleNumber(): number {
    const closed = (this.db.prepare('SELECT coalesce(max(sale_number), 0) AS n FROM outbox').get() as { n: number }).n;
    const quarantined = (
      this.db.prepare("SELECT coalesce(max(json_extract(snapshot, '$.context.lastSaleNumber')), 0) AS n FROM quarantined_state WHERE json_valid(snapshot)").get() as { n: number | string }
    ).n;
    return Math.max(closed, Number.isSafeInteger(Number(quarantined)) ? Number(quarantined) : 0);
  }

  outbox(options: { unsentOnly?: boolean; limit?: number } = {}): OutboxRow[] {
    const rows = this.db
      .prepare(
        `SELECT sale_id, sale_number, status, total_minor, closed_at, payload, sent_at FROM outbox
         ${options.unsentOnly ? 'WHERE sent_at IS NULL' : ''} ORDER BY sale_number LIMIT ?`,
      )
      .all(options.limit ?? 1000) as { sale_id: string; sale_number: number; status: 'completed' | 'cancelled'; total_minor: number; closed_at: number; payload: string; sent_at: number | null }[];
    return rows.map((row) => ({
      saleId: row.sale_id,
      saleNumber: row.sale_number,
      status: row.status,
      totalMinor: row.total_minor,
      closedAt: row.closed_at,
      sale: JSON.parse(row.payload) as Sale,
      sentAt: row.sent_at,
    }));
  }

  recentEvents(limit = 50): { seq: number; at: number; type: string; saleId: string | null; state: string }[] {
    return (
      this.db.prepare('SELECT seq, at, type, sale_id AS saleId, state FROM events ORDER BY seq DESC LIMIT ?').all(limit) as {
        seq: number;
        at: number;
        type: string;
        saleId: string | null;
        state: string;
      }[]
    ).reverse();
  }

  close(): void {
    this.db.close();
  }
}
