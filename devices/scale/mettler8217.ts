import { err, ok, type Result } from '../../shared/result';
import { scaleWeight, type ScaleReading, type ScaleWeight } from '../../shared/scale';

/**
 * Mettler Toledo 8217 scale protocol (also emulated by many scanner-scales),
 * pure bytes ↔ typed messages: no I/O, no timers.
 *
 * Sources: METTLER TOLEDO DIVA Service Manual (72191202), 6.1.3.2 "Command
 * Descriptions" (8217 ASCII commands and replies) and 6.1.4.3 "Status Byte
 * Format"; Odoo's hw_scale Toledo 8217 driver for the host side.
 *
 * Host → scale: single upper-case letters, no terminator (`W` weight, `Z` zero,
 * `T` tare, `C` clear tare).
 * Scale → host: `STX <body> CR`, where the body is a weight `ww.www` (kg,
 * thousandths) or `ww.ww` (lb, hundredths) with an `N` after it for a net
 * weight, or `?` and one status byte when the scale cannot give a weight
 * (motion, under zero, over capacity) and in answer to Z/T/C.
 */

const STX = 0x02;
const CR = 0x0d;
const LF = 0x0a;
const QUESTION = 0x3f;
const DOT = 0x2e;
const N = 0x4e;
const ZERO = 0x30;
const NINE = 0x39;

/** Status byte bits (DIVA Service Manual 6.1.4.3). Bit 6 is always 1; bit 7 is the even-parity bit. */
const StatusBit = {
  motion: 0x01,
  overCapacity: 0x02,
  underZero: 0x04,
  outsideZeroCaptureRange: 0x08,
  centerOfZero: 0x10,
  net: 0x20,
  alwaysOne: 0x40,
  parity: 0x80,
} as const;

/**
 * The longest body a scale sends is a 4-digit-integer weight with 3 decimals
 * and `N` (`9999.999N`, 9 bytes). 16 leaves room and keeps the buffer tiny.
 */
export const mettler8217MaxBodyBytes = 16;
/** Noise between frames is reported in pieces of at most this many bytes. */
const maxUnframedBytes = 64;

export type Mettler8217Command = 'weight' | 'zero' | 'tare' | 'clearTare';

const commandLetters: Readonly<Record<Mettler8217Command, number>> = {
  weight: 0x57, // W
  zero: 0x5a, // Z
  tare: 0x54, // T
  clearTare: 0x43, // C
};

/** One command as the host sends it: a single letter, no terminator. */
export function encodeMettler8217Command(command: Mettler8217Command): Uint8Array {
  return Uint8Array.of(commandLetters[command]);
}

export interface Mettler8217Status {
  readonly motion: boolean;
  readonly overCapacity: boolean;
  readonly underZero: boolean;
  /** The scale cannot capture zero here (the load is outside the zero-setting range). */
  readonly outsideZeroCaptureRange: boolean;
  readonly centerOfZero: boolean;
  /** A tare is set: weights are net. */
  readonly net: boolean;
}

export type Mettler8217GarbageReason =
  /** Bytes outside any `STX … CR` frame: line noise, or another protocol talking. */
  | 'unframed'
  /** A frame cut short by the next STX. */
  | 'truncated'
  /** More than `mettler8217MaxBodyBytes` before the CR; the rest up to the CR is dropped. */
  | 'overlong'
  /** A complete frame whose body is neither a weight nor a status. */
  | 'malformed';

export type Mettler8217Reply =
  | { readonly kind: 'weight'; readonly weight: ScaleWeight; readonly net: boolean }
  | { readonly kind: 'status'; readonly status: Mettler8217Status }
  | { readonly kind: 'garbage'; readonly reason: Mettler8217GarbageReason; readonly bytes: Uint8Array };

/** Decodes a status byte; the parity bit (bit 7) is masked off, so 7E1 read as 8N1 still works. */
export function parseMettler8217StatusByte(byte: number): Mettler8217Status | undefined {
  const bits = byte & ~StatusBit.parity & 0xff;
  if ((bits & StatusBit.alwaysOne) === 0) return undefined;
  return {
    motion: (bits & StatusBit.motion) !== 0,
    overCapacity: (bits & StatusBit.overCapacity) !== 0,
    underZero: (bits & StatusBit.underZero) !== 0,
    outsideZeroCaptureRange: (bits & StatusBit.outsideZeroCaptureRange) !== 0,
    centerOfZero: (bits & StatusBit.centerOfZero) !== 0,
    net: (bits & StatusBit.net) !== 0,
  };
}

/** The status byte without parity (a 7-bit character, as it is on a 7E1 line). */
export function mettler8217StatusByte(status: Mettler8217Status): number {
  return (
    StatusBit.alwaysOne |
    (status.motion ? StatusBit.motion : 0) |
    (status.overCapacity ? StatusBit.overCapacity : 0) |
    (status.underZero ? StatusBit.underZero : 0) |
    (status.outsideZeroCaptureRange ? StatusBit.outsideZeroCaptureRange : 0) |
    (status.centerOfZero ? StatusBit.centerOfZero : 0) |
    (status.net ? StatusBit.net : 0)
  );
}

/** `STX ? <status> CR`. */
export function encodeMettler8217Status(status: Mettler8217Status): Uint8Array {
  return Uint8Array.of(STX, QUESTION, mettler8217StatusByte(status), CR);
}

/**
 * `STX ww.www CR` (kg) or `STX ww.ww CR` (lb), `N` before the CR for net.
 * The 8217 has no sign and no other units: a negative weight or another
 * resolution is a bug in the caller (the simulator) and throws.
 */
export function encodeMettler8217Weight(weight: ScaleWeight, net: boolean): Uint8Array {
  const decimals = weight.unit === 'kg' ? 3 : weight.unit === 'lb' ? 2 : undefined;
  if (decimals === undefined || weight.decimals !== decimals) {
    throw new RangeError(`8217 sends kg with 3 decimals or lb with 2, got ${weight.decimals} decimals of ${weight.unit}`);
  }
  if (!Number.isSafeInteger(weight.increments) || weight.increments < 0 || weight.increments >= 10 ** (4 + decimals)) {
    throw new RangeError(`8217 weight must be 0 to 9999.${'9'.repeat(decimals)}, got ${weight.increments}e-${decimals}`);
  }
  // Two integer digits at least, as the manual shows them (leading zeros are sent).
  const digits = String(weight.increments).padStart(decimals + 2, '0');
  const text = `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}${net ? 'N' : ''}`;
  const out = new Uint8Array(text.length + 2);
  out[0] = STX;
  for (let i = 0; i < text.length; i++) out[i + 1] = text.charCodeAt(i);
  out[out.length - 1] = CR;
  return out;
}

/**
 * Splits the scale → host stream into replies, however the OS chunks it.
 *
 * A frame runs from STX to CR. An LF straight after the CR is dropped (some
 * emulations end lines with CR-LF). Bytes outside frames are collected and
 * reported as `unframed` garbage when the next STX arrives, when 64 have
 * piled up, or on `flush()`; so the output does not depend on chunking.
 * Memory is bounded: at most `mettler8217MaxBodyBytes` + 64 bytes are held.
 */
export class Mettler8217ReplyDecoder {
  readonly #body = new Uint8Array(mettler8217MaxBodyBytes);
  #bodyLength = 0;
  #inFrame = false;
  /** Dropping the tail of an overlong frame up to its CR. */
  #skipping = false;
  #afterCr = false;
  readonly #unframed = new Uint8Array(maxUnframedBytes);
  #unframedLength = 0;

  /** Bytes of an unfinished frame or unreported noise are held. */
  get hasPendingBytes(): boolean {
    return this.#inFrame || this.#unframedLength > 0;
  }

  push(bytes: Uint8Array): Mettler8217Reply[] {
    const replies: Mettler8217Reply[] = [];
    for (const byte of bytes) this.#pushByte(byte, replies);
    return replies;
  }

  /** Reports whatever is held as garbage and starts afresh (the line went quiet, or before a new request). */
  flush(): Mettler8217Reply[] {
    const replies: Mettler8217Reply[] = [];
    this.#flushUnframed(replies);
    if (this.#inFrame && !this.#skipping) replies.push({ kind: 'garbage', reason: 'truncated', bytes: this.#frameBytes() });
    this.reset();
    return replies;
  }

  /** Forgets everything held (after reconnecting). */
  reset(): void {
    this.#bodyLength = 0;
    this.#inFrame = false;
    this.#skipping = false;
    this.#afterCr = false;
    this.#unframedLength = 0;
  }

  #pushByte(byte: number, replies: Mettler8217Reply[]): void {
    const afterCr = this.#afterCr;
    this.#afterCr = false;
    if (byte === STX) {
      this.#flushUnframed(replies);
      if (this.#inFrame && !this.#skipping) replies.push({ kind: 'garbage', reason: 'truncated', bytes: this.#frameBytes() });
      this.#inFrame = true;
      this.#skipping = false;
      this.#bodyLength = 0;
      return;
    }
    if (this.#inFrame) {
      if (byte === CR) {
        if (!this.#skipping) replies.push(parseBody(this.#body.subarray(0, this.#bodyLength)));
        this.#inFrame = false;
        this.#skipping = false;
        this.#bodyLength = 0;
        this.#afterCr = true;
        return;
      }
      if (this.#skipping) return;
      if (this.#bodyLength === this.#body.length) {
        replies.push({ kind: 'garbage', reason: 'overlong', bytes: this.#frameBytes() });
        this.#skipping = true;
        this.#bodyLength = 0;
        return;
      }
      this.#body[this.#bodyLength++] = byte;
      return;
    }
    if (byte === LF && afterCr) return;
    this.#unframed[this.#unframedLength++] = byte;
    if (this.#unframedLength === this.#unframed.length) this.#flushUnframed(replies);
  }

  #frameBytes(): Uint8Array {
    const bytes = new Uint8Array(this.#bodyLength + 1);
    bytes[0] = STX;
    bytes.set(this.#body.subarray(0, this.#bodyLength), 1);
    return bytes;
  }

  #flushUnframed(replies: Mettler8217Reply[]): void {
    if (this.#unframedLength === 0) return;
    replies.push({ kind: 'garbage', reason: 'unframed', bytes: this.#unframed.slice(0, this.#unframedLength) });
    this.#unframedLength = 0;
  }
}

function parseBody(body: Uint8Array): Mettler8217Reply {
  const malformed = (): Mettler8217Reply => {
    const bytes = new Uint8Array(body.length + 2);
    bytes[0] = STX;
    bytes.set(body, 1);
    bytes[bytes.length - 1] = CR;
    return { kind: 'garbage', reason: 'malformed', bytes };
  };
  if (body[0] === QUESTION) {
    const status = body.length === 2 ? parseMettler8217StatusByte(body[1] ?? 0) : undefined;
    return status ? { kind: 'status', status } : malformed();
  }
  const net = body[body.length - 1] === N;
  const digits = net ? body.subarray(0, -1) : body;
  const dot = digits.indexOf(DOT);
  const integerDigits = dot;
  const decimals = digits.length - dot - 1;
  // 1–4 integer digits (the manual shows 2; high-resolution scales send more), then 3 (kg) or 2 (lb) decimals.
  if (integerDigits < 1 || integerDigits > 4 || (decimals !== 2 && decimals !== 3)) return malformed();
  let increments = 0;
  for (let i = 0; i < digits.length; i++) {
    if (i === dot) continue;
    const byte = digits[i] ?? 0;
    if (byte < ZERO || byte > NINE) return malformed();
    increments = increments * 10 + (byte - ZERO);
  }
  return { kind: 'weight', weight: scaleWeight(increments, decimals, decimals === 3 ? 'kg' : 'lb'), net };
}

/**
 * What a reply to `W` means for the sale. A status reply names why there is no
 * weight; when several bits are set, the one that needs someone's attention
 * longest wins: over capacity, under zero, motion, and only then "outside the
 * zero capture range" (which a loaded platter may report alongside motion).
 * A status reply with none of those bits does not answer a weight request.
 */
export function mettler8217Reading(reply: Exclude<Mettler8217Reply, { kind: 'garbage' }>): Result<ScaleReading, string> {
  if (reply.kind === 'weight') return ok({ kind: 'stable', weight: reply.weight, net: reply.net });
  const { status } = reply;
  if (status.overCapacity) return ok({ kind: 'overCapacity' });
  if (status.underZero) return ok({ kind: 'underZero' });
  if (status.motion) return ok({ kind: 'motion' });
  if (status.outsideZeroCaptureRange) return ok({ kind: 'zeroError' });
  return err(`status reply without a reason to withhold the weight (status ${JSON.stringify(status)})`);
}

/**
 * Whether the scale took a `Z`. The 8217 answers `Z` with its status and
 * captures zero on its next A/D reading only if the weight is stable, within
 * the capture range and no tare is set (DIVA Service Manual 6.1.3.2), so the
 * reply can only tell a refusal, not confirm the new zero.
 */
export function mettler8217ZeroOutcome(reply: Exclude<Mettler8217Reply, { kind: 'garbage' }>): Result<void, string> {
  if (reply.kind === 'weight') return reply.weight.increments === 0 && !reply.net ? ok(undefined) : err('the scale answered with a weight instead of zeroing');
  const { status } = reply;
  if (status.motion) return err('scale in motion');
  if (status.outsideZeroCaptureRange) return err('outside the zero capture range');
  if (status.net) return err('a tare is set');
  if (status.overCapacity) return err('over capacity');
  return ok(undefined);
}

export type Mettler8217CommandMessage =
  | { readonly kind: 'command'; readonly command: Mettler8217Command }
  /** Any other byte: the 8217 acts on single letters, so each byte stands alone. */
  | { readonly kind: 'unknown'; readonly byte: number };

const commandByLetter = new Map<number, Mettler8217Command>(
  (Object.entries(commandLetters) as [Mettler8217Command, number][]).map(([command, letter]) => [letter, command]),
);

/**
 * The scale's side: host bytes → commands. Stateless (commands are one byte
 * each); a class for symmetry with the other decoders. Used by the simulator.
 */
export class Mettler8217CommandDecoder {
  push(bytes: Uint8Array): Mettler8217CommandMessage[] {
    const messages: Mettler8217CommandMessage[] = [];
    for (const byte of bytes) {
      const command = commandByLetter.get(byte);
      messages.push(command ? { kind: 'command', command } : { kind: 'unknown', byte });
    }
    return messages;
  }
}

/**
 * For the fuzz harness: feeds arbitrary bytes through a fresh reply decoder,
 * maps every reply to a reading and a zero outcome (so that code runs too),
 * flushes, and returns the replies. Never throws; holds at most a few dozen
 * bytes between calls of `push`.
 */
export function fuzzMettler8217Replies(input: Uint8Array): Mettler8217Reply[] {
  const decoder = new Mettler8217ReplyDecoder();
  const replies = [...decoder.push(input), ...decoder.flush()];
  for (const reply of replies) {
    if (reply.kind === 'garbage') continue;
    mettler8217Reading(reply);
    mettler8217ZeroOutcome(reply);
  }
  return replies;
}

/** For the fuzz harness: arbitrary host bytes through the simulator's command decoder. */
export function fuzzMettler8217Commands(input: Uint8Array): Mettler8217CommandMessage[] {
  return new Mettler8217CommandDecoder().push(input);
}
