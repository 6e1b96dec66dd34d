import { z } from 'zod';
import { catalogEntityKinds } from './catalogEntities';

/**
 * Lane ↔ store server, over HTTP(S) with JSON. The lane always asks (it may be behind a NAT,
 * and it knows when it is idle); the server never calls a lane.
 *
 * Every request carries `Authorization: Bearer <laneToken>` and `X-Lanewise-Lane: <laneId>`;
 * store IT provisions the token with `lanewise store add-lane`. A wrong or missing token is 401,
 * a disabled lane 403, and neither says which lanes exist.
 *
 * Prices in
 * - `GET /v1/catalog/changes?since=V` → `CatalogDelta`: every entity whose newest version is
 *   above V, as it is now (a deletion as a tombstone), each once, in version order; `version`
 *   is the catalogue version the lane is at once it has applied them all. The lane applies the
 *   whole delta in one transaction or not at all, after checking `checksum`. When V is older
 *   than the oldest tombstone the server still keeps, or the delta would be larger than
 *   `maxDeltaChanges`, the answer is `SnapshotRequired`.
 * - `GET /v1/catalog/snapshot` → newline-delimited JSON: a `SnapshotHeader` line, then
 *   `count` entity lines (`VersionedEntity`, never a tombstone), then a `SnapshotTrailer` line.
 *   The lane builds a new catalogue from it and swaps it in atomically only when the count and
 *   the checksum match; the entities are everything that exists at `version`.
 * - `GET /v1/catalog/image` → the same snapshot already built into the lane's own catalogue
 *   tables: a SQLite file (`application/vnd.sqlite3`, rollback-journal mode) that a lane copies
 *   table by table in one transaction instead of writing a million entities one by one. Headers:
 *   `imageHeaders.version` (the catalogue version it holds; the lane then asks for the changes
 *   since), `imageHeaders.sha256` (SHA-256 hex of the file; the lane refuses a file that hashes
 *   otherwise), `imageHeaders.schema` (the lane catalogue schema it was built with; a lane on
 *   another schema, or a store without the route (404), falls back to the NDJSON snapshot).
 *   503 with Retry-After while the store is still building it.
 * - Checksums: SHA-256 (hex) over `canonicalEntityLine()` of each entity, joined by "\n", in
 *   the order sent.
 *
 * Sales out
 * - `POST /v1/sales` with `SalesUpload` → `SalesUploadResult`, one outcome per sale in the order
 *   sent. The sale id is the idempotency key: `stored` the first time, `duplicate` for the same
 *   id with the same digest (a retry whose answer was lost), `conflict` for the same id with a
 *   different digest (never overwritten; logged and alerted on both sides). A lane marks a sale
 *   sent on `stored` or `duplicate` only. Sales carry the lane's own sequence (`epoch`,
 *   `number`: the journal's numbering) so the server can list gaps per lane.
 */

export const syncProtocolVersion = 1;

export const storePaths = {
  health: '/v1/health',
  changes: '/v1/catalog/changes',
  snapshot: '/v1/catalog/snapshot',
  image: '/v1/catalog/image',
  sales: '/v1/sales',
} as const;

export const laneIdHeader = 'x-lanewise-lane';

/** What a catalogue image's answer says about the file (lower case, as node:http gives headers). */
export const imageHeaders = {
  version: 'x-lanewise-catalog-version',
  sha256: 'x-lanewise-image-sha256',
  schema: 'x-lanewise-image-schema',
} as const;
export const imageContentType = 'application/vnd.sqlite3';

/** More changes than this and a snapshot is cheaper to send and to apply. */
export const maxDeltaChanges = 50_000;
/** Sales per upload request. */
export const maxSalesPerUpload = 500;

const version = z.number().int().min(0);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/u);

/**
 * Deeper than any catalogue entity's value needs (a promotion's is three levels): a value nested
 * deeper is not one, and checking or hashing it would recurse that deep.
 */
export const maxEntityNesting = 32;

/** Whether `value` nests objects and arrays more than `limit` deep; found without recursion, so any depth is safe to ask about. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [next, above] = pending.pop()!;
    if (next === null || typeof next !== 'object') continue;
    if (above >= limit) return true;
    for (const child of Array.isArray(next) ? next : Object.values(next)) pending.push([child, above + 1]);
  }
  return false;
}

/** An entity with the catalogue version of its newest change; `value` null is a tombstone. */
export const versionedEntitySchema = z.object({
  version: version.min(1),
  kind: z.enum(catalogEntityKinds),
  key: z.string().min(1).max(64),
  value: z.unknown().refine((value) => !nestedDeeperThan(value, maxEntityNesting), `nested more than ${maxEntityNesting} deep`),
});
export type VersionedEntity = z.infer<typeof versionedEntitySchema>;

export const catalogDeltaSchema = z.object({
  kind: z.literal('delta'),
  since: version,
  version,
  changes: z.array(versionedEntitySchema).max(maxDeltaChanges),
  checksum: sha256Hex,
});
export type CatalogDelta = z.infer<typeof catalogDeltaSchema>;

export const snapshotRequiredSchema = z.object({
  kind: z.literal('snapshotRequired'),
  version,
  reason: z.enum(['tooOld', 'tooMany']),
});
export type SnapshotRequired = z.infer<typeof snapshotRequiredSchema>;

export const changesAnswerSchema = z.discriminatedUnion('kind', [catalogDeltaSchema, snapshotRequiredSchema]);
export type ChangesAnswer = z.infer<typeof changesAnswerSchema>;

export const snapshotHeaderSchema = z.object({ kind: z.literal('snapshot'), protocol: z.literal(syncProtocolVersion), version, count: z.number().int().min(0) });
export type SnapshotHeader = z.infer<typeof snapshotHeaderSchema>;
export const snapshotTrailerSchema = z.object({ kind: z.literal('end'), checksum: sha256Hex });
export type SnapshotTrailer = z.infer<typeof snapshotTrailerSchema>;

/**
 * Text the store's databases keep exactly as sent: no NUL (SQLite's length() stops there,
 * PostgreSQL text cannot hold it; JSON text never needs one) and no lone surrogate (SQLite would
 * store bytes that are not UTF-8 and read back other text).
 */
const storableText = (text: string) => !text.includes('\u0000') && !/[\uD800-\uDFFF]/u.test(text);
const storable = 'no NUL character or lone surrogate';

export const uploadedSaleSchema = z.object({
  /** `<laneId>-<epoch>-<number>`, as the journal names it. */
  saleId: z.string().min(1).max(64).refine(storableText, storable),
  epoch: z.string().min(1).max(32).refine(storableText, storable),
  number: z.number().int().min(1),
  status: z.enum(['completed', 'cancelled']),
  closedAt: z.number().int().min(0),
  totalMinor: z.number().int(),
  currency: z.string().regex(/^[A-Z]{3}$/u),
  /** SHA-256 (hex) of `payload`, exactly as sent. */
  digest: sha256Hex,
  /** The closed sale as the journal holds it (JSON text, kept verbatim by the server). */
  payload: z.string().min(2).max(2_000_000).refine(storableText, storable),
});
export type UploadedSale = z.infer<typeof uploadedSaleSchema>;

export const salesUploadSchema = z.object({
  laneId: z.string().min(1).max(16),
  sales: z.array(uploadedSaleSchema).min(1).max(maxSalesPerUpload),
});
export type SalesUpload = z.infer<typeof salesUploadSchema>;

export const saleOutcomeSchema = z.enum(['stored', 'duplicate', 'conflict']);
export type SaleOutcome = z.infer<typeof saleOutcomeSchema>;

export const salesUploadResultSchema = z.object({
  results: z.array(z.object({ saleId: z.string(), outcome: saleOutcomeSchema })),
});
export type SalesUploadResult = z.infer<typeof salesUploadResultSchema>;

export const healthSchema = z.object({ ok: z.literal(true), protocol: z.literal(syncProtocolVersion), catalogVersion: version, backend: z.enum(['sqlite', 'postgres']) });
export type StoreHealth = z.infer<typeof healthSchema>;
