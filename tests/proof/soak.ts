import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Command, InvalidArgumentError } from 'commander';
import { demoAssistants, ensureDemoAssistants } from '../../main/assistants/demoAssistants';
import { CatalogStore } from '../../main/catalog/catalogStore';
import { showcase } from '../../main/catalog/demoCatalog';
import { ensureDemoCatalog } from '../../main/catalog/ensureDemoCatalog';
import { provisionLanes } from '../../main/demo/demoStore';
import { ensureLaneCatalog } from '../../main/demo/demoStoreServer';
import { hubProcess, storeProcess, type HubProcess, type StoreProcess } from '../../main/demo/keptProcess';
import { createLogger } from '../../main/log/logger';
import { catalogEntitiesOf } from '../../main/store/catalogEntitiesOf';
import { openStoreBackend, storeDatabaseFile } from '../../main/store/openStoreBackend';
import { hubDatabasePath } from '../../main/supervisor/hubDatabase';
import type { Logger } from '../../shared/log';
import { summarize, type Summary } from '../../bench/stats';
import { freePort } from '../support/freePort';
import { LaneChild } from './laneChild';
import type { ProofLaneConfig } from './laneProtocol';
import { checkPartitionRun } from './partitionCheck';
import { sharesOf } from './partition';
import { renderMemorySvg } from './soakPlot';
import { machineLine, thisMachine, type Machine } from '../../bench/machine';
import { installProbe, ProbeReader, setProbePhase } from './soakProbe';
import type { FromStation, LoopDelay, ProbeLine, ProbeSample, SoakStationConfig, StationCounts, ToStation } from './soakProtocol';
import { downsample, growthOf, lastAt, mebibytes, round, salesAt, type Growth, type SalesMark, type SeriesPoint } from './soakSeries';
import { positiveInteger, nonNegativeInteger } from './cliOptions';

/**
 * `npm run soak`: four lanes, the supervisor hub, the store server and a signed-in station for
 * 10,000 sales, each in its own process, as in a store. The lanes (laneProcess.ts) sell by
 * themselves — 1 to 6 items, pay by card, finish, a few milliseconds between steps — linked to
 * the store (sales out, catalogue in) and to the hub (status after every change, sales, audit);
 * now and then a basket holds an age-restricted item, which waits at Pay for the station's
 * approval, or the shopper calls for help and waits for the station's message. The station
 * client (soakStation.ts) takes every tile and queue change and answers those interventions.
 *
 * A probe (soakProbe.ts) inside every process samples, each second, its resident memory, heap,
 * CPU and event-loop delay (perf_hooks.monitorEventLoopDelay); the harness samples the database
 * files. The first 20 % of sales are the warm-up; memory growth compares the mean of the first
 * and the last tenth of the samples after it. Targets: resident memory growth ≤ 10 % after the
 * warm-up, no event-loop delay above 100 ms after it (lanes, hub, store server; the warm-up's and
 * the start's delays are reported beside; the station client stands in for a browser and is
 * reported, not judged). At the end every sale must be at
 * the store (the partition proof's checker) and in the hub's database.
 *
 * What grows and is not a leak: each SQLite connection keeps up to its cache_size of pages in
 * memory, so a process's native memory rises with its database until the file passes that size,
 * then stays flat (better-sqlite3's default is 16 MiB; the lane's journal and the store server
 * keep 4 MiB, full after a few hundred sales). V8 reserves more or less heap around the same live
 * objects. The report gives V8's reserved heap and external memory beside the anonymous resident
 * memory so the rest (native) can be told apart.
 *
 * `--json`: one JSON document on stdout (figures and the time series); the summary goes to stderr.
 * `--svg <file>`: resident memory against sales closed, a line per process. Exits 1 when a
 * target is missed or anything is lost.
 */

export interface SoakOptions {
  /** Lane processes (default 4). */
  readonly lanes?: number;
  /** Sales in all, shared out between the lanes (default 10,000). */
  readonly sales?: number;
  /** The first part of the sales that is left out of the growth figures (default 0.2). */
  readonly warmupFraction?: number;
  readonly seed?: number;
  /**
   * Up to this long between two shopper steps (default 40 ms: about 23 sales a second over four
   * lanes, some 200 times a busy store's rate, with the seven processes still fitting in two
   * cores; 10 ms saturates two cores, and a delay then measures waiting for a CPU).
   */
  readonly pauseMs?: number;
  /** Items in a basket: 1 to this many (default 6). */
  readonly maxItems?: number;
  /** About one sale in this many needs the station's age check (default 40; 0: none). */
  readonly ageCheckEvery?: number;
  /** About one sale in this many the shopper calls for help (default 80; 0: none). */
  readonly helpEvery?: number;
  /** Sampling period (default 1,000 ms). */
  readonly sampleEveryMs?: number;
  /** The event-loop monitor's timer period (default 5 ms). */
  readonly eldResolutionMs?: number;
  /** A heap snapshot of every process when the warm-up ends and when selling ends (they pause each process; for finding a leak). */
  readonly heapSnapshots?: boolean;
  /** Selling must be over by then (default two minutes plus half a second a sale). */
  readonly sellTimeoutMs?: number;
  /** Generated catalogue items besides the demo's showcase (default 40). */
  readonly catalogItems?: number;
  /** Keep the work folder (databases, logs, probe files) even when the run passes. */
  readonly keepFiles?: boolean;
  readonly onProgress?: (line: string) => void;
}

export type ProcessRole = 'lane' | 'hub' | 'store' | 'station';

export interface ProcessSummary {
  readonly name: string;
  readonly role: ProcessRole;
  readonly pid: number;
  /** Held to the targets (the station client stands in for a browser: reported only). */
  readonly targeted: boolean;
  /** Samples while selling. */
  readonly samples: number;
  readonly rssMiB: {
    /** At the first and last sample while selling. */
    readonly first: number;
    readonly last: number;
    readonly max: number;
    /** Means over the first and last tenth of the samples after the warm-up. */
    readonly start: number | null;
    readonly end: number | null;
    readonly growthPercent: number | null;
  };
  readonly heapUsedMiB: { readonly start: number | null; readonly end: number | null; readonly max: number; readonly growthPercent: number | null };
  /** V8's heap as reserved (used or free), and memory held outside it for JavaScript objects (Buffers): the rest of `rssAnonMiB` is native (SQLite, the allocator, threads). */
  readonly heapTotalMiB: { readonly start: number | null; readonly end: number | null };
  readonly externalMiB: { readonly start: number | null; readonly end: number | null };
  /** Of `heapTotalMiB`, V8's young generation: the share that V8 sizes up as the process runs. */
  readonly newSpaceMiB: { readonly start: number | null; readonly end: number | null } | null;
  /**
   * Linux: the resident memory's anonymous part (V8's heap and native allocations: what a leak
   * grows) and file-backed part (code and mapped files), as `rssMiB`; the threads at the end.
   */
  readonly rssAnonMiB: { readonly start: number | null; readonly end: number | null; readonly growthPercent: number | null } | null;
  readonly rssFileMiB: { readonly start: number | null; readonly end: number | null } | null;
  readonly threads: number | null;
  /** Linux: the share of the time after the warm-up the event-loop thread spent waiting for a CPU (the machine busy with others). */
  readonly runQueueShare: number | null;
  readonly eld: {
    /** The highest delay and the p99 after the warm-up (what the target judges), ms. */
    readonly maxMs: number | null;
    readonly p99Ms: number | null;
    /** The same during the warm-up (the first sales: code compiled, caches filled), reported. */
    readonly warmupMaxMs: number | null;
    readonly warmupP99Ms: number | null;
    /** Before selling began (loading modules, opening databases, connecting), reported. */
    readonly startupMaxMs: number | null;
    /** Sampling intervals after the warm-up with a delay above 100 ms, and how many of them the thread spent at least half as long waiting for a CPU. */
    readonly intervalsOver100Ms: number;
    readonly intervalsOver100MsWaitingForCpu: number;
    /** The worst intervals after the warm-up, with what the process and the machine were doing then. */
    readonly worst: readonly { readonly t: number; readonly sales: number; readonly maxMs: number; readonly runQueueMs: number | null; readonly elu: number; readonly cpu: number }[];
    /** Timer runs behind the figures after the warm-up. */
    readonly measurements: number;
  };
  /** Mean CPU while selling (1 = one core). */
  readonly cpuMean: number;
  readonly db: {
    readonly files: readonly string[];
    /** The database files (without their WAL) when selling began, when the warm-up ended and when it ended. */
    readonly startBytes: number;
    readonly warmupEndBytes: number;
    readonly endBytes: number;
    /** Their WAL files when selling ended (bounded: reused after each checkpoint). */
    readonly walEndBytes: number;
    /** Database and WAL files after every process had stopped. */
    readonly finalBytes: number;
    /** Growth of the database files per sale (a lane's own sales; every sale for the hub and the store), over all of selling and after the warm-up. */
    readonly bytesPerSale: number | null;
    readonly bytesPerSaleAfterWarmup: number | null;
  } | null;
}

/** The station's counts as the report gives them: the answer times summarised. */
export type StationSummary = Omit<StationCounts, 'connected' | 'signedIn' | 'answerMs'> & {
  /** From the intervention being queued at the hub to the lane's `done`. */
  readonly answerMs: Summary;
};

export interface SoakReport {
  readonly passed: boolean;
  readonly date: string;
  readonly seconds: number;
  readonly sellSeconds: number;
  readonly salesPerSecond: number;
  readonly seed: number;
  readonly lanes: number;
  /** Sales the lanes closed (their journals). */
  readonly sales: number;
  readonly warmupFraction: number;
  readonly warmupSales: number;
  readonly machine: Machine;
  readonly settings: { readonly pauseMs: number; readonly maxItems: number; readonly ageCheckEvery: number; readonly helpEvery: number; readonly sampleEveryMs: number; readonly eldResolutionMs: number };
  readonly targets: { readonly rssGrowthPercent: number; readonly eldMaxMs: number };
  /** Targets missed, in words. */
  readonly targetMisses: readonly string[];
  /** Anything lost, crashed or wrong, in words. */
  readonly failures: readonly string[];
  readonly store: { readonly sales: number; readonly lost: number; readonly duplicated: number; readonly altered: number; readonly gaps: number; readonly integrity: readonly string[] };
  readonly hub: { readonly sales: number; readonly interventions: number; readonly auditEntries: number; readonly starts: number };
  readonly station: StationSummary;
  readonly processes: readonly ProcessSummary[];
  /** Per process, at most 300 points each, for a plot. */
  readonly series: Readonly<Record<string, readonly SeriesPoint[]>>;
  readonly heapSnapshots?: readonly string[];
  readonly workDir?: string | undefined;
}

export const soakTargets = { rssGrowthPercent: 10, eldMaxMs: 100 } as const;

/** What a shopper scans besides the age-restricted item: sold by the piece. */
const sellable = [showcase.milk, showcase.bread, showcase.apples, showcase.chocolate, showcase.coffee];

const stationEntry = fileURLToPath(new URL('./soakStation.ts', import.meta.url));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface DatabaseBytes {
  readonly at: number;
  /** The database files themselves. */
  readonly main: number;
  /** Their write-ahead logs (bounded: each is reused after a checkpoint, never grows for good). */
  readonly wal: number;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    // not there (yet): no bytes
    return 0;
  }
}

function bytesOf(files: readonly string[], at = Date.now()): DatabaseBytes {
  return { at, main: files.reduce((sum, file) => sum + sizeOf(file), 0), wal: files.reduce((sum, file) => sum + sizeOf(`${file}-wal`), 0) };
}

/** One process the probes told about. */
interface Watched {
  readonly name: string;
  readonly role: ProcessRole;
  readonly pid: number;
  readonly samples: ProbeSample[];
  readonly phases: Map<string, LoopDelay | null>;
  readonly dbFiles: readonly string[];
  readonly dbMarks: DatabaseBytes[];
}

/** The station client in its own process, and what it has reported. */
class StationChild {
  readonly #child: ChildProcess;
  readonly #log: Logger;
  counts: StationCounts | undefined;
  readonly answerMs: number[] = [];
  readonly errors: string[] = [];
  failure: string | undefined;
  #exited = false;

  constructor(config: SoakStationConfig, log: Logger) {
    this.#log = log;
    this.#child = fork(stationEntry, [JSON.stringify(config)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    for (const stream of [this.#child.stdout, this.#child.stderr]) if (stream) createInterface({ input: stream }).on('line', (line) => this.#log.warn({ output: line }, 'station client output'));
    this.#child.on('message', (message: FromStation) => {
      if (message.kind === 'counts') {
        this.counts = message.counts;
        this.answerMs.push(...message.counts.answerMs);
        // The first few say what went wrong; thousands would say nothing more.
        for (const error of message.counts.errors) if (this.errors.length < 20) this.errors.push(error);
      } else if (message.kind === 'failed') this.failure = message.error;
    });
    this.#child.on('exit', (code, signal) => {
      this.#exited = true;
      if (code !== 0) this.failure ??= `the station client exited (code ${code}, signal ${signal})`;
    });
  }

  ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the station client was not signed in within ${timeoutMs} ms`)), timeoutMs);
      this.#child.on('message', (message: FromStation) => {
        if (message.kind !== 'ready') return;
        clearTimeout(timer);
        resolve();
      });
      this.#child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(this.failure ?? 'the station client exited before it was ready'));
      });
    });
  }

  askForCounts(): void {
    this.#send({ kind: 'report' });
  }

  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#send({ kind: 'stop' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.#exited) this.#child.kill('SIGKILL');
  }

  #send(message: ToStation): void {
    if (this.#child.connected) this.#child.send(message, (error) => error && this.#log.warn({ error: String(error) }, 'message to the station client lost'));
  }
}

const probeEnvKeys = ['LANEWISE_SOAK_PROBE_DIR', 'LANEWISE_SOAK_PROBE_MS', 'LANEWISE_SOAK_ELD_RESOLUTION_MS', 'NODE_OPTIONS'] as const;

export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
  const laneCount = options.lanes ?? 4;
  const sales = options.sales ?? 10_000;
  const warmupFraction = options.warmupFraction ?? 0.2;
  const seed = options.seed ?? 20261208;
  const settings = {
    pauseMs: options.pauseMs ?? 40,
    maxItems: options.maxItems ?? 6,
    ageCheckEvery: options.ageCheckEvery ?? 40,
    helpEvery: options.helpEvery ?? 80,
    sampleEveryMs: options.sampleEveryMs ?? 1000,
    eldResolutionMs: options.eldResolutionMs ?? 5,
  };
  if (!Number.isSafeInteger(laneCount) || laneCount < 1 || laneCount > 32) throw new Error('lanes: 1 to 32');
  if (!Number.isSafeInteger(sales) || sales < laneCount) throw new Error('sales: at least one per lane');
  if (!(warmupFraction >= 0 && warmupFraction < 1)) throw new Error('warm-up fraction: 0 or more, below 1');
  const sellTimeoutMs = options.sellTimeoutMs ?? 120_000 + sales * 500;
  const say = (line: string) => options.onProgress?.(line);

  const startedAt = Date.now();
  const date = new Date(startedAt).toISOString();
  const workDir = mkdtempSync(join(tmpdir(), 'lanewise-soak-'));
  const probeDir = join(workDir, 'probe');
  mkdirSync(probeDir);
  const log = createLogger({ file: join(workDir, 'soak.jsonl') });
  const failures: string[] = [];
  const laneIds = Array.from({ length: laneCount }, (_, index) => `X${String(index + 1).padStart(2, '0')}`);
  const lanes: LaneChild[] = [];
  let store: StoreProcess | undefined;
  let hub: HubProcess | undefined;
  let station: StationChild | undefined;
  const storeDir = join(workDir, 'store');
  const hubDir = join(workDir, 'hub');

  // Every process started from here on loads the probe (fork and spawn pass this environment on).
  const savedEnv = Object.fromEntries(probeEnvKeys.map((key) => [key, process.env[key]]));
  Object.assign(process.env, installProbe(probeDir, { everyMs: settings.sampleEveryMs, resolutionMs: settings.eldResolutionMs }));
  const restoreEnv = () => {
    for (const key of probeEnvKeys) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
  };

  const watched = new Map<number, Watched>();
  const reader = new ProbeReader(probeDir);
  const laneByConfig = new Map<string, ProofLaneConfig>();
  const marks: SalesMark[] = [];
  /** Each lane's own sales over time: its database grows with those. */
  const laneMarks = new Map<string, SalesMark[]>(laneIds.map((laneId) => [laneId, []]));
  const heapSnapshots: string[] = [];

  const dbFilesOf = (role: ProcessRole, name: string): string[] => {
    if (role === 'lane') {
      const config = lanes.find((lane) => lane.laneId === name)?.config;
      return config ? [config.journalPath, config.catalogPath] : [];
    }
    if (role === 'hub') return [hubDatabasePath(hubDir)];
    if (role === 'store') return [storeDatabaseFile(storeDir)];
    return [];
  };
  const identify = (argv: readonly string[]): { name: string; role: ProcessRole } | undefined => {
    const configAt = argv.indexOf('--config');
    const laneConfig = configAt >= 0 ? laneByConfig.get(argv[configAt + 1] ?? '') : undefined;
    if (laneConfig) return { name: laneConfig.laneId, role: 'lane' };
    if (argv[1] === stationEntry) return { name: 'station', role: 'station' };
    const command = argv.slice(2, 4).join(' ');
    if (command === 'supervisor run') return { name: 'hub', role: 'hub' };
    if (command === 'store serve') return { name: 'store', role: 'store' };
    return undefined;
  };
  const collect = () => {
    for (const [pid, lines] of reader.read()) {
      for (const line of lines as ProbeLine[]) {
        if (line.kind === 'hello') {
          const who = identify(line.argv);
          if (!who) continue;
          const again = [...watched.values()].some((other) => other.name === who.name);
          if (again) failures.push(`${who.name} started again (pid ${pid}): it crashed or was restarted during the run`);
          watched.set(pid, { ...who, name: again ? `${who.name}#${pid}` : who.name, pid, samples: [], phases: new Map(), dbFiles: dbFilesOf(who.role, who.name), dbMarks: [] });
          continue;
        }
        const known = watched.get(pid);
        if (!known) continue;
        if (line.kind === 'sample') known.samples.push(line);
        else if (line.kind === 'phase') known.phases.set(line.phase, line.eld);
        else if (line.kind === 'heapSnapshot') heapSnapshots.push(`${known.name}: ${line.file} (${line.ms} ms)`);
      }
    }
  };
  const measureDatabases = (at: number) => {
    for (const known of watched.values()) if (known.dbFiles.length > 0) known.dbMarks.push(bytesOf(known.dbFiles, at));
  };
  const closedSales = () => lanes.reduce((sum, lane) => sum + (lastSales.get(lane.laneId) ?? 0), 0);
  const lastSales = new Map<string, number>();
  const noteSales = () => {
    const at = Date.now();
    for (const lane of lanes) {
      const progress = lane.progress;
      if (!progress) continue;
      lastSales.set(lane.laneId, progress.sales);
      const own = laneMarks.get(lane.laneId)!;
      if (own.at(-1)?.sales !== progress.sales) own.push({ at, sales: progress.sales });
    }
    const sold = closedSales();
    if (marks.at(-1)?.sales !== sold) marks.push({ at, sales: sold });
    return sold;
  };

  let sellStart = 0;
  let measuredAt = 0;
  let doneAt = 0;
  const warmupSales = Math.ceil(sales * warmupFraction);
  let storeCheck: SoakReport['store'] = { sales: 0, lost: -1, duplicated: -1, altered: -1, gaps: -1, integrity: [] };
  let hubFacts: SoakReport['hub'] = { sales: 0, interventions: 0, auditEntries: 0, starts: 0 };

  try {
    // The store: the demo catalogue (with its assistants) as its master, a token per lane.
    const demoCatalog = join(workDir, 'demo-catalog.sqlite');
    ensureDemoCatalog(demoCatalog, options.catalogItems ?? 40);
    const catalog = CatalogStore.open(demoCatalog);
    const tokens = new Map<string, string>();
    try {
      await ensureDemoAssistants(catalog.db);
      const backend = await openStoreBackend(storeDir);
      try {
        await backend.applyCatalogChanges([...catalogEntitiesOf(catalog)], { source: 'seed' });
        for (const laneId of laneIds) tokens.set(laneId, (await backend.lanes.add(laneId)).token);
      } finally {
        await backend.close();
      }
    } finally {
      catalog.close();
    }
    // The hub: every lane provisioned with its secret, as `lanewise supervisor add-lane` does. Its page is not needed (the station client speaks the bridge).
    const secrets = provisionLanes(hubDir, laneIds);
    const pageDir = join(workDir, 'station-page');
    mkdirSync(pageDir);
    writeFileSync(join(pageDir, 'index.html'), '<!doctype html><title>station</title>\n');

    const storePort = await freePort();
    store = storeProcess(['--data-dir', storeDir, '--host', '127.0.0.1', '--port', String(storePort)], log.child({ component: 'store' }));
    hub = hubProcess(['--data-dir', hubDir, '--catalog', demoCatalog, '--host', '127.0.0.1', '--port', '0', '--static-dir', pageDir], log.child({ component: 'supervisor' }));
    const [storeReady, hubReady] = await Promise.all([store.start(), hub.start()]);
    const supervisor = demoAssistants.find((assistant) => assistant.role === 'supervisor')!;
    station = new StationChild({ stationUrl: hubReady.url, assistantId: supervisor.id, pin: supervisor.pin }, log.child({ component: 'station' }));
    await station.ready(60_000);

    const shares = sharesOf(sales, laneCount);
    for (const [index, laneId] of laneIds.entries()) {
      const catalogPath = join(workDir, `${laneId}-catalog.sqlite`);
      await ensureLaneCatalog(demoCatalog, catalogPath);
      const config: ProofLaneConfig = {
        laneId,
        journalPath: join(workDir, `journal-${laneId}.sqlite`),
        catalogPath,
        storeUrl: storeReady.url,
        laneToken: tokens.get(laneId)!,
        sales: shares[index]!,
        seed: (seed + index * 7919) >>> 0,
        gtins: sellable,
        pauseMs: settings.pauseMs,
        logPath: join(workDir, `lane-${laneId}.jsonl`),
        supervisor: { url: hubReady.laneUrl, laneSecret: secrets.get(laneId)! },
        maxItems: settings.maxItems,
        ...(settings.ageCheckEvery > 0 && { ageCheckEvery: settings.ageCheckEvery, restrictedGtin: showcase.vodka }),
        ...(settings.helpEvery > 0 && { helpEvery: settings.helpEvery }),
        linkTiming: 'production',
      };
      const configPath = join(workDir, `lane-${laneId}.json`);
      laneByConfig.set(configPath, config);
      lanes.push(new LaneChild(config, configPath, log.child({ lane: laneId })));
    }
    await Promise.all(lanes.map((lane) => lane.start()));

    // Selling: the probes are told, and the harness watches sales, files and probes until every lane has sold its share.
    sellStart = Date.now();
    setProbePhase(probeDir, { phase: 'warmup', heapSnapshot: false });
    say(`${laneCount} lanes, hub, store server and station up; selling ${sales} sales (work folder ${workDir})`);
    let nextSample = sellStart;
    let nextLine = sellStart + 5000;
    let phase: 'warmup' | 'measured' = 'warmup';
    for (;;) {
      const now = Date.now();
      const sold = noteSales();
      if (phase === 'warmup' && sold >= warmupSales) {
        phase = 'measured';
        measuredAt = now;
        setProbePhase(probeDir, { phase: 'measured', heapSnapshot: options.heapSnapshots === true });
        say(`warm-up over at ${sold} sales (${Math.round((now - sellStart) / 1000)} s)`);
      }
      if (lanes.every((lane) => lane.progress?.done === true)) break;
      const down = lanes.filter((lane) => !lane.running);
      if (down.length > 0) {
        failures.push(`lane process ended while selling: ${down.flatMap((lane) => lane.crashes).join('; ') || down.map((lane) => lane.laneId).join(', ')}`);
        break;
      }
      if (station.failure) {
        failures.push(`station client: ${station.failure}`);
        break;
      }
      if (now - sellStart > sellTimeoutMs) {
        failures.push(`the lanes had not sold their shares after ${Math.round(sellTimeoutMs / 1000)} s: ${sold}/${sales}`);
        break;
      }
      if (now >= nextSample) {
        collect();
        measureDatabases(now);
        station.askForCounts();
        nextSample += settings.sampleEveryMs;
      }
      if (now >= nextLine) {
        nextLine += 5000;
        const rss = [...watched.values()].map((known) => `${known.name} ${Math.round((known.samples.at(-1)?.rss ?? 0) / 1048576)}`).join(', ');
        say(`${sold}/${sales} sales, ${round(sold / ((now - sellStart) / 1000), 1)}/s; RSS MiB: ${rss}`);
      }
      await sleep(100);
    }
    doneAt = Date.now();
    if (measuredAt === 0) measuredAt = doneAt;
    noteSales();
    collect();
    measureDatabases(doneAt);
    setProbePhase(probeDir, { phase: 'done', heapSnapshot: options.heapSnapshots === true });

    // Every sale must reach the store: the uploads finish (no faults here, so quickly).
    const settleStart = Date.now();
    while (lanes.some((lane) => lane.running && (lane.progress?.backlog ?? 1) > 0)) {
      if (Date.now() - settleStart > 60_000) {
        failures.push(`sales still unsent a minute after selling ended: ${lanes.map((lane) => `${lane.laneId} ${lane.progress?.backlog ?? '?'}`).join(', ')}`);
        break;
      }
      await sleep(200);
    }
    // Each probe ends its phase at its next sample (and writes a snapshot if asked).
    await sleep(settings.sampleEveryMs * 2 + (options.heapSnapshots ? 15_000 : 500));
    station.askForCounts();
    await sleep(300);

    for (const [index, clean] of (await Promise.all(lanes.map((lane) => lane.stop()))).entries()) if (!clean) failures.push(`${lanes[index]!.laneId} did not stop cleanly when asked`);
    for (const lane of lanes) for (const crash of lane.crashes) failures.push(`lane crash: ${crash}`);
    await station.stop();
    if (station.failure) failures.push(`station client: ${station.failure}`);
    const hubStarts = hub.starts;
    const storeStarts = store.starts;
    await hub.stop();
    await store.stop();
    if (hubStarts > 1) failures.push(`the hub was started ${hubStarts} times: it exited during the run`);
    if (storeStarts > 1) failures.push(`the store server was started ${storeStarts} times: it exited during the run`);
    collect();

    // What reached the hub and the store, read from their databases.
    const hubDb = new Database(hubDatabasePath(hubDir), { readonly: true, fileMustExist: true });
    try {
      const count = (sql: string) => (hubDb.prepare(sql).get() as { n: number }).n;
      hubFacts = { sales: count('SELECT count(*) AS n FROM sales'), interventions: count('SELECT count(*) AS n FROM interventions'), auditEntries: count('SELECT count(*) AS n FROM audit'), starts: hubStarts };
    } finally {
      hubDb.close();
    }
    const backend = await openStoreBackend(storeDir);
    try {
      const check = await checkPartitionRun(
        lanes.map((lane) => ({ laneId: lane.laneId, journalPath: lane.config.journalPath, catalogPath: lane.config.catalogPath, share: lane.config.sales })),
        backend,
      );
      failures.push(...check.failures);
      storeCheck = {
        sales: check.storeSales,
        lost: check.lost,
        duplicated: check.duplicated,
        altered: check.altered,
        gaps: check.gaps,
        integrity: check.lanes.flatMap((lane) => [`${lane.laneId} journal ${lane.journalIntegrity}`, `${lane.laneId} catalogue ${lane.catalogIntegrity}`]),
      };
      if (check.sales !== sales) failures.push(`the lanes closed ${check.sales} sales, not ${sales}`);
    } finally {
      await backend.close();
    }
    if (hubFacts.sales !== storeCheck.sales) failures.push(`the hub recorded ${hubFacts.sales} sales, the store ${storeCheck.sales}`);
  } catch (error) {
    failures.push(`the run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    // Whatever happened, nothing is left running.
    await Promise.all(lanes.map((lane) => lane.kill()));
    station?.kill();
    await hub?.stop();
    await store?.stop();
    restoreEnv();
    log.flush();
  }

  const finalAt = Date.now();
  const processes = [...watched.values()].sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
  const totalSales = closedSales();
  const summaries = processes.map((watchedProcess) => summarizeProcess(watchedProcess, { sellStart, measuredAt, doneAt, finalAt, marks, ownMarks: watchedProcess.role === 'lane' ? (laneMarks.get(watchedProcess.name) ?? []) : marks }));
  const series = Object.fromEntries(processes.map((watchedProcess) => [watchedProcess.name, downsample(seriesOf(watchedProcess, { sellStart, doneAt, marks }))]));
  const targetMisses: string[] = [];
  for (const summary of summaries) {
    if (!summary.targeted) continue;
    const growth = summary.rssMiB.growthPercent;
    if (growth !== null && growth > soakTargets.rssGrowthPercent) targetMisses.push(`${summary.name}: resident memory grew ${growth} % after the warm-up (target ≤ ${soakTargets.rssGrowthPercent} %)`);
    if (summary.eld.maxMs !== null && summary.eld.maxMs > soakTargets.eldMaxMs) {
      const waited =
        summary.runQueueShare === null
          ? ''
          : `; in ${summary.eld.intervalsOver100MsWaitingForCpu} of the ${summary.eld.intervalsOver100Ms} seconds with a delay over 100 ms its thread waited for a CPU at least half that long (${Math.round(summary.runQueueShare * 100)} % of the time after the warm-up)`;
      targetMisses.push(`${summary.name}: an event-loop delay of ${summary.eld.maxMs} ms after the warm-up (target ≤ ${soakTargets.eldMaxMs} ms)${waited}`);
    }
    if (summary.eld.maxMs === null) failures.push(`${summary.name}: no event-loop delay was measured after the warm-up`);
  }
  for (const role of ['lane', 'hub', 'store', 'station'] as const) {
    const expected = role === 'lane' ? laneCount : 1;
    const seen = summaries.filter((summary) => summary.role === role && summary.samples > 0).length;
    if (seen < expected && failures.length === 0) failures.push(`${expected - seen} ${role} process(es) were never sampled while selling`);
  }
  const stationSummary: StationSummary = {
    connects: station?.counts?.connects ?? 0,
    signIns: station?.counts?.signIns ?? 0,
    tiles: station?.counts?.tiles ?? 0,
    queueUpdates: station?.counts?.queueUpdates ?? 0,
    timelineEntries: station?.counts?.timelineEntries ?? 0,
    ageApprovals: station?.counts?.ageApprovals ?? {},
    helpMessages: station?.counts?.helpMessages ?? {},
    otherInterventions: station?.counts?.otherInterventions ?? {},
    answerMs: summarize(station?.answerMs ?? [], 1),
    errors: station?.errors ?? [],
  };
  const passed = failures.length === 0 && targetMisses.length === 0;
  const sellSeconds = doneAt > sellStart && sellStart > 0 ? (doneAt - sellStart) / 1000 : 0;
  // Kept when something is lost or wrong (the databases and logs tell what); a missed target is all in the report.
  const keep = failures.length > 0 || options.keepFiles === true || options.heapSnapshots === true;
  if (!keep) rmSync(workDir, { recursive: true, force: true });
  return {
    passed,
    date,
    seconds: round((finalAt - startedAt) / 1000, 1),
    sellSeconds: round(sellSeconds, 1),
    salesPerSecond: sellSeconds > 0 ? round(totalSales / sellSeconds, 1) : 0,
    seed,
    lanes: laneCount,
    sales: totalSales,
    warmupFraction,
    warmupSales,
    machine: thisMachine(),
    settings,
    targets: soakTargets,
    targetMisses,
    failures,
    store: storeCheck,
    hub: hubFacts,
    station: stationSummary,
    processes: summaries,
    series,
    ...(heapSnapshots.length > 0 && { heapSnapshots }),
    workDir: keep ? workDir : undefined,
  };
}

function order(watchedProcess: Watched): number {
  return ['lane', 'hub', 'store', 'station'].indexOf(watchedProcess.role);
}

interface Moments {
  readonly sellStart: number;
  readonly measuredAt: number;
  readonly doneAt: number;
  readonly finalAt: number;
  /** Every sale closed over time. */
  readonly marks: readonly SalesMark[];
  /** The sales the process's database grows with: its own for a lane, all for the hub and the store. */
  readonly ownMarks: readonly SalesMark[];
}

function summarizeProcess(watchedProcess: Watched, moments: Moments): ProcessSummary {
  const { sellStart, measuredAt, doneAt, marks } = moments;
  const selling = watchedProcess.samples.filter((sample) => sample.at >= sellStart && sample.at <= doneAt);
  const measured = selling.filter((sample) => sample.at >= measuredAt);
  const rss = growthOf(measured.map((sample) => sample.rss));
  const heap = growthOf(measured.map((sample) => sample.heapUsed));
  const heapTotal = growthOf(measured.map((sample) => sample.heapTotal));
  const external = growthOf(measured.map((sample) => sample.external));
  const known = (values: (number | null)[]) => (values.every((value): value is number => value !== null) ? values : null);
  const anonValues = known(measured.map((sample) => sample.rssAnon ?? null));
  const fileValues = known(measured.map((sample) => sample.rssFile ?? null));
  const newSpaceValues = known(measured.map((sample) => sample.newSpace ?? null));
  const newSpace = newSpaceValues ? growthOf(newSpaceValues) : null;
  const anon = anonValues ? growthOf(anonValues) : null;
  const file = fileValues ? growthOf(fileValues) : null;
  const waits = known(measured.map((sample) => sample.runQueueMs ?? null));
  const measuredWallMs = measured.length > 1 ? measured.at(-1)!.at - measured[0]!.at : 0;
  const spikes = measured.filter((sample) => (sample.eld?.max ?? 0) > 100);
  const worst = [...measured]
    .sort((a, b) => (b.eld?.max ?? 0) - (a.eld?.max ?? 0))
    .slice(0, 5)
    .map((sample) => ({
      t: round((sample.at - sellStart) / 1000, 1),
      sales: salesAt(marks, sample.at),
      maxMs: round(sample.eld?.max ?? 0, 1),
      runQueueMs: sample.runQueueMs === null || sample.runQueueMs === undefined ? null : round(sample.runQueueMs, 1),
      elu: round(sample.elu),
      cpu: round(sample.cpu),
    }));
  const mib = (growth: Growth | null, key: 'firstMean' | 'lastMean') => (growth ? mebibytes(growth[key]) : null);
  const percent = (growth: Growth | null) => (growth ? round(growth.percent, 1) : null);

  // The probe's own figures for each phase; an interval's, if a process ended before it wrote them.
  const intervals = (from: number, to: number) => watchedProcess.samples.filter((sample) => sample.at > from && sample.at <= to + 1500).flatMap((sample) => (sample.eld ? [sample.eld] : []));
  const phase = (name: string, from: number, to: number): LoopDelay | null => {
    const whole = watchedProcess.phases.get(name);
    if (whole) return whole;
    const parts = intervals(from, to);
    if (parts.length === 0) return null;
    return { count: parts.reduce((sum, part) => sum + part.count, 0), p50: Math.max(...parts.map((part) => part.p50)), p99: Math.max(...parts.map((part) => part.p99)), max: Math.max(...parts.map((part) => part.max)), mean: 0 };
  };
  const warmup = phase('warmup', sellStart, measuredAt);
  const steady = measuredAt < doneAt ? phase('measured', measuredAt, doneAt) : null;
  const startup = watchedProcess.phases.get('start') ?? null;
  const maxOf = (...delays: (LoopDelay | null)[]) => {
    const found = delays.filter((delay): delay is LoopDelay => delay !== null);
    return found.length ? round(Math.max(...found.map((delay) => delay.max)), 1) : null;
  };

  let db: ProcessSummary['db'] = null;
  if (watchedProcess.dbFiles.length > 0 && watchedProcess.dbMarks.length > 0) {
    const markAt = (at: number) => lastAt(watchedProcess.dbMarks, at) ?? watchedProcess.dbMarks[0]!;
    const startBytes = (watchedProcess.dbMarks.find((mark) => mark.at >= sellStart) ?? watchedProcess.dbMarks[0]!).main;
    const warmupEndBytes = markAt(measuredAt).main;
    const endBytes = markAt(doneAt).main;
    const final = bytesOf(watchedProcess.dbFiles);
    const salesEnd = salesAt(moments.ownMarks, doneAt);
    const salesStart = salesAt(moments.ownMarks, sellStart);
    const salesWarm = salesAt(moments.ownMarks, measuredAt);
    db = {
      files: watchedProcess.dbFiles,
      startBytes,
      warmupEndBytes,
      endBytes,
      walEndBytes: markAt(doneAt).wal,
      finalBytes: final.main + final.wal,
      bytesPerSale: salesEnd > salesStart ? Math.round((endBytes - startBytes) / (salesEnd - salesStart)) : null,
      bytesPerSaleAfterWarmup: salesEnd > salesWarm ? Math.round((endBytes - warmupEndBytes) / (salesEnd - salesWarm)) : null,
    };
  }
  return {
    name: watchedProcess.name,
    role: watchedProcess.role,
    pid: watchedProcess.pid,
    targeted: watchedProcess.role !== 'station',
    samples: selling.length,
    rssMiB: {
      first: mebibytes(selling[0]?.rss ?? 0),
      last: mebibytes(selling.at(-1)?.rss ?? 0),
      max: mebibytes(Math.max(0, ...selling.map((sample) => sample.rss))),
      start: mib(rss, 'firstMean'),
      end: mib(rss, 'lastMean'),
      growthPercent: percent(rss),
    },
    heapUsedMiB: { start: mib(heap, 'firstMean'), end: mib(heap, 'lastMean'), max: mebibytes(Math.max(0, ...selling.map((sample) => sample.heapUsed))), growthPercent: percent(heap) },
    heapTotalMiB: { start: mib(heapTotal, 'firstMean'), end: mib(heapTotal, 'lastMean') },
    externalMiB: { start: mib(external, 'firstMean'), end: mib(external, 'lastMean') },
    newSpaceMiB: newSpaceValues ? { start: mib(newSpace, 'firstMean'), end: mib(newSpace, 'lastMean') } : null,
    rssAnonMiB: anonValues ? { start: mib(anon, 'firstMean'), end: mib(anon, 'lastMean'), growthPercent: percent(anon) } : null,
    rssFileMiB: fileValues ? { start: mib(file, 'firstMean'), end: mib(file, 'lastMean') } : null,
    threads: selling.at(-1)?.threads ?? null,
    runQueueShare: waits && measuredWallMs > 0 ? round(waits.slice(1).reduce((sum, wait) => sum + wait, 0) / measuredWallMs, 3) : null,
    eld: {
      maxMs: maxOf(steady),
      p99Ms: steady ? round(steady.p99, 1) : null,
      warmupMaxMs: maxOf(warmup),
      warmupP99Ms: warmup ? round(warmup.p99, 1) : null,
      startupMaxMs: maxOf(startup),
      intervalsOver100Ms: spikes.length,
      intervalsOver100MsWaitingForCpu: spikes.filter((sample) => (sample.runQueueMs ?? 0) >= (sample.eld?.max ?? 0) / 2).length,
      worst,
      measurements: steady?.count ?? 0,
    },
    cpuMean: selling.length ? round(selling.reduce((sum, sample) => sum + sample.cpu, 0) / selling.length) : 0,
    db,
  };
}

function dbBytesAt(marks: readonly DatabaseBytes[], at: number): number | null {
  const mark = lastAt(marks, at);
  return mark ? mark.main + mark.wal : null;
}

/** Points against every sale closed (one axis for all processes). */
function seriesOf(watchedProcess: Watched, moments: Pick<Moments, 'sellStart' | 'doneAt' | 'marks'>): SeriesPoint[] {
  return watchedProcess.samples
    .filter((sample) => sample.at >= moments.sellStart && sample.at <= moments.doneAt)
    .map((sample) => ({
      t: round((sample.at - moments.sellStart) / 1000, 1),
      sales: salesAt(moments.marks, sample.at),
      rssMiB: mebibytes(sample.rss),
      heapUsedMiB: mebibytes(sample.heapUsed),
      heapTotalMiB: mebibytes(sample.heapTotal),
      externalMiB: mebibytes(sample.external),
      newSpaceMiB: sample.newSpace === null || sample.newSpace === undefined ? null : mebibytes(sample.newSpace),
      rssAnonMiB: sample.rssAnon === null || sample.rssAnon === undefined ? null : mebibytes(sample.rssAnon),
      eldP99Ms: round(sample.eld?.p99 ?? 0, 1),
      eldMaxMs: round(sample.eld?.max ?? 0, 1),
      cpu: round(sample.cpu),
      runQueueMs: sample.runQueueMs === null || sample.runQueueMs === undefined ? null : round(sample.runQueueMs, 1),
      dbBytes: dbBytesAt(watchedProcess.dbMarks, sample.at),
    }));
}

/** The report's memory chart. */
export function soakSvg(report: SoakReport): string {
  return renderMemorySvg(
    Object.entries(report.series).map(([name, points]) => ({ name, points })),
    {
      title: `Resident memory, ${report.lanes} lanes × ${report.sales.toLocaleString('en-US')} sales`,
      subtitle: `npm run soak, ${report.date.slice(0, 10)}, ${machineLine(report.machine)}`,
      warmupSales: report.warmupSales,
    },
  );
}

export function summaryOf(report: SoakReport): string {
  const lines = [
    `soak: ${report.lanes} lanes, ${report.sales} sales in ${report.sellSeconds} s (${report.salesPerSecond}/s), seed ${report.seed}, warm-up ${report.warmupSales} sales — ${report.passed ? 'PASSED' : 'FAILED'}`,
    `  store ${report.store.sales} sales (lost ${report.store.lost}, duplicated ${report.store.duplicated}, altered ${report.store.altered}, gaps ${report.store.gaps}); hub ${report.hub.sales} sales, ${report.hub.interventions} interventions`,
    `  station: ${report.station.tiles} tiles, ${report.station.queueUpdates} queue updates; age checks ${JSON.stringify(report.station.ageApprovals)}, help ${JSON.stringify(report.station.helpMessages)}; answered p50 ${report.station.answerMs.p50} ms, max ${report.station.answerMs.max} ms`,
    '  (growth: mean of the last tenth of the samples after the warm-up against the first; ELD: after the warm-up; waited: share of that time the event-loop thread waited for a CPU)',
    `  ${'process'.padEnd(9)} ${'RSS MiB start→end'.padEnd(20)} ${'growth'.padStart(8)} ${'heap MiB'.padEnd(14)} ${'ELD p99'.padStart(8)} ${'ELD max'.padStart(8)} ${'warm-up'.padStart(9)} ${'startup'.padStart(8)} ${'CPU'.padStart(5)} ${'waited'.padStart(6)}  DB`,
  ];
  const show = (value: number | null, unit = '') => (value === null ? '–' : `${value}${unit}`);
  for (const watchedProcess of report.processes) {
    const db = watchedProcess.db ? `${mebibytes(watchedProcess.db.startBytes)}→${mebibytes(watchedProcess.db.endBytes)} MiB, ${show(watchedProcess.db.bytesPerSaleAfterWarmup)} B/sale` : '';
    lines.push(
      `  ${watchedProcess.name.padEnd(9)} ${`${show(watchedProcess.rssMiB.start)}→${show(watchedProcess.rssMiB.end)}`.padEnd(20)} ${show(watchedProcess.rssMiB.growthPercent, ' %').padStart(8)} ${`${show(watchedProcess.heapUsedMiB.start)}→${show(watchedProcess.heapUsedMiB.end)}`.padEnd(14)} ${show(watchedProcess.eld.p99Ms, ' ms').padStart(8)} ${show(watchedProcess.eld.maxMs, ' ms').padStart(8)} ${show(watchedProcess.eld.warmupMaxMs, ' ms').padStart(9)} ${show(watchedProcess.eld.startupMaxMs, ' ms').padStart(8)} ${String(watchedProcess.cpuMean).padStart(5)} ${(watchedProcess.runQueueShare === null ? '–' : `${Math.round(watchedProcess.runQueueShare * 100)} %`).padStart(6)}  ${db}${watchedProcess.targeted ? '' : '  (not judged)'}`,
    );
  }
  for (const miss of report.targetMisses) lines.push(`  ✗ target: ${miss}`);
  for (const failure of report.failures) lines.push(`  ✗ ${failure}`);
  if (report.workDir) lines.push(`  files kept in ${report.workDir}`);
  return `${lines.join('\n')}\n`;
}

function fraction(value: string): number {
  const number = Number(value);
  if (!(number >= 0 && number < 1)) throw new InvalidArgumentError('a fraction, 0 or more and below 1');
  return number;
}

async function main(): Promise<void> {
  const program = new Command('soak')
    .description('four lanes, the supervisor hub, the store server and the station for 10,000 sales: memory, event-loop delay and database size over time')
    .option('--lanes <n>', 'lane processes', positiveInteger, 4)
    .option('--sales <n>', 'sales in all, shared out between the lanes', positiveInteger, 10_000)
    .option('--warmup-fraction <f>', 'the first part of the sales left out of the growth figures', fraction, 0.2)
    .option('--seed <n>', 'seed for the baskets and interventions', positiveInteger, 20261208)
    .option('--pause-ms <ms>', 'up to this long between two shopper steps (10 saturates two cores)', nonNegativeInteger, 40)
    .option('--max-items <n>', 'items in a basket: 1 to this many', positiveInteger, 6)
    .option('--age-check-every <n>', 'about one sale in this many needs the station’s age check (0: none)', nonNegativeInteger, 40)
    .option('--help-every <n>', 'about one sale in this many the shopper calls for help (0: none)', nonNegativeInteger, 80)
    .option('--heap-snapshots', 'a heap snapshot of every process when the warm-up ends and when selling ends (pauses them; for finding a leak)')
    .option('--keep', 'keep the work folder even when the run passes')
    .option('--svg <file>', 'also write a chart of resident memory against sales closed')
    .option('--json', 'one JSON document on stdout (the summary goes to stderr)')
    .parse();
  const flags = program.opts<{ lanes: number; sales: number; warmupFraction: number; seed: number; pauseMs: number; maxItems: number; ageCheckEvery: number; helpEvery: number; heapSnapshots?: boolean; keep?: boolean; svg?: string; json?: boolean }>();
  const report = await runSoak({
    lanes: flags.lanes,
    sales: flags.sales,
    warmupFraction: flags.warmupFraction,
    seed: flags.seed,
    pauseMs: flags.pauseMs,
    maxItems: flags.maxItems,
    ageCheckEvery: flags.ageCheckEvery,
    helpEvery: flags.helpEvery,
    heapSnapshots: flags.heapSnapshots,
    keepFiles: flags.keep,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  if (flags.svg) writeFileSync(flags.svg, soakSvg(report));
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(summaryOf(report));
  if (!report.passed) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && existsSync(process.argv[1])) {
  main().catch((error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  });
}
