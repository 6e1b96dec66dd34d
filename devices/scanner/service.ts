import type { DeviceStatus } from '../../shared/devices';
import { Emitter, type Event } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { DeviceConnection } from '../deviceConnection';
import { TimedFrameReader } from '../timedFrames';
import { fireSafely } from '../deviceEvents';
import { LogLimiter } from '../logLimiter';
import type { BackoffOptions } from '../serial/reconnect';
import type { SerialTransport } from '../serial/transport';
import { hasAimIdentifier, ScannerFrameDecoder, type GarbageReason, type ScannerFraming, type ScannerFrame } from './codec';

export interface ScanEvent {
  /** Without prefix/suffix, with the AIM id if the scanner sends one. */
  readonly data: string;
  /** Epoch ms (sub-ms precision) when the first byte of this frame arrived. */
  readonly firstByteAt: number;
  /** Epoch ms (sub-ms precision) when the terminator arrived. */
  readonly receivedAt: number;
}

export interface GarbageEvent {
  readonly reason: GarbageReason;
  readonly byteCount: number;
}

export interface SerialScannerServiceOptions {
  readonly reconnect?: BackoffOptions;
  /** Epoch milliseconds with sub-millisecond precision; injectable for tests. */
  readonly clock?: () => number;
}

/**
 * A serial barcode scanner as a logical device (UnifiedPOS Scanner):
 * open → claim → enable on `start()`, disable → release → close on `stop()`.
 * Claiming is the transport's exclusive port lock; a plain serial scanner needs
 * no enable command (it always sends), so enabling means "deliver scans".
 *
 * The line going away is a status (`lost`), never an exception: the service
 * reopens with backoff until the scanner is back.
 */
export class SerialScannerService {
  readonly #connection: DeviceConnection;
  readonly #decoder: ScannerFrameDecoder;
  readonly #log: Logger;
  /** A flooded line sends hundreds of unusable frames a second: the first is logged, then a summary every few seconds. */
  readonly #garbageLog: LogLimiter;
  readonly #reader: TimedFrameReader<ScannerFrame>;

  readonly #onScan = new Emitter<ScanEvent>();
  readonly #onGarbage = new Emitter<GarbageEvent>();
  readonly onStatus: Event<DeviceStatus>;
  readonly onScan: Event<ScanEvent> = this.#onScan.event;
  readonly onGarbage: Event<GarbageEvent> = this.#onGarbage.event;


  constructor(transport: SerialTransport, framing: ScannerFraming, log: Logger, options: SerialScannerServiceOptions = {}) {
    this.#decoder = new ScannerFrameDecoder(framing);
    this.#log = log.child({ device: 'scanner', path: transport.path });
    this.#garbageLog = new LogLimiter(this.#log);
    this.#reader = new TimedFrameReader(this.#decoder, {
      staleAfterMs: this.#decoder.framing.interByteTimeoutMs,
      pending: () => this.#decoder.hasPendingBytes,
      clock: options.clock,
      deliver: (frame, firstByteAt, receivedAt) => this.#deliver(frame, firstByteAt, receivedAt),
    });
    this.#connection = new DeviceConnection(transport, this.#log, {
      device: 'scanner',
      port: 'scanner port',
      reconnect: options.reconnect,
      listen: () => transport.onData((bytes) => this.#reader.push(bytes)),
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

  /**
   * Resolves after the first open attempt: `ready`, or `lost` with reconnecting
   * under way. Never rejects because the scanner is absent.
   */
  start(): Promise<void> {
    return this.#connection.start();
  }

  stop(): Promise<void> {
    return this.#connection.stop();
  }

  #deliver(frame: ScannerFrame, firstByteAt: number, receivedAt: number): void {
    if (frame.kind === 'scan') {
      if (this.#decoder.framing.aimIdentifiers && !hasAimIdentifier(frame.data)) {
        // Passed on anyway: decodeBarcode can still tell most symbologies from the data's shape.
        this.#log.debug({ length: frame.data.length }, 'scan without the AIM identifier the scanner is configured to send');
      }
      this.#fire(this.#onScan, { data: frame.data, firstByteAt, receivedAt });
      return;
    }
    this.#garbageLog.report({ reason: frame.reason, byteCount: frame.bytes.length, hex: hexPreview(frame.bytes) }, 'scanner sent an unusable frame');
    this.#fire(this.#onGarbage, { reason: frame.reason, byteCount: frame.bytes.length });
  }

  #fire<T>(emitter: Emitter<T>, value: T): void {
    fireSafely(emitter, value, this.#log, 'scanner event');
  }

}

function hexPreview(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > 32 ? `${shown} …` : shown;
}
