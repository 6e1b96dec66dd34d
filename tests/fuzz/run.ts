import { fork } from 'node:child_process';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fuzzTargets } from './targets';

/**
 * `npm run fuzz`: every protocol parser fed generated and mutated frames, and the lane's and
 * the hub's message handling fed generated and mutated messages (1,000,000 cases each by
 * default; `--cases N`, `--target name[,name…]`, `--seed N`). Each target runs in its
 * own process; one that reports no progress for `hangSeconds` is killed and counted as a hang.
 * Prints one JSON document on stdout and a human summary on stderr; exits 1 on any crash,
 * violation or hang.
 */

export interface FuzzExample {
  /** Hex for byte targets, the message text for message targets. */
  readonly input: string;
  readonly error: string;
}

export interface FuzzResult {
  readonly target: string;
  readonly cases: number;
  /** Exceptions escaping the code under test (thrown, unhandled, or caught only by a last-resort handler that logs an error). */
  readonly crashes: number;
  /** Messages that did what they must not: a forged command carried out, an invalid call reaching the service… */
  readonly violations: number;
  readonly hangs: number;
  readonly seconds?: number;
  readonly casesPerSecond?: number;
  /** CPU time of the target's process (user + system; a message target's servers run in it too), and cases per CPU second: the figure that holds on a busy machine. */
  readonly cpuSeconds?: number;
  readonly casesPerCpuSecond?: number;
  /** Message targets: time spent starting (and restarting) servers and databases, within `seconds`. */
  readonly setupSeconds?: number;
  readonly megabytes?: number;
  readonly slowestCaseMs?: number;
  readonly batch?: number;
  readonly slowestBatchMs?: number;
  /** Peak live heap after a full collection, and peak resident memory, sampled every 50,000 cases (message targets) or at the end. */
  readonly heapMiB?: number;
  readonly rssMiB?: number;
  /** Message targets: what the cases reached (refused where, accepted, carried out). */
  readonly outcomes?: Readonly<Record<string, number>>;
  readonly examples?: readonly FuzzExample[];
  readonly error?: string;
}

export interface FuzzReport {
  readonly date: string;
  readonly machine: { readonly cpuModel: string; readonly cores: number; readonly memoryGiB: number; readonly node: string; readonly platform: string };
  readonly seed: number;
  readonly casesPerTarget: number;
  readonly seconds: number;
  readonly crashes: number;
  readonly violations: number;
  readonly hangs: number;
  readonly results: readonly FuzzResult[];
}

const hangSeconds = 20;

export function fuzzOne(target: string, cases: number, seed: number): Promise<FuzzResult> {
  return new Promise((resolve) => {
    // --expose-gc: memory is reported after a full collection, so it shows what stays rather than garbage.
    const child = fork(fileURLToPath(new URL('./worker.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    const failed = (fields: { crashes?: number; hangs?: number; error: string }): FuzzResult => ({ target, cases, crashes: fields.crashes ?? 0, violations: 0, hangs: fields.hangs ?? 0, error: fields.error });
    const finish = (result: FuzzResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      child.kill('SIGKILL');
      resolve(result);
    };
    let watchdog = setTimeout(() => finish(failed({ hangs: 1, error: `no progress for ${hangSeconds} s` })), hangSeconds * 1000);
    child.on('message', (message: { kind: string; done?: number; result?: Omit<FuzzResult, 'hangs'>; error?: string }) => {
      if (message.kind === 'progress') {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => finish(failed({ hangs: 1, error: `stuck after ${message.done} cases` })), hangSeconds * 1000);
      } else if (message.kind === 'done' && message.result) {
        finish({ ...message.result, hangs: 0 });
      } else if (message.kind === 'failed') {
        finish(failed({ crashes: 1, error: message.error ?? 'the worker failed' }));
      }
    });
    child.on('exit', (code, signal) => finish(failed({ crashes: 1, error: `worker exited with ${signal ?? `code ${code}`}` })));
    child.send({ target, cases, seed });
  });
}

export function machine(): FuzzReport['machine'] {
  const all = cpus();
  return { cpuModel: all[0]?.model ?? 'unknown', cores: all.length, memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version, platform: `${process.platform}-${process.arch}` };
}

export async function fuzzAll(options: { readonly cases: number; readonly seed: number; readonly targets?: readonly string[]; readonly log?: (line: string) => void }): Promise<FuzzResult[]> {
  const chosen = fuzzTargets.filter((target) => !options.targets?.length || options.targets.includes(target.name));
  const unknown = options.targets?.filter((name) => !fuzzTargets.some((target) => target.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`no fuzz target ${unknown.join(', ')}`);
  // The message targets take longest: started first, the parsers fill in around them.
  const queue = [...chosen.filter((target) => target.kind === 'messages'), ...chosen.filter((target) => target.kind === 'bytes')].map((target) => target.name);
  const results: FuzzResult[] = [];
  const parallel = Math.max(1, Math.min(availableParallelism(), 4));
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        options.log?.(`fuzzing ${name}…`);
        const result = await fuzzOne(name, options.cases, options.seed);
        options.log?.(summaryLine(result));
        results.push(result);
      }
    }),
  );
  return results.sort((a, b) => a.target.localeCompare(b.target));
}

export async function runFuzz(options: { readonly cases: number; readonly seed: number; readonly targets?: readonly string[]; readonly log?: (line: string) => void }): Promise<FuzzReport> {
  const started = Date.now();
  const results = await fuzzAll(options);
  const total = (field: 'crashes' | 'violations' | 'hangs') => results.reduce((sum, result) => sum + result[field], 0);
  return {
    date: new Date().toISOString(),
    machine: machine(),
    seed: options.seed,
    casesPerTarget: options.cases,
    seconds: Math.round((Date.now() - started) / 1000),
    crashes: total('crashes'),
    violations: total('violations'),
    hangs: total('hangs'),
    results,
  };
}

export function summaryLine(result: FuzzResult): string {
  const failures = result.crashes || result.violations || result.hangs;
  const verdict = failures ? `FAILED: ${result.crashes} crashes, ${result.violations} violations, ${result.hangs} hangs ${result.error ?? ''}` : 'ok';
  const slowest = result.slowestCaseMs !== undefined ? `slowest case ${result.slowestCaseMs} ms` : result.slowestBatchMs !== undefined ? `slowest batch of ${result.batch} ${result.slowestBatchMs} ms` : '';
  return `${result.target.padEnd(28)} ${String(result.cases).padStart(9)} cases ${String(result.casesPerSecond ?? '-').padStart(8)}/s (${String(result.casesPerCpuSecond ?? '-').padStart(7)}/CPU s) ${String(result.seconds ?? '-').padStart(7)} s  ${slowest}  ${verdict}`;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const cases = Number(argument('cases') ?? 1_000_000);
  const seed = Number(argument('seed') ?? Date.now() % 2 ** 31);
  const targets = argument('target')?.split(',').filter(Boolean);
  if (!Number.isSafeInteger(cases) || cases < 1) throw new Error('--cases must be a positive integer');
  const report = await runFuzz({ cases, seed, targets, log: (line) => process.stderr.write(`${line}\n`) });
  // The JSON document always goes to stdout (`--json` is accepted, as by the other harnesses).
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`\n${report.results.length} targets × ${cases} cases in ${report.seconds} s (seed ${seed}): ${report.crashes} crashes, ${report.violations} violations, ${report.hangs} hangs\n`);
  for (const result of report.results) {
    process.stderr.write(`${summaryLine(result)}\n`);
    for (const example of result.examples ?? []) process.stderr.write(`    ${example.error.split('\n')[0]}\n      input: ${example.input.slice(0, 300)}\n`);
  }
  if (report.crashes > 0 || report.violations > 0 || report.hangs > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`fuzz failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
}
