import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Command, Option } from 'commander';
import { ensureDemoAssistants } from '../../main/assistants/demoAssistants';
import { CatalogStore } from '../../main/catalog/catalogStore';
import { showcase } from '../../main/catalog/demoCatalog';
import { ensureDemoCatalog } from '../../main/catalog/ensureDemoCatalog';
import { ensureLaneCatalog } from '../../main/demo/demoStoreServer';
import { storeProcess, type StoreProcess } from '../../main/demo/keptProcess';
import { createLogger } from '../../main/log/logger';
import { catalogEntitiesOf } from '../../main/store/catalogEntitiesOf';
import { openStoreBackend } from '../../main/store/openStoreBackend';
import type { StoreBackend } from '../../main/store/storeBackend';
import { seededRandom } from '../../shared/random';
import type { CatalogEntity, StoreItem } from '../../shared/store/catalogEntities';
import { startFaultProxy, type FaultProxy, type FaultProxyStats } from '../support/faultProxy';
import { startTestPostgres, type TestPostgres } from '../support/postgres';
import { LaneChild } from './laneChild';
import { thisMachine, type Machine } from '../../bench/machine';
import { checkPartitionRun, type LaneVerdict } from './partitionCheck';
import { freePort } from '../support/freePort';
import { positiveInteger, nonNegativeInteger } from './cliOptions';

/**
 * `npm run proof:partition`: the store-sync proof with real lane processes. N lanes, each its
 * own process (laneProcess.ts), sell by themselves through a fault proxy to a store server
 * process while the harness changes prices at the store, partitions the network, SIGKILLs
 * lanes at random moments and starts them again, and SIGKILLs the store server (which is
 * started again like a service). When every lane has sold its share the faults stop, every
 * lane must empty its outbox and reach the store's newest catalogue, the lanes stop, and the
 * checker (partitionCheck.ts) reads their journals: none lost, none duplicated, none altered,
 * no gaps, every lane on the store's prices, every file intact. SQLite and PostgreSQL.
 *
 * Prints one JSON document on stdout and a short summary (stderr with --json); exits 1 when
 * anything is wrong.
 */

export type BackendKind = 'sqlite' | 'postgres';

export interface PartitionProofOptions {
  /** Lane processes (default 4). */
  readonly lanes?: number;
  /** Sales in all, shared out between the lanes (default 10,000). */
  readonly sales?: number;
  readonly seed?: number;
  readonly backends?: readonly BackendKind[];
  /** Up to this long between two shopper actions at a lane (default 10 ms). */
  readonly pauseMs?: number;
  /** The mean wait between two faults (default 1,500 ms). */
  readonly faultEveryMs?: number;
  /** Faults that happen at least this often, whatever the dice say (default 2, 1, 1). */
  readonly minimum?: { readonly laneKills?: number; readonly storeKills?: number; readonly partitions?: number };
  /** Generated items in the catalogue besides the demo's showcase (default 40). */
  readonly catalogItems?: number;
  /** Selling must be over by then (default: a minute plus a quarter of a second a sale). */
  readonly sellTimeoutMs?: number;
  /** After the faults, every lane must have sent everything and have the newest catalogue by then (default 3 minutes). */
  readonly settleTimeoutMs?: number;
  /** Keep the work folder (journals, catalogues, logs) even when the run passes. */
  readonly keepFiles?: boolean;
  /** Progress lines while it runs. */
  readonly onProgress?: (line: string) => void;
}

export interface BackendRun {
  readonly backend: BackendKind;
  readonly passed: boolean;
  readonly lanes: number;
  readonly sales: number;
  readonly storeSales: number;
  readonly laneKills: number;
  readonly storeKills: number;
  readonly partitions: number;
  readonly priceChanges: number;
  readonly laneStarts: number;
  readonly storeStarts: number;
  readonly laneCrashes: readonly string[];
  /** Lane kills by the state the lane's journal had last committed (`starting`: killed before it had restored its state). */
  readonly laneKillsByState: Readonly<Record<string, number>>;
  /** Lane kills while the lane still had sales to send. */
  readonly laneKillsWithBacklog: number;
  readonly proxy: FaultProxyStats;
  readonly lost: number;
  readonly duplicated: number;
  readonly altered: number;
  readonly gaps: number;
  readonly doubleCharged: number;
  readonly catalogVersion: number;
  readonly seconds: number;
  readonly sellSeconds: number;
  readonly settleSeconds: number;
  readonly machine: Machine;
  readonly date: string;
  readonly perLane: readonly LaneVerdict[];
  readonly failures: readonly string[];
  /** Where the journals, catalogues and logs are (kept when the run failed or keepFiles is set). */
  readonly workDir?: string | undefined;
}

export interface PartitionProofReport {
  readonly date: string;
  readonly seed: number;
  readonly lanes: number;
  readonly sales: number;
  readonly machine: Machine;
  readonly passed: boolean;
  readonly backends: Partial<Record<BackendKind, BackendRun>>;
}

/** What a shopper scans: sold by the piece, no age check, so no assistant is ever needed. */
const sellable = [showcase.milk, showcase.bread, showcase.apples, showcase.chocolate, showcase.coffee];

type Fault = 'price' | 'laneKill' | 'priceThenLaneKill' | 'storeKill' | 'partition';
const faultWeights: readonly (readonly [Fault, number])[] = [
  ['price', 3],
  ['laneKill', 3],
  ['priceThenLaneKill', 1],
  ['storeKill', 1],
  ['partition', 2],
];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The state a killed lane's journal last committed, and how many closed sales it had not yet sent. */
function journalAtDeath(journalPath: string): { state: string; unsent: number } {
  try {
    const db = new Database(journalPath, { readonly: true, fileMustExist: true });
    try {
      const state = (db.prepare('SELECT state FROM lane_state WHERE id = 1').get() as { state: string } | undefined)?.state ?? 'idle';
      const unsent = (db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL').get() as { n: number }).n;
      return { state, unsent };
    } finally {
      db.close();
    }
  } catch (error) {
    return { state: `unreadable (${String(error)})`, unsent: 0 };
  }
}

/** Each lane's share of `sales`: as even as it goes, the first lanes one more. */
export function sharesOf(sales: number, lanes: number): number[] {
  return Array.from({ length: lanes }, (_, index) => Math.floor(sales / lanes) + (index < sales % lanes ? 1 : 0));
}

export async function runPartitionProof(options: PartitionProofOptions = {}): Promise<PartitionProofReport> {
  const laneCount = options.lanes ?? 4;
  const sales = options.sales ?? 10_000;
  const seed = options.seed ?? 20261208;
  if (!Number.isSafeInteger(laneCount) || laneCount < 1 || laneCount > 32) throw new Error('lanes: 1 to 32');
  if (!Number.isSafeInteger(sales) || sales < laneCount) throw new Error('sales: at least one per lane');
  const backends: Partial<Record<BackendKind, BackendRun>> = {};
  for (const backend of options.backends ?? ['sqlite', 'postgres']) backends[backend] = await runOnBackend(backend, { ...options, lanes: laneCount, sales, seed });
  return {
    date: new Date().toISOString(),
    seed,
    lanes: laneCount,
    sales,
    machine: thisMachine(),
    passed: Object.values(backends).every((run) => run.passed),
    backends,
  };
}

async function runOnBackend(kind: BackendKind, options: PartitionProofOptions & { lanes: number; sales: number; seed: number }): Promise<BackendRun> {
  const startedAt = Date.now();
  const date = new Date(startedAt).toISOString();
  const say = (line: string) => options.onProgress?.(`${kind}: ${line}`);
  const random = seededRandom(options.seed);
  const pauseMs = options.pauseMs ?? 10;
  const faultEveryMs = options.faultEveryMs ?? 1500;
  const minimum = { laneKills: 2, storeKills: 1, partitions: 1, ...options.minimum };
  const sellTimeoutMs = options.sellTimeoutMs ?? 60_000 + options.sales * 250;
  const settleTimeoutMs = options.settleTimeoutMs ?? 180_000;
  const workDir = mkdtempSync(join(tmpdir(), `lanewise-partition-${kind}-`));
  const log = createLogger({ file: join(workDir, 'proof.jsonl') });
  const failures: string[] = [];
  const counts = { laneKills: 0, storeKills: 0, partitions: 0, priceChanges: 0 };
  let postgres: TestPostgres | undefined;
  let backend: StoreBackend | undefined;
  let store: StoreProcess | undefined;
  let proxy: FaultProxy | undefined;
  const lanes: LaneChild[] = [];
  let sellSeconds = 0;
  let settleSeconds = 0;

  const killsByState: Record<string, number> = {};
  let killsWithBacklog = 0;
  const kill = async (lane: LaneChild) => {
    const wasReady = lane.ready;
    counts.laneKills++;
    await lane.kill();
    // Where it died, as its journal says (the process is gone, the file is as it left it).
    const atDeath = wasReady ? journalAtDeath(lane.config.journalPath) : { state: 'starting', unsent: 0 };
    killsByState[atDeath.state] = (killsByState[atDeath.state] ?? 0) + 1;
    if (atDeath.unsent > 0) killsWithBacklog++;
  };

  /** Starts a lane that is down (killed, or crashed by itself), trying again when a start fails. */
  const restarting = new Set<LaneChild>();
  const bringUp = async (lane: LaneChild, delayMs: number) => {
    if (restarting.has(lane)) return;
    restarting.add(lane);
    try {
      await sleep(delayMs);
      let failed = 0;
      while (!lane.running) {
        const killsBefore = lane.kills;
        try {
          await lane.start();
        } catch (error) {
          // Killed while starting is one of the faults; anything else is a failed start.
          if (lane.kills > killsBefore) continue;
          failed++;
          log.warn({ lane: lane.laneId, failed, error: String(error) }, 'lane start failed');
          // A start that timed out leaves a process behind: it goes before the next try.
          await lane.kill();
          if (failed >= 5) {
            failures.push(`${lane.laneId} could not be started: ${String(error)}`);
            return;
          }
        }
      }
    } finally {
      restarting.delete(lane);
    }
  };

  async function changePrices(): Promise<void> {
    const items = new Map((await backend!.liveEntities('item')).map((entity) => [entity.key, entity.value as StoreItem]));
    const count = 1 + Math.floor(random() * 3);
    const changes: CatalogEntity[] = [];
    for (let index = 0; index < count; index++) {
      const gtin = sellable[Math.floor(random() * sellable.length)]!.padStart(14, '0');
      const item = items.get(gtin);
      if (item) changes.push({ kind: 'item', key: gtin, value: { ...item, priceMinor: 50 + Math.floor(random() * 950) } });
    }
    await backend!.applyCatalogChanges(changes, { source: 'partition proof' });
    counts.priceChanges++;
  }

  /** One fault; false when it could not happen now (e.g. the store is already down), to be tried again. */
  async function inflict(fault: Fault): Promise<boolean> {
    // Lanes still starting (restoring their state, or syncing their catalogue for the first time) are fair game too.
    const alive = lanes.filter((lane) => lane.running);
    const pickLane = () => alive[Math.floor(random() * alive.length)]!;
    switch (fault) {
      case 'price':
        await changePrices();
        return true;
      case 'laneKill':
      case 'priceThenLaneKill': {
        if (alive.length === 0) return false;
        const lane = pickLane();
        if (fault === 'priceThenLaneKill') {
          // Killed about when it polls and applies the new prices.
          await changePrices();
          await sleep(Math.floor(random() * 400));
        } else await sleep(Math.floor(random() * 100));
        if (!lane.running) return false;
        await kill(lane);
        void bringUp(lane, Math.floor(random() * 1500));
        return true;
      }
      case 'storeKill':
        // Killed when up (a kill during its restart would hit nothing).
        if (!store!.ready) return false;
        store!.kill('SIGKILL');
        counts.storeKills++;
        return true;
      case 'partition':
        proxy!.partition();
        counts.partitions++;
        await sleep(300 + Math.floor(random() * 1700));
        proxy!.heal();
        return true;
    }
  }

  function pickFault(): Fault {
    const total = faultWeights.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = random() * total;
    for (const [fault, weight] of faultWeights) {
      roll -= weight;
      if (roll < 0) return fault;
    }
    return 'price';
  }

  const shares = sharesOf(options.sales, options.lanes);
  const progressLine = () => {
    const sold = lanes.reduce((sum, lane) => sum + (lane.progress?.sales ?? 0), 0);
    const backlog = lanes.reduce((sum, lane) => sum + (lane.progress?.backlog ?? 0), 0);
    return `${sold}/${options.sales} sales, backlog ${backlog}, lane kills ${counts.laneKills}, store kills ${counts.storeKills}, partitions ${counts.partitions}, price changes ${counts.priceChanges}`;
  };
  const ticker = setInterval(() => say(progressLine()), 5000);
  ticker.unref();

  try {
    // The store: the demo catalogue (with assistants) as its master, and a token per lane.
    const demoCatalog = join(workDir, 'demo-catalog.sqlite');
    ensureDemoCatalog(demoCatalog, options.catalogItems ?? 40);
    const catalog = CatalogStore.open(demoCatalog);
    let storeTarget: string[];
    try {
      await ensureDemoAssistants(catalog.db);
      if (kind === 'postgres') {
        postgres = await startTestPostgres();
        storeTarget = ['--database', postgres.url];
      } else storeTarget = ['--data-dir', join(workDir, 'store')];
      backend = await openStoreBackend(storeTarget[1]!);
      await backend.applyCatalogChanges([...catalogEntitiesOf(catalog)], { source: 'seed' });
    } finally {
      catalog.close();
    }
    const laneIds = Array.from({ length: options.lanes }, (_, index) => `X${String(index + 1).padStart(2, '0')}`);
    const tokens = new Map<string, string>();
    for (const laneId of laneIds) tokens.set(laneId, (await backend.lanes.add(laneId)).token);

    const port = await freePort();
    store = storeProcess([...storeTarget, '--host', '127.0.0.1', '--port', String(port)], log.child({ component: 'store' }));
    await store.start();
    proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: port, seed: options.seed, faults: { cut: 0.1, reset: 0.05, blackhole: 0.03 }, maxDelayMs: 20 });

    for (const [index, laneId] of laneIds.entries()) {
      const catalogPath = join(workDir, `${laneId}-catalog.sqlite`);
      await ensureLaneCatalog(demoCatalog, catalogPath);
      const config = {
        laneId,
        journalPath: join(workDir, `journal-${laneId}.sqlite`),
        catalogPath,
        storeUrl: `http://127.0.0.1:${proxy.port}`,
        laneToken: tokens.get(laneId)!,
        sales: shares[index]!,
        seed: (options.seed + index * 7919) >>> 0,
        gtins: sellable,
        pauseMs,
        logPath: join(workDir, `lane-${laneId}.jsonl`),
      };
      lanes.push(new LaneChild(config, join(workDir, `lane-${laneId}.json`), log.child({ lane: laneId })));
    }
    await Promise.all(lanes.map((lane) => bringUp(lane, 0)));
    say(`${options.lanes} lanes selling ${options.sales} sales (work folder ${workDir})`);

    // Selling, under faults: the required ones first in a shuffled order, then whatever the dice say.
    const sellStart = Date.now();
    const required: Fault[] = ['price'];
    for (let index = 0; index < minimum.laneKills; index++) required.push('laneKill');
    for (let index = 0; index < minimum.storeKills; index++) required.push('storeKill');
    for (let index = 0; index < minimum.partitions; index++) required.push('partition');
    for (let index = required.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [required[index], required[other]] = [required[other]!, required[index]!];
    }
    const allSold = () => lanes.every((lane) => lane.progress?.done === true);
    while (!allSold() || required.length > 0) {
      if (Date.now() - sellStart > sellTimeoutMs) {
        failures.push(`the lanes had not sold their shares after ${Math.round(sellTimeoutMs / 1000)} s: ${progressLine()}`);
        break;
      }
      // A lane that died by itself comes back too (its crash is counted and fails the run).
      for (const lane of lanes) if (!lane.running && !restarting.has(lane)) void bringUp(lane, 0);
      await sleep(Math.floor(faultEveryMs * (0.5 + random())));
      const fault = required[0] ?? pickFault();
      const done = await inflict(fault);
      if (done && required[0] === fault) required.shift();
    }
    sellSeconds = (Date.now() - sellStart) / 1000;

    // The faults stop: the network heals, everything comes up, one last price change, and every lane must catch up.
    const settleStart = Date.now();
    proxy.setFaults({}, 0);
    proxy.heal();
    await changePrices();
    await store.waitForReady(60_000);
    const version = await backend.catalogVersion();
    for (const lane of lanes) lane.settle();
    say(`faults stopped (${progressLine()}); waiting for every lane to send everything and reach catalogue version ${version}`);
    const settled = () =>
      lanes.every((lane) => {
        const progress = lane.progress;
        return progress !== undefined && progress.done && progress.backlog === 0 && progress.catalogVersion === version;
      });
    while (!settled()) {
      if (Date.now() - settleStart > settleTimeoutMs) {
        const behind = lanes.map((lane) => `${lane.laneId} ${JSON.stringify(lane.progress ?? 'down')}`).join('; ');
        failures.push(`the lanes had not settled after ${Math.round(settleTimeoutMs / 1000)} s (store version ${version}): ${behind}`);
        break;
      }
      for (const lane of lanes) if (!lane.running && !restarting.has(lane)) void bringUp(lane, 0);
      await sleep(200);
    }
    settleSeconds = (Date.now() - settleStart) / 1000;
    for (const [index, clean] of (await Promise.all(lanes.map((lane) => lane.stop()))).entries()) {
      if (!clean) failures.push(`${lanes[index]!.laneId} did not stop cleanly when asked`);
    }
    await store.stop();
    await proxy.close();
    proxy.heal();

    const check = await checkPartitionRun(
      lanes.map((lane) => ({ laneId: lane.laneId, journalPath: lane.config.journalPath, catalogPath: lane.config.catalogPath, share: lane.config.sales })),
      backend,
    );
    failures.push(...check.failures);
    const crashes = lanes.flatMap((lane) => lane.crashes);
    for (const crash of crashes) failures.push(`lane crash: ${crash}`);
    if (counts.laneKills < minimum.laneKills || counts.storeKills < minimum.storeKills || counts.partitions < minimum.partitions) {
      failures.push(`fewer faults than asked for: ${counts.laneKills} lane kills, ${counts.storeKills} store kills, ${counts.partitions} partitions`);
    }
    const passed = failures.length === 0;
    return {
      backend: kind,
      passed,
      lanes: options.lanes,
      sales: check.sales,
      storeSales: check.storeSales,
      ...counts,
      laneStarts: lanes.reduce((sum, lane) => sum + lane.starts, 0),
      storeStarts: store.starts,
      laneCrashes: crashes,
      laneKillsByState: killsByState,
      laneKillsWithBacklog: killsWithBacklog,
      proxy: { ...proxy.stats },
      lost: check.lost,
      duplicated: check.duplicated,
      altered: check.altered,
      gaps: check.gaps,
      doubleCharged: check.doubleCharged,
      catalogVersion: check.storeCatalogVersion,
      seconds: Math.round((Date.now() - startedAt) / 100) / 10,
      sellSeconds: Math.round(sellSeconds * 10) / 10,
      settleSeconds: Math.round(settleSeconds * 10) / 10,
      machine: thisMachine(),
      date,
      perLane: check.lanes,
      failures,
      workDir: passed && !options.keepFiles ? undefined : workDir,
    };
  } catch (error) {
    failures.push(`the run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return {
      backend: kind,
      passed: false,
      lanes: options.lanes,
      sales: 0,
      storeSales: 0,
      ...counts,
      laneStarts: lanes.reduce((sum, lane) => sum + lane.starts, 0),
      storeStarts: store?.starts ?? 0,
      laneCrashes: lanes.flatMap((lane) => lane.crashes),
      laneKillsByState: killsByState,
      laneKillsWithBacklog: killsWithBacklog,
      proxy: proxy ? { ...proxy.stats } : { connections: 0, passed: 0, cut: 0, reset: 0, blackholed: 0, refused: 0 },
      lost: -1,
      duplicated: -1,
      altered: -1,
      gaps: -1,
      doubleCharged: -1,
      catalogVersion: -1,
      seconds: Math.round((Date.now() - startedAt) / 100) / 10,
      sellSeconds,
      settleSeconds,
      machine: thisMachine(),
      date,
      perLane: [],
      failures,
      workDir,
    };
  } finally {
    clearInterval(ticker);
    // Whatever happened, nothing is left running.
    await Promise.all(lanes.map((lane) => lane.kill()));
    await store?.stop();
    await proxy?.close();
    await backend?.close();
    await postgres?.stop();
    log.flush();
    if (failures.length === 0 && !options.keepFiles) rmSync(workDir, { recursive: true, force: true });
  }
}

function summaryOf(report: PartitionProofReport): string {
  const lines = [`partition proof: ${report.lanes} lanes, ${report.sales} sales, seed ${report.seed} — ${report.passed ? 'PASSED' : 'FAILED'}`];
  for (const run of Object.values(report.backends)) {
    lines.push(
      `  ${run.backend.padEnd(8)} ${run.sales} sales (${run.storeSales} at the store) in ${run.seconds} s; ` +
        `${run.laneKills} lane kills, ${run.storeKills} store kills, ${run.partitions} partitions, ${run.priceChanges} price changes; ` +
        `proxy ${run.proxy.connections} connections (${run.proxy.cut} cut, ${run.proxy.reset} reset, ${run.proxy.blackholed} black-holed, ${run.proxy.refused} refused); ` +
        `lost ${run.lost}, duplicated ${run.duplicated}, altered ${run.altered}, gaps ${run.gaps}`,
    );
    for (const failure of run.failures) lines.push(`    ✗ ${failure}`);
    if (run.workDir) lines.push(`    files kept in ${run.workDir}`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const program = new Command('proof:partition')
    .description('the store-sync proof with real lane processes, SIGKILLs, a killed store server and network partitions')
    .option('--lanes <n>', 'lane processes', positiveInteger, 4)
    .option('--sales <n>', 'sales in all, shared out between the lanes', positiveInteger, 10_000)
    .option('--seed <n>', 'seed for every random choice', positiveInteger, Date.now() % 2 ** 31)
    .addOption(new Option('--backend <kind>', 'store backend').choices(['sqlite', 'postgres', 'both']).default('both'))
    .option('--pause-ms <ms>', 'up to this long between two shopper actions', nonNegativeInteger, 10)
    .option('--fault-every-ms <ms>', 'mean wait between two faults', positiveInteger, 1500)
    .option('--items <n>', 'generated catalogue items besides the showcase (over 50,000: each lane starts with a full catalogue sync)', positiveInteger, 40)
    .option('--keep', 'keep the work folders even when the run passes')
    .option('--json', 'the JSON document alone on stdout (the summary goes to stderr)')
    .parse();
  const flags = program.opts<{ lanes: number; sales: number; seed: number; backend: 'sqlite' | 'postgres' | 'both'; pauseMs: number; faultEveryMs: number; items: number; keep?: boolean; json?: boolean }>();
  const report = await runPartitionProof({
    lanes: flags.lanes,
    sales: flags.sales,
    seed: flags.seed,
    backends: flags.backend === 'both' ? ['sqlite', 'postgres'] : [flags.backend],
    pauseMs: flags.pauseMs,
    faultEveryMs: flags.faultEveryMs,
    catalogItems: flags.items,
    keepFiles: flags.keep,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  (flags.json ? process.stderr : process.stdout).write(summaryOf(report));
  if (!report.passed) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`proof:partition failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  });
}
