import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { createLogger } from '../log/logger';
import { isPostgresUrl, openStoreBackend, storeDatabaseFile } from '../store/openStoreBackend';
import type { LaneSequence, StoreBackend } from '../store/storeBackend';
import { startStoreServer } from '../store/storeServer';
import { defaultUpdatesDir } from '../store/updateFiles';
import { laneIdPattern } from '../supervisor/laneRegistry';

/** What `store add-lane` prints: the part of a lane's configuration file that connects it to the store server. */
export interface LaneStoreSnippet {
  readonly store: { readonly url: string; readonly laneToken: string };
}

export const defaultStorePort = 8200;

interface TargetOptions {
  readonly dataDir?: string;
  readonly database?: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new Error(`--port: ${value} is not a port number (0 to 65535)`);
  return port;
}

/** The store server's address as a lane's configuration takes it: http(s)://host:port, with no trailing slash. */
function checkStoreUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--url: ${value} is not a URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new Error(`--url: ${value} is not http(s)://host:port`);
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/u, '')}`;
}

/** Catalogue images are a cache: next to a SQLite store's database, or per database under the temp folder. */
function imageDirOf(target: string, imageDir: string | undefined): string {
  if (imageDir !== undefined) return resolve(imageDir);
  if (!isPostgresUrl(target)) return join(target, 'images');
  return join(tmpdir(), 'lanewise-catalog-images', createHash('sha256').update(target).digest('hex').slice(0, 16));
}

/** `--data-dir` or `--database`, exactly one: the store's SQLite folder or a chain's PostgreSQL URL. */
function storeTarget(options: TargetOptions): string {
  if (Boolean(options.dataDir) === Boolean(options.database)) throw new Error('give the store’s --data-dir <dir> or its --database <postgres url> (one of them)');
  if (options.database !== undefined) {
    if (!isPostgresUrl(options.database)) throw new Error('--database: give a postgres:// or postgresql:// URL (a SQLite store is a --data-dir)');
    return options.database;
  }
  return resolve(options.dataDir!);
}

/**
 * Opens the store for one command. Only `serve` and `add-lane` may create a SQLite store: a typo
 * in a folder name elsewhere should say so, not answer from a new empty store.
 */
async function withStore<T>(options: TargetOptions, create: boolean, use: (backend: StoreBackend) => Promise<T>): Promise<T> {
  const target = storeTarget(options);
  if (!create && !isPostgresUrl(target) && !existsSync(storeDatabaseFile(target))) throw new Error(`no store database at ${storeDatabaseFile(target)}`);
  const backend = await openStoreBackend(target);
  try {
    return await use(backend);
  } finally {
    await backend.close();
  }
}

const isoOrNever = (at: number | null) => (at === null ? 'never' : new Date(at).toISOString());

function sequenceLine(sequence: LaneSequence): string {
  const gaps = sequence.missing.length === 0 ? 'no gaps' : `missing ${sequence.missing.join(', ')}${sequence.missing.length >= 1_000 ? ' …' : ''}`;
  return `${sequence.laneId.padEnd(16)}  epoch ${sequence.epoch}  ${sequence.count} sales up to no. ${sequence.highest}  ${gaps}`;
}

/**
 * `lanewise store serve` and store IT's tools for the store server: its lanes and their tokens,
 * the sales received, the catalogue version. Added to the existing `lanewise store` group.
 * Exit status: 0 done, 1 a "no" answer (no such lane, gaps in the sales), 2 could not run.
 */
export function registerStoreServerCommands(store: Command, setExitCode: (code: number) => void): void {
  const targetOptions = (command: Command) =>
    command
      .addOption(new Option('--data-dir <dir>', 'the store server’s data folder (its store.sqlite)').conflicts('database'))
      .addOption(new Option('--database <url>', 'a chain’s PostgreSQL database instead (postgres://…)').conflicts('dataDir'));

  targetOptions(store.command('serve').description('run the store server lanes sync their catalogue with and send their sales to; until SIGINT/SIGTERM'))
    .option('--host <address>', 'address to listen on (0.0.0.0: the whole store network; use TLS then)', '127.0.0.1')
    .option('--port <port>', 'port (0: any free port)', parsePort, defaultStorePort)
    .option('--tls-cert <file>', 'the store’s certificate (PEM): serve HTTPS')
    .option('--tls-key <file>', 'its private key (PEM)')
    .option('--updates-dir <dir>', 'the update feed lanes read at /updates/<channel>/ (default: <data-dir>/updates; none for PostgreSQL unless given)')
    .option('--image-dir <dir>', 'where catalogue images for lanes’ full syncs are built (default: <data-dir>/images, or a folder under the system’s temp folder for PostgreSQL)')
    .option('--ready-json', 'print one JSON line {"event":"ready",…} on stdout when ready (for supervisors)')
    .action(async (options: TargetOptions & { host: string; port: number; tlsCert?: string; tlsKey?: string; imageDir?: string; updatesDir?: string; readyJson?: boolean }) => {
      if (Boolean(options.tlsCert) !== Boolean(options.tlsKey)) throw new Error('--tls-cert and --tls-key go together');
      const target = storeTarget(options);
      const tls = options.tlsCert && options.tlsKey ? { cert: readFileSync(resolve(options.tlsCert)), key: readFileSync(resolve(options.tlsKey)) } : undefined;
      // A SQLite store logs into its folder; a PostgreSQL one has no folder, so to standard error.
      const log = createLogger({ file: isPostgresUrl(target) ? undefined : join(target, 'logs', 'store.jsonl'), bindings: { component: 'store' } });
      const backend = await openStoreBackend(target);
      let server;
      try {
        server = await startStoreServer({ backend, host: options.host, port: options.port, tls,
          log,
          imageDir: imageDirOf(target, options.imageDir),
          updatesDir: options.updatesDir !== undefined ? resolve(options.updatesDir) : isPostgresUrl(target) ? undefined : defaultUpdatesDir(target),
        });
      } catch (error) {
        await backend.close();
        throw error;
      }
      // A bug must not leave a half-working server: log it and exit for a clean restart (lanes keep their sales meanwhile).
      process.on('uncaughtException', (error) => {
        log.error({ error: String(error), stack: error.stack }, 'uncaught exception; exiting for a clean restart');
        log.flush();
        process.exit(70);
      });
      process.on('unhandledRejection', (reason) => log.error({ error: String(reason) }, 'unhandled promise rejection'));
      if (options.readyJson) process.stdout.write(`${JSON.stringify({ event: 'ready', url: server.url, backend: backend.kind, pid: process.pid })}\n`);
      else process.stdout.write(`Store server: ${server.url} (${backend.kind})\n`);
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
      await server.close();
      await backend.close();
      log.info({}, 'store server stopped');
      log.flush();
      setExitCode(0);
    });

  targetOptions(
    store
      .command('add-lane')
      .description('provision a lane: prints the "store" part of its configuration, with its new token')
      .argument('<laneId>', 'the lane’s id, as in its configuration (letters, digits, - or _, at most 16)'),
  )
    .option('--url <storeUrl>', 'where the lane finds the store server', `http://127.0.0.1:${defaultStorePort}`)
    .option('--rotate', 'the lane exists: give it a new token (the old one stops working)')
    .action(async (laneId: string, options: TargetOptions & { url: string; rotate?: boolean }) => {
      const url = checkStoreUrl(options.url);
      if (!laneIdPattern.test(laneId)) throw new Error(`${laneId} is not a lane id (letters, digits, - or _, at most 16)`);
      const token = await withStore(options, true, async (backend) => {
        if (!options.rotate && (await backend.lanes.list()).some((lane) => lane.laneId === laneId)) return undefined;
        return (await backend.lanes.add(laneId, { rotate: options.rotate })).token;
      });
      if (token === undefined) {
        process.stderr.write(`lanewise: lane ${laneId} already exists; --rotate gives it a new token\n`);
        setExitCode(1);
        return;
      }
      const snippet: LaneStoreSnippet = { store: { url, laneToken: token } };
      process.stdout.write(`${JSON.stringify(snippet)}\n`);
      process.stderr.write(`Keep this token secret: anyone who has it can fetch the catalogue and send sales as lane ${laneId}. Put it only in that lane's configuration file.\n`);
      setExitCode(0);
    });

  targetOptions(store.command('lanes').description('the provisioned lanes (no tokens); exit status 1 when there are none'))
    .option('--json', 'print a JSON array')
    .action(async (options: TargetOptions & { json?: boolean }) => {
      const lanes = await withStore(options, false, (backend) => backend.lanes.list());
      if (options.json) process.stdout.write(`${JSON.stringify(lanes)}\n`);
      else if (lanes.length === 0) process.stdout.write('no lanes\n');
      else
        for (const lane of lanes) {
          process.stdout.write(`${lane.laneId.padEnd(16)}  ${lane.disabled ? 'disabled' : 'enabled '}  added ${isoOrNever(lane.addedAt)}  last seen ${isoOrNever(lane.lastSeenAt)}\n`);
        }
      setExitCode(lanes.length > 0 ? 0 : 1);
    });

  for (const [name, description, change] of [
    ['remove-lane', 'forget a lane and its token (its sales stay)', (backend: StoreBackend, laneId: string) => backend.lanes.remove(laneId)],
    ['disable-lane', 'refuse a lane’s requests until enabled again', (backend: StoreBackend, laneId: string) => backend.lanes.setDisabled(laneId, true)],
    ['enable-lane', 'let a disabled lane in again', (backend: StoreBackend, laneId: string) => backend.lanes.setDisabled(laneId, false)],
  ] as const) {
    targetOptions(store.command(name).description(`${description}; exit status 1 when there is no such lane`).argument('<laneId>')).action(async (laneId: string, options: TargetOptions) => {
      const found = await withStore(options, false, (backend) => change(backend, laneId));
      process.stdout.write(found ? `lane ${laneId}: ${name.replace('-lane', 'd')}\n` : `no lane ${laneId}\n`);
      setExitCode(found ? 0 : 1);
    });
  }

  const sales = store.command('sales').description('the sales lanes have sent to the store server');
  targetOptions(sales.command('gaps').description('per lane and journal epoch: the sale numbers received and the ones missing; exit status 1 when any are missing'))
    .option('--lane <laneId>', 'only this lane')
    .option('--json', 'print a JSON array')
    .action(async (options: TargetOptions & { lane?: string; json?: boolean }) => {
      const sequences = await withStore(options, false, (backend) => backend.laneSequences(options.lane));
      if (options.json) process.stdout.write(`${JSON.stringify(sequences)}\n`);
      else if (sequences.length === 0) process.stdout.write(options.lane ? `no sales from lane ${options.lane}\n` : 'no sales\n');
      else process.stdout.write(`${sequences.map(sequenceLine).join('\n')}\n`);
      setExitCode(sequences.some((sequence) => sequence.missing.length > 0) ? 1 : 0);
    });

  targetOptions(store.command('catalog-version').description('the store catalogue’s current version (0: empty)')).action(async (options: TargetOptions) => {
    const version = await withStore(options, false, (backend) => backend.catalogVersion());
    process.stdout.write(`${version}\n`);
    setExitCode(0);
  });
}
