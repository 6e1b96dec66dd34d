import { err, ok, type Result } from '../../shared/result';
import { scaleWeight, type ScaleReading, type ScaleWeight, type WeightUnit } from '../../shared/scale';

/**
 * NCI / Weigh-Tronix SCP-01 ("NCI ECR") scale protocol, pure bytes ↔ typed
 * messages: no I/O, no timers.
 *
 * Sources: METTLER TOLEDO DIVA Service Manual (72191202), 6.1.1 "NCI – ECR"
 * (commands, replies, status bytes; the Magellan scanner-scales' emulation);
 * NCI Model 7800 Family user's manual, "NCI Serial Communications Protocol";
 * Salter Brecknell 3700LP user's manual, "NCI Protocol" (lower-case units,
 * grams without a decimal point).
 *
 * Host → scale: a letter and CR (`W` weight, `S` status, `Z` zero, `H` high
 * resolution, `U` change units, `M` raw counts).
 * Scale → host, each reply ending with ETX:
 * - weight: `LF <weight><units> CR LF <status bytes> CR ETX`
 * - status only (negative, in motion, over/under capacity, zero error, and in
 *   answer to `S` and `Z`): `LF <status bytes> CR ETX`
 * - unknown command: `LF ? CR ETX`
 */

const ETX = 0x03;
const LF = 0x0a;
const CR = 0x0d;
const QUESTION = 0x3f;
/** The DIVA emulation prefixes the status bytes with `S`; NCI's own scales do not. */
const STATUS_PREFIX = 0x53;

/** Status bits 4 and 5 are always 1, bit 7 is parity (DIVA Service Manual 6.1.1, "Scale Status Command"). */
const statusFixedBits = 0x30;
const parityBit = 0x80;
const byteFollowsBit = 0x40;

/** A weight line is at most 9 characters per the manuals (`xxxx.xxUU`, `xxx.xxxUU`); 24 leaves room for padding. */
const maxLineBytes = 24;
/** Byte 1 and 2 always, byte 3 and 4 when flagged; more are reserved. 8 keeps a runaway chain bounded. */
const maxStatusBytes = 8;
/** Longest frame kept: LF + line + CR + LF + line + CR + ETX. */
export const scp01MaxFrameBytes = 2 * (maxLineBytes + 2) + 1;
/** Noise between frames is reported in pieces of at most this many bytes. */
const maxUnframedBytes = 64;

export type Scp01Command = 'weight' | 'status' | 'zero' | 'highResolution' | 'changeUnits' | 'rawCounts';

const commandLetters: Readonly<Record<Scp01Command, number>> = {
  weight: 0x57, // W
  status: 0x53, // S
  zero: 0x5a, // Z
  highResolution: 0x48, // H
  changeUnits: 0x55, // U
  rawCounts: 0x4d, // M
};

/** One command as the host sends it: letter + CR. */
export function encodeScp01Command(command: Scp01Command): Uint8Array {
  return Uint8Array.of(commandLetters[command], CR);
}

export interface Scp01Status {
  // Byte 1
  readonly motion: boolean;
  readonly atZero: boolean;
  readonly ramError: boolean;
  readonly eepromError: boolean;
  // Byte 2
  readonly underCapacity: boolean;
  readonly overCapacity: boolean;
  readonly romError: boolean;
  readonly badCalibration: boolean;
  // Byte 3 (optional; these read 0/false when the scale sends only two bytes)
  /** Bits 0–1: 0 low range … 3 high range (multi-range scales). */
  readonly range: number;
  readonly net: boolean;
  readonly initialZeroError: boolean;
  /** How many status bytes the scale sent (2 or more). */
  readonly byteCount: number;
}

/** What the encoder needs; missing flags are false, `range` 0. */
export type Scp01StatusFlags = Partial<Omit<Scp01Status, 'byteCount'>>;

export type Scp01GarbageReason =
  /** Bytes outside any `LF … ETX` frame: line noise, or another protocol talking. */
  | 'unframed'
  /** A frame cut short by the start of the next one. */
  | 'truncated'
  /** A line longer than 24 bytes; everything up to the next ETX is dropped. */
  | 'overlong'
  /** A complete frame that is not a weight, status or unknown-command reply. */
  | 'malformed';

export type Scp01Reply =
  | { readonly kind: 'weight'; readonly weight: ScaleWeight; readonly status: Scp01Status }
  | { readonly kind: 'status'; readonly status: Scp01Status }
  | { readonly kind: 'unknownCommand' }
  | { readonly kind: 'garbage'; readonly reason: Scp01GarbageReason; readonly bytes: Uint8Array };

/** The status bytes (without parity: 7-bit characters, as on a 7-data-bit line). Three bytes when byte-3 flags are set. */
export function encodeScp01StatusBytes(flags: Scp01StatusFlags): Uint8Array {
  const range = flags.range ?? 0;
  if (!Number.isInteger(range) || range < 0 || range > 3) throw new RangeError(`SCP-01 range must be 0..3, got ${range}`);
  const third = range !== 0 || flags.net === true || flags.initialZeroError === true;
  const byte1 = statusFixedBits | bit(flags.motion, 0) | bit(flags.atZero, 1) | bit(flags.ramError, 2) | bit(flags.eepromError, 3);
  const byte2 = statusFixedBits | bit(flags.underCapacity, 0) | bit(flags.overCapacity, 1) | bit(flags.romError, 2) | bit(flags.badCalibration, 3) | (third ? byteFollowsBit : 0);
  if (!third) return Uint8Array.of(byte1, byte2);
  const byte3 = statusFixedBits | range | bit(flags.net, 2) | bit(flags.initialZeroError, 3);
  return Uint8Array.of(byte1, byte2, byte3);
}

/**
 * Decodes the status bytes of a line (optionally after the DIVA `S` prefix).
 * The parity bit is masked off. Each byte must carry bits 4–5; byte 1 has bit
 * 6 clear; from byte 2 on, bit 6 says another byte follows, and the line must
 * end exactly where the chain does.
 */
export function parseScp01Status(line: Uint8Array): Scp01Status | undefined {
  const bytes = line[0] === STATUS_PREFIX ? line.subarray(1) : line;
  if (bytes.length < 2 || bytes.length > maxStatusBytes) return undefined;
  const masked = Array.from(bytes, (byte) => byte & ~parityBit & 0xff);
  for (const [index, byte] of masked.entries()) {
    if ((byte & statusFixedBits) !== statusFixedBits) return undefined;
    const follows = (byte & byteFollowsBit) !== 0;
    if (index === 0 ? follows : follows !== (index < masked.length - 1)) return undefined;
  }
  const [byte1 = 0, byte2 = 0, byte3 = statusFixedBits] = masked;
  return {
    motion: (byte1 & 0x01) !== 0,
    atZero: (byte1 & 0x02) !== 0,
    ramError: (byte1 & 0x04) !== 0,
    eepromError: (byte1 & 0x08) !== 0,
    underCapacity: (byte2 & 0x01) !== 0,
    overCapacity: (byte2 & 0x02) !== 0,
    romError: (byte2 & 0x04) !== 0,
    badCalibration: (byte2 & 0x08) !== 0,
    range: byte3 & 0x03,
    net: (byte3 & 0x04) !== 0,
    initialZeroError: (byte3 & 0x08) !== 0,
    byteCount: masked.length,
  };
}

const unitCodes: Readonly<Record<string, WeightUnit>> = { LB: 'lb', KG: 'kg', OZ: 'oz', G: 'g' };
const unitTexts: Readonly<Record<WeightUnit, string>> = { lb: 'LB', kg: 'KG', oz: 'OZ', g: 'G' };

/**
 * A weight line: optional spaces, an optional minus sign, digits with at most
 * one decimal point, optional spaces, the unit (any case), optional spaces.
 * Upper-case units are the DIVA form, lower-case the NCI scales'; grams come
 * without a decimal point. The pound-ounce form (`1LB 2.5OZ`) is not supported.
 */
export function parseScp01WeightLine(line: Uint8Array): ScaleWeight | undefined {
  if (line.length === 0 || line.length > maxLineBytes) return undefined;
  const text = String.fromCharCode(...line);
  const match = /^ *(-?)(\d+)(?:\.(\d*))? *([A-Za-z]{1,2}) *$/.exec(text);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = '', unitText = ''] = match;
  const unit = unitCodes[unitText.toUpperCase()];
  const digits = whole + fraction;
  // 9 digits fit a safe integer many times over; scaleWeight takes at most 6 decimals.
  if (unit === undefined || digits.length > 9 || fraction.length > 6) return undefined;
  const increments = Number(digits) * (sign === '-' ? -1 : 1);
  return scaleWeight(increments === 0 ? 0 : increments, fraction.length, unit);
}

/**
 * The weight field with its unit, e.g. `01.234KG`, `001.23LB`, `01234G`: five
 * digits with leading zeros (DIVA Service Manual 6.1.1 notes 1–2), more if the
 * value needs them. Negative weights are never sent (the scale sends status
 * only), so a negative weight is a bug in the caller and throws.
 */
export function encodeScp01WeightText(weight: ScaleWeight): string {
  if (!Number.isSafeInteger(weight.increments) || weight.increments < 0) throw new RangeError(`SCP-01 weights are sent unsigned, got ${weight.increments}`);
  const digits = String(weight.increments).padStart(Math.max(5, weight.decimals + 1), '0');
  const number = weight.decimals === 0 ? digits : `${digits.slice(0, -weight.decimals)}.${digits.slice(-weight.decimals)}`;
  return `${number}${unitTexts[weight.unit]}`;
}

/** `LF <weight><units> CR LF <status> CR ETX`. */
export function encodeScp01WeightReply(weight: ScaleWeight, status: Scp01StatusFlags): Uint8Array {
  return frame([asciiBytes(encodeScp01WeightText(weight)), encodeScp01StatusBytes(status)]);
}

/** `LF <status> CR ETX`. */
export function encodeScp01StatusReply(status: Scp01StatusFlags): Uint8Array {
  return frame([encodeScp01StatusBytes(status)]);
}

/** `LF ? CR ETX`. */
export function encodeScp01UnknownCommandReply(): Uint8Array {
  return frame([Uint8Array.of(QUESTION)]);
}

function frame(lines: readonly Uint8Array[]): Uint8Array {
  const out: number[] = [];
  for (const line of lines) out.push(LF, ...line, CR);
  out.push(ETX);
  return Uint8Array.from(out);
}

type DecoderState =
  /** Between frames, waiting for LF. */
  | 'idle'
  /** Inside a line, waiting for CR. */
  | 'line'
  /** A line ended with CR: LF starts another, ETX ends the frame. */
  | 'afterLine'
  /** Dropping an overlong frame up to its ETX. */
  | 'skipping';

/**
 * Splits the scale → host stream into replies, however the OS chunks it.
 *
 * A frame is one or two `LF … CR` lines and an ETX. A frame that breaks off
 * (an LF inside a line, a third line) is reported as `truncated` and the new
 * LF starts the next frame, so one lost ETX costs one reply, not two. Bytes
 * outside frames are reported as `unframed` when the next frame starts, when
 * 64 have piled up, or on `flush()`. Memory is bounded (about 120 bytes).
 */
export class Scp01ReplyDecoder {
  #state: DecoderState = 'idle';
  /** The raw bytes of the frame so far, for garbage reports (capped). */
  readonly #raw = new Uint8Array(scp01MaxFrameBytes);
  #rawLength = 0;
  #lines: Uint8Array[] = [];
  readonly #line = new Uint8Array(maxLineBytes);
  #lineLength = 0;
  readonly #unframed = new Uint8Array(maxUnframedBytes);
  #unframedLength = 0;

  get hasPendingBytes(): boolean {
    return this.#state !== 'idle' || this.#unframedLength > 0;
  }

  push(bytes: Uint8Array): Scp01Reply[] {
    const replies: Scp01Reply[] = [];
    for (const byte of bytes) this.#pushByte(byte, replies);
    return replies;
  }

  /** Reports whatever is held as garbage and starts afresh. */
  flush(): Scp01Reply[] {
    const replies: Scp01Reply[] = [];
    this.#flushUnframed(replies);
    if (this.#state === 'line' || this.#state === 'afterLine') replies.push({ kind: 'garbage', reason: 'truncated', bytes: this.#rawBytes() });
    this.reset();
    return replies;
  }

  reset(): void {
    this.#state = 'idle';
    this.#rawLength = 0;
    this.#lines = [];
    this.#lineLength = 0;
    this.#unframedLength = 0;
  }

  #pushByte(byte: number, replies: Scp01Reply[]): void {
    switch (this.#state) {
      case 'idle':
        if (byte === LF) {
          this.#flushUnframed(replies);
          this.#startFrame();
          return;
        }
        this.#unframed[this.#unframedLength++] = byte;
        if (this.#unframedLength === this.#unframed.length) this.#flushUnframed(replies);
        return;
      case 'skipping':
        if (byte === ETX) this.#state = 'idle';
        return;
      case 'line':
        if (byte === LF) {
          // The frame broke off mid-line; this LF starts the next one.
          replies.push({ kind: 'garbage', reason: 'truncated', bytes: this.#rawBytes() });
          this.#startFrame();
          return;
        }
        this.#record(byte);
        if (byte === CR) {
          this.#lines.push(this.#line.slice(0, this.#lineLength));
          this.#lineLength = 0;
          this.#state = 'afterLine';
          return;
        }
        if (byte === ETX) {
          replies.push({ kind: 'garbage', reason: 'malformed', bytes: this.#rawBytes() });
          this.reset();
          return;
        }
        if (this.#lineLength === this.#line.length) {
          replies.push({ kind: 'garbage', reason: 'overlong', bytes: this.#rawBytes() });
          this.#rawLength = 0;
          this.#lines = [];
          this.#lineLength = 0;
          this.#state = 'skipping';
          return;
        }
        this.#line[this.#lineLength++] = byte;
        return;
      case 'afterLine':
        if (byte === ETX) {
          this.#record(byte);
          replies.push(...this.#parseFrame());
          this.reset();
          return;
        }
        if (byte === LF) {
          if (this.#lines.length === 2) {
            // A third line: the first belonged to a reply that lost its end. Keep the newest line.
            const dropped = this.#lines.shift() ?? new Uint8Array(0);
            replies.push({ kind: 'garbage', reason: 'truncated', bytes: Uint8Array.from([LF, ...dropped, CR]) });
            const kept = this.#lines[0] ?? new Uint8Array(0);
            this.#rawLength = 0;
            for (const b of [LF, ...kept, CR]) this.#record(b);
          }
          this.#record(byte);
          this.#lineLength = 0;
          this.#state = 'line';
          return;
        }
        this.#record(byte);
        replies.push({ kind: 'garbage', reason: 'malformed', bytes: this.#rawBytes() });
        this.reset();
        return;
    }
  }

  #startFrame(): void {
    this.#rawLength = 0;
    this.#lines = [];
    this.#lineLength = 0;
    this.#record(LF);
    this.#state = 'line';
  }

  #record(byte: number): void {
    if (this.#rawLength < this.#raw.length) this.#raw[this.#rawLength++] = byte;
  }

  #rawBytes(): Uint8Array {
    return this.#raw.slice(0, this.#rawLength);
  }

  #flushUnframed(replies: Scp01Reply[]): void {
    if (this.#unframedLength === 0) return;
    replies.push({ kind: 'garbage', reason: 'unframed', bytes: this.#unframed.slice(0, this.#unframedLength) });
    this.#unframedLength = 0;
  }

  #parseFrame(): Scp01Reply[] {
    const malformed: Scp01Reply = { kind: 'garbage', reason: 'malformed', bytes: this.#rawBytes() };
    const [first, second] = this.#lines;
    if (first === undefined) return [malformed];
    if (second === undefined) return [parseSingleLine(first) ?? malformed];
    const weight = parseScp01WeightLine(first);
    const status = parseScp01Status(second);
    if (weight && status) return [{ kind: 'weight', weight, status }];
    // A status reply that lost its ETX, then a whole status reply: keep the second. (Only when the first
    // line is itself a status: a weight line we cannot read, e.g. lb-oz, must not pass for "status only".)
    const alone = weight === undefined && parseSingleLine(first) !== undefined ? parseSingleLine(second) : undefined;
    if (alone) return [{ kind: 'garbage', reason: 'truncated', bytes: Uint8Array.from([LF, ...first, CR]) }, alone];
    return [malformed];
  }
}

function parseSingleLine(line: Uint8Array): Scp01Reply | undefined {
  if (line.length === 1 && line[0] === QUESTION) return { kind: 'unknownCommand' };
  const status = parseScp01Status(line);
  return status ? { kind: 'status', status } : undefined;
}

/**
 * What a reply to `W` means for the sale. Over and under capacity, then the
 * initial-zero error (latched until an assistant zeroes the scale), then motion.
 * The manuals send status only for "weight < 0" too, without a bit of its own:
 * a status-only reply with none of the other bits set is read as under zero.
 * Hardware errors are not a reading: see `scp01HardwareErrors`.
 */
export function scp01Reading(reply: Extract<Scp01Reply, { kind: 'weight' | 'status' }>): Result<ScaleReading, string> {
  const { status } = reply;
  if (status.overCapacity) return ok({ kind: 'overCapacity' });
  if (status.underCapacity) return ok({ kind: 'underZero' });
  if (status.initialZeroError) return ok({ kind: 'zeroError' });
  if (reply.kind === 'status') return ok(status.motion ? { kind: 'motion' } : { kind: 'underZero' });
  if (status.motion) return ok({ kind: 'motion', weight: reply.weight });
  if (reply.weight.increments < 0) return ok({ kind: 'underZero' });
  return ok({ kind: 'stable', weight: reply.weight, net: status.net });
}

/**
 * Whether a `Z` took: the scale answers with its status either way, and
 * ignores the command in motion or outside the zero range, leaving the
 * at-zero flag clear (DIVA Service Manual 6.1.1, note 4).
 */
export function scp01ZeroOutcome(reply: Extract<Scp01Reply, { kind: 'weight' | 'status' }>): Result<void, string> {
  if (reply.status.atZero) return ok(undefined);
  if (reply.status.motion) return err('scale in motion');
  return err('outside the zero range');
}

export type Scp01HardwareError = 'ram' | 'rom' | 'eeprom' | 'calibration';

/** RAM, ROM, EEPROM and calibration errors: the scale is not legal for trade until serviced. */
export function scp01HardwareErrors(status: Scp01Status): Scp01HardwareError[] {
  const errors: Scp01HardwareError[] = [];
  if (status.ramError) errors.push('ram');
  if (status.romError) errors.push('rom');
  if (status.eepromError) errors.push('eeprom');
  if (status.badCalibration) errors.push('calibration');
  return errors;
}

export type Scp01CommandMessage =
  | { readonly kind: 'command'; readonly command: Scp01Command }
  /** A line that is not one of the commands (the scale answers `LF ? CR ETX`). `text` is capped at 16 characters. */
  | { readonly kind: 'unknown'; readonly text: string };

const commandByLetter = new Map<number, Scp01Command>(
  (Object.entries(commandLetters) as [Scp01Command, number][]).map(([command, letter]) => [letter, command]),
);
const maxCommandBytes = 16;

/**
 * The scale's side: host bytes → commands, one per CR. LFs are ignored (hosts
 * that end commands with CR-LF still work). Used by the simulator.
 */
export class Scp01CommandDecoder {
  readonly #buffer = new Uint8Array(maxCommandBytes);
  #length = 0;
  #overflowed = false;

  push(bytes: Uint8Array): Scp01CommandMessage[] {
    const messages: Scp01CommandMessage[] = [];
    for (const byte of bytes) {
      if (byte === LF) continue;
      if (byte !== CR) {
        if (this.#length < this.#buffer.length) this.#buffer[this.#length++] = byte;
        else this.#overflowed = true;
        continue;
      }
      const line = this.#buffer.subarray(0, this.#length);
      const command = line.length === 1 && !this.#overflowed ? commandByLetter.get(line[0] ?? 0) : undefined;
      messages.push(command ? { kind: 'command', command } : { kind: 'unknown', text: String.fromCharCode(...line) });
      this.#length = 0;
      this.#overflowed = false;
    }
    return messages;
  }

  reset(): void {
    this.#length = 0;
    this.#overflowed = false;
  }
}

/**
 * For the fuzz harness: feeds arbitrary bytes through a fresh reply decoder,
 * maps every reply to a reading, zero outcome and hardware errors, flushes,
 * and returns the replies. Never throws; holds about 120 bytes at most.
 */
export function fuzzScp01Replies(input: Uint8Array): Scp01Reply[] {
  const decoder = new Scp01ReplyDecoder();
  const replies = [...decoder.push(input), ...decoder.flush()];
  for (const reply of replies) {
    if (reply.kind !== 'weight' && reply.kind !== 'status') continue;
    scp01Reading(reply);
    scp01ZeroOutcome(reply);
    scp01HardwareErrors(reply.status);
  }
  return replies;
}

/** For the fuzz harness: arbitrary host bytes through the simulator's command decoder. */
export function fuzzScp01Commands(input: Uint8Array): Scp01CommandMessage[] {
  const decoder = new Scp01CommandDecoder();
  return decoder.push(input);
}

function bit(flag: boolean | undefined, position: number): number {
  return flag === true ? 1 << position : 0;
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}
