/**
 * USB HID POS bar code scanner (usage page 0x8C): input reports → scans. Pure
 * bytes ↔ messages, no I/O, no timers.
 *
 * Scanned-data input report, as node-hid delivers it (report id in byte 0 for a
 * device with numbered reports):
 *
 *   byte 0        report id (0x02 on several models)
 *   byte 1        length: how many data bytes this report carries
 *   bytes 2–4     AIM symbology identifier, e.g. `]E0`
 *   bytes 5…      data, `length` bytes, zero padded
 *   …
 *   last byte     bit 0 "continued": more reports follow for this label
 *
 * WebHID strips the report id, so WebHID-based code reads everything one byte
 * earlier (length at 0, AIM at 1–3, data from 4); node-hid offsets are +1.
 * Facts: HID POS Usage Tables 1.02 (usage page 0x8C) and
 * /work/shared/notes/device-protocols.md "USB HID POS". That `length` counts
 * the data bytes of this report only (not the AIM id), that every continuation
 * report repeats the AIM id, and that only bit 0 of the last byte is defined,
 * follow the HID report appendix of the Access-IS LSR116/ATR110 product
 * manuals (64-byte reports: data 5–60, vendor symbology id 61, reserved 62,
 * flag 63). Some scanners place the flag elsewhere or use another report id:
 * both are configuration (`HidScannerReportLayout`).
 */

/** Report layout of a scanner's scanned-data report; defaults fit the layout above. */
export interface HidScannerReportLayout {
  /** Id of the scanned-data report, 1–255; `null` for a device without numbered reports (no id byte). Default 0x02. */
  readonly reportId?: number | null;
  /** node-hid index (report id = byte 0) of the "continued" flag byte, or `'last'` (default). */
  readonly continuedFlagIndex?: number | 'last';
  /** Reports one label may span before it is discarded as `overflow`. Default 16. */
  readonly maxReportsPerScan?: number;
  /** Longest label (data characters, without the AIM id) kept. Default 512. */
  readonly maxScanLength?: number;
}

export interface ResolvedHidScannerReportLayout {
  readonly reportId: number | null;
  readonly continuedFlagIndex: number | 'last';
  readonly maxReportsPerScan: number;
  readonly maxScanLength: number;
}

/** HID POS Usage Tables 1.02 / Access-IS manuals: the scanned-data report is report 2 on several models. */
const defaultReportId = 0x02;
/** 512 matches MAX_SCAN_LENGTH in shared/barcode/decode.ts: anything longer is refused there anyway. */
const defaultMaxScanLength = 512;
/** 16 reports × 56 data bytes (64-byte reports) = 896, more than `defaultMaxScanLength` needs. */
const defaultMaxReportsPerScan = 16;
/** Bytes of the offending report kept in a garbage message for the log. */
const previewLength = 64;

/** GS, sent by scanners as FNC1 in GS1-128 / GS1 DataBar element strings (GS1 General Specifications 7.8.5.2). */
const GS = 0x1d;
/** The only defined bit of the flag byte (Access-IS manuals: "Data cont'd"); the others are reserved. */
const continuedBit = 0x01;

export const defaultHidScannerReportLayout: ResolvedHidScannerReportLayout = {
  reportId: defaultReportId,
  continuedFlagIndex: 'last',
  maxReportsPerScan: defaultMaxReportsPerScan,
  maxScanLength: defaultMaxScanLength,
};

/** Validates a layout (a bad one is a configuration bug: throws) and fills in defaults. */
export function resolveHidScannerReportLayout(layout: HidScannerReportLayout = {}): ResolvedHidScannerReportLayout {
  const reportId = layout.reportId === undefined ? defaultReportId : layout.reportId;
  if (reportId !== null && (!Number.isInteger(reportId) || reportId < 1 || reportId > 0xff)) {
    throw new RangeError(`HID scanner reportId must be an integer 1..255 or null, got ${reportId}`);
  }
  const continuedFlagIndex = layout.continuedFlagIndex ?? 'last';
  const dataIndex = dataOffset(reportId);
  if (continuedFlagIndex !== 'last' && (!Number.isInteger(continuedFlagIndex) || continuedFlagIndex < dataIndex || continuedFlagIndex > 0xffff)) {
    throw new RangeError(`HID scanner continuedFlagIndex must be 'last' or an integer from ${dataIndex} (after the AIM id) to 65535, got ${continuedFlagIndex}`);
  }
  const maxReportsPerScan = layout.maxReportsPerScan ?? defaultMaxReportsPerScan;
  if (!Number.isInteger(maxReportsPerScan) || maxReportsPerScan < 1 || maxReportsPerScan > 1024) {
    throw new RangeError(`HID scanner maxReportsPerScan must be an integer 1..1024, got ${maxReportsPerScan}`);
  }
  const maxScanLength = layout.maxScanLength ?? defaultMaxScanLength;
  if (!Number.isInteger(maxScanLength) || maxScanLength < 1 || maxScanLength > 65_536) {
    throw new RangeError(`HID scanner maxScanLength must be an integer 1..65536, got ${maxScanLength}`);
  }
  return { reportId, continuedFlagIndex, maxReportsPerScan, maxScanLength };
}

/** Index of the length byte: right after the report id, or first when reports are not numbered. */
function lengthOffset(reportId: number | null): number {
  return reportId === null ? 0 : 1;
}

/** Index of the first data byte: after the length byte and the 3-byte AIM id. */
function dataOffset(reportId: number | null): number {
  return lengthOffset(reportId) + 4;
}

export type HidScannerGarbageReason =
  /** Shorter than the header plus the flag byte. */
  | 'tooShort'
  /** Another input report of the device (not scanned data). */
  | 'unexpectedReportId'
  /** The length byte points past the data area. */
  | 'badLength'
  /** The symbology bytes are neither an AIM id `]Xn` nor zero. */
  | 'badAim'
  /** Data holds control bytes other than GS, or bytes beyond ASCII. */
  | 'nonPrintable'
  /** Too many continuation reports or too much data for one label. */
  | 'overflow'
  /** A label whose continuation never came (the service's timer). */
  | 'stale';

export interface HidScan {
  /** AIM symbology identifier, e.g. `]E0`; empty when the scanner sends zeros there (AIM ids off). */
  readonly aim: string;
  readonly data: string;
}

export type HidScannerOutput =
  | ({ readonly kind: 'scan' } & HidScan)
  | {
      readonly kind: 'garbage';
      readonly reason: HidScannerGarbageReason;
      /** Report bytes discarded, all reports of the label included. */
      readonly byteCount: number;
      /** The first bytes of the report that was refused (empty for `stale`), for the log. */
      readonly preview: Uint8Array;
    };

/** The text `decodeBarcode` (shared/barcode) expects: AIM id, then the data, as a serial scanner sends it. */
export function hidScanText(scan: HidScan): string {
  return scan.aim + scan.data;
}

function isDataByte(byte: number): boolean {
  return (byte >= 0x20 && byte <= 0x7e) || byte === GS;
}

function isAsciiLetter(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

function isAsciiDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

/** `]` + letter + letter-or-digit (ISO/IEC 15424) → the id; all zero → ''; anything else → undefined. */
function readAim(report: Uint8Array, index: number): string | undefined {
  const [bracket, code, modifier] = [report[index] ?? 0, report[index + 1] ?? 0, report[index + 2] ?? 0];
  if (bracket === 0 && code === 0 && modifier === 0) return '';
  if (bracket !== 0x5d || !isAsciiLetter(code) || !(isAsciiLetter(modifier) || isAsciiDigit(modifier))) return undefined;
  return String.fromCharCode(bracket, code, modifier);
}

interface PendingScan {
  readonly aim: string;
  readonly parts: string[];
  length: number;
  reports: number;
  reportBytes: number;
}

/**
 * Joins scanned-data reports into labels: a label ends with the first report
 * whose continued flag is clear.
 *
 * A report refused in the middle of a label discards the whole label, and the
 * reports still to come for it are dropped quietly up to its last one: the
 * tail of a label read as a label of its own could ring up the wrong item,
 * while a dropped label only makes the shopper scan again. Memory is bounded by
 * `maxScanLength`; garbage previews by 64 bytes.
 */
export class HidScannerReportAssembler {
  readonly layout: ResolvedHidScannerReportLayout;
  readonly #lengthIndex: number;
  readonly #dataIndex: number;
  #pending: PendingScan | undefined;
  /** Dropping the remaining reports of a refused label until one without the continued flag. */
  #skipping = false;

  constructor(layout: HidScannerReportLayout = {}) {
    this.layout = resolveHidScannerReportLayout(layout);
    this.#lengthIndex = lengthOffset(this.layout.reportId);
    this.#dataIndex = dataOffset(this.layout.reportId);
  }

  /** A label is part-way (the service arms its stale timer). */
  get hasPendingReports(): boolean {
    return this.#pending !== undefined || this.#skipping;
  }

  push(report: Uint8Array): HidScannerOutput[] {
    const outputs: HidScannerOutput[] = [];
    const { reportId } = this.layout;
    if (reportId !== null && report.length > 0 && report[0] !== reportId) {
      // Another report of the device, not part of the label stream: a label in progress carries on.
      outputs.push(garbage('unexpectedReportId', report.length, report));
      return outputs;
    }
    const flagIndex = this.layout.continuedFlagIndex === 'last' ? report.length - 1 : this.layout.continuedFlagIndex;
    if (report.length <= flagIndex || flagIndex < this.#dataIndex) {
      // The flag cannot be read: if a label was in progress, its rest may still come.
      this.#refuse(outputs, 'tooShort', report, this.#pending !== undefined);
      return outputs;
    }
    const continued = ((report[flagIndex] ?? 0) & continuedBit) !== 0;
    if (this.#skipping) {
      if (!continued) this.#skipping = false;
      return outputs;
    }
    const length = report[this.#lengthIndex] ?? 0;
    if (this.#dataIndex + length > flagIndex) {
      this.#refuse(outputs, 'badLength', report, continued);
      return outputs;
    }
    let pending = this.#pending;
    if (!pending) {
      const aim = readAim(report, this.#lengthIndex + 1);
      if (aim === undefined) {
        this.#refuse(outputs, 'badAim', report, continued);
        return outputs;
      }
      pending = { aim, parts: [], length: 0, reports: 0, reportBytes: 0 };
    }
    const data = report.subarray(this.#dataIndex, this.#dataIndex + length);
    if (!data.every(isDataByte)) {
      this.#pending = pending;
      this.#refuse(outputs, 'nonPrintable', report, continued);
      return outputs;
    }
    if (pending.reports + 1 > this.layout.maxReportsPerScan || pending.length + length > this.layout.maxScanLength) {
      this.#pending = pending;
      this.#refuse(outputs, 'overflow', report, continued);
      return outputs;
    }
    pending.parts.push(String.fromCharCode(...data));
    pending.length += length;
    pending.reports++;
    pending.reportBytes += report.length;
    if (continued) {
      this.#pending = pending;
      return outputs;
    }
    this.#pending = undefined;
    outputs.push({ kind: 'scan', aim: pending.aim, data: pending.parts.join('') });
    return outputs;
  }

  /** Called when a label's continuation did not come in time: it is discarded as `stale`. */
  flushStale(): HidScannerOutput[] {
    const pending = this.#pending;
    this.reset();
    return pending ? [garbage('stale', pending.reportBytes, new Uint8Array(0))] : [];
  }

  /** Forgets any partial label (after reconnecting). */
  reset(): void {
    this.#pending = undefined;
    this.#skipping = false;
  }

  #refuse(outputs: HidScannerOutput[], reason: HidScannerGarbageReason, report: Uint8Array, moreToCome: boolean): void {
    const discarded = (this.#pending?.reportBytes ?? 0) + report.length;
    this.#pending = undefined;
    this.#skipping = moreToCome;
    outputs.push(garbage(reason, discarded, report));
  }
}

function garbage(reason: HidScannerGarbageReason, byteCount: number, report: Uint8Array): HidScannerOutput {
  return { kind: 'garbage', reason, byteCount, preview: report.slice(0, previewLength) };
}

/** Runs reports through a fresh assembler and flushes what is left as `stale`. Pure; never throws. */
export function decodeHidScannerReports(reports: Iterable<Uint8Array>, layout: HidScannerReportLayout = {}): HidScannerOutput[] {
  const assembler = new HidScannerReportAssembler(layout);
  const outputs: HidScannerOutput[] = [];
  for (const report of reports) outputs.push(...assembler.push(report));
  outputs.push(...assembler.flushStale());
  return outputs;
}

/**
 * Fuzz entry point: arbitrary bytes cut into `reportSize`-byte reports (the last
 * may be shorter) and fed through the default layout. Never throws for any input;
 * memory stays bounded by the assembler's limits.
 */
export function fuzzHidScannerReports(bytes: Uint8Array, reportSize = 64): HidScannerOutput[] {
  const size = Number.isInteger(reportSize) && reportSize > 0 ? reportSize : 64;
  const reports: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) reports.push(bytes.subarray(start, start + size));
  return decodeHidScannerReports(reports);
}

export interface HidScanEncodingOptions {
  readonly layout?: HidScannerReportLayout;
  /** Bytes per report as node-hid delivers it, report id included. Default 64 (full-speed interrupt endpoint). */
  readonly reportSize?: number;
}

/**
 * The reports a HID POS scanner sends for one label (used by the simulator):
 * the AIM id repeated in each, the data split over as many reports as needed,
 * the continued flag set on all but the last. With the flag as the last byte,
 * the two bytes before it stay zero (vendor symbology id and reserved, as in
 * the Access-IS layout), so 64-byte reports carry 56 data bytes each. Invalid
 * input is a bug in the caller and throws.
 */
export function encodeHidScanReports(aim: string, data: string, options: HidScanEncodingOptions = {}): Uint8Array[] {
  const layout = resolveHidScannerReportLayout(options.layout);
  const reportSize = options.reportSize ?? 64;
  const lengthIndex = lengthOffset(layout.reportId);
  const dataIndex = dataOffset(layout.reportId);
  const flagIndex = layout.continuedFlagIndex === 'last' ? reportSize - 1 : layout.continuedFlagIndex;
  // The length byte caps a report's data at 255 bytes whatever the report size.
  const capacity = Math.min(0xff, layout.continuedFlagIndex === 'last' ? flagIndex - dataIndex - 2 : flagIndex - dataIndex);
  if (!Number.isInteger(reportSize) || reportSize > 4096 || reportSize <= flagIndex || capacity < 1) {
    throw new RangeError(`HID scanner reportSize ${reportSize} leaves no room for data with this layout`);
  }
  if (aim !== '' && !/^\][A-Za-z][0-9A-Za-z]$/.test(aim)) throw new RangeError(`AIM identifier must look like ]Xn or be empty, got ${JSON.stringify(aim)}`);
  const codes = Array.from({ length: data.length }, (_, i) => data.charCodeAt(i));
  if (!codes.every(isDataByte)) throw new RangeError(`scan data must be printable ASCII or GS: ${JSON.stringify(data)}`);
  const bytes = Uint8Array.from(codes);
  const reports: Uint8Array[] = [];
  let start = 0;
  do {
    const chunk = bytes.subarray(start, start + capacity);
    start += chunk.length;
    const report = new Uint8Array(reportSize);
    if (layout.reportId !== null) report[0] = layout.reportId;
    report[lengthIndex] = chunk.length;
    for (let i = 0; i < aim.length; i++) report[lengthIndex + 1 + i] = aim.charCodeAt(i);
    report.set(chunk, dataIndex);
    report[flagIndex] = start < bytes.length ? continuedBit : 0;
    reports.push(report);
  } while (start < bytes.length);
  return reports;
}
