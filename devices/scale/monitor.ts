import type { DeviceStatus } from '../../shared/devices';
import { Emitter, type Event } from '../../shared/event';
import { silentLogger, type Logger } from '../../shared/log';
import type { ScaleOperations, ScaleReadFailure, ScaleReading, ScaleWeight } from '../../shared/scale';
import { fireSafely } from '../deviceEvents';

/** Any scale driver: the serial services here, the Magellan single-cable and HID POS scales. */
export type MonitoredScale = ScaleOperations & { readonly status: DeviceStatus };

export interface ScaleMonitorOptions {
  /** Time from one poll's start to the next's. Default 200 ms; 20 ms to 60 s. */
  readonly pollIntervalMs?: number;
  /** How long readings must stay stable and close together to count as settled. Default 300 ms. */
  readonly settleMs?: number;
  /** How far apart (max − min, grams) readings in the settle window may be. Default 5 g. */
  readonly settleToleranceGrams?: number;
  readonly log?: Logger;
  /** Monotonic milliseconds; injectable for tests. Default `performance.now()`. */
  readonly clock?: () => number;
}

/**
 * 200 ms: five readings a second follow a shopper's hand without loading a
 * 9600-baud line (a request and reply are ~20 bytes, ~20 ms); openpos polls its
 * Mettler scales every 300 ms.
 */
export const defaultPollIntervalMs = 200;
/**
 * 300 ms: the scale's own stable flag already covers its motion window; this is
 * a second guard against a swinging bag flipping it on and off, and short next
 * to the seconds a shopper takes per item, so the lane still answers promptly.
 * With 200 ms polls it needs three agreeing readings.
 */
export const defaultSettleMs = 300;
/**
 * 5 g: one division of a typical 15 kg / 5 g security scale, so last-digit
 * flicker does not restart the window, while any item worth checking (tens of
 * grams and up) does.
 */
export const defaultSettleToleranceGrams = 5;

const minPollIntervalMs = 20;
const maxPollIntervalMs = 60_000;

export interface ResolvedScaleMonitorOptions {
  readonly pollIntervalMs: number;
  readonly settleMs: number;
  readonly settleToleranceGrams: number;
}

/** Fills in defaults; a nonsensical setting is a configuration bug and throws. */
export function resolveScaleMonitorOptions(options: ScaleMonitorOptions = {}): ResolvedScaleMonitorOptions {
  const pollIntervalMs = options.pollIntervalMs ?? defaultPollIntervalMs;
  if (!(Number.isFinite(pollIntervalMs) && pollIntervalMs >= minPollIntervalMs && pollIntervalMs <= maxPollIntervalMs)) {
    throw new RangeError(`pollIntervalMs must be between ${minPollIntervalMs} and ${maxPollIntervalMs}, got ${pollIntervalMs}`);
  }
  const settleMs = options.settleMs ?? defaultSettleMs;
  if (!(Number.isFinite(settleMs) && settleMs >= 0)) throw new RangeError(`settleMs must be a finite number >= 0, got ${settleMs}`);
  const settleToleranceGrams = options.settleToleranceGrams ?? defaultSettleToleranceGrams;
  if (!(Number.isFinite(settleToleranceGrams) && settleToleranceGrams >= 0)) {
    throw new RangeError(`settleToleranceGrams must be a finite number >= 0, got ${settleToleranceGrams}`);
  }
  return { pollIntervalMs, settleMs, settleToleranceGrams };
}

interface SettleWindow {
  readonly startedAt: number;
  readonly minGrams: number;
  readonly maxGrams: number;
}

/**
 * The bagging (security) scale's continuous stream: polls `readWeight()`,
 * reports changes, and tells when the load has settled.
 *
 * - One poll at a time: the next starts `pollIntervalMs` after the previous
 *   one started, or as soon as it finished if it took longer (a slow scale
 *   slows the monitor instead of piling up requests).
 * - `onReading` fires when the reading differs from the last one.
 * - Settled: stable readings whose spread stays within `settleToleranceGrams`
 *   for `settleMs`. `onSettled` fires once per settled episode with the latest
 *   weight; anything else (motion, under zero, a reading outside the spread)
 *   ends the episode (`onUnsettled`).
 * - A failed read (timeout, bad reply) fires `onReadFailure` and polling goes
 *   on; it neither ends nor extends a settled episode. While the scale is
 *   `lost` or `closed` no reads are made and the episode ends: the weight is
 *   unknown until the scale is back.
 */
export class ScaleMonitor {
  readonly options: ResolvedScaleMonitorOptions;
  readonly #scale: MonitoredScale;
  readonly #log: Logger;
  readonly #clock: () => number;
  readonly #onReading = new Emitter<ScaleReading>();
  readonly #onSettled = new Emitter<ScaleWeight>();
  readonly #onUnsettled = new Emitter<void>();
  readonly #onReadFailure = new Emitter<ScaleReadFailure>();
  /** Each reading that differs from the one before. */
  readonly onReading: Event<ScaleReading> = this.#onReading.event;
  /** The load has settled at this weight. */
  readonly onSettled: Event<ScaleWeight> = this.#onSettled.event;
  /** A settled load started moving again (or the scale went away). */
  readonly onUnsettled: Event<void> = this.#onUnsettled.event;
  /** A poll got no reading; polling continues. */
  readonly onReadFailure: Event<ScaleReadFailure> = this.#onReadFailure.event;

  #running = false;
  /** Bumped by stop(): a poll in flight from an earlier run delivers nothing. */
  #run = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> | undefined;
  #lastReading: ScaleReading | undefined;
  #settled: ScaleWeight | undefined;
  #window: SettleWindow | undefined;
  #lastFailureKind: ScaleReadFailure['kind'] | undefined;

  constructor(scale: MonitoredScale, options: ScaleMonitorOptions = {}) {
    this.options = resolveScaleMonitorOptions(options);
    this.#scale = scale;
    this.#log = (options.log ?? silentLogger).child({ component: 'scaleMonitor' });
    this.#clock = options.clock ?? (() => performance.now());
  }

  get running(): boolean {
    return this.#running;
  }

  /** The settled weight, while the load is settled. */
  get settled(): ScaleWeight | undefined {
    return this.#settled;
  }

  /** The last reading the scale gave (kept across read failures). */
  get lastReading(): ScaleReading | undefined {
    return this.#lastReading;
  }

  /** Starts polling at once (after a poll from before a `stop()` has finished). A no-op while running. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const run = this.#run;
    const previous = this.#inFlight;
    if (previous === undefined) this.#schedule(0);
    else void previous.then(() => run === this.#run && this.#schedule(0));
  }

  /** Stops polling; resolves once a poll in flight has finished (its result is dropped). */
  async stop(): Promise<void> {
    if (!this.#running) {
      await this.#inFlight;
      return;
    }
    this.#running = false;
    this.#run++;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }

  #schedule(delayMs: number): void {
    const run = this.#run;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (run !== this.#run) return;
      const poll = this.#poll(run);
      this.#inFlight = poll;
      void poll.finally(() => {
        if (this.#inFlight === poll) this.#inFlight = undefined;
      });
    }, delayMs);
  }

  async #poll(run: number): Promise<void> {
    const startedAt = this.#clock();
    try {
      const status = this.#scale.status.kind;
      if (status === 'lost' || status === 'closed') {
        this.#endSettled();
      } else {
        const result = await this.#readSafely();
        if (run !== this.#run) return;
        if (result.ok) this.#take(result.value, this.#clock());
        else this.#failed(result.error);
      }
    } catch (error) {
      // A bug in a listener or here; keep the lane's security scale alive and say so.
      this.#log.error({ err: error instanceof Error ? error.message : String(error) }, 'scale poll failed');
    }
    if (run !== this.#run) return;
    const elapsed = this.#clock() - startedAt;
    this.#schedule(Math.max(0, this.options.pollIntervalMs - elapsed));
  }

  /** Drivers must not throw for device problems; one that does is treated as a bad reply, not a dead monitor. */
  async #readSafely(): Promise<Awaited<ReturnType<ScaleOperations['readWeight']>>> {
    try {
      return await this.#scale.readWeight();
    } catch (error) {
      this.#log.error({ err: error instanceof Error ? error.message : String(error) }, 'scale driver threw from readWeight');
      return { ok: false, error: { kind: 'badReply', detail: 'the driver threw' } };
    }
  }

  #take(reading: ScaleReading, at: number): void {
    if (this.#lastFailureKind !== undefined) {
      this.#log.info({ after: this.#lastFailureKind }, 'scale readings are back');
      this.#lastFailureKind = undefined;
    }
    const changed = this.#lastReading === undefined || !sameReading(this.#lastReading, reading);
    this.#lastReading = reading;
    if (changed) fireSafely(this.#onReading, reading, this.#log, 'scale reading');

    if (reading.kind !== 'stable') {
      this.#window = undefined;
      this.#endSettled();
      return;
    }
    const grams = reading.weight.grams;
    const window = this.#window;
    const minGrams = Math.min(window?.minGrams ?? grams, grams);
    const maxGrams = Math.max(window?.maxGrams ?? grams, grams);
    if (window === undefined || maxGrams - minGrams > this.options.settleToleranceGrams) {
      // A new load (or the first reading): the window starts over at this reading.
      this.#endSettled();
      this.#window = { startedAt: at, minGrams: grams, maxGrams: grams };
    } else {
      this.#window = { startedAt: window.startedAt, minGrams, maxGrams };
    }
    if (this.#settled === undefined && at - (this.#window?.startedAt ?? at) >= this.options.settleMs) {
      this.#settled = reading.weight;
      fireSafely(this.#onSettled, reading.weight, this.#log, 'scale settled');
    }
  }

  #failed(failure: ScaleReadFailure): void {
    // Log each kind of trouble once when it starts; the event goes out every time.
    if (this.#lastFailureKind !== failure.kind) this.#log.warn({ failure }, 'scale poll got no reading');
    this.#lastFailureKind = failure.kind;
    fireSafely(this.#onReadFailure, failure, this.#log, 'scale read failure');
  }

  #endSettled(): void {
    if (this.#window === undefined && this.#settled === undefined) return;
    this.#window = undefined;
    if (this.#settled === undefined) return;
    this.#settled = undefined;
    fireSafely(this.#onUnsettled, undefined, this.#log, 'scale unsettled');
  }
}

function sameReading(a: ScaleReading, b: ScaleReading): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
