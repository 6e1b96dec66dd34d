import type { Statement } from 'better-sqlite3';
import { couponSchema, promotionSchema } from '../../shared/store/catalogEntities';
import type { CatalogItem } from '../../shared/catalog/item';
import type { Coupon, Promotion } from '../../shared/checkout/promotions';
import type { LocalizedText } from '../../shared/i18n/languages';
import { openDatabase, schemaVersion, type Db } from '../db/database';
import { catalogMigrations } from './migrations';
import { migration0004CatalogSync } from './migrations/0004_catalog_sync';

export interface VatClass {
  readonly code: string;
  readonly rateBp: number;
  readonly label: string;
}

/** Store-wide settings that travel with the catalogue. */
export interface CatalogSettings {
  readonly currency: string;
  /** Name of the restricted-circulation barcode template (`sweden`, `germany`) or none. */
  readonly restrictedTemplate: string | null;
}

interface ItemRow {
  gtin: number;
  plu: string | null;
  names: string;
  price_minor: number;
  sold_by: 'unit' | 'weight';
  variable_measure: number;
  vat_class: string;
  rate_bp: number;
  age_limit: number | null;
  has_schedule: number;
  weight_grams: number | null;
  weight_tolerance_grams: number | null;
}

const itemColumns = `i.gtin, i.plu, i.names, i.price_minor, i.sold_by, i.variable_measure, i.vat_class, v.rate_bp, i.age_limit,
  i.has_schedule, i.weight_grams, i.weight_tolerance_grams`;
/** A file opened read-only is not migrated: one from before schema 4 has no schedules or weights. */
const itemColumnsBeforeSync = `i.gtin, i.plu, i.names, i.price_minor, i.sold_by, i.variable_measure, i.vat_class, v.rate_bp, i.age_limit,
  0 AS has_schedule, NULL AS weight_grams, NULL AS weight_tolerance_grams`;

/** Which store catalogue version this file holds (issue 6); version 0 when it was never synced. */
export interface CatalogSyncState {
  readonly version: number;
  /** When the last update was applied (ms since the epoch), or null. */
  readonly appliedAt: number | null;
  readonly kind: 'delta' | 'snapshot' | null;
  /** SHA-256 hex of the last update, as verified on arrival. */
  readonly checksum: string | null;
  /** Entities the last update changed. */
  readonly changed: number;
  /** The store server it came from. */
  readonly source: string | null;
}

interface SyncStateRow {
  version: number;
  applied_at: number;
  kind: 'delta' | 'snapshot';
  checksum: string;
  changed: number;
  source: string | null;
}

export interface CatalogOpenOptions {
  readonly readonly?: boolean;
  /** The clock scheduled prices are read against (tests inject one). */
  readonly now?: () => number;
}

/** GTIN-14 text ↔ the integer key it is stored under. */
export function gtinKey(gtin: string): number {
  return Number(gtin);
}

function gtinText(key: number): string {
  return String(key).padStart(14, '0');
}

function toItem(row: ItemRow, priceMinor: number): CatalogItem {
  return {
    gtin: gtinText(row.gtin),
    plu: row.plu ?? undefined,
    name: JSON.parse(row.names) as LocalizedText,
    priceMinor,
    soldBy: row.sold_by,
    variableMeasure: row.variable_measure === 1,
    vatClass: row.vat_class,
    vatRateBp: row.rate_bp,
    ageLimit: row.age_limit ?? undefined,
    expectedWeight: row.weight_grams === null ? undefined : { grams: row.weight_grams, toleranceGrams: row.weight_tolerance_grams ?? 0 },
  };
}

// Promotions and coupons are read with the schemas the store server checked them with on import.

interface PromotionRow {
  id: string;
  names: string;
  rule: string;
  gtins: string;
  valid_from: number | null;
  valid_to: number | null;
  loyalty_only: number;
}

interface CouponRow extends Omit<PromotionRow, 'id' | 'gtins'> {
  code: string;
  gtins: string | null;
  minimum_spend_minor: number | null;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** A row the schema refuses is skipped: bad store data must not stop the lane from selling. */
function toPromotion(row: PromotionRow): Promotion | undefined {
  const parsed = promotionSchema.safeParse({
    id: row.id,
    name: parseJson(row.names),
    gtins: parseJson(row.gtins),
    rule: parseJson(row.rule),
    validFrom: row.valid_from ?? undefined,
    validTo: row.valid_to ?? undefined,
    loyaltyOnly: row.loyalty_only === 1,
  });
  return parsed.success ? parsed.data : undefined;
}

function toCoupon(row: CouponRow): Coupon | undefined {
  const parsed = couponSchema.safeParse({
    code: row.code,
    name: parseJson(row.names),
    gtins: parseJson(row.gtins),
    rule: parseJson(row.rule),
    minimumSpendMinor: row.minimum_spend_minor ?? undefined,
    validFrom: row.valid_from ?? undefined,
    validTo: row.valid_to ?? undefined,
    loyaltyOnly: row.loyalty_only === 1,
  });
  return parsed.success ? parsed.data : undefined;
}

/** Lower-cased names in every language: what text search matches (the catalogue sync writes the same). */
export function searchText(name: LocalizedText): string {
  return Object.values(name)
    .filter((value): value is string => typeof value === 'string')
    .join(' ')
    .toLocaleLowerCase();
}

/** The lane's price catalogue (SQLite). Reads are prepared statements on the scan path. */
export class CatalogStore {
  readonly #byGtin: Statement<[number], ItemRow>;
  readonly #byPlu: Statement<[string], ItemRow>;
  readonly #scheduledPrice: Statement<[number, number], { price_minor: number }> | undefined;
  readonly #now: () => number;
  readonly #columns: string;
  readonly #synced: boolean;
  #page: Statement<[number, number], ItemRow> | undefined;
  #revision: Statement<[], { revision: string }> | undefined;

  constructor(
    readonly db: Db,
    options: { now?: () => number } = {},
  ) {
    this.#now = options.now ?? Date.now;
    this.#synced = schemaVersion(db) >= migration0004CatalogSync.version;
    this.#columns = this.#synced ? itemColumns : itemColumnsBeforeSync;
    this.#byGtin = db.prepare(`SELECT ${this.#columns} FROM items i JOIN vat_classes v ON v.code = i.vat_class WHERE i.gtin = ?`);
    this.#byPlu = db.prepare(`SELECT ${this.#columns} FROM items i JOIN vat_classes v ON v.code = i.vat_class WHERE i.plu = ?`);
    this.#scheduledPrice = this.#synced ? db.prepare('SELECT price_minor FROM scheduled_prices WHERE gtin = ? AND from_ms <= ? ORDER BY from_ms DESC LIMIT 1') : undefined;
  }

  static open(path: string, options: CatalogOpenOptions = {}): CatalogStore {
    // NORMAL is enough: a catalogue lost to a power cut is synced again from the store.
    const db = openDatabase(path, catalogMigrations, { synchronous: 'NORMAL', readonly: options.readonly ?? false });
    // A scan reads a few B-tree pages of a catalogue that may hold a million items: map the file
    // and keep a generous page cache, so a lookup costs no system call and stays in microseconds.
    db.pragma('mmap_size = 1073741824');
    db.pragma('cache_size = -65536');
    return new CatalogStore(db, { now: options.now });
  }

  /** The item with its price at `at` (now by default): the latest scheduled price that has started, else the item's price. */
  lookup(gtin: string, at?: number): CatalogItem | undefined {
    const row = this.#byGtin.get(gtinKey(gtin));
    return row ? this.#toPricedItem(row, at) : undefined;
  }

  lookupPlu(plu: string, at?: number): CatalogItem | undefined {
    const row = this.#byPlu.get(plu);
    return row ? this.#toPricedItem(row, at) : undefined;
  }

  /** Only items flagged as scheduled cost a second probe, so an ordinary scan stays one B-tree descent. */
  #toPricedItem(row: ItemRow, at: number | undefined): CatalogItem {
    if (row.has_schedule !== 1 || !this.#scheduledPrice) return toItem(row, row.price_minor);
    const scheduled = this.#scheduledPrice.get(row.gtin, at ?? this.#now());
    return toItem(row, scheduled?.price_minor ?? row.price_minor);
  }

  /** Which store catalogue version this file holds; version 0 for one never synced (the demo's). */
  syncState(): CatalogSyncState {
    const row = !this.#synced
      ? undefined
      : this.db.prepare<[], SyncStateRow>('SELECT version, applied_at, kind, checksum, changed, source FROM catalog_sync WHERE id = 1').get();
    if (!row) return { version: 0, appliedAt: null, kind: null, checksum: null, changed: 0, source: null };
    return { version: row.version, appliedAt: row.applied_at, kind: row.kind, checksum: row.checksum, changed: row.changed, source: row.source };
  }

  /**
   * Up to `limit` items after `afterGtin` (from the start when undefined), in GTIN order: a
   * whole catalogue read a page at a time, so a reader can pause between pages while the lane
   * keeps looking up scans (an open cursor would block the connection).
   */
  itemsAfter(afterGtin: string | undefined, limit: number): CatalogItem[] {
    this.#page ??= this.db.prepare<[number, number], ItemRow>(`SELECT ${this.#columns} FROM items i JOIN vat_classes v ON v.code = i.vat_class WHERE i.gtin > ? ORDER BY i.gtin LIMIT ?`);
    const at = this.#now();
    return this.#page.all(afterGtin === undefined ? 0 : gtinKey(afterGtin), limit).map((row) => this.#toPricedItem(row, at));
  }

  /**
   * Changes whenever the items may have changed: `data_version` moves when another connection
   * (a catalogue sync) commits, `total_changes()` when this one writes. Lets a cache built from
   * the items know it is stale with one cheap read.
   */
  revision(): string {
    this.#revision ??= this.db.prepare<[], { revision: string }>("SELECT (SELECT data_version FROM pragma_data_version) || ':' || total_changes() AS revision");
    return this.#revision.get()?.revision ?? '';
  }

  /**
   * For store IT and later the shopper's item search: digits match a barcode or PLU
   * (exact, or as the end of a GTIN), anything else matches names in any language.
   */
  find(text: string, limit = 20): CatalogItem[] {
    const query = text.trim();
    if (!query) return [];
    if (/^\d+$/.test(query)) {
      const rows = this.db
        .prepare<[number, string, string, number], ItemRow>(
          `SELECT ${this.#columns} FROM items i JOIN vat_classes v ON v.code = i.vat_class
           WHERE i.gtin = ? OR i.plu = ? OR CAST(i.gtin AS TEXT) LIKE ? ORDER BY i.gtin LIMIT ?`,
        )
        .all(query.length <= 14 ? Number(query) : -1, query, `%${query}`, limit);
      return rows.map((row) => this.#toPricedItem(row, undefined));
    }
    const rows = this.db
      .prepare<[string, number], ItemRow>(
        `SELECT ${this.#columns} FROM items i JOIN vat_classes v ON v.code = i.vat_class
         WHERE instr(i.search_text, ?) > 0 ORDER BY json_extract(i.names, '$.en') LIMIT ?`,
      )
      .all(query.toLocaleLowerCase(), limit);
    return rows.map((row) => this.#toPricedItem(row, undefined));
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
  }

  settings(): CatalogSettings {
    const rows = this.db.prepare('SELECT key, value FROM catalog_meta').all() as { key: string; value: string }[];
    const meta = new Map(rows.map((row) => [row.key, row.value]));
    return { currency: meta.get('currency') ?? 'EUR', restrictedTemplate: meta.get('restrictedTemplate') || null };
  }

  writeSettings(settings: CatalogSettings): void {
    const put = this.db.prepare('INSERT INTO catalog_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      put.run('currency', settings.currency);
      put.run('restrictedTemplate', settings.restrictedTemplate ?? '');
    })();
  }

  writeVatClasses(classes: readonly VatClass[]): void {
    const put = this.db.prepare('INSERT INTO vat_classes (code, rate_bp, label) VALUES (?, ?, ?) ON CONFLICT (code) DO UPDATE SET rate_bp = excluded.rate_bp, label = excluded.label');
    this.db.transaction(() => {
      for (const vat of classes) put.run(vat.code, vat.rateBp, vat.label);
    })();
  }

  /** Inserts or replaces items, all in one transaction: a scan never sees half of it. */
  writeItems(items: Iterable<Omit<CatalogItem, 'vatRateBp'>>): number {
    const put = this.db.prepare(
      `INSERT INTO items (gtin, plu, names, price_minor, sold_by, variable_measure, vat_class, age_limit, search_text, weight_grams, weight_tolerance_grams)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (gtin) DO UPDATE SET plu = excluded.plu, names = excluded.names, price_minor = excluded.price_minor,
         sold_by = excluded.sold_by, variable_measure = excluded.variable_measure, vat_class = excluded.vat_class,
         age_limit = excluded.age_limit, search_text = excluded.search_text, weight_grams = excluded.weight_grams,
         weight_tolerance_grams = excluded.weight_tolerance_grams`,
    );
    let written = 0;
    this.db.transaction(() => {
      for (const item of items) {
        put.run(
          gtinKey(item.gtin),
          item.plu ?? null,
          JSON.stringify(item.name),
          item.priceMinor,
          item.soldBy,
          item.variableMeasure ? 1 : 0,
          item.vatClass,
          item.ageLimit ?? null,
          searchText(item.name),
          item.expectedWeight?.grams ?? null,
          item.expectedWeight?.toleranceGrams ?? null,
        );
        written++;
      }
    })();
    return written;
  }

  /** Every promotion, valid or not yet (the lane caches them and checks validity per sale). */
  promotions(): Promotion[] {
    const rows = this.db.prepare<[], PromotionRow>('SELECT id, names, rule, gtins, valid_from, valid_to, loyalty_only FROM promotions ORDER BY id').all();
    return rows.map(toPromotion).filter((promotion) => promotion !== undefined);
  }

  /** The coupon with exactly this code; undefined when there is none or its row is unreadable. */
  coupon(code: string): Coupon | undefined {
    const row = this.db
      .prepare<[string], CouponRow>('SELECT code, names, rule, gtins, minimum_spend_minor, valid_from, valid_to, loyalty_only FROM coupons WHERE code = ?')
      .get(code);
    return row ? toCoupon(row) : undefined;
  }

  /** Inserts or replaces promotions by id, in one transaction; refuses (writing none) if any is invalid. */
  writePromotions(promotions: Iterable<Promotion>): number {
    const put = this.db.prepare(
      `INSERT INTO promotions (id, names, rule, gtins, valid_from, valid_to, loyalty_only) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET names = excluded.names, rule = excluded.rule, gtins = excluded.gtins,
         valid_from = excluded.valid_from, valid_to = excluded.valid_to, loyalty_only = excluded.loyalty_only`,
    );
    let written = 0;
    this.db.transaction(() => {
      for (const promotion of promotions) {
        const p = promotionSchema.parse(promotion);
        put.run(p.id, JSON.stringify(p.name), JSON.stringify(p.rule), JSON.stringify(p.gtins), p.validFrom ?? null, p.validTo ?? null, p.loyaltyOnly ? 1 : 0);
        written++;
      }
    })();
    return written;
  }

  /** Inserts or replaces coupons by code, in one transaction; refuses (writing none) if any is invalid. */
  writeCoupons(coupons: Iterable<Coupon>): number {
    const put = this.db.prepare(
      `INSERT INTO coupons (code, names, rule, gtins, minimum_spend_minor, valid_from, valid_to, loyalty_only) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (code) DO UPDATE SET names = excluded.names, rule = excluded.rule, gtins = excluded.gtins,
         minimum_spend_minor = excluded.minimum_spend_minor, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
         loyalty_only = excluded.loyalty_only`,
    );
    let written = 0;
    this.db.transaction(() => {
      for (const coupon of coupons) {
        const c = couponSchema.parse(coupon);
        put.run(
          c.code,
          JSON.stringify(c.name),
          JSON.stringify(c.rule),
          c.gtins === undefined ? null : JSON.stringify(c.gtins),
          c.minimumSpendMinor ?? null,
          c.validFrom ?? null,
          c.validTo ?? null,
          c.loyaltyOnly ? 1 : 0,
        );
        written++;
      }
    })();
    return written;
  }

  close(): void {
    this.db.close();
  }
}
