import type { DeviceStatus } from '../../shared/devices';
import { Emitter, type Disposable, type Event } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { fireSafely, sameDeviceStatus } from '../deviceEvents';
import { Reconnector, type BackoffOptions } from '../serial/reconnect';
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

/** `performance.now()` is monotonic and sub-millisecond; anchored to the epoch so events can be compared across processes. */
function epochNow(): number {
  return performance.timeOrigin + performance.now();
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
  readonly #transport: SerialTransport;
  readonly #decoder: ScannerFrameDecoder;
  readonly #log: Logger;
  readonly #clock: () => number;
  readonly #reconnector: Reconnector;
  readonly #subscriptions: Disposable[] = [];

  readonly #onStatus = new Emitter<DeviceStatus>();
  readonly #onScan = new Emitter<ScanEvent>();
  readonly #onGarbage = new Emitter<GarbageEvent>();
  readonly onStatus: Event<DeviceStatus> = this.#onStatus.event;
  readonly onScan: Event<ScanEvent> = this.#onScan.event;
  readonly onGarbage: Event<GarbageEvent> = this.#onGarbage.event;

  #status: DeviceStatus = { kind: 'closed' };
  #started = false;
  /** Bumped by stop(): an open() that completes afterwards closes the port again. */
  #session = 0;
  #staleTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the first byte of the frame now being buffered arrived. */
  #frameStartedAt = 0;

  constructor(transport: SerialTransport, framing: ScannerFraming, log: Logger, options: SerialScannerServiceOptions = {}) {
    this.#transport = transport;
    this.#decoder = new ScannerFrameDecoder(framing);
    this.#log = log.child({ device: 'scanner', path: transport.path });
    this.#clock = options.clock ?? epochNow;
    this.#reconnector = new Reconnector(() => this.#open('reconnect'), options.reconnect);
  }

  get status(): DeviceStatus {
    return this.#status;
  }

  /**
   * Resolves after the first open attempt: `ready`, or `lost` with reconnecting
   * under way. Never rejects because the scanner is absent.
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#subscriptions.push(
      this.#transport.onData((bytes) => this.#onBytes(bytes)),
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
    this.#decoder.reset();
    try {
      await this.#transport.close();
    } catch (error) {
      this.#log.warn({ err: errorMessage(error) }, 'closing the scanner port failed');
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
      // Log the first failure loudly; repeats while the device is away are routine.
      if (attempt === 'start' || this.#reconnector.failures === 0) this.#log.warn({ err: reason }, 'scanner port could not be opened; retrying');
      else this.#log.debug({ err: reason, failures: this.#reconnector.failures }, 'scanner still unavailable');
      this.#setStatus({ kind: 'lost', reason });
      return false;
    }
    if (session !== this.#session) {
      // stop() ran while we were opening: do not leave the port open behind its back.
      await this.#transport.close().catch(() => undefined);
      return true;
    }
    this.#decoder.reset();
    this.#log.info({ attempt }, 'scanner ready');
    this.#setStatus({ kind: 'ready', warnings: [] });
    return true;
  }

  #onLost(error: Error): void {
    if (!this.#started) return;
    this.#clearStaleTimer();
    this.#decoder.reset();
    this.#log.warn({ err: error.message }, 'scanner line lost; reconnecting');
    this.#setStatus({ kind: 'lost', reason: error.message });
    this.#reconnector.start();
  }

  #onBytes(bytes: Uint8Array): void {
    const now = this.#clock();
    // Bytes of one chunk arrived together; a frame that began in an earlier chunk keeps that chunk's time.
    let frameStart = this.#decoder.hasPendingBytes ? this.#frameStartedAt : now;
    const frames = this.#decoder.push(bytes);
    for (const frame of frames) {
      this.#deliver(frame, frameStart, now);
      frameStart = now;
    }
    this.#frameStartedAt = frameStart;
    this.#clearStaleTimer();
    if (this.#decoder.hasPendingBytes) {
      this.#staleTimer = setTimeout(() => {
        this.#staleTimer = undefined;
        for (const frame of this.#decoder.flushStale()) this.#deliver(frame, this.#frameStartedAt, this.#clock());
      }, this.#decoder.framing.interByteTimeoutMs);
    }
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
    this.#log.warn({ reason: frame.reason, byteCount: frame.bytes.length, hex: hexPreview(frame.bytes) }, 'scanner sent an unusable frame');
    this.#fire(this.#onGarbage, { reason: frame.reason, byteCount: frame.bytes.length });
  }

  #setStatus(status: DeviceStatus): void {
    if (sameDeviceStatus(this.#status, status)) return;
    this.#status = status;
    this.#fire(this.#onStatus, status);
  }

  #fire<T>(emitter: Emitter<T>, value: T): void {
    fireSafely(emitter, value, this.#log, 'scanner event');
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
  const shown = Array.from(bytes.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > 32 ? `${shown} …` : shown;
}
