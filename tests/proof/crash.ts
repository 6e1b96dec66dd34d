import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { build } from 'esbuild';
import { ensureDemoAssistants } from '../../main/assistants/demoAssistants';
import { CatalogStore } from '../../main/catalog/catalogStore';
import { ensureDemoCatalog } from '../../main/catalog/ensureDemoCatalog';
import { seededRandom } from '../../shared/random';
import { createRecordingLogger } from '../main/helpers/recordingLogger';
import {
  fingerprintDiff,
  fingerprintOfView,
  outboxDiff,
  outboxGrowthDiff,
  eventTypesBetween,
  readCommitted,
  readOutbox,
  shownDiff,
  type CommittedLane,
  type CommittedOutboxRow,
  type ViewFingerprint,
} from './crashCheck';
import { thisMachine, type Machine } from '../../bench/machine';
import { createCrashDevices, openCrashLane } from './crashLaneKit';
import type { CrashLaneConfig, FromCrashLane } from './crashProtocol';
import { positiveInteger, nonNegativeInteger } from './cliOptions';

/**
 * `npm run proof:crash`: kill -9 at random points. A lane process (crashLane.ts) sells on its
 * own on one journal that grows trial after trial, as a real lane's does; each trial starts it,
 * lets it run for a random time — sometimes only a few milliseconds, so kills land while it
 * loads, opens the journal or restores — and SIGKILLs it. Then the harness:
 *  a. opens the journal and the catalogue read-only: `PRAGMA integrity_check` must say ok;
 *  b. reads what was committed straight from the journal's tables (crashCheck.ts): the lane
 *     state's basket, payments and state, the outbox and the suspended sales, and checks they
 *     agree with each other;
 *  c. starts the runtime on the journal (in this process) and compares the view it restored with
 *     (b): state, basket lines, totals, payments and the whole checkout context exactly, and the
 *     outbox row for row;
 *  d. checks nothing the killed lane had shown is lost: the journal is at the last view the lane
 *     reported (and is exactly that view) or past it; every sale it showed as closed is in the
 *     outbox; the outbox only grew;
 *  e. stops that runtime; the next trial's lane process carries on from there (and its first,
 *     restored view must be the one the harness's runtime left).
 * A trial is an exact resume when all of that holds. Prints one JSON document (stdout) and a
 * summary; exits 1 when any trial is not exact.
 */

export interface CrashProofOptions {
  /** Kills (default 1,000). */
  readonly trials?: number;
  readonly seed?: number;
  /** Independent lanes (own journal and catalogue) run side by side, the trials shared out (default 1). */
  readonly parallel?: number;
  /** A fresh journal every this many trials of a lane (default 0: one journal for the whole run). */
  readonly freshEvery?: number;
  /** A selling lane is killed within this long of being ready (default 800 ms). */
  readonly runMs?: number;
  /** Up to this long between two shopper actions (default 12 ms). */
  readonly pauseMs?: number;
  /** Bundle the lane process once with esbuild (default) rather than load it through tsx on every start. */
  readonly bundle?: boolean;
  /** Keep the work folder even when every trial passed. */
  readonly keepFiles?: boolean;
  readonly onProgress?: (line: string) => void;
}

export interface CrashTrialFailure {
  readonly lane: number;
  readonly trial: number;
  /** The lane process's own seed (its shopper's choices). */
  readonly processSeed: number;
  readonly killedAfterMs: number;
  readonly killedIn: string;
  readonly diffs: readonly string[];
}

export interface CrashProofReport {
  readonly passed: boolean;
  readonly trials: number;
  readonly exactResumes: number;
  /** Capped at 20; `failedTrials` counts them all. */
  readonly failures: readonly CrashTrialFailure[];
  readonly failedTrials: number;
  /** Kills by where the lane was: `starting` (before it opened its journal), `restoring` (opening, restoring), else the state it last showed. */
  readonly killPoints: Readonly<Record<string, number>>;
  /** The same kills grouped by phase: welcome, scanning, weighing, paying, printing, thank-you, staff (maintenance, closed), starting, restoring. */
  readonly killPhases: Readonly<Record<string, number>>;
  /**
   * How the journal stood to the last view the killed lane showed: `at` it, or `ahead` (a change
   * written to the journal, the process killed before it showed it — e.g. while SQLite waited for
   * the disk), by at most `maxEventsAhead` events; `notShown` counts those events by type.
   */
  readonly journalAtKill: {
    readonly at: number;
    readonly ahead: number;
    readonly maxEventsAhead: number;
    readonly nothingShown: number;
    readonly notShown: Readonly<Record<string, number>>;
  };
  /** Kills whose restart resumed a sale under way (a basket or a payment in progress). */
  readonly killsMidSale: number;
  readonly salesClosed: { readonly completed: number; readonly cancelled: number; readonly suspended: number };
  readonly outboxRows: number;
  readonly integrityChecks: number;
  readonly laneStarts: number;
  readonly lanes: number;
  readonly freshEvery: number;
  /** From the fork to the process opening its journal (loading Node and the lane's code), median. */
  readonly medianLoadMs: number;
  /** From the fork to the lane selling (restored, devices started), median. */
  readonly medianStartMs: number;
  /** The harness's checks after a kill (read the journal, restart the runtime on it, compare), median. */
  readonly medianCheckMs: number;
  readonly seconds: number;
  readonly machine: Machine;
  readonly date: string;
  readonly seed: number;
  readonly workDir?: string | undefined;
}

const laneEntry = fileURLToPath(new URL('./crashLane.ts', import.meta.url));
const require = createRequire(import.meta.url);

/** The phase of a sale a state belongs to, for the kill-point summary. */
export function phaseOf(state: string): string {
  if (state === 'starting' || state === 'restoring') return state;
  if (state === 'idle' || state === 'outOfService') return 'welcome';
  if (state === 'scanning.weighing') return 'weighing';
  if (state.startsWith('scanning.') || state === 'parked') return 'scanning';
  if (state.startsWith('payment.')) return 'paying';
  if (state === 'receipt.printing' || state === 'receipt.deciding') return 'printing';
  if (state.startsWith('receipt.')) return 'thank-you';
  return 'staff';
}

/**
 * The lane process as one ES module (tsx would compile it on every start, 1–2 s). Only
 * better-sqlite3 stays outside (a native addon), imported from where this checkout has it.
 */
async function bundleLane(workDir: string): Promise<string> {
  const outfile = join(workDir, 'crashLane.mjs');
  const sqlite = require.resolve('better-sqlite3');
  await build({
    entryPoints: [laneEntry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    plugins: [{ name: 'native-addons', setup: (plugin) => plugin.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqlite, external: true })) }],
    // Bundled CommonJS packages call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return outfile;
}

/** The demo catalogue with its assistants, built once and copied for each lane. */
async function buildCatalog(path: string): Promise<void> {
  ensureDemoCatalog(path, 50);
  const catalog = CatalogStore.open(path);
  try {
    await ensureDemoAssistants(catalog.db);
    catalog.db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    catalog.close();
  }
}

type KillMode = 'boot' | 'opening' | 'selling';

/** What one lane process did between its fork and its kill, as the harness saw it. */
interface ProcessRun {
  readonly views: ViewFingerprint[];
  readonly errors: string[];
  firstView: ViewFingerprint | undefined;
  restored: boolean | undefined;
  openedAt: number | undefined;
  readyAt: number | undefined;
  /** Exited without being killed (a crash), with what it said. */
  exitedByItself: string | undefined;
  /** Killed because it had not started selling within a minute. */
  stuck: boolean;
  killedAfterMs: number;
}

interface LaneFiles {
  readonly journalPath: string;
  readonly catalogPath: string;
}

/** Forks the lane process, kills it the way `mode` says, and resolves once it is gone and every message it sent is in. */
function runProcess(entry: { file: string; bundled: boolean }, config: CrashLaneConfig, mode: KillMode, delayMs: number): Promise<ProcessRun> {
  const run: ProcessRun = { views: [], errors: [], firstView: undefined, restored: undefined, openedAt: undefined, readyAt: undefined, exitedByItself: undefined, stuck: false, killedAfterMs: 0 };
  const startedAt = performance.now();
  const child: ChildProcess = fork(entry.file, [JSON.stringify(config)], {
    execArgv: entry.bundled ? [] : ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  let killed = false;
  let timer: NodeJS.Timeout | undefined;
  const kill = () => {
    if (killed) return;
    killed = true;
    run.stuck = mode !== 'boot' && run.readyAt === undefined && (mode === 'selling' || run.openedAt === undefined);
    clearTimeout(timer);
    run.killedAfterMs = Math.round(performance.now() - startedAt);
    child.kill('SIGKILL');
  };
  const killIn = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(kill, ms);
  };
  // A lane that never gets going is killed too, and the trial says so.
  killIn(mode === 'boot' ? delayMs : 60_000);
  let failure = '';
  // Messages still arrive after the kill: whatever the process wrote before it died, it had done.
  child.on('message', (message: FromCrashLane) => {
    switch (message.kind) {
      case 'opening':
        run.openedAt = performance.now() - startedAt;
        if (mode === 'opening' && !killed) killIn(delayMs);
        break;
      case 'view':
        run.views.push(message.view);
        run.firstView ??= message.view;
        break;
      case 'ready':
        run.readyAt = performance.now() - startedAt;
        run.restored = message.restored;
        if (mode === 'selling' && !killed) killIn(delayMs);
        break;
      case 'error':
        run.errors.push(`${message.message} ${message.fields}`);
        break;
      case 'failed':
        failure = message.error;
        break;
    }
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!killed) run.exitedByItself = `exit code ${code}, signal ${signal}: ${failure || stderr.trim() || 'no message'}`;
      resolve();
    }),
  );
  // The IPC channel closes once the last message the process wrote has been read.
  const drained = new Promise<void>((resolve) => (child.connected ? child.once('disconnect', () => resolve()) : resolve()));
  return Promise.all([exited, drained]).then(() => run);
}

interface ResumeCheck {
  readonly diffs: string[];
  /** The last view the restarted runtime published before it was stopped: what the next process must restore. */
  readonly lastView: ViewFingerprint | undefined;
}

/**
 * (c): the runtime started on the journal as the kill left it. Its first view is the restored
 * state, published before anything else happens; it must be exactly the committed one.
 */
async function checkResume(files: LaneFiles, committed: CommittedLane): Promise<ResumeCheck> {
  const diffs: string[] = [];
  const log = createRecordingLogger();
  const lane = openCrashLane(files, log, createCrashDevices());
  const count = lane.journal.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox');
  const views: ViewFingerprint[] = [];
  lane.runtime.onView((view) => views.push(fingerprintOfView(view, count.get()!.n)));
  let restored: boolean;
  try {
    await lane.runtime.start();
    restored = lane.runtime.restored;
  } finally {
    await lane.close();
  }
  const first = views[0];
  if (committed.fingerprint) {
    if (!restored) diffs.push(`the runtime did not restore the committed state (${committed.state}): ${log.records.filter((entry) => entry.level === 'error').map((entry) => entry.message).join('; ')}`);
    if (!first) diffs.push('the restarted runtime published no view');
    else diffs.push(...fingerprintDiff(committed.fingerprint, first, ['committed', 'restored']));
    // Starting up (restarting timers, re-reading devices, signing out staff) never touches the basket or the payments.
    const last = views.at(-1);
    if (last) {
      for (const key of ['saleId', 'lines', 'payments', 'closedSaleId'] as const) {
        if (JSON.stringify(last[key]) !== JSON.stringify(committed.fingerprint[key])) diffs.push(`after start-up, ${key}: committed ${JSON.stringify(committed.fingerprint[key])} ≠ now ${JSON.stringify(last[key])}`);
      }
    }
  } else if (committed.started) diffs.push('the journal has a saved state the checker could not read');
  diffs.push(...outboxDiff(committed.outbox, readOutbox(files.journalPath), ['committed', 'after restart']));
  for (const entry of log.records) if (entry.level === 'error') diffs.push(`the restarted runtime logged an error: ${entry.message} ${JSON.stringify(entry.fields)}`);
  return { diffs, lastView: views.at(-1) };
}

interface LaneTotals {
  trials: number;
  exact: number;
  failures: CrashTrialFailure[];
  failed: number;
  killPoints: Record<string, number>;
  journalAtKill: { at: number; ahead: number; maxEventsAhead: number; nothingShown: number; notShown: Record<string, number> };
  killsMidSale: number;
  integrityChecks: number;
  starts: number;
  startMs: number[];
  loadMs: number[];
  checkMs: number[];
  closed: { completed: number; cancelled: number; suspended: number };
  outboxRows: number;
}

function mergeCounts(all: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const counts of all) for (const [key, count] of Object.entries(counts)) merged[key] = (merged[key] ?? 0) + count;
  return merged;
}

function phasesOf(killPoints: Readonly<Record<string, number>>): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const [state, count] of Object.entries(killPoints)) phases[phaseOf(state)] = (phases[phaseOf(state)] ?? 0) + count;
  return phases;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One lane's trials, on one journal (or a fresh one every `freshEvery`). */
async function runLane(
  index: number,
  trials: number,
  options: { seed: number; workDir: string; catalogSource: string; entry: { file: string; bundled: boolean }; freshEvery: number; runMs: number; pauseMs: number; say: (line: string) => void },
): Promise<LaneTotals> {
  const dir = join(options.workDir, `lane-${index + 1}`);
  mkdirSync(dir, { recursive: true });
  const files: LaneFiles = { journalPath: join(dir, 'journal-K01.sqlite'), catalogPath: join(dir, 'catalog.sqlite') };
  copyFileSync(options.catalogSource, files.catalogPath);
  const random = seededRandom((options.seed + index * 7919) >>> 0);
  const totals: LaneTotals = {
    trials: 0,
    exact: 0,
    failures: [],
    failed: 0,
    killPoints: {},
    journalAtKill: { at: 0, ahead: 0, maxEventsAhead: 0, nothingShown: 0, notShown: {} },
    killsMidSale: 0,
    integrityChecks: 0,
    starts: 0,
    startMs: [],
    loadMs: [],
    checkMs: [],
    closed: { completed: 0, cancelled: 0, suspended: 0 },
    outboxRows: 0,
  };
  let previousOutbox: CommittedOutboxRow[] = [];
  let previousSuspended = 0;
  /** The last view anyone (lane process or harness) showed on this journal. */
  let lastShown: ViewFingerprint | undefined;
  /** What the next lane process must restore: the harness runtime's last view. */
  let expectedRestore: ViewFingerprint | undefined;
  const countClosed = (outbox: readonly CommittedOutboxRow[], suspended: number) => {
    for (const row of outbox.slice(previousOutbox.length)) if (row.status === 'completed' || row.status === 'cancelled') totals.closed[row.status]++;
    totals.closed.suspended += suspended - previousSuspended;
  };

  for (let trial = 0; trial < trials; trial++) {
    if (options.freshEvery > 0 && trial > 0 && trial % options.freshEvery === 0) {
      totals.outboxRows += previousOutbox.length;
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${files.journalPath}${suffix}`, { force: true });
      previousOutbox = [];
      previousSuspended = 0;
      lastShown = undefined;
      expectedRestore = undefined;
    }
    const roll = random();
    const mode: KillMode = roll < 0.08 ? 'boot' : roll < 0.18 ? 'opening' : 'selling';
    // After the fork (while Node loads), after it starts opening the journal, or while it sells.
    const delayMs = Math.floor(random() * (mode === 'boot' ? 80 : mode === 'opening' ? 25 : options.runMs));
    const processSeed = Math.floor(random() * 2 ** 31);
    const run = await runProcess(options.entry, { ...files, seed: processSeed, pauseMs: options.pauseMs }, mode, delayMs);
    totals.starts++;
    if (run.readyAt !== undefined) totals.startMs.push(run.readyAt);
    if (run.openedAt !== undefined) totals.loadMs.push(run.openedAt);
    const lastOfRun = run.views.at(-1);
    const killedIn = lastOfRun?.state ?? (run.openedAt === undefined ? 'starting' : 'restoring');
    totals.killPoints[killedIn] = (totals.killPoints[killedIn] ?? 0) + 1;

    const diffs: string[] = [];
    if (run.exitedByItself) diffs.push(`the lane process exited by itself (${run.exitedByItself})`);
    if (run.stuck) diffs.push(`the lane process had not ${run.openedAt === undefined ? 'opened its journal' : 'started selling'} after ${run.killedAfterMs} ms`);
    for (const error of run.errors) diffs.push(`the lane process logged an error: ${error}`);
    // The process's first view is what it restored: the state the harness's runtime left.
    if (run.firstView && expectedRestore) diffs.push(...fingerprintDiff(expectedRestore, run.firstView, ['left by the last restart', 'restored by the process']));
    if (expectedRestore && run.restored === false) diffs.push('the lane process did not restore the saved state');
    lastShown = lastOfRun ?? lastShown;

    // (a) and (b)
    const checkStartedAt = performance.now();
    let committed: CommittedLane;
    try {
      committed = readCommitted(files.journalPath, files.catalogPath);
    } catch (error) {
      diffs.push(`the journal could not be read: ${String(error)}`);
      totals.trials++;
      totals.failed++;
      if (totals.failures.length < 20) totals.failures.push({ lane: index + 1, trial: trial + 1, processSeed, killedAfterMs: run.killedAfterMs, killedIn, diffs });
      continue;
    }
    totals.integrityChecks += committed.journalExists ? 2 : 1;
    diffs.push(...committed.problems);
    // (d)
    if (!lastShown) totals.journalAtKill.nothingShown++;
    else if (committed.eventSeq === lastShown.version) totals.journalAtKill.at++;
    else if (committed.eventSeq > lastShown.version) {
      totals.journalAtKill.ahead++;
      totals.journalAtKill.maxEventsAhead = Math.max(totals.journalAtKill.maxEventsAhead, committed.eventSeq - lastShown.version);
      for (const type of eventTypesBetween(files.journalPath, lastShown.version, committed.eventSeq)) {
        // Payment and print results carry the actor's id in their type: one name for each kind.
        const kind = type.replace(/^xstate\.done\.actor\..*\.(\w+)$/, 'xstate.done.$1');
        totals.journalAtKill.notShown[kind] = (totals.journalAtKill.notShown[kind] ?? 0) + 1;
      }
    }
    diffs.push(...shownDiff(committed, lastShown));
    diffs.push(...outboxGrowthDiff(previousOutbox, committed.outbox));
    const closedIds = new Set([...committed.outbox.map((row) => row.saleId), ...committed.suspended.map((row) => row.saleId)]);
    for (const view of run.views) {
      if (view.closedSaleId && !closedIds.has(view.closedSaleId)) diffs.push(`the lane showed sale ${view.closedSaleId} closed (${view.state}); the journal does not hold it`);
    }
    if (committed.context?.sale) totals.killsMidSale++;
    // (c)
    let resume: ResumeCheck;
    try {
      resume = await checkResume(files, committed);
    } catch (error) {
      resume = { diffs: [`the lane could not be started again: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`], lastView: undefined };
    }
    diffs.push(...resume.diffs);
    lastShown = resume.lastView ?? lastShown;
    expectedRestore = resume.lastView;
    countClosed(committed.outbox, committed.suspended.length);
    previousOutbox = readOutbox(files.journalPath);
    previousSuspended = committed.suspended.length;
    totals.checkMs.push(performance.now() - checkStartedAt);

    totals.trials++;
    if (diffs.length === 0) totals.exact++;
    else {
      totals.failed++;
      if (totals.failures.length < 20) totals.failures.push({ lane: index + 1, trial: trial + 1, processSeed, killedAfterMs: run.killedAfterMs, killedIn, diffs: [...new Set(diffs)].slice(0, 30) });
      options.say(`lane ${index + 1} trial ${trial + 1}: NOT exact (killed in ${killedIn} after ${run.killedAfterMs} ms): ${diffs.slice(0, 3).join(' | ')}`);
    }
    if ((trial + 1) % 50 === 0) options.say(`lane ${index + 1}: ${trial + 1}/${trials} trials, ${totals.exact} exact, ${previousOutbox.length} sales in the outbox`);
  }
  totals.outboxRows += previousOutbox.length;
  return totals;
}

export async function runCrashProof(options: CrashProofOptions = {}): Promise<CrashProofReport> {
  const trials = options.trials ?? 1000;
  const seed = options.seed ?? 20261208;
  const parallel = options.parallel ?? 1;
  const freshEvery = options.freshEvery ?? 0;
  if (!Number.isSafeInteger(trials) || trials < 1) throw new Error('trials: at least 1');
  if (!Number.isSafeInteger(parallel) || parallel < 1 || parallel > 8) throw new Error('parallel: 1 to 8');
  const say = options.onProgress ?? (() => {});
  const startedAt = Date.now();
  const date = new Date(startedAt).toISOString();
  const workDir = mkdtempSync(join(tmpdir(), 'lanewise-crash-'));
  let failed = true;
  try {
    const catalogSource = join(workDir, 'catalog.sqlite');
    await buildCatalog(catalogSource);
    const entry = options.bundle === false ? { file: laneEntry, bundled: false } : { file: await bundleLane(workDir), bundled: true };
    say(`${trials} kill -9 trials on ${parallel} lane${parallel > 1 ? 's' : ''} (work folder ${workDir})`);
    const shares = Array.from({ length: parallel }, (_, index) => Math.floor(trials / parallel) + (index < trials % parallel ? 1 : 0));
    const lanes = await Promise.all(
      shares.map((share, index) =>
        runLane(index, share, { seed, workDir, catalogSource, entry, freshEvery, runMs: options.runMs ?? 800, pauseMs: options.pauseMs ?? 12, say }),
      ),
    );
    const sum = (pick: (lane: LaneTotals) => number) => lanes.reduce((total, lane) => total + pick(lane), 0);
    const killPoints = mergeCounts(lanes.map((lane) => lane.killPoints));
    const report: CrashProofReport = {
      passed: sum((lane) => lane.failed) === 0 && sum((lane) => lane.trials) === trials,
      trials: sum((lane) => lane.trials),
      exactResumes: sum((lane) => lane.exact),
      failures: lanes.flatMap((lane) => lane.failures).slice(0, 20),
      failedTrials: sum((lane) => lane.failed),
      killPoints: Object.fromEntries(Object.entries(killPoints).sort(([, a], [, b]) => b - a)),
      killPhases: Object.fromEntries(Object.entries(phasesOf(killPoints)).sort(([, a], [, b]) => b - a)),
      journalAtKill: {
        at: sum((lane) => lane.journalAtKill.at),
        ahead: sum((lane) => lane.journalAtKill.ahead),
        maxEventsAhead: Math.max(0, ...lanes.map((lane) => lane.journalAtKill.maxEventsAhead)),
        nothingShown: sum((lane) => lane.journalAtKill.nothingShown),
        notShown: Object.fromEntries(Object.entries(mergeCounts(lanes.map((lane) => lane.journalAtKill.notShown))).sort(([, a], [, b]) => b - a)),
      },
      killsMidSale: sum((lane) => lane.killsMidSale),
      salesClosed: { completed: sum((lane) => lane.closed.completed), cancelled: sum((lane) => lane.closed.cancelled), suspended: sum((lane) => lane.closed.suspended) },
      outboxRows: sum((lane) => lane.outboxRows),
      integrityChecks: sum((lane) => lane.integrityChecks),
      laneStarts: sum((lane) => lane.starts),
      lanes: parallel,
      freshEvery,
      medianLoadMs: Math.round(median(lanes.flatMap((lane) => lane.loadMs))),
      medianStartMs: Math.round(median(lanes.flatMap((lane) => lane.startMs))),
      medianCheckMs: Math.round(median(lanes.flatMap((lane) => lane.checkMs))),
      seconds: Math.round((Date.now() - startedAt) / 100) / 10,
      machine: thisMachine(),
      date,
      seed,
      workDir: undefined,
    };
    failed = !report.passed;
    return failed || options.keepFiles ? { ...report, workDir } : report;
  } finally {
    if (!failed && !options.keepFiles) rmSync(workDir, { recursive: true, force: true });
  }
}

export function summaryOf(report: CrashProofReport): string {
  const listed = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .map(([state, count]) => `${state} ${count}`)
      .join(', ');
  const lines = [
    `crash proof: ${report.exactResumes}/${report.trials} exact resumes after kill -9 (seed ${report.seed}, ${report.lanes} lane${report.lanes > 1 ? 's' : ''}) — ${report.passed ? 'PASSED' : 'FAILED'}`,
    `  ${report.salesClosed.completed} sales completed, ${report.salesClosed.cancelled} cancelled, ${report.salesClosed.suspended} suspended; ${report.outboxRows} outbox rows; ${report.integrityChecks} integrity checks ok`,
    `  journal at the last view shown ${report.journalAtKill.at}, a change ahead ${report.journalAtKill.ahead} (at most ${report.journalAtKill.maxEventsAhead} events), nothing shown yet ${report.journalAtKill.nothingShown}; ${report.killsMidSale} kills mid-sale`,
    `  committed, not yet shown when killed: ${listed(report.journalAtKill.notShown) || 'nothing'}`,
    `  killed while: ${listed(report.killPhases)}`,
    `  killed in state: ${listed(report.killPoints)}`,
    `  ${report.laneStarts} lane starts (median ${report.medianLoadMs} ms to load, ${report.medianStartMs} ms to selling; checks ${report.medianCheckMs} ms a kill), ${report.seconds} s on ${report.machine.cores} × ${report.machine.cpuModel}`,
  ];
  for (const failure of report.failures) lines.push(`  ✗ lane ${failure.lane} trial ${failure.trial} (process seed ${failure.processSeed}, killed in ${failure.killedIn} after ${failure.killedAfterMs} ms): ${failure.diffs.join(' | ')}`);
  if (report.workDir) lines.push(`  files kept in ${report.workDir}`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const program = new Command('proof:crash')
    .description('kill -9 a selling lane at random points and check every restart resumes exactly what was committed')
    .option('--trials <n>', 'kills', positiveInteger, 1000)
    .option('--seed <n>', 'seed for every random choice', nonNegativeInteger, Date.now() % 2 ** 31)
    .option('--parallel <n>', 'independent lanes side by side (the trials shared out)', positiveInteger, 1)
    .option('--fresh-every <n>', 'a fresh journal every n trials of a lane (0: one journal for the whole run)', nonNegativeInteger, 0)
    .option('--run-ms <ms>', 'a selling lane is killed within this long of being ready', positiveInteger, 800)
    .option('--pause-ms <ms>', 'up to this long between two shopper actions', nonNegativeInteger, 12)
    .option('--no-bundle', 'load the lane process through tsx on every start instead of bundling it once')
    .option('--keep', 'keep the work folder even when every trial passed')
    .option('--json', 'the JSON document alone on stdout (the summary goes to stderr)')
    .parse();
  const flags = program.opts<{ trials: number; seed: number; parallel: number; freshEvery: number; runMs: number; pauseMs: number; bundle: boolean; keep?: boolean; json?: boolean }>();
  const report = await runCrashProof({
    trials: flags.trials,
    seed: flags.seed,
    parallel: flags.parallel,
    freshEvery: flags.freshEvery,
    runMs: flags.runMs,
    pauseMs: flags.pauseMs,
    bundle: flags.bundle,
    keepFiles: flags.keep,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(summaryOf(report));
  } else process.stdout.write(summaryOf(report));
  if (!report.passed) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`proof:crash failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  });
}
