import type { DeviceStatus } from '../shared/devices';
import { Emitter, type Disposable, type Event } from '../shared/event';
import type { Logger } from '../shared/log';
import { errorMessage, fireSafely, sameDeviceStatus } from './deviceEvents';
import { Reconnector, type BackoffOptions } from './serial/reconnect';

/**
 * The part of a transport a connection drives. `SerialTransport` and `HidTransport` both have
 * it; what the device sends (`onData`, `onReport`) is the owning service's business (`listen`).
 */
export interface ConnectionTransport {
  open(): Promise<void>;
  close(): Promise<void>;
  /** The line went away without `close()` being called. */
  readonly onLost: Event<Error>;
}

/** Which open this is: the one `start()` makes, or one of the reconnect loop's. */
export type OpenAttempt = 'start' | 'reconnect';

/** Where the owning service does its device's part of the lifecycle. */
export interface DeviceConnectionHooks {
  /** Subscribes to what the device sends; called by `start()`, disposed by `stop()`. */
  listen?(): Disposable;
  /** Called by `start()` once `started` is true and the status `connecting`, before the first open. */
  onStart?(): void;
  /**
   * The transport is open (again). Resets what belonged to the old line, sets the status
   * (`ready`, or `connecting` while it asks the device) and does any device work, such as
   * asking for the device's status or sending it its state again. A loss or `stop()` while
   * the returned promise is pending makes the attempt count as failed (`generation` moves on).
   */
  onOpened(attempt: OpenAttempt): Promise<void> | void;
  /**
   * The line is not usable: an open failed, it was lost, or `stop()` runs. Drops partial
   * frames, fails requests waiting for a reply, clears timers that belong to the line.
   */
  onLineDown?(): void;
  /**
   * Called by `stop()` while still started, before anything is torn down, for last words to
   * the device (the lane light switches its relays off). A loss meanwhile is reported but
   * not reconnected: the service is going away.
   */
  beforeClose?(): Promise<void>;
}

export interface DeviceConnectionOptions extends DeviceConnectionHooks {
  /** The device in log lines: `scanner`, `HID scale`. */
  readonly device: string;
  /** What is opened, in log lines: `scanner port`, `HID scale`. */
  readonly port: string;
  readonly reconnect?: BackoffOptions | undefined;
}

/**
 * The lifecycle every device service shares (UnifiedPOS open → claim → enable and back),
 * so a service only says what is particular to its device:
 *
 * - `start()` shows `connecting` and makes the first open attempt; a failed one shows
 *   `lost` and hands over to the `Reconnector`, which retries with backoff until it opens.
 * - The transport reporting a loss (or the service, through `reportLost`) shows `lost`
 *   and starts the reconnect loop; `stop()` cancels it, closes the transport and shows `closed`.
 * - `generation` names the line: it moves on at every loss and at `stop()`, so work begun
 *   on an older line (an open, a write, a request) knows to give up.
 * - `status` is the service's `DeviceStatus`; setting the one it already has fires nothing.
 *
 * A device that is absent is never an exception: `start()` resolves either way.
 */
export class DeviceConnection {
  readonly #transport: ConnectionTransport;
  readonly #log: Logger;
  readonly #options: DeviceConnectionOptions;
  readonly #reconnector: Reconnector;
  readonly #subscriptions: Disposable[] = [];
  readonly #onStatus = new Emitter<DeviceStatus>();
  readonly onStatus: Event<DeviceStatus> = this.#onStatus.event;

  #status: DeviceStatus = { kind: 'closed' };
  #started = false;
  /** `beforeClose` is running: a loss now is not worth reconnecting for. */
  #closing = false;
  #generation = 0;
  /** A failed open was logged as a warning since the device was last open: repeats go to debug. */
  #outageLogged = false;

  constructor(transport: ConnectionTransport, log: Logger, options: DeviceConnectionOptions) {
    this.#transport = transport;
    this.#log = log;
    this.#options = options;
    this.#reconnector = new Reconnector(() => this.#open('reconnect'), options.reconnect);
  }

  get status(): DeviceStatus {
    return this.#status;
  }

  /** True from `start()` until `stop()` has begun tearing down. */
  get started(): boolean {
    return this.#started;
  }

  /** Bumped whenever the line goes away or the service stops: work begun on an older line gives up. */
  get generation(): number {
    return this.#generation;
  }

  /** Resolves after the first open attempt (and `onOpened`); never rejects because the device is absent. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#closing = false;
    this.#subscriptions.push(this.#transport.onLost((error) => this.#lineLost(error.message)));
    if (this.#options.listen) this.#subscriptions.push(this.#options.listen());
    this.setStatus({ kind: 'connecting' });
    this.#options.onStart?.();
    const opened = await this.#open('start');
    if (!opened && this.#started) this.#reconnector.start();
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#reconnector.cancel();
    if (this.#options.beforeClose) {
      this.#closing = true;
      await this.#options.beforeClose();
    }
    this.#started = false;
    this.#generation++;
    this.#options.onLineDown?.();
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
    try {
      await this.#transport.close();
    } catch (error) {
      this.#log.warn({ err: errorMessage(error) }, `closing the ${this.#options.port} failed`);
    }
    this.setStatus({ kind: 'closed' });
  }

  /**
   * The service found the line dead itself (a write failed or stuck) without the transport
   * saying so: reports the loss as the transport would, and closes our end so the reconnect
   * loop opens it afresh.
   */
  async reportLost(reason: string): Promise<void> {
    if (!this.#started || this.#status.kind === 'lost') return;
    this.#lineLost(reason);
    await this.#transport.close().catch(() => undefined);
  }

  /** Shows `status`; the same status again fires nothing. */
  setStatus(status: DeviceStatus): void {
    if (sameDeviceStatus(this.#status, status)) return;
    const previous = this.#status;
    this.#status = status;
    // A fault coming or going is what an assistant is called over for: worth a line in the log.
    if (status.kind === 'fault' || previous.kind === 'fault') this.#log.info({ from: previous, to: status }, `${this.#options.device} status changed`);
    fireSafely(this.#onStatus, status, this.#log, `${this.#options.device} status`);
  }

  /** One open attempt; true when the loop should stop (opened, or stale because `stop()` ran). */
  async #open(attempt: OpenAttempt): Promise<boolean> {
    const generation = this.#generation;
    try {
      await this.#transport.open();
    } catch (error) {
      if (generation !== this.#generation) return true;
      const reason = errorMessage(error);
      // Log the first failure of an outage loudly; repeats while the device is away are routine.
      if (!this.#outageLogged) this.#log.warn({ err: reason }, `${this.#options.port} could not be opened; retrying`);
      else this.#log.debug({ err: reason, failures: this.#reconnector.failures }, `${this.#options.device} still unavailable`);
      this.#outageLogged = true;
      this.#options.onLineDown?.();
      this.setStatus({ kind: 'lost', reason });
      return false;
    }
    if (generation !== this.#generation) {
      // stop() ran while we were opening: do not leave the port open behind its back.
      await this.#transport.close().catch(() => undefined);
      return true;
    }
    this.#outageLogged = false;
    this.#log.info({ attempt }, `${this.#options.port} open`);
    await this.#options.onOpened(attempt);
    // Lost again during onOpened: tell the loop to keep going (the loss's reconnector.start() was a no-op mid-attempt).
    return generation === this.#generation;
  }

  #lineLost(reason: string): void {
    if (!this.#started || this.#status.kind === 'lost') return;
    this.#generation++;
    this.#options.onLineDown?.();
    this.#log.warn({ err: reason }, `${this.#options.device} line lost; reconnecting`);
    this.setStatus({ kind: 'lost', reason });
    if (!this.#closing) this.#reconnector.start();
  }
}
