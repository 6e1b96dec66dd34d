import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogStore } from '../main/catalog/catalogStore';
import { applyCatalogUpdate } from '../main/lane/catalogSync/catalogApplier';
import { CatalogChecksum } from '../main/store/checksum';
import { catalogEntitiesOf } from '../main/store/catalogEntitiesOf';
import { syncProtocolVersion, type VersionedEntity } from '../shared/store/syncProtocol';

/**
 * Prices in, on a lane: a full snapshot of `items` items and a delta of `deltaItems` changed
 * prices, each applied by the lane's catalogue sync (worker thread, one transaction, checksum
 * and every entity checked) to a lane catalogue file. Time from the first line handed over to
 * the commit; the NDJSON text is made beforehand (the network is not measured here).
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

async function* linesOf(lines: readonly string[]): AsyncIterable<string> {
  yield* lines;
}

export async function benchCatalogSync(options: { items?: number; deltaItems?: number } = {}) {
  const items = options.items ?? Number(process.env.LANEWISE_BENCH_SYNC_ITEMS ?? 1_000_000);
  const deltaItems = Math.min(items, options.deltaItems ?? 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'lanewise-bench-sync-'));
  const catalogPath = join(dir, 'catalog.sqlite');
  try {
    CatalogStore.open(catalogPath).close();
    const checksum = new CatalogChecksum();
    const snapshotLines: string[] = [JSON.stringify({ kind: 'snapshot', protocol: syncProtocolVersion, version: 1, count: items + base.length })];
    for (const entity of base) {
      checksum.add(entity);
      snapshotLines.push(JSON.stringify(entity));
    }
    for (let index = 0; index < items; index++) {
      const entity = item(1, index, 100 + (index % 900));
      checksum.add(entity);
      snapshotLines.push(JSON.stringify(entity));
    }
    snapshotLines.push(JSON.stringify({ kind: 'end', checksum: checksum.digest() }));
    const full = await applyCatalogUpdate(catalogPath, { kind: 'snapshot', lines: linesOf(snapshotLines) });
    snapshotLines.length = 0;
    if (!full.ok) throw new Error(`snapshot refused: ${full.message}`);

    const changes = Array.from({ length: deltaItems }, (_, index) => item(2, Math.floor((index * items) / deltaItems), 2_000 + index));
    const deltaChecksum = new CatalogChecksum();
    for (const change of changes) deltaChecksum.add(change);
    const delta = await applyCatalogUpdate(catalogPath, { kind: 'delta', delta: { since: 1, version: 2, changes, checksum: deltaChecksum.digest() } });
    if (!delta.ok) throw new Error(`delta refused: ${delta.message}`);
    return {
      fullSync: { items, ms: Math.round(full.durationMs), target: `≤ 3,000 ms for 1,000,000 items` },
      delta: { items: deltaItems, ms: Math.round(delta.durationMs), target: '≤ 300 ms for 10,000 items' },
      note: 'apply time in the lane’s sync worker: parse, check every entity and the checksum, write and commit (scans during a sync: scanToScreenDuringFullSync)',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The NDJSON snapshot a store server would send for the catalogue at `catalogPath` (same
 * items, one version newer): for measuring scans while a lane applies a full sync.
 */
export function snapshotLinesOf(catalogPath: string): string[] {
  const catalog = CatalogStore.open(catalogPath, { readonly: true });
  try {
    const version = catalog.syncState().version + 1;
    const checksum = new CatalogChecksum();
    const lines: string[] = [''];
    for (const entity of catalogEntitiesOf(catalog)) {
      if (entity.value === null) continue;
      const versioned = { version, kind: entity.kind, key: entity.key, value: entity.value };
      checksum.add(versioned);
      lines.push(JSON.stringify(versioned));
    }
    lines[0] = JSON.stringify({ kind: 'snapshot', protocol: syncProtocolVersion, version, count: lines.length - 1 });
    lines.push(JSON.stringify({ kind: 'end', checksum: checksum.digest() }));
    return lines;
  } finally {
    catalog.close();
  }
}

/** Applies `lines` to the catalogue as the lane's sync does (worker thread, one transaction). */
export async function applySnapshotLines(catalogPath: string, lines: readonly string[]): Promise<number> {
  const outcome = await applyCatalogUpdate(catalogPath, { kind: 'snapshot', lines: linesOf(lines) });
  if (!outcome.ok) throw new Error(`snapshot refused: ${outcome.message}`);
  return outcome.durationMs;
}
