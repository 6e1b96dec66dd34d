import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../shared/log';
import type { FromLane, LaneProgress, ProofLaneConfig, ToLane } from './laneProtocol';

const laneEntry = fileURLToPath(new URL('./laneProcess.ts', import.meta.url));

/**
 * The harness's handle on one lane process: started, SIGKILLed and started again by the
 * harness (not by itself: the harness decides when the power comes back), stopped cleanly at
 * the end. It keeps the lane's latest progress and counts starts, kills and crashes (exits
 * nobody asked for).
 */
export class LaneChild {
  readonly config: ProofLaneConfig;
  readonly #configPath: string;
  readonly #log: Logger;
  #child: ChildProcess | undefined;
  #progress: LaneProgress | undefined;
  #ready = false;
  #settling = false;
  /** Processes killed or stopped on purpose: their exit is no crash. */
  readonly #expected = new WeakSet<ChildProcess>();
  starts = 0;
  kills = 0;
  /** Exits that were neither a kill nor a stop, with what the lane said. */
  readonly crashes: string[] = [];

  constructor(config: ProofLaneConfig, configPath: string, log: Logger) {
    this.config = config;
    this.#configPath = configPath;
    this.#log = log;
    writeFileSync(configPath, JSON.stringify(config, null, 2));
  }

  get laneId(): string {
    return this.config.laneId;
  }

  /** True while a process exists (starting, selling or uploading). */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** True once the running process has opened its journal and restored its state. */
  get ready(): boolean {
    return this.#ready;
  }

  /** The latest report, or undefined while no process has reported since the last start. */
  get progress(): LaneProgress | undefined {
    return this.#progress;
  }

  /** Starts the process; resolves when it has opened its journal and restored its state. */
  start(timeoutMs = 60_000): Promise<void> {
    if (this.#child) throw new Error(`${this.laneId} is already running`);
    this.starts++;
    this.#progress = undefined;
    this.#ready = false;
    const child = fork(laneEntry, ['--config', this.#configPath], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.#child = child;
    let lastError = '';
    const forward = (stream: NodeJS.ReadableStream | null) => stream && createInterface({ input: stream }).on('line', (line) => this.#log.warn({ output: line }, 'lane process output'));
    forward(child.stdout);
    forward(child.stderr);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.laneId} did not start within ${timeoutMs} ms`)), timeoutMs);
      child.on('message', (message: FromLane) => {
        if (message.kind === 'ready') {
          clearTimeout(timer);
          this.#ready = true;
          this.#log.info({ pid: message.pid, restored: message.restored, state: message.state, sales: message.sales }, 'lane process ready');
          if (this.#settling) this.#send({ kind: 'settle' });
          resolve();
        } else if (message.kind === 'progress') this.#progress = message.progress;
        else if (message.kind === 'failed') lastError = message.error;
      });
      child.on('exit', (code, signal) => {
        if (this.#child === child) this.#child = undefined;
        this.#progress = undefined;
        this.#ready = false;
        clearTimeout(timer);
        if (!this.#expected.has(child)) {
          const crash = `${this.laneId} exited by itself (code ${code}, signal ${signal})${lastError ? `: ${lastError}` : ''}`;
          this.crashes.push(crash);
          this.#log.error({ code, signal, lastError }, 'lane process crashed');
        }
        reject(new Error(`${this.laneId} exited before it was ready (code ${code}, signal ${signal})`));
      });
    });
  }

  /** A power cut: SIGKILL, whatever the lane is doing. Resolves when the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.kills++;
    await this.#ended(child, () => child.kill('SIGKILL'));
  }

  /** From now on (and after every restart) the lane checks the store often instead of backing off. */
  settle(): void {
    this.#settling = true;
    this.#send({ kind: 'settle' });
  }

  /** Asks the lane to stop cleanly; true when it exited with code 0 in time (else it is killed). */
  async stop(timeoutMs = 20_000): Promise<boolean> {
    const child = this.#child;
    if (!child) return true;
    let clean = false;
    await this.#ended(child, () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        clean = code === 0;
      });
      this.#send({ kind: 'stop' });
    });
    return clean;
  }

  #ended(child: ChildProcess, action: () => void): Promise<void> {
    this.#expected.add(child);
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    action();
    return exited;
  }

  #send(message: ToLane): void {
    const child = this.#child;
    if (child?.connected) child.send(message, (error) => error && this.#log.warn({ error: String(error) }, 'message to the lane process lost'));
  }
}
