import { z } from 'zod';
import type { Disposable } from '../event';
import type { BridgeConnection, BridgeErrorBody, ServerMessage, ServiceShape } from './rpc';

/**
 * The lane's side of the bridge: every message from a screen is untrusted until it has
 * passed these schemas (kept apart from the client so the kiosk page carries no validator).
 */
export const callMessageSchema = z
  .object({
    kind: z.literal('call'),
    id: z.number().int().nonnegative(),
    method: z.string().max(64),
    args: z.unknown(),
  })
  .strict();


/** Argument schemas, one per method: the server validates every call against them. */
export type ServiceSchema<S extends ServiceShape<S>> = { [M in keyof S]: z.ZodType<Parameters<S[M]>[0]> };

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

