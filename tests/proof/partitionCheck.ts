import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { CatalogStore } from '../../main/catalog/catalogStore';
import type { StoreBackend, StoredSale } from '../../main/store/storeBackend';
import type { StoreItem } from '../../shared/store/catalogEntities';

/**
 * The partition proof's checker. It runs after every lane process has stopped, and reads each
 * lane's journal and catalogue files itself (not through a lane): every sale a lane closed must
 * be at the store exactly once and byte for byte as journaled, no lane's numbering may have a
 * hole (at the lane or at the store), every lane must be on the store's newest catalogue with
 * the store's prices, and every file must pass SQLite's integrity check.
 */

export interface CheckedLane {
  readonly laneId: string;
  readonly journalPath: string;
  readonly catalogPath: string;
  /** How many sales this lane was to close. */
  readonly share: number;
}

export interface LaneVerdict {
  readonly laneId: string;
  readonly epoch: string;
  readonly closed: number;
  readonly share: number;
  readonly atStore: number;
  readonly lost: number;
  readonly altered: number;
  /** Holes in the lane's own numbering (1…highest) and in what the store received. */
  readonly gaps: number;
  /** Still flagged at the lane (a conflict or a refusal): not lost, but not delivered either. */
  readonly flagged: number;
  readonly catalogVersion: number;
  readonly priceMismatches: number;
  readonly journalIntegrity: string;
  readonly catalogIntegrity: string;
}

export interface PartitionCheck {
  readonly lanes: readonly LaneVerdict[];
  readonly sales: number;
  readonly storeSales: number;
  readonly lost: number;
  /** The same sale id twice at the store, the same lane number under two ids, or a sale at the store no journal holds. */
  readonly duplicated: number;
  readonly altered: number;
  readonly gaps: number;
  /** Two completed sales paid with the same card reference: one basket sold twice. */
  readonly doubleCharged: number;
  readonly storeCatalogVersion: number;
  /** What is wrong, in words; empty when the run proved what it should. */
  readonly failures: readonly string[];
}

interface JournalSale {
  readonly saleId: string;
  readonly saleNumber: number;
  readonly status: string;
  readonly totalMinor: number;
  readonly closedAt: number;
  readonly payload: string;
  readonly flagged: string | null;
}

function integrityOf(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

function readJournal(path: string): { epoch: string; sales: JournalSale[] } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const epoch = (db.prepare("SELECT value FROM lane_meta WHERE key = 'epoch'").get() as { value: string } | undefined)?.value ?? '';
    const sales = db
      .prepare(
        `SELECT sale_id AS saleId, sale_number AS saleNumber, status, total_minor AS totalMinor, closed_at AS closedAt, payload, flagged
         FROM outbox ORDER BY sale_number`,
      )
      .all() as JournalSale[];
    return { epoch, sales };
  } finally {
    db.close();
  }
}

async function allStoreSales(backend: StoreBackend): Promise<StoredSale[]> {
  const sales: StoredSale[] = [];
  for (;;) {
    const page = await backend.sales({ afterReceivedSeq: sales.at(-1)?.receivedSeq ?? 0, limit: 5000 });
    sales.push(...page);
    if (page.length < 5000) return sales;
  }
}

function cardReferences(payload: string): string[] {
  const sale = JSON.parse(payload) as { payments?: { tender?: string; reference?: string }[] };
  return (sale.payments ?? []).flatMap((payment) => (payment.tender === 'card' && payment.reference ? [payment.reference] : []));
}

export async function checkPartitionRun(lanes: readonly CheckedLane[], backend: StoreBackend): Promise<PartitionCheck> {
  const failures: string[] = [];
  const stored = await allStoreSales(backend);
  const byId = new Map<string, StoredSale[]>();
  for (const sale of stored) byId.set(sale.saleId, [...(byId.get(sale.saleId) ?? []), sale]);
  let duplicated = [...byId.values()].reduce((sum, copies) => sum + copies.length - 1, 0);
  const byNumber = new Map<string, Set<string>>();
  for (const sale of stored) {
    const key = `${sale.laneId}/${sale.epoch}/${sale.number}`;
    byNumber.set(key, (byNumber.get(key) ?? new Set()).add(sale.saleId));
  }
  duplicated += [...byNumber.values()].reduce((sum, ids) => sum + ids.size - 1, 0);
  const sequences = await backend.laneSequences();

  const storeItems = (await backend.liveEntities('item')).map((entity) => entity.value as StoreItem);
  const storeCatalogVersion = await backend.catalogVersion();

  const journaledIds = new Set<string>();
  const references = new Map<string, number>();
  const verdicts: LaneVerdict[] = [];
  for (const lane of lanes) {
    const journal = readJournal(lane.journalPath);
    let lost = 0;
    let altered = 0;
    let atStore = 0;
    for (const sale of journal.sales) {
      journaledIds.add(sale.saleId);
      const copies = byId.get(sale.saleId);
      if (!copies) {
        lost++;
        continue;
      }
      atStore++;
      const copy = copies[0]!;
      const digest = createHash('sha256').update(sale.payload, 'utf8').digest('hex');
      const same =
        copy.payload === sale.payload &&
        copy.digest === digest &&
        copy.laneId === lane.laneId &&
        copy.epoch === journal.epoch &&
        copy.number === sale.saleNumber &&
        copy.status === sale.status &&
        copy.totalMinor === sale.totalMinor &&
        copy.closedAt === sale.closedAt;
      if (!same) altered++;
      if (sale.status === 'completed') for (const reference of cardReferences(sale.payload)) references.set(reference, (references.get(reference) ?? 0) + 1);
    }
    const numbers = new Set(journal.sales.map((sale) => sale.saleNumber));
    const highest = Math.max(0, ...numbers);
    let gaps = highest - numbers.size;
    for (const sequence of sequences.filter((entry) => entry.laneId === lane.laneId)) gaps += sequence.missing.length;
    const flagged = journal.sales.filter((sale) => sale.flagged !== null).length;

    const catalog = CatalogStore.open(lane.catalogPath, { readonly: true });
    let catalogVersion: number;
    let priceMismatches = 0;
    try {
      catalogVersion = catalog.syncState().version;
      for (const item of storeItems) if (catalog.lookup(item.gtin)?.priceMinor !== item.priceMinor) priceMismatches++;
    } finally {
      catalog.close();
    }
    const verdict: LaneVerdict = {
      laneId: lane.laneId,
      epoch: journal.epoch,
      closed: journal.sales.length,
      share: lane.share,
      atStore,
      lost,
      altered,
      gaps,
      flagged,
      catalogVersion,
      priceMismatches,
      journalIntegrity: integrityOf(lane.journalPath),
      catalogIntegrity: integrityOf(lane.catalogPath),
    };
    verdicts.push(verdict);

    const problems = [
      verdict.closed !== lane.share && `closed ${verdict.closed} sales, not its share of ${lane.share}`,
      lost > 0 && `${lost} sales lost (closed at the lane, not at the store)`,
      altered > 0 && `${altered} sales altered on the way`,
      gaps > 0 && `${gaps} holes in its sale numbering`,
      flagged > 0 && `${flagged} sales flagged and never delivered`,
      catalogVersion !== storeCatalogVersion && `catalogue version ${catalogVersion}, the store's is ${storeCatalogVersion}`,
      priceMismatches > 0 && `${priceMismatches} items priced unlike the store`,
      verdict.journalIntegrity !== 'ok' && `journal integrity: ${verdict.journalIntegrity}`,
      verdict.catalogIntegrity !== 'ok' && `catalogue integrity: ${verdict.catalogIntegrity}`,
    ];
    for (const problem of problems) if (problem) failures.push(`${lane.laneId}: ${problem}`);
  }

  const strangers = stored.filter((sale) => !journaledIds.has(sale.saleId)).length;
  if (strangers > 0) failures.push(`${strangers} sales at the store that no lane's journal holds`);
  duplicated += strangers;
  if (duplicated - strangers > 0) failures.push(`${duplicated - strangers} duplicated sales at the store`);
  const doubleCharged = [...references.values()].filter((count) => count > 1).length;
  if (doubleCharged > 0) failures.push(`${doubleCharged} card payments in more than one completed sale`);

  const sum = (pick: (verdict: LaneVerdict) => number) => verdicts.reduce((total, verdict) => total + pick(verdict), 0);
  return {
    lanes: verdicts,
    sales: sum((verdict) => verdict.closed),
    storeSales: stored.length,
    lost: sum((verdict) => verdict.lost),
    duplicated,
    altered: sum((verdict) => verdict.altered),
    gaps: sum((verdict) => verdict.gaps),
    doubleCharged,
    storeCatalogVersion,
    failures,
  };
}
