import { entityKey, parseEntityValue, type CatalogEntity, type CatalogEntityKind } from '../../shared/store/catalogEntities';
import type { CatalogStore } from '../catalog/catalogStore';

interface ItemRow {
  gtin: number;
  plu: string | null;
  names: string;
  price_minor: number;
  sold_by: string;
  variable_measure: number;
  vat_class: string;
  age_limit: number | null;
  has_schedule: number;
  weight_grams: number | null;
  weight_tolerance_grams: number | null;
}

interface CouponRow {
  code: string;
  names: string;
  rule: string;
  gtins: string | null;
  minimum_spend_minor: number | null;
  valid_from: number | null;
  valid_to: number | null;
  loyalty_only: number;
}

interface PromotionRow {
  id: string;
  names: string;
  rule: string;
  gtins: string;
  valid_from: number | null;
  valid_to: number | null;
  loyalty_only: number;
}

interface AssistantRow {
  id: string;
  name: string;
  role: string;
  pin_hash: string;
  badge_hash: string | null;
  active: number;
}

/** Items read per page: a million-item catalogue never sits in memory as rows at once. */
const itemPageSize = 5_000;

function json(text: string): unknown {
  return JSON.parse(text) as unknown;
}

/** Only the fields that have a value: the entity schemas take an absent optional field, never null. */
function present<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined)) as Partial<T>;
}

/** Checks one value with the store's schema; a row the store would refuse stops the move, naming the row. */
function entity(kind: CatalogEntityKind, value: unknown, row: string): CatalogEntity {
  const parsed = parseEntityValue(kind, value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the catalogue's ${row} is not a valid ${kind}: ${issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid'}`);
  }
  return { kind, key: entityKey({ kind, value: parsed.data }), value: parsed.data } as CatalogEntity;
}

/**
 * A lane catalogue database (main/catalog/catalogStore.ts, with the assistants of migration
 * 0003) as store entities: settings, VAT classes, items, promotions, coupons and assistants
 * (their PIN and badge hashes as they are; no secret is ever in the clear). It is how the demo
 * seeds its store server and how store IT moves an existing catalogue file to one.
 *
 * A generator, reading items a page at a time. Everything is read straight from the tables (of a
 * catalogue from before or after migration 0004): CatalogStore gives today's price rather than
 * the base price and its schedule, and quietly skips an offer it cannot read, which a move must not.
 */
export function* catalogEntitiesOf(catalog: CatalogStore): Generator<CatalogEntity> {
  const settings = catalog.settings();
  yield entity('settings', { currency: settings.currency, restrictedTemplate: settings.restrictedTemplate }, 'settings');

  const vatClasses = catalog.db.prepare('SELECT code, rate_bp, label FROM vat_classes ORDER BY code').all() as { code: string; rate_bp: number; label: string }[];
  for (const vat of vatClasses) yield entity('vatClass', { code: vat.code, rateBp: vat.rate_bp, label: vat.label }, `VAT class ${vat.code}`);

  // Straight from the table, not CatalogStore.itemsAfter: that gives the price in force now,
  // and the store needs the base price with its schedule.
  const columns = new Set((catalog.db.prepare('SELECT name FROM pragma_table_info(?)').all('items') as { name: string }[]).map((column) => column.name));
  const synced = columns.has('has_schedule') && columns.has('weight_grams');
  const page = catalog.db.prepare<[number, number], ItemRow>(
    `SELECT gtin, plu, names, price_minor, sold_by, variable_measure, vat_class, age_limit,
       ${synced ? 'has_schedule, weight_grams, weight_tolerance_grams' : '0 AS has_schedule, NULL AS weight_grams, NULL AS weight_tolerance_grams'}
     FROM items WHERE gtin > ? ORDER BY gtin LIMIT ?`,
  );
  const schedule = synced ? catalog.db.prepare<[number], { from_ms: number; price_minor: number }>('SELECT from_ms, price_minor FROM scheduled_prices WHERE gtin = ? ORDER BY from_ms') : undefined;
  for (let after = 0; ; ) {
    const rows = page.all(after, itemPageSize);
    for (const row of rows) {
      const gtin = String(row.gtin).padStart(14, '0');
      const scheduledPrices = row.has_schedule === 1 && schedule ? schedule.all(row.gtin).map((price) => ({ from: price.from_ms, priceMinor: price.price_minor })) : [];
      const value = present({
        gtin,
        plu: row.plu,
        name: json(row.names),
        priceMinor: row.price_minor,
        scheduledPrices: scheduledPrices.length > 0 ? scheduledPrices : undefined,
        soldBy: row.sold_by,
        variableMeasure: row.variable_measure === 1,
        vatClass: row.vat_class,
        ageLimit: row.age_limit,
        weight: row.weight_grams === null ? undefined : { grams: row.weight_grams, toleranceGrams: row.weight_tolerance_grams ?? 0 },
      });
      yield entity('item', value, `item ${gtin}`);
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < itemPageSize) break;
    after = last.gtin;
  }

  const promotions = catalog.db.prepare('SELECT id, names, rule, gtins, valid_from, valid_to, loyalty_only FROM promotions ORDER BY id').all() as PromotionRow[];
  for (const row of promotions) {
    yield entity(
      'promotion',
      present({ id: row.id, name: json(row.names), rule: json(row.rule), gtins: json(row.gtins), validFrom: row.valid_from, validTo: row.valid_to, loyaltyOnly: row.loyalty_only === 1 ? true : undefined }),
      `promotion ${row.id}`,
    );
  }

  const coupons = catalog.db.prepare('SELECT code, names, rule, gtins, minimum_spend_minor, valid_from, valid_to, loyalty_only FROM coupons ORDER BY code').all() as CouponRow[];
  for (const row of coupons) {
    yield entity(
      'coupon',
      present({
        code: row.code,
        name: json(row.names),
        rule: json(row.rule),
        gtins: row.gtins === null ? null : json(row.gtins),
        minimumSpendMinor: row.minimum_spend_minor,
        validFrom: row.valid_from,
        validTo: row.valid_to,
        loyaltyOnly: row.loyalty_only === 1 ? true : undefined,
      }),
      `coupon ${row.code}`,
    );
  }

  const assistants = catalog.db.prepare('SELECT id, name, role, pin_hash, badge_hash, active FROM assistants ORDER BY id').all() as AssistantRow[];
  for (const row of assistants) {
    yield entity('assistant', present({ id: row.id, name: row.name, role: row.role, pinHash: row.pin_hash, badgeHash: row.badge_hash, active: row.active === 1 }), `assistant ${row.id}`);
  }
}
