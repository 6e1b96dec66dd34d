import { randomBytes } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { learnWeight, weightProfileSchema, type WeightProfile } from '../../shared/checkout/bagging';
import type { AssistantAction, BaggingObservation, Sale } from '../../shared/checkout/sale';
import { saleTotal } from '../../shared/checkout/pricing';
import type { CommandOutcome } from '../../shared/supervisor/protocol';
import { openDatabase, type Db } from '../db/database';
import { journalMigrations } from './migrations';
import type { SecurityEvent, SecurityEventRow } from './securityEvents';

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

/** What one commit wrote: the event's sequence number, and the audit row's when it was an assistant's action. */
export interface CommittedEntry {
  readonly eventSeq: number;
  readonly assistantActionSeq?: number | undefined;
}

/** A sale that left the lane: completed or cancelled (the outbox), or suspended with a slip. */
export interface ClosedSaleRow {
  readonly sale: Sale;
  readonly closedAt: number;
  /**
   * Cancelled while the lane had it parked (the shopper walked away and never came back to it):
   * the state the lane was in just before the cancelling event, passing over the "cancel the
   * sale?" question, was `parked`.
   */
  readonly abandoned: boolean;
}

/** Between sales: a sale's first event in one of these states is the one that closed it. */
const betweenSalesStates = ['idle', 'closed', 'outOfService', 'maintenance'] as const;

/**
 * How long past its expiry a command id is kept. Commands are refused as expired before their
 * id is looked up, so this only has to outlast clock corrections (the hub offset, NTP steps).
 */
const commandIdRetentionMs = 10 * 60_000;
/** Expired command ids are pruned on every this many remembered. */
const commandPruneInterval = 50;

/** A command from the hub the lane accepted as authentic (its nonce), and what became of it. */
export interface SupervisorCommandRow {
  readonly id: string;
  readonly expiresAt: number;
  readonly receivedAt: number;
  readonly byId: string | null;
  readonly action: string | null;
  /** Null between being remembered and being carried out (or for a lane that stopped in between). */
  readonly outcome: CommandOutcome | null;
  readonly reason: string | null;
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

/** A closed sale waiting for the store, with its payload exactly as journaled (the upload's digest is of this text). */
export interface UnsentSaleRow {
  readonly saleId: string;
  readonly saleNumber: number;
  readonly status: 'completed' | 'cancelled';
  readonly totalMinor: number;
  readonly closedAt: number;
  readonly payload: string;
}

/** Why the store will not take a sale as it is: kept and reported, never resent by itself. */
export type OutboxFlag = 'conflict' | 'invalid';

/** What is still to go to the store. */
export interface OutboxBacklog {
  /** Unsent sales the uploader will send (flagged ones are counted in `flagged`). */
  readonly unsent: number;
  /** When the oldest of them closed (lane clock), or null when there is none. */
  readonly oldestUnsentAt: number | null;
  /** Unsent sales flagged as conflicting or refused. */
  readonly flagged: number;
}

/**
 * The outbox's backlog: unsent sales, the oldest one's close, and flagged ones. Each figure comes
 * from its own partial index (outbox_unsent, outbox_flagged): read after every sale, it costs the
 * backlog's size, never the whole outbox's (every sale kept, payload and all).
 */
export const outboxBacklogSql = `SELECT (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND flagged IS NULL) AS unsent,
  (SELECT min(closed_at) FROM outbox WHERE sent_at IS NULL AND flagged IS NULL) AS oldest,
  (SELECT count(*) FROM outbox WHERE flagged IS NOT NULL AND sent_at IS NULL) AS flagged`;

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
  readonly #commit: (entry: JournalEntry) => CommittedEntry;
  readonly #insertCommand: Statement;
  readonly #updateCommand: Statement;
  readonly #pruneCommands: Statement;
  readonly #insertSecurityEvent: Statement;
  readonly #selectStateBefore: Statement;

  #commitsSinceCheckpoint = 0;
  #commandsSincePrune = 0;

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
    this.#insertCommand = db.prepare('INSERT OR IGNORE INTO supervisor_commands (id, expires_at, received_at) VALUES (?, ?, ?)');
    this.#updateCommand = db.prepare('UPDATE supervisor_commands SET by_id = ?, action = ?, outcome = ?, reason = ? WHERE id = ?');
    this.#pruneCommands = db.prepare('DELETE FROM supervisor_commands WHERE expires_at < ?');
    this.#insertSecurityEvent = db.prepare('INSERT INTO security_events (at, kind, detail) VALUES (?, ?, ?)');
    const between = betweenSalesStates.map((state) => `'${state}'`).join(', ');
    // The sale's first event between sales is the one that closed it; the state before that is where the lane had it.
    this.#selectStateBefore = db.prepare(
      `SELECT state FROM events WHERE sale_id = @saleId AND state <> 'scanning.confirmingCancel'
         AND seq < coalesce((SELECT min(seq) FROM events WHERE sale_id = @saleId AND state IN (${between})), 9223372036854775807)
       ORDER BY seq DESC LIMIT 1`,
    );
    this.#commit = db.transaction((entry: JournalEntry): CommittedEntry => {
      const seq = Number(this.#insertEvent.run(entry.at, entry.event.type, entry.saleId, entry.state, JSON.stringify(entry.event)).lastInsertRowid);
      const action = entry.assistantAction;
      let assistantActionSeq: number | undefined;
      if (action) {
        assistantActionSeq = Number(
          this.#insertAssistantAction.run(action.at, action.by.id, action.by.name, action.by.role, action.via, action.action, action.saleId ?? null, action.detail ? JSON.stringify(action.detail) : null, seq)
            .lastInsertRowid,
        );
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
      return { eventSeq: seq, assistantActionSeq };
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
      .prepare(`SELECT ${assistantActionColumns} FROM assistant_actions WHERE seq > ? AND (? IS NULL OR sale_id = ?) ORDER BY seq LIMIT ?`)
      .all(options.afterSeq ?? 0, options.saleId ?? null, options.saleId ?? null, options.limit ?? 1000) as AssistantActionDbRow[];
    return rows.map(assistantActionRow);
  }

  /** The newest `limit` assistant actions (optionally only those given `via` the lane or the station), oldest first. */
  recentAssistantActions(options: { limit: number; via?: AssistantAction['via'] }): AssistantActionRow[] {
    const rows = this.db
      .prepare(`SELECT ${assistantActionColumns} FROM assistant_actions WHERE (@via IS NULL OR via = @via) ORDER BY seq DESC LIMIT @limit`)
      .all({ via: options.via ?? null, limit: options.limit }) as AssistantActionDbRow[];
    return rows.reverse().map(assistantActionRow);
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
    // 4 MiB of pages: what a lane reads back is the open sale and the unsent outbox, both recent;
    // the rest of a month of sales stays in the OS's file cache, and the lane's memory stops
    // growing within its first few hundred sales rather than after thousands.
    return new Journal(openDatabase(path, journalMigrations, { synchronous: 'FULL', cacheMiB: 4 }));
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
    return this.commitEntry(entry).eventSeq;
  }

  /** As `commit`, with the audit row's number when the entry was an assistant's action. */
  commitEntry(entry: JournalEntry): CommittedEntry {
    const committed = this.#commit(entry);
    this.#commitsSinceCheckpoint++;
    return committed;
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

  /** The oldest unsent, unflagged sales, in sale-number order (the order they closed). */
  unsentSales(limit: number): UnsentSaleRow[] {
    return this.db
      .prepare(
        `SELECT sale_id AS saleId, sale_number AS saleNumber, status, total_minor AS totalMinor, closed_at AS closedAt, payload FROM outbox
         WHERE sent_at IS NULL AND flagged IS NULL ORDER BY sale_number LIMIT ?`,
      )
      .all(limit) as UnsentSaleRow[];
  }

  /** Marks sales the store has (stored, or already had), in one transaction. Returns how many were newly marked. */
  markSalesSent(saleIds: readonly string[], at: number): number {
    const mark = this.db.prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE sale_id = ? AND sent_at IS NULL');
    return this.db.transaction(() => saleIds.reduce((marked, saleId) => marked + mark.run(at, saleId).changes, 0))();
  }

  /** Flags an unsent sale the store will not take as it is; it stays in the outbox (never lost) but is no longer offered. */
  flagSale(saleId: string, flag: OutboxFlag, detail: string, at: number): boolean {
    return this.db.prepare('UPDATE outbox SET flagged = ?, flagged_at = ?, flag_detail = ? WHERE sale_id = ? AND sent_at IS NULL').run(flag, at, detail.slice(0, 1000), saleId).changes > 0;
  }

  /** Flagged sales, oldest first (store IT's diagnostics). */
  flaggedSales(limit = 100): { saleId: string; saleNumber: number; flag: OutboxFlag; flaggedAt: number; detail: string | null }[] {
    return this.db
      .prepare('SELECT sale_id AS saleId, sale_number AS saleNumber, flagged AS flag, flagged_at AS flaggedAt, flag_detail AS detail FROM outbox WHERE flagged IS NOT NULL AND sent_at IS NULL ORDER BY sale_number LIMIT ?')
      .all(limit) as { saleId: string; saleNumber: number; flag: OutboxFlag; flaggedAt: number; detail: string | null }[];
  }

  /** Puts flagged sales back in the queue (store IT, once the store side is sorted out). Returns how many. */
  unflagSales(saleIds?: readonly string[]): number {
    if (!saleIds) return this.db.prepare('UPDATE outbox SET flagged = NULL, flagged_at = NULL, flag_detail = NULL WHERE flagged IS NOT NULL AND sent_at IS NULL').run().changes;
    const unflag = this.db.prepare('UPDATE outbox SET flagged = NULL, flagged_at = NULL, flag_detail = NULL WHERE sale_id = ? AND sent_at IS NULL');
    return this.db.transaction(() => saleIds.reduce((count, saleId) => count + unflag.run(saleId).changes, 0))();
  }

  outboxBacklog(): OutboxBacklog {
    const row = this.db.prepare(outboxBacklogSql).get() as { unsent: number; oldest: number | null; flagged: number };
    return { unsent: row.unsent, oldestUnsentAt: row.oldest, flagged: row.flagged };
  }

  /**
   * Deletes sales the store has and that closed before `closedBefore`, at most `limit` per call
   * (a short transaction between scans). Unsent and flagged sales are never pruned, nor the
   * newest sale: its number is where numbering continues (`lastUsedSaleNumber`).
   */
  pruneSentSales(closedBefore: number, limit = 1000): number {
    return this.db
      .prepare(
        `DELETE FROM outbox WHERE rowid IN (
           SELECT rowid FROM outbox WHERE sent_at IS NOT NULL AND closed_at < ?
             AND sale_number < (SELECT max(sale_number) FROM outbox)
           ORDER BY closed_at LIMIT ?)`,
      )
      .run(closedBefore, limit).changes;
  }

  /**
   * Records a command id the first time it is seen (the supervisor link's nonce store); false when
   * it is already here. `now` is the clock commands are checked against; long-expired ids are
   * pruned now and then.
   */
  rememberCommand(id: string, expiresAt: number, now = Date.now()): boolean {
    if (++this.#commandsSincePrune >= commandPruneInterval) {
      this.#commandsSincePrune = 0;
      this.#pruneCommands.run(now - commandIdRetentionMs);
    }
    return this.#insertCommand.run(id, expiresAt, Date.now()).changes > 0;
  }

  /** What became of a remembered command, and who gave it. */
  recordCommandOutcome(id: string, outcome: { readonly byId?: string | undefined; readonly action?: string | undefined; readonly outcome: CommandOutcome; readonly reason?: string | undefined }): void {
    this.#updateCommand.run(outcome.byId ?? null, outcome.action ?? null, outcome.outcome, outcome.reason ?? null, id);
  }

  /** A command as remembered (diagnostics and tests). */
  supervisorCommand(id: string): SupervisorCommandRow | undefined {
    return this.db
      .prepare('SELECT id, expires_at AS expiresAt, received_at AS receivedAt, by_id AS byId, action, outcome, reason FROM supervisor_commands WHERE id = ?')
      .get(id) as SupervisorCommandRow | undefined;
  }

  /** Returns the security event's sequence number. */
  recordSecurityEvent(event: SecurityEvent, at = Date.now()): number {
    const { kind, ...detail } = event;
    return Number(this.#insertSecurityEvent.run(at, kind, JSON.stringify(detail)).lastInsertRowid);
  }

  /** Security events after `afterSeq`, oldest first. */
  securityEvents(options: { afterSeq?: number; limit?: number } = {}): SecurityEventRow[] {
    const rows = this.db.prepare('SELECT seq, at, kind, detail FROM security_events WHERE seq > ? ORDER BY seq LIMIT ?').all(options.afterSeq ?? 0, options.limit ?? 1000) as SecurityEventDbRow[];
    return rows.map(securityEventRow);
  }

  /** The newest `limit` security events, oldest first. */
  recentSecurityEvents(limit: number): SecurityEventRow[] {
    const rows = this.db.prepare('SELECT seq, at, kind, detail FROM security_events ORDER BY seq DESC LIMIT ?').all(limit) as SecurityEventDbRow[];
    return rows.reverse().map(securityEventRow);
  }

  /** The newest `limit` closed sales — completed, cancelled or suspended — oldest first. */
  recentClosedSales(limit: number): ClosedSaleRow[] {
    // Newest first along each table's own order (the outbox's sale-number index, the suspended sales' rowid), so only `limit` payloads are read from each.
    const closed = this.db.prepare('SELECT closed_at, payload FROM outbox ORDER BY sale_number DESC LIMIT ?').all(limit) as { closed_at: number; payload: string }[];
    const suspended = this.db.prepare('SELECT suspended_at AS closed_at, payload FROM suspended_sales ORDER BY rowid DESC LIMIT ?').all(limit) as { closed_at: number; payload: string }[];
    return [...closed, ...suspended]
      .map((row) => this.#closedSaleRow(JSON.parse(row.payload) as Sale, row.closed_at))
      .sort((a, b) => a.closedAt - b.closedAt || a.sale.number - b.sale.number)
      .slice(-limit);
  }

  /** One closed sale by its id, if it closed here. */
  closedSale(saleId: string): ClosedSaleRow | undefined {
    const row = (this.db.prepare('SELECT closed_at, payload FROM outbox WHERE sale_id = ?').get(saleId) ??
      this.db.prepare('SELECT suspended_at AS closed_at, payload FROM suspended_sales WHERE sale_id = ?').get(saleId)) as { closed_at: number; payload: string } | undefined;
    return row ? this.#closedSaleRow(JSON.parse(row.payload) as Sale, row.closed_at) : undefined;
  }

  #closedSaleRow(sale: Sale, closedAt: number): ClosedSaleRow {
    const abandoned = sale.status === 'cancelled' && (this.#selectStateBefore.pluck().get({ saleId: sale.id }) as string | undefined) === 'parked';
    return { sale, closedAt: sale.closedAt ?? closedAt, abandoned };
  }

  /**
   * When the lane entered `state` (the first of the newest run of events in it), e.g. how long a
   * restored lane has been waiting for an assistant.
   */
  stateEnteredAt(state: string): number | undefined {
    const before = this.db.prepare('SELECT seq FROM events WHERE state <> ? ORDER BY seq DESC LIMIT 1').pluck().get(state) as number | undefined;
    return this.db.prepare('SELECT at FROM events WHERE seq > ? ORDER BY seq LIMIT 1').pluck().get(before ?? 0) as number | undefined;
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

  /**
   * One outbox sale by its id, as the journal holds it (the payload is the text the upload's digest
   * is of) and where it stands: sent, waiting or flagged. Store IT's `lane outbox export`.
   */
  outboxSale(
    saleId: string,
  ): (UnsentSaleRow & { readonly sentAt: number | null; readonly flag: OutboxFlag | null; readonly flaggedAt: number | null; readonly flagDetail: string | null }) | undefined {
    return this.db
      .prepare(
        `SELECT sale_id AS saleId, sale_number AS saleNumber, status, total_minor AS totalMinor, closed_at AS closedAt, payload,
                sent_at AS sentAt, flagged AS flag, flagged_at AS flaggedAt, flag_detail AS flagDetail
         FROM outbox WHERE sale_id = ?`,
      )
      .get(saleId) as ReturnType<Journal['outboxSale']>;
  }

  /** Sales the store has that are still kept here (until `pruneSentSales`). */
  sentSalesKept(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NOT NULL').get() as { n: number }).n;
  }
}

interface SecurityEventDbRow {
  seq: number;
  at: number;
  kind: SecurityEvent['kind'];
  detail: string;
}

function securityEventRow(row: SecurityEventDbRow): SecurityEventRow {
  return { seq: row.seq, at: row.at, event: { ...(JSON.parse(row.detail) as object), kind: row.kind } as SecurityEvent };
}

const assistantActionColumns = 'seq, at, assistant_id, assistant, role, via, action, sale_id, detail, event_seq';

interface AssistantActionDbRow {
  seq: number;
  at: number;
  assistant_id: string;
  assistant: string;
  role: 'assistant' | 'supervisor';
  via: 'lane' | 'supervisor';
  action: string;
  sale_id: string | null;
  detail: string | null;
  event_seq: number;
}

function assistantActionRow(row: AssistantActionDbRow): AssistantActionRow {
  return {
    seq: row.seq,
    eventSeq: row.event_seq,
    at: row.at,
    by: { id: row.assistant_id, name: row.assistant, role: row.role },
    via: row.via,
    action: row.action,
    saleId: row.sale_id ?? undefined,
    detail: row.detail ? (JSON.parse(row.detail) as AssistantAction['detail']) : undefined,
  };
}
