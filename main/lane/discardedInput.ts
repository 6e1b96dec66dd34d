import type { DeviceRole } from '../../shared/devices';

/**
 * Batches "input discarded" reports (scanner line noise, bad scale replies) into at most
 * one checkout event per device per window. A flooded line must not turn into a journal
 * commit per garbage frame; an assistant only needs to see that, and roughly how much.
 */
export class DiscardedInputBatcher {
  readonly #pending = new Map<DeviceRole, { count: number; reason: string }>();
  readonly #windowMs: number;
  readonly #deliver: (role: DeviceRole, count: number, reason: string) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** One second: quick enough for an assistant's screen, slow enough that a flood costs one commit a second. */
  constructor(deliver: (role: DeviceRole, count: number, reason: string) => void, windowMs = 1_000) {
    this.#deliver = deliver;
    this.#windowMs = windowMs;
  }

  report(role: DeviceRole, reason: string): void {
    const entry = this.#pending.get(role);
    if (entry) {
      entry.count++;
      entry.reason = reason;
    } else {
      this.#pending.set(role, { count: 1, reason });
    }
    this.#timer ??= setTimeout(() => this.flush(), this.#windowMs);
  }

  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batches = [...this.#pending];
    this.#pending.clear();
    for (const [role, { count, reason }] of batches) this.#deliver(role, count, reason);
  }

  /** Drops what is pending (the lane is stopping). */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }
}
