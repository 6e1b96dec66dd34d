import type { DeviceStatus } from '../../shared/devices';
import type { Event } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { err, ok, type Result } from '../../shared/result';
import { DeviceConnection } from '../deviceConnection';
import { errorMessage } from '../deviceEvents';
import type { BackoffOptions } from '../serial/reconnect';
import type { SerialTransport } from '../serial/transport';
import {
  encodeRelayFrame,
  hasFlashingLamp,
  laneLightOutputs,
  laneLightSignals,
  relayStates,
  resolveLaneLightChannels,
  validateLaneLightSignal,
  type LaneLightChannels,
  type LaneLightOutput,
  type LaneLightSignal,
} from './codec';

export interface LaneLightServiceOptions {
  /** How the tower is wired to the relay board; default green 1, yellow 2, red 3, buzzer 4. */
  readonly channels?: Partial<LaneLightChannels>;
  /** One full on+off cycle of a flashing lamp. Default 1000 ms; at least 334 ms (3 Hz). */
  readonly flashPeriodMs?: number;
  /**
   * Every so often the whole state is sent again, though nothing changed. The board
   * never answers, so this is the only way a frame lost to line noise, or relays
   * dropped by a power blip the host did not see, get put right. Default 60 000 ms; 0 disables.
   */
  readonly refreshIntervalMs?: number;
  /** A relay frame that has not left the host within this means the line is stuck. Default 1000 ms. */
  readonly writeTimeoutMs?: number;
  readonly reconnect?: BackoffOptions;
}

export interface LaneLightFailure {
  /** `lineLost`: the board is away; `closed`: the service is not started. The signal is shown once it can be. */
  readonly reason: 'lineLost' | 'closed';
  readonly detail: string;
}

/**
 * 1 Hz at 50 % duty: slow enough to read as "flashing" rather than flicker from
 * across a store, and a third of the 3 flashes per second above which flashing
 * is a seizure risk (WCAG 2.3.1 "Three Flashes or Below Threshold").
 */
const defaultFlashPeriodMs = 1_000;
const minFlashPeriodMs = Math.ceil(1_000 / 3);
/** A minute of a wrong lamp is tolerable; 4 frames a minute cost nothing (and no relay switches unless it was wrong). */
const defaultRefreshIntervalMs = 60_000;
/** A 4-byte frame takes ~4 ms at 9600 baud; a second without draining is a wedged adapter, not a slow one. */
const defaultWriteTimeoutMs = 1_000;

/**
 * A tower light on a CH340 "LCUS" relay board (codec.ts). UnifiedPOS has no
 * tower-light device class; the lifecycle follows the other services: open →
 * claim (exclusive port lock) on `start()`, everything switched off and closed
 * on `stop()`.
 *
 * The board never answers, so `ready` only means the port is open and the last
 * frames drained; a failed or stuck write, or the line going away, is `lost`
 * and the service reopens with backoff. The board loses its relay states when
 * it loses power (unplugged), so after every (re)connect, and every
 * `refreshIntervalMs`, the full state is sent again; otherwise only relays whose
 * state changes are written. The boards have no flashing mode: the service
 * switches flashing lamps itself.
 */
export class LaneLightService {
  readonly #transport: SerialTransport;
  readonly #connection: DeviceConnection;
  readonly #log: Logger;
  readonly #channels: LaneLightChannels;
  readonly #halfPeriodMs: number;
  readonly #writeTimeoutMs: number;
  readonly #refreshIntervalMs: number;
  readonly onStatus: Event<DeviceStatus>;

  #signal: LaneLightSignal = laneLightSignals.closed;
  /** Set by stop(): the board is switched off whatever the signal says. */
  #switchingOff = false;
  /** What each relay was last switched to on this line; unknown (absent) after (re)connecting. */
  readonly #sent = new Map<LaneLightOutput, boolean>();
  #flashOn = true;
  #flashTimer: ReturnType<typeof setInterval> | undefined;
  #refreshTimer: ReturnType<typeof setInterval> | undefined;
  #syncing: Promise<void> | undefined;

  constructor(transport: SerialTransport, log: Logger, options: LaneLightServiceOptions = {}) {
    this.#transport = transport;
    this.#log = log.child({ device: 'laneLight', path: transport.path });
    this.#channels = resolveLaneLightChannels(options.channels);
    const flashPeriodMs = options.flashPeriodMs ?? defaultFlashPeriodMs;
    if (!(Number.isFinite(flashPeriodMs) && flashPeriodMs >= minFlashPeriodMs)) {
      throw new RangeError(`flashPeriodMs must be at least ${minFlashPeriodMs} (3 flashes a second), got ${flashPeriodMs}`);
    }
    this.#halfPeriodMs = flashPeriodMs / 2;
    this.#writeTimeoutMs = options.writeTimeoutMs ?? defaultWriteTimeoutMs;
    if (!(Number.isFinite(this.#writeTimeoutMs) && this.#writeTimeoutMs > 0)) throw new RangeError(`writeTimeoutMs must be a positive number, got ${this.#writeTimeoutMs}`);
    this.#refreshIntervalMs = options.refreshIntervalMs ?? defaultRefreshIntervalMs;
    if (!(Number.isFinite(this.#refreshIntervalMs) && this.#refreshIntervalMs >= 0)) throw new RangeError(`refreshIntervalMs must be >= 0, got ${this.#refreshIntervalMs}`);
    this.#connection = new DeviceConnection(transport, this.#log, {
      device: 'lane light',
      port: 'lane light port',
      reconnect: options.reconnect,
      onStart: () => this.#onStart(),
      onOpened: () => this.#onOpened(),
      onLineDown: () => this.#sent.clear(),
      beforeClose: () => this.#switchOff(),
    });
    this.onStatus = this.#connection.onStatus;
  }

  get status(): DeviceStatus {
    return this.#connection.status;
  }

  /** The signal last asked for (shown, or to be shown once the board is back). */
  get signal(): LaneLightSignal {
    return this.#signal;
  }

  get channels(): LaneLightChannels {
    return this.#channels;
  }

  /** Resolves after the first open attempt (`ready`, or `lost` and reconnecting); never rejects for an absent board. */
  start(): Promise<void> {
    return this.#connection.start();
  }

  /** Switches every relay off (if the board is there), then closes the port. */
  stop(): Promise<void> {
    return this.#connection.stop();
  }

  /**
   * Shows `signal`. Resolves once the relays are switched; while the board is
   * away or the service is stopped, the signal is kept and shown as soon as it
   * can be, and the result says why it is not on the tower yet. An invalid
   * signal is a bug and throws.
   */
  async show(signal: LaneLightSignal): Promise<Result<void, LaneLightFailure>> {
    const next = validateLaneLightSignal(signal);
    const flashingBefore = hasFlashingLamp(this.#signal);
    this.#signal = next;
    // A lamp that starts flashing lights at once, so the change shows without waiting for the next half period.
    if (!flashingBefore && hasFlashingLamp(next)) this.#flashOn = true;
    if (!this.#connection.started) return err({ reason: 'closed', detail: 'the lane light service is not started' });
    this.#updateFlashTimer();
    await this.#sync();
    const status = this.#connection.status;
    if (status.kind !== 'ready') {
      const detail = status.kind === 'lost' ? `lane light line lost: ${status.reason}` : `lane light is ${status.kind}`;
      return err({ reason: 'lineLost', detail });
    }
    return ok(undefined);
  }

  // --- Relays -----------------------------------------------------------------

  #wanted(): Record<LaneLightOutput, boolean> {
    if (this.#switchingOff) return { green: false, yellow: false, red: false, buzzer: false };
    return relayStates(this.#signal, this.#flashOn);
  }

  /**
   * Writes frames until the relays match what is wanted; one writer at a time,
   * and the wanted state is read afresh before each frame, so a flash tick or a
   * new signal arriving mid-way is picked up. Resolves when in step or when the line is gone.
   */
  #sync(): Promise<void> {
    this.#syncing ??= this.#writeChanges().finally(() => (this.#syncing = undefined));
    return this.#syncing;
  }

  async #writeChanges(): Promise<void> {
    for (;;) {
      if (this.#connection.status.kind !== 'ready' || !this.#connection.started) return;
      const wanted = this.#wanted();
      const changed = laneLightOutputs.filter((output) => this.#channels[output] !== null && this.#sent.get(output) !== wanted[output]);
      if (changed.length === 0) return;
      // Offs first, so two colours never light together for a moment.
      const output = changed.find((candidate) => !wanted[candidate]) ?? (changed[0] as LaneLightOutput);
      const channel = this.#channels[output] as number;
      const written = await this.#write(encodeRelayFrame(channel, wanted[output]));
      if (!written) return;
      this.#sent.set(output, wanted[output]);
    }
  }

  async #write(frame: Uint8Array): Promise<boolean> {
    const line = this.#connection.generation;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.#writeTimeoutMs)));
    try {
      const outcome = await Promise.race([this.#transport.write(frame).then(() => 'ok' as const), timeout]);
      if (line !== this.#connection.generation) return false;
      // A failed or stuck write is the only sign of a board gone without the transport noticing.
      if (outcome === 'timeout') {
        await this.#connection.reportLost(`relay frame not sent within ${this.#writeTimeoutMs} ms`);
        return false;
      }
      return true;
    } catch (error) {
      if (line === this.#connection.generation) await this.#connection.reportLost(errorMessage(error));
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  // --- Flashing ---------------------------------------------------------------

  #updateFlashTimer(): void {
    const flashing = this.#connection.started && !this.#switchingOff && hasFlashingLamp(this.#signal);
    if (!flashing) {
      this.#stopFlashing();
      return;
    }
    if (this.#flashTimer !== undefined) return;
    this.#flashTimer = setInterval(() => {
      this.#flashOn = !this.#flashOn;
      void this.#sync();
    }, this.#halfPeriodMs);
  }

  #stopFlashing(): void {
    if (this.#flashTimer !== undefined) clearInterval(this.#flashTimer);
    this.#flashTimer = undefined;
  }

  // --- Line -------------------------------------------------------------------

  /** Flashing and the periodic refresh run while started, board or not: they only write while it is there. */
  #onStart(): void {
    this.#switchingOff = false;
    this.#updateFlashTimer();
    if (this.#refreshIntervalMs > 0) {
      this.#refreshTimer = setInterval(() => {
        // Forget what was sent: the next sync writes every relay once.
        this.#sent.clear();
        void this.#sync();
      }, this.#refreshIntervalMs);
    }
  }

  async #onOpened(): Promise<void> {
    // The board may have been without power: its relays are whatever it powered up with.
    this.#sent.clear();
    this.#connection.setStatus({ kind: 'ready', warnings: [] });
    await this.#sync();
  }

  /** stop()'s last words: every relay off, while the port is still open. */
  async #switchOff(): Promise<void> {
    this.#switchingOff = true;
    this.#stopFlashing();
    if (this.#refreshTimer !== undefined) clearInterval(this.#refreshTimer);
    this.#refreshTimer = undefined;
    await this.#sync();
  }
}
