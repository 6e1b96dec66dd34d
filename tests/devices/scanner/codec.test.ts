import { describe, expect, it } from 'vitest';
import { encodeScan, ScannerFrameDecoder, type ScannerFrame, type ScannerFraming } from '../../../devices/scanner/codec';
import { bytes } from '../support/harness';

const crlf: ScannerFraming = { prefix: '', suffix: 'CRLF', aimIdentifiers: true };

function scans(frames: readonly ScannerFrame[]): string[] {
  return frames.flatMap((frame) => (frame.kind === 'scan' ? [frame.data] : []));
}

/** Feeds `input` split at the given offsets and returns every frame. */
function feedSplit(decoder: ScannerFrameDecoder, input: Uint8Array, cuts: readonly number[]): ScannerFrame[] {
  const frames: ScannerFrame[] = [];
  let start = 0;
  for (const cut of [...cuts, input.length]) {
    frames.push(...decoder.push(input.subarray(start, cut)));
    start = cut;
  }
  return frames;
}

describe('ScannerFrameDecoder', () => {
  it('decodes a CR-LF frame with its AIM identifier kept for decodeBarcode', () => {
    const decoder = new ScannerFrameDecoder(crlf);
    expect(decoder.push(bytes(']E04006381333931\r\n'))).toEqual([{ kind: 'scan', data: ']E04006381333931' }]);
    expect(decoder.hasPendingBytes).toBe(false);
  });

  it('gives the same frames however the stream is chunked (every single split point, and byte by byte)', () => {
    const framing: ScannerFraming = { prefix: '\x02#', suffix: 'CRLF', aimIdentifiers: true };
    const input = bytes('\x02#]E04006381333931\r\n\x02#]C1\x1d0104012345678901\r\n\x02#]E48711234\r\n');
    const expected = [']E04006381333931', ']C1\x1d0104012345678901', ']E48711234'];
    for (let cut = 0; cut <= input.length; cut++) {
      expect(scans(feedSplit(new ScannerFrameDecoder(framing), input, [cut])), `split at ${cut}`).toEqual(expected);
    }
    const byteByByte = Array.from({ length: input.length }, (_, i) => i);
    expect(scans(feedSplit(new ScannerFrameDecoder(framing), input, byteByByte))).toEqual(expected);
  });

  it('tells the scan as soon as CR arrives and swallows an LF split into the next chunk', () => {
    const decoder = new ScannerFrameDecoder(crlf);
    expect(decoder.push(bytes('12345670\r'))).toEqual([{ kind: 'scan', data: '12345670' }]);
    expect(decoder.hasPendingBytes).toBe(false);
    expect(decoder.push(bytes('\n'))).toEqual([]);
    expect(decoder.push(bytes('96385074\r\n'))).toEqual([{ kind: 'scan', data: '96385074' }]);
  });

  it('CRLF framing tolerates scanners programmed for CR only or LF only', () => {
    const decoder = new ScannerFrameDecoder(crlf);
    expect(scans(decoder.push(bytes('111\r222\r333\n444\n')))).toEqual(['111', '222', '333', '444']);
    // Blank lines produce nothing.
    expect(decoder.push(bytes('\r\n\r\n\n\r'))).toEqual([]);
  });

  it('CR framing drops a stray LF between frames but rejects one inside a frame', () => {
    const decoder = new ScannerFrameDecoder({ prefix: '', suffix: 'CR', aimIdentifiers: false });
    expect(scans(decoder.push(bytes('123\r\n456\r')))).toEqual(['123', '456']);
    const frames = decoder.push(bytes('12\n34\r'));
    expect(frames).toEqual([{ kind: 'garbage', reason: 'nonPrintable', bytes: bytes('12\n34') }]);
  });

  it('LF framing accepts CR-LF, and a CR elsewhere is garbage', () => {
    const decoder = new ScannerFrameDecoder({ prefix: '', suffix: 'LF', aimIdentifiers: false });
    expect(scans(decoder.push(bytes('123\n456\r')))).toEqual(['123']);
    expect(decoder.push(bytes('\n'))).toEqual([{ kind: 'scan', data: '456' }]);
    expect(decoder.push(bytes('7\r8\n'))).toEqual([{ kind: 'garbage', reason: 'nonPrintable', bytes: bytes('7\r8') }]);
  });

  it('strips the prefix, and reports a frame without it as missingPrefix', () => {
    const decoder = new ScannerFrameDecoder({ prefix: 'S08', suffix: 'CR', aimIdentifiers: false });
    expect(decoder.push(bytes('S08A012345678905\r'))).toEqual([{ kind: 'scan', data: 'A012345678905' }]);
    expect(decoder.push(bytes('012345678905\r'))).toEqual([{ kind: 'garbage', reason: 'missingPrefix', bytes: bytes('012345678905') }]);
    expect(decoder.push(bytes('S0\r'))).toEqual([{ kind: 'garbage', reason: 'missingPrefix', bytes: bytes('S0') }]);
    // Prefix with no data: an empty scan, which the lane reports as unreadable.
    expect(decoder.push(bytes('S08\r'))).toEqual([{ kind: 'scan', data: '' }]);
  });

  it('keeps GS (FNC1 in GS1 codes) and rejects other control bytes and non-ASCII', () => {
    const decoder = new ScannerFrameDecoder(crlf);
    expect(decoder.push(bytes(']C1\x1d3103000750\r\n'))).toEqual([{ kind: 'scan', data: ']C1\x1d3103000750' }]);
    expect(decoder.push(Uint8Array.of(0x31, 0x00, 0x32, 0x0d, 0x0a))).toEqual([{ kind: 'garbage', reason: 'nonPrintable', bytes: Uint8Array.of(0x31, 0x00, 0x32) }]);
    expect(decoder.push(Uint8Array.of(0x31, 0xc3, 0xa9, 0x0d))).toEqual([{ kind: 'garbage', reason: 'nonPrintable', bytes: Uint8Array.of(0x31, 0xc3, 0xa9) }]);
    expect(decoder.push(Uint8Array.of(0x7f, 0x0d))[0]).toMatchObject({ kind: 'garbage', reason: 'nonPrintable' });
    // The stream recovers at the next terminator.
    expect(decoder.push(bytes('4006381333931\r\n'))).toEqual([{ kind: 'scan', data: '4006381333931' }]);
  });

  it('reports an overlong frame once, drops its tail, and resynchronises on the next terminator', () => {
    const decoder = new ScannerFrameDecoder({ prefix: '', suffix: 'CRLF', aimIdentifiers: false, maxFrameLength: 8 });
    const frames = decoder.push(bytes('0123456789ABCDEF'));
    expect(frames).toEqual([{ kind: 'garbage', reason: 'overflow', bytes: bytes('012345678') }]);
    expect(decoder.hasPendingBytes).toBe(true);
    expect(decoder.push(bytes('more tail\r\n12345678\r\n'))).toEqual([{ kind: 'scan', data: '12345678' }]);
  });

  it('flushStale discards a frame stuck mid-way and the next frame decodes cleanly', () => {
    const decoder = new ScannerFrameDecoder(crlf);
    expect(decoder.push(bytes(']E0400638'))).toEqual([]);
    expect(decoder.hasPendingBytes).toBe(true);
    expect(decoder.flushStale()).toEqual([{ kind: 'garbage', reason: 'stale', bytes: bytes(']E0400638') }]);
    expect(decoder.hasPendingBytes).toBe(false);
    expect(decoder.flushStale()).toEqual([]);
    expect(decoder.push(bytes(']E04006381333931\r\n'))).toEqual([{ kind: 'scan', data: ']E04006381333931' }]);
  });

  it('flushStale includes a CR held back in LF mode', () => {
    const decoder = new ScannerFrameDecoder({ prefix: '', suffix: 'LF', aimIdentifiers: false });
    decoder.push(bytes('12\r'));
    expect(decoder.flushStale()).toEqual([{ kind: 'garbage', reason: 'stale', bytes: bytes('12\r') }]);
  });

  it('validates the framing configuration', () => {
    expect(() => new ScannerFrameDecoder({ prefix: '\r', suffix: 'CR', aimIdentifiers: false })).toThrow(RangeError);
    expect(() => new ScannerFrameDecoder({ prefix: 'é', suffix: 'CR', aimIdentifiers: false })).toThrow(RangeError);
    expect(() => new ScannerFrameDecoder({ prefix: '', suffix: 'TAB' as 'CR', aimIdentifiers: false })).toThrow(RangeError);
    expect(() => new ScannerFrameDecoder({ prefix: 'ABC', suffix: 'CR', aimIdentifiers: false, maxFrameLength: 3 })).toThrow(RangeError);
    expect(() => new ScannerFrameDecoder({ prefix: '', suffix: 'CR', aimIdentifiers: false, interByteTimeoutMs: 0 })).toThrow(RangeError);
    const decoder = new ScannerFrameDecoder(crlf);
    expect(decoder.framing).toMatchObject({ maxFrameLength: 512, interByteTimeoutMs: 100 });
  });
});

describe('encodeScan', () => {
  it('writes prefix, data and the configured suffix', () => {
    expect(encodeScan(']E04006381333931', crlf)).toEqual(bytes(']E04006381333931\r\n'));
    expect(encodeScan('123', { prefix: '\x02', suffix: 'CR', aimIdentifiers: false })).toEqual(bytes('\x02123\r'));
    expect(encodeScan('123', { prefix: '', suffix: 'LF', aimIdentifiers: false })).toEqual(bytes('123\n'));
  });

  it('round-trips through the decoder for every suffix', () => {
    for (const suffix of ['CR', 'LF', 'CRLF'] as const) {
      const framing: ScannerFraming = { prefix: '>', suffix, aimIdentifiers: true };
      const data = ']C1\x1d0109501101530003';
      expect(new ScannerFrameDecoder(framing).push(encodeScan(data, framing))).toEqual([{ kind: 'scan', data }]);
    }
  });

  it('refuses data a scanner cannot send', () => {
    expect(() => encodeScan('12\r3', crlf)).toThrow(RangeError);
    expect(() => encodeScan('Ж', crlf)).toThrow(RangeError);
  });
});
