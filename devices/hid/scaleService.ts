import type { DeviceStatus } from '../../shared/devices';
import { Emitter, type Event } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { err, ok, type Result } from '../../shared/result';
import type { ScaleOperations, ScaleReadFailure, ScaleReading, ScaleWeight } from '../../shared/scale';
import { DeviceConnection } from '../deviceConnection';
import { fireSafely } from '../deviceEvents';
import { LogLimiter } from '../logLimiter';
import type { BackoffOptions } from '../serial/reconnect';
import { parseHidScaleReport, type HidScaleFault } from './scaleCodec';
import type { HidTransport } from './transport';

export interface HidScaleServiceOptions {
  /** How long `readWeight()` waits for the first report after opening. Default 1000 ms. */
  readonly readTimeoutMs?: number;
  readonly reconnect?: BackoffOptions;
}

/**
 * A HID POS scale sends an input report whenever its reading changes and the
 * OS delivers the current one soon after the device is opened; 1 s covers USB
 * enumeration and a scale still settling its zero after power-up, and is short
 * enough that a shopper is told quickly.
 */
const defaultReadTimeoutMs = 1_000;

/** Why `zero()` is refused: the lane has no standard report to send. */
export const hidScaleZeroRefusal = 'HID POS scales are zeroed on the scale';

type Latest =
  | { readonly kind: 'reading'; readonly reading: ScaleReading }
  | { readonly kind: 'fault'; readonly fault: HidScaleFault }
  | { readonly kind: 'badReply'; readonly detail: string };

type Waiter = (latest: Latest | 'notOpen') => void;

const faultDetails: Record<HidScaleFault['condition'], string> = {
  fault: 'the scale reports a fault (HID POS status 1)',
  needsCalibration: 'the scale needs calibration (HID POS status 7): not legal for trade until serviced',
};

/**
 * A USB HID POS scale as a logical device (UnifiedPOS Scale): open on
 * `start()`, close on `stop()`; `readWeight()` answers from the latest data
 * report, `onReading` tells every change (the lane's live weight) and
 * `onSettled` every new stable weight (for a bagging scale).
 *
 * Status: `ready` while the scale reports weights (including motion, under
 * zero, over capacity and "needs re-zero": those are readings that block a
 * weighed sale, not device faults); `fault ['scaleError']` while it reports a
 * fault or lost calibration; `lost` while unplugged, with reconnecting by USB ids.
 *
 * Zeroing: the HID POS usage tables define scale control usages, but their
 * report id and layout come from each device's report descriptor, which this
 * driver does not parse; `zero()` is refused and the assistant uses the scale's
 * own zero key.
 */
export class HidScaleService implements ScaleOperations {
  readonly #connection: DeviceConnection;
  readonly #log: Logger;
  /** Reports that do not parse are logged first and then as a summary every few seconds, however many come. */
  readonly #badReportLog: LogLimiter;
  readonly #readTimeoutMs: number;
  readonly #waiters = new Set<Waiter>();

  readonly #onReading = new Emitter<ScaleReading>();
  readonly #onSettled = new Emitter<ScaleWeight>();
  readonly onStatus: Event<DeviceStatus>;
  /** Each change of reading (repeated identical reports are delivered once). */
  readonly onReading: Event<ScaleReading> = this.#onReading.event;
  /** Each new stable weight (a stable reading that differs from the last one delivered). */
  readonly onSettled: Event<ScaleWeight> = this.#onSettled.event;

  #latest: Latest | undefined;
  #lastDelivered: string | undefined;
  #lastSettled: string | undefined;

  constructor(transport: HidTransport, log: Logger, options: HidScaleServiceOptions = {}) {
    this.#log = log.child({ device: 'scale', hid: transport.description });
    this.#badReportLog = new LogLimiter(this.#log);
    this.#readTimeoutMs = options.readTimeoutMs ?? defaultReadTimeoutMs;
    if (!(Number.isFinite(this.#readTimeoutMs) && this.#readTimeoutMs > 0)) {
      throw new RangeError(`readTimeoutMs must be a positive number, got ${this.#readTimeoutMs}`);
    }
    this.#connection = new DeviceConnection(transport, this.#log, {
      device: 'HID scale',
      port: 'HID scale',
      reconnect: options.reconnect,
      listen: () => transport.onReport((report) => this.#onReport(report)),
      onOpened: () => this.#connection.setStatus({ kind: 'ready', warnings: [] }),
      // Also after a failed open: a read waiting since start() will not get a report from an absent scale.
      onLineDown: () => this.#forget(),
    });
    this.onStatus = this.#connection.onStatus;
  }

  get status(): DeviceStatus {
    return this.#connection.status;
  }

  /** The latest reading, if the latest report was one. */
  get lastReading(): ScaleReading | undefined {
    return this.#latest?.kind === 'reading' ? this.#latest.reading : undefined;
  }

  /** Resolves after the first open attempt: `ready`, or `lost` with reconnecting under way. Never rejects for an absent scale. */
  start(): Promise<void> {
    return this.#connection.start();
  }

  stop(): Promise<void> {
    return this.#connection.stop();
  }

  /**
   * The latest report's reading. Before the first report after opening, waits
   * up to `readTimeoutMs` for it (`timeout` if none comes); `notOpen` while the
   * scale is stopped or unplugged.
   */
  async readWeight(): Promise<Result<ScaleReading, ScaleReadFailure>> {
    const status = this.#connection.status;
    if (!this.#connection.started || status.kind === 'lost' || status.kind === 'closed') return err({ kind: 'notOpen' });
    const latest = this.#latest ?? (await this.#nextReport());
    if (latest === 'timeout') return err({ kind: 'timeout' });
    if (latest === 'notOpen') return err({ kind: 'notOpen' });
    switch (latest.kind) {
      case 'reading':
        return ok(latest.reading);
      case 'fault':
        return err({ kind: 'refused', detail: faultDetails[latest.fault.condition] });
      case 'badReply':
        return err({ kind: 'badReply', detail: latest.detail });
    }
  }

  /** Refused: see the class comment. `notOpen` while stopped. */
  async zero(): Promise<Result<void, ScaleReadFailure>> {
    if (!this.#connection.started) return err({ kind: 'notOpen' });
    return err({ kind: 'refused', detail: hidScaleZeroRefusal });
  }

  #nextReport(): Promise<Latest | 'notOpen' | 'timeout'> {
    return new Promise((resolve) => {
      const waiter: Waiter = (latest) => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve(latest);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve('timeout');
      }, this.#readTimeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** A reading from before an unplug or stop says nothing about the platter now. */
  #forget(): void {
    this.#latest = undefined;
    this.#lastDelivered = undefined;
    this.#lastSettled = undefined;
    for (const waiter of [...this.#waiters]) waiter('notOpen');
  }

  #onReport(report: Uint8Array): void {
    const parsed = parseHidScaleReport(report);
    let latest: Latest;
    if (!parsed.ok) {
      if (parsed.error.kind === 'wrongReportId') {
        // Other reports of the device (attributes, control) share the input pipe on some models.
        this.#log.debug({ detail: parsed.error.detail }, 'HID scale report other than scale data ignored');
        return;
      }
      // Scales repeat their report; warn once per kind of problem, not at every report.
      if (this.#latest?.kind !== 'badReply' || this.#latest.detail !== parsed.error.detail) {
        this.#badReportLog.report({ reason: parsed.error.kind, detail: parsed.error.detail, hex: hex(report) }, 'HID scale sent a report that does not parse');
      }
      latest = { kind: 'badReply', detail: parsed.error.detail };
    } else if (parsed.value.kind === 'fault') {
      if (this.#latest?.kind !== 'fault') this.#log.warn({ condition: parsed.value.condition }, faultDetails[parsed.value.condition]);
      latest = { kind: 'fault', fault: parsed.value };
      this.#connection.setStatus({ kind: 'fault', faults: ['scaleError'] });
    } else {
      latest = { kind: 'reading', reading: parsed.value };
      // A reading ends a fault (the connection logs the change).
      this.#connection.setStatus({ kind: 'ready', warnings: [] });
    }
    this.#latest = latest;
    for (const waiter of [...this.#waiters]) waiter(latest);
    if (latest.kind === 'reading') this.#deliver(latest.reading);
  }

  #deliver(reading: ScaleReading): void {
    const key = JSON.stringify(reading);
    if (key === this.#lastDelivered) return;
    this.#lastDelivered = key;
    this.#fire(this.#onReading, reading);
    if (reading.kind !== 'stable') {
      // Lifting and putting back the same item settles at the same weight again: that is a new settle.
      this.#lastSettled = undefined;
      return;
    }
    const weightKey = JSON.stringify(reading.weight);
    if (weightKey === this.#lastSettled) return;
    this.#lastSettled = weightKey;
    this.#fire(this.#onSettled, reading.weight);
  }

  #fire<T>(emitter: Emitter<T>, value: T): void {
    fireSafely(emitter, value, this.#log, 'HID scale event');
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
}
