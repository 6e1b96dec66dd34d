import { Emitter, type Event } from '../event';

/**
 * A typed service between a screen and the lane runtime, after VS Code's ProxyChannel
 * and vxsuite's grout: one interface, one object argument per method, results and
 * pushed events as JSON messages over whatever connection the runtime offers
 * (Electron IPC through a preload, or a WebSocket for a browser).
 */

/** One end of a message connection, carrying JSON text. */
export interface BridgeConnection {
  send(message: string): void;
  readonly onMessage: Event<string>;
  readonly onClose: Event<void>;
}

export interface BridgeErrorBody {
  readonly code: 'badMessage' | 'unknownMethod' | 'badArguments' | 'failed';
  readonly message: string;
}

export type ServerMessage =
  | { readonly kind: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'result'; readonly id: number; readonly ok: false; readonly error: BridgeErrorBody }
  | { readonly kind: 'event'; readonly name: string; readonly payload: unknown };

/** A service's methods: each takes one object and returns a promise. */
export type ServiceShape<S> = { [M in keyof S]: (args: never) => Promise<unknown> };

/** A call from a screen: one method, one object argument. */
export interface CallMessage {
  readonly kind: 'call';
  readonly id: number;
  readonly method: string;
  readonly args: unknown;
}

export class BridgeCallError extends Error {
  constructor(readonly body: BridgeErrorBody) {
    super(`${body.code}: ${body.message}`);
  }
}

export function eventMessage(name: string, payload: unknown): string {
  return JSON.stringify({ kind: 'event', name, payload } satisfies ServerMessage);
}

/**
 * Call ids, unique across every client in this page: replies reach every client on a
 * connection, and each takes only the ids it sent, so two clients on one connection (the
 * lane store and the item lookup) must never number their calls alike.
 */
let nextCallId = 1;

/**
 * The screen's side: a proxy whose methods send calls, plus the stream of pushed events.
 * Calls in flight when the connection closes fail with a `failed` error.
 */
export function createServiceClient<S extends ServiceShape<S>>(connection: BridgeConnection): { service: S; onEvent: Event<{ name: string; payload: unknown }>; dispose(): void } {
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const events = new Emitter<{ name: string; payload: unknown }>();
  const messages = connection.onMessage((raw) => {
    let message: ServerMessage;
    try {
      message = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    if (message.kind === 'event') {
      events.fire({ name: message.name, payload: message.payload });
    } else if (message.kind === 'result') {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (!call) return;
      if (message.ok) call.resolve(message.value);
      else call.reject(new BridgeCallError(message.error));
    }
  });
  const closes = connection.onClose(() => {
    for (const call of pending.values()) call.reject(new BridgeCallError({ code: 'failed', message: 'connection closed' }));
    pending.clear();
  });
  const service = new Proxy({} as S, {
    get(_target, method) {
      if (typeof method !== 'string' || method === 'then') return undefined;
      return (args: unknown) =>
        new Promise((resolve, reject) => {
          const id = nextCallId++;
          pending.set(id, { resolve, reject });
          try {
            connection.send(JSON.stringify({ kind: 'call', id, method, args: args ?? {} } satisfies CallMessage));
          } catch (error) {
            pending.delete(id);
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
    },
  });
  return {
    service,
    onEvent: events.event,
    dispose() {
      messages.dispose();
      closes.dispose();
      events.dispose();
    },
  };
}
