import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from '../../../main/db/database';
import { storeMigrations } from '../../../main/store/sqlite/migrations';
import { openSqliteStoreBackend } from '../../../main/store/sqlite/sqliteBackend';
import { openStoreBackend, storeDatabaseFile } from '../../../main/store/openStoreBackend';
import { makeTempDir } from '../helpers/tempDir';
import { describeStoreBackend, item, sale, vat } from './backendSuite';

describeStoreBackend('SQLite', async () => {
  const dir = makeTempDir('lanewise-store-');
  // Small pages, so every snapshot test reads across many queries.
  const backend = openSqliteStoreBackend(join(dir.path, 'store.sqlite'), { snapshotPageSize: 7 });
  return {
    backend,
    async cleanup() {
      await backend.close();
      dir.remove();
    },
  };
});

describe('SQLite store backend', () => {
  it('creates its schema by numbered migrations, and reopening applies none', () => {
    const dir = makeTempDir();
    try {
      const db = new Database(join(dir.path, 'store.sqlite'));
      expect(migrate(db, storeMigrations)).toEqual([1]);
      expect(migrate(db, storeMigrations)).toEqual([]);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual(['catalog_batches', 'catalog_entities', 'catalog_state', 'lanes', 'sales']);
      expect(db.prepare('SELECT version, purged_below FROM catalog_state').get()).toEqual({ version: 0, purged_below: 0 });
      db.close();
    } finally {
      dir.remove();
    }
  });

  it('keeps everything across a reopen, in a file only its owner can read, with every commit on disk', async () => {
    const dir = makeTempDir();
    try {
      const first = (await openStoreBackend(dir.path)) as ReturnType<typeof openSqliteStoreBackend>;
      expect(first.kind).toBe('sqlite');
      expect(first.path).toBe(storeDatabaseFile(dir.path));
      await first.applyCatalogChanges([vat('A', 2100), item(1, 100)], { source: 'prices.csv' });
      await first.storeSales('L01', [sale('L01', 'e1', 1)], 10);
      const { token } = await first.lanes.add('L01');
      await first.close();
      await first.close();
      await expect(first.catalogVersion()).rejects.toThrow(/closed/);

      expect(statSync(storeDatabaseFile(dir.path)).mode & 0o777).toBe(0o600);
      const second = openSqliteStoreBackend(storeDatabaseFile(dir.path));
      try {
        expect(await second.catalogVersion()).toBe(1);
        expect(await second.changesSince(0)).toMatchObject({ kind: 'delta', version: 1, changes: [{ key: 'A' }, { key: item(1, 100).key }] });
        expect(await second.salesCount()).toBe(1);
        expect(await second.lanes.authenticate('L01', token)).toBe('ok');
        const raw = new Database(second.path, { readonly: true });
        expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(raw.prepare('SELECT version, source, changed FROM catalog_batches').all()).toEqual([{ version: 1, source: 'prices.csv', changed: 2 }]);
        // Only the token's hash is kept.
        expect(JSON.stringify(raw.prepare('SELECT * FROM lanes').all())).not.toContain(token);
        raw.close();
      } finally {
        await second.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('releases a snapshot nobody reads from, and every snapshot when it closes', async () => {
    const dir = makeTempDir();
    const backend = openSqliteStoreBackend(join(dir.path, 'store.sqlite'), { snapshotIdleMs: 50, snapshotPageSize: 1 });
    try {
      await backend.applyCatalogChanges([vat('A', 2100), item(1, 100), item(2, 200)]);
      const forgotten = await backend.snapshot();
      const abandoned = await backend.snapshot();
      const iterator = abandoned.entities()[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toMatchObject({ key: 'A' });
      expect(backend.openSnapshots).toBe(2);
      await expect.poll(() => backend.openSnapshots, { timeout: 5_000 }).toBe(0);
      // Reading on after the view went says so instead of returning a partial catalogue as complete.
      await expect(iterator.next()).rejects.toThrow(/released/);
      await expect(async () => {
        for await (const entity of forgotten.entities()) expect(entity).toBeDefined();
      }).rejects.toThrow(/released/);

      const open = await backend.snapshot();
      await backend.snapshot();
      expect(backend.openSnapshots).toBe(2);
      await backend.close();
      expect(backend.openSnapshots).toBe(0);
      await expect(open.entities()[Symbol.asyncIterator]().next()).rejects.toThrow(/released/);
      expect(() => open.entities()).toThrow(/once/);
    } finally {
      await backend.close();
      dir.remove();
    }
  });

  it('does not keep a snapshot open after it is read to the end or the reader stops', async () => {
    const dir = makeTempDir();
    const backend = openSqliteStoreBackend(join(dir.path, 'store.sqlite'), { snapshotPageSize: 2 });
    try {
      await backend.applyCatalogChanges([vat('A', 2100), item(1, 100), item(2, 200), item(3, 300)]);
      const whole = await backend.snapshot();
      let read = 0;
      for await (const _entity of whole.entities()) read++;
      expect(read).toBe(4);
      const stopped = await backend.snapshot();
      for await (const _entity of stopped.entities()) break;
      const never = (await backend.snapshot()).entities()[Symbol.asyncIterator]();
      await never.return?.();
      expect(backend.openSnapshots).toBe(0);
    } finally {
      await backend.close();
      dir.remove();
    }
  });
});
