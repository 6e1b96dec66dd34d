import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { z } from 'zod';
import { classifyStoreCode } from '../../shared/barcode/storeCodes';
import { err, ok } from '../../shared/result';
import type { Db } from '../db/database';

export type AssistantRole = 'assistant' | 'supervisor';

export interface Assistant {
  readonly id: string;
  readonly name: string;
  readonly role: AssistantRole;
}

export type SignInProblem = 'unknown' | 'wrongPin' | 'lockedOut' | 'inactive';

/** A `Result` whose failure may say when to try again (lockedOut). */
export type SignInResult = { readonly ok: true; readonly value: Assistant } | { readonly ok: false; readonly error: SignInProblem; readonly retryAfterMs?: number };

export interface AssistantInput {
  readonly id: string;
  readonly name: string;
  readonly role?: AssistantRole;
  readonly pin: string;
  /** The badge code without AIM prefix ('LW:A:…'); none when undefined. */
  readonly badge?: string | undefined;
  readonly active?: boolean;
}

export interface DirectoryOptions {
  readonly now?: () => number;
  /** Wrong PINs for one id within `lockoutMs` that lock it. */
  readonly maxFailures?: number;
  readonly lockoutMs?: number;
}

// Error messages never quote the PIN or badge: they end up in logs and on terminals.
const inputSchema = z.object({
  id: z.string().regex(/^\d{1,10}$/, { error: 'an assistant number is 1 to 10 digits' }),
  name: z.string().trim().min(1, { error: 'an assistant needs a name' }).max(100, { error: 'a name is at most 100 characters' }),
  role: z.enum(['assistant', 'supervisor'], { error: 'a role is assistant or supervisor' }).default('assistant'),
  pin: z.string({ error: 'a PIN is 4 to 8 digits' }).regex(/^\d{4,8}$/, { error: 'a PIN is 4 to 8 digits' }),
  badge: z
    .string()
    .refine((badge) => classifyStoreCode(badge)?.kind === 'assistantBadge' && classifyStoreCode(badge)?.value === badge, {
      error: 'a badge code is LW:A: and up to 35 printable characters without spaces',
    })
    .optional(),
  active: z.boolean().default(true),
});

/** An assistant as the directory stores it (and the store server sends it to lanes): the PIN and badge only as hashes. */
export interface AssistantRecord {
  readonly id: string;
  readonly name: string;
  readonly role: AssistantRole;
  readonly pinHash: string;
  readonly badgeHash?: string | undefined;
  readonly active: boolean;
}

/** Checks an assistant's details and hashes their PIN (slowly) and badge. */
export async function assistantRecord(input: AssistantInput): Promise<AssistantRecord> {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  const { id, name, role, pin, badge, active } = parsed.data;
  return { id, name, role, pinHash: await hashPin(pin), ...(badge === undefined ? {} : { badgeHash: badgeHash(badge) }), active };
}

/**
 * scrypt cost: N=16384, r=8 takes 16 MiB and about 50 ms, enough to make a copied catalogue's
 * 4-digit PINs cost real work, short enough that nobody waits at the lane.
 */
const SCRYPT = { N: 16384, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

interface ScryptHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function deriveKey(pin: string, hash: Omit<ScryptHash, 'key'>, keyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Node's default maxmem (32 MiB) is just above N=16384; leave room for stored hashes with a higher cost.
    scrypt(pin, hash.salt, keyBytes, { N: hash.N, r: hash.r, p: hash.p, maxmem: 256 * hash.N * hash.r }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

async function hashPin(pin: string): Promise<string> {
  const params = { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: randomBytes(SCRYPT.saltBytes) };
  const key = await deriveKey(pin, params, SCRYPT.keyBytes);
  return `scrypt$${params.N}$${params.r}$${params.p}$${params.salt.toString('base64')}$${key.toString('base64')}`;
}

/** The cost travels with each hash, so raising it later leaves older hashes verifiable. */
function parseHash(text: string): ScryptHash {
  const [scheme, N, r, p, salt, key, ...rest] = text.split('$');
  const numbers = [N, r, p].map(Number);
  if (scheme !== 'scrypt' || rest.length > 0 || !salt || !key || !numbers.every((n) => Number.isSafeInteger(n) && n > 0)) {
    throw new Error('an assistant’s stored PIN hash is not scrypt$N$r$p$salt$hash');
  }
  return { N: numbers[0]!, r: numbers[1]!, p: numbers[2]!, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

async function pinMatches(pin: string, stored: string): Promise<boolean> {
  const hash = parseHash(stored);
  const key = await deriveKey(pin, hash, hash.key.length);
  return timingSafeEqual(key, hash.key);
}

/** Verified for unknown ids so that they take as long to refuse as a wrong PIN. */
const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${Buffer.alloc(SCRYPT.saltBytes).toString('base64')}$${Buffer.alloc(SCRYPT.keyBytes).toString('base64')}`;

function badgeHash(badge: string): string {
  return createHash('sha256').update(badge, 'utf8').digest('hex');
}

interface AssistantRow {
  id: string;
  name: string;
  role: AssistantRole;
  pin_hash: string;
  active: 0 | 1;
}

interface Attempts {
  /** When each recent wrong PIN was typed. */
  failures: number[];
  lockedUntil: number;
}

/**
 * The store's assistants, in the lane's catalogue database, and how they sign in.
 *
 * Lockouts are kept in memory, not in the database: the lane process is the only verifier of its
 * catalogue, and a restart that forgets them takes tens of seconds and access to the terminal, while
 * 5 guesses per restart would need about a thousand restarts to find a 4-digit PIN. The catalogue
 * is also replaced wholesale by a sync, which would forget a table too. A second verifier (the
 * supervisor station) keeps its own count.
 *
 * Failures count for unknown ids too, so a lockout does not tell which numbers exist.
 */
export class AssistantDirectory {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #maxFailures: number;
  readonly #lockoutMs: number;
  readonly #attempts = new Map<string, Attempts>();
  readonly #pending = new Map<string, Promise<unknown>>();
  readonly #byId: Statement<[string], AssistantRow>;
  readonly #byBadge: Statement<[string], { id: string }>;

  constructor(db: Db, options: DirectoryOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#maxFailures = options.maxFailures ?? 5;
    this.#lockoutMs = options.lockoutMs ?? 5 * 60_000;
    this.#byId = db.prepare('SELECT id, name, role, pin_hash, active FROM assistants WHERE id = ?');
    this.#byBadge = db.prepare('SELECT id FROM assistants WHERE badge_hash = ?');
  }

  /**
   * Adds or replaces an assistant (the store's record is the whole truth: no badge given, no badge
   * kept). Throws on an invalid number, name, role, PIN or badge, or a badge another assistant has.
   */
  async upsert(input: AssistantInput): Promise<void> {
    const assistant = await assistantRecord(input);
    try {
      this.#db
        .prepare(
          `INSERT INTO assistants (id, name, role, pin_hash, badge_hash, active) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, pin_hash = excluded.pin_hash,
             badge_hash = excluded.badge_hash, active = excluded.active`,
        )
        .run(assistant.id, assistant.name, assistant.role, assistant.pinHash, assistant.badgeHash ?? null, assistant.active ? 1 : 0);
    } catch (error) {
      // The id is the conflict target, so the only unique column left to clash is the badge.
      if (error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new Error(`assistant ${assistant.id}: that badge belongs to another assistant`);
      }
      throw error;
    }
  }

  /** False when there is no such assistant. */
  setActive(id: string, active: boolean): boolean {
    return this.#db.prepare('UPDATE assistants SET active = ? WHERE id = ?').run(active ? 1 : 0, id).changes > 0;
  }

  /** Everyone, by number; no hashes. */
  list(): (Assistant & { active: boolean; hasBadge: boolean })[] {
    const rows = this.#db
      .prepare('SELECT id, name, role, active, badge_hash IS NOT NULL AS has_badge FROM assistants ORDER BY length(id), id')
      .all() as { id: string; name: string; role: AssistantRole; active: 0 | 1; has_badge: 0 | 1 }[];
    return rows.map((row) => ({ id: row.id, name: row.name, role: row.role, active: row.active === 1, hasBadge: row.has_badge === 1 }));
  }

  /** By badge code (what the scanner read, without any AIM prefix) → the assistant's id, or undefined. */
  idForBadge(badge: string): string | undefined {
    return this.#byBadge.get(badgeHash(badge))?.id;
  }

  /** 'inactive' only after the right PIN, so a wrong guess learns nothing about the account. */
  signIn(id: string, pin: string): Promise<SignInResult> {
    return this.#oneAtATime(id, async (): Promise<SignInResult> => {
      const wait = this.#lockedFor(id, this.#now());
      if (wait > 0) return { ...err('lockedOut' as const), retryAfterMs: wait };
      const row = this.#byId.get(id);
      const matches = await pinMatches(pin, row?.pin_hash ?? DUMMY_HASH);
      if (!row || !matches) {
        const lockedFor = this.#recordFailure(id, this.#now());
        if (lockedFor > 0) return { ...err('lockedOut' as const), retryAfterMs: lockedFor };
        return err(row ? 'wrongPin' : 'unknown');
      }
      if (row.active !== 1) return err('inactive');
      this.#attempts.delete(id);
      return ok({ id: row.id, name: row.name, role: row.role });
    });
  }

  /** Attempts for one id run in turn, so parallel guesses cannot outrun the lockout. */
  async #oneAtATime<T>(id: string, attempt: () => Promise<T>): Promise<T> {
    const run = (this.#pending.get(id) ?? Promise.resolve()).then(attempt);
    const settled = run.catch(() => undefined);
    this.#pending.set(id, settled);
    try {
      return await run;
    } finally {
      if (this.#pending.get(id) === settled) this.#pending.delete(id);
    }
  }

  #lockedFor(id: string, now: number): number {
    const attempts = this.#attempts.get(id);
    return attempts && attempts.lockedUntil > now ? attempts.lockedUntil - now : 0;
  }

  /** Milliseconds the id is now locked for, or 0. */
  #recordFailure(id: string, now: number): number {
    const windowStart = now - this.#lockoutMs;
    const attempts = this.#attempts.get(id) ?? { failures: [], lockedUntil: 0 };
    attempts.failures = attempts.failures.filter((at) => at > windowStart);
    attempts.failures.push(now);
    if (attempts.failures.length >= this.#maxFailures) {
      attempts.failures = [];
      attempts.lockedUntil = now + this.#lockoutMs;
    }
    this.#attempts.set(id, attempts);
    if (this.#attempts.size > 1000) this.#forgetStale(windowStart, now);
    return this.#lockedFor(id, now);
  }

  /** Typed-in numbers that do not exist must not pile up for ever. */
  #forgetStale(windowStart: number, now: number): void {
    for (const [id, attempts] of this.#attempts) {
      if (attempts.lockedUntil <= now && attempts.failures.every((at) => at <= windowStart)) this.#attempts.delete(id);
    }
  }
}
