import { CatalogChecksum } from '../../../../main/store/checksum';
import type { CatalogDelta, VersionedEntity } from '../../../../shared/store/syncProtocol';

export interface Entity {
  readonly version: number;
  readonly kind: VersionedEntity['kind'];
  readonly key: string;
  readonly value: unknown;
}

export function gtinFor(index: number): string {
  return String(4750900000000 + index).padStart(14, '0');
}

export function itemEntity(version: number, index: number, priceMinor: number, extra: Record<string, unknown> = {}): Entity {
  const gtin = gtinFor(index);
  return { version, kind: 'item', key: gtin, value: { gtin, name: { en: `Item ${index}`, lv: `Prece ${index}` }, priceMinor, soldBy: 'unit', vatClass: 'A', ...extra } };
}

export const vatA: Entity = { version: 1, kind: 'vatClass', key: 'A', value: { code: 'A', rateBp: 2100, label: 'VAT 21%' } };
export const settings: Entity = { version: 1, kind: 'settings', key: 'store', value: { currency: 'EUR', restrictedTemplate: 'sweden' } };

/** A delta with the checksum computed by the reference implementation (main/store/checksum.ts). */
export function delta(since: number, version: number, changes: readonly Entity[]): CatalogDelta {
  return { kind: 'delta', since, version, changes: [...changes], checksum: checksumOf(changes) };
}

export function checksumOf(entities: readonly Entity[]): string {
  const checksum = new CatalogChecksum();
  for (const entity of entities) checksum.add(entity);
  return checksum.digest();
}

/** NDJSON lines of a snapshot: header, entities, trailer. */
export function snapshotLines(version: number, entities: readonly Entity[]): string[] {
  return [
    JSON.stringify({ kind: 'snapshot', protocol: 1, version, count: entities.length }),
    ...entities.map((entity) => JSON.stringify(entity)),
    JSON.stringify({ kind: 'end', checksum: checksumOf(entities) }),
  ];
}

/** Settings, VAT class A and `count` items priced `priceMinor`. */
export function storeEntities(count: number, priceMinor: number, version = 1): Entity[] {
  const items = Array.from({ length: count }, (_, index) => itemEntity(version, index, priceMinor));
  return [settings, vatA, ...items];
}

/** Lines handed over asynchronously in small bursts, like a download. */
export async function* streamed(lines: readonly string[], options: { failAfter?: number } = {}): AsyncIterable<string> {
  let index = 0;
  for (const line of lines) {
    if (options.failAfter !== undefined && index === options.failAfter) throw new Error('connection reset');
    if (index % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    index++;
    yield line;
  }
}
