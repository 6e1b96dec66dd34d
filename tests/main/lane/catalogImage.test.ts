import Database from 'better-sqlite3';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { CatalogApplier } from '../../../main/lane/catalogSync/catalogApplier';
import { startCatalogSync } from '../../../main/lane/catalogSync/catalogSync';
import { StoreClient, StoreRequestError } from '../../../main/lane/storeLink/storeClient';
import { catalogEntitiesOf } from '../../../main/store/catalogEntitiesOf';
import { CatalogImages } from '../../../main/store/catalogImages';
import { openSqliteStoreBackend, type SqliteStoreBackend } from '../../../main/store/sqlite/sqliteBackend';
import { startStoreServer, type RunningStoreServer } from '../../../main/store/storeServer';
import type { CatalogEntity } from '../../../shared/store/catalogEntities';
import { imageHeaders, storePaths } from '../../../shared/store/syncProtocol';
import { createRecordingLogger, type RecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';
import { gtinFor } from './catalogSync/fixtures';

/**
 * Full syncs through catalogue images: the store builds the lane's tables with the lane's own
 * writer, the lane checks the file and copies the tables in one transaction. What the lane ends
 * up with must be what the NDJSON snapshot gives; anything off is refused and changes nothing.
 */

const pinHash = `scrypt$16384$8$1$${Buffer.alloc(16, 1).toString('base64')}$${Buffer.alloc(32, 2).toString('base64')}`;

function storeCatalog(items: number, priceMinor: number): CatalogEntity[] {
  return [
    { kind: 'settings', key: 'store', value: { currency: 'EUR', restrictedTemplate: 'sweden' } },
    { kind: 'vatClass', key: 'A', value: { code: 'A', rateBp: 2100, label: 'VAT 21%' } },
    { kind: 'vatClass', key: 'B', value: { code: 'B', rateBp: 1200, label: 'VAT 12%' } },
    ...Array.from({ length: items }, (_, index): CatalogEntity => {
      const gtin = gtinFor(index);
      return {
        kind: 'item',
        key: gtin,
        value: {
          gtin,
          name: { en: `Item ${index}`, lv: `Prece ${index}`, ru: `Товар ${index}` },
          priceMinor: priceMinor + index,
          soldBy: 'unit',
          variableMeasure: false,
          vatClass: index % 2 ? 'A' : 'B',
          ...(index === 1 ? { ageLimit: 18, weight: { grams: 500, toleranceGrams: 20 }, scheduledPrices: [{ from: Date.UTC(2030, 0, 1), priceMinor: 5 }] } : {}),
          ...(index === 2 ? { plu: '4011' } : {}),
        },
      };
    }),
    { kind: 'promotion', key: 'P1', value: { id: 'P1', name: { en: 'Two for one' }, rule: { kind: 'multiBuy', quantity: 2, priceMinor: 150 }, gtins: [gtinFor(3)] } },
    { kind: 'coupon', key: 'C1', value: { code: 'C1', name: { en: '10% off' }, rule: { kind: 'percentage', percentBp: 1000 } } },
    { kind: 'assistant', key: '7', value: { id: '7', name: 'Ivan', role: 'supervisor', pinHash, active: true } },
  ];
}

/** Everything a lane's catalogue holds, as the store's entities (order and versions aside). */
function contentOf(catalogPath: string): unknown[] {
  const catalog = CatalogStore.open(catalogPath, { readonly: true });
  try {
    return [...catalogEntitiesOf(catalog)].sort((a, b) => `${a.kind}/${a.key}`.localeCompare(`${b.kind}/${b.key}`));
  } finally {
    catalog.close();
  }
}

describe('catalogue images', () => {
  const dir = makeTempDir('lanewise-catalog-image-');
  let backend: SqliteStoreBackend;
  let log: RecordingLogger;
  let images: CatalogImages;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    backend = openSqliteStoreBackend(join(dir.path, 'store.sqlite'));
    await backend.applyCatalogChanges(storeCatalog(300, 100), { source: 'test' });
    log = createRecordingLogger();
    images = await CatalogImages.open({ backend, dir: join(dir.path, 'images'), log });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await images.close();
    await backend.close();
    dir.remove();
  });

  let laneCount = 0;
  async function lane(): Promise<{ catalogPath: string; applier: CatalogApplier }> {
    const catalogPath = join(dir.path, `lane-${++laneCount}.sqlite`);
    CatalogStore.open(catalogPath).close();
    const applier = await CatalogApplier.start(catalogPath);
    cleanups.push(() => applier.close());
    return { catalogPath, applier };
  }

  async function currentImage() {
    const image = await images.current();
    if ('retryAfterSeconds' in image) throw new Error('no image');
    return image;
  }

  /** A copy of the store's image to tamper with. */
  async function imageCopy(name: string): Promise<{ path: string; version: number }> {
    const image = await currentImage();
    const path = join(dir.path, name);
    copyFileSync(image.path, path);
    return { path, version: image.version };
  }

  it('gives the lane exactly what the NDJSON snapshot gives, and one build serves every lane', async () => {
    const [first, second] = await Promise.all([images.current(), images.current()]);
    expect(first).toBe(second);
    const image = await currentImage();
    expect(image.version).toBe(await backend.catalogVersion());

    const byImage = await lane();
    const outcome = await byImage.applier.apply({ kind: 'image', path: image.path, version: image.version }, { source: 'test' });
    expect(outcome).toMatchObject({ ok: true, applied: { kind: 'snapshot', version: image.version, changed: 306 } });

    const byLines = await lane();
    const view = await backend.snapshot();
    const { snapshotLines } = await import('../../../main/store/snapshotLines');
    const ndjson = await byLines.applier.apply({ kind: 'snapshot', lines: snapshotLines(view) });
    expect(ndjson.ok).toBe(true);

    expect(contentOf(byImage.catalogPath)).toEqual(contentOf(byLines.catalogPath));
    const catalog = CatalogStore.open(byImage.catalogPath, { readonly: true });
    expect(catalog.syncState()).toMatchObject({ version: image.version, kind: 'snapshot', changed: 306, source: 'test' });
    // The checksum kept is the entity checksum the snapshot carries, as after an NDJSON snapshot.
    expect(catalog.syncState().checksum).toBe(ndjson.ok ? ndjson.applied.checksum : '');
    expect(catalog.lookup(gtinFor(1))).toMatchObject({ priceMinor: 101, ageLimit: 18 });
    catalog.close();
  });

  it('replaces a catalogue that already has items, and deltas follow on from the image’s version', async () => {
    const { catalogPath, applier } = await lane();
    const first = await currentImage();
    expect((await applier.apply({ kind: 'image', path: first.path, version: first.version })).ok).toBe(true);
    await backend.applyCatalogChanges([{ kind: 'item', key: gtinFor(5000), value: null }, ...storeCatalog(10, 700).slice(3)], { source: 'test' });
    const changes = await backend.changesSince(first.version);
    // The older image is still handed out while the changes since it fit in one delta.
    expect(await currentImage()).toMatchObject({ version: first.version });
    expect(changes.kind).toBe('delta');
    if (changes.kind !== 'delta') return;
    expect((await applier.apply({ kind: 'delta', delta: changes })).ok).toBe(true);
    const catalog = CatalogStore.open(catalogPath, { readonly: true });
    expect(catalog.lookup(gtinFor(0))?.priceMinor).toBe(700);
    expect(catalog.lookup(gtinFor(250))?.priceMinor).toBe(350);
    catalog.close();
    // Meanwhile the store built one of the new version.
    await vi.waitFor(async () => expect((await currentImage()).version).toBe(await backend.catalogVersion()), { timeout: 30_000, interval: 200 });
  });

  it('refuses an image of another schema, of another version, short of rows or with items of an unknown VAT class; the catalogue stays as it was', async () => {
    const { catalogPath, applier } = await lane();
    const good = await currentImage();
    expect((await applier.apply({ kind: 'image', path: good.path, version: good.version })).ok).toBe(true);
    const before = contentOf(catalogPath);

    const otherSchema = await imageCopy('other-schema.sqlite');
    new Database(otherSchema.path).exec('ALTER TABLE items ADD COLUMN colour TEXT').close();
    expect(await applier.apply({ kind: 'image', path: otherSchema.path, version: otherSchema.version })).toMatchObject({ ok: false, problem: 'imageUnusable' });

    const wrongVersion = await imageCopy('wrong-version.sqlite');
    expect(await applier.apply({ kind: 'image', path: wrongVersion.path, version: wrongVersion.version + 1 })).toMatchObject({ ok: false, problem: 'badStream' });

    const short = await imageCopy('short.sqlite');
    new Database(short.path).exec(`DELETE FROM items WHERE gtin = ${Number(gtinFor(7))}`).close();
    expect(await applier.apply({ kind: 'image', path: short.path, version: short.version })).toMatchObject({ ok: false, problem: 'truncated' });

    const unknownVat = await imageCopy('unknown-vat.sqlite');
    const db = new Database(unknownVat.path);
    db.pragma('foreign_keys = OFF');
    db.exec(`UPDATE items SET vat_class = 'Z' WHERE gtin = ${Number(gtinFor(8))}`);
    db.close();
    expect(await applier.apply({ kind: 'image', path: unknownVat.path, version: unknownVat.version })).toMatchObject({ ok: false, problem: 'rejectedByCatalog', message: expect.stringContaining('Z') });

    const notSqlite = join(dir.path, 'not-sqlite.sqlite');
    writeFileSync(notSqlite, 'this is not a database'.repeat(100));
    expect(await applier.apply({ kind: 'image', path: notSqlite, version: 1 })).toMatchObject({ ok: false, problem: 'badStream' });

    expect(contentOf(catalogPath)).toEqual(before);
    // The worker is still usable after every refusal.
    expect(applier.usable).toBe(true);
  });

  describe('over HTTP', () => {
    let server: RunningStoreServer;
    let token: string;

    beforeAll(async () => {
      token = (await backend.lanes.add('L01')).token;
      server = await startStoreServer({ backend, host: '127.0.0.1', port: 0, log, imageDir: join(dir.path, 'server-images') });
    });
    afterAll(async () => {
      await server.close();
    });

    it('a lane far behind takes the image, checks its digest, and deltas carry on from it', async () => {
      const { catalogPath } = await lane();
      const client = new StoreClient({ url: server.url, laneId: 'L01', laneToken: token });
      cleanups.push(() => client.close());
      const laneLog = createRecordingLogger();
      const sync = startCatalogSync({
        catalogPath,
        fetchChanges: async () => ({ kind: 'snapshotRequired', version: await backend.catalogVersion(), reason: 'tooOld' }),
        fetchSnapshot: () => Promise.reject(new Error('the NDJSON snapshot must not be used')),
        fetchImage: (toPath) => client.fetchImage(toPath),
        log: laneLog,
        pollIntervalMs: 60_000,
      });
      cleanups.push(() => sync.stop());
      await vi.waitFor(() => expect(sync.status().lastSyncAt).not.toBeNull(), { timeout: 20_000 });
      expect(sync.status()).toMatchObject({ version: await backend.catalogVersion(), lastError: null });
      expect(laneLog.find('info', 'catalogue snapshot applied').length > 0).toBe(true);
      // The download is gone once applied.
      expect(existsSync(`${catalogPath}.image`)).toBe(false);
    });

    it('refuses a download that does not hash to the digest announced, or is cut short', async () => {
      const image = await currentImage();
      const served: Server = createServer((request, response) => {
        const body = Buffer.from('x'.repeat(1000));
        const headers = { [imageHeaders.version]: String(image.version), [imageHeaders.schema]: String(image.schema), [imageHeaders.sha256]: image.sha256 };
        if (request.url === storePaths.image) {
          response.writeHead(200, { ...headers, 'Content-Length': '1000' });
          response.end(body);
        } else {
          response.writeHead(200, { ...headers, 'Content-Length': '5000' });
          response.write(body);
          setTimeout(() => response.destroy(), 20);
        }
      });
      await new Promise<void>((resolve) => served.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => served.close(() => resolve())));
      const port = (served.address() as AddressInfo).port;
      const damaged = new StoreClient({ url: `http://127.0.0.1:${port}`, laneId: 'L01', laneToken: 'x' });
      const cut = new StoreClient({ url: `http://127.0.0.1:${port}/cut`, laneId: 'L01', laneToken: 'x' });
      const target = join(dir.path, 'download.sqlite');
      await expect(damaged.fetchImage(target)).rejects.toMatchObject({ kind: 'malformed', message: expect.stringContaining('damaged') });
      const error = await cut.fetchImage(target).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreRequestError);
      expect((error as StoreRequestError).transient).toBe(true);
      damaged.close();
      cut.close();
    });

    it('a store server without images answers 404, and the lane takes the NDJSON snapshot instead', async () => {
      const plain = await startStoreServer({ backend, host: '127.0.0.1', port: 0, log });
      cleanups.push(() => plain.close());
      const client = new StoreClient({ url: plain.url, laneId: 'L01', laneToken: token });
      cleanups.push(() => client.close());
      await expect(client.fetchImage(join(dir.path, 'none.sqlite'))).rejects.toMatchObject({ kind: 'rejected', status: 404 });

      const { catalogPath } = await lane();
      let snapshots = 0;
      const laneLog = createRecordingLogger();
      const sync = startCatalogSync({
        catalogPath,
        fetchChanges: async (since) => (since === 0 ? { kind: 'snapshotRequired', version: await backend.catalogVersion(), reason: 'tooOld' } : backend.changesSince(since)),
        fetchSnapshot: () => {
          snapshots++;
          return client.fetchSnapshot();
        },
        fetchImage: async (toPath) => {
          try {
            return await client.fetchImage(toPath);
          } catch (caught) {
            if (caught instanceof StoreRequestError && caught.status === 404) return 'unavailable';
            throw caught;
          }
        },
        log: laneLog,
        pollIntervalMs: 60_000,
      });
      cleanups.push(() => sync.stop());
      await vi.waitFor(async () => expect(sync.status().version).toBe(await backend.catalogVersion()), { timeout: 20_000 });
      expect(snapshots).toBe(1);
      expect(laneLog.records.some((record) => record.message.includes('builds no catalogue images'))).toBe(true);
    });
  });
});
