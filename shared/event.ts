/**
 * A tiny typed event, in the style of VS Code's `Event<T>`: subscribing returns
 * a disposable, so whoever listens also knows how to stop.
 */
export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;
export type Event<T> = (listener: Listener<T>) => Disposable;

export class Emitter<T> {
  readonly #listeners = new Set<Listener<T>>();

  readonly event: Event<T> = (listener) => {
    this.#listeners.add(listener);
    return { dispose: () => this.#listeners.delete(listener) };
  };

  /** Delivers to every listener; one listener throwing does not starve the others. */
  fire(value: T): void {
    let firstError: unknown;
    for (const listener of [...this.#listeners]) {
      try {
        listener(value);
      } catch (error) {
        firstError ??= error;
      }
    }
    if (firstError !== undefined) throw firstError;
  }

  get hasListeners(): boolean {
    return this.#listeners.size > 0;
  }

  dispose(): void {
    this.#listeners.clear();
  }
}
