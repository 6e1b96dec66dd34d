import type { Logger } from '../shared/log';

type LogFields = Record<string, unknown>;

/** Ten seconds: a flood costs a handful of log lines a minute, and its start is still logged at once. */
export const defaultLogWindowMs = 10_000;

/**
 * One device's repeated log line (an unusable frame, a garbage reply) at a rate the log can
 * take: the first one at once, then at most one summary line per window saying how many more
 * there were. A flooded line sends hundreds of frames a second; logged one by one they would
 * rotate away everything useful from the hours before.
 */
export class LogLimiter {
  readonly #log: Logger;
  readonly #level: 'warn' | 'info';
  readonly #windowMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #suppressed = 0;
  #last: { readonly fields: LogFields; readonly message: string } | undefined;

  constructor(log: Logger, options: { readonly level?: 'warn' | 'info'; readonly windowMs?: number } = {}) {
    this.#log = log;
    this.#level = options.level ?? 'warn';
    this.#windowMs = options.windowMs ?? defaultLogWindowMs;
    if (!(Number.isFinite(this.#windowMs) && this.#windowMs > 0)) throw new RangeError(`windowMs must be a positive number, got ${this.#windowMs}`);
  }

  /** Logs now if nothing was logged in the current window; otherwise counts it for the window's summary. */
  report(fields: LogFields, message: string): void {
    if (this.#timer === undefined) {
      this.#log[this.#level](fields, message);
      this.#startWindow();
      return;
    }
    this.#suppressed++;
    this.#last = { fields, message };
  }

  /** Logs what is still counted (the device is stopping). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#summarize();
  }

  #startWindow(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // Still flooding: the next window starts with this summary, so the next frame is counted too.
      if (this.#summarize()) this.#startWindow();
    }, this.#windowMs);
    // A pending summary must not keep a stopping process alive.
    this.#timer.unref?.();
  }

  #summarize(): boolean {
    const last = this.#last;
    const count = this.#suppressed;
    this.#suppressed = 0;
    this.#last = undefined;
    if (!last || count === 0) return false;
    this.#log[this.#level]({ ...last.fields, repeated: count, windowMs: this.#windowMs }, `${last.message} (${count} more in ${this.#windowMs / 1000} s)`);
    return true;
  }
}
