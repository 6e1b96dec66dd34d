import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openDatabase, type Db } from '../db/database';
import { hubMigrations } from './migrations';

/** The hub's database inside its data folder. */
export function hubDatabasePath(dataDir: string): string {
  return join(dataDir, 'supervisor.sqlite');
}

/**
 * Opens (creating if need be) the hub's database: lanes and their secrets, the audit trail and
 * the report facts. It holds every lane's secret, so it is readable by its owner only.
 *
 * NORMAL sync (WAL: consistent after any crash, may lose the last commits to a power cut): the
 * hub writes an intervention row whenever a lane's interventions change, from 32 lanes at 10
 * statuses a second, and an fsync per change stalled every lane's status behind the disk (p99
 * status → tile 354 ms with FULL, 49 ms with NORMAL on a loaded 2-CPU machine). Audit rows, few
 * and the ones that must survive, are written with FULL (AuditLog).
 */
export function openHubDatabase(path: string): Db {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Created here with 0600 before SQLite creates it with the umask's (often world-readable) mode;
    // an older file with looser permissions is tightened. SQLite gives its -wal and -shm files the
    // database file's mode, so they follow.
    try {
      closeSync(openSync(path, 'wx', 0o600));
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
    }
    chmodSync(path, 0o600);
  }
  return openDatabase(path, hubMigrations, { synchronous: 'NORMAL' });
}
