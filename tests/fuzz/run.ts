import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fuzzTargets } from './targets';

/**
 * `npm run fuzz`: every protocol parser fed generated and mutated frames
 * (1,000,000 cases each by default; `--cases N`, `--target name`, `--seed N`).
 * Each target runs in its own process; one that reports no progress for
 * `hangSeconds` is killed and counted as a hang. Prints one JSON document on
 * stdout and a human summary on stderr; exits 1 on any crash or hang.
 */

export interface FuzzResult {
  readonly target: string;
  readonly cases: number;
  readonly crashes: number;
  readonly hangs: number;
  readonly casesPerSecond?: number;
  readonly megabytes?: number;
  readonly slowestCaseMs?: number;
  readonly heapMiB?: number;
  readonly examples?: readonly { readonly hex: string; readonly error: string }[];
  readonly error?: string;
}

const hangSeconds = 20;

export function fuzzOne(target: string, cases: number, seed: number): Promise<FuzzResult> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(new URL('./worker.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    const finish = (result: FuzzResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      child.kill('SIGKILL');
      resolve(result);
    };
    let watchdog = setTimeout(() => finish({ target, cases, crashes: 0, hangs: 1, error: `no progress for ${hangSeconds} s` }), hangSeconds * 1000);
    child.on('message', (message: { kind: string; done?: number; result?: Omit<FuzzResult, 'hangs'>; error?: string }) => {
      if (message.kind === 'progress') {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => finish({ target, cases, crashes: 0, hangs: 1, error: `stuck after ${message.done} cases` }), hangSeconds * 1000);
      } else if (message.kind === 'done' && message.result) {
        finish({ ...message.result, hangs: 0 });
      } else if (message.kind === 'failed') {
        finish({ target, cases, crashes: 1, hangs: 0, error: message.error });
      }
    });
    child.on('exit', (code) => finish({ target, cases, crashes: 1, hangs: 0, error: `worker exited with code ${code}` }));
    child.send({ target, cases, seed });
  });
}

export async function fuzzAll(options: { readonly cases: number; readonly seed: number; readonly targets?: readonly string[] }): Promise<FuzzResult[]> {
  const names = fuzzTargets.map((target) => target.name).filter((name) => !options.targets?.length || options.targets.includes(name));
  const results: FuzzResult[] = [];
  const queue = [...names];
  const parallel = Math.max(1, Math.min(availableParallelism(), 4));
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        process.stderr.write(`fuzzing ${name}…\n`);
        results.push(await fuzzOne(name, options.cases, options.seed));
      }
    }),
  );
  return results.sort((a, b) => a.target.localeCompare(b.target));
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const cases = Number(argument('cases') ?? 1_000_000);
  const seed = Number(argument('seed') ?? Date.now() % 2 ** 31);
  const target = argument('target');
  if (!Number.isSafeInteger(cases) || cases < 1) throw new Error('--cases must be a positive integer');
  const started = Date.now();
  const results = await fuzzAll({ cases, seed, targets: target ? [target] : undefined });
  const report = { date: new Date().toISOString(), seed, casesPerTarget: cases, seconds: Math.round((Date.now() - started) / 1000), results };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  for (const result of results) {
    const verdict = result.crashes || result.hangs ? `FAILED: ${result.crashes} crashes, ${result.hangs} hangs ${result.error ?? ''}` : 'ok';
    process.stderr.write(`${result.target.padEnd(28)} ${String(result.cases).padStart(9)} cases  ${String(result.casesPerSecond ?? '-').padStart(9)}/s  slowest ${result.slowestCaseMs ?? '-'} ms  ${verdict}\n`);
  }
  if (results.some((result) => result.crashes > 0 || result.hangs > 0)) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`fuzz failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
}
