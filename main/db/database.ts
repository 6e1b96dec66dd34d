import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/** One numbered schema change. Applied in order, each in its own transaction, never edited once released. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Db): void;
}

export interface OpenOptions {
  /**
   * FULL: every commit is on disk before it returns, so a power cut loses nothing the
   * screen has shown (the journal). NORMAL: WAL may lose the last commits on power loss,
   * but stays consistent (the catalogue, which can be synced again).
   */
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly readonly?: boolean;
  /**
   * Pages kept in memory, in MiB (SQLite's cache_size). Without it better-sqlite3's build
   * default applies: 16 MiB a connection, which a growing database fills over hours.
   */
  readonly cacheMiB?: number;
}

export function openDatabase(path: string, migrations: readonly Migration[], options: OpenOptions): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous}`);
  }
  if (options.cacheMiB !== undefined) db.pragma(`cache_size = -${Math.round(options.cacheMiB * 1024)}`);
  db.pragma('foreign_keys = ON');
  // Another process (a CLI query, a backup) may hold a lock briefly; wait rather than fail.
  db.pragma('busy_timeout = 2000');
  if (!options.readonly) migrate(db, migrations);
  return db;
}

/** Brings the schema up to the newest migration. Returns the versions applied. */
export function migrate(db: Db, migrations: readonly Migration[]): number[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`migrations must be numbered 1, 2, 3…; found ${migration.version} at position ${index + 1}`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = sorted.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(`database schema version ${current} is newer than this program knows (${newest}); install the newer Lanewise or restore a backup`);
  }
  const applied: number[] = [];
  for (const migration of sorted) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
