/**
 * Reconnect with exponential backoff, shared by the serial device services.
 *
 * A lane runs unattended for days: a scanner cable pulled by a shopper or a
 * printer switched off by an assistant must come back on its own as soon as
 * the device is there again, without hammering the OS with open() calls while
 * it is not. One attempt at a time, delays doubling up to a cap.
 */

export interface BackoffOptions {
  /** Delay before the first retry. */
  readonly initialDelayMs?: number;
  /** Cap for the delay; the loop keeps retrying at this pace forever. */
  readonly maxDelayMs?: number;
  /** Growth per failed attempt. */
  readonly factor?: number;
}

export interface ResolvedBackoff {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
}

/**
 * 250 ms is short enough that a re-plugged USB-serial adapter is back before the
 * shopper notices. The 1 s cap keeps the promise that a device is reopened within
 * 2 s of returning however long it was away; an open() of a missing device node
 * fails at once (ENOENT), so retrying every second costs nothing, and the
 * services log repeats at debug level only.
 */
export const defaultBackoff: ResolvedBackoff = { initialDelayMs: 250, maxDelayMs: 1_000, factor: 2 };

/** Fills in defaults; a nonsensical setting is a configuration bug and throws. */
export function resolveBackoff(options: BackoffOptions | undefined): ResolvedBackoff {
  const resolved = { ...defaultBackoff, ...stripUndefined(options ?? {}) };
  if (!(Number.isFinite(resolved.initialDelayMs) && resolved.initialDelayMs >= 0)) {
    throw new RangeError(`backoff initialDelayMs must be a finite number >= 0, got ${resolved.initialDelayMs}`);
  }
  if (!(Number.isFinite(resolved.maxDelayMs) && resolved.maxDelayMs >= resolved.initialDelayMs)) {
    throw new RangeError(`backoff maxDelayMs must be >= initialDelayMs, got ${resolved.maxDelayMs}`);
  }
  if (!(Number.isFinite(resolved.factor) && resolved.factor >= 1)) {
    throw new RangeError(`backoff factor must be >= 1, got ${resolved.factor}`);
  }
  return resolved;
}

/** Delay before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, backoff: ResolvedBackoff): number {
  return Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.factor ** Math.max(0, attempt));
}

/**
 * Calls `attempt` after each backoff delay until it resolves `true` or the loop
 * is cancelled. `attempt` returning `false` or rejecting both count as a failed
 * try (the caller logs its own reasons); nothing escapes the loop.
 */
export class Reconnector {
  readonly #attempt: () => Promise<boolean>;
  readonly #backoff: ResolvedBackoff;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #running = false;
  /** Bumped on cancel so an attempt already in flight cannot re-arm the timer. */
  #generation = 0;

  constructor(attempt: () => Promise<boolean>, backoff?: BackoffOptions) {
    this.#attempt = attempt;
    this.#backoff = resolveBackoff(backoff);
  }

  /** True between `start()` and success or `cancel()`. */
  get active(): boolean {
    return this.#running;
  }

  /** Failed attempts since `start()`. */
  get failures(): number {
    return this.#failures;
  }

  /** Starts the loop; the first attempt comes after `initialDelayMs`. A no-op while running. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#failures = 0;
    this.#schedule(this.#generation);
  }

  cancel(): void {
    this.#generation++;
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(generation: number): void {
    const delay = backoffDelay(this.#failures, this.#backoff);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#run(generation);
    }, delay);
  }

  async #run(generation: number): Promise<void> {
    let connected = false;
    try {
      connected = await this.#attempt();
    } catch {
      connected = false;
    }
    if (generation !== this.#generation) return;
    if (connected) {
      this.#running = false;
      return;
    }
    this.#failures++;
    this.#schedule(generation);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
