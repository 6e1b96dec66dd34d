import type { Statement } from 'better-sqlite3';
import type { CatalogItem } from '../../shared/catalog/item';
import type { LocalizedText } from '../../shared/i18n/languages';
import { openDatabase, type Db } from '../db/database';
import { catalogMigrations } from './migrations';

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
}

const itemColumns = `i.gtin, i.plu, i.names, i.price_minor, i.sold_by, i.variable_measure, i.vat_class, v.rate_bp, i.age_limit`;

/** GTIN-14 text ↔ the integer key it is stored under. */
function gtinKey(gtin: string): number {
  return Number(gtin);
}

function gtinText(key: number): string {
  return String(key).padStart(14, '0');
}

function toItem(row: ItemRow): CatalogItem {
  return {
    gtin: gtinText(row.gtin),
    plu: row.plu ?? undefined,
    name: JSON.parse(row.names) as LocalizedText,
    priceMinor: row.price_minor,
    soldBy: row.sold_by,
    variableMeasure: row.variable_measure === 1,
    vatClass: row.vat_class,
    vatRateBp: row.rate_bp,
    ageLimit: row.age_limit ?? undefined,
  };
}

function searchText(name: LocalizedText): string {
  return Object.values(name)
    .filter((value): value is string => typeof value === 'string')
    .join(' ')
    .toLocaleLowerCase();
}

/** The lane's price catalogue (SQLite). Reads are prepared statements on the scan path. */
export class CatalogStore {
  readonly #byGtin: Statement<[number], ItemRow>;
  readonly #byPlu: Statement<[string], ItemRow>;
  #page: Statement<[number, number], ItemRow> | undefined;
  #revision: Statement<[], { revision: string }> | undefined;

  constructor(readonly db: Db) {
    this.#byGtin = db.prepare(`SELECT ${itemColumns} FROM items i JOIN vat_classes v ON v.code = i.vat_class WHERE i.gtin = ?`);
    this.#byPlu = db.prepare(`SELECT ${itemColumns} FROM items i JOIN vat_classes v ON v.code = i.vat_class WHERE i.plu = ?`);
  }

  static open(path: string, options: { readonly?: boolean } = {}): CatalogStore {
    // NORMAL is enough: a catalogue lost to a power cut is synced again from the store.
    const db = openDatabase(path, catalogMigrations, { synchronous: 'NORMAL', readonly: options.readonly ?? false });
    // A scan reads a few B-tree pages of a catalogue that may hold a million items: map the file
    // and keep a generous page cache, so a lookup costs no system call and stays in microseconds.
    db.pragma('mmap_size = 1073741824');
    db.pragma('cache_size = -65536');
    return new CatalogStore(db);
  }

  lookup(gtin: string): CatalogItem | undefined {
    const row = this.#byGtin.get(gtinKey(gtin));
    return row ? toItem(row) : undefined;
  }

  lookupPlu(plu: string): CatalogItem | undefined {
    const row = this.#byPlu.get(plu);
    return row ? toItem(row) : undefined;
  }

  /**
   * Up to `limit` items after `afterGtin` (from the start when undefined), in GTIN order: a
   * whole catalogue read a page at a time, so a reader can pause between pages while the lane
   * keeps looking up scans (an open cursor would block the connection).
   */
  itemsAfter(afterGtin: string | undefined, limit: number): CatalogItem[] {
    this.#page ??= this.db.prepare<[number, number], ItemRow>(`SELECT ${itemColumns} FROM items i JOIN vat_classes v ON v.code = i.vat_class WHERE i.gtin > ? ORDER BY i.gtin LIMIT ?`);
    return this.#page.all(afterGtin === undefined ? 0 : gtinKey(afterGtin), limit).map(toItem);
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
          `SELECT ${itemColumns} FROM items i JOIN vat_classes v ON v.code = i.vat_class
           WHERE i.gtin = ? OR i.plu = ? OR CAST(i.gtin AS TEXT) LIKE ? ORDER BY i.gtin LIMIT ?`,
        )
        .all(query.length <= 14 ? Number(query) : -1, query, `%${query}`, limit);
      return rows.map(toItem);
    }
    const rows = this.db
      .prepare<[string, number], ItemRow>(
        `SELECT ${itemColumns} FROM items i JOIN vat_classes v ON v.code = i.vat_class
         WHERE instr(i.search_text, ?) > 0 ORDER BY json_extract(i.names, '$.en') LIMIT ?`,
      )
      .all(query.toLocaleLowerCase(), limit);
    return rows.map(toItem);
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
      `INSERT INTO items (gtin, plu, names, price_minor, sold_by, variable_measure, vat_class, age_limit, search_text)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (gtin) DO UPDATE SET plu = excluded.plu, names = excluded.names, price_minor = excluded.price_minor,
         sold_by = excluded.sold_by, variable_measure = excluded.variable_measure, vat_class = excluded.vat_class,
         age_limit = excluded.age_limit, search_text = excluded.search_text`,
    );
    let written = 0;
    this.db.transaction(() => {
      for (const item of items) {
        put.run(gtinKey(item.gtin), item.plu ?? null, JSON.stringify(item.name), item.priceMinor, item.soldBy, item.variableMeasure ? 1 : 0, item.vatClass, item.ageLimit ?? null, searchText(item.name));
        written++;
      }
    })();
    return written;
  }

  close(): void {
    this.db.close();
  }
}
