import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { outboxBacklogSql } from '../lane/journal';

/**
 * A lane database's health for a support bundle: SQLite's own integrity and quick checks, its
 * size in pages, and — for the journal — the outbox backlog. Opened read-only with a busy
 * timeout, so a running lane goes on selling meanwhile; sale payloads are never read.
 */
export interface DatabaseCheck {
  readonly name: 'journal' | 'catalogue';
  readonly file: string;
  readonly present: boolean;
  /** Both checks said "ok". False when the file could not be opened or checked at all. */
  readonly ok: boolean;
  /** `PRAGMA integrity_check`: ["ok"], or what is wrong (at most 100 lines). */
  readonly integrityCheck?: readonly string[];
  /** `PRAGMA quick_check`: the same without the index cross-checks. */
  readonly quickCheck?: readonly string[];
  readonly pages?: { readonly pageCount: number; readonly pageSize: number; readonly freelistCount: number };
  readonly fileBytes?: number;
  readonly schemaVersion?: number;
  /** The journal's sales waiting for the store (as `lanewise lane outbox status` counts them). */
  readonly outbox?: { readonly unsent: number; readonly oldestUnsentAt: string | null; readonly flagged: number; readonly sentKept: number } | { readonly error: string };
  /** The catalogue's version from the store (0: never synced) and its item count. */
  readonly catalogue?: { readonly version: number; readonly items: number } | { readonly error: string };
  /** Why it could not be opened or checked. */
  readonly error?: string;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function pragmaLines(db: Database.Database, pragma: 'integrity_check' | 'quick_check'): string[] {
  return (db.pragma(pragma) as Record<string, unknown>[]).map((row) => String(Object.values(row)[0]));
}

function outboxOf(db: Database.Database): DatabaseCheck['outbox'] {
  try {
    // The same figures as Journal.outboxBacklog() and sentSalesKept(), in one read transaction.
    return db.transaction(() => {
      const backlog = db.prepare(outboxBacklogSql).get() as { unsent: number; oldest: number | null; flagged: number };
      const kept = db.prepare('SELECT count(*) AS kept FROM outbox WHERE sent_at IS NOT NULL').get() as { kept: number };
      return { unsent: backlog.unsent, oldestUnsentAt: backlog.oldest === null ? null : new Date(backlog.oldest).toISOString(), flagged: backlog.flagged, sentKept: kept.kept };
    })();
  } catch (error) {
    return { error: messageOf(error) };
  }
}

function catalogueOf(db: Database.Database): DatabaseCheck['catalogue'] {
  try {
    const hasSync = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'catalog_sync'").get() !== undefined;
    const version = hasSync ? ((db.prepare('SELECT version FROM catalog_sync WHERE id = 1').get() as { version: number } | undefined)?.version ?? 0) : 0;
    const items = (db.prepare('SELECT count(*) AS items FROM items').get() as { items: number }).items;
    return { version, items };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

export function checkDatabase(name: DatabaseCheck['name'], file: string): DatabaseCheck {
  if (!existsSync(file)) return { name, file, present: false, ok: true };
  const fileBytes = statSync(file).size;
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { name, file, present: true, ok: false, fileBytes, error: `cannot open: ${messageOf(error)}` };
  }
  try {
    db.pragma('busy_timeout = 5000');
    const integrityCheck = pragmaLines(db, 'integrity_check');
    const quickCheck = pragmaLines(db, 'quick_check');
    const pages = {
      pageCount: db.pragma('page_count', { simple: true }) as number,
      pageSize: db.pragma('page_size', { simple: true }) as number,
      freelistCount: db.pragma('freelist_count', { simple: true }) as number,
    };
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const ok = integrityCheck.length === 1 && integrityCheck[0] === 'ok' && quickCheck.length === 1 && quickCheck[0] === 'ok';
    return {
      name,
      file,
      present: true,
      ok,
      integrityCheck,
      quickCheck,
      pages,
      fileBytes,
      schemaVersion,
      ...(name === 'journal' ? { outbox: outboxOf(db) } : { catalogue: catalogueOf(db) }),
    };
  } catch (error) {
    // "database disk image is malformed" and the like: the check itself is the finding.
    return { name, file, present: true, ok: false, fileBytes, error: messageOf(error) };
  } finally {
    db.close();
  }
}

/** The SQLite library this program uses. */
export function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS version').get() as { version: string }).version;
  } finally {
    db.close();
  }
}
