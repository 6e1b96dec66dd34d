import type { SerialSettings } from '../serial/transport';

/**
 * Wire format of a serial (RS-232 / USB-CDC) barcode scanner: one frame per
 * label, `[prefix][AIM id][data][suffix]`. Pure bytes ↔ frames, no I/O, no timers.
 *
 * Real scanners are configured (by programming barcodes from their manual) to
 * the framing below; Datalogic scanners default to no header and a CR-LF
 * terminator (Magellan 800i/8400/9800i product reference guides), and the
 * Magellan output order is [prefix][label id][AIM id][data][label id][suffix].
 * Label ids are not supported here: configure them off and use AIM ids, which
 * are standard across vendors.
 */
export interface ScannerFraming {
  /** Sent before every label, e.g. '' (Datalogic default) or '\x02' (STX). ASCII only, no CR/LF. */
  readonly prefix: string;
  readonly suffix: 'CR' | 'LF' | 'CRLF';
  /** The scanner sends the AIM symbology identifier `]Xn` before the data. */
  readonly aimIdentifiers: boolean;
  /** Longest frame (prefix + AIM id + data) kept; longer ones are discarded. Default 512. */
  readonly maxFrameLength?: number;
  /** A frame stuck mid-way longer than this is discarded by the service. Default 100 ms. */
  readonly interByteTimeoutMs?: number;
}

export interface ResolvedScannerFraming {
  readonly prefix: string;
  readonly suffix: 'CR' | 'LF' | 'CRLF';
  readonly aimIdentifiers: boolean;
  readonly maxFrameLength: number;
  readonly interByteTimeoutMs: number;
}

/**
 * 9600 baud 8N1 is what scanners ship with or are programmed to for POS use
 * (Datalogic RS-232 default 9600 8N1; single-cable scanner-scales differ, see
 * device-protocols.md). The host setting must match the scanner's programming.
 */
export const defaultScannerSerialSettings: SerialSettings = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/** GTIN-128 labels carry at most 48 characters of data; 512 leaves room for 2D codes and stays bounded. */
const defaultMaxFrameLength = 512;
/**
 * At 9600 baud a byte takes ~1 ms and scanners send a label in one burst, so a
 * 100 ms gap mid-frame means the rest is not coming (a cable pulled mid-label,
 * a scanner reset), not a slow sender.
 */
const defaultInterByteTimeoutMs = 100;

const CR = 0x0d;
const LF = 0x0a;
/** GS, sent by scanners as FNC1 in GS1-128 / GS1 DataBar element strings (GS1 General Specifications 7.8.5.2). */
const GS = 0x1d;

export type GarbageReason = 'nonPrintable' | 'overflow' | 'missingPrefix' | 'stale';

export type ScannerFrame =
  /** `data` is without prefix and suffix; it includes the AIM id if the scanner sends one (`decodeBarcode` reads it). */
  | { readonly kind: 'scan'; readonly data: string }
  | { readonly kind: 'garbage'; readonly reason: GarbageReason; readonly bytes: Uint8Array };

/** Validates a framing configuration (a bad one is a configuration bug: throws) and fills in defaults. */
export function resolveScannerFraming(framing: ScannerFraming): ResolvedScannerFraming {
  for (const char of framing.prefix) {
    const code = char.charCodeAt(0);
    if (code > 0x7f || code === CR || code === LF) {
      throw new RangeError(`scanner prefix must be ASCII without CR/LF, got ${JSON.stringify(framing.prefix)}`);
    }
  }
  if (framing.suffix !== 'CR' && framing.suffix !== 'LF' && framing.suffix !== 'CRLF') {
    throw new RangeError(`scanner suffix must be CR, LF or CRLF, got ${String(framing.suffix)}`);
  }
  const maxFrameLength = framing.maxFrameLength ?? defaultMaxFrameLength;
  if (!Number.isInteger(maxFrameLength) || maxFrameLength <= framing.prefix.length || maxFrameLength > 65_536) {
    throw new RangeError(`scanner maxFrameLength must be an integer above the prefix length and at most 65536, got ${maxFrameLength}`);
  }
  const interByteTimeoutMs = framing.interByteTimeoutMs ?? defaultInterByteTimeoutMs;
  if (!Number.isFinite(interByteTimeoutMs) || interByteTimeoutMs <= 0) {
    throw new RangeError(`scanner interByteTimeoutMs must be a positive number, got ${interByteTimeoutMs}`);
  }
  return { prefix: framing.prefix, suffix: framing.suffix, aimIdentifiers: framing.aimIdentifiers, maxFrameLength, interByteTimeoutMs };
}

function isDataByte(byte: number): boolean {
  return (byte >= 0x20 && byte <= 0x7e) || byte === GS;
}

/**
 * Splits the scanner's byte stream into frames, however the OS chunks it.
 *
 * Terminators, by configured suffix:
 * - `CR`: CR ends a frame. An LF right after a terminator is dropped (a scanner
 *   programmed for CR-LF still works); an LF inside a frame makes it garbage.
 * - `LF`: LF ends a frame; a CR directly before the LF is dropped (CR-LF scanners
 *   work); a CR anywhere else makes the frame garbage.
 * - `CRLF`: CR ends the frame at once — the scan is delivered without waiting for
 *   the LF, which keeps latency down and also serves scanners programmed for CR
 *   only; an LF directly after it is swallowed. A lone LF also ends a frame
 *   (scanner programmed for LF only).
 *
 * Empty frames (a terminator with nothing before it) are dropped silently: they
 * carry nothing to report and come from stray line ends. A frame of just the
 * prefix is delivered as an empty scan so the lane can say "could not read".
 *
 * Overlong frames are reported once as `overflow` with the bytes kept so far and
 * the rest up to the next terminator is dropped, so memory stays bounded.
 */
export class ScannerFrameDecoder {
  readonly framing: ResolvedScannerFraming;
  readonly #prefix: Uint8Array;
  #buffer: Uint8Array;
  #length = 0;
  /** Discarding the tail of an overflowed frame until the next terminator. */
  #skipping = false;
  /** The previous byte ended a frame with CR; an LF now is the second half of CR-LF. */
  #afterCr = false;
  /** LF mode: a CR was seen and is held until we know whether an LF follows. */
  #pendingCr = false;

  constructor(framing: ScannerFraming) {
    this.framing = resolveScannerFraming(framing);
    this.#prefix = asciiBytes(this.framing.prefix);
    this.#buffer = new Uint8Array(Math.min(this.framing.maxFrameLength, 64));
  }

  /** Bytes of an unfinished frame are buffered (the service arms its inter-byte timer). */
  get hasPendingBytes(): boolean {
    return this.#length > 0 || this.#skipping || this.#pendingCr;
  }

  push(bytes: Uint8Array): ScannerFrame[] {
    const frames: ScannerFrame[] = [];
    for (const byte of bytes) this.#pushByte(byte, frames);
    return frames;
  }

  /** Called when the line went quiet mid-frame: whatever is buffered is discarded as `stale`. */
  flushStale(): ScannerFrame[] {
    const frames: ScannerFrame[] = [];
    if (this.#pendingCr) this.#append(CR);
    if (this.#length > 0) frames.push({ kind: 'garbage', reason: 'stale', bytes: this.#take() });
    this.reset();
    return frames;
  }

  /** Forgets any partial frame (after reconnecting). */
  reset(): void {
    this.#length = 0;
    this.#skipping = false;
    this.#afterCr = false;
    this.#pendingCr = false;
  }

  #pushByte(byte: number, frames: ScannerFrame[]): void {
    const suffix = this.framing.suffix;
    const afterCr = this.#afterCr;
    this.#afterCr = false;

    if (suffix === 'LF') {
      if (this.#pendingCr) {
        this.#pendingCr = false;
        if (byte === LF) {
          this.#endFrame(frames);
          return;
        }
        // The CR was data after all: control bytes make the frame garbage at its end.
        this.#append(CR);
      }
      if (byte === LF) {
        this.#endFrame(frames);
        return;
      }
      if (byte === CR) {
        this.#pendingCr = true;
        return;
      }
    } else if (byte === CR) {
      this.#endFrame(frames);
      this.#afterCr = true;
      return;
    } else if (byte === LF) {
      if (afterCr) return;
      if (suffix === 'CRLF') {
        this.#endFrame(frames);
        return;
      }
      // CR mode: an LF between frames is a stray CR-LF half; inside a frame it is a control byte.
      if (this.#length === 0 && !this.#skipping) return;
    }
    this.#append(byte);
    if (this.#length > this.framing.maxFrameLength && !this.#skipping) {
      frames.push({ kind: 'garbage', reason: 'overflow', bytes: this.#take() });
      this.#skipping = true;
    }
  }

  #append(byte: number): void {
    if (this.#skipping) return;
    if (this.#length === this.#buffer.length) {
      const grown = new Uint8Array(Math.min(this.#buffer.length * 2, this.framing.maxFrameLength + 1));
      grown.set(this.#buffer);
      this.#buffer = grown;
    }
    this.#buffer[this.#length++] = byte;
  }

  #take(): Uint8Array {
    const bytes = this.#buffer.slice(0, this.#length);
    this.#length = 0;
    return bytes;
  }

  #endFrame(frames: ScannerFrame[]): void {
    if (this.#skipping) {
      this.#skipping = false;
      this.#length = 0;
      return;
    }
    if (this.#length === 0) return;
    const bytes = this.#take();
    const prefix = this.#prefix;
    if (bytes.length < prefix.length || prefix.some((b, i) => bytes[i] !== b)) {
      frames.push({ kind: 'garbage', reason: 'missingPrefix', bytes });
      return;
    }
    const data = bytes.subarray(prefix.length);
    if (!data.every(isDataByte)) {
      frames.push({ kind: 'garbage', reason: 'nonPrintable', bytes });
      return;
    }
    frames.push({ kind: 'scan', data: String.fromCharCode(...data) });
  }
}

/**
 * The bytes a scanner sends for one label: prefix + data + suffix. `data`
 * includes the AIM id if the simulated scanner sends one. Used by the simulator;
 * data outside printable ASCII + GS is a bug in the caller and throws.
 */
export function encodeScan(data: string, framing: ScannerFraming): Uint8Array {
  const resolved = resolveScannerFraming(framing);
  const dataBytes = asciiBytes(data);
  if (!dataBytes.every(isDataByte)) throw new RangeError(`scan data must be printable ASCII or GS: ${JSON.stringify(data)}`);
  const prefix = asciiBytes(resolved.prefix);
  const suffix = resolved.suffix === 'CR' ? [CR] : resolved.suffix === 'LF' ? [LF] : [CR, LF];
  const out = new Uint8Array(prefix.length + dataBytes.length + suffix.length);
  out.set(prefix, 0);
  out.set(dataBytes, prefix.length);
  out.set(suffix, prefix.length + dataBytes.length);
  return out;
}

/** `]Xn` — AIM symbology identifier (ISO/IEC 15424): `]`, a code character, a modifier. */
export function hasAimIdentifier(data: string): boolean {
  return /^\][A-Za-z][0-9A-Za-z]/.test(data);
}

function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) throw new RangeError(`not ASCII: ${JSON.stringify(text)}`);
    bytes[i] = code;
  }
  return bytes;
}
