/**
 * Reading frames from a device that sends on its own (scanners), with the time each frame
 * began and ended, and a timer that discards a frame stuck half-way. Shared by the serial
 * scanner, the Magellan line and the HID scanner; the codec does the bytes.
 */

/** Epoch ms with sub-millisecond precision: monotonic, yet comparable across processes. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The slice of a codec's stream decoder this needs. */
export interface StreamDecoder<Frame> {
  push(chunk: Uint8Array): readonly Frame[];
  /** Whatever is half-way, as frames (e.g. `stale` garbage); the decoder is empty afterwards. */
  flushStale(): readonly Frame[];
  reset(): void;
}

export interface TimedFrameReaderOptions<Frame> {
  /** A frame unfinished for this long is flushed as stale. */
  readonly staleAfterMs: number;
  /** Whether the decoder holds part of a frame (the codecs name this differently). */
  readonly pending: () => boolean;
  readonly clock?: (() => number) | undefined;
  readonly deliver: (frame: Frame, firstByteAt: number, receivedAt: number) => void;
}

export class TimedFrameReader<Frame> {
  readonly #decoder: StreamDecoder<Frame>;
  readonly #staleAfterMs: number;
  readonly #clock: () => number;
  readonly #deliver: TimedFrameReaderOptions<Frame>['deliver'];
  readonly #pending: () => boolean;
  #staleTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the first byte of the frame now being buffered arrived. */
  #frameStartedAt = 0;

  constructor(decoder: StreamDecoder<Frame>, options: TimedFrameReaderOptions<Frame>) {
    if (!(Number.isFinite(options.staleAfterMs) && options.staleAfterMs > 0)) throw new RangeError(`staleAfterMs must be a positive number, got ${options.staleAfterMs}`);
    this.#decoder = decoder;
    this.#staleAfterMs = options.staleAfterMs;
    this.#clock = options.clock ?? epochNow;
    this.#deliver = options.deliver;
    this.#pending = options.pending;
  }

  push(chunk: Uint8Array): void {
    const now = this.#clock();
    // Bytes of one chunk arrived together; a frame that began in an earlier chunk keeps that chunk's time.
    let frameStart = this.#pending() ? this.#frameStartedAt : now;
    for (const frame of this.#decoder.push(chunk)) {
      this.#deliver(frame, frameStart, now);
      frameStart = now;
    }
    this.#frameStartedAt = frameStart;
    this.#clearStaleTimer();
    if (this.#pending()) {
      this.#staleTimer = setTimeout(() => {
        this.#staleTimer = undefined;
        for (const frame of this.#decoder.flushStale()) this.#deliver(frame, this.#frameStartedAt, this.#clock());
      }, this.#staleAfterMs);
    }
  }

  /** Forgets a half-read frame (the line was reopened or lost). */
  reset(): void {
    this.#clearStaleTimer();
    this.#decoder.reset();
  }

  #clearStaleTimer(): void {
    if (this.#staleTimer !== undefined) clearTimeout(this.#staleTimer);
    this.#staleTimer = undefined;
  }
}
