import iconv from 'iconv-lite';
import { readEscPosToken } from './escposSyntax';

/**
 * An ESC/POS interpreter for the printer simulator: turns the host's byte
 * stream into printed lines, barcodes, cuts and real-time status requests.
 * Pure (no I/O, no timers); the simulator owns paper, cover and replies.
 *
 * Semantics follow the Epson ESC/POS Command Reference for a TM-T88-class
 * printer in standard mode. Simplifications, deliberate:
 * - printing is instant, so a status request sees everything received before it;
 * - page mode, images and user-defined characters are skipped (images leave an
 *   `[IMAGE]` line), international character sets other than USA are not applied;
 * - commands the table knows but the interpreter does not act on, and unknown
 *   ones, are listed in `unknownCommands` so tests can insist on none.
 */

export type Alignment = 'left' | 'center' | 'right';

export interface PrintedLine {
  /** As printed, alignment applied within the line width (spaces), trailing spaces kept. */
  readonly text: string;
  readonly kind: 'text' | 'barcode' | 'qr' | 'pdf417' | 'image';
  readonly align: Alignment;
  /** Some character on the line was emphasized (ESC E / ESC !). */
  readonly bold: boolean;
  /** Some character on the line was wider or taller than normal (GS ! / ESC !). */
  readonly large: boolean;
}

export type InterpreterOutput =
  | { readonly kind: 'line'; readonly line: PrintedLine }
  /** `GS V`: ends a receipt. `raw` is every byte of it as received, real-time commands excluded. */
  | { readonly kind: 'cut'; readonly partial: boolean; readonly raw: Uint8Array }
  /** `DLE EOT n`, to be answered at once with the state at this point in the stream. */
  | { readonly kind: 'realtimeStatusRequest'; readonly query: 1 | 2 | 3 | 4 }
  /** `GS a n`: Automatic Status Back selection (n = 0 disables). */
  | { readonly kind: 'asbSelection'; readonly n: number }
  /** `ESC p m t1 t2`: drawer kick pulse on connector pin 2 (m 0) or 5 (m 1). */
  | { readonly kind: 'drawerKick'; readonly pin: 2 | 5 }
  /** `ESC @`. */
  | { readonly kind: 'initialize' };

/**
 * Epson `ESC t n` code page numbers → iconv-lite names (Command Reference,
 * ESC t, "Character code table" list). Pages iconv-lite lacks (Katakana,
 * PC851, PC853, Thai, TCVN, PC1098, PC774, PC772) are absent: their text is
 * rendered as U+FFFD and noted in `warnings`.
 */
export const epsonCodePages: Readonly<Record<number, string>> = {
  0: 'cp437',
  2: 'cp850',
  3: 'cp860',
  4: 'cp863',
  5: 'cp865',
  13: 'cp857',
  14: 'cp737',
  15: 'iso88597',
  16: 'windows1252',
  17: 'cp866',
  18: 'cp852',
  19: 'cp858',
  32: 'cp720',
  33: 'cp775',
  34: 'cp855',
  35: 'cp861',
  36: 'cp862',
  37: 'cp864',
  38: 'cp869',
  39: 'iso88592',
  40: 'iso885915',
  44: 'cp1125',
  45: 'windows1250',
  46: 'windows1251',
  47: 'windows1253',
  48: 'windows1254',
  49: 'windows1255',
  50: 'windows1256',
  51: 'windows1257',
  52: 'windows1258',
  53: 'rk1048',
};

/** Font A is 12 dots wide, font B 9 (TM-T88 series); the line holds `columns` font A characters. */
const fontWidthDots = { A: 12, B: 9 } as const;
/** Default tab stops every 8 characters (Command Reference, HT / ESC D). */
const defaultTabColumns = 8;

/** GS k m → name (Command Reference, GS k: function A m = 0-6, function B m = 65-79). */
const barcodeSymbologies: Readonly<Record<number, string>> = {
  0: 'UPC-A',
  1: 'UPC-E',
  2: 'EAN13',
  3: 'EAN8',
  4: 'CODE39',
  5: 'ITF',
  6: 'CODABAR',
  65: 'UPC-A',
  66: 'UPC-E',
  67: 'EAN13',
  68: 'EAN8',
  69: 'CODE39',
  70: 'ITF',
  71: 'CODABAR',
  72: 'CODE93',
  73: 'CODE128',
  74: 'GS1-128',
  75: 'GS1-DATABAR-OMNI',
  76: 'GS1-DATABAR-TRUNCATED',
  77: 'GS1-DATABAR-LIMITED',
  78: 'GS1-DATABAR-EXPANDED',
  79: 'CODE128-AUTO',
};

interface Cell {
  readonly char: string;
  readonly dots: number;
  readonly bold: boolean;
  readonly large: boolean;
}

interface Mode {
  font: 'A' | 'B';
  bold: boolean;
  underline: boolean;
  italic: boolean;
  invert: boolean;
  widthMultiplier: number;
  heightMultiplier: number;
  codePage: number;
  align: Alignment;
  internationalCharacterSet: number;
}

function initialMode(): Mode {
  return {
    font: 'A',
    bold: false,
    underline: false,
    italic: false,
    invert: false,
    widthMultiplier: 1,
    heightMultiplier: 1,
    codePage: 0,
    align: 'left',
    internationalCharacterSet: 0,
  };
}

const decodeTables = new Map<string, string[]>();

/** 256-entry byte → character table for a single-byte code page. */
function decodeTable(encoding: string): string[] {
  let table = decodeTables.get(encoding);
  if (table === undefined) {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    table = [...iconv.decode(all, encoding)];
    if (table.length !== 256) throw new Error(`${encoding} is not a single-byte code page`);
    decodeTables.set(encoding, table);
  }
  return table;
}

export interface EscPosInterpreterOptions {
  /** Font A characters per line: 42 for 80 mm, 32 for 58 mm. */
  readonly columns: number;
}

export class EscPosInterpreter {
  readonly columns: number;
  /** Commands received but not acted on (unknown, or known but not simulated), e.g. `ESC 0x78`, `GS I`. */
  readonly unknownCommands: string[] = [];
  /** Things the interpreter could not render faithfully (unsupported code page …). */
  readonly warnings: string[] = [];

  #mode: Mode = initialMode();
  #line: Cell[] = [];
  #lineDots = 0;
  #lineAlign: Alignment | undefined;
  #pending = new Uint8Array(0);
  /** Job bytes since the last cut, for `SimulatedReceipt.raw`. */
  #raw: Uint8Array[] = [];
  /** DLE EOT detector over the raw stream: bytes of `10 04` matched so far. */
  #realtimeMatch = 0;
  #storedQr: string | undefined;
  #storedPdf417: string | undefined;
  #hriPosition = 0;

  constructor(options: EscPosInterpreterOptions) {
    if (!Number.isInteger(options.columns) || options.columns < 8 || options.columns > 96) {
      throw new RangeError(`columns must be an integer 8..96, got ${options.columns}`);
    }
    this.columns = options.columns;
  }

  get #lineWidthDots(): number {
    return this.columns * fontWidthDots.A;
  }

  /** Text on the current, not yet printed line. */
  get pendingLineText(): string {
    return this.#line.map((cell) => cell.char).join('');
  }

  /** Drops a line still in the buffer (the simulator tears off the paper). */
  discardPendingLine(): void {
    this.#line = [];
    this.#lineDots = 0;
    this.#lineAlign = undefined;
  }

  /**
   * Feeds received bytes. Real-time status requests are recognised in the raw
   * stream wherever they occur — even inside another command's data, as a real
   * printer does (Command Reference, DLE EOT notes) — and reported after
   * everything that precedes them.
   */
  push(bytes: Uint8Array): InterpreterOutput[] {
    const outputs: InterpreterOutput[] = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      const query = this.#matchRealtime(byte);
      if (query !== undefined) {
        this.#append(bytes.subarray(start, i + 1));
        start = i + 1;
        // Process what was complete before the 3-byte sequence; the sequence itself stays pending.
        this.#parse(outputs, this.#pending.length - 3);
        outputs.push({ kind: 'realtimeStatusRequest', query });
      }
    }
    this.#append(bytes.subarray(start));
    this.#parse(outputs, this.#pending.length);
    return outputs;
  }

  #matchRealtime(byte: number): 1 | 2 | 3 | 4 | undefined {
    if (this.#realtimeMatch === 2) {
      this.#realtimeMatch = byte === 0x10 ? 1 : 0;
      return byte >= 1 && byte <= 4 ? (byte as 1 | 2 | 3 | 4) : undefined;
    }
    if (this.#realtimeMatch === 1 && byte === 0x04) {
      this.#realtimeMatch = 2;
      return undefined;
    }
    this.#realtimeMatch = byte === 0x10 ? 1 : 0;
    return undefined;
  }

  #append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const merged = new Uint8Array(this.#pending.length + bytes.length);
    merged.set(this.#pending);
    merged.set(bytes, this.#pending.length);
    this.#pending = merged;
  }

  /** Parses complete tokens that end at or before `limit`; the rest stays pending. */
  #parse(outputs: InterpreterOutput[], limit: number): void {
    const buffer = this.#pending;
    const view = buffer.subarray(0, Math.max(0, limit));
    let offset = 0;
    while (offset < view.length) {
      const token = readEscPosToken(view, offset);
      if (token.kind === 'incomplete') break;
      const bytes = view.subarray(offset, offset + token.length);
      offset += token.length;
      switch (token.kind) {
        case 'text':
          this.#record(bytes);
          this.#text(bytes, outputs);
          break;
        case 'control':
          this.#record(bytes);
          this.#control(token.byte, outputs);
          break;
        case 'command':
          if (!token.name.startsWith('DLE')) this.#record(bytes);
          this.#command(token.name, bytes, outputs);
          break;
        case 'unknown':
          this.#record(bytes);
          this.unknownCommands.push(token.name);
          break;
      }
    }
    this.#pending = buffer.slice(offset);
  }

  #record(bytes: Uint8Array): void {
    this.#raw.push(bytes.slice());
  }

  #text(bytes: Uint8Array, outputs: InterpreterOutput[]): void {
    const encoding = epsonCodePages[this.#mode.codePage];
    if (encoding === undefined) this.#warn(`code page ${this.#mode.codePage} (ESC t) is not simulated`);
    const table = encoding === undefined ? undefined : decodeTable(encoding);
    for (const byte of bytes) this.#addChar(table?.[byte] ?? '\ufffd', outputs);
  }

  #addChar(char: string, outputs: InterpreterOutput[]): void {
    const mode = this.#mode;
    const dots = fontWidthDots[mode.font] * mode.widthMultiplier;
    // A character that does not fit prints the line and starts the next one (automatic wrap).
    if (this.#lineDots + dots > this.#lineWidthDots && this.#line.length > 0) this.#printLine(outputs);
    this.#lineAlign ??= mode.align;
    this.#line.push({ char, dots, bold: mode.bold, large: mode.widthMultiplier > 1 || mode.heightMultiplier > 1 });
    this.#lineDots += dots;
  }

  #control(byte: number, outputs: InterpreterOutput[]): void {
    switch (byte) {
      case 0x0a: // LF: print and line feed
        this.#printLine(outputs);
        return;
      case 0x0c: // FF: in standard mode, print and eject is page-mode only; treated as print-and-feed
        this.#printLine(outputs);
        return;
      case 0x0d:
        // CR: with automatic line feed off (the default for serial interfaces) CR is ignored
        // (Command Reference, CR). The encoder sends LF CR after each line.
        return;
      case 0x09: {
        // HT: move to the next tab stop (every 8 characters by default).
        const stopDots = defaultTabColumns * fontWidthDots.A;
        const target = (Math.floor(this.#lineDots / stopDots) + 1) * stopDots;
        while (this.#lineDots < target && this.#lineDots + fontWidthDots.A <= this.#lineWidthDots) {
          this.#lineAlign ??= this.#mode.align;
          this.#line.push({ char: ' ', dots: fontWidthDots.A, bold: false, large: false });
          this.#lineDots += fontWidthDots.A;
        }
        return;
      }
      case 0x18: // CAN: cancel print data in page mode — no page mode here
        return;
      default:
        // Other C0 bytes are ignored by the printer.
        return;
    }
  }

  #command(name: string, bytes: Uint8Array, outputs: InterpreterOutput[]): void {
    const n = bytes[2] ?? 0;
    const mode = this.#mode;
    switch (name) {
      case 'ESC @':
        // Initialize: clears the print buffer and resets modes; the code page returns to 0.
        this.#mode = initialMode();
        this.#line = [];
        this.#lineDots = 0;
        this.#lineAlign = undefined;
        this.#hriPosition = 0;
        outputs.push({ kind: 'initialize' });
        return;
      case 'FS .': // Kanji mode off: single-byte code pages, which is all we do
      case 'ESC 2': // default line spacing
      case 'ESC 3': // line spacing
      case 'ESC SP': // right-side character spacing
      case 'ESC G': // double-strike: looks like emphasis on paper, not tracked
      case 'GS h': // bar code height
      case 'GS w': // bar code module width
      case 'GS f': // HRI font
      case 'GS b': // smoothing
      case 'GS L': // left margin
      case 'GS W': // print area width
      case 'GS P': // motion units
      case 'ESC U': // unidirectional printing
      case 'ESC {': // upside-down printing
      case 'ESC c': // paper sensors / panel buttons
      case 'ESC =': // peripheral device selection
        return;
      case 'ESC M':
        mode.font = n === 1 || n === 49 ? 'B' : 'A';
        return;
      case 'ESC E':
        mode.bold = (n & 1) === 1;
        return;
      case 'ESC -':
        mode.underline = n % 48 !== 0;
        return;
      case 'ESC 4':
        mode.italic = (n & 1) === 1;
        return;
      case 'GS B':
        mode.invert = (n & 1) === 1;
        return;
      case 'ESC t':
        mode.codePage = n;
        if (epsonCodePages[n] === undefined) this.#warn(`code page ${n} (ESC t) is not simulated`);
        return;
      case 'ESC R':
        mode.internationalCharacterSet = n;
        if (n !== 0) this.#warn(`international character set ${n} (ESC R) is not applied`);
        return;
      case 'GS !':
        // Bits 4-6: width multiplier − 1; bits 0-2: height multiplier − 1.
        mode.widthMultiplier = ((n >> 4) & 0x07) + 1;
        mode.heightMultiplier = (n & 0x07) + 1;
        return;
      case 'ESC !':
        // Bit 0 font B, bit 3 emphasized, bit 4 double height, bit 5 double width, bit 7 underline.
        mode.font = n & 0x01 ? 'B' : 'A';
        mode.bold = (n & 0x08) !== 0;
        mode.heightMultiplier = n & 0x10 ? 2 : 1;
        mode.widthMultiplier = n & 0x20 ? 2 : 1;
        mode.underline = (n & 0x80) !== 0;
        return;
      case 'ESC a':
        mode.align = n === 1 || n === 49 ? 'center' : n === 2 || n === 50 ? 'right' : 'left';
        // Effective at the beginning of a line only (Command Reference, ESC a).
        if (this.#line.length === 0) this.#lineAlign = undefined;
        return;
      case 'GS H':
        this.#hriPosition = n % 48;
        return;
      case 'ESC d': {
        // Print the buffer and feed n lines.
        if (n === 0 && this.#line.length === 0) return;
        this.#printLine(outputs);
        for (let i = 1; i < n; i++) this.#printLine(outputs);
        return;
      }
      case 'ESC J':
        // Print and feed n motion units: the line is printed; the extra feed is not a text line.
        if (this.#line.length > 0) this.#printLine(outputs);
        return;
      case 'GS k':
        this.#barcode(bytes, outputs);
        return;
      case 'GS ( k':
        this.#twoDimensionalCode(bytes, outputs);
        return;
      case 'GS V':
        this.#cut(bytes, outputs);
        return;
      case 'ESC i':
        this.#cut(Uint8Array.of(0x1d, 0x56, 0x00), outputs);
        return;
      case 'ESC m':
        this.#cut(Uint8Array.of(0x1d, 0x56, 0x01), outputs);
        return;
      case 'GS a':
        outputs.push({ kind: 'asbSelection', n });
        return;
      case 'ESC p':
        outputs.push({ kind: 'drawerKick', pin: n === 1 || n === 49 ? 5 : 2 });
        return;
      case 'DLE EOT':
        // Answered when first seen in the raw stream (see push); nothing to do in order.
        return;
      case 'GS v':
      case 'ESC *':
        this.#emitSpecial('image', '[IMAGE]', outputs);
        return;
      default:
        this.unknownCommands.push(name);
        return;
    }
  }

  #barcode(bytes: Uint8Array, outputs: InterpreterOutput[]): void {
    const m = bytes[2] ?? 0;
    const functionB = m >= 65;
    const data = functionB ? bytes.subarray(4) : bytes.subarray(3, bytes.length - 1);
    const symbology = barcodeSymbologies[m];
    if (symbology === undefined) {
      this.unknownCommands.push(`GS k m=${m}`);
      return;
    }
    let text = String.fromCharCode(...data);
    if (m === 73) text = decodeCode128(data);
    if ((m === 2 || m === 67) && /^\d{12}$/.test(text)) text += String(eanCheckDigit(text));
    this.#emitSpecial('barcode', `[BARCODE ${symbology} ${text}]`, outputs);
  }

  /** `GS ( k pL pH cn fn …` (Command Reference, GS ( k): cn 49 QR Code, cn 48 PDF417. */
  #twoDimensionalCode(bytes: Uint8Array, outputs: InterpreterOutput[]): void {
    const cn = bytes[5];
    const fn = bytes[6];
    const payload = bytes.subarray(8);
    if (cn === 49) {
      switch (fn) {
        case 65: // model
        case 67: // module size
        case 69: // error correction level
          return;
        case 80: // store data (m = 48)
          this.#storedQr = latin1(payload);
          return;
        case 81: // print the stored symbol
          this.#emitSpecial('qr', `[QR ${this.#storedQr ?? ''}]`, outputs);
          return;
      }
    } else if (cn === 48) {
      switch (fn) {
        case 65: // columns
        case 66: // rows
        case 67: // module width
        case 68: // row height
        case 69: // error correction level
        case 70: // options (truncated)
          return;
        case 80:
          this.#storedPdf417 = latin1(payload);
          return;
        case 81:
          this.#emitSpecial('pdf417', `[PDF417 ${this.#storedPdf417 ?? ''}]`, outputs);
          return;
      }
    }
    this.unknownCommands.push(`GS ( k cn=${cn ?? '?'} fn=${fn ?? '?'}`);
  }

  #cut(bytes: Uint8Array, outputs: InterpreterOutput[]): void {
    const m = bytes[2] ?? 0;
    // Cutting prints what is in the buffer first.
    if (this.#line.length > 0) this.#printLine(outputs);
    const raw = concat(this.#raw);
    this.#raw = [];
    outputs.push({ kind: 'cut', partial: m % 2 === 1 || m === 49, raw });
  }

  /** Barcodes, QR codes and images start on a fresh line and take the whole line, aligned per ESC a. */
  #emitSpecial(kind: PrintedLine['kind'], label: string, outputs: InterpreterOutput[]): void {
    if (this.#line.length > 0) this.#printLine(outputs);
    const align = this.#mode.align;
    outputs.push({ kind: 'line', line: { text: pad(label, label.length * fontWidthDots.A, this.#lineWidthDots, align), kind, align, bold: false, large: false } });
  }

  #printLine(outputs: InterpreterOutput[]): void {
    const align = this.#lineAlign ?? this.#mode.align;
    const text = this.#line.map((cell) => cell.char).join('');
    outputs.push({
      kind: 'line',
      line: {
        text: pad(text, this.#lineDots, this.#lineWidthDots, align),
        kind: 'text',
        align,
        bold: this.#line.some((cell) => cell.bold),
        large: this.#line.some((cell) => cell.large),
      },
    });
    this.#line = [];
    this.#lineDots = 0;
    this.#lineAlign = undefined;
  }

  #warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  /** HRI position set by GS H (0 none, 1 above, 2 below, 3 both). */
  get hriPosition(): number {
    return this.#hriPosition;
  }
}

/** Left padding in spaces (font A width) so the line sits where ESC a puts it. */
function pad(text: string, usedDots: number, lineDots: number, align: Alignment): string {
  if (text.length === 0) return text;
  const free = Math.max(0, lineDots - usedDots);
  const spaces = align === 'center' ? Math.floor(free / 2 / fontWidthDots.A) : align === 'right' ? Math.floor(free / fontWidthDots.A) : 0;
  return ' '.repeat(spaces) + text;
}

/**
 * Code 128 data as GS k m=73 carries it: `{A`/`{B`/`{C` select a code set,
 * `{1`-`{4` are FNC1-4, `{S` shift, `{{` a literal `{`; in code set C each byte
 * is a pair of digits 00-99 (Command Reference, GS k, Code128 notes).
 */
export function decodeCode128(data: Uint8Array): string {
  let out = '';
  let set: 'A' | 'B' | 'C' = 'B';
  for (let i = 0; i < data.length; i++) {
    const byte = data[i] as number;
    if (byte === 0x7b && i + 1 < data.length) {
      const next = String.fromCharCode(data[++i] as number);
      if (next === 'A' || next === 'B' || next === 'C') set = next;
      else if (next === '{') out += '{';
      else if (next === '1') out += '<FNC1>';
      else if (next === '2' || next === '3' || next === '4') out += `<FNC${next}>`;
      // {S (shift) changes only the next character's set, which prints the same here.
      continue;
    }
    out += set === 'C' ? String(byte).padStart(2, '0') : String.fromCharCode(byte);
  }
  return out;
}

function eanCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** Joins byte chunks into one array (a receipt's job arrives in many reads). */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
