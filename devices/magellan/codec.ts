import { expandUpcE } from '../../shared/barcode';
import { scaleWeight, type ScaleReading, type ScaleWeight } from '../../shared/scale';
import type { SerialSettings } from '../serial/transport';

/**
 * Wire format of a Datalogic Magellan scanner-scale in single-cable RS-232
 * mode: scanner and scale share one port, every frame in either direction is
 * `S…` + CR. Pure bytes ↔ typed messages, no I/O, no timers.
 *
 * Sources (see /work/shared/notes/device-protocols.md, "Datalogic Magellan
 * single-cable RS-232" and "Serial barcode scanners"): the IS4C/CORE-POS
 * Magellan scale driver (port settings, the S08/S11/S14 frames, the S334 beep,
 * label ids B1/B3/R4 in single-cable frames) and the Magellan 800i/8400/9800i
 * product reference guides (Datalogic label ids).
 */

/** Weighing unit the scale is configured for; it decides the width of the weight field. */
export type MagellanWeightUnit = 'lb' | 'kg';

/**
 * The weight field has no decimal point: 4 digits in hundredths of a pound,
 * 5 digits in thousandths of a kilogram (CORE-POS Magellan driver, per the notes).
 */
export const magellanWeightFormats: Readonly<Record<MagellanWeightUnit, { readonly digits: number; readonly decimals: number }>> = {
  lb: { digits: 4, decimals: 2 },
  kg: { digits: 5, decimals: 3 },
};

/**
 * Host → device commands. Each is sent as its text followed by CR.
 *
 * Only `weightRequest`, `statusRequest` and `goodReadBeep` come from a public
 * source (CORE-POS). Scanner enable/disable and scale zero over single-cable are
 * NOT in any public source we found, so they are configuration: `null` means
 * "the device is not sent anything" — enable/disable then only gate scans on
 * the host, and zeroing is refused. Set them from the scanner's programming
 * guide for the model at hand.
 */
export interface MagellanCommandSet {
  /** `S11`: the scale answers `S11<weight>` only when the weight is stable. */
  readonly weightRequest: string;
  /** `S14`: the scale always answers with its state, `S14<digit>[weight]`. */
  readonly statusRequest: string;
  /** `S334`: one good-read tone. */
  readonly goodReadBeep: string;
  /**
   * Sent in order, a beep gap apart (the service's `beepGapMs`). Default: three
   * good-read tones, which is how CORE-POS signals an error beep; single-cable
   * has no documented not-on-file tone.
   */
  readonly notOnFileBeep: readonly string[];
  readonly scannerEnable: string | null;
  readonly scannerDisable: string | null;
  readonly zero: string | null;
}

export const defaultMagellanCommands: MagellanCommandSet = {
  weightRequest: 'S11',
  statusRequest: 'S14',
  goodReadBeep: 'S334',
  notOnFileBeep: ['S334', 'S334', 'S334'],
  scannerEnable: null,
  scannerDisable: null,
  zero: null,
};

/** Fills in defaults and checks every command is printable ASCII (a bad one is a configuration bug: throws). */
export function resolveMagellanCommands(commands: Partial<MagellanCommandSet> = {}): MagellanCommandSet {
  const resolved: MagellanCommandSet = { ...defaultMagellanCommands, ...stripUndefined(commands) };
  const check = (name: string, command: string): void => {
    if (command.length === 0 || command.length > 32 || ![...command].every((char) => isPrintable(char.charCodeAt(0)))) {
      throw new RangeError(`Magellan command ${name} must be 1–32 printable ASCII characters, got ${JSON.stringify(command)}`);
    }
  };
  check('weightRequest', resolved.weightRequest);
  check('statusRequest', resolved.statusRequest);
  check('goodReadBeep', resolved.goodReadBeep);
  resolved.notOnFileBeep.forEach((command, index) => check(`notOnFileBeep[${index}]`, command));
  for (const name of ['scannerEnable', 'scannerDisable', 'zero'] as const) {
    const command = resolved[name];
    if (command !== null) check(name, command);
  }
  return resolved;
}

/** What a Magellan scanner-scale needs from the line, kept as data (Odoo-style protocol record). */
export interface MagellanProtocol {
  readonly serial: SerialSettings;
  /**
   * RTS asserted, as the CORE-POS driver sets it. `SerialTransport` has no
   * modem-line control; Linux raises RTS and DTR when a tty is opened, which is
   * what the device needs. (ptys have no modem lines: nothing to simulate.)
   */
  readonly rts: 'asserted';
  readonly frameStart: 'S';
  readonly frameEnd: 'CR';
}

/**
 * 9600 baud, 7 data bits, odd parity, 1 stop bit, RTS on (IS4C/CORE-POS
 * Magellan driver). Over socat ptys the simulator and tests run 8N1: ptys carry
 * no parity (devices/sim/ptyPair.ts).
 */
export const magellanSingleCableProtocol: MagellanProtocol = {
  serial: { baudRate: 9600, dataBits: 7, parity: 'odd', stopBits: 1 },
  rts: 'asserted',
  frameStart: 'S',
  frameEnd: 'CR',
};

export type MagellanSymbology = 'upcA' | 'upcE' | 'ean13' | 'ean8' | 'gs1DataBar' | 'code39' | 'code128';

export interface MagellanLabel {
  readonly symbology: MagellanSymbology;
  /** Follows `S08` in a scan frame. */
  readonly labelId: string;
  /** AIM symbology identifier the lane's barcode decoder gets (ISO/IEC 15424). */
  readonly aim: string;
  /** Fixed digit count of the data as sent, or undefined for variable-length text. */
  readonly digits?: number;
}

/**
 * Scan frames are `S08` + label id + data. Label ids A, E, F, FF, R4, B1 are in
 * the notes (CORE-POS driver; Datalogic label ids). B3 = Code 128 is what the
 * CORE-POS Magellan driver (NewMagellan SPH_Magellan_Scale) strips as Code 128
 * in single-cable frames. UPC-A/UPC-E become EAN-13 form under `]E0` (UPC-E
 * expanded first), as AIM transmits them; the check digit is passed on unchecked
 * — validating it is the barcode decoder's business.
 */
export const magellanLabels: readonly MagellanLabel[] = [
  { symbology: 'upcA', labelId: 'A', aim: ']E0', digits: 12 },
  { symbology: 'upcE', labelId: 'E', aim: ']E0', digits: 8 },
  { symbology: 'ean13', labelId: 'F', aim: ']E0', digits: 13 },
  { symbology: 'ean8', labelId: 'FF', aim: ']E4', digits: 8 },
  { symbology: 'gs1DataBar', labelId: 'R4', aim: ']e0' },
  { symbology: 'code39', labelId: 'B1', aim: ']A0' },
  { symbology: 'code128', labelId: 'B3', aim: ']C0' },
];

/** Longest label id first, so `FF` (EAN-8) wins over `F` (EAN-13). */
const labelsByIdLength = [...magellanLabels].sort((a, b) => b.labelId.length - a.labelId.length);

export function magellanLabel(symbology: MagellanSymbology): MagellanLabel {
  const label = magellanLabels.find((candidate) => candidate.symbology === symbology);
  if (!label) throw new RangeError(`unknown Magellan symbology ${String(symbology)}`);
  return label;
}

/** Digit after `S14` (CORE-POS driver, per the notes). */
export const magellanStatusDigits = {
  cannotZero: '0',
  motion: '1',
  overCapacity: '2',
  stableZero: '3',
  stableWeight: '4',
  underZero: '5',
} as const;

export type MagellanGarbageReason =
  /** Bytes outside any frame (a frame starts with `S`). */
  | 'noise'
  /** A frame longer than the decoder keeps; the rest up to CR is dropped. */
  | 'overflow'
  /** Control or non-ASCII bytes inside a frame (line noise, wrong parity or baud rate). */
  | 'nonPrintable'
  /** The line went quiet before the CR (reported by the service's inter-byte timer). */
  | 'stale'
  /** `S` + a message number the host does not know. */
  | 'unknownFrame'
  | 'unknownLabel'
  /** Known label id, data of the wrong length or characters. */
  | 'badScanData'
  | 'badWeight'
  | 'badStatus';

/** Which logical device a broken frame most likely came from: `S0…` scanner, `S1…` scale. */
export type MagellanFrameSource = 'scanner' | 'scale' | 'unknown';

export type MagellanMessage =
  | {
      readonly kind: 'scan';
      readonly symbology: MagellanSymbology;
      readonly labelId: string;
      /** The data as the device sent it, after the label id. */
      readonly data: string;
      /** AIM-prefixed, in the form `decodeBarcode` reads (UPC-E expanded). */
      readonly barcode: string;
    }
  /** `S11` reply: sent only when stable. */
  | { readonly kind: 'weight'; readonly weight: ScaleWeight }
  /** `S14` reply. */
  | { readonly kind: 'status'; readonly reading: ScaleReading }
  /** `bytes` without the CR. */
  | { readonly kind: 'garbage'; readonly reason: MagellanGarbageReason; readonly source: MagellanFrameSource; readonly bytes: Uint8Array };

const CR = 0x0d;
const LF = 0x0a;
const LETTER_S = 0x53;
/** GS, sent as FNC1 inside GS1 DataBar Expanded / GS1-128 element strings (GS1 General Specifications 7.8.5.2). */
const GS = 0x1d;

/**
 * A DataBar Expanded holds at most 74 numeric / 41 alphanumeric characters and
 * a Code 128 label rarely more than 48; 128 leaves room and keeps memory bounded.
 */
const defaultMaxFrameLength = 128;

function isPrintable(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e;
}

function isDataByte(byte: number): boolean {
  return isPrintable(byte) || byte === GS;
}

function isDigits(text: string, length?: number): boolean {
  if (length !== undefined && text.length !== length) return false;
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

function sourceOf(bytes: Uint8Array): MagellanFrameSource {
  if (bytes[0] !== LETTER_S) return 'unknown';
  if (bytes[1] === 0x30) return 'scanner';
  if (bytes[1] === 0x31) return 'scale';
  return 'unknown';
}

function garbage(reason: MagellanGarbageReason, bytes: Uint8Array): MagellanMessage {
  return { kind: 'garbage', reason, source: sourceOf(bytes), bytes };
}

/**
 * The AIM-prefixed string for a scan, or undefined when the data does not fit
 * the symbology (wrong length, non-digits, a UPC-E number system other than 0/1).
 */
export function magellanScanToAim(symbology: MagellanSymbology, data: string): string | undefined {
  const label = magellanLabel(symbology);
  if (label.digits !== undefined) {
    if (!isDigits(data, label.digits)) return undefined;
  } else if (data.length === 0 || ![...data].every((char) => isDataByte(char.charCodeAt(0)))) {
    return undefined;
  }
  switch (symbology) {
    case 'upcA':
      return `${label.aim}0${data}`;
    case 'upcE':
      // Only number systems 0 and 1 exist in UPC-E; expandUpcE throws on others.
      if (data[0] !== '0' && data[0] !== '1') return undefined;
      return `${label.aim}0${expandUpcE(data)}`;
    default:
      return `${label.aim}${data}`;
  }
}

/** One frame (without its CR) → message. Never throws. */
export function parseMagellanFrame(bytes: Uint8Array, unit: MagellanWeightUnit): MagellanMessage {
  if (!bytes.every(isDataByte)) return garbage('nonPrintable', bytes);
  const text = String.fromCharCode(...bytes);
  if (text.startsWith('S08')) return parseScan(text.slice(3), bytes);
  if (text.startsWith('S11')) {
    const weight = parseWeight(text.slice(3), unit);
    return weight ? { kind: 'weight', weight } : garbage('badWeight', bytes);
  }
  if (text.startsWith('S14')) return parseStatus(text.slice(3), unit, bytes);
  return garbage('unknownFrame', bytes);
}

function parseScan(rest: string, bytes: Uint8Array): MagellanMessage {
  const label = labelsByIdLength.find((candidate) => rest.startsWith(candidate.labelId));
  if (!label) return garbage('unknownLabel', bytes);
  const data = rest.slice(label.labelId.length);
  const barcode = magellanScanToAim(label.symbology, data);
  if (barcode === undefined) return garbage('badScanData', bytes);
  return { kind: 'scan', symbology: label.symbology, labelId: label.labelId, data, barcode };
}

function parseWeight(digits: string, unit: MagellanWeightUnit): ScaleWeight | undefined {
  const format = magellanWeightFormats[unit];
  if (!isDigits(digits, format.digits)) return undefined;
  return scaleWeight(Number(digits), format.decimals, unit);
}

function parseStatus(rest: string, unit: MagellanWeightUnit, bytes: Uint8Array): MagellanMessage {
  const digit = rest.charAt(0);
  const tail = rest.slice(1);
  const status = (reading: ScaleReading): MagellanMessage => ({ kind: 'status', reading });
  if (digit === magellanStatusDigits.stableWeight) {
    const weight = parseWeight(tail, unit);
    return weight ? status({ kind: 'stable', weight, net: false }) : garbage('badWeight', bytes);
  }
  // Every other state is the digit alone.
  if (tail.length !== 0) return garbage('badStatus', bytes);
  switch (digit) {
    case magellanStatusDigits.cannotZero:
      return status({ kind: 'zeroError' });
    case magellanStatusDigits.motion:
      return status({ kind: 'motion' });
    case magellanStatusDigits.overCapacity:
      return status({ kind: 'overCapacity' });
    case magellanStatusDigits.stableZero:
      return status({ kind: 'stable', weight: scaleWeight(0, magellanWeightFormats[unit].decimals, unit), net: false });
    case magellanStatusDigits.underZero:
      return status({ kind: 'underZero' });
    default:
      return garbage('badStatus', bytes);
  }
}

export interface MagellanDecoderOptions {
  readonly unit: MagellanWeightUnit;
  /** Longest frame kept (without CR); longer ones become `overflow`. Default 128. */
  readonly maxFrameLength?: number;
}

/**
 * Splits what the scanner-scale sends into messages, however the OS chunks it.
 *
 * - A frame runs from `S` to CR. An LF right after a CR is dropped (a device
 *   programmed for CR-LF still works); an empty line is dropped silently.
 * - Bytes between frames that do not start with `S` are `noise`; the decoder
 *   resynchronises on the next `S` or CR. Inside a frame an `S` is data (Code 39
 *   has it), so a frame cut short runs into the next one and the pair is
 *   reported as one broken frame — or as `stale` by the service's timer first.
 * - Nothing grows without bound: frames past `maxFrameLength` are reported once
 *   as `overflow` and skipped to the next CR; runs of noise are reported in
 *   pieces of at most `maxFrameLength` bytes.
 */
export class MagellanFrameDecoder {
  readonly unit: MagellanWeightUnit;
  readonly maxFrameLength: number;
  #buffer: Uint8Array;
  #length = 0;
  #mode: 'idle' | 'frame' | 'noise' | 'skipping' = 'idle';
  #afterCr = false;

  constructor(options: MagellanDecoderOptions) {
    if (options.unit !== 'lb' && options.unit !== 'kg') throw new RangeError(`Magellan weight unit must be lb or kg, got ${String(options.unit)}`);
    const maxFrameLength = options.maxFrameLength ?? defaultMaxFrameLength;
    if (!Number.isInteger(maxFrameLength) || maxFrameLength < 16 || maxFrameLength > 65_536) {
      throw new RangeError(`Magellan maxFrameLength must be an integer from 16 to 65536, got ${maxFrameLength}`);
    }
    this.unit = options.unit;
    this.maxFrameLength = maxFrameLength;
    this.#buffer = new Uint8Array(Math.min(maxFrameLength + 1, 64));
  }

  /** Part of a frame (or a run of noise) is buffered: the service arms its inter-byte timer. */
  get hasPendingBytes(): boolean {
    return this.#mode !== 'idle';
  }

  push(bytes: Uint8Array): MagellanMessage[] {
    const messages: MagellanMessage[] = [];
    for (const byte of bytes) this.#pushByte(byte, messages);
    return messages;
  }

  /** The line went quiet mid-frame: whatever is buffered is reported (`stale`, or `noise`) and dropped. */
  flushStale(): MagellanMessage[] {
    const messages: MagellanMessage[] = [];
    if (this.#mode === 'frame' && this.#length > 0) messages.push(garbage('stale', this.#take()));
    else if (this.#mode === 'noise' && this.#length > 0) messages.push(garbage('noise', this.#take()));
    this.reset();
    return messages;
  }

  /** Forgets any partial frame (after reconnecting). */
  reset(): void {
    this.#length = 0;
    this.#mode = 'idle';
    this.#afterCr = false;
  }

  #pushByte(byte: number, messages: MagellanMessage[]): void {
    const afterCr = this.#afterCr;
    this.#afterCr = false;
    if (byte === LF && afterCr) return;
    switch (this.#mode) {
      case 'idle':
        if (byte === CR) {
          this.#afterCr = true;
          return;
        }
        this.#mode = byte === LETTER_S ? 'frame' : 'noise';
        this.#append(byte);
        return;
      case 'noise':
        if (byte === CR || byte === LETTER_S) {
          messages.push(garbage('noise', this.#take()));
          if (byte === CR) {
            this.#mode = 'idle';
            this.#afterCr = true;
          } else {
            this.#mode = 'frame';
            this.#append(byte);
          }
          return;
        }
        this.#append(byte);
        if (this.#length >= this.maxFrameLength) messages.push(garbage('noise', this.#take()));
        return;
      case 'frame':
        if (byte === CR) {
          messages.push(parseMagellanFrame(this.#take(), this.unit));
          this.#mode = 'idle';
          this.#afterCr = true;
          return;
        }
        this.#append(byte);
        if (this.#length > this.maxFrameLength) {
          messages.push(garbage('overflow', this.#take()));
          this.#mode = 'skipping';
        }
        return;
      case 'skipping':
        if (byte === CR) {
          this.#mode = 'idle';
          this.#afterCr = true;
        }
        return;
    }
  }

  #append(byte: number): void {
    if (this.#length === this.#buffer.length) {
      const grown = new Uint8Array(Math.min(this.#buffer.length * 2, this.maxFrameLength + 1));
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
}

/**
 * Fuzzing entry point: feeds arbitrary bytes through a fresh decoder and returns
 * every message, including what a final inter-byte timeout would flush. Never
 * throws; memory stays bounded by the decoder's frame cap whatever the input.
 * The first byte steers the run so one corpus covers both units and many chunk
 * boundaries: bit 0 picks the unit (0 kg, 1 lb), bits 1–4 the chunk size (1–16
 * bytes). It is also part of the stream.
 */
export function fuzzMagellanDecoder(input: Uint8Array): MagellanMessage[] {
  const steer = input[0] ?? 0;
  const decoder = new MagellanFrameDecoder({ unit: (steer & 1) === 0 ? 'kg' : 'lb' });
  const chunkSize = ((steer >> 1) & 0x0f) + 1;
  const messages: MagellanMessage[] = [];
  for (let offset = 0; offset < input.length; offset += chunkSize) {
    messages.push(...decoder.push(input.subarray(offset, offset + chunkSize)));
  }
  messages.push(...decoder.flushStale());
  return messages;
}

// --- Encoding (host commands; the simulator's replies) ---------------------------------

/** A host command as sent: its text + CR. Non-printable text is a bug: throws. */
export function encodeMagellanCommand(command: string): Uint8Array {
  if (command.length === 0 || ![...command].every((char) => isPrintable(char.charCodeAt(0)))) {
    throw new RangeError(`Magellan command must be printable ASCII, got ${JSON.stringify(command)}`);
  }
  return asciiFrame(command);
}

/**
 * The scan frame a device sends: `S08` + label id + data + CR. `data` is what
 * the label holds as the device transmits it (UPC-E in its 8-digit form); data
 * that does not fit the symbology is a bug in the caller and throws.
 */
export function encodeMagellanScan(symbology: MagellanSymbology, data: string): Uint8Array {
  if (magellanScanToAim(symbology, data) === undefined) throw new RangeError(`not ${symbology} data: ${JSON.stringify(data)}`);
  return asciiFrame(`S08${magellanLabel(symbology).labelId}${data}`);
}

/** `S11` + weight + CR; `increments` in the unit's resolution (0.01 lb or 0.001 kg). */
export function encodeMagellanWeight(increments: number, unit: MagellanWeightUnit): Uint8Array {
  return asciiFrame(`S11${weightDigits(increments, unit)}`);
}

/**
 * `S14` reply for a reading. A stable reading must be in the unit's own
 * resolution; a zero weight is sent as `S143` (stable zero). Motion carries no weight.
 */
export function encodeMagellanStatus(reading: ScaleReading, unit: MagellanWeightUnit): Uint8Array {
  switch (reading.kind) {
    case 'zeroError':
      return asciiFrame(`S14${magellanStatusDigits.cannotZero}`);
    case 'motion':
      return asciiFrame(`S14${magellanStatusDigits.motion}`);
    case 'overCapacity':
      return asciiFrame(`S14${magellanStatusDigits.overCapacity}`);
    case 'underZero':
      return asciiFrame(`S14${magellanStatusDigits.underZero}`);
    case 'stable': {
      const format = magellanWeightFormats[unit];
      if (reading.weight.unit !== unit || reading.weight.decimals !== format.decimals) {
        throw new RangeError(`a ${unit} Magellan scale reports ${format.decimals} decimals in ${unit}, got ${reading.weight.decimals} in ${reading.weight.unit}`);
      }
      if (reading.weight.increments === 0) return asciiFrame(`S14${magellanStatusDigits.stableZero}`);
      return asciiFrame(`S14${magellanStatusDigits.stableWeight}${weightDigits(reading.weight.increments, unit)}`);
    }
  }
}

function weightDigits(increments: number, unit: MagellanWeightUnit): string {
  const { digits } = magellanWeightFormats[unit];
  if (!Number.isSafeInteger(increments) || increments < 0 || increments >= 10 ** digits) {
    throw new RangeError(`a ${unit} Magellan weight is 0 to ${10 ** digits - 1} increments, got ${increments}`);
  }
  return String(increments).padStart(digits, '0');
}

function asciiFrame(text: string): Uint8Array {
  const out = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  out[text.length] = CR;
  return out;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
