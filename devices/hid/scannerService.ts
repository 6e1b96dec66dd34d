import type { DeviceStatus } from '../../shared/devices';
import { Emitter, type Event } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { DeviceConnection } from '../deviceConnection';
import { TimedFrameReader } from '../timedFrames';
import { fireSafely } from '../deviceEvents';
import { LogLimiter } from '../logLimiter';
import type { ScanEvent } from '../scanner/service';
import type { BackoffOptions } from '../serial/reconnect';
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
  readonly #connection: DeviceConnection;
  readonly #assembler: HidScannerReportAssembler;
  readonly #log: Logger;
  /** Unusable reports are logged first and then as a summary every few seconds, however many come. */
  readonly #garbageLog: LogLimiter;
  readonly #reader: TimedFrameReader<HidScannerOutput>;

  readonly #onScan = new Emitter<ScanEvent>();
  readonly #onGarbage = new Emitter<HidGarbageEvent>();
  readonly onStatus: Event<DeviceStatus>;
  readonly onScan: Event<ScanEvent> = this.#onScan.event;
  readonly onGarbage: Event<HidGarbageEvent> = this.#onGarbage.event;


  constructor(transport: HidTransport, log: Logger, options: HidScannerServiceOptions = {}) {
    this.#assembler = new HidScannerReportAssembler(options.layout);
    this.#log = log.child({ device: 'scanner', hid: transport.description });
    this.#garbageLog = new LogLimiter(this.#log);
    const continuationTimeoutMs = options.continuationTimeoutMs ?? defaultContinuationTimeoutMs;
    if (!(Number.isFinite(continuationTimeoutMs) && continuationTimeoutMs > 0)) {
      throw new RangeError(`continuationTimeoutMs must be a positive number, got ${continuationTimeoutMs}`);
    }
    // One report is one chunk; a label spread over several keeps the time of its first report.
    this.#reader = new TimedFrameReader(this.#assembler, {
      staleAfterMs: continuationTimeoutMs,
      pending: () => this.#assembler.hasPendingReports,
      clock: options.clock,
      deliver: (output, firstByteAt, receivedAt) => this.#deliver(output, firstByteAt, receivedAt),
    });
    this.#connection = new DeviceConnection(transport, this.#log, {
      device: 'HID scanner',
      port: 'HID scanner',
      reconnect: options.reconnect,
      listen: () => transport.onReport((report) => this.#reader.push(report)),
      onOpened: () => {
        this.#reader.reset();
        this.#connection.setStatus({ kind: 'ready', warnings: [] });
      },
      onLineDown: () => this.#reader.reset(),
    });
    this.onStatus = this.#connection.onStatus;
  }

  get status(): DeviceStatus {
    return this.#connection.status;
  }

  /** Resolves after the first open attempt: `ready`, or `lost` with reconnecting under way. Never rejects for an absent scanner. */
  start(): Promise<void> {
    return this.#connection.start();
  }

  stop(): Promise<void> {
    return this.#connection.stop();
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
    this.#garbageLog.report(fields, 'HID scanner sent an unusable report');
    this.#fire(this.#onGarbage, { reason: output.reason, byteCount: output.byteCount });
  }

  #fire<T>(emitter: Emitter<T>, value: T): void {
    fireSafely(emitter, value, this.#log, 'HID scanner event');
  }

}

function hexPreview(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
