import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogStore } from '../main/catalog/catalogStore';
import { demoItems, demoSettings, demoVatClasses } from '../main/catalog/demoCatalog';
import { demoVariableMeasureGtin } from '../main/catalog/ensureDemoCatalog';

/**
 * A catalogue of `count` items (the demo store's items, then generated packaged goods) in
 * `dir`, reused across benchmark runs when it is already there with that many items, and a
 * random sample of its unit-priced GTINs to scan.
 */
export function bigCatalog(dir: string, count: number, sampleSize = 100_000): { path: string; gtins: string[]; buildSeconds: number | null } {
  const path = join(dir, `catalog-${count}.sqlite`);
  let buildSeconds: number | null = null;
  if (!existsSync(path) || CatalogStore.open(path, { readonly: true }).count() < count) {
    const started = performance.now();
    const store = CatalogStore.open(path);
    store.writeSettings(demoSettings);
    store.writeVatClasses(demoVatClasses);
    store.writeItems(demoItems({ count, variableMeasureGtin: demoVariableMeasureGtin }));
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    buildSeconds = Number(((performance.now() - started) / 1000).toFixed(2));
  }
  const store = CatalogStore.open(path, { readonly: true });
  // A random sample, not every GTIN: a million strings on the benchmark's own heap would
  // bring garbage-collection pauses into the latencies it measures.
  const keys = store.db.prepare("SELECT gtin FROM items WHERE sold_by = 'unit' ORDER BY random() LIMIT ?").pluck().all(sampleSize) as number[];
  const gtins = keys.map((key) => String(key).padStart(14, '0'));
  store.close();
  return { path, gtins, buildSeconds };
}
