import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ensureRendererBuilt } from '../main/cli/rendererBuild';
import { repoRoot } from '../main/cli/paths';
import { benchBarcodeLookup } from './barcodeLookup';
import { bigCatalog } from './bigCatalog';
import { benchCodecs, benchWeightRoundTrips } from './devices';
import { benchSimulatedShoppers } from './shopper';
import { benchScanToScreen } from './scanToScreen';
import { benchStation } from './station';
import { benchCatalogSync, fetchAndApplyImage, imageOf, serveImage, settleDisk } from './catalogSync';
import { benchStoreUpload } from './storeUpload';
import { startTestPostgres } from '../tests/support/postgres';

/**
 * `npm run bench`: every benchmark, one JSON document on stdout (progress on stderr).
 * Targets from the issues are printed next to the figures; they are not asserted.
 */
const catalogItems = Number(process.env.LANEWISE_BENCH_ITEMS ?? 1_000_000);
const scans = Number(process.env.LANEWISE_BENCH_SCANS ?? 250);

async function main() {
  const cacheDir = join(repoRoot, 'var', 'bench');
  mkdirSync(cacheDir, { recursive: true });
  process.stderr.write(`building or reusing a ${catalogItems.toLocaleString('en')}-item catalogue in ${cacheDir}…\n`);
  const catalog = bigCatalog(cacheDir, catalogItems);
  const staticDir = await ensureRendererBuilt();

  process.stderr.write('barcode lookup…\n');
  const barcodeLookup = benchBarcodeLookup(catalog.path, catalog.gtins);
  process.stderr.write(`scan-to-screen over ${scans} scans…\n`);
  const scanToScreen = await benchScanToScreen({ catalogPath: catalog.path, gtins: catalog.gtins, scans, basketSize: 25, gapMs: 150, staticDir });

  process.stderr.write('scan-to-screen while the lane applies a full catalogue sync…\n');
  const syncingCopy = join(cacheDir, 'syncing-copy.sqlite');
  copyFileSync(catalog.path, syncingCopy);
  const syncImage = join(cacheDir, 'syncing-image.sqlite');
  const image = imageOf(syncingCopy, syncImage);
  const served = await serveImage(syncImage, image.version, image.schema);
  settleDisk();
  let syncMs = 0;
  const scanDuringSync = await benchScanToScreen({
    catalogPath: syncingCopy,
    gtins: catalog.gtins,
    scans,
    basketSize: 25,
    gapMs: 150,
    staticDir,
    during: async () => (syncMs = (await fetchAndApplyImage(served.url, syncingCopy)).totalMs),
  });
  await served.close();
  rmSync(syncingCopy, { force: true });
  rmSync(syncImage, { force: true });

  process.stderr.write('weight request round trips over pseudo-terminals…\n');
  const weightRoundTrip = await benchWeightRoundTrips(200);
  process.stderr.write('codec throughput…\n');
  const codecs = benchCodecs(200_000);
  process.stderr.write('simulated shoppers at the bagging scale…\n');
  const simulatedShoppers = benchSimulatedShoppers();
  process.stderr.write('lane event → station tile, 4 and 32 lanes at 10 events/s…\n');
  const station = await benchStation();
  process.stderr.write('prices in: a full catalogue and a 10,000-item delta applied on a lane…\n');
  const catalogSync = await benchCatalogSync();
  process.stderr.write('sales out: 10,000 sales from 4 lanes into the store server, SQLite then PostgreSQL…\n');
  const postgres = await startTestPostgres();
  const storeUpload = { sqlite: await benchStoreUpload(), postgres: await benchStoreUpload({ target: postgres.url }).finally(() => postgres.stop()) };

  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)), node: process.version, platform: `${process.platform}-${process.arch}` },
    catalog: { items: catalogItems, buildSeconds: catalog.buildSeconds },
    barcodeLookup: { ...barcodeLookup, target: 'decode+lookup median ≤ 10 µs' },
    scanToScreen: { ...scanToScreen, target: 'p99 ≤ 30 ms with 1,000,000 items' },
    scanToScreenDuringFullSync: {
      scans: scanDuringSync.scans,
      total: scanDuringSync.total,
      committed: scanDuringSync.stages.committed,
      syncMs: Math.round(syncMs),
      ratioOfIdleP99: Number((scanDuringSync.total.p99 / scanToScreen.total.p99).toFixed(2)),
      target: 'p99 ≤ 2× its idle value',
    },
    weightRoundTrip: { protocols: weightRoundTrip, target: 'wire time + ≤ 5 ms (overhead measured over a pty, which has no wire time)' },
    codecs,
    simulatedShoppers,
    station,
    catalogSync,
    storeUpload,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
