import { closeSync, existsSync, openSync, readdirSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeControl, ProbeLine } from './soakProtocol';

/**
 * The soak's probe: a few lines of plain JavaScript that every watched process loads before its
 * own code (`NODE_OPTIONS=--import=<probe.mjs>`), so memory and event-loop delay are measured
 * inside the process, the same way in a lane, the hub, the store server and the station client,
 * without changing them. It must be plain JavaScript: `--import` reaches every thread, including
 * tsx's loader thread, which cannot load TypeScript; only the main thread measures.
 *
 * Each `everyMs` it appends a sample to `probe-<pid>.jsonl` in the probe folder: the process's own
 * `process.memoryUsage()` (and, on Linux, resident memory by kind and the time its event-loop
 * thread waited for a CPU), CPU and event-loop utilisation since the last sample, and the interval's
 * event-loop delay from `perf_hooks.monitorEventLoopDelay` (a timer every `resolutionMs`; the delay
 * is how late it ran). A second monitor covers the whole phase the harness has written to
 * `control.json`; when the phase changes the probe writes that phase's figures (and, if asked, a
 * heap snapshot in between, so its pause counts in neither phase).
 */
export const probeSource = `
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

const dir = process.env.LANEWISE_SOAK_PROBE_DIR;
if (isMainThread && dir) {
  const everyMs = Number(process.env.LANEWISE_SOAK_PROBE_MS) || 1000;
  const resolutionMs = Number(process.env.LANEWISE_SOAK_ELD_RESOLUTION_MS) || 5;
  const fd = openSync(join(dir, 'probe-' + process.pid + '.jsonl'), 'a');
  const write = (line) => {
    try {
      writeSync(fd, JSON.stringify(line) + '\\n');
    } catch {
      // The harness's folder is gone: nobody is listening any more.
    }
  };
  const interval = monitorEventLoopDelay({ resolution: resolutionMs });
  const whole = monitorEventLoopDelay({ resolution: resolutionMs });
  interval.enable();
  whole.enable();
  const late = (ns) => Math.max(0, ns / 1e6 - resolutionMs);
  const delayOf = (histogram) =>
    histogram.count === 0
      ? null
      : { count: histogram.count, p50: late(histogram.percentile(50)), p99: late(histogram.percentile(99)), max: late(histogram.max), mean: late(histogram.mean) };
  // Linux tells more than Node does: resident memory by kind, threads, and how long the event-loop
  // thread waited for a CPU (schedstat's second field) — a delay the process did not cause itself.
  const status = () => {
    try {
      const text = readFileSync('/proc/self/status', 'utf8');
      const bytes = (pattern) => {
        const found = pattern.exec(text);
        return found ? Number(found[1]) * 1024 : null;
      };
      const threads = /^Threads:\\s+(\\d+)/m.exec(text);
      return { rssAnon: bytes(/^RssAnon:\\s+(\\d+)/m), rssFile: bytes(/^RssFile:\\s+(\\d+)/m), rssShmem: bytes(/^RssShmem:\\s+(\\d+)/m), threads: threads ? Number(threads[1]) : null };
    } catch {
      return { rssAnon: null, rssFile: null, rssShmem: null, threads: null };
    }
  };
  // V8's young generation as committed: it grows (up to twice the largest semi-space) when many
  // objects survive a scavenge, and is the part of the reserved heap that moves most.
  const newSpace = () => {
    try {
      return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? null;
    } catch {
      return null;
    }
  };
  const waitedNs = () => {
    try {
      return Number(readFileSync('/proc/self/task/' + process.pid + '/schedstat', 'utf8').split(' ')[1]);
    } catch {
      return null;
    }
  };
  let phase = 'start';
  let phaseSince = Date.now();
  let lastAt = performance.now();
  let lastCpu = process.cpuUsage();
  let lastElu = performance.eventLoopUtilization();
  let lastWaited = waitedNs();
  write({ kind: 'hello', pid: process.pid, argv: process.argv, at: Date.now(), resolutionMs, everyMs });

  const sample = () => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const elu = performance.eventLoopUtilization(lastElu);
    const memory = process.memoryUsage();
    const waited = waitedNs();
    write({
      kind: 'sample',
      at: Date.now(),
      phase,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      newSpace: newSpace(),
      arrayBuffers: memory.arrayBuffers,
      ...status(),
      runQueueMs: waited !== null && lastWaited !== null ? (waited - lastWaited) / 1e6 : null,
      cpu: (cpu.user + cpu.system) / 1000 / Math.max(1, now - lastAt),
      elu: elu.utilization,
      eld: delayOf(interval),
    });
    interval.reset();
    lastAt = now;
    lastCpu = process.cpuUsage();
    lastElu = performance.eventLoopUtilization();
    lastWaited = waited;
  };
  const endPhase = () => write({ kind: 'phase', phase, from: phaseSince, to: Date.now(), eld: delayOf(whole) });

  const timer = setInterval(() => {
    sample();
    let wanted;
    try {
      wanted = JSON.parse(readFileSync(join(dir, 'control.json'), 'utf8'));
    } catch {
      return;
    }
    if (!wanted || typeof wanted.phase !== 'string' || wanted.phase === phase) return;
    endPhase();
    if (wanted.heapSnapshot) {
      const started = Date.now();
      const file = writeHeapSnapshot(join(dir, 'heap-' + process.pid + '-' + wanted.phase + '.heapsnapshot'));
      write({ kind: 'heapSnapshot', phase: wanted.phase, file, ms: Date.now() - started });
    }
    phase = wanted.phase;
    phaseSince = Date.now();
    whole.reset();
    interval.reset();
    lastAt = performance.now();
    lastCpu = process.cpuUsage();
    lastElu = performance.eventLoopUtilization();
    lastWaited = waitedNs();
  }, everyMs);
  // The probe never keeps a process alive.
  timer.unref();
  process.on('exit', () => {
    sample();
    endPhase();
  });
}
`;

export interface ProbeSettings {
  readonly everyMs: number;
  readonly resolutionMs: number;
}

/**
 * Writes the probe into `dir` and returns the environment that makes every process started
 * with it (fork, spawn) load it: `NODE_OPTIONS` keeps what it had.
 */
export function installProbe(dir: string, settings: ProbeSettings, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = join(dir, 'soak-probe.mjs');
  writeFileSync(file, probeSource);
  setProbePhase(dir, { phase: 'start', heapSnapshot: false });
  return {
    LANEWISE_SOAK_PROBE_DIR: dir,
    LANEWISE_SOAK_PROBE_MS: String(settings.everyMs),
    LANEWISE_SOAK_ELD_RESOLUTION_MS: String(settings.resolutionMs),
    NODE_OPTIONS: [env.NODE_OPTIONS, `--import=${file}`].filter(Boolean).join(' '),
  };
}

/** Tells every probe the run's phase (each reads it at its next sample). Written whole, then renamed: never read half-written. */
export function setProbePhase(dir: string, control: ProbeControl): void {
  const file = join(dir, 'control.json');
  writeFileSync(`${file}.next`, JSON.stringify(control));
  renameSync(`${file}.next`, file);
}

/**
 * Reads what the probes have appended since the last call, a file per process. Whole lines
 * only: a line still being written is read next time.
 */
export class ProbeReader {
  readonly #dir: string;
  readonly #offsets = new Map<string, number>();
  readonly #partial = new Map<string, string>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** New lines, by the pid that wrote them. */
  read(): Map<number, ProbeLine[]> {
    const found = new Map<number, ProbeLine[]>();
    if (!existsSync(this.#dir)) return found;
    for (const name of readdirSync(this.#dir)) {
      const match = /^probe-(\d+)\.jsonl$/u.exec(name);
      if (!match) continue;
      const path = join(this.#dir, name);
      const offset = this.#offsets.get(name) ?? 0;
      const size = statSync(path).size;
      if (size <= offset) continue;
      const buffer = Buffer.alloc(size - offset);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, buffer, 0, buffer.length, offset);
      } finally {
        closeSync(fd);
      }
      this.#offsets.set(name, size);
      const text = (this.#partial.get(name) ?? '') + buffer.toString('utf8');
      const end = text.lastIndexOf('\n');
      this.#partial.set(name, text.slice(end + 1));
      const lines = text
        .slice(0, end + 1)
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as ProbeLine);
      if (lines.length > 0) found.set(Number(match[1]), lines);
    }
    return found;
  }
}
