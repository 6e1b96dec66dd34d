import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result';
import { maskPan, type PaymentPrompt, type TerminalOutcome } from './adapter';

/**
 * The Lanewise simulated-terminal protocol: newline-delimited JSON over TCP, one message
 * per line, UTF-8. It is the codec tier only (text ↔ messages, no I/O); see README.md for
 * the conversation.
 *
 * Compatibility rules: unknown fields are ignored (so a newer peer may add some); an
 * unknown `type` or a missing/invalid field makes the line malformed — it is reported and
 * skipped, the connection stays up. Incompatible changes bump `PROTOCOL_VERSION`, which
 * both sides announce in `hello` before anything else.
 */
export const PROTOCOL_VERSION = 1;

/**
 * Longest line either side accepts. Real messages are a few hundred bytes; the limit keeps
 * a peer that never sends a newline from growing our buffer without bound.
 */
export const MAX_LINE_LENGTH = 16 * 1024;

const reference = z.string().regex(/^[\x21-\x7E]{1,128}$/, 'reference must be 1–128 visible ASCII characters');
const currency = z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code');
// z.int() is limited to safe integers: money is an integer count of minor units.
const amountMinor = z.int().positive();
const prompt = z.enum(['presentCard', 'enterPin', 'processing']) satisfies z.ZodType<PaymentPrompt>;

// Lane → terminal

const laneHello = z.object({ type: z.literal('hello'), version: z.int().positive(), lane: z.string().max(128).optional() });
const authorize = z.object({ type: z.literal('authorize'), reference, amountMinor, currency });
const cancel = z.object({ type: z.literal('cancel'), reference, by: z.enum(['shopper', 'lane']).optional() });
const status = z.object({ type: z.literal('status'), reference });
const ping = z.object({ type: z.literal('ping') });

export const laneMessageSchema = z.discriminatedUnion('type', [laneHello, authorize, cancel, status, ping]);
export type LaneMessage = z.infer<typeof laneMessageSchema>;

// Terminal → lane

const approved = z.object({
  kind: z.literal('approved'),
  reference,
  amountMinor,
  currency,
  authCode: z.string().regex(/^[A-Za-z0-9]{1,12}$/),
  // Masked again on receipt: a terminal misconfigured to send the full number must not leak it.
  maskedPan: z.string().max(64).transform(maskPan),
  scheme: z.string().max(32).optional(),
});
const declined = z.object({
  kind: z.literal('declined'),
  reference,
  // A reason from a newer terminal must not lose the decline: it becomes 'other'.
  reason: z.enum(['insufficientFunds', 'cardDeclined', 'cardExpired', 'pinIncorrect', 'other']).catch('other'),
  message: z.string().max(256).optional(),
});
const cancelled = z.object({
  kind: z.literal('cancelled'),
  reference,
  by: z.enum(['shopper', 'lane', 'terminal']).catch('terminal'),
});
/** Only final outcomes travel: `timedOut` and `unavailable` are the lane's own conclusions. */
export const terminalOutcomeSchema = z.discriminatedUnion('kind', [approved, declined, cancelled]) satisfies z.ZodType<TerminalOutcome>;

/**
 * Why the terminal could not act on a request. `busy`: another transaction is pending
 * (a terminal serves one card at a time). `referenceConflict`: the reference exists with
 * another amount or currency. `helloRequired`/`unsupportedVersion`: handshake problems.
 */
export const terminalErrorCodes = ['malformed', 'helloRequired', 'unsupportedVersion', 'busy', 'referenceConflict', 'internal'] as const;
export type TerminalErrorCode = (typeof terminalErrorCodes)[number];

const terminalHello = z.object({ type: z.literal('hello'), version: z.int().positive(), terminal: z.string().max(128).optional() });
const pending = z.object({ type: z.literal('pending'), reference, prompt });
const result = z.object({ type: z.literal('result'), outcome: terminalOutcomeSchema });
const unknown = z.object({ type: z.literal('unknown'), reference });
const pong = z.object({ type: z.literal('pong') });
const error = z.object({
  type: z.literal('error'),
  code: z.enum(terminalErrorCodes).catch('internal'),
  message: z.string().max(1024),
  // Present when the error answers a request about one reference.
  reference: reference.optional(),
});

export const terminalMessageSchema = z.discriminatedUnion('type', [terminalHello, pending, result, unknown, pong, error]);
export type TerminalMessage = z.infer<typeof terminalMessageSchema>;

export interface ProtocolError {
  readonly kind: 'notJson' | 'invalidMessage' | 'lineTooLong';
  /** Safe to log: describes the problem without echoing the line (which could hold anything). */
  readonly detail: string;
}

export function encodeMessage(message: LaneMessage | TerminalMessage): string {
  return `${JSON.stringify(message)}\n`;
}

export function decodeLaneMessage(line: string): Result<LaneMessage, ProtocolError> {
  return decode(line, laneMessageSchema);
}

export function decodeTerminalMessage(line: string): Result<TerminalMessage, ProtocolError> {
  return decode(line, terminalMessageSchema);
}

function decode<T>(line: string, schema: z.ZodType<T>): Result<T, ProtocolError> {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return err({ kind: 'notJson', detail: `not JSON (${line.length} characters)` });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    // Zod issues name paths and expectations, not input values, so no card data ends up in a log.
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`).join('; ');
    return err({ kind: 'invalidMessage', detail });
  }
  return ok(parsed.data);
}

/**
 * Splits a byte stream into lines. TCP delivers arbitrary chunks: a message may arrive in
 * pieces, several may arrive at once, and a UTF-8 character may straddle two chunks (the
 * streaming TextDecoder keeps the partial bytes). `\r\n` is accepted for hand-typed
 * sessions (`nc`), blank lines are ignored. An overlong line is reported once and skipped
 * up to its newline; the stream then carries on.
 */
export class LineDecoder {
  readonly #maxLineLength: number;
  readonly #text = new TextDecoder('utf-8');
  #buffer = '';
  #discarding = false;

  constructor(options: { readonly maxLineLength?: number } = {}) {
    const maxLineLength = options.maxLineLength ?? MAX_LINE_LENGTH;
    if (!Number.isSafeInteger(maxLineLength) || maxLineLength < 1) throw new RangeError(`maxLineLength must be a positive integer, got ${maxLineLength}`);
    this.#maxLineLength = maxLineLength;
  }

  push(chunk: Uint8Array): Result<string, ProtocolError>[] {
    this.#buffer += this.#text.decode(chunk, { stream: true });
    const lines: Result<string, ProtocolError>[] = [];
    let newline: number;
    while ((newline = this.#buffer.indexOf('\n')) !== -1) {
      const line = this.#buffer.slice(0, newline).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(newline + 1);
      if (this.#discarding) {
        this.#discarding = false;
        continue;
      }
      if (line.length > this.#maxLineLength) {
        lines.push(this.#tooLong());
      } else if (line.trim() !== '') {
        lines.push(ok(line));
      }
    }
    if (!this.#discarding && this.#buffer.length > this.#maxLineLength) {
      lines.push(this.#tooLong());
      this.#discarding = true;
    }
    if (this.#discarding) this.#buffer = '';
    return lines;
  }

  #tooLong(): Result<string, ProtocolError> {
    return err({ kind: 'lineTooLong', detail: `line longer than ${this.#maxLineLength} characters skipped` });
  }
}
