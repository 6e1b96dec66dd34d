import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssistantDirectory, type SignInResult } from '../../../main/assistants/assistantDirectory';
import { demoAssistants, ensureDemoAssistants } from '../../../main/assistants/demoAssistants';
import { catalogMigrations } from '../../../main/catalog/migrations';
import { openDatabase, schemaVersion, type Db } from '../../../main/db/database';

const anna = { id: '1001', name: 'Anna Bērziņa', role: 'assistant', pin: '1234', badge: 'LW:A:1001-7F3K' } as const;
const ivan = { id: '1002', name: 'Ivan Petrov', role: 'supervisor', pin: '2468' } as const;

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('assistant directory', () => {
  let db: Db;
  beforeEach(() => {
    db = openDatabase(':memory:', catalogMigrations, { synchronous: 'NORMAL' });
  });
  afterEach(() => db.close());

  it('migration 0003 makes the table, and its CHECKs refuse what the lane could not use', () => {
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(3);
    const insert = db.prepare("INSERT INTO assistants (id, name, role, pin_hash, badge_hash, active) VALUES (?, 'X', ?, 'scrypt$x', ?, ?)");
    insert.run('1', 'assistant', null, 1);
    insert.run('1234567890', 'supervisor', 'a'.repeat(64), 0);
    expect(() => insert.run('12345678901', 'assistant', null, 1)).toThrow(/CHECK/);
    expect(() => insert.run('12a', 'assistant', null, 1)).toThrow(/CHECK/);
    expect(() => insert.run('', 'assistant', null, 1)).toThrow(/CHECK/);
    expect(() => insert.run('2', 'manager', null, 1)).toThrow(/CHECK/);
    expect(() => insert.run('3', 'assistant', 'LW:A:1', 1)).toThrow(/CHECK/);
    expect(() => insert.run('4', 'assistant', null, 2)).toThrow(/CHECK/);
    expect(() => insert.run('5', 'assistant', 'a'.repeat(64), 1)).toThrow(/UNIQUE/);
  });

  it('signs an assistant in with the right PIN; a wrong PIN or an unknown number is refused', async () => {
    const directory = new AssistantDirectory(db);
    await directory.upsert(anna);
    await directory.upsert(ivan);
    expect(await directory.signIn('1001', '1234')).toEqual({ ok: true, value: { id: '1001', name: 'Anna Bērziņa', role: 'assistant' } });
    expect(await directory.signIn('1002', '2468')).toEqual({ ok: true, value: { id: '1002', name: 'Ivan Petrov', role: 'supervisor' } });
    expect(await directory.signIn('1001', '2468')).toEqual({ ok: false, error: 'wrongPin' });
    expect(await directory.signIn('1001', '12345')).toEqual({ ok: false, error: 'wrongPin' });
    expect(await directory.signIn('1001', 'abc')).toEqual({ ok: false, error: 'wrongPin' });
    expect(await directory.signIn('9999', '1234')).toEqual({ ok: false, error: 'unknown' });
    expect(await directory.signIn('', '1234')).toEqual({ ok: false, error: 'unknown' });
  });

  it('spends a scrypt on an unknown number too, so timing does not say which numbers exist', async () => {
    const directory = new AssistantDirectory(db);
    const started = performance.now();
    await directory.signIn('9999', '1234');
    // A database miss alone takes microseconds; scrypt at N=16384 takes tens of milliseconds.
    expect(performance.now() - started).toBeGreaterThan(15);
  });

  it('refuses an inactive assistant only after the right PIN', async () => {
    const directory = new AssistantDirectory(db);
    await directory.upsert({ ...anna, active: false });
    expect(await directory.signIn('1001', '1234')).toEqual({ ok: false, error: 'inactive' });
    expect(await directory.signIn('1001', '0000')).toEqual({ ok: false, error: 'wrongPin' });
    expect(directory.setActive('1001', true)).toBe(true);
    expect((await directory.signIn('1001', '1234')).ok).toBe(true);
    expect(directory.setActive('1001', false)).toBe(true);
    expect(await directory.signIn('1001', '1234')).toEqual({ ok: false, error: 'inactive' });
    expect(directory.setActive('4040', false)).toBe(false);
  });

  it('locks a number after maxFailures wrong PINs in the window, until lockoutMs has passed', async () => {
    const clock = manualClock();
    const directory = new AssistantDirectory(db, { now: clock.now, maxFailures: 3, lockoutMs: 60_000 });
    await directory.upsert(anna);
    await directory.upsert(ivan);
    expect((await directory.signIn('1001', '0000')).ok).toBe(false);
    expect(await directory.signIn('1001', '0001')).toEqual({ ok: false, error: 'wrongPin' });
    // The third wrong PIN says so at once.
    expect(await directory.signIn('1001', '0002')).toEqual({ ok: false, error: 'lockedOut', retryAfterMs: 60_000 });
    clock.advance(20_000);
    // Even the right PIN is refused while locked; other numbers are not affected.
    expect(await directory.signIn('1001', '1234')).toEqual({ ok: false, error: 'lockedOut', retryAfterMs: 40_000 });
    expect((await directory.signIn('1002', '2468')).ok).toBe(true);
    clock.advance(40_000);
    expect((await directory.signIn('1001', '1234')).ok).toBe(true);
  });

  it('forgets failures older than the window, and all of them after a success', async () => {
    const clock = manualClock();
    const directory = new AssistantDirectory(db, { now: clock.now, maxFailures: 3, lockoutMs: 60_000 });
    await directory.upsert(anna);
    await directory.signIn('1001', '0000');
    await directory.signIn('1001', '0001');
    clock.advance(60_001);
    expect(await directory.signIn('1001', '0002')).toEqual({ ok: false, error: 'wrongPin' });
    expect(await directory.signIn('1001', '0003')).toEqual({ ok: false, error: 'wrongPin' });
    expect((await directory.signIn('1001', '1234')).ok).toBe(true);
    expect(await directory.signIn('1001', '0004')).toEqual({ ok: false, error: 'wrongPin' });
    expect(await directory.signIn('1001', '0005')).toEqual({ ok: false, error: 'wrongPin' });
  });

  it('locks unknown numbers the same way, so a lockout does not tell which exist', async () => {
    const directory = new AssistantDirectory(db, { now: manualClock().now, maxFailures: 2, lockoutMs: 1000 });
    expect(await directory.signIn('9999', '1234')).toEqual({ ok: false, error: 'unknown' });
    expect(await directory.signIn('9999', '1234')).toEqual({ ok: false, error: 'lockedOut', retryAfterMs: 1000 });
  });

  it('takes parallel attempts for one number in turn, so they cannot outrun the lockout', async () => {
    const directory = new AssistantDirectory(db, { now: manualClock().now, maxFailures: 3 });
    await directory.upsert(anna);
    const guesses = ['0000', '0001', '0002', '1234', '0003', '0004'];
    const results: SignInResult[] = await Promise.all(guesses.map((pin) => directory.signIn('1001', pin)));
    expect(results.map((result) => (result.ok ? 'ok' : result.error))).toEqual(['wrongPin', 'wrongPin', 'lockedOut', 'lockedOut', 'lockedOut', 'lockedOut']);
  });

  it('finds an assistant by badge code; a replaced record without a badge has none', async () => {
    const directory = new AssistantDirectory(db);
    await directory.upsert(anna);
    await directory.upsert(ivan);
    expect(directory.idForBadge('LW:A:1001-7F3K')).toBe('1001');
    expect(directory.idForBadge('LW:A:1001-7F3X')).toBeUndefined();
    expect(directory.idForBadge(']C0LW:A:1001-7F3K')).toBeUndefined();
    expect(directory.list()).toEqual([
      { id: '1001', name: 'Anna Bērziņa', role: 'assistant', active: true, hasBadge: true },
      { id: '1002', name: 'Ivan Petrov', role: 'supervisor', active: true, hasBadge: false },
    ]);
    await directory.upsert({ ...anna, badge: undefined, pin: '5678' });
    expect(directory.idForBadge('LW:A:1001-7F3K')).toBeUndefined();
    expect(await directory.signIn('1001', '1234')).toEqual({ ok: false, error: 'wrongPin' });
    expect((await directory.signIn('1001', '5678')).ok).toBe(true);
  });

  it('refuses a badge another assistant has, without quoting it', async () => {
    const directory = new AssistantDirectory(db);
    await directory.upsert(anna);
    const error = await directory.upsert({ ...ivan, badge: anna.badge }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('assistant 1002: that badge belongs to another assistant');
    expect(directory.idForBadge(anna.badge)).toBe('1001');
  });

  it('accepts PINs of 4 to 8 digits only, and never quotes a PIN or badge in the error', async () => {
    const directory = new AssistantDirectory(db);
    for (const pin of ['123', '123456789', '12a4', ' 1234', '1234\n', '١٢٣٤', '']) {
      const error = await directory.upsert({ ...anna, pin }).catch((caught: unknown) => caught);
      expect(error, JSON.stringify(pin)).toBeInstanceOf(Error);
      expect((error as Error).message).toBe('a PIN is 4 to 8 digits');
    }
    await expect(directory.upsert({ ...anna, pin: '12345678' })).resolves.toBeUndefined();
    await expect(directory.upsert({ ...anna, id: '12345678901' })).rejects.toThrow('an assistant number is 1 to 10 digits');
    await expect(directory.upsert({ ...anna, name: '  ' })).rejects.toThrow('an assistant needs a name');
    await expect(directory.upsert({ ...anna, role: 'manager' as never })).rejects.toThrow('a role is assistant or supervisor');
    const badBadge = await directory.upsert({ ...anna, badge: 'SECRET-1001' }).catch((caught: unknown) => caught as Error);
    expect(badBadge?.message).toMatch(/^a badge code is LW:A:/);
    expect(badBadge?.message).not.toContain('SECRET');
  });

  it('stores salted scrypt hashes that hold neither the PIN nor the badge code', async () => {
    const directory = new AssistantDirectory(db);
    await directory.upsert(anna);
    await directory.upsert({ ...ivan, pin: anna.pin });
    const rows = db.prepare('SELECT id, pin_hash, badge_hash FROM assistants ORDER BY id').all() as { id: string; pin_hash: string; badge_hash: string | null }[];
    for (const row of rows) {
      expect(row.pin_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
      expect(row.pin_hash).not.toContain(anna.pin);
    }
    // The same PIN, a different salt: equal PINs do not show as equal hashes.
    expect(rows[0]!.pin_hash).not.toBe(rows[1]!.pin_hash);
    expect(rows[0]!.badge_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.badge_hash).not.toContain('1001');
    expect(JSON.stringify(directory.list())).not.toMatch(/scrypt|[0-9a-f]{64}|7F3K/);
  });
});

describe('demo assistants', () => {
  it('fills an empty directory once and leaves one with anyone in it alone', async () => {
    const db = openDatabase(':memory:', catalogMigrations, { synchronous: 'NORMAL' });
    try {
      await ensureDemoAssistants(db);
      const directory = new AssistantDirectory(db);
      expect(directory.list().map((assistant) => [assistant.id, assistant.role, assistant.hasBadge])).toEqual([
        ['1001', 'assistant', true],
        ['1002', 'supervisor', true],
      ]);
      for (const demo of demoAssistants) {
        const id = directory.idForBadge(demo.badge);
        expect(id).toBe(demo.id);
        expect(await directory.signIn(id!, demo.pin)).toEqual({ ok: true, value: { id: demo.id, name: demo.name, role: demo.role } });
      }
      directory.setActive('1001', false);
      await ensureDemoAssistants(db);
      expect(directory.list().find((assistant) => assistant.id === '1001')?.active).toBe(false);
    } finally {
      db.close();
    }
  });
});
