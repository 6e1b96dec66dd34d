import type { FuzzResult } from './run';
import { errorText, shown, type Findings, type MessageTarget } from './messageTarget';
import { chunks, mutate, Random, randomBytes } from './mutate';
import { fuzzTargets, type ByteTarget } from './targets';

/**
 * One target's fuzzing loop, in its own process so a hang can be detected and
 * killed by the parent. Reports progress every `reportEvery` cases; a crash is
 * reported with the case's input (hex for bytes, the text for messages) so it can be replayed.
 */
interface Job {
  readonly target: string;
  readonly cases: number;
  readonly seed: number;
}

type Report = Omit<FuzzResult, 'hangs'>;

const reportEvery = 5_000;
/** A fresh parser every this many cases: long enough to fuzz state carried between frames. */
const freshParserEvery = 500;
const maxExamples = 5;

function progress(done: number): void {
  process.send?.({ kind: 'progress', done });
}

/** CPU seconds this process has used: on a machine shared with other work, cases per CPU second is the figure that compares. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** Live heap (after a full collection, when the worker runs with --expose-gc) and resident memory: what stays, not garbage not yet collected. */
function memory(): { heapMiB: number; rssMiB: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapMiB: Number((heapUsed / 2 ** 20).toFixed(1)), rssMiB: Math.round(rss / 2 ** 20) };
}

/** Memory is sampled this often (a full collection costs a few milliseconds). */
const memoryEvery = 50_000;

/** Wall and CPU time since `started`, and the rates they give: the same fields in every report. */
function timingOf(started: number, cpuAtStart: NodeJS.CpuUsage, cases: number) {
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(cpuAtStart);
  return {
    seconds: Number(seconds.toFixed(1)),
    casesPerSecond: Math.round(cases / seconds),
    cpuSeconds: Number(cpu.toFixed(1)),
    casesPerCpuSecond: Math.round(cases / cpu),
  };
}

function runBytes(target: ByteTarget, job: Job): Report {
  const random = new Random(job.seed);
  const seeds = target.seeds();
  let feed = target.create();
  let crashes = 0;
  const examples: { readonly input: string; readonly error: string }[] = [];
  let slowestMs = 0;
  let bytes = 0;
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  for (let index = 0; index < job.cases; index++) {
    if (index % freshParserEvery === 0) feed = target.create();
    const input = random.chance(30) || seeds.length === 0 ? randomBytes(random, random.chance(5) ? 2_000 : 64) : mutate(random, random.pick(seeds), seeds);
    bytes += input.length;
    const caseStarted = performance.now();
    try {
      for (const chunk of chunks(random, input)) feed(chunk);
      // An empty chunk now and then: "the line went quiet" for parsers with a flush.
      if (random.chance(5)) feed(new Uint8Array(0));
    } catch (error) {
      crashes++;
      if (examples.length < maxExamples) examples.push({ input: Buffer.from(input).toString('hex'), error: errorText(error) });
      feed = target.create();
    }
    const caseMs = performance.now() - caseStarted;
    if (caseMs > slowestMs) slowestMs = caseMs;
    if ((index + 1) % reportEvery === 0) progress(index + 1);
  }
  return {
    target: job.target,
    cases: job.cases,
    crashes,
    violations: 0,
    ...timingOf(started, cpuAtStart, job.cases),
    megabytes: Number((bytes / 1e6).toFixed(1)),
    slowestCaseMs: Number(slowestMs.toFixed(2)),
    ...memory(),
    examples,
  };
}

async function runMessages(target: MessageTarget, job: Job): Promise<Report> {
  const random = new Random(job.seed);
  let crashes = 0;
  let violations = 0;
  const examples: { readonly input: string; readonly error: string }[] = [];
  const outcomes = new Map<string, number>();
  const findings: Findings = {
    crash(input, error) {
      crashes++;
      if (examples.length < maxExamples) examples.push({ input, error: `crash: ${error}` });
    },
    violation(input, problem) {
      violations++;
      if (examples.length < maxExamples) examples.push({ input, error: `violation: ${problem}` });
    },
    count(outcome, by = 1) {
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + by);
    },
  };
  // A rejection nobody handles, or an exception thrown from a timer or socket callback, would end a
  // lane or hub process: here each is a crash, reported with the batch it happened in.
  let batchStart = 0;
  const escaped = (kind: string) => (error: unknown) => findings.crash(`(a case in the batch starting at case ${batchStart})`, `${kind}: ${errorText(error)}`);
  process.on('unhandledRejection', escaped('unhandled rejection'));
  process.on('uncaughtException', escaped('uncaught exception'));

  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  let setupMs = 0;
  let slowestBatchMs = 0;
  const peak = { heapMiB: 0, rssMiB: 0 };
  const sample = () => {
    const now = memory();
    peak.heapMiB = Math.max(peak.heapMiB, now.heapMiB);
    peak.rssMiB = Math.max(peak.rssMiB, now.rssMiB);
  };
  let rig = await target.start();
  setupMs += performance.now() - started;
  let sinceRestart = 0;
  for (let done = 0; done < job.cases; ) {
    const size = Math.min(target.batch, job.cases - done);
    batchStart = done;
    const batchStarted = performance.now();
    await rig.runBatch(random, size, findings);
    slowestBatchMs = Math.max(slowestBatchMs, performance.now() - batchStarted);
    const before = done;
    done += size;
    sinceRestart += size;
    // Every batch: a slow target on a busy machine must not look stuck to the parent's watchdog.
    progress(done);
    if (Math.floor(done / memoryEvery) > Math.floor(before / memoryEvery)) sample();
    if (sinceRestart >= target.restartEvery && done < job.cases) {
      const restarting = performance.now();
      await rig.close();
      rig = await target.start();
      setupMs += performance.now() - restarting;
      sinceRestart = 0;
    }
  }
  sample();
  await rig.close();
  return {
    target: job.target,
    cases: job.cases,
    crashes,
    violations,
    ...timingOf(started, cpuAtStart, job.cases),
    setupSeconds: Number((setupMs / 1000).toFixed(1)),
    slowestBatchMs: Number(slowestBatchMs.toFixed(1)),
    batch: target.batch,
    heapMiB: peak.heapMiB,
    rssMiB: peak.rssMiB,
    outcomes: Object.fromEntries([...outcomes].sort(([a], [b]) => a.localeCompare(b))),
    examples: examples.map((example) => ({ input: shown(example.input), error: example.error.slice(0, 4_000) })),
  };
}

async function run(job: Job): Promise<Report> {
  const target = fuzzTargets.find((candidate) => candidate.name === job.target);
  if (!target) throw new Error(`unknown fuzz target ${job.target}`);
  return target.kind === 'bytes' ? runBytes(target, job) : runMessages(target, job);
}

process.once('message', (job: Job) => {
  run(job).then(
    // Exit only once the report has left: disconnecting with it still queued crashes Node 20's IPC.
    (result) => process.send?.({ kind: 'done', result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ kind: 'failed', error: `the fuzzer itself failed: ${errorText(error)}` }, () => process.exit(1)),
  );
});
