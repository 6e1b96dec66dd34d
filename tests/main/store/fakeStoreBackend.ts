import { canonicalJson, catalogEntityKinds, type CatalogEntity, type CatalogEntityKind } from '../../../shared/store/catalogEntities';
import type { ChangesAnswer, VersionedEntity } from '../../../shared/store/syncProtocol';
import type { CatalogSnapshot, StoreBackend } from '../../../main/store/storeBackend';

interface AppliedCall {
  readonly changes: readonly CatalogEntity[];
  readonly options: { replaceKinds?: readonly CatalogEntityKind[]; source?: string } | undefined;
}

const notInFake = (what: string) => () => Promise.reject(new Error(`${what} is not in the fake store backend`));

/**
 * The catalogue half of a StoreBackend in memory, with the interface's semantics (unchanged
 * entities skipped, `replaceKinds` deleting what the batch lacks, one version per batch), and a
 * record of every `applyCatalogChanges` call, so tests can see that a refused file applied nothing.
 */
export class FakeStoreBackend implements StoreBackend {
  readonly kind = 'sqlite' as const;
  readonly applied: AppliedCall[] = [];
  readonly #entities = new Map<string, VersionedEntity>();
  #version = 0;

  constructor(initial: readonly CatalogEntity[] = []) {
    if (initial.length > 0) this.#apply(initial);
    this.applied.length = 0;
  }

  catalogVersion(): Promise<number> {
    return Promise.resolve(this.#version);
  }

  applyCatalogChanges(changes: readonly CatalogEntity[], options?: { replaceKinds?: readonly CatalogEntityKind[]; source?: string }): Promise<{ version: number; changed: number }> {
    this.applied.push({ changes, options });
    return Promise.resolve(this.#apply(changes, options?.replaceKinds ?? []));
  }

  #apply(changes: readonly CatalogEntity[], replaceKinds: readonly CatalogEntityKind[] = []): { version: number; changed: number } {
    const next = this.#version + 1;
    let changed = 0;
    const inBatch = new Set<string>();
    for (const change of changes) {
      const id = `${change.kind}\u0000${change.key}`;
      inBatch.add(id);
      const current = this.#entities.get(id);
      if (current && canonicalJson(current.value) === canonicalJson(change.value)) continue;
      if (!current && change.value === null) continue;
      this.#entities.set(id, { version: next, kind: change.kind, key: change.key, value: change.value });
      changed++;
    }
    for (const [id, entity] of this.#entities) {
      if (replaceKinds.includes(entity.kind) && entity.value !== null && !inBatch.has(id)) {
        this.#entities.set(id, { ...entity, version: next, value: null });
        changed++;
      }
    }
    if (changed > 0) this.#version = next;
    return { version: this.#version, changed };
  }

  /** Every live entity, by kind (in apply order) then key. */
  live(): VersionedEntity[] {
    return [...this.#entities.values()]
      .filter((entity) => entity.value !== null)
      .sort((a, b) => catalogEntityKinds.indexOf(a.kind) - catalogEntityKinds.indexOf(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  liveEntities(kind: CatalogEntityKind): Promise<VersionedEntity[]> {
    return Promise.resolve(this.live().filter((entity) => entity.kind === kind));
  }

  value(kind: CatalogEntityKind, key: string): unknown {
    return this.#entities.get(`${kind}\u0000${key}`)?.value;
  }

  changesSince(since: number): Promise<ChangesAnswer> {
    return Promise.reject(new Error(`changesSince(${since}) is not in the fake store backend`));
  }

  snapshot(): Promise<CatalogSnapshot> {
    const entities = this.live();
    return Promise.resolve({
      version: this.#version,
      count: entities.length,
      async *entities() {
        yield* entities;
      },
    });
  }

  purgeTombstones = notInFake('purgeTombstones');
  storeSales = notInFake('storeSales');
  laneSequences = notInFake('laneSequences');
  salesCount = notInFake('salesCount');
  sales = notInFake('sales');
  lanes = {
    add: notInFake('lanes.add'),
    authenticate: notInFake('lanes.authenticate'),
    list: notInFake('lanes.list'),
    setDisabled: notInFake('lanes.setDisabled'),
    remove: notInFake('lanes.remove'),
    touch: notInFake('lanes.touch'),
  };

  close(): Promise<void> {
    return Promise.resolve();
  }
}
