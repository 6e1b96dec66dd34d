import type { CatalogEntity, CatalogEntityKind } from '../../shared/store/catalogEntities';
import type { ChangesAnswer, SaleOutcome, UploadedSale, VersionedEntity } from '../../shared/store/syncProtocol';

/**
 * What the store server keeps, behind one interface with two implementations: SQLite (one
 * store, the default) and PostgreSQL (a chain's store servers). Both pass the same test suite
 * (tests/main/store/backendSuite.ts). Async throughout, because PostgreSQL is.
 *
 * The catalogue is a set of entities, each kept once with the version of its newest change
 * (a deletion keeps a tombstone). A version is a counter bumped by each applied batch, so
 * "everything changed since V" is one indexed range read, already collapsed to the newest
 * value per entity.
 */
export interface StoreBackend {
  readonly kind: 'sqlite' | 'postgres';

  catalogVersion(): Promise<number>;

  /**
   * Applies a batch atomically as one new version. Entities whose value is unchanged are
   * skipped (no new version for a re-import of the same file). With `replaceKinds`, every
   * live entity of those kinds that is not in the batch is deleted (a full import).
   * Returns the catalogue version after the batch and how many entities changed.
   */
  applyCatalogChanges(changes: readonly CatalogEntity[], options?: { replaceKinds?: readonly CatalogEntityKind[]; source?: string }): Promise<{ version: number; changed: number }>;

  /** The live entities of one kind, by key (store IT's tools: assistants, VAT classes). */
  liveEntities(kind: CatalogEntityKind): Promise<VersionedEntity[]>;

  /** The delta since `since` (see shared/store/syncProtocol.ts), or why a snapshot is needed. */
  changesSince(since: number, options?: { maxChanges?: number }): Promise<ChangesAnswer>;

  /**
   * Every live entity at one version, in a stable order, read page by page (so a million
   * items never sit in memory at once) from one consistent view of the catalogue.
   */
  snapshot(): Promise<CatalogSnapshot>;

  /** Forgets tombstones at or below `version`; lanes older than that get a snapshot. Returns how many went. */
  purgeTombstones(version: number): Promise<number>;

  /** Stores each sale once by its id (see syncProtocol.ts for the outcomes); all or nothing per call. */
  storeSales(laneId: string, sales: readonly UploadedSale[], receivedAt: number): Promise<SaleOutcome[]>;

  /** Per lane and journal epoch: the sale numbers received, and the gaps in them. */
  laneSequences(laneId?: string): Promise<LaneSequence[]>;

  salesCount(): Promise<number>;

  /** Sales as stored, oldest received first (for checks and store IT). */
  sales(options?: { laneId?: string; afterReceivedSeq?: number; limit?: number }): Promise<StoredSale[]>;

  lanes: StoreLaneRegistry;

  close(): Promise<void>;
}

export interface CatalogSnapshot {
  readonly version: number;
  readonly count: number;
  /** The entities, in order; ends the read view when done or when the consumer stops early. */
  entities(): AsyncIterable<VersionedEntity>;
}

export interface LaneSequence {
  readonly laneId: string;
  readonly epoch: string;
  readonly count: number;
  readonly highest: number;
  /** Numbers missing below `highest` (at most the first 1,000). */
  readonly missing: readonly number[];
}

export interface StoredSale {
  /** Order of arrival at the server. */
  readonly receivedSeq: number;
  readonly saleId: string;
  readonly laneId: string;
  readonly epoch: string;
  readonly number: number;
  readonly status: 'completed' | 'cancelled';
  readonly closedAt: number;
  readonly totalMinor: number;
  readonly currency: string;
  readonly digest: string;
  readonly payload: string;
  readonly receivedAt: number;
}

/** The lanes store IT provisioned: a token per lane, kept only as its SHA-256. */
export interface StoreLaneRegistry {
  /** Adds a lane (or, with `rotate`, gives it a new token). Returns the token, shown once. */
  add(laneId: string, options?: { rotate?: boolean }): Promise<{ token: string }>;
  /** The lane whose token this is, when it exists and is enabled. Constant-time on the hash. */
  authenticate(laneId: string, token: string): Promise<'ok' | 'unknown' | 'disabled'>;
  list(): Promise<{ laneId: string; disabled: boolean; addedAt: number; lastSeenAt: number | null }[]>;
  setDisabled(laneId: string, disabled: boolean): Promise<boolean>;
  remove(laneId: string): Promise<boolean>;
  touch(laneId: string, at: number): Promise<void>;
}
