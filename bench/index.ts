import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineLine, thisMachine } from './machine';
import { ensureRendererBuilt } from '../main/cli/rendererBuild';
import { repoRoot } from '../main/cli/paths';
import { benchBarcodeLookup } from './barcodeLookup';
import { bigCatalog } from './bigCatalog';
import { benchCodecs, benchWeightRoundTrips } from './devices';
import { benchSimulatedShoppers } from './shopper';
import { benchScanToScreen } from './scanToScreen';
import { renderScanLatencySvg } from './scanLatencyPlot';
import { benchStation } from './station';
import { benchCatalogSync, fetchAndApplyImage, imageOf, serveImage, settleDisk } from './catalogSync';
import { benchStoreUpload } from './storeUpload';
import { startTestPostgres } from '../tests/support/postgres';

/**
 * `npm run bench`: every benchmark, one JSON document on stdout (progress on stderr).
 * Targets from the issues are printed next to the figures; they are not asserted.
 * `--only <sections>` runs some of them; `--plots <dir>` also writes the scan-to-screen plot.
 */
const catalogItems = Number(process.env.LANEWISE_BENCH_ITEMS ?? 1_000_000);
const scans = Number(process.env.LANEWISE_BENCH_SCANS ?? 250);

/** Sections of the run; `--only scan,station` runs a few of them (the plots need `scan`). */
const sections = ['lookup', 'scan', 'devices', 'shoppers', 'station', 'sync', 'upload'] as const;
type Section = (typeof sections)[number];

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main() {
  const only = argument('--only')?.split(',');
  const unknown = only?.filter((name) => !sections.includes(name as Section));
  if (unknown?.length) throw new Error(`unknown section ${unknown.join(', ')}: choose from ${sections.join(', ')}`);
  const runs = (section: Section) => !only || only.includes(section);
  const plotsDir = argument('--plots');

  const cacheDir = join(repoRoot, 'var', 'bench');
  mkdirSync(cacheDir, { recursive: true });
  const needsCatalog = runs('lookup') || runs('scan');
  process.stderr.write(needsCatalog ? `building or reusing a ${catalogItems.toLocaleString('en')}-item catalogue in ${cacheDir}…\n` : '');
  const catalog = needsCatalog ? bigCatalog(cacheDir, catalogItems) : undefined;
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: thisMachine(),
  };
  if (catalog) report.catalog = { items: catalogItems, buildSeconds: catalog.buildSeconds };

  if (catalog && runs('lookup')) {
    process.stderr.write('barcode lookup…\n');
    report.barcodeLookup = { ...benchBarcodeLookup(catalog.path, catalog.gtins), target: 'decode+lookup median ≤ 10 µs' };
  }
  if (catalog && runs('scan')) {
    const staticDir = await ensureRendererBuilt();
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
    report.scanToScreen = { ...scanToScreen, target: 'p99 ≤ 30 ms with 1,000,000 items' };
    report.scanToScreenDuringFullSync = {
      scans: scanDuringSync.scans,
      total: scanDuringSync.total,
      committed: scanDuringSync.stages.committed,
      syncMs: Math.round(syncMs),
      ratioOfIdleP99: Number((scanDuringSync.total.p99 / scanToScreen.total.p99).toFixed(2)),
      target: 'p99 ≤ 2× its idle value',
      totalsMs: scanDuringSync.totalsMs,
    };
    if (plotsDir) {
      mkdirSync(plotsDir, { recursive: true });
      const file = join(plotsDir, 'scan-to-screen.svg');
      const day = new Date().toISOString().slice(0, 10);
      const caption = `npm run bench, ${day}, ${machineLine()}, headless Chromium`;
      writeFileSync(file, renderScanLatencySvg({ catalogItems, idleMs: scanToScreen.totalsMs, duringSyncMs: scanDuringSync.totalsMs, caption }));
      process.stderr.write(`wrote ${file}\n`);
    }
  }
  if (runs('devices')) {
    process.stderr.write('weight request round trips over pseudo-terminals…\n');
    report.weightRoundTrip = { protocols: await benchWeightRoundTrips(200), target: 'wire time + ≤ 5 ms (overhead measured over a pty, which has no wire time)' };
    process.stderr.write('codec throughput…\n');
    report.codecs = benchCodecs(200_000);
  }
  if (runs('shoppers')) {
    process.stderr.write('simulated shoppers at the bagging scale…\n');
    report.simulatedShoppers = benchSimulatedShoppers();
  }
  if (runs('station')) {
    process.stderr.write('lane event → station tile, 4 and 32 lanes at 10 events/s…\n');
    report.station = await benchStation();
  }
  if (runs('sync')) {
    process.stderr.write('prices in: a full catalogue and a 10,000-item delta applied on a lane…\n');
    report.catalogSync = await benchCatalogSync();
  }
  if (runs('upload')) {
    process.stderr.write('sales out: 10,000 sales from 4 lanes into the store server, SQLite then PostgreSQL…\n');
    const postgres = await startTestPostgres();
    report.storeUpload = { sqlite: await benchStoreUpload(), postgres: await benchStoreUpload({ target: postgres.url }).finally(() => postgres.stop()) };
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
