import { createHash, type Hash } from 'node:crypto';
import { canonicalEntityLine } from '../../shared/store/catalogEntities';

/**
 * The catalogue checksum of shared/store/syncProtocol.ts: SHA-256 (hex) over the canonical
 * line of each entity, joined by "\n", in the order sent. Incremental, so a snapshot of a
 * million items is checked as it streams by, on both ends.
 */
export class CatalogChecksum {
  readonly #hash: Hash = createHash('sha256');
  #count = 0;

  add(entity: { version: unknown; kind: unknown; key: unknown; value: unknown }): this {
    if (this.#count > 0) this.#hash.update('\n');
    this.#hash.update(canonicalEntityLine(entity));
    this.#count++;
    return this;
  }

  get count(): number {
    return this.#count;
  }

  /** The hex digest; the checksum cannot be added to afterwards. */
  digest(): string {
    return this.#hash.digest('hex');
  }
}

export function catalogChecksum(entities: Iterable<{ version: number; kind: string; key: string; value: unknown }>): string {
  const checksum = new CatalogChecksum();
  for (const entity of entities) checksum.add(entity);
  return checksum.digest();
}
