import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/database';
import { Journal } from '../../../main/lane/journal';

/** SQLite's cache_size in KiB (it is stored negated when set in KiB). */
const cacheKiB = (db: { pragma(source: string, options: { simple: true }): unknown }) => -Number(db.pragma('cache_size', { simple: true }));

describe('page caches chosen per database', () => {
  const dirs: string[] = [];
  const dir = () => {
    const path = mkdtempSync(join(tmpdir(), 'lanewise-cache-'));
    dirs.push(path);
    return path;
  };
  afterEach(() => {
    for (const path of dirs.splice(0)) rmSync(path, { recursive: true, force: true });
  });

  it('keeps 4 MiB for the lane journal, so a lane’s memory stops growing within its first sales', () => {
    const journal = Journal.open(join(dir(), 'journal.sqlite'));
    expect(cacheKiB(journal.db)).toBe(4096);
    journal.db.close();
  });

  it('sets what a database asks for', () => {
    const db = openDatabase(join(dir(), 'chosen.sqlite'), [], { synchronous: 'FULL', cacheMiB: 4 });
    expect(cacheKiB(db)).toBe(4096);
    db.close();
  });

  it('leaves the build default to a database that does not choose', () => {
    const db = openDatabase(join(dir(), 'other.sqlite'), [], { synchronous: 'NORMAL' });
    expect(cacheKiB(db)).toBe(16_000);
    db.close();
  });
});
