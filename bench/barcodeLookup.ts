import { decodeBarcode, getRestrictedTemplate } from '../shared/barcode';
import { CatalogStore } from '../main/catalog/catalogStore';
import { summarize } from './stats';

/**
 * Barcode lookup on the scan path: decoding the scanner data, and the catalogue read by
 * GTIN (prepared statement, 1,000,000 items), timed per call in microseconds.
 */
export function benchBarcodeLookup(catalogPath: string, gtins: readonly string[], lookups = 200_000) {
  const store = CatalogStore.open(catalogPath, { readonly: true });
  const template = getRestrictedTemplate('sweden')!;
  const codes = Array.from({ length: lookups }, (_, i) => gtins[(i * 7919) % gtins.length]!.slice(1));
  // Warm-up: page cache and JIT.
  for (let i = 0; i < 20_000; i++) store.lookup(gtins[i % gtins.length]!);

  const decodeMicros: number[] = [];
  const lookupMicros: number[] = [];
  const bothMicros: number[] = [];
  let misses = 0;
  for (const code of codes) {
    const t0 = performance.now();
    const decoded = decodeBarcode(code, { currency: 'EUR', restrictedTemplate: template });
    const t1 = performance.now();
    const item = decoded.ok ? store.lookup(decoded.value.lookupGtin) : undefined;
    const t2 = performance.now();
    if (!item) misses++;
    decodeMicros.push((t1 - t0) * 1000);
    lookupMicros.push((t2 - t1) * 1000);
    bothMicros.push((t2 - t0) * 1000);
  }
  const items = store.count();
  store.close();
  return {
    catalogItems: items,
    lookups,
    misses,
    unit: 'µs',
    decode: summarize(decodeMicros),
    catalogLookup: summarize(lookupMicros),
    decodeAndLookup: summarize(bothMicros),
  };
}
