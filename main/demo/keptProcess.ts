import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { Emitter } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { repoRoot } from '../cli/paths';

/**
 * A `lanewise` command in its own process, kept running like a kiosk supervisor (systemd)
 * would: if it dies it is started again. The command prints one JSON line
 * `{"event":"ready",…}` when it is up (`--ready-json`); `parseReady` turns it into `R`.
 */
export class KeptProcess<R> {
  readonly #args: readonly string[];
  readonly #nodeFlags: readonly string[];
  readonly #what: string;
  readonly #parseReady: (message: Record<string, unknown>) => R;
  readonly #log: Logger;
  readonly #restartDelayMs: number;
  readonly #onReady = new Emitter<R>();
  readonly onReady = this.#onReady.event;
  readonly #onExit = new Emitter<{ code: number | null; signal: NodeJS.Signals | null; expected: boolean }>();
  readonly onExit = this.#onExit.event;
  #child: ChildProcess | undefined;
  #ready: R | undefined;
  #stopping = false;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #starts = 0;

  constructor(options: {
    args: readonly string[];
    /** Node's own options for the process (before the script), e.g. V8's heap sizing. */
    nodeFlags?: readonly string[];
    what: string;
    parseReady: (message: Record<string, unknown>) => R;
    log: Logger;
    restartDelayMs?: number;
  }) {
    this.#args = options.args;
    this.#nodeFlags = options.nodeFlags ?? [];
    this.#what = options.what;
    this.#parseReady = options.parseReady;
    this.#log = options.log;
    this.#restartDelayMs = options.restartDelayMs ?? 500;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get ready(): R | undefined {
    return this.#ready;
  }

  /** How many times the process has been started (1 + restarts). */
  get starts(): number {
    return this.#starts;
  }

  /** Starts the process and resolves when it reports ready. */
  start(timeoutMs = 60_000): Promise<R> {
    this.#stopping = false;
    this.#spawn();
    return this.waitForReady(timeoutMs);
  }

  /** Resolves with the next ready report (or the current one when `fresh` is false and it is up). */
  waitForReady(timeoutMs = 60_000, fresh = false): Promise<R> {
    if (!fresh && this.#ready) return Promise.resolve(this.#ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.dispose();
        reject(new Error(`${this.#what} did not become ready within ${timeoutMs} ms`));
      }, timeoutMs);
      const subscription = this.#onReady.event((ready) => {
        clearTimeout(timer);
        subscription.dispose();
        resolve(ready);
      });
    });
  }

  /** Sends a signal, e.g. SIGKILL to simulate a power cut. The process is restarted. */
  kill(signal: NodeJS.Signals): void {
    this.#ready = undefined;
    this.#child?.kill(signal);
  }

  /**
   * From now on an exit is expected and not restarted. Called as soon as the demo is asked to
   * stop: Ctrl-C reaches the children too (one process group), and they may exit first.
   */
  expectExit(): void {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
  }

  async stop(): Promise<void> {
    this.expectExit();
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  #spawn(): void {
    this.#starts++;
    this.#ready = undefined;
    const child = spawn(process.execPath, [...this.#nodeFlags, join(repoRoot, 'bin', 'lanewise.mjs'), ...this.#args, '--ready-json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    this.#child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const message = JSON.parse(line) as Record<string, unknown>;
        if (message.event === 'ready') {
          this.#ready = this.#parseReady(message);
          this.#onReady.fire(this.#ready);
          return;
        }
      } catch {
        // not a JSON line: plain output, passed on below
      }
      this.#log.info({ output: line }, `${this.#what} output`);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => this.#log.warn({ output: line }, `${this.#what} error output`));
    child.on('exit', (code, signal) => {
      if (this.#child === child) this.#child = undefined;
      this.#ready = undefined;
      this.#onExit.fire({ code, signal, expected: this.#stopping });
      if (this.#stopping) return;
      this.#log.warn({ code, signal }, `${this.#what} exited; restarting it`);
      this.#restartTimer = setTimeout(() => this.#spawn(), this.#restartDelayMs);
    });
  }
}

export interface LaneReady {
  readonly laneId: string;
  readonly url: string;
  readonly pid: number;
  readonly restored: boolean;
}

/** A lane runtime in its own process; the simulated devices stay in the parent, as real hardware stays plugged in when software crashes. The journal brings the sale back. */
export type LaneProcess = KeptProcess<LaneReady>;

export function laneProcess(configFile: string, log: Logger): LaneProcess {
  return new KeptProcess<LaneReady>({
    args: ['lane', '--config', configFile],
    what: `lane (${configFile})`,
    parseReady: (message) => ({ laneId: String(message.laneId), url: String(message.url), pid: Number(message.pid), restored: message.restored === true }),
    log,
  });
}

export interface HubReady {
  /** The station page. */
  readonly url: string;
  /** Where lanes connect. */
  readonly laneUrl: string;
  readonly pid: number;
}

/** The supervisor hub in its own process (`lanewise supervisor run`). */
export type HubProcess = KeptProcess<HubReady>;

/**
 * Node options the hub runs with (README: the same in `NODE_OPTIONS` for a hub run as a service).
 * V8 sizes its young generation to the allocation it sees, and the hub's traffic (status messages
 * that come in bursts with the lanes' sales) moves it between 4 and 32 MiB and back over hours:
 * resident memory rising and falling 20 % with nothing leaked. A 4 MiB semi-space caps it at 8 MiB;
 * the hub's objects live for one message, so collecting them more often costs nothing measurable.
 */
export const hubNodeFlags: readonly string[] = ['--max-semi-space-size=4'];

export function hubProcess(args: readonly string[], log: Logger): HubProcess {
  return new KeptProcess<HubReady>({
    args: ['supervisor', 'run', ...args],
    nodeFlags: hubNodeFlags,
    what: 'supervisor hub',
    parseReady: (message) => ({ url: String(message.url), laneUrl: String(message.laneUrl), pid: Number(message.pid) }),
    log,
  });
}

export interface StoreReady {
  /** Where lanes reach the store server. */
  readonly url: string;
  readonly backend: string;
  readonly pid: number;
}

/** The store server in its own process (`lanewise store serve`). */
export type StoreProcess = KeptProcess<StoreReady>;

export function storeProcess(args: readonly string[], log: Logger): StoreProcess {
  return new KeptProcess<StoreReady>({
    args: ['store', 'serve', ...args],
    what: 'store server',
    parseReady: (message) => ({ url: String(message.url), backend: String(message.backend), pid: Number(message.pid) }),
    log,
  });
}
