import { z } from 'zod';

/**
 * The store's master catalogue as entities: what the store server keeps, versions and sends,
 * and what a lane applies to its own copy. One schema for all three, so an entity the lane
 * would refuse is refused already at import on the store server.
 *
 * Every entity has a kind and a key; a change carries the whole new value (never a patch), or
 * `null` for a deletion (a tombstone), so applying the same change twice is harmless and the
 * newest version of an entity is all a lane needs.
 */

export const minorUnits = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Shop-language texts; English is required, as the fallback for every screen. */
export const localizedTextSchema = z.object({
  en: z.string().trim().min(1).max(200),
  ru: z.string().trim().min(1).max(200).optional(),
  lv: z.string().trim().min(1).max(200).optional(),
  bg: z.string().trim().min(1).max(200).optional(),
});

/** GTIN-8/12/13/14, stored and sent as GTIN-14 text (the lane's lookup key). */
export const gtin14Schema = z
  .string()
  .regex(/^(\d{8}|\d{12,14})$/u, 'a GTIN has 8, 12, 13 or 14 digits')
  .transform((digits) => digits.padStart(14, '0'));

const epochMs = z.number().int().min(0);

/** A price that takes effect later: sent ahead, so a lane cut off from the store still changes price on time. */
export const scheduledPriceSchema = z.object({ from: epochMs, priceMinor: minorUnits });

export const storeItemSchema = z
  .object({
    gtin: gtin14Schema,
    plu: z.string().regex(/^\d{4,5}$/u, 'a PLU has 4 or 5 digits').optional(),
    name: localizedTextSchema,
    /** Per piece, or per kilogram when `soldBy` is `weight`; VAT included. The price now. */
    priceMinor: minorUnits,
    /** Future prices, by `from`; the lane takes the latest whose `from` has passed. */
    scheduledPrices: z.array(scheduledPriceSchema).max(20).optional(),
    soldBy: z.enum(['unit', 'weight']),
    variableMeasure: z.boolean().default(false),
    vatClass: z.string().min(1).max(16),
    ageLimit: z.number().int().min(1).max(99).optional(),
    /** What one piece weighs, for the bagging scale before the lane has learned it (grams, and how far off it may be). */
    weight: z.object({ grams: z.number().int().min(0).max(100_000), toleranceGrams: z.number().int().min(0).max(10_000) }).optional(),
  })
  .refine((item) => !item.scheduledPrices || new Set(item.scheduledPrices.map((price) => price.from)).size === item.scheduledPrices.length, {
    message: 'two scheduled prices start at the same time',
    path: ['scheduledPrices'],
  });
export type StoreItem = z.output<typeof storeItemSchema>;

export const vatClassSchema = z.object({
  code: z.string().min(1).max(16),
  /** Basis points: 21 % is 2100. */
  rateBp: z.number().int().min(0).max(10_000),
  label: z.string().min(1).max(64),
});
export type StoreVatClass = z.output<typeof vatClassSchema>;

const percentage = z.object({ kind: z.literal('percentage'), percentBp: z.number().int().min(0).max(10_000) });
const amountOff = z.object({ kind: z.literal('amountOff'), amountMinor: minorUnits });
const validity = { validFrom: epochMs.optional(), validTo: epochMs.optional(), loyaltyOnly: z.boolean().optional() };
const validFromBeforeTo = (entity: { validFrom?: number | undefined; validTo?: number | undefined }) =>
  entity.validFrom === undefined || entity.validTo === undefined || entity.validFrom < entity.validTo;

export const promotionSchema = z
  .object({
    id: z.string().min(1).max(64),
    name: localizedTextSchema,
    gtins: z.array(gtin14Schema).max(10_000),
    rule: z.discriminatedUnion('kind', [
      percentage,
      amountOff,
      z.object({ kind: z.literal('multiBuy'), quantity: z.number().int().min(1), priceMinor: minorUnits }),
      z.object({ kind: z.literal('perKg'), amountOffPerKgMinor: minorUnits }),
    ]),
    ...validity,
  })
  .refine(validFromBeforeTo, { message: 'validFrom must be before validTo', path: ['validTo'] });

export const couponSchema = z
  .object({
    code: z.string().min(1).max(64),
    name: localizedTextSchema,
    gtins: z.array(gtin14Schema).max(10_000).optional(),
    rule: z.discriminatedUnion('kind', [percentage, amountOff]),
    minimumSpendMinor: minorUnits.optional(),
    ...validity,
  })
  .refine(validFromBeforeTo, { message: 'validFrom must be before validTo', path: ['validTo'] });

/** A staff member as lanes need them to check a PIN or a badge offline: hashes only, never the secrets. */
export const storeAssistantSchema = z.object({
  id: z.string().regex(/^\d{1,10}$/u),
  name: z.string().min(1).max(100),
  role: z.enum(['assistant', 'supervisor']),
  pinHash: z.string().startsWith('scrypt$').max(300),
  badgeHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/u)
    .optional(),
  active: z.boolean(),
});

export const storeSettingsSchema = z.object({
  currency: z.string().regex(/^[A-Z]{3}$/u, 'an ISO 4217 code, e.g. EUR'),
  /** The in-store barcode template (`sweden`, `germany`) or null. */
  restrictedTemplate: z.string().min(1).max(32).nullable(),
});

/** Entity kinds, in the order a lane applies them within one update (VAT classes before the items that name them). */
export const catalogEntityKinds = ['settings', 'vatClass', 'item', 'promotion', 'coupon', 'assistant'] as const;
export type CatalogEntityKind = (typeof catalogEntityKinds)[number];

const valueSchemas = {
  settings: storeSettingsSchema,
  vatClass: vatClassSchema,
  item: storeItemSchema,
  promotion: promotionSchema,
  coupon: couponSchema,
  assistant: storeAssistantSchema,
} as const;

export type CatalogEntityValue<K extends CatalogEntityKind> = z.output<(typeof valueSchemas)[K]>;

/** One entity as it is now: `value` null means deleted (a tombstone). */
export type CatalogEntity = { [K in CatalogEntityKind]: { readonly kind: K; readonly key: string; readonly value: CatalogEntityValue<K> | null } }[CatalogEntityKind];

/** The key an entity is stored under: the GTIN-14, the VAT code, the promotion id, the coupon code, the assistant number; settings have one key. */
export function entityKey(entity: { kind: CatalogEntityKind; value: unknown }): string {
  const value = entity.value as Record<string, unknown>;
  switch (entity.kind) {
    case 'settings':
      return 'store';
    case 'vatClass':
      return String(value.code);
    case 'item':
      return String(value.gtin);
    case 'promotion':
      return String(value.id);
    case 'coupon':
      return String(value.code);
    case 'assistant':
      return String(value.id);
  }
}

/** Checks a value against its kind's schema: what import, the server and the lane all use. */
export function parseEntityValue(kind: CatalogEntityKind, value: unknown) {
  return valueSchemas[kind].safeParse(value);
}

export const catalogEntitySchema = z
  .object({ kind: z.enum(catalogEntityKinds), key: z.string().min(1).max(64).refine((key) => !key.includes('\u0000'), 'a key holds no NUL character'), value: z.unknown() })
  .transform((entity, context) => {
    if (entity.value === null) return entity as CatalogEntity;
    const parsed = parseEntityValue(entity.kind, entity.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) context.addIssue({ ...issue, path: ['value', ...issue.path] } as never);
      return z.NEVER;
    }
    const value = parsed.data;
    if (entityKey({ kind: entity.kind, value }) !== entity.key) {
      context.addIssue({ code: 'custom', message: 'the key does not match the value', path: ['key'] });
      return z.NEVER;
    }
    return { kind: entity.kind, key: entity.key, value } as CatalogEntity;
  });

/**
 * The canonical text of a versioned entity, one line: what checksums are computed over (SHA-256
 * of the lines joined by "\n", in the order sent). Keys are sorted at every level so the same
 * entity always gives the same text, whatever produced the JSON.
 */
export function canonicalEntityLine(entity: { version: unknown; kind: unknown; key: unknown; value: unknown }): string {
  return canonicalJson([entity.version, entity.kind, entity.key, entity.value]);
}

/** Object keys repeat on every entity: each is quoted once (a snapshot has a million entities). */
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < 1000) quotedKeys.set(key, text);
  }
  return text;
}

/** JSON with object keys sorted (by UTF-16 code units) and undefined fields left out; written for speed, not elegance. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) text += (index > 0 ? ',' : '') + canonicalJson(value[index]);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const field = record[key];
    if (field === undefined) continue;
    text += (first ? '' : ',') + quotedKey(key) + ':' + canonicalJson(field);
    first = false;
  }
  return `${text}}`;
}
