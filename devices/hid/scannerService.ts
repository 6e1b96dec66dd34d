import type { DeviceStatus } from '../../shared/devices';
import { Emitter, type Disposable, type Event } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { fireSafely, sameDeviceStatus } from '../deviceEvents';
import type { ScanEvent } from '../scanner/service';
import { Reconnector, type BackoffOptions } from '../serial/reconnect';
import { HidScannerReportAssembler, hidScanText, type HidScannerGarbageReason, type HidScannerOutput, type HidScannerReportLayout } from './scannerCodec';
import type { HidTransport } from './transport';

export type { ScanEvent } from '../scanner/service';

export interface HidGarbageEvent {
  /** `unexpectedReportId` is not garbage of the scan stream: it is logged at debug level only. */
  readonly reason: Exclude<HidScannerGarbageReason, 'unexpectedReportId'>;
  readonly byteCount: number;
}

export interface HidScannerServiceOptions {
  readonly layout?: HidScannerReportLayout;
  /** A label whose continuation report has not come within this is discarded as `stale`. Default 100 ms. */
  readonly continuationTimeoutMs?: number;
  readonly reconnect?: BackoffOptions;
  /** Epoch milliseconds with sub-millisecond precision; injectable for tests. */
  readonly clock?: () => number;
}

/**
 * A full-speed HID device is polled every 1–10 ms (its endpoint interval) and a
 * scanner sends the reports of one label back to back, so 100 ms without the
 * next report means it is not coming (cable pulled mid-label, scanner reset).
 */
const defaultContinuationTimeoutMs = 100;

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A USB HID POS bar code scanner as a logical device (UnifiedPOS Scanner), the
 * HID counterpart of `SerialScannerService`: open on `start()`, close on
 * `stop()`; scans are delivered as the text a serial scanner with AIM ids
 * sends (`]E0…`), so the lane decodes both alike.
 *
 * The device going away is a status (`lost`), never an exception: the service
 * re-opens with backoff, and the transport finds a re-plugged scanner again by
 * its USB ids.
 */
export class HidScannerService {
  readonly #transport: HidTransport;
  readonly #assembler: HidScannerReportAssembler;
  readonly #log: Logger;
  readonly #clock: () => number;
  readonly #continuationTimeoutMs: number;
  readonly #reconnector: Reconnector;
  readonly #subscriptions: Disposable[] = [];

  readonly #onStatus = new Emitter<DeviceStatus>();
  readonly #onScan = new Emitter<ScanEvent>();
  readonly #onGarbage = new Emitter<HidGarbageEvent>();
  readonly onStatus: Event<DeviceStatus> = this.#onStatus.event;
  readonly onScan: Event<ScanEvent> = this.#onScan.event;
  readonly onGarbage: Event<HidGarbageEvent> = this.#onGarbage.event;

  #status: DeviceStatus = { kind: 'closed' };
  #started = false;
  /** Bumped by stop(): an open() that completes afterwards closes the device again. */
  #session = 0;
  #staleTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the first report of the label now being assembled arrived. */
  #scanStartedAt = 0;

  constructor(transport: HidTransport, log: Logger, options: HidScannerServiceOptions = {}) {
    this.#transport = transport;
    this.#assembler = new HidScannerReportAssembler(options.layout);
    this.#log = log.child({ device: 'scanner', hid: transport.description });
    this.#clock = options.clock ?? epochNow;
    this.#continuationTimeoutMs = options.continuationTimeoutMs ?? defaultContinuationTimeoutMs;
    if (!(Number.isFinite(this.#continuationTimeoutMs) && this.#continuationTimeoutMs > 0)) {
      throw new RangeError(`continuationTimeoutMs must be a positive number, got ${this.#continuationTimeoutMs}`);
    }
    this.#reconnector = new Reconnector(() => this.#open('reconnect'), options.reconnect);
  }

  get status(): DeviceStatus {
    return this.#status;
  }

  /** Resolves after the first open attempt: `ready`, or `lost` with reconnecting under way. Never rejects for an absent scanner. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#subscriptions.push(
      this.#transport.onReport((report) => this.#onReport(report)),
      this.#transport.onLost((error) => this.#onLost(error)),
    );
    this.#setStatus({ kind: 'connecting' });
    const opened = await this.#open('start');
    if (!opened && this.#started) this.#reconnector.start();
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#session++;
    this.#reconnector.cancel();
    this.#clearStaleTimer();
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
    this.#assembler.reset();
    try {
      await this.#transport.close();
    } catch (error) {
      this.#log.warn({ err: errorMessage(error) }, 'closing the HID scanner failed');
    }
    this.#setStatus({ kind: 'closed' });
  }

  async #open(attempt: 'start' | 'reconnect'): Promise<boolean> {
    const session = this.#session;
    try {
      await this.#transport.open();
    } catch (error) {
      if (session !== this.#session) return true;
      const reason = errorMessage(error);
      // The first failure is worth a warning; repeats while the scanner is unplugged are routine.
      if (attempt === 'start' || this.#reconnector.failures === 0) this.#log.warn({ err: reason }, 'HID scanner could not be opened; retrying');
      else this.#log.debug({ err: reason, failures: this.#reconnector.failures }, 'HID scanner still unavailable');
      this.#setStatus({ kind: 'lost', reason });
      return false;
    }
    if (session !== this.#session) {
      // stop() ran while we were opening: do not leave the device open behind its back.
      await this.#transport.close().catch(() => undefined);
      return true;
    }
    this.#assembler.reset();
    this.#log.info({ attempt }, 'HID scanner ready');
    this.#setStatus({ kind: 'ready', warnings: [] });
    return true;
  }

  #onLost(error: Error): void {
    if (!this.#started) return;
    this.#clearStaleTimer();
    this.#assembler.reset();
    this.#log.warn({ err: error.message }, 'HID scanner lost; reconnecting');
    this.#setStatus({ kind: 'lost', reason: error.message });
    this.#reconnector.start();
  }

  #onReport(report: Uint8Array): void {
    const now = this.#clock();
    const scanStart = this.#assembler.hasPendingReports ? this.#scanStartedAt : now;
    const outputs = this.#assembler.push(report);
    for (const output of outputs) this.#deliver(output, scanStart, now);
    this.#scanStartedAt = scanStart;
    this.#clearStaleTimer();
    if (this.#assembler.hasPendingReports) {
      this.#staleTimer = setTimeout(() => {
        this.#staleTimer = undefined;
        for (const output of this.#assembler.flushStale()) this.#deliver(output, this.#scanStartedAt, this.#clock());
      }, this.#continuationTimeoutMs);
    }
  }

  #deliver(output: HidScannerOutput, firstByteAt: number, receivedAt: number): void {
    if (output.kind === 'scan') {
      this.#fire(this.#onScan, { data: hidScanText(output), firstByteAt, receivedAt });
      return;
    }
    const fields = { reason: output.reason, byteCount: output.byteCount, hex: hexPreview(output.preview) };
    if (output.reason === 'unexpectedReportId') {
      // Another input report of the device (status, attributes): not scan data, and not a scan gone wrong.
      this.#log.debug(fields, 'HID scanner sent a report other than scanned data; ignored');
      return;
    }
    this.#log.warn(fields, 'HID scanner sent an unusable report');
    this.#fire(this.#onGarbage, { reason: output.reason, byteCount: output.byteCount });
  }

  #setStatus(status: DeviceStatus): void {
    if (sameDeviceStatus(this.#status, status)) return;
    this.#status = status;
    this.#fire(this.#onStatus, status);
  }

  #fire<T>(emitter: Emitter<T>, value: T): void {
    fireSafely(emitter, value, this.#log, 'HID scanner event');
  }

  #clearStaleTimer(): void {
    if (this.#staleTimer !== undefined) clearTimeout(this.#staleTimer);
    this.#staleTimer = undefined;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hexPreview(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
