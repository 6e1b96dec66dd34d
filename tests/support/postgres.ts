import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './freePort';

/**
 * A PostgreSQL for tests: `LANEWISE_TEST_POSTGRES_URL` when set (a server someone else runs;
 * the role needs CREATEDB), otherwise a private throwaway cluster in a tmp dir, made with the
 * Debian `postgresql` package's initdb and pg_ctl (scripts/ensure-environment.mjs installs it
 * for `npm test`), listening on 127.0.0.1 only, without fsync, and deleted again by `stop()`.
 *
 * `url` names a database made for the caller; `createDatabase()` makes more, so each test can
 * start from an empty one.
 */
export interface TestPostgres {
  readonly url: string;
  /** A new empty database on the same server; its URL. */
  createDatabase(): Promise<string>;
  /** Drops a database `createDatabase` made (connections to it are ended first). */
  dropDatabase(url: string): Promise<void>;
  /**
   * A new empty schema in the database of `url`, and a URL whose connections use only it
   * (`search_path`): as good as a fresh database for code that names no schema, in milliseconds.
   */
  createSchema(): Promise<string>;
  dropSchema(url: string): Promise<void>;
  stop(): Promise<void>;
}

const debianRoot = '/usr/lib/postgresql';
const superuser = 'postgres';
let databaseCounter = 0;
let schemaCounter = 0;

export async function startTestPostgres(): Promise<TestPostgres> {
  const external = process.env.LANEWISE_TEST_POSTGRES_URL;
  const server = external ? { adminUrl: external, stop: async () => {} } : await startPrivateCluster();
  try {
    const createDatabase = () => createDatabaseOn(server.adminUrl);
    const dropDatabase = (url: string) => dropDatabaseOn(server.adminUrl, url);
    const url = await createDatabase();
    const createSchema = () => createSchemaIn(url);
    const dropSchema = (schemaUrl: string) => dropSchemaIn(url, schemaUrl);
    return { url, createDatabase, dropDatabase, createSchema, dropSchema, stop: server.stop };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** The newest installed server's bin directory (/usr/lib/postgresql/<major>/bin). */
export function findPostgresBinaries(): string {
  const versions = existsSync(debianRoot)
    ? readdirSync(debianRoot)
        .filter((name) => /^\d+$/u.test(name) && existsSync(join(debianRoot, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      `No PostgreSQL server under ${debianRoot}: install the Debian package "postgresql" (npm test does it through scripts/ensure-environment.mjs) ` +
        'or set LANEWISE_TEST_POSTGRES_URL to a server where the role may CREATE DATABASE.',
    );
  }
  return join(debianRoot, newest, 'bin');
}

async function startPrivateCluster(): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  const bin = findPostgresBinaries();
  // initdb refuses to run as root: the cluster then belongs to the package's `postgres` user.
  const asRoot = process.getuid?.() === 0;
  const directory = mkdtempSync(join(tmpdir(), 'lanewise-pg-'));
  const dataDir = join(directory, 'data');
  const logFile = join(directory, 'server.log');
  if (asRoot) {
    const owner = postgresOsUser();
    chownSync(directory, owner.uid, owner.gid);
  }
  const run = (program: string, args: string[]): SpawnSyncReturns<string> => {
    const command = asRoot ? ['runuser', '-u', 'postgres', '--', join(bin, program), ...args] : [join(bin, program), ...args];
    return spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', cwd: directory, timeout: 60_000 });
  };
  const removeDirectory = () => rmSync(directory, { recursive: true, force: true });

  const initdb = run('initdb', ['-D', dataDir, '-U', superuser, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  if (initdb.status !== 0) {
    removeDirectory();
    throw new Error(`initdb failed (exit ${initdb.status ?? initdb.signal}): ${initdb.error?.message ?? ''}${initdb.stderr}`);
  }

  // A free port may be taken by another test file's cluster between asking and binding: try again.
  let lastFailure = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const options = [`-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${directory}`, '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=60'];
    const started = run('pg_ctl', ['start', '-w', '-t', '30', '-D', dataDir, '-l', logFile, '-o', options.join(' ')]);
    if (started.status === 0) {
      let stopped = false;
      const stopNow = () => {
        if (stopped) return;
        stopped = true;
        run('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
        removeDirectory();
      };
      // A test run that dies before `stop()` must not leave a server behind.
      process.once('exit', stopNow);
      return {
        adminUrl: `postgres://${superuser}@127.0.0.1:${port}/postgres`,
        stop: async () => {
          process.removeListener('exit', stopNow);
          stopNow();
        },
      };
    }
    lastFailure = `${started.stderr}${existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : ''}`;
    run('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
  }
  removeDirectory();
  throw new Error(`PostgreSQL did not start: ${lastFailure}`);
}

function postgresOsUser(): { uid: number; gid: number } {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) throw new Error('Running as root, the test PostgreSQL needs the "postgres" OS user of the Debian package "postgresql".');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function createDatabaseOn(adminUrl: string): Promise<string> {
  const name = `lanewise_test_${process.pid}_${Date.now().toString(36)}_${++databaseCounter}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // The template has nothing in it; a plain copy is the fastest way to an empty database.
    await client.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabaseOn(adminUrl: string, url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^lanewise_test_\w+$/u.test(name)) throw new Error(`${name} is not a test database`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function createSchemaIn(databaseUrl: string): Promise<string> {
  const name = `lanewise_test_${++schemaCounter}`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await client.query(`CREATE SCHEMA ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return url.toString();
}

async function dropSchemaIn(databaseUrl: string, schemaUrl: string): Promise<void> {
  const name = /search_path=(\w+)/u.exec(new URL(schemaUrl).searchParams.get('options') ?? '')?.[1];
  if (!name?.startsWith('lanewise_test_')) throw new Error(`${schemaUrl} names no test schema`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  } finally {
    await client.end();
  }
}
