import { canonicalJson, type CatalogEntityKind } from '../../../shared/store/catalogEntities';
import type { StoreBackend } from '../../store/storeBackend';
import type { ProblemList } from './importProblems';
import { locationOf, type LocatedEntity, type ParsedCatalogFile } from './parsedCatalog';

/** What the import will do to the store, counted against its current catalogue. */
export interface ImportCounts {
  /** In the file, not in the store. */
  readonly added: number;
  /** In both, with a different value. */
  readonly updated: number;
  readonly unchanged: number;
  /** In the store, not in the file, of a kind `--replace` replaces. */
  readonly deleted: number;
  /** The store's catalogue version the counts were made against. */
  readonly storeVersion: number;
}

const identity = (kind: CatalogEntityKind, key: string) => `${kind}\u0000${key}`;

function describeLocation(located: LocatedEntity): string {
  if (located.path !== undefined) return located.line !== undefined ? `${located.path} (line ${located.line})` : located.path;
  return located.line !== undefined ? `line ${located.line}` : 'elsewhere in the file';
}

const keyField: Record<CatalogEntityKind, { json: string; csv: string; name: string }> = {
  settings: { json: 'currency', csv: 'currency', name: 'the settings' },
  vatClass: { json: 'code', csv: 'vat_class', name: 'VAT class' },
  item: { json: 'gtin', csv: 'gtin', name: 'GTIN' },
  promotion: { json: 'id', csv: 'id', name: 'promotion' },
  coupon: { json: 'code', csv: 'code', name: 'coupon' },
  assistant: { json: 'id', csv: 'id', name: 'assistant' },
};

/**
 * The checks no single row can make: the same key twice in the file (both places named), a
 * PLU on two items, an item naming a VAT class neither the file nor the store has, a PLU that
 * another store item keeps. Promotions and coupons naming GTINs that are nowhere are warnings
 * only: an offer may be set up before its items arrive, and lanes just never apply it.
 *
 * Reads the store's catalogue once, as a stream, to count what will be added, changed, left
 * as it is and (with `replaceKinds`) deleted.
 */
export async function crossCheck(backend: StoreBackend, file: ParsedCatalogFile, replaceKinds: readonly CatalogEntityKind[], errors: ProblemList, warnings: ProblemList): Promise<ImportCounts> {
  const replacing = new Set(replaceKinds);
  const byIdentity = new Map<string, number>();
  const itemByPlu = new Map<string, LocatedEntity>();
  const fileVatClasses = new Set<string>();
  const fileGtins = new Set<string>();
  file.entities.forEach((located, index) => {
    const { entity } = located;
    const id = identity(entity.kind, entity.key);
    const first = byIdentity.get(id);
    const firstLocated = first === undefined ? undefined : file.entities[first];
    if (firstLocated) {
      errors.add({ ...locationOf(located, keyField[entity.kind]), message: `${keyField[entity.kind].name} ${entity.key} is there twice: also at ${describeLocation(firstLocated)}` });
    } else {
      byIdentity.set(id, index);
    }
    if (entity.kind === 'vatClass') fileVatClasses.add(entity.key);
    if (entity.kind === 'item') {
      fileGtins.add(entity.key);
      const plu = entity.value.plu;
      const owner = plu === undefined ? undefined : itemByPlu.get(plu);
      if (plu !== undefined && owner && owner.entity.key !== entity.key) {
        errors.add({ ...locationOf(located, { json: 'plu', csv: 'plu' }), message: `PLU ${plu} is also on ${describeLocation(owner)} (GTIN ${owner.entity.key})` });
      } else if (plu !== undefined && !owner) {
        itemByPlu.set(plu, located);
      }
    }
  });

  // GTINs offers name that the file lacks: maybe the store has them.
  const offerGtinsWanted = new Set<string>();
  for (const { entity } of file.entities) {
    if (entity.kind !== 'promotion' && entity.kind !== 'coupon') continue;
    for (const gtin of entity.value.gtins ?? []) if (!fileGtins.has(gtin)) offerGtinsWanted.add(gtin);
  }

  const seen = new Uint8Array(file.entities.length);
  const storeVatClasses = new Set<string>();
  const storeGtinsFound = new Set<string>();
  const vatClassesStillUsed = new Map<string, string>();
  let updated = 0;
  let unchanged = 0;
  let deleted = 0;
  const snapshot = await backend.snapshot();
  for await (const stored of snapshot.entities()) {
    if (stored.value === null) continue;
    const index = byIdentity.get(identity(stored.kind, stored.key));
    const inFile = index === undefined ? undefined : file.entities[index];
    if (index !== undefined && inFile) {
      seen[index] = 1;
      if (canonicalJson(stored.value) === canonicalJson(inFile.entity.value)) unchanged++;
      else updated++;
      continue;
    }
    if (replacing.has(stored.kind)) {
      deleted++;
      continue;
    }
    // A store entity the import leaves as it is.
    if (stored.kind === 'vatClass') storeVatClasses.add(stored.key);
    if (stored.kind === 'item') {
      const item = stored.value as { plu?: string; vatClass?: string };
      if (offerGtinsWanted.has(stored.key)) storeGtinsFound.add(stored.key);
      const pluOwner = item.plu === undefined ? undefined : itemByPlu.get(item.plu);
      if (pluOwner) errors.add({ ...locationOf(pluOwner, { json: 'plu', csv: 'plu' }), message: `PLU ${item.plu} belongs to the store's item ${stored.key}, which is not in this file` });
      if (replacing.has('vatClass') && item.vatClass !== undefined && !fileVatClasses.has(item.vatClass) && !vatClassesStillUsed.has(item.vatClass)) vatClassesStillUsed.set(item.vatClass, stored.key);
    }
  }

  for (const located of file.entities) {
    const { entity } = located;
    if (entity.kind === 'item' && !fileVatClasses.has(entity.value.vatClass) && !storeVatClasses.has(entity.value.vatClass)) {
      errors.add({ ...locationOf(located, { json: 'vatClass', csv: 'vat_class' }), message: `VAT class "${entity.value.vatClass}" is neither in this file nor in the store` });
    }
    if (entity.kind === 'promotion' || entity.kind === 'coupon') {
      const missing = (entity.value.gtins ?? []).filter((gtin) => !fileGtins.has(gtin) && !storeGtinsFound.has(gtin));
      if (missing.length > 0) {
        const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
        warnings.add({ ...locationOf(located, { json: 'gtins', csv: 'gtins' }), message: `names item${missing.length > 1 ? 's' : ''} neither in this file nor in the store: ${shown} (it applies once they exist)` });
      }
    }
  }
  for (const [code, gtin] of vatClassesStillUsed) {
    errors.add({ message: `replacing the VAT classes would delete "${code}", which the store's item ${gtin} (not in this file) still uses` });
  }

  let added = 0;
  for (const [, index] of byIdentity) if (!seen[index]) added++;
  return { added, updated, unchanged, deleted, storeVersion: snapshot.version };
}
