import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CatalogStore } from '../main/catalog/catalogStore';
import { CatalogApplier, applyCatalogUpdate } from '../main/lane/catalogSync/catalogApplier';
import { StoreClient } from '../main/lane/storeLink/storeClient';
import { CatalogImages } from '../main/store/catalogImages';
import { CatalogChecksum } from '../main/store/checksum';
import { snapshotLines } from '../main/store/snapshotLines';
import type { CatalogSnapshot, StoreBackend } from '../main/store/storeBackend';
import type { Logger } from '../shared/log';
import { imageHeaders, storePaths, type VersionedEntity } from '../shared/store/syncProtocol';

/**
 * Prices in, on a lane, with `items` items:
 * - fullSync: the lane fetches the store's catalogue image over loopback HTTP (SHA-256 checked
 *   as it arrives) and its sync worker copies it in one transaction; from the request to the
 *   commit. Once for a lane with an empty catalogue, once for a lane replacing a full one.
 * - fullSyncNdjson: the same catalogue as an NDJSON snapshot (the fallback for a store without
 *   images): every entity parsed, checked and written by the worker; apply time only.
 * - delta: `deltaItems` changed prices, applied by the same long-lived worker (as a lane keeps
 *   it) after a first delta of 1,000 (reported too: that one includes compiling the checks).
 * The image is built by the store server's own code (CatalogImages) from a generated catalogue;
 * its build time is reported apart: it happens once per version at the store, not on lanes.
 */

function item(version: number, index: number, priceMinor: number): VersionedEntity {
  const gtin = String(4750900000000 + index).padStart(14, '0');
  return {
    version,
    kind: 'item',
    key: gtin,
    value: { gtin, name: { en: `Item ${index}`, lv: `Prece ${index}`, ru: `Товар ${index}` }, priceMinor, soldBy: 'unit', variableMeasure: false, vatClass: 'A' },
  };
}

const base: VersionedEntity[] = [
  { version: 1, kind: 'settings', key: 'store', value: { currency: 'EUR', restrictedTemplate: 'sweden' } },
  { version: 1, kind: 'vatClass', key: 'A', value: { code: 'A', rateBp: 2100, label: 'PVN 21%' } },
];

/**
 * Writes back what earlier steps left dirty in the page cache (hundreds of MB of catalogue
 * files), so one measurement does not pay for the last one's disk writes.
 */
export function settleDisk(): void {
  if (process.platform !== 'win32') execFileSync('sync');
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/** Only what the store server's image route and CatalogImages ask of a backend: a generated catalogue at `version`. */
function generatedStore(items: number): { backend: StoreBackend; setVersion(version: number): void } {
  let version = 1;
  const snapshot = (): CatalogSnapshot => {
    const at = version;
    return {
      version: at,
      count: base.length + items,
      async *entities() {
        yield* base;
        for (let index = 0; index < items; index++) yield item(at, index, 100 + ((index + at) % 900));
      },
    };
  };
  const backend = {
    kind: 'sqlite',
    catalogVersion: () => Promise.resolve(version),
    snapshot: () => Promise.resolve(snapshot()),
    changesSince: () => Promise.resolve({ kind: 'snapshotRequired', version, reason: 'tooMany' }),
  } as unknown as StoreBackend;
  return { backend, setVersion: (next) => (version = next) };
}

/** The serving end, in its own process as a store server would be: the lane's side is what is measured. */
const imageServerScript = `
const { createServer } = require('node:http');
const { createReadStream } = require('node:fs');
const [path, headers] = [process.argv[1], JSON.parse(process.argv[2])];
const server = createServer((request, response) => {
  if (request.url !== '${storePaths.image}') return void response.writeHead(404).end();
  response.writeHead(200, headers);
  createReadStream(path).pipe(response);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

/**
 * Serves one image file with the headers of the store server's image route, from a child
 * process, so the lane's real client downloads and checks it.
 */
export async function serveImage(path: string, version: number, schema: number): Promise<{ url: string; close(): Promise<void> }> {
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  const headers = { 'Content-Length': String(statSync(path).size), [imageHeaders.version]: String(version), [imageHeaders.schema]: String(schema), [imageHeaders.sha256]: sha256 };
  const child = spawn(process.execPath, ['-e', imageServerScript, path, JSON.stringify(headers)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`the image server exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** Download the image into the lane's folder and apply it, as the lane's catalogue sync does. Returns ms for each part. */
export async function fetchAndApplyImage(url: string, catalogPath: string, applier?: CatalogApplier): Promise<{ downloadMs: number; applyMs: number; totalMs: number }> {
  const client = new StoreClient({ url, laneId: 'B01', laneToken: 'bench' });
  const target = applier ?? (await CatalogApplier.start(catalogPath));
  const download = `${catalogPath}.image`;
  try {
    const startedAt = performance.now();
    const fetched = await client.fetchImage(download);
    const downloadMs = performance.now() - startedAt;
    const outcome = await target.apply({ kind: 'image', path: download, version: fetched.version });
    if (!outcome.ok) throw new Error(`image refused: ${outcome.message}`);
    return { downloadMs: Math.round(downloadMs), applyMs: Math.round(outcome.durationMs), totalMs: Math.round(performance.now() - startedAt) };
  } finally {
    client.close();
    rmSync(download, { force: true });
    if (!applier) await target.close();
  }
}

export async function benchCatalogSync(options: { items?: number; deltaItems?: number } = {}) {
  const items = options.items ?? Number(process.env.LANEWISE_BENCH_SYNC_ITEMS ?? 1_000_000);
  const deltaItems = Math.min(items, options.deltaItems ?? 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'lanewise-bench-sync-'));
  const store = generatedStore(items);
  const images = await CatalogImages.open({ backend: store.backend, dir: join(dir, 'images'), log: quiet, maxWaitMs: 10 * 60_000 });
  const catalogPath = join(dir, 'catalog.sqlite');
  try {
    CatalogStore.open(catalogPath).close();
    // One sync worker for the lane's whole life, as startCatalogSync keeps it.
    const applier = await CatalogApplier.start(catalogPath);
    const fullSync: Record<string, unknown> = { items, target: '≤ 3,000 ms for 1,000,000 items' };
    for (const [label, version] of [['emptyLane', 1], ['replacingFullLane', 2]] as const) {
      store.setVersion(version);
      const buildStartedAt = performance.now();
      const image = await images.current();
      if ('retryAfterSeconds' in image) throw new Error('the image was not built');
      const served = await serveImage(image.path, image.version, image.schema);
      settleDisk();
      try {
        fullSync[label] = { ...(await fetchAndApplyImage(served.url, catalogPath, applier)), imageMiB: Number((image.bytes / 2 ** 20).toFixed(1)), storeBuildMs: Math.round(performance.now() - buildStartedAt) };
      } finally {
        await served.close();
      }
    }

    // The fallback: the same catalogue as NDJSON lines, made beforehand (the network is not measured).
    const ndjsonPath = join(dir, 'ndjson.sqlite');
    CatalogStore.open(ndjsonPath).close();
    const lines: string[] = [];
    for await (const line of snapshotLines(await store.backend.snapshot())) lines.push(line);
    settleDisk();
    const ndjson = await applyCatalogUpdate(ndjsonPath, { kind: 'snapshot', lines: linesOf(lines) });
    lines.length = 0;
    if (!ndjson.ok) throw new Error(`snapshot refused: ${ndjson.message}`);
    rmSync(ndjsonPath, { force: true });

    const deltaOf = (since: number, count: number) => {
      const changes = Array.from({ length: count }, (_, index) => item(since + 1, Math.floor((index * items) / count), 2_000 + index + since));
      const checksum = new CatalogChecksum();
      for (const change of changes) checksum.add(change);
      return { since, version: since + 1, changes, checksum: checksum.digest() };
    };
    settleDisk();
    // The worker's first delta also compiles its checking code; a lane's worker has long done that.
    const firstDelta = await applier.apply({ kind: 'delta', delta: deltaOf(2, 1_000) });
    if (!firstDelta.ok) throw new Error(`delta refused: ${firstDelta.message}`);
    settleDisk();
    const delta = await applier.apply({ kind: 'delta', delta: deltaOf(3, deltaItems) });
    if (!delta.ok) throw new Error(`delta refused: ${delta.message}`);
    await applier.close();
    return {
      fullSync,
      fullSyncNdjson: { items, applyMs: Math.round(ndjson.durationMs), note: 'fallback for a store without images: parse, check every entity and the checksum, write' },
      delta: { items: deltaItems, ms: Math.round(delta.durationMs), firstDeltaOf1000Ms: Math.round(firstDelta.durationMs), target: '≤ 300 ms for 10,000 items' },
      note: 'fullSync totalMs: request to commit (download over loopback with SHA-256, checks, table copy in one transaction); storeBuildMs is the store server building the image, once per version',
    };
  } finally {
    await images.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function* linesOf(lines: readonly string[]): AsyncIterable<string> {
  yield* lines;
}

/**
 * A catalogue image of the catalogue at `catalogPath` (same items, one version newer), as the
 * store would send it: for measuring scans while a lane applies a full sync.
 */
export function imageOf(catalogPath: string, imagePath: string): { version: number; schema: number } {
  copyFileSync(catalogPath, imagePath);
  const db = new Database(imagePath);
  try {
    db.pragma('journal_mode = DELETE');
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const held = (db.prepare('SELECT version FROM catalog_sync WHERE id = 1').get() as { version: number } | undefined)?.version ?? 0;
    const settings = count("catalog_meta WHERE key = 'currency'") > 0 ? 1 : 0;
    const entities = count('items') + count('vat_classes') + count('promotions') + count('coupons') + count('assistants') + settings;
    const version = held + 1;
    db.prepare(
      `INSERT INTO catalog_sync (id, version, applied_at, kind, checksum, changed, source) VALUES (1, ?, 0, 'snapshot', ?, ?, 'bench')
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, kind = 'snapshot', checksum = excluded.checksum, changed = excluded.changed`,
    ).run(version, '0'.repeat(64), entities);
    return { version, schema: db.pragma('user_version', { simple: true }) as number };
  } finally {
    db.close();
  }
}
