import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { LaneView } from '../../shared/bridge/laneView';
import { isRestorableSnapshot, type CheckoutContext } from '../../shared/checkout/machine';
import { amountDueMinor, priceSale, saleTotal } from '../../shared/checkout/pricing';
import type { BasketLine, PaymentRecord, Sale } from '../../shared/checkout/sale';

/**
 * The crash proof's checker: what a lane's journal says was committed, read straight from its
 * tables (not through the runtime), and how that compares with what a restarted lane restored
 * and with what the killed lane had last shown.
 */

/** A view as compact as a diff needs: state, basket, totals, payments, outbox; `digest` covers the whole context. */
export interface ViewFingerprint {
  /** The journal sequence number of the commit behind the view. */
  readonly version: number;
  readonly state: string;
  readonly saleId: string | null;
  /** `lineId:gtin×quantity[/grams g]=price` per basket line. */
  readonly lines: readonly string[];
  readonly totalMinor: number;
  /** `card:reference:amount` or `cash:amount/tendered` per payment. */
  readonly payments: readonly string[];
  readonly closedSaleId: string | null;
  /** Rows in the journal's outbox (completed and cancelled sales). */
  readonly outboxRows: number;
  /** Of the whole checkout context but the lane's configuration (which a restart takes from the configuration). */
  readonly digest: string;
}

/** JSON with object keys sorted, `undefined` left out: the same data gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

function digestOf(context: CheckoutContext): string {
  const { lane: _lane, ...rest } = context;
  return createHash('sha1').update(canonicalJson(rest)).digest('hex').slice(0, 16);
}

function lineText(line: BasketLine): string {
  return `${line.lineId}:${line.gtin}×${line.quantity}${line.weightGrams === undefined ? '' : `/${line.weightGrams}g`}=${line.priceMinor}`;
}

function paymentText(payment: PaymentRecord): string {
  return payment.tender === 'card' ? `card:${payment.reference}:${payment.amountMinor}` : `${payment.tender}:${payment.amountMinor}/${payment.tenderedMinor}`;
}

/** The fingerprint of a state and context (a published view, or a committed snapshot). */
export function fingerprintOf(state: string, context: CheckoutContext, version: number, outboxRows: number): ViewFingerprint {
  const sale = context.sale;
  return {
    version,
    state,
    saleId: sale?.id ?? null,
    lines: (sale?.lines ?? []).map(lineText),
    totalMinor: sale ? priceSale(sale).totalMinor : 0,
    payments: (sale?.payments ?? []).map(paymentText),
    closedSaleId: context.closedSale?.id ?? null,
    outboxRows,
    digest: digestOf(context),
  };
}

export function fingerprintOfView(view: LaneView, outboxRows: number): ViewFingerprint {
  const fingerprint = fingerprintOf(view.state, view.context, view.version, outboxRows);
  // The view's own total, as the screen showed it (the fingerprint's is recomputed from the sale).
  return { ...fingerprint, totalMinor: view.totalMinor };
}

export interface CommittedOutboxRow {
  readonly saleId: string;
  readonly number: number;
  readonly status: string;
  readonly totalMinor: number;
  /** Of the payload text exactly as journaled. */
  readonly digest: string;
}

export interface CommittedSuspendedSale {
  readonly saleId: string;
  readonly resumedBySale: string | null;
}

/** What the journal holds, read straight from its tables. */
export interface CommittedLane {
  /** False when the lane was killed before it created its journal file. */
  readonly journalExists: boolean;
  readonly journalIntegrity: string;
  readonly catalogIntegrity: string;
  /** False while the lane has never saved a state (killed before its first commit). */
  readonly started: boolean;
  /** The sequence number of the event whose snapshot `lane_state` holds. */
  readonly eventSeq: number;
  /** The newest event (events the state ignored are journaled without a new snapshot). */
  readonly lastEventSeq: number;
  readonly state: string;
  readonly context: CheckoutContext | null;
  readonly fingerprint: ViewFingerprint | null;
  readonly outbox: readonly CommittedOutboxRow[];
  readonly suspended: readonly CommittedSuspendedSale[];
  /** Card payment references in closed and open sales (each must be unique: a card is never charged twice). */
  readonly cardReferences: number;
  /** What does not add up within the journal itself. */
  readonly problems: readonly string[];
}

/** The outbox alone (no checks): what a restart must leave exactly as it found it. */
export function readOutbox(journalPath: string): CommittedOutboxRow[] {
  if (!existsSync(journalPath)) return [];
  const db = new Database(journalPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT sale_id, sale_number, status, total_minor, payload FROM outbox ORDER BY sale_number').all() as OutboxDbRow[];
    return rows.map(outboxRowOf);
  } finally {
    db.close();
  }
}

/** The types of the events journaled after `afterSeq` up to `uptoSeq`: what was committed after the last view the lane showed. */
export function eventTypesBetween(journalPath: string, afterSeq: number, uptoSeq: number): string[] {
  const db = new Database(journalPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT type FROM events WHERE seq > ? AND seq <= ? ORDER BY seq').pluck().all(afterSeq, uptoSeq) as string[];
  } finally {
    db.close();
  }
}

interface OutboxDbRow {
  sale_id: string;
  sale_number: number;
  status: string;
  total_minor: number;
  payload: string;
}

function outboxRowOf(row: OutboxDbRow): CommittedOutboxRow {
  return { saleId: row.sale_id, number: row.sale_number, status: row.status, totalMinor: row.total_minor, digest: textDigest(row.payload) };
}

function integrity(db: Database.Database): string {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((row) => row.integrity_check).join('; ');
}

function textDigest(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 16);
}

/**
 * Opens both files read-only (as they were left), checks them and reads what was committed. A
 * lane killed before it created its journal has none: nothing was committed.
 */
export function readCommitted(journalPath: string, catalogPath: string): CommittedLane {
  const catalog = new Database(catalogPath, { readonly: true, fileMustExist: true });
  let catalogIntegrity: string;
  try {
    catalogIntegrity = integrity(catalog);
  } finally {
    catalog.close();
  }
  if (!existsSync(journalPath)) {
    const problems = catalogIntegrity === 'ok' ? [] : [`catalogue integrity_check: ${catalogIntegrity}`];
    return { journalExists: false, journalIntegrity: 'no journal', catalogIntegrity, started: false, eventSeq: 0, lastEventSeq: 0, state: 'none', context: null, fingerprint: null, outbox: [], suspended: [], cardReferences: 0, problems };
  }
  const db = new Database(journalPath, { readonly: true, fileMustExist: true });
  try {
    return readJournal(db, catalogIntegrity);
  } finally {
    db.close();
  }
}

function readJournal(db: Database.Database, catalogIntegrity: string): CommittedLane {
  const problems: string[] = [];
  const journalIntegrity = integrity(db);
  if (journalIntegrity !== 'ok') problems.push(`journal integrity_check: ${journalIntegrity}`);
  if (catalogIntegrity !== 'ok') problems.push(`catalogue integrity_check: ${catalogIntegrity}`);

  // A lane killed while it created its journal leaves the migrations it had finished (each is a transaction).
  const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  const all = <T>(table: string, sql: string): T[] => (tables.has(table) ? (db.prepare(sql).all() as T[]) : []);
  const saved = all<{ event_seq: number; state: string; snapshot: string }>('lane_state', 'SELECT event_seq, state, snapshot FROM lane_state WHERE id = 1')[0];
  const lastEventSeq = all<{ n: number }>('events', 'SELECT coalesce(max(seq), 0) AS n FROM events')[0]?.n ?? 0;
  const outboxRows = all<OutboxDbRow>('outbox', 'SELECT sale_id, sale_number, status, total_minor, payload FROM outbox ORDER BY sale_number');
  const suspendedRows = all<{ sale_id: string; payload: string; resumed_by_sale: string | null }>('suspended_sales', 'SELECT sale_id, payload, resumed_by_sale FROM suspended_sales ORDER BY rowid');

  const outbox: CommittedOutboxRow[] = [];
  const closedSales = new Map<string, Sale>();
  const numbers = new Set<number>();
  for (const row of outboxRows) {
    const sale = JSON.parse(row.payload) as Sale;
    closedSales.set(row.sale_id, sale);
    outbox.push(outboxRowOf(row));
    if (numbers.has(row.sale_number)) problems.push(`outbox: sale number ${row.sale_number} twice`);
    numbers.add(row.sale_number);
    if (sale.id !== row.sale_id || sale.number !== row.sale_number || sale.status !== row.status) {
      problems.push(`outbox: row ${row.sale_id} (${row.sale_number}, ${row.status}) holds sale ${sale.id} (${sale.number}, ${sale.status})`);
    }
    if (saleTotal(sale) !== row.total_minor) problems.push(`outbox: sale ${row.sale_id} total ${row.total_minor} but its lines make ${saleTotal(sale)}`);
    if (row.status === 'completed' && (sale.lines.length === 0 || amountDueMinor(sale) !== 0)) problems.push(`outbox: completed sale ${row.sale_id} is not paid in full`);
  }
  const suspended: CommittedSuspendedSale[] = [];
  for (const row of suspendedRows) {
    const sale = JSON.parse(row.payload) as Sale;
    closedSales.set(row.sale_id, sale);
    suspended.push({ saleId: row.sale_id, resumedBySale: row.resumed_by_sale });
    if (numbers.has(sale.number)) problems.push(`suspended sale ${row.sale_id} has number ${sale.number}, also in the outbox`);
    numbers.add(sale.number);
  }

  const references = new Set<string>();
  const noteReferences = (sale: Sale) => {
    for (const payment of sale.payments) {
      if (payment.tender !== 'card') continue;
      if (references.has(payment.reference)) problems.push(`card payment ${payment.reference} recorded twice`);
      references.add(payment.reference);
    }
  };
  for (const sale of closedSales.values()) noteReferences(sale);

  if (!saved) {
    return {
      journalExists: true,
      journalIntegrity,
      catalogIntegrity,
      started: false,
      eventSeq: 0,
      lastEventSeq,
      state: 'none',
      context: null,
      fingerprint: null,
      outbox,
      suspended,
      cardReferences: references.size,
      problems,
    };
  }

  // The snapshot and its event are one transaction: the event must be there, in the same state.
  const event = db.prepare('SELECT state FROM events WHERE seq = ?').get(saved.event_seq) as { state: string } | undefined;
  if (!event) problems.push(`lane_state is at event ${saved.event_seq}, which the events table does not hold`);
  else if (event.state !== saved.state) problems.push(`lane_state says ${saved.state} at event ${saved.event_seq}, the event says ${event.state}`);
  if (saved.event_seq > lastEventSeq) problems.push(`lane_state is at event ${saved.event_seq}, past the newest event ${lastEventSeq}`);

  const snapshot = JSON.parse(saved.snapshot) as unknown;
  if (!isRestorableSnapshot(snapshot)) {
    problems.push(`the saved snapshot (state ${saved.state}) is not restorable`);
    return { journalExists: true, journalIntegrity, catalogIntegrity, started: true, eventSeq: saved.event_seq, lastEventSeq, state: saved.state, context: null, fingerprint: null, outbox, suspended, cardReferences: references.size, problems };
  }
  const context = snapshot.context;
  const open = context.sale;
  if (open) {
    noteReferences(open);
    if (closedSales.has(open.id)) problems.push(`the open sale ${open.id} is also closed (${closedSales.get(open.id)!.status})`);
    if (open.number !== context.lastSaleNumber) problems.push(`the open sale is number ${open.number}, the last number used is ${context.lastSaleNumber}`);
    for (const number of numbers) if (number >= open.number) problems.push(`the open sale ${open.number} is not newer than closed sale number ${number}`);
    for (const from of open.resumedFrom ?? []) {
      const slip = suspended.find((row) => row.saleId === from);
      if (slip?.resumedBySale !== open.id) problems.push(`the open sale resumed ${from}, which the journal has ${slip ? `resumed by ${slip.resumedBySale}` : 'not suspended'}`);
    }
  }
  for (const number of numbers) if (number > context.lastSaleNumber) problems.push(`closed sale number ${number} is past the last number used (${context.lastSaleNumber})`);
  // The sale that closed last went to the outbox (or the suspended sales) in the same commit, as it was.
  const closed = context.closedSale;
  if (closed) {
    const row = closedSales.get(closed.id);
    if (!row) problems.push(`the lane shows sale ${closed.id} as ${closed.status}, but the journal does not hold it as closed`);
    else if (canonicalJson(row) !== canonicalJson(closed)) problems.push(`closed sale ${closed.id} differs between the lane state and the outbox`);
  }
  return {
    journalExists: true,
    journalIntegrity,
    catalogIntegrity,
    started: true,
    eventSeq: saved.event_seq,
    lastEventSeq,
    state: saved.state,
    context,
    fingerprint: fingerprintOf(saved.state, context, saved.event_seq, outbox.length),
    outbox,
    suspended,
    cardReferences: references.size,
    problems,
  };
}

function shown(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

/** Where two fingerprints differ (all but the version), as `field: <a> ≠ <b>` lines. */
export function fingerprintDiff(expected: ViewFingerprint, actual: ViewFingerprint, names: readonly [string, string]): string[] {
  const diffs: string[] = [];
  for (const key of ['state', 'saleId', 'lines', 'totalMinor', 'payments', 'closedSaleId', 'outboxRows', 'digest'] as const) {
    const a = expected[key];
    const b = actual[key];
    if (canonicalJson(a) === canonicalJson(b)) continue;
    if (Array.isArray(a) && Array.isArray(b)) {
      const missing = a.filter((item) => !b.includes(item));
      const extra = b.filter((item) => !a.includes(item));
      diffs.push(`${key}: ${names[0]} ${shown(a)} ≠ ${names[1]} ${shown(b)}${missing.length ? `; missing ${shown(missing)}` : ''}${extra.length ? `; extra ${shown(extra)}` : ''}`);
    } else diffs.push(`${key}: ${names[0]} ${shown(a)} ≠ ${names[1]} ${shown(b)}`);
  }
  return diffs;
}

/** Where two outbox readings differ: rows missing, changed or extra. */
export function outboxDiff(expected: readonly CommittedOutboxRow[], actual: readonly CommittedOutboxRow[], names: readonly [string, string]): string[] {
  const diffs: string[] = [];
  const byId = new Map(actual.map((row) => [row.saleId, row]));
  for (const row of expected) {
    const other = byId.get(row.saleId);
    if (!other) diffs.push(`outbox: sale ${row.saleId} (${row.number}) in ${names[0]}, not in ${names[1]}`);
    else if (canonicalJson(other) !== canonicalJson(row)) diffs.push(`outbox: sale ${row.saleId} ${names[0]} ${canonicalJson(row)} ≠ ${names[1]} ${canonicalJson(other)}`);
    byId.delete(row.saleId);
  }
  for (const row of byId.values()) diffs.push(`outbox: sale ${row.saleId} (${row.number}) in ${names[1]}, not in ${names[0]}`);
  return diffs;
}

/**
 * The outbox only grows: every row of the earlier reading is still there unchanged, and rows
 * added since are newer sales (a sale closed once, never again under another number).
 */
export function outboxGrowthDiff(before: readonly CommittedOutboxRow[], after: readonly CommittedOutboxRow[]): string[] {
  const kept = new Map(after.map((row) => [row.saleId, row]));
  const diffs: string[] = [];
  for (const row of before) {
    const now = kept.get(row.saleId);
    if (!now) diffs.push(`outbox: sale ${row.saleId} (${row.number}) was committed and is gone`);
    else if (canonicalJson(now) !== canonicalJson(row)) diffs.push(`outbox: sale ${row.saleId} changed after it was committed`);
    kept.delete(row.saleId);
  }
  const newest = Math.max(0, ...before.map((row) => row.number));
  for (const row of kept.values()) if (row.number <= newest) diffs.push(`outbox: sale ${row.saleId} (${row.number}) appeared behind sale ${newest}`);
  return diffs;
}

/**
 * Nothing the screen showed is lost: the journal is at or past the last view the lane showed,
 * and when it is at that view it is exactly that view.
 */
export function shownDiff(committed: CommittedLane, lastShown: ViewFingerprint | undefined): string[] {
  if (!lastShown) return [];
  if (!committed.fingerprint) return [`the lane showed event ${lastShown.version} (${lastShown.state}), but the journal has no restorable state`];
  if (committed.eventSeq < lastShown.version) {
    return [`the lane showed event ${lastShown.version} (${lastShown.state}), the journal's state is at the older event ${committed.eventSeq} (${committed.state})`];
  }
  if (committed.eventSeq > lastShown.version) return lastShown.outboxRows > committed.outbox.length ? [`the lane showed ${lastShown.outboxRows} outbox rows, the journal has ${committed.outbox.length}`] : [];
  return fingerprintDiff(lastShown, committed.fingerprint, ['shown', 'committed']);
}
