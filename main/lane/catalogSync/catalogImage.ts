import type { Db } from '../../db/database';
import { CatalogUpdateError, replacedTables, settingsKeys, type AppliedUpdate, type UpdateMeta } from './catalogWriter';

/**
 * A full catalogue update from a catalogue image (shared/store/syncProtocol.ts): a SQLite file
 * the store server built with this same writer and schema, copied into the lane's catalogue
 * table by table in one transaction. With identical tables SQLite copies the records and index
 * entries as they are (its transfer optimisation), which is what makes a million items take about
 * a second instead of fifteen; nothing is parsed or written row by row in JavaScript.
 *
 * What protects the lane: the file's SHA-256 was checked as it arrived (storeClient); here the
 * image must have exactly this lane's catalogue schema (so every CHECK the lane's tables carry
 * held when the store wrote the rows), say the version the store announced, hold as many rows as
 * it says it has entities, and every item must name a VAT class it holds. Otherwise nothing changes.
 */

export interface ExpectedImage {
  /** The catalogue version the store announced for the file. */
  readonly version: number;
}

/** The catalogue objects an image must have exactly as the lane has them. */
const imageTables = [...replacedTables, 'catalog_meta', 'catalog_sync'] as const;

interface SchemaRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

function schemaOf(db: Db, schema: 'main' | 'image'): string {
  const rows = db
    .prepare<[], SchemaRow>(`SELECT type, name, tbl_name, sql FROM ${schema}.sqlite_master WHERE tbl_name IN (${imageTables.map((name) => `'${name}'`).join(', ')}) ORDER BY type, name`)
    .all();
  return JSON.stringify(rows);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Replaces the catalogue with the image at `imagePath`; returns what was applied or throws a
 * CatalogUpdateError (the catalogue is then as it was). `db` must not be in a transaction.
 */
export function applyCatalogImage(db: Db, imagePath: string, expected: ExpectedImage, meta: UpdateMeta): AppliedUpdate {
  try {
    db.prepare('ATTACH DATABASE ? AS image').run(imagePath);
  } catch (error) {
    throw new CatalogUpdateError('badStream', `the catalogue image cannot be opened: ${messageOf(error)}`);
  }
  // The transfer optimisation is off while foreign keys are enforced; they are checked by hand
  // below instead. The pragma cannot change inside a transaction, so it is set around it.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    return copyImage(db, expected, meta);
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    db.exec('DETACH DATABASE image');
  }
}

function copyImage(db: Db, expected: ExpectedImage, meta: UpdateMeta): AppliedUpdate {
  let imageSchemaVersion: number;
  let sameTables: boolean;
  try {
    imageSchemaVersion = db.pragma('image.user_version', { simple: true }) as number;
    sameTables = schemaOf(db, 'image') === schemaOf(db, 'main');
  } catch (error) {
    throw new CatalogUpdateError('badStream', `the catalogue image is not a readable SQLite file: ${messageOf(error)}`);
  }
  const laneSchemaVersion = db.pragma('main.user_version', { simple: true }) as number;
  if (imageSchemaVersion !== laneSchemaVersion || !sameTables) {
    throw new CatalogUpdateError('imageUnusable', `the catalogue image has catalogue schema ${imageSchemaVersion}${sameTables ? '' : ' with other tables'}, this lane has ${laneSchemaVersion}`);
  }
  const state = db.prepare<[], { version: number; checksum: string; changed: number; kind: string }>('SELECT version, checksum, changed, kind FROM image.catalog_sync WHERE id = 1').get();
  if (!state || state.kind !== 'snapshot') throw new CatalogUpdateError('badStream', 'the catalogue image does not say which snapshot it holds');
  if (state.version !== expected.version) throw new CatalogUpdateError('badStream', `the catalogue image holds version ${state.version}, the store announced ${expected.version}`);

  db.exec('BEGIN IMMEDIATE');
  try {
    for (const table of replacedTables) db.exec(`DELETE FROM main.${table}`);
    let rows = 0;
    for (const table of replacedTables) {
      // `SELECT *` from a table of the same definition: the form SQLite copies record by record.
      const copied = db.prepare(`INSERT INTO main.${table} SELECT * FROM image.${table}`).run().changes;
      if (table !== 'scheduled_prices') rows += copied;
    }
    const keys = settingsKeys.map((key) => `'${key}'`).join(', ');
    db.exec(`DELETE FROM main.catalog_meta WHERE key IN (${keys})`);
    const settings = db.prepare(`INSERT INTO main.catalog_meta (key, value) SELECT key, value FROM image.catalog_meta WHERE key IN (${keys})`).run().changes;
    // The settings entity is the one entity kept in more than one row.
    if (settings > 0) rows += 1;
    if (rows !== state.changed) throw new CatalogUpdateError('truncated', `the catalogue image holds ${rows} entities, it says ${state.changed}`);
    const missing = db.prepare<[], { vat_class: string }>('SELECT DISTINCT vat_class FROM main.items WHERE vat_class NOT IN (SELECT code FROM main.vat_classes) LIMIT 5').all();
    if (missing.length > 0) {
      throw new CatalogUpdateError('rejectedByCatalog', `items in the catalogue image name VAT classes it does not hold (${missing.map((row) => row.vat_class).join(', ')})`);
    }
    const applied: AppliedUpdate = { kind: 'snapshot', version: state.version, changed: state.changed, checksum: state.checksum };
    db.prepare(
      `INSERT INTO main.catalog_sync (id, version, applied_at, kind, checksum, changed, source) VALUES (1, ?, ?, 'snapshot', ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at, kind = excluded.kind,
         checksum = excluded.checksum, changed = excluded.changed, source = excluded.source`,
    ).run(applied.version, meta.appliedAt, applied.checksum, applied.changed, meta.source);
    db.exec('COMMIT');
    return applied;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    if (error instanceof CatalogUpdateError) throw error;
    throw new CatalogUpdateError('rejectedByCatalog', `the catalogue image could not be copied: ${messageOf(error)}`);
  }
}
