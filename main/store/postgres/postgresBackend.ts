import pg, { type PoolClient } from 'pg';
import type { Logger } from '../../../shared/log';
import { canonicalJson, catalogEntityKinds, entityKey, type CatalogEntity, type CatalogEntityKind } from '../../../shared/store/catalogEntities';
import { maxDeltaChanges, type ChangesAnswer, type SaleOutcome, type UploadedSale } from '../../../shared/store/syncProtocol';
import { createLogger } from '../../log/logger';
import { catalogChecksum } from '../checksum';
import type { CatalogSnapshot, LaneSequence, StoreBackend } from '../storeBackend';
import { checkVersion, laneSequencesFrom, toStoredSale, toVersionedEntity, type EntityRow, type SaleRow } from '../storeRows';
import { PostgresLaneRegistry } from './postgresLaneRegistry';
import { migratePostgres } from './postgresMigrations';
import { PostgresSnapshot } from './postgresSnapshot';

export interface PostgresStoreBackendOptions {
  readonly now?: () => number;
  /** Pool errors (a dropped idle connection) and retried transactions; default: warnings to standard error. */
  readonly logger?: Logger;
  /** Connections for requests (default 5); snapshots have a pool of their own. */
  readonly poolSize?: number;
  /** Snapshots read at once, each holding a connection while it is read (default 4; more wait). */
  readonly snapshotConnections?: number;
  /** A snapshot nobody reads from for this long ends its read view (default two minutes). */
  readonly snapshotIdleMs?: number;
  /** Entities per page when a snapshot is read (default 1,000). */
  readonly snapshotPageSize?: number;
}

export interface PostgresStoreBackend extends StoreBackend {
  readonly kind: 'postgres';
  /** Snapshot read views still open (for checks: an abandoned snapshot must not keep one). */
  readonly openSnapshots: number;
}

const defaultSnapshotIdleMs = 120_000;
const defaultSnapshotPageSize = 1_000;
/** Rows per statement when a catalogue batch is loaded: large imports go in several round trips. */
const batchChunkSize = 5_000;
/** A transaction that lost a deadlock or a serialization race is tried again, this many times in all. */
const maxAttempts = 5;

/** Deltas list the changes of one version in the order a lane applies them: by kind, then key. */
const kindOrderSql = `CASE kind ${catalogEntityKinds.map((kind, index) => `WHEN '${kind}' THEN ${index}`).join(' ')} END`;

const int8Oid = 20;
/** The first half of the per-lane advisory lock a sales upload takes ("Sale" in ASCII). */
const saleLockClass = 0x53616c65;

/**
 * BIGINT columns (versions, sequence numbers, epoch milliseconds, minor units) as numbers: every
 * value we write is a safe integer, so one that is not means the database was changed by hand.
 */
function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`a BIGINT value ${text} is beyond what the store handles exactly`);
  return value;
}

const storeTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8Oid && format !== 'binary' ? parseSafeInteger : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Where the URL points, for messages: never the password. */
function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.username ? `${decodeURIComponent(parsed.username)}@` : ''}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the PostgreSQL URL given (it does not parse as a URL)';
  }
}

/** Deadlocks and serialization failures: PostgreSQL rolled the transaction back, and trying again is safe. */
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

/**
 * A chain's store backend: one PostgreSQL database shared by several store servers, chosen by a
 * `postgres://` URL. Behaves as the SQLite backend does (the same test suite runs on both);
 * what differs is how concurrent servers are kept apart:
 * - catalogue writes lock the one `catalog_state` row first, so versions are consecutive and
 *   batches never interleave, whichever server applies them;
 * - a sale is inserted with ON CONFLICT DO NOTHING, so two servers receiving the same sale
 *   store it once and the other answers `duplicate`;
 * - snapshots read in a REPEATABLE READ transaction through server-side cursors, on a pool of
 *   their own, so a long download never takes a connection sales need.
 */
export async function openPostgresStoreBackend(url: string, options: PostgresStoreBackendOptions = {}): Promise<PostgresStoreBackend> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger({ level: 'warn', bindings: { component: 'storeBackend', backend: 'postgres' } });
  const target = describeTarget(url);
  const poolConfig = { connectionString: url, types: storeTypes, application_name: 'lanewise-store', connectionTimeoutMillis: 15_000, idleTimeoutMillis: 30_000 };
  const pool = new pg.Pool({ ...poolConfig, max: options.poolSize ?? 5 });
  const snapshotPool = new pg.Pool({ ...poolConfig, max: options.snapshotConnections ?? 4 });
  // An idle connection the server drops emits 'error' on its pool; unheard, it would end the process.
  for (const which of [pool, snapshotPool]) which.on('error', (error) => logger.warn({ err: error.message, target }, 'PostgreSQL connection lost while idle; the pool opens a new one'));

  try {
    const client = await pool.connect();
    try {
      const applied = await migratePostgres(client);
      if (applied.length > 0) logger.info({ target, applied }, 'store database schema migrated');
    } finally {
      client.release();
    }
  } catch (error) {
    await Promise.all([pool.end(), snapshotPool.end()]).catch(() => undefined);
    throw new Error(`could not open the store database ${target}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }

  const snapshots = new Set<PostgresSnapshot>();
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new Error('the store backend is closed');
  };

  const transaction = async <T>(isolation: 'READ COMMITTED' | 'REPEATABLE READ READ ONLY', work: (client: PoolClient) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
        const result = await work(client);
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch {
          // The connection itself is gone: drop it rather than give it to the next request.
          client.release(true);
        }
        if (!isRetryable(error) || attempt >= maxAttempts) throw error;
        logger.warn({ attempt, code: (error as { code?: string }).code }, 'store transaction ran into another server’s; trying again');
      }
    }
  };

  const applyBatch = (changes: readonly CatalogEntity[], replaceKinds: readonly CatalogEntityKind[], source: string | null) => {
    // The newest change per entity wins within a batch, as it would across batches.
    const batch = new Map<string, CatalogEntity>();
    for (const change of changes) {
      if (!catalogEntityKinds.includes(change.kind)) throw new Error(`unknown catalogue entity kind ${String(change.kind)}`);
      if (change.value !== null && entityKey(change) !== change.key) throw new Error(`${change.kind} ${change.key}: the key does not match the value`);
      batch.set(`${change.kind}\u0000${change.key}`, change);
    }
    const entries = [...batch.values()].map((change) => ({ kind: change.kind, key: change.key, text: change.value === null ? null : canonicalJson(change.value) }));
    const kinds = [...new Set(replaceKinds)];
    for (const kind of kinds) if (!catalogEntityKinds.includes(kind)) throw new Error(`unknown catalogue entity kind ${String(kind)}`);

    return transaction('READ COMMITTED', async (client) => {
      // The row lock queues batches from every server: each sees the one before it committed.
      const { rows } = await client.query<{ version: number }>('SELECT version FROM catalog_state WHERE id = 1 FOR UPDATE');
      const current = rows[0]?.version ?? 0;
      const next = current + 1;
      await client.query(
        'CREATE TEMP TABLE catalog_batch (kind text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, value text, PRIMARY KEY (kind, key)) ON COMMIT DROP',
      );
      for (let start = 0; start < entries.length; start += batchChunkSize) {
        const chunk = entries.slice(start, start + batchChunkSize);
        await client.query('INSERT INTO catalog_batch (kind, key, value) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])', [
          chunk.map((entry) => entry.kind),
          chunk.map((entry) => entry.key),
          chunk.map((entry) => entry.text),
        ]);
      }
      if (entries.length > batchChunkSize) await client.query('ANALYZE catalog_batch');
      // Changed entities (deleting what does not exist, or is already a tombstone, is no change),
      // and with `replaceKinds` every live entity of those kinds the batch leaves out, as tombstones.
      const written = await client.query(
        `INSERT INTO catalog_entities (kind, key, version, value)
         SELECT kind, key, $1, value FROM (
           SELECT b.kind, b.key, b.value FROM catalog_batch b LEFT JOIN catalog_entities e ON e.kind = b.kind AND e.key = b.key
           WHERE CASE WHEN e.kind IS NULL THEN b.value IS NOT NULL ELSE e.value IS DISTINCT FROM b.value END
           UNION ALL
           SELECT e.kind, e.key, NULL FROM catalog_entities e
           WHERE e.kind = ANY($2::text[]) AND e.value IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM catalog_batch b WHERE b.kind = e.kind AND b.key = e.key)
         ) AS changed
         ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, value = excluded.value`,
        [next, kinds],
      );
      const changed = written.rowCount ?? 0;
      if (changed === 0) return { version: current, changed: 0 };
      await client.query('UPDATE catalog_state SET version = $1 WHERE id = 1', [next]);
      await client.query('INSERT INTO catalog_batches (version, applied_at, source, changed) VALUES ($1, $2, $3, $4)', [next, now(), source, changed]);
      return { version: next, changed };
    });
  };

  const readChanges = (since: number, maxChanges: number) =>
    transaction('REPEATABLE READ READ ONLY', async (client): Promise<ChangesAnswer> => {
      const { rows: state } = await client.query<{ version: number; purged_below: number }>('SELECT version, purged_below FROM catalog_state WHERE id = 1');
      const version = state[0]?.version ?? 0;
      const purgedBelow = state[0]?.purged_below ?? 0;
      // Deletions below `purgedBelow` are forgotten; a lane "ahead" of the store has a catalogue from another history.
      if (since < purgedBelow || since > version) return { kind: 'snapshotRequired', version, reason: 'tooOld' };
      // One more than allowed is enough to know the delta is too large, without reading it all.
      const { rows } = await client.query<EntityRow>(`SELECT kind, key, version, value FROM catalog_entities WHERE version > $1 ORDER BY version, ${kindOrderSql}, key LIMIT $2`, [
        since,
        maxChanges + 1,
      ]);
      if (rows.length > maxChanges) return { kind: 'snapshotRequired', version, reason: 'tooMany' };
      const changes = rows.map(toVersionedEntity);
      return { kind: 'delta', since, version, changes, checksum: catalogChecksum(changes) };
    });

  const purge = (upTo: number) =>
    transaction('READ COMMITTED', async (client) => {
      await client.query('SELECT 1 FROM catalog_state WHERE id = 1 FOR UPDATE');
      const { rows } = await client.query<{ highest: number | null }>('SELECT max(version) AS highest FROM catalog_entities WHERE value IS NULL AND version <= $1', [upTo]);
      const highest = rows[0]?.highest ?? null;
      if (highest === null) return 0;
      const removed = await client.query('DELETE FROM catalog_entities WHERE value IS NULL AND version <= $1', [upTo]);
      // A lane at or above the newest forgotten deletion has seen them all; below it, it needs a snapshot.
      await client.query('UPDATE catalog_state SET purged_below = greatest(purged_below, $1) WHERE id = 1', [highest]);
      return removed.rowCount ?? 0;
    });

  const storeAll = (laneId: string, sales: readonly UploadedSale[], receivedAt: number) =>
    transaction('READ COMMITTED', async (client): Promise<SaleOutcome[]> => {
      // Each id is inserted once, at its first place in the upload; later copies are compared like any retry.
      const firsts = new Map<string, UploadedSale>();
      for (const sale of sales) if (!firsts.has(sale.saleId)) firsts.set(sale.saleId, sale);
      const unique = [...firsts.values()];
      // Uploads from one lane (a retry through another server) take turns, so their inserts never
      // deadlock on each other's sale ids; other lanes' uploads go on side by side.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [saleLockClass, laneId]);
      // One statement for the whole upload; received_seq follows the order sent. A sale another
      // server is inserting right now makes this wait for it, then count as already there.
      const inserted = await client.query<{ sale_id: string }>(
        `INSERT INTO sales (sale_id, lane_id, epoch, number, status, closed_at, total_minor, currency, digest, payload, received_at)
         SELECT sale_id, $1, epoch, number, status, closed_at, total_minor, currency, digest, payload, $2
         FROM unnest($3::text[], $4::text[], $5::bigint[], $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[])
           WITH ORDINALITY AS upload (sale_id, epoch, number, status, closed_at, total_minor, currency, digest, payload, position)
         ORDER BY position
         ON CONFLICT (sale_id) DO NOTHING
         RETURNING sale_id`,
        [
          laneId,
          receivedAt,
          unique.map((sale) => sale.saleId),
          unique.map((sale) => sale.epoch),
          unique.map((sale) => sale.number),
          unique.map((sale) => sale.status),
          unique.map((sale) => sale.closedAt),
          unique.map((sale) => sale.totalMinor),
          unique.map((sale) => sale.currency),
          unique.map((sale) => sale.digest),
          unique.map((sale) => sale.payload),
        ],
      );
      const insertedIds = new Set(inserted.rows.map((row) => row.sale_id));
      const alreadyThere = unique.filter((sale) => !insertedIds.has(sale.saleId)).map((sale) => sale.saleId);
      const existing = new Map<string, { laneId: string; digest: string }>();
      if (alreadyThere.length > 0) {
        const { rows } = await client.query<{ sale_id: string; lane_id: string; digest: string }>('SELECT sale_id, lane_id, digest FROM sales WHERE sale_id = ANY($1::text[])', [alreadyThere]);
        for (const row of rows) existing.set(row.sale_id, { laneId: row.lane_id, digest: row.digest });
      }
      for (const saleId of insertedIds) existing.set(saleId, { laneId, digest: firsts.get(saleId)!.digest });
      const reported = new Set<string>();
      return sales.map((sale) => {
        const first = !reported.has(sale.saleId);
        reported.add(sale.saleId);
        if (first && insertedIds.has(sale.saleId)) return 'stored';
        const kept = existing.get(sale.saleId);
        if (!kept) throw new Error(`sale ${sale.saleId} was neither stored nor found`);
        return kept.digest === sale.digest && kept.laneId === laneId ? 'duplicate' : 'conflict';
      });
    });

  const sequences = async (laneId: string | undefined): Promise<LaneSequence[]> => {
    const where = laneId === undefined ? '' : 'WHERE lane_id = $1';
    const parameters = laneId === undefined ? [] : [laneId];
    return transaction('REPEATABLE READ READ ONLY', async (client) => {
      const { rows: groups } = await client.query<{ laneId: string; epoch: string; count: number; highest: number }>(
        `SELECT lane_id AS "laneId", epoch, count(*) AS count, max(number) AS highest FROM sales ${where} GROUP BY lane_id, epoch ORDER BY lane_id, epoch`,
        parameters,
      );
      const { rows: gaps } = await client.query<{ laneId: string; epoch: string; previous: number; number: number }>(
        `SELECT lane_id AS "laneId", epoch, previous, number FROM (
           SELECT lane_id, epoch, number, lag(number, 1, 0::bigint) OVER (PARTITION BY lane_id, epoch ORDER BY number) AS previous
           FROM (SELECT DISTINCT lane_id, epoch, number FROM sales ${where}) AS numbers
         ) AS steps WHERE number > previous + 1 ORDER BY lane_id, epoch, number`,
        parameters,
      );
      return laneSequencesFrom(groups, gaps);
    });
  };

  const backend: PostgresStoreBackend = {
    kind: 'postgres',
    get openSnapshots() {
      return snapshots.size;
    },

    async catalogVersion() {
      ensureOpen();
      const { rows } = await pool.query<{ version: number }>('SELECT version FROM catalog_state WHERE id = 1');
      return rows[0]?.version ?? 0;
    },

    async liveEntities(kind) {
      ensureOpen();
      const { rows } = await pool.query<EntityRow>('SELECT kind, key, version, value FROM catalog_entities WHERE kind = $1 AND value IS NOT NULL ORDER BY key', [kind]);
      return rows.map(toVersionedEntity);
    },

    async applyCatalogChanges(changes, applyOptions = {}) {
      ensureOpen();
      return applyBatch(changes, applyOptions.replaceKinds ?? [], applyOptions.source ?? null);
    },

    async changesSince(since, changesOptions = {}) {
      ensureOpen();
      checkVersion('since', since);
      return readChanges(since, changesOptions.maxChanges ?? maxDeltaChanges);
    },

    async snapshot(): Promise<CatalogSnapshot> {
      ensureOpen();
      const snapshot = await PostgresSnapshot.open(snapshotPool, {
        pageSize: options.snapshotPageSize ?? defaultSnapshotPageSize,
        idleMs: options.snapshotIdleMs ?? defaultSnapshotIdleMs,
        onRelease: (released) => snapshots.delete(released),
        onError: (error) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'catalogue snapshot connection failed as it was released'),
      });
      snapshots.add(snapshot);
      // Closed while the view was being opened: give the connection straight back.
      if (closed) await snapshot.release();
      ensureOpen();
      return snapshot;
    },

    async purgeTombstones(version) {
      ensureOpen();
      checkVersion('version', version);
      return purge(version);
    },

    async storeSales(laneId, sales, receivedAt) {
      ensureOpen();
      if (sales.length === 0) return [];
      return storeAll(laneId, sales, receivedAt);
    },

    async laneSequences(laneId) {
      ensureOpen();
      return sequences(laneId);
    },

    async salesCount() {
      ensureOpen();
      const { rows } = await pool.query<{ count: number }>('SELECT count(*) AS count FROM sales');
      return rows[0]?.count ?? 0;
    },

    async sales(query = {}) {
      ensureOpen();
      const { rows } = await pool.query<SaleRow>(
        'SELECT * FROM sales WHERE ($1::text IS NULL OR lane_id = $1) AND received_seq > $2 ORDER BY received_seq LIMIT $3',
        [query.laneId ?? null, query.afterReceivedSeq ?? 0, query.limit ?? null],
      );
      return rows.map(toStoredSale);
    },

    lanes: new PostgresLaneRegistry(pool, now),

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...snapshots].map((snapshot) => snapshot.release()));
      await Promise.all([pool.end(), snapshotPool.end()]);
    },
  };
  return backend;
}
