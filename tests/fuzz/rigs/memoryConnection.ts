import type { BridgeConnection, ServerMessage } from '../../../shared/bridge/rpc';
import { Emitter } from '../../../shared/event';

/**
 * A bridge connection in memory: what `webSocketConnection` (main/bridge/laneServer.ts) makes of
 * a socket — text in, text out — without the socket, so the fuzzer drives `serveConnection`
 * directly and sees every reply, in order.
 */
export class MemoryConnection implements BridgeConnection {
  readonly #messages = new Emitter<string>();
  readonly #closes = new Emitter<void>();
  readonly onMessage = this.#messages.event;
  readonly onClose = this.#closes.event;
  /** Results by call id; pushed events are counted only. */
  readonly results = new Map<number, Extract<ServerMessage, { kind: 'result' }>>();
  readonly unreadable: string[] = [];
  events = 0;
  #waiting: { id: number; resolve: () => void } | undefined;

  send(message: string): void {
    let parsed: ServerMessage;
    try {
      parsed = JSON.parse(message) as ServerMessage;
    } catch {
      this.unreadable.push(message);
      return;
    }
    if (parsed.kind === 'event') {
      this.events++;
      return;
    }
    this.results.set(parsed.id, parsed);
    if (this.#waiting?.id === parsed.id) this.#waiting.resolve();
  }

  /** A message from the page; whatever the server's listener throws comes out here. */
  receive(text: string): void {
    this.#messages.fire(text);
  }

  /** Resolves when the result for `id` has arrived, or false after `timeoutMs`. */
  waitForResult(id: number, timeoutMs: number): Promise<boolean> {
    if (this.results.has(id)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting = undefined;
        resolve(false);
      }, timeoutMs);
      this.#waiting = {
        id,
        resolve: () => {
          clearTimeout(timer);
          this.#waiting = undefined;
          resolve(true);
        },
      };
    });
  }

  close(): void {
    this.#closes.fire();
  }
}

/** One macrotask: lets promise chains started by a message (a handler's reply) run to their end. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
