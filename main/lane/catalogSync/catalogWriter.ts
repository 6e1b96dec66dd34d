import {
  catalogEntityKinds,
  catalogEntitySchema,
  type CatalogEntity,
  type CatalogEntityKind,
  type CatalogEntityValue,
} from '../../../shared/store/catalogEntities';
import { maxEntityNesting, nestedDeeperThan, snapshotHeaderSchema, snapshotTrailerSchema, syncProtocolVersion } from '../../../shared/store/syncProtocol';
import { gtinKey, searchText } from '../../catalog/catalogStore';
import type { Db } from '../../db/database';
import { CatalogChecksum } from '../../store/checksum';

/** Why an update was refused; the catalogue is then exactly as it was. */
export type UpdateProblem =
  /** an entity its schema refuses, or a tombstone in a snapshot */
  | 'badEntity'
  /** the checksum of what arrived is not the one sent */
  | 'badChecksum'
  /** a snapshot ended before its trailer, or held another number of entities than its header said */
  | 'truncated'
  /** not the protocol: unreadable JSON, no header, lines after the trailer, versions out of range */
  | 'badStream'
  /** a delta that starts after the version this catalogue holds (a gap), or ends before it */
  | 'versionGap'
  /** the catalogue refused the rows (a duplicate key, an item naming a VAT class that does not exist…) */
  | 'rejectedByCatalog'
  /** the lane stopped or the fetch failed part way */
  | 'aborted'
  /** a catalogue image built with another catalogue schema than this lane's (the NDJSON snapshot still works) */
  | 'imageUnusable';

export class CatalogUpdateError extends Error {
  constructor(
    readonly problem: UpdateProblem,
    message: string,
  ) {
    super(message);
    this.name = 'CatalogUpdateError';
  }
}

export interface UpdateMeta {
  /** The store server it came from, kept for store IT. */
  readonly source: string | null;
  /** When it is applied (ms since the epoch). */
  readonly appliedAt: number;
}

export interface AppliedUpdate {
  readonly kind: 'delta' | 'snapshot';
  readonly version: number;
  /** Entities written or deleted. */
  readonly changed: number;
  readonly checksum: string;
}

/** A delta as it arrived (checked here again: the writer trusts nothing it has not verified). */
export interface RawDelta {
  readonly since: number;
  readonly version: number;
  readonly checksum: string;
  readonly changes: readonly unknown[];
}

interface ParsedEntity {
  readonly version: number;
  readonly entity: CatalogEntity;
}

const kindOrder = new Map<CatalogEntityKind, number>(catalogEntityKinds.map((kind, index) => [kind, index]));
/** catalog_meta keys that belong to the store's settings entity. */
export const settingsKeys = ['currency', 'restrictedTemplate'] as const;
/** Items per INSERT while a snapshot is written: one call per batch instead of per row. */
const itemsPerInsert = 64;
/** The tables a snapshot replaces wholesale. */
export const replacedTables = ['items', 'scheduled_prices', 'vat_classes', 'promotions', 'coupons', 'assistants'] as const;

function describeIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(entity)'}: ${issue.message}`)
    .join('; ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one versioned entity as sent (the raw JSON value, before any parsing changes it) and
 * returns it parsed. The checksum is over the raw value, so the caller adds it before this.
 */
function parseVersionedEntity(raw: unknown, where: string): ParsedEntity {
  if (!isRecord(raw) || typeof raw.version !== 'number' || !Number.isSafeInteger(raw.version) || raw.version < 1) {
    throw new CatalogUpdateError('badStream', `${where}: not a versioned entity (version, kind, key, value)`);
  }
  const parsed = catalogEntitySchema.safeParse({ kind: raw.kind, key: raw.key, value: raw.value });
  if (!parsed.success) {
    const name = typeof raw.kind === 'string' && typeof raw.key === 'string' ? ` ${raw.kind} ${raw.key}` : '';
    throw new CatalogUpdateError('badEntity', `${where}${name}: ${describeIssues(parsed.error)}`);
  }
  return { version: raw.version, entity: parsed.data };
}

function constraintMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes verified catalogue updates into a lane's catalogue database, each in one transaction
 * (the lane's own connection keeps reading the old catalogue until the commit). Synchronous and
 * long-running by design: it runs in the catalogue sync's worker thread, never on the lane's
 * event loop.
 */
export class CatalogWriter {
  readonly #db: Db;
  readonly #statements: ReturnType<typeof prepareStatements>;
  #snapshot: SnapshotInProgress | undefined;

  constructor(db: Db) {
    this.#db = db;
    this.#statements = prepareStatements(db);
  }

  version(): number {
    return this.#statements.version.get()?.version ?? 0;
  }

  get snapshotInProgress(): boolean {
    return this.#snapshot !== undefined;
  }

  /**
   * Applies a delta whole or not at all. Everything is verified before the first write: the
   * checksum, every entity, and that it starts at or before the version held (deltas carry
   * whole values, so overlapping an applied one is harmless; a gap is not).
   */
  applyDelta(delta: RawDelta, meta: UpdateMeta): AppliedUpdate {
    if (this.#snapshot) throw new CatalogUpdateError('badStream', 'a snapshot is being applied');
    const held = this.version();
    if (delta.since > held) throw new CatalogUpdateError('versionGap', `the delta starts at version ${delta.since}, the catalogue holds ${held}`);
    if (delta.version < delta.since) throw new CatalogUpdateError('badStream', `the delta goes from version ${delta.since} back to ${delta.version}`);
    // Older than what is held: its values could undo later changes. A snapshot is the store's truth then.
    if (delta.version < held) throw new CatalogUpdateError('versionGap', `the store is at version ${delta.version}, behind this catalogue (${held})`);
    const checksum = new CatalogChecksum();
    const entities: ParsedEntity[] = [];
    delta.changes.forEach((raw, index) => {
      const where = `change ${index + 1}`;
      if (isRecord(raw)) checksum.add(raw as { version: unknown; kind: unknown; key: unknown; value: unknown });
      const parsed = parseVersionedEntity(raw, where);
      if (parsed.version <= delta.since || parsed.version > delta.version) {
        throw new CatalogUpdateError('badStream', `${where}: version ${parsed.version} is outside the delta (${delta.since}, ${delta.version}]`);
      }
      entities.push(parsed);
    });
    const digest = checksum.digest();
    if (digest !== delta.checksum) throw new CatalogUpdateError('badChecksum', `the delta's checksum is ${delta.checksum}, what arrived hashes to ${digest}`);
    // Stable sort: kinds in the order that keeps references whole (VAT classes before items).
    const ordered = entities.map((parsed) => parsed.entity).sort((a, b) => kindOrder.get(a.kind)! - kindOrder.get(b.kind)!);
    const applied: AppliedUpdate = { kind: 'delta', version: delta.version, changed: ordered.length, checksum: digest };
    // Nothing new: no write, so the lane's caches (which watch the file's commits) stay warm.
    if (ordered.length === 0 && delta.version === held) return applied;
    this.#inTransaction(() => {
      this.#freeBadges(ordered);
      for (const entity of ordered) this.#apply(entity, false);
      this.#writeState(applied, meta);
    });
    return applied;
  }

  /** Opens the snapshot's transaction and empties the catalogue inside it. */
  beginSnapshot(meta: UpdateMeta): void {
    if (this.#snapshot) throw new CatalogUpdateError('badStream', 'a snapshot is already being applied');
    this.#begin();
    try {
      // Inserting a million rows and indexing once at the end is far quicker than keeping indexes up to date.
      const indexes = this.#db
        .prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' AND sql IS NOT NULL")
        .all();
      for (const index of indexes) this.#db.exec(`DROP INDEX "${index.name}"`);
      for (const table of replacedTables) this.#db.exec(`DELETE FROM ${table}`);
      for (const key of settingsKeys) this.#statements.deleteMeta.run(key);
      // Every row is checked against its entity schema before it is written, which covers the
      // tables' CHECKs; skipping them halves the insert time of a million items. Foreign keys
      // and uniqueness are still enforced.
      this.#db.pragma('ignore_check_constraints = ON');
      this.#snapshot = { meta, indexes, checksum: new CatalogChecksum(), header: undefined, trailer: undefined, lines: 0, itemRows: [] };
    } catch (error) {
      this.#rollback();
      throw new CatalogUpdateError('rejectedByCatalog', `could not start the snapshot: ${constraintMessage(error)}`);
    }
  }

  /** Adds the next NDJSON lines of the snapshot (header, entities, trailer). On any problem the snapshot is rolled back. */
  addSnapshotLines(lines: readonly string[]): void {
    const snapshot = this.#snapshot;
    if (!snapshot) throw new CatalogUpdateError('badStream', 'no snapshot is being applied');
    try {
      for (const line of lines) {
        if (line.trim() === '') continue;
        snapshot.lines++;
        this.#snapshotLine(snapshot, line);
      }
      this.#flushItems(snapshot);
    } catch (error) {
      this.abortSnapshot();
      throw error instanceof CatalogUpdateError ? error : new CatalogUpdateError('rejectedByCatalog', `snapshot line ${snapshot.lines}: ${constraintMessage(error)}`);
    }
  }

  /** Verifies count and checksum, rebuilds the indexes and commits; otherwise rolls back. */
  finishSnapshot(): AppliedUpdate {
    const snapshot = this.#snapshot;
    if (!snapshot) throw new CatalogUpdateError('badStream', 'no snapshot is being applied');
    this.#snapshot = undefined;
    try {
      const { header, trailer } = snapshot;
      if (!header) throw new CatalogUpdateError('truncated', 'the snapshot ended before its header');
      if (!trailer) throw new CatalogUpdateError('truncated', `the snapshot ended after ${snapshot.checksum.count} of ${header.count} entities, without its trailer`);
      const digest = snapshot.checksum.digest();
      if (digest !== trailer.checksum) throw new CatalogUpdateError('badChecksum', `the snapshot's checksum is ${trailer.checksum}, what arrived hashes to ${digest}`);
      const applied: AppliedUpdate = { kind: 'snapshot', version: header.version, changed: header.count, checksum: digest };
      this.#db.pragma('ignore_check_constraints = OFF');
      try {
        for (const index of snapshot.indexes) this.#db.exec(index.sql);
      } catch (error) {
        throw new CatalogUpdateError('rejectedByCatalog', `could not index the snapshot: ${constraintMessage(error)}`);
      }
      this.#writeState(applied, snapshot.meta);
      this.#commit();
      return applied;
    } catch (error) {
      this.#rollback();
      throw error;
    }
  }

  /** Rolls back a snapshot under way (the fetch failed, the lane stops); harmless when there is none. */
  abortSnapshot(): void {
    this.#snapshot = undefined;
    this.#rollback();
  }

  #flushItems(snapshot: SnapshotInProgress): void {
    const rows = snapshot.itemRows;
    let start = 0;
    for (; start + itemsPerInsert <= rows.length; start += itemsPerInsert) this.#statements.insertItems.run(rows.slice(start, start + itemsPerInsert).flat());
    for (; start < rows.length; start++) this.#statements.insertItem.run(...rows[start]!);
    rows.length = 0;
  }

  #snapshotLine(snapshot: SnapshotInProgress, line: string): void {
    const where = `snapshot line ${snapshot.lines}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new CatalogUpdateError('badStream', `${where} is not JSON`);
    }
    // Before anything walks it (the checksum, the schemas): an entity is its value one level down.
    if (nestedDeeperThan(raw, maxEntityNesting + 1)) throw new CatalogUpdateError('badStream', `${where} is nested more than ${maxEntityNesting + 1} deep: no catalogue entity is`);
    if (snapshot.trailer) throw new CatalogUpdateError('badStream', `${where} comes after the trailer`);
    if (!snapshot.header) {
      const header = snapshotHeaderSchema.safeParse(raw);
      if (!header.success) {
        const protocol = isRecord(raw) && raw.kind === 'snapshot' && raw.protocol !== syncProtocolVersion ? ` (protocol ${String(raw.protocol)}, this lane speaks ${syncProtocolVersion})` : '';
        throw new CatalogUpdateError('badStream', `${where} is not a snapshot header${protocol}`);
      }
      snapshot.header = header.data;
      return;
    }
    if (snapshot.checksum.count === snapshot.header.count) {
      const trailer = snapshotTrailerSchema.safeParse(raw);
      if (!trailer.success) throw new CatalogUpdateError('badStream', `${where}: expected the trailer after ${snapshot.header.count} entities`);
      snapshot.trailer = trailer.data;
      return;
    }
    if (isRecord(raw) && raw.kind === 'end') {
      throw new CatalogUpdateError('truncated', `the snapshot's trailer came after ${snapshot.checksum.count} of ${snapshot.header.count} entities`);
    }
    if (isRecord(raw)) snapshot.checksum.add(raw as { version: unknown; kind: unknown; key: unknown; value: unknown });
    const parsed = parseVersionedEntity(raw, where);
    if (parsed.entity.value === null) throw new CatalogUpdateError('badEntity', `${where}: a snapshot holds no tombstones`);
    if (parsed.version > snapshot.header.version) {
      throw new CatalogUpdateError('badStream', `${where}: version ${parsed.version} is newer than the snapshot (${snapshot.header.version})`);
    }
    if (parsed.entity.kind === 'item') this.#putItem(gtinKey(parsed.entity.key), parsed.entity.value!, snapshot.itemRows);
    else this.#apply(parsed.entity, true);
  }

  /** An assistant's badge may move to another in the same update: clear them first, UNIQUE is not deferrable. */
  #freeBadges(entities: readonly CatalogEntity[]): void {
    for (const entity of entities) if (entity.kind === 'assistant') this.#statements.clearBadge.run(entity.key);
  }

  /** One entity: `fresh` when its table was emptied in this transaction (a snapshot), so there is nothing to replace. */
  #apply(entity: CatalogEntity, fresh: boolean): void {
    const s = this.#statements;
    switch (entity.kind) {
      case 'settings':
        if (entity.value === null) {
          for (const key of settingsKeys) s.deleteMeta.run(key);
        } else {
          s.putMeta.run('currency', entity.value.currency);
          s.putMeta.run('restrictedTemplate', entity.value.restrictedTemplate ?? '');
        }
        return;
      case 'vatClass':
        if (entity.value === null) s.deleteVatClass.run(entity.key);
        else s.putVatClass.run(entity.value.code, entity.value.rateBp, entity.value.label);
        return;
      case 'item': {
        const key = gtinKey(entity.key);
        if (!fresh) s.deleteSchedule.run(key);
        if (entity.value === null) {
          s.deleteItem.run(key);
          return;
        }
        this.#putItem(key, entity.value, fresh ? undefined : null);
        return;
      }
      case 'promotion':
        if (entity.value === null) s.deletePromotion.run(entity.key);
        else {
          const p = entity.value;
          s.putPromotion.run(p.id, JSON.stringify(p.name), JSON.stringify(p.rule), JSON.stringify(p.gtins), p.validFrom ?? null, p.validTo ?? null, p.loyaltyOnly ? 1 : 0);
        }
        return;
      case 'coupon':
        if (entity.value === null) s.deleteCoupon.run(entity.key);
        else {
          const c = entity.value;
          s.putCoupon.run(
            c.code,
            JSON.stringify(c.name),
            JSON.stringify(c.rule),
            c.gtins === undefined ? null : JSON.stringify(c.gtins),
            c.minimumSpendMinor ?? null,
            c.validFrom ?? null,
            c.validTo ?? null,
            c.loyaltyOnly ? 1 : 0,
          );
        }
        return;
      case 'assistant':
        if (entity.value === null) s.deleteAssistant.run(entity.key);
        else {
          const a = entity.value;
          s.putAssistant.run(a.id, a.name, a.role, a.pinHash, a.badgeHash ?? null, a.active ? 1 : 0);
        }
        return;
    }
  }

  /** Upserts the item (`batch` null), or adds its row to a snapshot's batch. */
  #putItem(key: number, item: CatalogEntityValue<'item'>, batch: ItemParams[] | null | undefined): void {
    const schedule = item.scheduledPrices ?? [];
    const row: ItemParams = [
      key,
      item.plu ?? null,
      JSON.stringify(item.name),
      item.priceMinor,
      item.soldBy,
      item.variableMeasure ? 1 : 0,
      item.vatClass,
      item.ageLimit ?? null,
      searchText(item.name),
      schedule.length > 0 ? 1 : 0,
      item.weight?.grams ?? null,
      item.weight?.toleranceGrams ?? null,
    ];
    if (batch) batch.push(row);
    else (batch === undefined ? this.#statements.insertItem : this.#statements.upsertItem).run(...row);
    for (const price of schedule) this.#statements.putSchedule.run(key, price.from, price.priceMinor);
  }

  #writeState(applied: AppliedUpdate, meta: UpdateMeta): void {
    this.#statements.putState.run(applied.version, meta.appliedAt, applied.kind, applied.checksum, applied.changed, meta.source);
  }

  #inTransaction(write: () => void): void {
    this.#begin();
    try {
      write();
      this.#commit();
    } catch (error) {
      this.#rollback();
      throw error instanceof CatalogUpdateError ? error : new CatalogUpdateError('rejectedByCatalog', constraintMessage(error));
    }
  }

  #begin(): void {
    // IMMEDIATE: take the write lock now, not half-way through; deferred keys, so entities may
    // arrive in any order (a snapshot's items before their VAT classes) and are checked at COMMIT.
    this.#db.exec('BEGIN IMMEDIATE');
    this.#db.pragma('defer_foreign_keys = ON');
  }

  #commit(): void {
    try {
      this.#db.exec('COMMIT');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        const missing = this.#db.prepare<[], { vat_class: string }>('SELECT DISTINCT vat_class FROM items WHERE vat_class NOT IN (SELECT code FROM vat_classes) LIMIT 5').all();
        const which = missing.length > 0 ? `: items name VAT classes that do not exist (${missing.map((row) => row.vat_class).join(', ')})` : '';
        throw new CatalogUpdateError('rejectedByCatalog', `${constraintMessage(error)}${which}`);
      }
      throw error;
    }
  }

  #rollback(): void {
    if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
    this.#db.pragma('ignore_check_constraints = OFF');
  }
}

interface SnapshotInProgress {
  readonly meta: UpdateMeta;
  readonly indexes: readonly { name: string; sql: string }[];
  readonly checksum: CatalogChecksum;
  header: { version: number; count: number } | undefined;
  trailer: { checksum: string } | undefined;
  lines: number;
  /** Item rows waiting for the next batched INSERT. */
  readonly itemRows: ItemParams[];
}

type ItemParams = [number, string | null, string, number, string, number, string, number | null, string, number, number | null, number | null];

function prepareStatements(db: Db) {
  const itemColumns = 'gtin, plu, names, price_minor, sold_by, variable_measure, vat_class, age_limit, search_text, has_schedule, weight_grams, weight_tolerance_grams';
  return {
    version: db.prepare<[], { version: number }>('SELECT version FROM catalog_sync WHERE id = 1'),
    putState: db.prepare<[number, number, string, string, number, string | null]>(
      `INSERT INTO catalog_sync (id, version, applied_at, kind, checksum, changed, source) VALUES (1, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at, kind = excluded.kind,
         checksum = excluded.checksum, changed = excluded.changed, source = excluded.source`,
    ),
    putMeta: db.prepare<[string, string]>('INSERT INTO catalog_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    deleteMeta: db.prepare<[string]>('DELETE FROM catalog_meta WHERE key = ?'),
    putVatClass: db.prepare<[string, number, string]>(
      'INSERT INTO vat_classes (code, rate_bp, label) VALUES (?, ?, ?) ON CONFLICT (code) DO UPDATE SET rate_bp = excluded.rate_bp, label = excluded.label',
    ),
    deleteVatClass: db.prepare<[string]>('DELETE FROM vat_classes WHERE code = ?'),
    insertItem: db.prepare<ItemParams>(`INSERT INTO items (${itemColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertItems: db.prepare<unknown[][]>(`INSERT INTO items (${itemColumns}) VALUES ${Array(itemsPerInsert).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`),
    upsertItem: db.prepare<ItemParams>(
      `INSERT INTO items (${itemColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (gtin) DO UPDATE SET plu = excluded.plu, names = excluded.names, price_minor = excluded.price_minor,
         sold_by = excluded.sold_by, variable_measure = excluded.variable_measure, vat_class = excluded.vat_class,
         age_limit = excluded.age_limit, search_text = excluded.search_text, has_schedule = excluded.has_schedule,
         weight_grams = excluded.weight_grams, weight_tolerance_grams = excluded.weight_tolerance_grams`,
    ),
    deleteItem: db.prepare<[number]>('DELETE FROM items WHERE gtin = ?'),
    putSchedule: db.prepare<[number, number, number]>('INSERT INTO scheduled_prices (gtin, from_ms, price_minor) VALUES (?, ?, ?)'),
    deleteSchedule: db.prepare<[number]>('DELETE FROM scheduled_prices WHERE gtin = ?'),
    putPromotion: db.prepare<[string, string, string, string, number | null, number | null, number]>(
      `INSERT INTO promotions (id, names, rule, gtins, valid_from, valid_to, loyalty_only) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET names = excluded.names, rule = excluded.rule, gtins = excluded.gtins,
         valid_from = excluded.valid_from, valid_to = excluded.valid_to, loyalty_only = excluded.loyalty_only`,
    ),
    deletePromotion: db.prepare<[string]>('DELETE FROM promotions WHERE id = ?'),
    putCoupon: db.prepare<[string, string, string, string | null, number | null, number | null, number | null, number]>(
      `INSERT INTO coupons (code, names, rule, gtins, minimum_spend_minor, valid_from, valid_to, loyalty_only) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (code) DO UPDATE SET names = excluded.names, rule = excluded.rule, gtins = excluded.gtins,
         minimum_spend_minor = excluded.minimum_spend_minor, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
         loyalty_only = excluded.loyalty_only`,
    ),
    deleteCoupon: db.prepare<[string]>('DELETE FROM coupons WHERE code = ?'),
    putAssistant: db.prepare<[string, string, string, string, string | null, number]>(
      `INSERT INTO assistants (id, name, role, pin_hash, badge_hash, active) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, pin_hash = excluded.pin_hash,
         badge_hash = excluded.badge_hash, active = excluded.active`,
    ),
    clearBadge: db.prepare<[string]>('UPDATE assistants SET badge_hash = NULL WHERE id = ?'),
    deleteAssistant: db.prepare<[string]>('DELETE FROM assistants WHERE id = ?'),
  };
}
