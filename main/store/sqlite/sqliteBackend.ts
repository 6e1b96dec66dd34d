import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { canonicalJson, catalogEntityKinds, entityKey, type CatalogEntity, type CatalogEntityKind } from '../../../shared/store/catalogEntities';
import { maxDeltaChanges, type ChangesAnswer, type SaleOutcome, type UploadedSale } from '../../../shared/store/syncProtocol';
import { openDatabase, type Db } from '../../db/database';
import { catalogChecksum } from '../checksum';
import type { CatalogSnapshot, LaneSequence, StoreBackend } from '../storeBackend';
import { checkVersion, laneSequencesFrom, toStoredSale, toVersionedEntity, type EntityRow, type SaleRow } from '../storeRows';
import { storeMigrations } from './migrations';
import { SqliteLaneRegistry } from './sqliteLaneRegistry';
import { SqliteSnapshot } from './sqliteSnapshot';

export interface SqliteStoreBackendOptions {
  readonly now?: () => number;
  /** A snapshot nobody reads from for this long ends its read view (default ten minutes: a lane on a slow link drains slowly). */
  readonly snapshotIdleMs?: number;
  /** Entities per page when a snapshot is read (default 1,000). */
  readonly snapshotPageSize?: number;
}

export interface SqliteStoreBackend extends StoreBackend {
  readonly kind: 'sqlite';
  readonly path: string;
  /** Snapshot read views still open (for checks: an abandoned snapshot must not keep one). */
  readonly openSnapshots: number;
}

const defaultSnapshotIdleMs = 600_000;
const defaultSnapshotPageSize = 1_000;

/** Deltas list the changes of one version in the order a lane applies them: by kind, then key. */
const kindOrderSql = `CASE kind ${catalogEntityKinds.map((kind, index) => `WHEN '${kind}' THEN ${index}`).join(' ')} END`;

/**
 * The file is created owner-only before SQLite creates it with the umask's mode: it holds every
 * sale and the lanes' token hashes. SQLite gives its -wal and -shm files the same mode.
 */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  }
  chmodSync(path, 0o600);
}

/**
 * The store server's embedded backend: one SQLite file (`<data-dir>/store.sqlite`).
 *
 * Synchronous FULL: a sale acknowledged to a lane is on disk, and the lane then forgets it.
 * Snapshots read through their own read-only connections (see SqliteSnapshot), so a long
 * snapshot download never holds up imports or sales.
 */
export function openSqliteStoreBackend(path: string, options: SqliteStoreBackendOptions = {}): SqliteStoreBackend {
  const now = options.now ?? Date.now;
  if (path === ':memory:') throw new Error('the store backend needs a file: snapshots read it through a connection of their own');
  createPrivateFile(path);
  // 4 MiB of pages: an upload touches the newest pages and one index leaf per sale, which the OS's
  // file cache serves as well; the server's memory stops growing early instead of at 16 MiB of sales.
  const db: Db = openDatabase(path, storeMigrations, { synchronous: 'FULL', cacheMiB: 4 });
  const snapshots = new Set<SqliteSnapshot>();
  let closed = false;

  const state = () => db.prepare('SELECT version, purged_below AS purgedBelow FROM catalog_state WHERE id = 1').get() as { version: number; purgedBelow: number };
  const currentValue = db.prepare('SELECT value FROM catalog_entities WHERE kind = ? AND key = ?').pluck();
  const upsertEntity = db.prepare(
    'INSERT INTO catalog_entities (kind, key, version, value) VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, value = excluded.value',
  );
  const saleById = db.prepare('SELECT lane_id AS laneId, digest FROM sales WHERE sale_id = ?');
  const insertSale = db.prepare(
    `INSERT INTO sales (sale_id, lane_id, epoch, number, status, closed_at, total_minor, currency, digest, payload, received_at)
     VALUES (@saleId, @laneId, @epoch, @number, @status, @closedAt, @totalMinor, @currency, @digest, @payload, @receivedAt)`,
  );

  const ensureOpen = () => {
    if (closed) throw new Error('the store backend is closed');
  };

  const applyBatch = db.transaction((changes: readonly CatalogEntity[], replaceKinds: readonly CatalogEntityKind[], source: string | null) => {
    const { version: current } = state();
    const next = current + 1;
    // The newest change per entity wins within a batch, as it would across batches.
    const batch = new Map<string, CatalogEntity>();
    for (const change of changes) {
      if (!catalogEntityKinds.includes(change.kind)) throw new Error(`unknown catalogue entity kind ${String(change.kind)}`);
      if (change.value !== null && entityKey(change) !== change.key) throw new Error(`${change.kind} ${change.key}: the key does not match the value`);
      batch.set(`${change.kind}\u0000${change.key}`, change);
    }
    let changed = 0;
    for (const change of batch.values()) {
      const text = change.value === null ? null : canonicalJson(change.value);
      const stored = currentValue.get(change.kind, change.key) as string | null | undefined;
      // Unchanged, or deleting what does not exist (or is already a tombstone): nothing to send lanes.
      if (stored === text || (text === null && stored === undefined)) continue;
      upsertEntity.run(change.kind, change.key, next, text);
      changed++;
    }
    for (const kind of new Set(replaceKinds)) {
      const live = db.prepare('SELECT key FROM catalog_entities WHERE kind = ? AND value IS NOT NULL').pluck().all(kind) as string[];
      for (const key of live) {
        if (batch.has(`${kind}\u0000${key}`)) continue;
        upsertEntity.run(kind, key, next, null);
        changed++;
      }
    }
    if (changed === 0) return { version: current, changed: 0 };
    db.prepare('UPDATE catalog_state SET version = ? WHERE id = 1').run(next);
    db.prepare('INSERT INTO catalog_batches (version, applied_at, source, changed) VALUES (?, ?, ?, ?)').run(next, now(), source, changed);
    return { version: next, changed };
  });

  const readChanges = db.transaction((since: number, maxChanges: number): ChangesAnswer => {
    const { version, purgedBelow } = state();
    // Deletions below `purgedBelow` are forgotten; a lane "ahead" of the store has a catalogue from another history.
    if (since < purgedBelow || since > version) return { kind: 'snapshotRequired', version, reason: 'tooOld' };
    const count = db.prepare('SELECT count(*) FROM catalog_entities WHERE version > ?').pluck().get(since) as number;
    if (count > maxChanges) return { kind: 'snapshotRequired', version, reason: 'tooMany' };
    const rows = db.prepare(`SELECT kind, key, version, value FROM catalog_entities WHERE version > ? ORDER BY version, ${kindOrderSql}, key`).all(since) as EntityRow[];
    const changes = rows.map(toVersionedEntity);
    return { kind: 'delta', since, version, changes, checksum: catalogChecksum(changes) };
  });

  const purge = db.transaction((upTo: number) => {
    const highest = db.prepare('SELECT max(version) FROM catalog_entities WHERE value IS NULL AND version <= ?').pluck().get(upTo) as number | null;
    if (highest === null) return 0;
    const removed = db.prepare('DELETE FROM catalog_entities WHERE value IS NULL AND version <= ?').run(upTo).changes;
    // A lane at or above the newest forgotten deletion has seen them all; below it, it needs a snapshot.
    db.prepare('UPDATE catalog_state SET purged_below = max(purged_below, ?) WHERE id = 1').run(highest);
    return removed;
  });

  const storeAll = db.transaction((laneId: string, sales: readonly UploadedSale[], receivedAt: number): SaleOutcome[] =>
    sales.map((sale) => {
      const existing = saleById.get(sale.saleId) as { laneId: string; digest: string } | undefined;
      if (existing) return existing.digest === sale.digest && existing.laneId === laneId ? 'duplicate' : 'conflict';
      insertSale.run({ ...sale, laneId, receivedAt });
      return 'stored';
    }),
  );

  const sequences = (laneId: string | undefined): LaneSequence[] => {
    const where = laneId === undefined ? '' : 'WHERE lane_id = ?';
    const parameters = laneId === undefined ? [] : [laneId];
    const groups = db
      .prepare(`SELECT lane_id AS laneId, epoch, count(*) AS count, max(number) AS highest FROM sales ${where} GROUP BY lane_id, epoch ORDER BY lane_id, epoch`)
      .all(...parameters) as { laneId: string; epoch: string; count: number; highest: number }[];
    const gaps = db
      .prepare(
        `SELECT lane_id AS laneId, epoch, previous, number FROM (
           SELECT lane_id, epoch, number, lag(number, 1, 0) OVER (PARTITION BY lane_id, epoch ORDER BY number) AS previous
           FROM (SELECT DISTINCT lane_id, epoch, number FROM sales ${where})
         ) WHERE number > previous + 1 ORDER BY lane_id, epoch, number`,
      )
      .all(...parameters) as { laneId: string; epoch: string; previous: number; number: number }[];
    return laneSequencesFrom(groups, gaps);
  };

  const backend: SqliteStoreBackend = {
    kind: 'sqlite',
    path,
    get openSnapshots() {
      return snapshots.size;
    },

    async catalogVersion() {
      ensureOpen();
      return state().version;
    },

    async liveEntities(kind) {
      ensureOpen();
      return (db.prepare('SELECT kind, key, version, value FROM catalog_entities WHERE kind = ? AND value IS NOT NULL ORDER BY key').all(kind) as EntityRow[]).map(toVersionedEntity);
    },

    async applyCatalogChanges(changes, options = {}) {
      ensureOpen();
      return applyBatch.immediate(changes, options.replaceKinds ?? [], options.source ?? null);
    },

    async changesSince(since, options = {}) {
      ensureOpen();
      checkVersion('since', since);
      return readChanges(since, options.maxChanges ?? maxDeltaChanges);
    },

    async snapshot(): Promise<CatalogSnapshot> {
      ensureOpen();
      const snapshot = new SqliteSnapshot(path, {
        pageSize: options.snapshotPageSize ?? defaultSnapshotPageSize,
        idleMs: options.snapshotIdleMs ?? defaultSnapshotIdleMs,
        onRelease: (released) => snapshots.delete(released),
      });
      snapshots.add(snapshot);
      return snapshot;
    },

    async purgeTombstones(version) {
      ensureOpen();
      checkVersion('version', version);
      return purge.immediate(version);
    },

    async storeSales(laneId, sales, receivedAt) {
      ensureOpen();
      return storeAll.immediate(laneId, sales, receivedAt);
    },

    async laneSequences(laneId) {
      ensureOpen();
      return sequences(laneId);
    },

    async salesCount() {
      ensureOpen();
      return db.prepare('SELECT count(*) FROM sales').pluck().get() as number;
    },

    async sales(query = {}) {
      ensureOpen();
      const rows = db
        .prepare('SELECT * FROM sales WHERE (@laneId IS NULL OR lane_id = @laneId) AND received_seq > @after ORDER BY received_seq LIMIT @limit')
        .all({ laneId: query.laneId ?? null, after: query.afterReceivedSeq ?? 0, limit: query.limit ?? -1 }) as SaleRow[];
      return rows.map(toStoredSale);
    },

    lanes: new SqliteLaneRegistry(db, now),

    async close() {
      if (closed) return;
      closed = true;
      for (const snapshot of [...snapshots]) snapshot.release();
      db.close();
    },
  };
  return backend;
}
