import type { CatalogEntityKind } from '../../shared/store/catalogEntities';
import type { VersionedEntity } from '../../shared/store/syncProtocol';
import type { LaneSequence, StoredSale } from './storeBackend';

/** Rows as both store backends keep them (the same columns in SQLite and PostgreSQL). */
export interface EntityRow {
  kind: CatalogEntityKind;
  key: string;
  version: number;
  /** Canonical JSON text; null for a tombstone. */
  value: string | null;
}

export interface SaleRow {
  received_seq: number;
  sale_id: string;
  lane_id: string;
  epoch: string;
  number: number;
  status: 'completed' | 'cancelled';
  closed_at: number;
  total_minor: number;
  currency: string;
  digest: string;
  payload: string;
  received_at: number;
}

export function toVersionedEntity(row: EntityRow): VersionedEntity {
  return { version: row.version, kind: row.kind, key: row.key, value: row.value === null ? null : (JSON.parse(row.value) as unknown) };
}

export function toStoredSale(row: SaleRow): StoredSale {
  return {
    receivedSeq: row.received_seq,
    saleId: row.sale_id,
    laneId: row.lane_id,
    epoch: row.epoch,
    number: row.number,
    status: row.status,
    closedAt: row.closed_at,
    totalMinor: row.total_minor,
    currency: row.currency,
    digest: row.digest,
    payload: row.payload,
    receivedAt: row.received_at,
  };
}

export function checkVersion(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number from 0; got ${value}`);
}

/** At most this many missing numbers are listed per lane and epoch (storeBackend.ts). */
const maxMissingListed = 1_000;

/**
 * Lane sequences from both backends' two queries: per lane and epoch the count and highest
 * number, and each step where a number jumps by more than one (`previous` → `number`).
 */
export function laneSequencesFrom(
  groups: readonly { laneId: string; epoch: string; count: number; highest: number }[],
  gaps: readonly { laneId: string; epoch: string; previous: number; number: number }[],
): LaneSequence[] {
  const missing = new Map<string, number[]>();
  for (const gap of gaps) {
    const id = `${gap.laneId}\u0000${gap.epoch}`;
    const list = missing.get(id) ?? [];
    missing.set(id, list);
    for (let number = gap.previous + 1; number < gap.number && list.length < maxMissingListed; number++) list.push(number);
  }
  return groups.map((group) => ({ ...group, missing: missing.get(`${group.laneId}\u0000${group.epoch}`) ?? [] }));
}
