import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeHidScannerReports,
  defaultHidScannerReportLayout,
  encodeHidScanReports,
  fuzzHidScannerReports,
  HidScannerReportAssembler,
  hidScanText,
  resolveHidScannerReportLayout,
  type HidScannerOutput,
} from '../../../devices/hid/scannerCodec';
import { decodeBarcode } from '../../../shared/barcode';
import { ean13Report, fromHex, gs1128Report, gs1128Text, qrFirstReport, qrSecondReport, qrText } from './fixtures/reports';

/** A 64-byte scanned-data report built by hand: id 2, length, AIM, data, flag in the last byte. */
function report(data: string, options: { aim?: string; continued?: boolean; length?: number; size?: number; id?: number } = {}): Uint8Array {
  const size = options.size ?? 64;
  const bytes = new Uint8Array(size);
  bytes[0] = options.id ?? 0x02;
  bytes[1] = options.length ?? data.length;
  const aim = options.aim ?? ']E0';
  for (let i = 0; i < aim.length; i++) bytes[2 + i] = aim.charCodeAt(i);
  for (let i = 0; i < data.length; i++) bytes[5 + i] = data.charCodeAt(i);
  bytes[size - 1] = options.continued ? 1 : 0;
  return bytes;
}

/** One label cut into reports at the given data offsets (every piece but the last has the continued flag). */
function splitReports(aim: string, data: string, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts)].filter((cut) => cut > 0 && cut < data.length).sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const point of [...points, data.length]) {
    pieces.push(data.slice(start, point));
    start = point;
  }
  return pieces.map((piece, index) => report(piece, { aim, continued: index < pieces.length - 1 }));
}

function texts(outputs: readonly HidScannerOutput[]): string[] {
  return outputs.flatMap((output) => (output.kind === 'scan' ? [hidScanText(output)] : []));
}

function reasons(outputs: readonly HidScannerOutput[]): string[] {
  return outputs.flatMap((output) => (output.kind === 'garbage' ? [output.reason] : []));
}

describe('HidScannerReportAssembler: recorded-layout fixtures', () => {
  it('reads a one-report EAN-13 with its AIM id, ignoring the vendor symbology byte and padding', () => {
    const assembler = new HidScannerReportAssembler();
    expect(assembler.push(fromHex(ean13Report))).toEqual([{ kind: 'scan', aim: ']E0', data: '4006381333931' }]);
    expect(assembler.hasPendingReports).toBe(false);
  });

  it('produces the text decodeBarcode expects (AIM id + data)', () => {
    const [scan] = new HidScannerReportAssembler().push(fromHex(ean13Report));
    if (scan?.kind !== 'scan') throw new Error('expected a scan');
    const decoded = decodeBarcode(hidScanText(scan), { currency: 'EUR' });
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(decoded.value).toMatchObject({ symbology: 'ean-13', aim: ']E0', gtin: '04006381333931' });
  });

  it('concatenates a label over two reports until the continued flag is clear', () => {
    const assembler = new HidScannerReportAssembler();
    expect(assembler.push(fromHex(qrFirstReport))).toEqual([]);
    expect(assembler.hasPendingReports).toBe(true);
    expect(texts(assembler.push(fromHex(qrSecondReport)))).toEqual([qrText]);
    expect(assembler.hasPendingReports).toBe(false);
  });

  it('keeps GS (FNC1) in GS1-128 data', () => {
    expect(texts(new HidScannerReportAssembler().push(fromHex(gs1128Report)))).toEqual([gs1128Text]);
  });
});

describe('HidScannerReportAssembler: constructed reports', () => {
  it('gives the same label wherever it is split across reports, including empty continuation reports', () => {
    const data = '0104006381333931\x1d3103000750\x1d10LOT42';
    for (let cut = 0; cut <= data.length; cut++) {
      const reports = splitReports(']C1', data, [cut]);
      expect(texts(decodeHidScannerReports(reports)), `split at ${cut}`).toEqual([`]C1${data}`]);
    }
    const everyByte = splitReports(']C1', data, Array.from({ length: data.length }, (_, i) => i));
    expect(everyByte).toHaveLength(data.length);
    // 36 reports: more than the default 16 a label may span.
    expect(reasons(decodeHidScannerReports(everyByte))).toEqual(['overflow']);
    expect(texts(decodeHidScannerReports(everyByte, { maxReportsPerScan: 64 }))).toEqual([`]C1${data}`]);
    // A scanner may send a report with no data and the flag still set.
    const withEmpty = [report('0104006381', { aim: ']C1', continued: true }), report('', { aim: ']C1', continued: true }), report('333931', { aim: ']C1' })];
    expect(texts(decodeHidScannerReports(withEmpty))).toEqual([']C10104006381333931']);
  });

  it('takes the AIM id from the first report of a label', () => {
    const reports = [report('4006', { aim: ']E0', continued: true }), report('381333931', { aim: '\0\0\0' })];
    expect(decodeHidScannerReports(reports)).toEqual([{ kind: 'scan', aim: ']E0', data: '4006381333931' }]);
  });

  it('accepts all-zero symbology bytes as "no AIM id" (AIM ids switched off on the scanner)', () => {
    expect(decodeHidScannerReports([report('4006381333931', { aim: '\0\0\0' })])).toEqual([{ kind: 'scan', aim: '', data: '4006381333931' }]);
  });

  it('delivers consecutive labels separately', () => {
    const reports = [report('4006381333931'), ...splitReports(']E4', '96385074', [3]), report('12345670', { aim: ']E4' })];
    expect(texts(decodeHidScannerReports(reports))).toEqual([']E04006381333931', ']E496385074', ']E412345670']);
  });

  it('reports a too-short report, and a length byte pointing past the data area', () => {
    const assembler = new HidScannerReportAssembler();
    expect(reasons(assembler.push(new Uint8Array([0x02, 0x01, 0x5d, 0x45])))).toEqual(['tooShort']);
    expect(reasons(assembler.push(new Uint8Array(0)))).toEqual(['tooShort']);
    // 64-byte report: data area is bytes 5–62, so at most 58 data bytes.
    expect(reasons(assembler.push(report('', { length: 59 })))).toEqual(['badLength']);
    expect(reasons(assembler.push(report('', { length: 255 })))).toEqual(['badLength']);
    expect(texts(assembler.push(report('x'.repeat(58))))).toEqual([`]E0${'x'.repeat(58)}`]);
    expect(assembler.hasPendingReports).toBe(false);
  });

  it('reports symbology bytes that are not an AIM id', () => {
    expect(reasons(decodeHidScannerReports([report('123', { aim: 'E0]' })]))).toEqual(['badAim']);
    expect(reasons(decodeHidScannerReports([report('123', { aim: ']\x01\x02' })]))).toEqual(['badAim']);
  });

  it('refuses control bytes other than GS and bytes beyond ASCII', () => {
    expect(reasons(decodeHidScannerReports([report('12\r34')]))).toEqual(['nonPrintable']);
    expect(reasons(decodeHidScannerReports([report('12\x7f')]))).toEqual(['nonPrintable']);
    expect(reasons(decodeHidScannerReports([report('caf\u00e9')]))).toEqual(['nonPrintable']);
  });

  it('ignores reports with another report id without disturbing a label in progress', () => {
    const assembler = new HidScannerReportAssembler();
    expect(assembler.push(report('4006', { continued: true }))).toEqual([]);
    const other = assembler.push(report('status', { id: 0x01 }));
    expect(other).toMatchObject([{ kind: 'garbage', reason: 'unexpectedReportId', byteCount: 64 }]);
    expect(texts(assembler.push(report('381333931')))).toEqual([']E04006381333931']);
  });

  it('drops the rest of a label after a bad report in its middle, so its tail is never read as a label', () => {
    const assembler = new HidScannerReportAssembler();
    expect(assembler.push(report('0104006381', { aim: ']C1', continued: true }))).toEqual([]);
    const refused = assembler.push(report('33\r3931', { aim: ']C1', continued: true }));
    expect(refused).toMatchObject([{ kind: 'garbage', reason: 'nonPrintable', byteCount: 128 }]);
    // The tail of that label: swallowed.
    expect(assembler.push(report('3103000750', { aim: ']C1', continued: true }))).toEqual([]);
    expect(assembler.push(report('123', { aim: ']C1' }))).toEqual([]);
    // The next label reads normally.
    expect(texts(assembler.push(report('4006381333931')))).toEqual([']E04006381333931']);
  });

  it('after a too-short report mid-label, drops reports up to the next end of label', () => {
    const assembler = new HidScannerReportAssembler();
    assembler.push(report('4006', { continued: true }));
    expect(reasons(assembler.push(new Uint8Array([0x02, 0x03])))).toEqual(['tooShort']);
    expect(assembler.push(report('381333931'))).toEqual([]);
    expect(texts(assembler.push(report('96385074', { aim: ']E4' })))).toEqual([']E496385074']);
  });

  it('discards a label with too many continuation reports or too much data (overflow), bounded', () => {
    const assembler = new HidScannerReportAssembler({ maxReportsPerScan: 3 });
    for (let i = 0; i < 3; i++) expect(assembler.push(report('1', { continued: true }))).toEqual([]);
    expect(assembler.push(report('1', { continued: true }))).toMatchObject([{ kind: 'garbage', reason: 'overflow', byteCount: 4 * 64 }]);
    for (let i = 0; i < 100; i++) expect(assembler.push(report('1', { continued: true }))).toEqual([]);
    expect(assembler.push(report('1'))).toEqual([]);
    expect(texts(assembler.push(report('2')))).toEqual([']E02']);

    const long = new HidScannerReportAssembler({ maxScanLength: 100 });
    expect(long.push(report('x'.repeat(58), { continued: true }))).toEqual([]);
    expect(reasons(long.push(report('x'.repeat(43))))).toEqual(['overflow']);
    expect(long.hasPendingReports).toBe(false);
  });

  it('flushStale discards a label whose continuation never came', () => {
    const assembler = new HidScannerReportAssembler();
    assembler.push(report('4006', { continued: true }));
    expect(assembler.flushStale()).toMatchObject([{ kind: 'garbage', reason: 'stale', byteCount: 64 }]);
    expect(assembler.hasPendingReports).toBe(false);
    expect(assembler.flushStale()).toEqual([]);
    expect(texts(assembler.push(report('381333931')))).toEqual([']E0381333931']);
  });
});

describe('HidScannerReportLayout', () => {
  it('defaults to report id 2 with the flag in the last byte', () => {
    expect(resolveHidScannerReportLayout()).toEqual(defaultHidScannerReportLayout);
    expect(defaultHidScannerReportLayout).toMatchObject({ reportId: 0x02, continuedFlagIndex: 'last' });
  });

  it('validates the layout', () => {
    expect(() => resolveHidScannerReportLayout({ reportId: 0 })).toThrow(RangeError);
    expect(() => resolveHidScannerReportLayout({ reportId: 256 })).toThrow(RangeError);
    expect(() => resolveHidScannerReportLayout({ reportId: 1.5 })).toThrow(RangeError);
    expect(() => resolveHidScannerReportLayout({ continuedFlagIndex: 4 })).toThrow(RangeError);
    expect(() => resolveHidScannerReportLayout({ reportId: null, continuedFlagIndex: 3 })).toThrow(RangeError);
    expect(() => resolveHidScannerReportLayout({ maxReportsPerScan: 0 })).toThrow(RangeError);
    expect(() => resolveHidScannerReportLayout({ maxScanLength: -1 })).toThrow(RangeError);
    expect(resolveHidScannerReportLayout({ reportId: null, continuedFlagIndex: 4 })).toMatchObject({ reportId: null, continuedFlagIndex: 4 });
  });

  it('reads another report id and a fixed flag position (flag byte followed by padding)', () => {
    const layout = { reportId: 0x04, continuedFlagIndex: 62 } as const;
    const first = report('4006', { id: 0x04 });
    first[62] = 1;
    const second = report('381333931', { id: 0x04 });
    second[63] = 0xff; // padding after the flag means nothing
    expect(texts(decodeHidScannerReports([first, second], layout))).toEqual([']E04006381333931']);
    expect(reasons(decodeHidScannerReports([report('1')], layout))).toEqual(['unexpectedReportId']);
  });

  it('reads devices without numbered reports (no id byte: WebHID-like offsets)', () => {
    const layout = { reportId: null } as const;
    const bytes = new Uint8Array(63);
    bytes.set([8, 0x5d, 0x45, 0x34, ...Array.from('96385074', (c) => c.charCodeAt(0))]);
    expect(decodeHidScannerReports([bytes], layout)).toEqual([{ kind: 'scan', aim: ']E4', data: '96385074' }]);
  });
});

describe('encodeHidScanReports', () => {
  it('splits long data over 64-byte reports of 56 data bytes with the continued flag on all but the last', () => {
    const data = 'A'.repeat(120);
    const reports = encodeHidScanReports(']Q1', data);
    expect(reports.map((r) => [r.length, r[0], r[1], r[63]])).toEqual([
      [64, 2, 56, 1],
      [64, 2, 56, 1],
      [64, 2, 8, 0],
    ]);
    expect(reports.every((r) => String.fromCharCode(r[2] ?? 0, r[3] ?? 0, r[4] ?? 0) === ']Q1')).toBe(true);
  });

  it('matches the fixtures byte for byte (bar the vendor symbology letter, which it leaves zero)', () => {
    const [encoded] = encodeHidScanReports(']E0', '4006381333931');
    const fixture = fromHex(ean13Report);
    fixture[61] = 0;
    expect(encoded).toEqual(fixture);
  });

  it('encodes an empty label as one report', () => {
    expect(decodeHidScannerReports(encodeHidScanReports(']E0', ''))).toEqual([{ kind: 'scan', aim: ']E0', data: '' }]);
  });

  it('throws on data a scanner cannot send (a bug in the caller)', () => {
    expect(() => encodeHidScanReports(']E0', '12\n3')).toThrow(RangeError);
    expect(() => encodeHidScanReports(']E0', '\u0141')).toThrow(RangeError);
    expect(() => encodeHidScanReports('E0', '123')).toThrow(RangeError);
    expect(() => encodeHidScanReports(']E0', '123', { reportSize: 7 })).toThrow(RangeError);
  });
});

describe('HID scanner codec properties', () => {
  const dataChar = fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.constant(0x1d) },
  );
  const labelData = fc.array(dataChar, { maxLength: 300 }).map((codes) => String.fromCharCode(...codes));
  const aim = fc.constantFrom('', ']E0', ']E4', ']C1', ']Q1', ']d2', ']e0');

  it('arbitrary reports never throw, and the assembler holds at most one label', () => {
    const reportArbitrary = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      // Mostly-valid reports with a random length byte and flag: the interesting cases.
      fc.tuple(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.nat(255), fc.boolean()).map(([bytes, length, continued]) => {
        const copy = bytes.slice();
        copy[0] = 2;
        copy[1] = length;
        copy[63] = continued ? 1 : 0;
        return copy;
      }),
    );
    fc.assert(
      fc.property(fc.array(reportArbitrary, { maxLength: 60 }), (reports) => {
        const assembler = new HidScannerReportAssembler({ maxScanLength: 200 });
        for (const bytes of reports) {
          for (const output of assembler.push(bytes)) {
            if (output.kind === 'scan') expect(output.data.length).toBeLessThanOrEqual(200);
            else expect(output.preview.length).toBeLessThanOrEqual(64);
          }
        }
        assembler.flushStale();
        expect(assembler.hasPendingReports).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('the fuzz entry point never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3_000 }), fc.integer({ min: -5, max: 100 }), (bytes, size) => {
        expect(Array.isArray(fuzzHidScannerReports(bytes, size))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('encode → decode round-trips any label, across report sizes', () => {
    fc.assert(
      fc.property(aim, labelData, fc.integer({ min: 9, max: 128 }), (aimId, data, reportSize) => {
        const reports = encodeHidScanReports(aimId, data, { reportSize });
        const layout = { maxScanLength: 512, maxReportsPerScan: 512 };
        expect(decodeHidScannerReports(reports, layout)).toEqual([{ kind: 'scan', aim: aimId, data }]);
      }),
      { numRuns: 300 },
    );
  });

  it('a sequence of labels split at arbitrary places decodes to the same labels', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(aim.filter((a) => a !== ''), labelData, fc.array(fc.nat(300), { maxLength: 6 })), { maxLength: 8 }), (labels) => {
        const reports = labels.flatMap(([aimId, data, cuts]) => splitReports(aimId, data, cuts));
        const layout = { maxReportsPerScan: 64 };
        expect(texts(decodeHidScannerReports(reports, layout))).toEqual(labels.map(([aimId, data]) => aimId + data));
      }),
      { numRuns: 300 },
    );
  });
});
