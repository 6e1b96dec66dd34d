import type { ClientBase } from 'pg';

/** One numbered schema change, in SQL. Applied in order, never edited once released. */
export interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The store server's schema, the same as the SQLite one (main/store/sqlite/migrations) in
 * PostgreSQL's words: the versioned catalogue, the sales lanes upload and the provisioned lanes.
 *
 * Text that is compared or sorted (keys, ids, epochs) is COLLATE "C": byte order, as SQLite
 * sorts, so both backends send entities in the same order whatever the database's locale.
 * Values are canonical JSON kept as text (not jsonb, which would reorder and reformat them), so
 * "unchanged" is a string compare. Times are epoch milliseconds.
 */
export const postgresStoreMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'catalogue, sales and lanes',
    sql: `
      CREATE TABLE catalog_entities (
        kind    text COLLATE "C" NOT NULL CHECK (kind IN ('settings', 'vatClass', 'item', 'promotion', 'coupon', 'assistant')),
        key     text COLLATE "C" NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
        version bigint NOT NULL CHECK (version >= 1),
        value   text,
        PRIMARY KEY (kind, key)
      );
      CREATE INDEX catalog_entities_by_version ON catalog_entities (version);

      -- One row: the catalogue's version and the oldest version a delta can still start from.
      -- Every catalogue write locks it first, so batches from several servers never interleave.
      CREATE TABLE catalog_state (
        id           integer PRIMARY KEY CHECK (id = 1),
        version      bigint NOT NULL CHECK (version >= 0),
        purged_below bigint NOT NULL DEFAULT 0 CHECK (purged_below >= 0)
      );
      INSERT INTO catalog_state (id, version, purged_below) VALUES (1, 0, 0);

      -- Where each version came from (an import file, a tool), for store IT.
      CREATE TABLE catalog_batches (
        version    bigint PRIMARY KEY,
        applied_at bigint NOT NULL,
        source     text,
        changed    integer NOT NULL
      );

      CREATE TABLE sales (
        received_seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        sale_id      text COLLATE "C" NOT NULL UNIQUE CHECK (length(sale_id) BETWEEN 1 AND 64),
        lane_id      text COLLATE "C" NOT NULL,
        epoch        text COLLATE "C" NOT NULL CHECK (length(epoch) BETWEEN 1 AND 32),
        number       bigint NOT NULL CHECK (number >= 1),
        status       text NOT NULL CHECK (status IN ('completed', 'cancelled')),
        closed_at    bigint NOT NULL,
        total_minor  bigint NOT NULL,
        currency     text NOT NULL CHECK (length(currency) = 3),
        digest       text NOT NULL CHECK (length(digest) = 64),
        payload      text NOT NULL,
        received_at  bigint NOT NULL
      );
      CREATE INDEX sales_by_lane_sequence ON sales (lane_id, epoch, number);

      -- Tokens are kept only as their SHA-256 (hex): a copy of the database does not let anyone in.
      CREATE TABLE lanes (
        lane_id      text COLLATE "C" PRIMARY KEY CHECK (length(lane_id) BETWEEN 1 AND 16),
        token_hash   text NOT NULL CHECK (length(token_hash) = 64),
        disabled     boolean NOT NULL DEFAULT false,
        added_at     bigint NOT NULL,
        last_seen_at bigint
      );
    `,
  },
];

/** Any fixed number: the advisory lock every store server takes to migrate ("Lane" in ASCII). */
const migrationLockKey = 0x4c616e65;

/**
 * Brings the schema up to the newest migration, all in one transaction under an advisory lock:
 * when several store servers start at once, one migrates and the others wait, then find nothing
 * left to do. Returns the versions applied.
 */
export async function migratePostgres(client: ClientBase, migrations: readonly PostgresMigration[] = postgresStoreMigrations): Promise<number[]> {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`migrations must be numbered 1, 2, 3…; found ${migration.version} at position ${index + 1}`);
  });
  const newest = sorted.at(-1)?.version ?? 0;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ current: number | null }>('SELECT max(version) AS current FROM schema_migrations');
    const current = rows[0]?.current ?? 0;
    if (current > newest) {
      throw new Error(`database schema version ${current} is newer than this program knows (${newest}); install the newer Lanewise or restore a backup`);
    }
    const applied: number[] = [];
    for (const migration of sorted) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The newest migration applied; 0 on an empty database. */
export async function postgresSchemaVersion(client: ClientBase): Promise<number> {
  const exists = await client.query<{ table: string | null }>("SELECT to_regclass('schema_migrations')::text AS table");
  if (!exists.rows[0]?.table) return 0;
  const { rows } = await client.query<{ current: number | null }>('SELECT max(version) AS current FROM schema_migrations');
  return rows[0]?.current ?? 0;
}
