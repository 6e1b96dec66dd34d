import { z } from 'zod';
import { Emitter } from '../../shared/event';
import type { Logger } from '../../shared/log';
import type { RuntimeProcessLike } from './electronApi';
import { fromRuntimeSchema, type FromRuntime, type ToRuntime } from './runtimeMessages';

export interface RestartBackoff {
  /** The first restart's delay; each one after doubles it… */
  readonly firstMs: number;
  /** …up to this. */
  readonly maxMs: number;
  /** A runtime that has been ready this long starts the count again. */
  readonly stableMs: number;
}

/** 1 s, 2 s, 4 s … 30 s; back to 1 s after a minute without a crash. */
export const defaultRestartBackoff: RestartBackoff = { firstMs: 1_000, maxMs: 30_000, stableMs: 60_000 };

/** Bridge messages kept while the runtime is starting or restarting (a shopper's taps meanwhile). */
const maxQueuedMessages = 256;

/** The delay before restart number `attempt` (0-based). */
export function restartDelayMs(attempt: number, backoff: RestartBackoff = defaultRestartBackoff): number {
  return Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(attempt, 30));
}

export interface RuntimeReady {
  readonly restored: boolean;
  readonly state: string;
  /** False for the first start, true after a crash: the page reloads to ask for everything again. */
  readonly restarted: boolean;
}

/**
 * Runs the lane runtime in a utility process and keeps it running: a runtime that exits is
 * started again after 1 s, 2 s, 4 s… (at most 30 s), and restores its sale from the journal.
 * Bridge messages are passed both ways unread; while no runtime is ready they wait in a short
 * queue.
 */
export class RuntimeHost {
  readonly #fork: () => RuntimeProcessLike;
  readonly #log: Logger;
  readonly #backoff: RestartBackoff;
  readonly #stopTimeoutMs: number;
  readonly #onBridgeMessage = new Emitter<string>();
  readonly onBridgeMessage = this.#onBridgeMessage.event;
  readonly #onReady = new Emitter<RuntimeReady>();
  readonly onReady = this.#onReady.event;
  readonly #onKiosk = new Emitter<Extract<FromRuntime, { kind: 'kiosk' }>>();
  /** The lane asks for kiosk mode off (an assistant did, audited) or on again. */
  readonly onKiosk = this.#onKiosk.event;
  readonly #onReadinessChange = new Emitter<void>();
  readonly onReadinessChange = this.#onReadinessChange.event;
  #process: RuntimeProcessLike | undefined;
  #ready = false;
  #readyToInstall = false;
  #attempt = 0;
  #starts = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #stableTimer: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;
  readonly #queue: string[] = [];

  constructor(options: { readonly fork: () => RuntimeProcessLike; readonly log: Logger; readonly backoff?: RestartBackoff; readonly stopTimeoutMs?: number }) {
    this.#fork = options.fork;
    this.#log = options.log;
    this.#backoff = options.backoff ?? defaultRestartBackoff;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  }

  /** True when the running lane says an update may install now (never while it is down). */
  get readyToInstall(): boolean {
    return this.#ready && this.#readyToInstall;
  }

  get running(): boolean {
    return this.#ready;
  }

  start(): void {
    if (this.#stopping || this.#process) return;
    this.#starts++;
    let child: RuntimeProcessLike;
    try {
      child = this.#fork();
    } catch (error) {
      this.#log.error({ error: String(error) }, 'the lane runtime could not be started');
      this.#scheduleRestart();
      return;
    }
    this.#process = child;
    this.#log.info({ pid: child.pid, start: this.#starts }, 'lane runtime starting');
    child.on('message', (message) => {
      if (this.#process === child) this.#fromRuntime(message);
    });
    child.on('exit', (code) => {
      if (this.#process === child) this.#exited(code);
    });
  }

  /** A bridge message from the page. */
  send(message: string): void {
    if (this.#ready && this.#process) {
      this.#post({ kind: 'bridge', message });
      return;
    }
    if (this.#queue.length >= maxQueuedMessages) {
      this.#queue.shift();
      this.#log.warn({}, 'bridge message dropped: the lane runtime is not running and the queue is full');
    }
    this.#queue.push(message);
  }

  /** Asks the runtime to close its journal and devices; kills it if it has not exited in time. */
  stop(): Promise<void> {
    this.#stopping ??= new Promise<void>((resolve) => {
      clearTimeout(this.#restartTimer);
      clearTimeout(this.#stableTimer);
      const child = this.#process;
      if (!child) return resolve();
      const killer = setTimeout(() => {
        this.#log.warn({ pid: child.pid }, 'lane runtime did not stop in time; killed');
        child.kill();
        resolve();
      }, this.#stopTimeoutMs);
      child.on('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      this.#post({ kind: 'stop' });
    });
    return this.#stopping;
  }

  #post(message: ToRuntime): void {
    try {
      this.#process?.postMessage(message);
    } catch (error) {
      this.#log.error({ error: String(error), kind: message.kind }, 'message to the lane runtime failed');
    }
  }

  #fromRuntime(raw: unknown): void {
    const parsed = fromRuntimeSchema.safeParse(raw);
    if (!parsed.success) {
      this.#log.warn({ problem: z.prettifyError(parsed.error) }, 'message from the lane runtime not understood; dropped');
      return;
    }
    const message = parsed.data;
    switch (message.kind) {
      case 'bridge':
        this.#fire(this.#onBridgeMessage, message.message);
        return;
      case 'ready':
        this.#ready = true;
        this.#log.info({ restored: message.restored, state: message.state, start: this.#starts }, 'lane runtime ready');
        for (const queued of this.#queue.splice(0)) this.#post({ kind: 'bridge', message: queued });
        clearTimeout(this.#stableTimer);
        this.#stableTimer = setTimeout(() => (this.#attempt = 0), this.#backoff.stableMs);
        this.#fire(this.#onReady, { restored: message.restored, state: message.state, restarted: this.#starts > 1 });
        return;
      case 'readiness':
        if (message.readyToInstall === this.#readyToInstall) return;
        this.#readyToInstall = message.readyToInstall;
        this.#fire(this.#onReadinessChange, undefined);
        return;
      case 'kiosk':
        this.#fire(this.#onKiosk, message);
        return;
    }
  }

  #exited(code: number): void {
    const wasReadyToInstall = this.readyToInstall;
    this.#process = undefined;
    this.#ready = false;
    this.#readyToInstall = false;
    clearTimeout(this.#stableTimer);
    if (wasReadyToInstall) this.#fire(this.#onReadinessChange, undefined);
    if (this.#stopping) {
      this.#log.info({ code }, 'lane runtime stopped');
      return;
    }
    this.#log.error({ code }, 'lane runtime exited');
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    const delayMs = restartDelayMs(this.#attempt++, this.#backoff);
    this.#log.warn({ delayMs, attempt: this.#attempt }, 'lane runtime restarts');
    this.#restartTimer = setTimeout(() => this.start(), delayMs);
  }

  #fire<T>(emitter: Emitter<T>, value: T): void {
    try {
      emitter.fire(value);
    } catch (error) {
      this.#log.error({ error: String(error) }, 'a runtime host listener failed');
    }
  }
}
