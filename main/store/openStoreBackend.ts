import { join, resolve } from 'node:path';
import type { StoreBackend } from './storeBackend';
import { openSqliteStoreBackend } from './sqlite/sqliteBackend';

/** The embedded store database inside a store server's data folder. */
export function storeDatabaseFile(dataDir: string): string {
  return join(resolve(dataDir), 'store.sqlite');
}

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//iu.test(target);
}

/**
 * Opens the store's backend: a `postgres://` or `postgresql://` URL is a chain's PostgreSQL
 * database; anything else is a data folder holding `store.sqlite` (created if missing).
 * PostgreSQL's module (and the `pg` driver) is loaded only when asked for.
 */
export async function openStoreBackend(target: string): Promise<StoreBackend> {
  if (isPostgresUrl(target)) {
    const { openPostgresStoreBackend } = await import('./postgres/postgresBackend');
    return openPostgresStoreBackend(target);
  }
  return openSqliteStoreBackend(storeDatabaseFile(target));
}
