import type { Result } from '../../shared/result';
import type { ScaleReading } from '../../shared/scale';
import type { SerialSettings } from '../serial/transport';
import {
  encodeMettler8217Command,
  mettler8217MaxBodyBytes,
  Mettler8217ReplyDecoder,
  mettler8217Reading,
  mettler8217ZeroOutcome,
  type Mettler8217Reply,
} from './mettler8217';
import { encodeScp01Command, scp01HardwareErrors, scp01MaxFrameBytes, Scp01ReplyDecoder, scp01Reading, scp01ZeroOutcome, type Scp01Reply } from './scp01';

/**
 * Serial scale protocols as data plus the little behaviour that differs
 * between them (after Odoo's `ScaleProtocol` records): line settings, command
 * bytes, reply framing, a decoder and a timeout. The generic
 * `SerialScaleService` drives any of them.
 */

export type ScaleProtocolName = 'mettler8217' | 'scp01';

/** A scale reporting this needs a service technician; it is not legal for trade until then. */
export type ScaleHardwareError = 'ram' | 'rom' | 'eeprom' | 'calibration';

/** One reply, read the same way whatever the protocol. */
export type ScaleAnswer =
  | {
      readonly kind: 'answer';
      /** What the reply says about the load, when it answers a weight request. */
      readonly reading: Result<ScaleReading, string>;
      /** When it answers a zero command: whether the scale took it (the error says why not). */
      readonly zero: Result<void, string>;
      readonly hardwareErrors: readonly ScaleHardwareError[];
    }
  /** The scale says it does not know the command (SCP-01 `LF ? CR ETX`). */
  | { readonly kind: 'unknownCommand' }
  /** A complete frame that did not parse: the scale answered, but not sensibly. */
  | { readonly kind: 'badReply'; readonly detail: string; readonly bytes: Uint8Array }
  /** Bytes that are not a reply (noise between frames, a frame cut off by the next): log, do not answer with it. */
  | { readonly kind: 'noise'; readonly detail: string; readonly bytes: Uint8Array };

export interface ScaleAnswerDecoder {
  push(bytes: Uint8Array): ScaleAnswer[];
  /** Reports what is held as noise and starts afresh. */
  flush(): ScaleAnswer[];
  reset(): void;
  readonly hasPendingBytes: boolean;
}

export interface ScaleCommands {
  /** Asks for the weight (or the status when there is none). */
  readonly weight: Uint8Array;
  /** Asks for the status only, where the protocol has such a command. */
  readonly status?: Uint8Array;
  readonly zero: Uint8Array;
  readonly tare?: Uint8Array;
  readonly clearTare?: Uint8Array;
}

export interface ScaleReplyFraming {
  /** First byte of every reply. */
  readonly start: number;
  /** Last byte of every reply. */
  readonly end: number;
  /** Longest reply the decoder holds before calling it garbage. */
  readonly maxBytes: number;
}

export interface ScaleProtocol {
  readonly name: ScaleProtocolName;
  /** For logs and the assistant's device screen. */
  readonly description: string;
  /**
   * The real device's line setting. Over a pty (simulator) use 8N1: ptys carry
   * no parity, and the decoders mask bit 7 where the manuals put parity in it.
   */
  readonly serial: SerialSettings;
  readonly commands: ScaleCommands;
  readonly replyFraming: ScaleReplyFraming;
  /** How long to wait for a reply to one command. */
  readonly replyTimeoutMs: number;
  createDecoder(): ScaleAnswerDecoder;
}

const STX = 0x02;
const CR = 0x0d;
const LF = 0x0a;
const ETX = 0x03;

class Mettler8217AnswerDecoder implements ScaleAnswerDecoder {
  readonly #decoder = new Mettler8217ReplyDecoder();

  get hasPendingBytes(): boolean {
    return this.#decoder.hasPendingBytes;
  }

  push(bytes: Uint8Array): ScaleAnswer[] {
    return this.#decoder.push(bytes).map(mettler8217Answer);
  }

  flush(): ScaleAnswer[] {
    return this.#decoder.flush().map(mettler8217Answer);
  }

  reset(): void {
    this.#decoder.reset();
  }
}

function mettler8217Answer(reply: Mettler8217Reply): ScaleAnswer {
  if (reply.kind === 'garbage') {
    const noise = reply.reason === 'unframed' || reply.reason === 'truncated';
    return { kind: noise ? 'noise' : 'badReply', detail: reply.reason, bytes: reply.bytes };
  }
  // The 8217 status byte has no hardware-error bits (the confidence test, `A`/`B`, reports those).
  return { kind: 'answer', reading: mettler8217Reading(reply), zero: mettler8217ZeroOutcome(reply), hardwareErrors: [] };
}

class Scp01AnswerDecoder implements ScaleAnswerDecoder {
  readonly #decoder = new Scp01ReplyDecoder();

  get hasPendingBytes(): boolean {
    return this.#decoder.hasPendingBytes;
  }

  push(bytes: Uint8Array): ScaleAnswer[] {
    return this.#decoder.push(bytes).map(scp01Answer);
  }

  flush(): ScaleAnswer[] {
    return this.#decoder.flush().map(scp01Answer);
  }

  reset(): void {
    this.#decoder.reset();
  }
}

function scp01Answer(reply: Scp01Reply): ScaleAnswer {
  switch (reply.kind) {
    case 'garbage': {
      const noise = reply.reason === 'unframed' || reply.reason === 'truncated';
      return { kind: noise ? 'noise' : 'badReply', detail: reply.reason, bytes: reply.bytes };
    }
    case 'unknownCommand':
      return { kind: 'unknownCommand' };
    case 'weight':
    case 'status':
      return { kind: 'answer', reading: scp01Reading(reply), zero: scp01ZeroOutcome(reply), hardwareErrors: scp01HardwareErrors(reply.status) };
  }
}

/**
 * The protocol table.
 *
 * Mettler Toledo 8217: 9600 baud, 7 data bits, even parity, 1 stop bit, single-letter
 * commands without terminator, `STX … CR` replies (METTLER TOLEDO DIVA Service
 * Manual 72191202, 6.1.3 and 6.1.4.3 — the status byte's bit 7 is even parity;
 * Odoo hw_scale's Toledo 8217 record uses the same line setting).
 *
 * NCI SCP-01: 7 data bits and 1 stop bit are fixed, baud (1200–19200) and parity are
 * set on the scale (DIVA Service Manual 6.1.1.1, "NCI – ECR" overview). 9600 even
 * parity is the setting this table assumes (the same as the 8217 row), not a
 * documented default: configure the scale to match. Replies `LF … CR [LF … CR] ETX`.
 *
 * Timeouts: the NCI section says the scale answers within one weight-meter cycle
 * and that one second is ample for a host time-out (DIVA Service Manual 6.1.1.1);
 * the 8217 section gives no figure and its Z/T/C answers take up to 150 ms, so it
 * gets the same second. A reply itself is under 20 bytes, ~20 ms at 9600 baud.
 */
export const scaleProtocols: Readonly<Record<ScaleProtocolName, ScaleProtocol>> = {
  mettler8217: {
    name: 'mettler8217',
    description: 'Mettler Toledo 8217',
    serial: { baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 },
    commands: {
      weight: encodeMettler8217Command('weight'),
      zero: encodeMettler8217Command('zero'),
      tare: encodeMettler8217Command('tare'),
      clearTare: encodeMettler8217Command('clearTare'),
    },
    replyFraming: { start: STX, end: CR, maxBytes: mettler8217MaxBodyBytes + 2 },
    replyTimeoutMs: 1_000,
    createDecoder: () => new Mettler8217AnswerDecoder(),
  },
  scp01: {
    name: 'scp01',
    description: 'NCI / Weigh-Tronix SCP-01',
    serial: { baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 },
    commands: {
      weight: encodeScp01Command('weight'),
      status: encodeScp01Command('status'),
      zero: encodeScp01Command('zero'),
    },
    replyFraming: { start: LF, end: ETX, maxBytes: scp01MaxFrameBytes },
    replyTimeoutMs: 1_000,
    createDecoder: () => new Scp01AnswerDecoder(),
  },
};

export const scaleProtocolNames: readonly ScaleProtocolName[] = ['mettler8217', 'scp01'];

/** For the fuzz harness: arbitrary bytes through a protocol's answer decoder, flushed at the end. Never throws. */
export function fuzzScaleAnswers(protocol: ScaleProtocolName, input: Uint8Array): ScaleAnswer[] {
  const decoder = scaleProtocols[protocol].createDecoder();
  return [...decoder.push(input), ...decoder.flush()];
}
