import { chunks, mutate, Random, randomBytes } from './mutate';
import { fuzzTargets } from './targets';

/**
 * One target's fuzzing loop, in its own process so a hang can be detected and
 * killed by the parent. Reports progress every `reportEvery` cases; a crash is
 * reported with the case's bytes (hex) so it can be replayed.
 */
interface Job {
  readonly target: string;
  readonly cases: number;
  readonly seed: number;
}

const reportEvery = 5_000;
/** A fresh parser every this many cases: long enough to fuzz state carried between frames. */
const freshParserEvery = 500;

function run(job: Job): void {
  const target = fuzzTargets.find((candidate) => candidate.name === job.target);
  if (!target) throw new Error(`unknown fuzz target ${job.target}`);
  const random = new Random(job.seed);
  const seeds = target.seeds();
  let feed = target.create();
  let crashes = 0;
  const examples: { readonly hex: string; readonly error: string }[] = [];
  let slowestMs = 0;
  let bytes = 0;
  const started = performance.now();
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
      if (examples.length < 5) examples.push({ hex: Buffer.from(input).toString('hex'), error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      feed = target.create();
    }
    const caseMs = performance.now() - caseStarted;
    if (caseMs > slowestMs) slowestMs = caseMs;
    if ((index + 1) % reportEvery === 0) process.send?.({ kind: 'progress', done: index + 1 });
  }
  const seconds = (performance.now() - started) / 1000;
  // Exit only once the report has left: disconnecting with it still queued crashes Node 20's IPC.
  const result = {
    target: job.target,
    cases: job.cases,
    crashes,
    casesPerSecond: Math.round(job.cases / seconds),
    megabytes: Number((bytes / 1e6).toFixed(1)),
    slowestCaseMs: Number(slowestMs.toFixed(2)),
    heapMiB: Number((process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)),
    examples,
  };
  process.send?.({ kind: 'done', result }, () => process.exit(0));
}

process.once('message', (job: Job) => {
  try {
    run(job);
  } catch (error) {
    process.send?.({ kind: 'failed', error: error instanceof Error ? error.message : String(error) }, () => process.exit(1));
  }
});
