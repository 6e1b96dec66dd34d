import { err, ok, type Result } from '../../shared/result';
import type { SerialSettings } from '../serial/transport';

/**
 * ESC/POS status traffic, pure bytes ↔ typed values: the real-time status
 * request `DLE EOT n`, Automatic Status Back (`GS a n`), and a reader that
 * splits what the printer sends back.
 *
 * Sources: Epson ESC/POS Command Reference, "DLE EOT" (transmit real-time
 * status) and "GS a" (enable/disable Automatic Status Back); Epson ESC/POS
 * Application Programming Guide, "Status processing" / "Identifying the
 * transmission data" (how to tell replies apart). Bit layouts were taken for
 * the TM-T88 series; other ESC/POS printers follow them for these bits.
 */

/**
 * 9600 baud 8N1 is a common serial setting for receipt printers; the actual
 * one is set on the printer (DIP or memory switches) and must match. Real
 * printers also need flow control (DTR/DSR or XON/XOFF) when the host sends
 * faster than they print: configure it on both sides.
 */
export const defaultPrinterSerialSettings: SerialSettings = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

const DLE = 0x10;
const EOT = 0x04;
const GS = 0x1d;
const XON = 0x11;
const XOFF = 0x13;

/** The four `DLE EOT n` queries (Command Reference, DLE EOT, n = 1..4). */
export const RealtimeStatusQuery = {
  /** Printer status: online/offline, drawer kick connector. */
  printer: 1,
  /** Offline cause: cover, feed button, paper end, error. */
  offlineCause: 2,
  /** Error cause: cutter, unrecoverable, auto-recoverable. */
  errorCause: 3,
  /** Roll paper sensors: near end, end. */
  rollPaper: 4,
} as const;
export type RealtimeStatusQuery = (typeof RealtimeStatusQuery)[keyof typeof RealtimeStatusQuery];

/** Everything the status replies can tell, merged into one value. */
export interface PrinterStatus {
  readonly online: boolean;
  /** Drawer kick connector pin 3 is high (drawer open or closed depends on the drawer). */
  readonly drawerPin3High: boolean;
  readonly coverOpen: boolean;
  /** Paper is being fed with the FEED button (the printer is offline meanwhile). */
  readonly feedButtonPressed: boolean;
  /** Printing stopped because of paper end (DLE EOT 2 bit 5). */
  readonly stoppedByPaperEnd: boolean;
  /** An error occurred (DLE EOT 2 bit 6); DLE EOT 3 says which. */
  readonly errorOccurred: boolean;
  readonly paperEnd: boolean;
  readonly paperNearEnd: boolean;
  /** Autocutter error (paper jam at the cutter, cutter blade locked). */
  readonly cutterError: boolean;
  /** Unrecoverable error (head or power fault): needs a service call. */
  readonly unrecoverableError: boolean;
  /** Auto-recoverable error (print head overheated); clears by itself. */
  readonly autoRecoverableError: boolean;
}

export const healthyPrinterStatus: PrinterStatus = {
  online: true,
  drawerPin3High: false,
  coverOpen: false,
  feedButtonPressed: false,
  stoppedByPaperEnd: false,
  errorOccurred: false,
  paperEnd: false,
  paperNearEnd: false,
  cutterError: false,
  unrecoverableError: false,
  autoRecoverableError: false,
};

/** `DLE EOT n` — 10 04 n (Command Reference, DLE EOT). */
export function encodeRealtimeStatusRequest(n: RealtimeStatusQuery): Uint8Array {
  return Uint8Array.of(DLE, EOT, n);
}

export interface AsbSelection {
  readonly drawer?: boolean;
  readonly onlineOffline?: boolean;
  readonly error?: boolean;
  readonly rollPaperSensor?: boolean;
}

/**
 * `GS a n` — 1D 61 n, Automatic Status Back (Command Reference, GS a): bit 0
 * drawer kick connector, bit 1 online/offline, bit 2 error, bit 3 roll paper
 * sensor. n = 0 disables ASB.
 */
export function encodeAsbEnable(selection: AsbSelection): Uint8Array {
  const n = (selection.drawer ? 0x01 : 0) | (selection.onlineOffline ? 0x02 : 0) | (selection.error ? 0x04 : 0) | (selection.rollPaperSensor ? 0x08 : 0);
  return Uint8Array.of(GS, 0x61, n);
}

/**
 * Every `DLE EOT` reply has the fixed bits `0xx1xx10` (bit 0 = 0, bit 1 = 1,
 * bit 4 = 1, bit 7 = 0): Application Programming Guide, "Identifying the
 * transmission data" — which is how it is told from ASB (`0xx1xx00`) and XON/XOFF.
 */
export function isRealtimeStatusReply(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

/** Parts of `PrinterStatus` each `DLE EOT n` reply carries. */
export type StatusReplyFields =
  | { readonly query: 1; readonly online: boolean; readonly drawerPin3High: boolean }
  | { readonly query: 2; readonly coverOpen: boolean; readonly feedButtonPressed: boolean; readonly stoppedByPaperEnd: boolean; readonly errorOccurred: boolean }
  | { readonly query: 3; readonly cutterError: boolean; readonly unrecoverableError: boolean; readonly autoRecoverableError: boolean }
  | { readonly query: 4; readonly paperNearEnd: boolean; readonly paperEnd: boolean };

/**
 * Decodes the reply byte to `DLE EOT n` (Command Reference, DLE EOT, tables for n = 1..4).
 * A byte without the fixed bits is not a status reply: an expected failure (line noise), not a bug.
 */
export function parseRealtimeStatusReply(query: RealtimeStatusQuery, byte: number): Result<StatusReplyFields, string> {
  if (!isRealtimeStatusReply(byte)) return err(`0x${hex(byte)} is not a DLE EOT reply (fixed bits 0xx1xx10)`);
  switch (query) {
    case 1:
      // n=1: bit 2 drawer kick connector pin 3, bit 3 offline.
      return ok({ query, online: (byte & 0x08) === 0, drawerPin3High: (byte & 0x04) !== 0 });
    case 2:
      // n=2: bit 2 cover open, bit 3 paper fed by FEED button, bit 5 printing stopped by paper end, bit 6 error.
      return ok({
        query,
        coverOpen: (byte & 0x04) !== 0,
        feedButtonPressed: (byte & 0x08) !== 0,
        stoppedByPaperEnd: (byte & 0x20) !== 0,
        errorOccurred: (byte & 0x40) !== 0,
      });
    case 3:
      // n=3: bit 3 autocutter error, bit 5 unrecoverable error, bit 6 auto-recoverable error.
      return ok({ query, cutterError: (byte & 0x08) !== 0, unrecoverableError: (byte & 0x20) !== 0, autoRecoverableError: (byte & 0x40) !== 0 });
    case 4:
      // n=4: bits 2-3 (0x0C) roll paper near-end sensor, bits 5-6 (0x60) roll paper end sensor.
      // Either bit of a pair set counts: some models set only one.
      return ok({ query, paperNearEnd: (byte & 0x0c) !== 0, paperEnd: (byte & 0x60) !== 0 });
  }
}

/**
 * Merges the replies of one status round into a `PrinterStatus`. Queries not
 * asked keep the healthy default — so a round that skips n=3 reports no
 * cutter error rather than inventing one.
 */
export function mergeStatusReplies(replies: readonly StatusReplyFields[], base: PrinterStatus = healthyPrinterStatus): PrinterStatus {
  let status: PrinterStatus = base;
  for (const reply of replies) {
    const { query: _query, ...fields } = reply;
    status = { ...status, ...fields };
  }
  // A paper end stops printing whichever sensor reported it.
  if (status.stoppedByPaperEnd && !status.paperEnd) status = { ...status, paperEnd: true };
  return status;
}

/** The reply byte a printer in `status` sends to `DLE EOT n` (for the simulator; inverse of `parseRealtimeStatusReply`). */
export function encodeRealtimeStatusReply(query: RealtimeStatusQuery, status: PrinterStatus): number {
  const fixed = 0x12;
  switch (query) {
    case 1:
      return fixed | (status.drawerPin3High ? 0x04 : 0) | (status.online ? 0 : 0x08);
    case 2:
      return fixed | (status.coverOpen ? 0x04 : 0) | (status.feedButtonPressed ? 0x08 : 0) | (status.stoppedByPaperEnd ? 0x20 : 0) | (status.errorOccurred ? 0x40 : 0);
    case 3:
      return fixed | (status.cutterError ? 0x08 : 0) | (status.unrecoverableError ? 0x20 : 0) | (status.autoRecoverableError ? 0x40 : 0);
    case 4:
      return fixed | (status.paperNearEnd || status.paperEnd ? 0x0c : 0) | (status.paperEnd ? 0x60 : 0);
  }
}

/**
 * Decodes a 4-byte ASB block (Command Reference, GS a, "ASB status"):
 * byte 1 bit 2 drawer pin 3, bit 3 offline, bit 5 cover open, bit 6 FEED button;
 * byte 2 bit 3 autocutter error, bit 5 unrecoverable, bit 6 auto-recoverable;
 * byte 3 bits 0-1 (0x03) paper near end, bits 2-3 (0x0C) paper end; byte 4 reserved.
 */
export function parseAsb(bytes: Uint8Array): Result<PrinterStatus, string> {
  const [b1, b2, b3, b4] = bytes;
  if (bytes.length !== 4 || b1 === undefined || b2 === undefined || b3 === undefined || b4 === undefined) return err(`ASB is 4 bytes, got ${bytes.length}`);
  if (!isAsbFirstByte(b1) || !isAsbFollowingByte(b2) || !isAsbFollowingByte(b3) || !isAsbFollowingByte(b4)) {
    return err(`${Array.from(bytes, hex).join(' ')} is not an ASB block`);
  }
  const paperEnd = (b3 & 0x0c) !== 0;
  const errorOccurred = (b2 & 0x68) !== 0;
  return ok({
    online: (b1 & 0x08) === 0,
    drawerPin3High: (b1 & 0x04) !== 0,
    coverOpen: (b1 & 0x20) !== 0,
    feedButtonPressed: (b1 & 0x40) !== 0,
    stoppedByPaperEnd: paperEnd,
    errorOccurred,
    paperEnd,
    paperNearEnd: (b3 & 0x03) !== 0,
    cutterError: (b2 & 0x08) !== 0,
    unrecoverableError: (b2 & 0x20) !== 0,
    autoRecoverableError: (b2 & 0x40) !== 0,
  });
}

/** The ASB block a printer in `status` sends (for the simulator; inverse of `parseAsb`). */
export function encodeAsb(status: PrinterStatus): Uint8Array {
  return Uint8Array.of(
    0x10 | (status.drawerPin3High ? 0x04 : 0) | (status.online ? 0 : 0x08) | (status.coverOpen ? 0x20 : 0) | (status.feedButtonPressed ? 0x40 : 0),
    (status.cutterError ? 0x08 : 0) | (status.unrecoverableError ? 0x20 : 0) | (status.autoRecoverableError ? 0x40 : 0),
    (status.paperNearEnd || status.paperEnd ? 0x03 : 0) | (status.paperEnd ? 0x0c : 0),
    0x00,
  );
}

/** ASB byte 1: `0xx1xx00` (Programming Guide, "Identifying the transmission data"). */
function isAsbFirstByte(byte: number): boolean {
  return (byte & 0x93) === 0x10;
}

/** ASB bytes 2-4: `0xx0xxxx`. */
function isAsbFollowingByte(byte: number): boolean {
  return (byte & 0x90) === 0;
}

export type PrinterReply =
  | { readonly kind: 'realtimeStatus'; readonly byte: number }
  | { readonly kind: 'asb'; readonly bytes: Uint8Array; readonly status: PrinterStatus }
  /** XON (ready to receive) / XOFF (buffer nearly full) when XON/XOFF flow control is configured. */
  | { readonly kind: 'flowControl'; readonly xon: boolean }
  | { readonly kind: 'garbage'; readonly bytes: Uint8Array };

/**
 * Splits the printer → host stream into replies, however it is chunked.
 *
 * - `0xx1xx10` is a `DLE EOT` reply (one byte).
 * - `0xx1xx00` starts a 4-byte ASB block whose other bytes are `0xx0xxxx`.
 * - 0x11 / 0x13 are XON / XOFF. They have bit 4 set, so they can never be an
 *   ASB continuation byte and are recognised even in the middle of a block.
 * - Anything else — and an ASB block cut short by a byte that cannot continue
 *   it — is garbage; the interrupting byte is then read afresh.
 *
 * A `DLE EOT` reply does not say which query it answers: the caller must have
 * only one query outstanding and match replies in order.
 */
export class PrinterReplyReader {
  #asb: number[] = [];

  push(bytes: Uint8Array): PrinterReply[] {
    const replies: PrinterReply[] = [];
    let garbage: number[] = [];
    const flushGarbage = (): void => {
      if (garbage.length > 0) replies.push({ kind: 'garbage', bytes: Uint8Array.from(garbage) });
      garbage = [];
    };
    for (const byte of bytes) {
      if (byte === XON || byte === XOFF) {
        flushGarbage();
        replies.push({ kind: 'flowControl', xon: byte === XON });
        continue;
      }
      if (this.#asb.length > 0) {
        if (isAsbFollowingByte(byte)) {
          this.#asb.push(byte);
          if (this.#asb.length === 4) {
            const block = Uint8Array.from(this.#asb);
            this.#asb = [];
            const parsed = parseAsb(block);
            flushGarbage();
            replies.push(parsed.ok ? { kind: 'asb', bytes: block, status: parsed.value } : { kind: 'garbage', bytes: block });
          }
          continue;
        }
        garbage.push(...this.#asb);
        this.#asb = [];
      }
      if (isRealtimeStatusReply(byte)) {
        flushGarbage();
        replies.push({ kind: 'realtimeStatus', byte });
      } else if (isAsbFirstByte(byte)) {
        flushGarbage();
        this.#asb = [byte];
      } else {
        garbage.push(byte);
      }
    }
    flushGarbage();
    return replies;
  }

  /** True while an ASB block is half received. */
  get hasPartialBlock(): boolean {
    return this.#asb.length > 0;
  }

  reset(): void {
    this.#asb = [];
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
