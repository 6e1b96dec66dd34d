import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openStoreBackend } from '../../../main/store/openStoreBackend';
import { openPostgresStoreBackend, type PostgresStoreBackend } from '../../../main/store/postgres/postgresBackend';
import { migratePostgres, postgresSchemaVersion, postgresStoreMigrations } from '../../../main/store/postgres/postgresMigrations';
import type { SaleOutcome } from '../../../shared/store/syncProtocol';
import { startTestPostgres, type TestPostgres } from '../../support/postgres';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { describeStoreBackend, gtin, item, sale, vat } from './backendSuite';

let server: TestPostgres;

beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

/** Tests of what a whole database sees (migrations, connections) get an empty one of their own, dropped again afterwards. */
async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const url = await server.createDatabase();
  return { url, drop: () => server.dropDatabase(url) };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describeStoreBackend('PostgreSQL', async () => {
  // A fresh schema is a fresh store (nothing names a schema), and much quicker to make than a database.
  const url = await server.createSchema();
  // Small pages, so every snapshot test reads across many FETCHes.
  const backend = await openPostgresStoreBackend(url, { snapshotPageSize: 7, logger: createRecordingLogger() });
  return {
    backend,
    async cleanup() {
      await backend.close();
      await server.dropSchema(url);
    },
  };
});

describe('PostgreSQL store backend', () => {
  it('migrates under an advisory lock: two servers starting at once apply the schema once, reopening applies none', async () => {
    const database = await freshDatabase();
    try {
      const logger = createRecordingLogger();
      const [first, second] = await Promise.all([openPostgresStoreBackend(database.url, { logger }), openPostgresStoreBackend(database.url, { logger })]);
      expect(logger.find('info', 'store database schema migrated').map((record) => record.fields.applied)).toEqual([[1]]);
      await Promise.all([first.close(), second.close()]);

      await withClient(database.url, async (client) => {
        expect(await migratePostgres(client)).toEqual([]);
        expect(await postgresSchemaVersion(client)).toBe(postgresStoreMigrations.length);
        const { rows } = await client.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
        expect(rows).toEqual([{ version: 1, name: 'catalogue, sales and lanes' }]);
        const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
        expect(tables.rows.map((row) => row.table_name)).toEqual(['catalog_batches', 'catalog_entities', 'catalog_state', 'lanes', 'sales', 'schema_migrations']);
      });
      const third = await openPostgresStoreBackend(database.url, { logger });
      await third.close();
      expect(logger.find('info', 'store database schema migrated')).toHaveLength(1);
    } finally {
      await database.drop();
    }
  });

  it('refuses a database whose schema is newer than it knows, and a half-applied migration leaves nothing behind', async () => {
    const database = await freshDatabase();
    try {
      await withClient(database.url, async (client) => {
        expect(await postgresSchemaVersion(client)).toBe(0);
        const broken = [...postgresStoreMigrations, { version: 2, name: 'broken', sql: 'CREATE TABLE half_done (id integer); SELECT no_such_function()' }];
        await expect(migratePostgres(client, broken)).rejects.toThrow(/no_such_function/);
        // Nothing of either migration stayed: all of them go in one transaction.
        expect(await postgresSchemaVersion(client)).toBe(0);
        expect((await client.query("SELECT to_regclass('half_done') AS t, to_regclass('sales') AS s")).rows).toEqual([{ t: null, s: null }]);

        expect(await migratePostgres(client)).toEqual([1]);
        await client.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
      });
      await expect(openPostgresStoreBackend(database.url, { logger: createRecordingLogger() })).rejects.toThrow(/schema version 99 is newer/);
    } finally {
      await database.drop();
    }
  });

  it('gives a clear error for a server it cannot reach, without the password', async () => {
    const refused = openPostgresStoreBackend('postgres://lanewise:s3cret@127.0.0.1:1/store', { logger: createRecordingLogger() });
    await expect(refused).rejects.toThrow(/could not open the store database lanewise@127\.0\.0\.1:1\/store/);
    await expect(refused).rejects.not.toThrow(/s3cret/);
  });

  it('is what a postgres:// URL opens, and keeps everything across a reopen, tokens only as hashes', async () => {
    const database = await freshDatabase();
    try {
      const first = await openStoreBackend(database.url);
      expect(first.kind).toBe('postgres');
      await first.applyCatalogChanges([vat('A', 2100), item(1, 100)], { source: 'prices.csv' });
      await first.storeSales('L01', [sale('L01', 'e1', 1)], 10);
      const { token } = await first.lanes.add('L01');
      await first.close();
      await first.close();
      await expect(first.catalogVersion()).rejects.toThrow(/closed/);

      const second = await openPostgresStoreBackend(database.url, { logger: createRecordingLogger() });
      try {
        expect(await second.catalogVersion()).toBe(1);
        expect(await second.changesSince(0)).toMatchObject({ kind: 'delta', version: 1, changes: [{ key: 'A' }, { key: item(1, 100).key }] });
        expect(await second.sales()).toEqual([expect.objectContaining({ saleId: 'L01-e1-1', laneId: 'L01', totalMinor: 100, receivedAt: 10 })]);
        expect(await second.lanes.authenticate('L01', token)).toBe('ok');
      } finally {
        await second.close();
      }
      await withClient(database.url, async (client) => {
        expect((await client.query('SELECT version::int, source, changed FROM catalog_batches')).rows).toEqual([{ version: 1, source: 'prices.csv', changed: 2 }]);
        expect(JSON.stringify((await client.query('SELECT * FROM lanes')).rows)).not.toContain(token);
        // Values are kept as the canonical JSON text (sorted keys), so "unchanged" is a text compare.
        const { rows } = await client.query<{ value: string }>("SELECT value FROM catalog_entities WHERE kind = 'vatClass'");
        expect(rows[0]?.value).toBe('{"code":"A","label":"21 %","rateBp":2100}');
      });
    } finally {
      await database.drop();
    }
  });

  it('gives two servers applying batches at once consecutive versions, losing none', async () => {
    const database = await freshDatabase();
    const logger = createRecordingLogger();
    const [east, west] = await Promise.all([openPostgresStoreBackend(database.url, { logger }), openPostgresStoreBackend(database.url, { logger })]);
    try {
      await east.applyCatalogChanges([vat('A', 2100)]);
      const rounds = 15;
      const results = await Promise.all(
        Array.from({ length: rounds }, (_, round) => [
          east.applyCatalogChanges([item(round * 2 + 1, 100 + round), item(1_000, round)], { source: `east-${round}` }),
          west.applyCatalogChanges([item(round * 2 + 2, 200 + round), item(1_000, 500 + round)], { source: `west-${round}` }),
        ]).flat(),
      );
      // Each batch changed something (its own item, and the shared one unless the value was already there), so each took a version of its own.
      expect(results.map((result) => result.version).sort((a, b) => a - b)).toEqual(Array.from({ length: rounds * 2 }, (_, index) => index + 2));
      expect(await west.catalogVersion()).toBe(rounds * 2 + 1);

      const delta = await west.changesSince(0);
      if (delta.kind !== 'delta') throw new Error('expected a delta');
      expect(delta.changes).toHaveLength(rounds * 2 + 2);
      const keys = new Set(delta.changes.map((change) => change.key));
      for (let n = 1; n <= rounds * 2; n++) expect(keys.has(gtin(n))).toBe(true);
      // The shared item holds the value of whichever batch came last.
      const shared = delta.changes.find((change) => change.key === gtin(1_000));
      expect(shared?.version).toBe(rounds * 2 + 1);
      await withClient(database.url, async (client) => {
        const { rows } = await client.query<{ version: number; changed: number }>('SELECT version::int, changed FROM catalog_batches ORDER BY version');
        expect(rows.map((row) => row.version)).toEqual(Array.from({ length: rounds * 2 + 1 }, (_, index) => index + 1));
        expect(rows.every((row) => row.changed >= 1 && row.changed <= 2)).toBe(true);
      });
    } finally {
      await Promise.all([east.close(), west.close()]);
      await database.drop();
    }
  });

  it('stores a sale two servers receive at once exactly once: one stored, the other a duplicate', async () => {
    const database = await freshDatabase();
    const logger = createRecordingLogger();
    const [east, west] = await Promise.all([openPostgresStoreBackend(database.url, { logger }), openPostgresStoreBackend(database.url, { logger })]);
    try {
      const single = sale('L01', 'e1', 1);
      const [a, b] = await Promise.all([east.storeSales('L01', [single], 1), west.storeSales('L01', [single], 2)]);
      expect([...a, ...b].sort()).toEqual(['duplicate', 'stored']);

      // Whole uploads overlapping, in opposite orders (a lane retrying through another server):
      // each sale stored once, and the other copy a duplicate.
      const sales = Array.from({ length: 300 }, (_, index) => sale('L02', 'e1', index + 1));
      const uploads = await Promise.all([
        east.storeSales('L02', sales.slice(0, 200), 3),
        west.storeSales('L02', sales.slice(100).reverse(), 4),
        east.storeSales('L02', sales.slice(50, 250), 5),
      ]);
      const outcomes = new Map<string, SaleOutcome[]>();
      const record = (batch: typeof sales, results: SaleOutcome[]) => batch.forEach((entry, index) => outcomes.set(entry.saleId, [...(outcomes.get(entry.saleId) ?? []), results[index]!]));
      record(sales.slice(0, 200), uploads[0]);
      record(sales.slice(100).reverse(), uploads[1]);
      record(sales.slice(50, 250), uploads[2]);
      for (const [saleId, list] of outcomes) {
        expect({ saleId, stored: list.filter((outcome) => outcome === 'stored').length, conflicts: list.filter((outcome) => outcome === 'conflict').length }).toEqual({ saleId, stored: 1, conflicts: 0 });
      }
      expect(await west.salesCount()).toBe(301);
      expect(await east.laneSequences('L02')).toEqual([{ laneId: 'L02', epoch: 'e1', count: 300, highest: 300, missing: [] }]);
    } finally {
      await Promise.all([east.close(), west.close()]);
      await database.drop();
    }
  });

  it('sorts out two lanes racing for the same sale ids in opposite orders (a deadlock is retried): one stored, one conflict each', async () => {
    const database = await freshDatabase();
    const logger = createRecordingLogger();
    const [east, west] = await Promise.all([openPostgresStoreBackend(database.url, { logger }), openPostgresStoreBackend(database.url, { logger })]);
    try {
      const sales = Array.from({ length: 500 }, (_, index) => sale('L01', 'e1', index + 1, JSON.stringify({ index, filler: 'x'.repeat(2_000) })));
      const [first, second] = await Promise.all([east.storeSales('L01', sales, 1), west.storeSales('L02', [...sales].reverse(), 2)]);
      const secondInOrder = [...second].reverse();
      sales.forEach((_, index) => expect([first[index], secondInOrder[index]].sort()).toEqual(['conflict', 'stored']));
      expect(await east.salesCount()).toBe(500);
    } finally {
      await Promise.all([east.close(), west.close()]);
      await database.drop();
    }
  });

  it('calls it a conflict when another lane sends a sale id that is taken', async () => {
    const database = await freshDatabase();
    const backend = await openPostgresStoreBackend(database.url, { logger: createRecordingLogger() });
    try {
      const taken = sale('L01', 'e1', 1);
      expect(await backend.storeSales('L01', [taken], 1)).toEqual(['stored']);
      expect(await backend.storeSales('L02', [taken], 2)).toEqual(['conflict']);
      expect(await backend.sales()).toEqual([expect.objectContaining({ saleId: taken.saleId, laneId: 'L01', receivedAt: 1 })]);
    } finally {
      await backend.close();
      await database.drop();
    }
  });

  it('stores full uploads of 500 sales in one statement each, in the order sent', async () => {
    const database = await freshDatabase();
    const backend = await openPostgresStoreBackend(database.url, { logger: createRecordingLogger() });
    try {
      for (let upload = 0; upload < 6; upload++) {
        const sales = Array.from({ length: 500 }, (_, index) => sale('L01', 'e1', upload * 500 + index + 1, JSON.stringify({ upload, index, filler: 'x'.repeat(1_500) })));
        expect(new Set(await backend.storeSales('L01', sales, upload))).toEqual(new Set(['stored']));
      }
      expect(await backend.salesCount()).toBe(3_000);
      const stored = await backend.sales({ afterReceivedSeq: 0, limit: 3_000 });
      expect(stored.map((row) => row.number)).toEqual(Array.from({ length: 3_000 }, (_, index) => index + 1));
      expect(stored[2_999]?.payload).toBe(JSON.stringify({ upload: 5, index: 499, filler: 'x'.repeat(1_500) }));
    } finally {
      await backend.close();
      await database.drop();
    }
  });

  it('releases a snapshot nobody reads from, and every snapshot when it closes', async () => {
    const database = await freshDatabase();
    const backend: PostgresStoreBackend = await openPostgresStoreBackend(database.url, { snapshotIdleMs: 50, snapshotPageSize: 1, logger: createRecordingLogger() });
    try {
      await backend.applyCatalogChanges([vat('A', 2100), item(1, 100), item(2, 200)]);
      const forgotten = await backend.snapshot();
      const abandoned = await backend.snapshot();
      const iterator = abandoned.entities()[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toMatchObject({ key: 'A' });
      expect(backend.openSnapshots).toBe(2);
      await expect.poll(() => backend.openSnapshots, { timeout: 5_000 }).toBe(0);
      await expect(iterator.next()).rejects.toThrow(/released/);
      await expect(async () => {
        for await (const entity of forgotten.entities()) expect(entity).toBeDefined();
      }).rejects.toThrow(/released/);

      // More snapshots than the snapshot pool has connections: the rest wait, then all are read.
      const many = await Promise.all(Array.from({ length: 3 }, () => backend.snapshot()));
      expect(backend.openSnapshots).toBe(3);
      await backend.close();
      expect(backend.openSnapshots).toBe(0);
      await expect(many[0]!.entities()[Symbol.asyncIterator]().next()).rejects.toThrow(/released/);
      expect(() => many[0]!.entities()).toThrow(/once/);
      await withClient(database.url, async (client) => {
        // No connection of the store is left open on the server.
        const { rows } = await client.query("SELECT count(*)::int AS open FROM pg_stat_activity WHERE application_name = 'lanewise-store'");
        expect(rows).toEqual([{ open: 0 }]);
      });
    } finally {
      await backend.close();
      await database.drop();
    }
  });

  it('lives through the server dropping its connections: logged, and the next requests work', async () => {
    const database = await freshDatabase();
    const logger = createRecordingLogger();
    const backend = await openPostgresStoreBackend(database.url, { logger });
    try {
      await backend.applyCatalogChanges([vat('A', 2100)]);
      await Promise.all([backend.catalogVersion(), backend.salesCount(), backend.laneSequences()]);
      await withClient(database.url, async (client) => {
        await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lanewise-store' AND datname = current_database()");
      });
      await expect.poll(() => logger.records.filter((record) => record.level === 'warn' && /connection lost/u.test(record.message)).length, { timeout: 5_000 }).toBeGreaterThan(0);
      expect(await backend.catalogVersion()).toBe(1);
      expect(await backend.storeSales('L01', [sale('L01', 'e1', 1)], 1)).toEqual(['stored']);
    } finally {
      await backend.close();
      await database.drop();
    }
  });
});
