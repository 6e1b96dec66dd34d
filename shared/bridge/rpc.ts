import { z } from 'zod';
import { Emitter, type Disposable, type Event } from '../event';

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

export const callMessageSchema = z
  .object({
    kind: z.literal('call'),
    id: z.number().int().nonnegative(),
    method: z.string().max(64),
    args: z.unknown(),
  })
  .strict();

export type CallMessage = z.infer<typeof callMessageSchema>;

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

/** Argument schemas, one per method: the server validates every call against them. */
export type ServiceSchema<S extends ServiceShape<S>> = { [M in keyof S]: z.ZodType<Parameters<S[M]>[0]> };

export class BridgeCallError extends Error {
  constructor(readonly body: BridgeErrorBody) {
    super(`${body.code}: ${body.message}`);
  }
}

/**
 * Serves `implementation` on `connection`. Malformed or unknown calls are answered with an
 * error and reported through `onRejected`; they never throw into the caller.
 */
export function serveConnection<S extends ServiceShape<S>>(
  connection: BridgeConnection,
  implementation: S,
  schema: ServiceSchema<S>,
  onRejected: (reason: BridgeErrorBody, raw: string) => void,
): Disposable {
  const reply = (message: ServerMessage) => connection.send(JSON.stringify(message));
  return connection.onMessage((raw) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      const error: BridgeErrorBody = { code: 'badMessage', message: 'not JSON' };
      onRejected(error, raw);
      return;
    }
    const call = callMessageSchema.safeParse(parsed);
    if (!call.success) {
      const error: BridgeErrorBody = { code: 'badMessage', message: 'not a call message' };
      onRejected(error, raw);
      return;
    }
    const { id, method, args } = call.data;
    if (!Object.hasOwn(schema, method)) {
      const error: BridgeErrorBody = { code: 'unknownMethod', message: `no method ${method}` };
      onRejected(error, raw);
      reply({ kind: 'result', id, ok: false, error });
      return;
    }
    const validated = schema[method as keyof S].safeParse(args);
    if (!validated.success) {
      const error: BridgeErrorBody = { code: 'badArguments', message: z.prettifyError(validated.error) };
      onRejected(error, raw);
      reply({ kind: 'result', id, ok: false, error });
      return;
    }
    const handler = implementation[method as keyof S] as unknown as (args: unknown) => Promise<unknown>;
    Promise.resolve()
      .then(() => handler.call(implementation, validated.data))
      .then(
        (value) => reply({ kind: 'result', id, ok: true, value }),
        (error: unknown) => reply({ kind: 'result', id, ok: false, error: { code: 'failed', message: error instanceof Error ? error.message : String(error) } }),
      );
  });
}

export function eventMessage(name: string, payload: unknown): string {
  return JSON.stringify({ kind: 'event', name, payload } satisfies ServerMessage);
}

/**
 * The screen's side: a proxy whose methods send calls, plus the stream of pushed events.
 * Calls in flight when the connection closes fail with a `failed` error.
 */
export function createServiceClient<S extends ServiceShape<S>>(connection: BridgeConnection): { service: S; onEvent: Event<{ name: string; payload: unknown }>; dispose(): void } {
  let nextId = 1;
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
          const id = nextId++;
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
