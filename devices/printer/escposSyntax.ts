/**
 * How long each ESC/POS command is — the grammar of the host → printer byte
 * stream, as data. Lengths from the Epson ESC/POS Command Reference (one entry
 * per command page; "total" counts the prefix bytes). Two users:
 *
 * - the printer service cuts a job into chunks only at command boundaries,
 *   because a `DLE EOT` status query sent between chunks that split a command
 *   would be eaten as that command's parameter (Command Reference, DLE EOT,
 *   notes: "ESC 3 <10>H" example);
 * - the simulator's interpreter tokenises what it receives.
 */

const HT = 0x09;
const LF = 0x0a;
const FF = 0x0c;
const CR = 0x0d;
const DLE = 0x10;
const CAN = 0x18;
const ESC = 0x1b;
const FS = 0x1c;
const GS = 0x1d;

export type EscPosToken =
  /** A run of printable bytes (0x20-0xFF), to be decoded with the current code page. */
  | { readonly kind: 'text'; readonly length: number }
  /** A single C0 byte that is a command on its own (HT, LF, FF, CR, CAN) or is ignored. */
  | { readonly kind: 'control'; readonly byte: number; readonly length: 1 }
  /** A command whose length the table knows, e.g. `ESC @`, `GS ( k`. */
  | { readonly kind: 'command'; readonly name: string; readonly length: number }
  /** ESC/GS/FS + a byte the table does not know: only the two prefix bytes are consumed. */
  | { readonly kind: 'unknown'; readonly name: string; readonly length: number };

export type ReadResult = EscPosToken | { readonly kind: 'incomplete' };

/** Total length of a command starting at `offset`, or undefined while more bytes are needed. */
type LengthRule = (at: (index: number) => number | undefined) => number | undefined;

const fixed =
  (total: number): LengthRule =>
  () =>
    total;

/** `pL pH` commands (`ESC ( X`, `GS ( X`, `FS ( X`): 5 bytes + (pL + pH × 256) parameter bytes. */
const pLpH: LengthRule = (at) => {
  const pL = at(3);
  const pH = at(4);
  return pL === undefined || pH === undefined ? undefined : 5 + pL + pH * 256;
};

/** Reads up to a NUL terminator, at most `limit` bytes after `start`. */
function untilNul(at: (index: number) => number | undefined, start: number, limit: number): number | undefined {
  for (let i = start; i <= start + limit; i++) {
    const byte = at(i);
    if (byte === undefined) return undefined;
    if (byte === 0) return i + 1;
  }
  // No terminator where the manual says there must be one: end the command there rather than swallow the stream.
  return start + limit + 1;
}

const escRules: Readonly<Record<number, readonly [string, LengthRule]>> = {
  0x0c: ['ESC FF', fixed(2)], // print data in page mode
  0x20: ['ESC SP', fixed(3)], // right-side character spacing
  0x21: ['ESC !', fixed(3)], // print mode
  0x24: ['ESC $', fixed(4)], // absolute print position
  0x25: ['ESC %', fixed(3)], // user-defined character set on/off
  // ESC & y c1 c2 [x d1…d(y×x)] × (c2 − c1 + 1): define user-defined characters.
  0x26: [
    'ESC &',
    (at) => {
      const y = at(2);
      const c1 = at(3);
      const c2 = at(4);
      if (y === undefined || c1 === undefined || c2 === undefined) return undefined;
      let offset = 5;
      for (let c = c1; c <= c2; c++) {
        const x = at(offset);
        if (x === undefined) return undefined;
        offset += 1 + y * x;
      }
      return offset;
    },
  ],
  0x28: ['ESC (', pLpH], // ESC ( A beeper, ESC ( Y …
  // ESC * m nL nH d1…dk: bit image; k = n for 8-dot modes (m 0, 1), 3n for 24-dot modes (m 32, 33).
  0x2a: [
    'ESC *',
    (at) => {
      const m = at(2);
      const nL = at(3);
      const nH = at(4);
      if (m === undefined || nL === undefined || nH === undefined) return undefined;
      return 5 + (m === 32 || m === 33 ? 3 : 1) * (nL + nH * 256);
    },
  ],
  0x2d: ['ESC -', fixed(3)], // underline
  0x32: ['ESC 2', fixed(2)], // default line spacing
  0x33: ['ESC 3', fixed(3)], // line spacing
  0x34: ['ESC 4', fixed(3)], // italic (not in Epson's set; emitted by receipt-printer-encoder, as on Star/Bixolon)
  0x3d: ['ESC =', fixed(3)], // select peripheral device
  0x3f: ['ESC ?', fixed(3)], // cancel user-defined character
  0x40: ['ESC @', fixed(2)], // initialize
  0x44: ['ESC D', (at) => untilNul(at, 2, 32)], // horizontal tab positions, NUL-terminated, at most 32
  0x45: ['ESC E', fixed(3)], // emphasized (bold)
  0x47: ['ESC G', fixed(3)], // double-strike
  0x4a: ['ESC J', fixed(3)], // print and feed n motion units
  0x4b: ['ESC K', fixed(3)], // print and reverse feed
  0x4c: ['ESC L', fixed(2)], // page mode
  0x4d: ['ESC M', fixed(3)], // character font
  0x52: ['ESC R', fixed(3)], // international character set
  0x53: ['ESC S', fixed(2)], // standard mode
  0x54: ['ESC T', fixed(3)], // print direction in page mode
  0x55: ['ESC U', fixed(3)], // unidirectional printing
  0x56: ['ESC V', fixed(3)], // 90° rotation
  0x57: ['ESC W', fixed(10)], // print area in page mode
  0x5c: ['ESC \\', fixed(4)], // relative print position
  0x61: ['ESC a', fixed(3)], // justification
  0x63: ['ESC c', fixed(4)], // ESC c 3/4/5 n: paper sensors, panel buttons
  0x64: ['ESC d', fixed(3)], // print and feed n lines
  0x65: ['ESC e', fixed(3)], // print and reverse feed n lines
  0x69: ['ESC i', fixed(2)], // partial cut (obsolete)
  0x6d: ['ESC m', fixed(2)], // partial cut (obsolete)
  0x70: ['ESC p', fixed(5)], // generate pulse (drawer kick)
  0x72: ['ESC r', fixed(3)], // print colour
  0x74: ['ESC t', fixed(3)], // character code table
  0x75: ['ESC u', fixed(3)], // transmit peripheral status (obsolete)
  0x76: ['ESC v', fixed(2)], // transmit paper sensor status (obsolete)
  0x7b: ['ESC {', fixed(3)], // upside-down printing
};

const gsRules: Readonly<Record<number, readonly [string, LengthRule]>> = {
  0x21: ['GS !', fixed(3)], // character size
  0x24: ['GS $', fixed(4)], // absolute vertical position in page mode
  0x28: ['GS (', pLpH], // GS ( A/C/D/E/H/K/L/M/N/Q/k/z …
  // GS * x y d1…d(x×y×8): define downloaded bit image.
  0x2a: [
    'GS *',
    (at) => {
      const x = at(2);
      const y = at(3);
      return x === undefined || y === undefined ? undefined : 4 + x * y * 8;
    },
  ],
  0x2f: ['GS /', fixed(3)], // print downloaded bit image
  0x3a: ['GS :', fixed(2)], // start/end macro definition
  // GS 8 L p1 p2 p3 p4 …: like GS ( L with a 32-bit length.
  0x38: [
    'GS 8',
    (at) => {
      const p = [at(3), at(4), at(5), at(6)];
      if (p.some((b) => b === undefined)) return undefined;
      const [p1, p2, p3, p4] = p as [number, number, number, number];
      return 7 + p1 + p2 * 0x100 + p3 * 0x10000 + p4 * 0x1000000;
    },
  ],
  0x42: ['GS B', fixed(3)], // white/black reverse
  0x48: ['GS H', fixed(3)], // HRI position
  0x49: ['GS I', fixed(3)], // transmit printer ID
  0x4c: ['GS L', fixed(4)], // left margin
  0x50: ['GS P', fixed(4)], // motion units
  0x54: ['GS T', fixed(3)], // print position to beginning of line
  // GS V m (m = 0, 1, 48, 49) or GS V m n (m = 65, 66, 97, 98, 103, 104): cut.
  0x56: [
    'GS V',
    (at) => {
      const m = at(2);
      if (m === undefined) return undefined;
      return [65, 66, 97, 98, 103, 104].includes(m) ? 4 : 3;
    },
  ],
  0x57: ['GS W', fixed(4)], // print area width
  0x5c: ['GS \\', fixed(4)], // relative vertical position in page mode
  0x5e: ['GS ^', fixed(5)], // execute macro
  0x61: ['GS a', fixed(3)], // automatic status back
  0x62: ['GS b', fixed(3)], // smoothing
  0x63: ['GS c', fixed(2)], // print counter (obsolete)
  0x66: ['GS f', fixed(3)], // HRI font
  0x67: ['GS g', fixed(6)], // GS g 0 / GS g 2: maintenance counters
  0x68: ['GS h', fixed(3)], // bar code height
  0x6a: ['GS j', fixed(3)], // automatic status back for ink
  // GS k: function A (m = 0-6) data ends with NUL; function B (m = 65-79) has a length byte n.
  0x6b: [
    'GS k',
    (at) => {
      const m = at(2);
      if (m === undefined) return undefined;
      if (m <= 6) return untilNul(at, 3, 255);
      if (m >= 65 && m <= 79) {
        const n = at(3);
        return n === undefined ? undefined : 4 + n;
      }
      return 3;
    },
  ],
  0x72: ['GS r', fixed(3)], // transmit status
  // GS v 0 m xL xH yL yH d1…dk: raster bit image, k = (xL + xH × 256) × (yL + yH × 256).
  0x76: [
    'GS v',
    (at) => {
      const xL = at(4);
      const xH = at(5);
      const yL = at(6);
      const yH = at(7);
      if (xL === undefined || xH === undefined || yL === undefined || yH === undefined) return undefined;
      return 8 + (xL + xH * 256) * (yL + yH * 256);
    },
  ],
  0x77: ['GS w', fixed(3)], // bar code module width
};

const fsRules: Readonly<Record<number, readonly [string, LengthRule]>> = {
  0x21: ['FS !', fixed(3)], // Kanji print mode
  0x26: ['FS &', fixed(2)], // Kanji mode on
  0x28: ['FS (', pLpH], // FS ( A/C/E/L/e …
  0x2d: ['FS -', fixed(3)], // Kanji underline
  0x2e: ['FS .', fixed(2)], // Kanji mode off (single-byte code pages)
  0x43: ['FS C', fixed(3)], // Kanji code system
  0x53: ['FS S', fixed(4)], // Kanji spacing
  0x57: ['FS W', fixed(3)], // Kanji quadruple size
  0x70: ['FS p', fixed(4)], // print NV bit image
  // FS q n [xL xH yL yH d1…dk] × n: define NV bit images, k = (xL + xH × 256) × (yL + yH × 256) × 8.
  0x71: [
    'FS q',
    (at) => {
      const n = at(2);
      if (n === undefined) return undefined;
      let offset = 3;
      for (let i = 0; i < n; i++) {
        const xL = at(offset);
        const xH = at(offset + 1);
        const yL = at(offset + 2);
        const yH = at(offset + 3);
        if (xL === undefined || xH === undefined || yL === undefined || yH === undefined) return undefined;
        offset += 4 + (xL + xH * 256) * (yL + yH * 256) * 8;
      }
      return offset;
    },
  ],
};

/** Real-time commands (Command Reference: DLE EOT, DLE ENQ, DLE DC4). */
const dleRules: Readonly<Record<number, readonly [string, LengthRule]>> = {
  0x04: ['DLE EOT', fixed(3)],
  0x05: ['DLE ENQ', fixed(3)],
  // DLE DC4 fn …: fn 1 pulse (m t), fn 2 power off (1 8), fn 7 buzzer (m…), fn 8 clear buffers (7 fixed bytes).
  0x14: [
    'DLE DC4',
    (at) => {
      const fn = at(2);
      if (fn === undefined) return undefined;
      if (fn === 1 || fn === 2) return 5;
      if (fn === 8) return 10;
      return 4;
    },
  ],
};

const prefixes: Readonly<Record<number, readonly [string, Readonly<Record<number, readonly [string, LengthRule]>>]>> = {
  [ESC]: ['ESC', escRules],
  [GS]: ['GS', gsRules],
  [FS]: ['FS', fsRules],
  [DLE]: ['DLE', dleRules],
};

/** C0 bytes that are commands by themselves; the rest of C0 is ignored by the printer. */
export const singleByteCommands: ReadonlySet<number> = new Set([HT, LF, FF, CR, CAN]);

/**
 * The token starting at `offset`. `incomplete` means the command's remaining
 * bytes have not arrived yet. Text runs stop at the end of the buffer (a text
 * run may be continued by the next token).
 */
export function readEscPosToken(bytes: Uint8Array, offset: number): ReadResult {
  const first = bytes[offset];
  if (first === undefined) return { kind: 'incomplete' };
  if (first >= 0x20) {
    let end = offset + 1;
    while (end < bytes.length && (bytes[end] as number) >= 0x20) end++;
    return { kind: 'text', length: end - offset };
  }
  const prefix = prefixes[first];
  if (prefix === undefined) return { kind: 'control', byte: first, length: 1 };
  const second = bytes[offset + 1];
  if (second === undefined) return { kind: 'incomplete' };
  const [prefixName, rules] = prefix;
  const rule = rules[second];
  if (rule === undefined) {
    // DLE with anything but a real-time command is just an ignored control byte.
    if (first === DLE) return { kind: 'control', byte: first, length: 1 };
    return { kind: 'unknown', name: `${prefixName} 0x${second.toString(16).padStart(2, '0')}`, length: 2 };
  }
  const [name, lengthOf] = rule;
  const length = lengthOf((index) => bytes[offset + index]);
  if (length === undefined || offset + length > bytes.length) return { kind: 'incomplete' };
  // `GS (`, `ESC (` and `FS (` are a family: name the function, e.g. `GS ( k`.
  const function_ = second === 0x28 ? bytes[offset + 2] : undefined;
  return { kind: 'command', name: function_ === undefined ? name : `${name} ${String.fromCharCode(function_)}`, length };
}

/**
 * Cuts an ESC/POS job into chunks of at most `maxChunkBytes`, only at command
 * boundaries or inside text runs. A single command longer than the limit
 * (a large image) becomes a chunk of its own. A truncated command at the end
 * stays in the last chunk.
 */
export function splitAtCommandBoundaries(bytes: Uint8Array, maxChunkBytes: number): Uint8Array[] {
  if (!Number.isInteger(maxChunkBytes) || maxChunkBytes < 1) throw new RangeError(`maxChunkBytes must be a positive integer, got ${maxChunkBytes}`);
  const chunks: Uint8Array[] = [];
  let start = 0;
  let position = 0;
  while (position < bytes.length) {
    const token = readEscPosToken(bytes, position);
    if (token.kind === 'incomplete') {
      position = bytes.length;
      break;
    }
    const end = position + token.length;
    if (end - start <= maxChunkBytes) {
      position = end;
      continue;
    }
    if (token.kind === 'text') {
      // Text may be split anywhere: fill the current chunk and go on inside the run.
      const cut = start + maxChunkBytes;
      chunks.push(bytes.subarray(start, cut));
      start = cut;
      position = Math.max(position, cut);
      continue;
    }
    if (position > start) chunks.push(bytes.subarray(start, position));
    start = position;
    if (token.length > maxChunkBytes) {
      chunks.push(bytes.subarray(position, end));
      start = end;
    }
    position = end;
  }
  if (start < bytes.length) chunks.push(bytes.subarray(start));
  return chunks;
}
