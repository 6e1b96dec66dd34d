import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { Emitter } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { repoRoot } from '../cli/paths';

export interface LaneReady {
  readonly laneId: string;
  readonly url: string;
  readonly pid: number;
  readonly restored: boolean;
}

/**
 * A lane runtime in its own process, kept running like a kiosk supervisor would: if it
 * dies it is started again, and the journal brings the sale back. The simulated devices
 * stay in the parent, as real hardware stays plugged in when software crashes.
 */
export class LaneProcess {
  readonly #configFile: string;
  readonly #log: Logger;
  readonly #restartDelayMs: number;
  readonly #onReady = new Emitter<LaneReady>();
  readonly onReady = this.#onReady.event;
  readonly #onExit = new Emitter<{ code: number | null; signal: NodeJS.Signals | null; expected: boolean }>();
  readonly onExit = this.#onExit.event;
  #child: ChildProcess | undefined;
  #ready: LaneReady | undefined;
  #stopping = false;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #starts = 0;

  constructor(configFile: string, log: Logger, options: { restartDelayMs?: number } = {}) {
    this.#configFile = configFile;
    this.#log = log;
    this.#restartDelayMs = options.restartDelayMs ?? 500;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get ready(): LaneReady | undefined {
    return this.#ready;
  }

  /** How many times the lane process has been started (1 + restarts). */
  get starts(): number {
    return this.#starts;
  }

  /** Starts the lane and resolves when it reports ready. */
  start(timeoutMs = 60_000): Promise<LaneReady> {
    this.#stopping = false;
    this.#spawn();
    return this.waitForReady(timeoutMs);
  }

  /** Resolves with the next ready report (or the current one when `fresh` is false and it is up). */
  waitForReady(timeoutMs = 60_000, fresh = false): Promise<LaneReady> {
    if (!fresh && this.#ready) return Promise.resolve(this.#ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.dispose();
        reject(new Error(`lane did not become ready within ${timeoutMs} ms (${this.#configFile})`));
      }, timeoutMs);
      const subscription = this.#onReady.event((ready) => {
        clearTimeout(timer);
        subscription.dispose();
        resolve(ready);
      });
    });
  }

  /** Sends a signal to the lane process, e.g. SIGKILL to simulate a power cut. It is restarted. */
  kill(signal: NodeJS.Signals): void {
    this.#ready = undefined;
    this.#child?.kill(signal);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
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
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'lanewise.mjs'), 'lane', '--config', this.#configFile, '--ready-json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    this.#child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const message = JSON.parse(line) as { event?: string } & LaneReady;
        if (message.event === 'ready') {
          this.#ready = { laneId: message.laneId, url: message.url, pid: message.pid, restored: message.restored };
          this.#onReady.fire(this.#ready);
          return;
        }
      } catch {
        // not a JSON line: plain output, passed on below
      }
      this.#log.info({ output: line }, 'lane output');
    });
    createInterface({ input: child.stderr! }).on('line', (line) => this.#log.warn({ output: line }, 'lane error output'));
    child.on('exit', (code, signal) => {
      if (this.#child === child) this.#child = undefined;
      this.#ready = undefined;
      this.#onExit.fire({ code, signal, expected: this.#stopping });
      if (this.#stopping) return;
      this.#log.warn({ code, signal }, 'lane process exited; restarting it');
      this.#restartTimer = setTimeout(() => this.#spawn(), this.#restartDelayMs);
    });
  }
}
