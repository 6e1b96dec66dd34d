import { describe, expect, it } from 'vitest';
import {
  defaultMagellanCommands,
  encodeMagellanCommand,
  encodeMagellanScan,
  encodeMagellanStatus,
  encodeMagellanWeight,
  fuzzMagellanDecoder,
  magellanScanToAim,
  magellanSingleCableProtocol,
  MagellanFrameDecoder,
  parseMagellanFrame,
  resolveMagellanCommands,
  type MagellanMessage,
  type MagellanWeightUnit,
} from '../../../devices/magellan/codec';
import { decodeBarcode, gtinCheckDigit } from '../../../shared/barcode';
import { scaleWeight } from '../../../shared/scale';
import { bytes } from '../support/harness';

const text = (data: Uint8Array): string => String.fromCharCode(...data);

function decodeAll(input: string | Uint8Array, unit: MagellanWeightUnit = 'kg'): MagellanMessage[] {
  const decoder = new MagellanFrameDecoder({ unit });
  return decoder.push(typeof input === 'string' ? bytes(input) : input);
}

function only(input: string, unit: MagellanWeightUnit = 'kg'): MagellanMessage {
  const messages = decodeAll(input, unit);
  expect(messages).toHaveLength(1);
  return messages[0]!;
}

function gtinOf(barcode: string): string | undefined {
  const result = decodeBarcode(barcode, { currency: 'EUR' });
  return result.ok ? result.value.gtin : undefined;
}

/** Messages with garbage bytes shown as text, for readable comparisons. */
function readable(messages: readonly MagellanMessage[]): unknown[] {
  return messages.map((message) => (message.kind === 'garbage' ? { ...message, bytes: text(message.bytes) } : message));
}

describe('Magellan protocol table and commands', () => {
  it('keeps the real line settings: 9600 7O1 with RTS', () => {
    expect(magellanSingleCableProtocol.serial).toEqual({ baudRate: 9600, dataBits: 7, parity: 'odd', stopBits: 1 });
    expect(magellanSingleCableProtocol.rts).toBe('asserted');
  });

  it('encodes every default command with a CR', () => {
    expect(text(encodeMagellanCommand(defaultMagellanCommands.weightRequest))).toBe('S11\r');
    expect(text(encodeMagellanCommand(defaultMagellanCommands.statusRequest))).toBe('S14\r');
    expect(text(encodeMagellanCommand(defaultMagellanCommands.goodReadBeep))).toBe('S334\r');
    expect(defaultMagellanCommands.notOnFileBeep).toEqual(['S334', 'S334', 'S334']);
  });

  it('leaves the undocumented commands unset by default and takes them from configuration', () => {
    expect(defaultMagellanCommands).toMatchObject({ scannerEnable: null, scannerDisable: null, zero: null });
    const commands = resolveMagellanCommands({ scannerEnable: 'S01', scannerDisable: 'S02', zero: 'S12', notOnFileBeep: ['S03'] });
    expect(commands).toMatchObject({ statusRequest: 'S14', scannerEnable: 'S01', scannerDisable: 'S02', zero: 'S12', notOnFileBeep: ['S03'] });
  });

  it('refuses command strings that cannot go on the wire', () => {
    expect(() => resolveMagellanCommands({ zero: 'S1\r2' })).toThrow(RangeError);
    expect(() => resolveMagellanCommands({ statusRequest: '' })).toThrow(RangeError);
    expect(() => resolveMagellanCommands({ notOnFileBeep: ['S334', 'é'] })).toThrow(RangeError);
    expect(() => encodeMagellanCommand('S\x0014')).toThrow(RangeError);
  });

  it('rejects a bad decoder configuration', () => {
    expect(() => new MagellanFrameDecoder({ unit: 'g' as MagellanWeightUnit })).toThrow(RangeError);
    expect(() => new MagellanFrameDecoder({ unit: 'kg', maxFrameLength: 4 })).toThrow(RangeError);
  });
});

describe('Magellan scan frames', () => {
  it('UPC-A (S08A) becomes ]E0 + 0 + 12 digits and decodes to its GTIN', () => {
    const message = only('S08A012345678905\r');
    expect(message).toEqual({ kind: 'scan', symbology: 'upcA', labelId: 'A', data: '012345678905', barcode: ']E00012345678905' });
    expect(gtinOf(']E00012345678905')).toBe('00012345678905');
  });

  it('EAN-13 (S08F) becomes ]E0 + 13 digits', () => {
    expect(only('S08F4006381333931\r')).toMatchObject({ symbology: 'ean13', barcode: ']E04006381333931' });
    expect(gtinOf(']E04006381333931')).toBe('04006381333931');
  });

  it('EAN-8 (S08FF) becomes ]E4, not EAN-13 with an F in its data', () => {
    expect(only('S08FF96385074\r')).toMatchObject({ symbology: 'ean8', labelId: 'FF', barcode: ']E496385074' });
    expect(gtinOf(']E496385074')).toBe('00000096385074');
  });

  it('GS1 DataBar (S08R4) becomes ]e0 + element string', () => {
    expect(only('S08R40100012345678905\r')).toMatchObject({ symbology: 'gs1DataBar', labelId: 'R4', barcode: ']e00100012345678905' });
    expect(gtinOf(']e00100012345678905')).toBe('00012345678905');
  });

  it('Code 39 (S08B1) becomes ]A0 and Code 128 (S08B3) ]C0', () => {
    expect(only('S08B1ABC-123 $\r')).toMatchObject({ symbology: 'code39', barcode: ']A0ABC-123 $' });
    expect(only('S08B3Hello128\r')).toMatchObject({ symbology: 'code128', barcode: ']C0Hello128' });
  });

  it('passes a wrong check digit on: checking it is the barcode decoder’s business', () => {
    expect(only('S08A012345678906\r')).toMatchObject({ kind: 'scan', barcode: ']E00012345678906' });
    const decoded = decodeBarcode(']E00012345678906', { currency: 'EUR' });
    expect(decoded.ok ? 'accepted' : decoded.error.reason).toBe('checkDigit');
  });

  describe('UPC-E (S08E) is expanded to UPC-A by its last data digit N', () => {
    // UPC-E 0 1 2 3 4 5 N X; the expansions written out from the rule in the notes.
    const cases: readonly (readonly [n: number, upcAWithoutCheck: string])[] = [
      [0, '01200000345'],
      [1, '01210000345'],
      [2, '01220000345'],
      [3, '01230000045'],
      [4, '01234000005'],
      [5, '01234500005'],
      [6, '01234500006'],
      [7, '01234500007'],
      [8, '01234500008'],
      [9, '01234500009'],
    ];
    for (const [n, upcA] of cases) {
      it(`N = ${n}`, () => {
        const check = gtinCheckDigit(upcA);
        const upcE = `012345${n}${check}`;
        const message = only(`S08E${upcE}\r`);
        expect(message).toEqual({ kind: 'scan', symbology: 'upcE', labelId: 'E', data: upcE, barcode: `]E00${upcA}${check}` });
        expect(gtinOf(`]E00${upcA}${check}`)).toBe(`00${upcA}${check}`);
      });
    }

    it('number system 1 is kept', () => {
      expect(only('S08E11234565\r')).toMatchObject({ barcode: ']E00112345000065' });
    });

    it('a number system other than 0 or 1 is not a UPC-E', () => {
      expect(only('S08E21234565\r')).toMatchObject({ kind: 'garbage', reason: 'badScanData', source: 'scanner' });
    });
  });

  it('data of the wrong length or with non-digits is badScanData', () => {
    for (const frame of ['S08A01234567890\r', 'S08F400638133393\r', 'S08FF9638507\r', 'S08E0123456\r', 'S08A01234567890X\r', 'S08R4\r', 'S08B1\r']) {
      expect(only(frame), frame).toMatchObject({ kind: 'garbage', reason: 'badScanData', source: 'scanner' });
    }
  });

  it('an unknown label id is unknownLabel', () => {
    expect(only('S08Z12345\r')).toMatchObject({ kind: 'garbage', reason: 'unknownLabel', source: 'scanner' });
    expect(only('S08B2012345\r')).toMatchObject({ kind: 'garbage', reason: 'unknownLabel' });
    expect(only('S08\r')).toMatchObject({ kind: 'garbage', reason: 'unknownLabel' });
  });

  it('magellanScanToAim refuses data that does not fit', () => {
    expect(magellanScanToAim('ean8', '1234567')).toBeUndefined();
    expect(magellanScanToAim('code39', 'A\x01B')).toBeUndefined();
    expect(magellanScanToAim('gs1DataBar', '01\x1d0')).toBe(']e001\x1d0');
  });
});

describe('Magellan scale frames', () => {
  it('S11 in kg: 5 digits of thousandths', () => {
    expect(only('S1101234\r', 'kg')).toEqual({ kind: 'weight', weight: scaleWeight(1234, 3, 'kg') });
    expect(only('S1101234\r', 'kg')).toMatchObject({ weight: { grams: 1234, increments: 1234, decimals: 3, unit: 'kg' } });
  });

  it('S11 in lb: 4 digits of hundredths, converted to grams once', () => {
    expect(only('S110250\r', 'lb')).toMatchObject({ kind: 'weight', weight: { grams: 1134, increments: 250, decimals: 2, unit: 'lb' } });
  });

  it('a weight field of the other unit’s width, or with non-digits, is badWeight', () => {
    expect(only('S110250\r', 'kg')).toMatchObject({ kind: 'garbage', reason: 'badWeight', source: 'scale' });
    expect(only('S1101234\r', 'lb')).toMatchObject({ kind: 'garbage', reason: 'badWeight' });
    expect(only('S110x234\r', 'kg')).toMatchObject({ kind: 'garbage', reason: 'badWeight' });
    expect(only('S11-1234\r', 'kg')).toMatchObject({ kind: 'garbage', reason: 'badWeight' });
    expect(only('S11\r', 'kg')).toMatchObject({ kind: 'garbage', reason: 'badWeight' });
  });

  it('S14 status digits map to readings', () => {
    expect(only('S140\r')).toEqual({ kind: 'status', reading: { kind: 'zeroError' } });
    expect(only('S141\r')).toEqual({ kind: 'status', reading: { kind: 'motion' } });
    expect(only('S142\r')).toEqual({ kind: 'status', reading: { kind: 'overCapacity' } });
    expect(only('S143\r')).toEqual({ kind: 'status', reading: { kind: 'stable', weight: scaleWeight(0, 3, 'kg'), net: false } });
    expect(only('S14401500\r')).toEqual({ kind: 'status', reading: { kind: 'stable', weight: scaleWeight(1500, 3, 'kg'), net: false } });
    expect(only('S145\r')).toEqual({ kind: 'status', reading: { kind: 'underZero' } });
    expect(only('S1440199\r', 'lb')).toEqual({ kind: 'status', reading: { kind: 'stable', weight: scaleWeight(199, 2, 'lb'), net: false } });
    expect(only('S143\r', 'lb')).toMatchObject({ reading: { kind: 'stable', weight: { grams: 0, unit: 'lb', decimals: 2 } } });
  });

  it('unknown digits, trailing data and bad weights in S14 are garbage', () => {
    expect(only('S146\r')).toMatchObject({ kind: 'garbage', reason: 'badStatus', source: 'scale' });
    expect(only('S14\r')).toMatchObject({ kind: 'garbage', reason: 'badStatus' });
    expect(only('S1410\r')).toMatchObject({ kind: 'garbage', reason: 'badStatus' });
    expect(only('S144\r')).toMatchObject({ kind: 'garbage', reason: 'badWeight' });
    expect(only('S1440150\r', 'kg')).toMatchObject({ kind: 'garbage', reason: 'badWeight' });
  });

  it('encodes replies the way it decodes them', () => {
    expect(text(encodeMagellanWeight(1234, 'kg'))).toBe('S1101234\r');
    expect(text(encodeMagellanWeight(250, 'lb'))).toBe('S110250\r');
    expect(text(encodeMagellanStatus({ kind: 'stable', weight: scaleWeight(0, 3, 'kg'), net: false }, 'kg'))).toBe('S143\r');
    expect(text(encodeMagellanStatus({ kind: 'stable', weight: scaleWeight(42, 3, 'kg'), net: false }, 'kg'))).toBe('S14400042\r');
    expect(text(encodeMagellanStatus({ kind: 'motion', weight: scaleWeight(42, 3, 'kg') }, 'kg'))).toBe('S141\r');
    expect(text(encodeMagellanStatus({ kind: 'zeroError' }, 'lb'))).toBe('S140\r');
    expect(() => encodeMagellanWeight(100_000, 'kg')).toThrow(RangeError);
    expect(() => encodeMagellanWeight(-1, 'lb')).toThrow(RangeError);
    expect(() => encodeMagellanStatus({ kind: 'stable', weight: scaleWeight(42, 3, 'kg'), net: false }, 'lb')).toThrow(RangeError);
  });

  it('encodes scan frames and refuses data that does not fit', () => {
    expect(text(encodeMagellanScan('ean8', '96385074'))).toBe('S08FF96385074\r');
    expect(text(encodeMagellanScan('upcE', '01234565'))).toBe('S08E01234565\r');
    expect(() => encodeMagellanScan('upcA', '12345')).toThrow(RangeError);
  });
});

describe('MagellanFrameDecoder framing', () => {
  const stream = 'S08A012345678905\rS14401500\rS141\r\nS08FF96385074\rS1101234\rS08B1CODE S39\r';
  const expected = decodeAll(stream);

  it('decodes a stream of mixed frames; an LF after CR is dropped', () => {
    expect(expected.map((message) => message.kind)).toEqual(['scan', 'status', 'status', 'scan', 'weight', 'scan']);
    expect(expected[5]).toMatchObject({ barcode: ']A0CODE S39' });
  });

  it('gives the same messages however the stream is split in two', () => {
    const all = bytes(stream);
    for (let at = 0; at <= all.length; at++) {
      const decoder = new MagellanFrameDecoder({ unit: 'kg' });
      const messages = [...decoder.push(all.subarray(0, at)), ...decoder.push(all.subarray(at))];
      expect(messages, `split at ${at}`).toEqual(expected);
      expect(decoder.hasPendingBytes).toBe(false);
    }
  });

  it('gives the same messages fed one byte at a time and split in three', () => {
    const all = bytes(stream);
    const decoder = new MagellanFrameDecoder({ unit: 'kg' });
    expect([...all].flatMap((byte) => decoder.push(Uint8Array.of(byte)))).toEqual(expected);
    for (let first = 1; first < all.length; first += 3) {
      for (let second = first; second <= all.length; second += 5) {
        const split = new MagellanFrameDecoder({ unit: 'kg' });
        const messages = [...split.push(all.subarray(0, first)), ...split.push(all.subarray(first, second)), ...split.push(all.subarray(second))];
        expect(messages).toEqual(expected);
      }
    }
  });

  it('drops empty lines silently', () => {
    expect(decodeAll('\r\r\n\rS141\r')).toEqual([{ kind: 'status', reading: { kind: 'motion' } }]);
  });

  it('reports garbage bytes between frames as noise and resynchronises on the next S', () => {
    const messages = decodeAll(new Uint8Array([...bytes('S141\r'), 0x00, 0xff, 0x41, ...bytes('S143\r'), 0x7a, 0x0d, ...bytes('S08FF96385074\r')]));
    expect(readable(messages)).toEqual([
      { kind: 'status', reading: { kind: 'motion' } },
      { kind: 'garbage', reason: 'noise', source: 'unknown', bytes: '\x00\xffA' },
      { kind: 'status', reading: { kind: 'stable', weight: scaleWeight(0, 3, 'kg'), net: false } },
      { kind: 'garbage', reason: 'noise', source: 'unknown', bytes: 'z' },
      expect.objectContaining({ kind: 'scan', barcode: ']E496385074' }),
    ]);
  });

  it('a lone LF between frames is noise, but not the LF of a CR-LF', () => {
    expect(readable(decodeAll('S141\r\n\nS141\r'))).toEqual([
      { kind: 'status', reading: { kind: 'motion' } },
      { kind: 'garbage', reason: 'noise', source: 'unknown', bytes: '\n' },
      { kind: 'status', reading: { kind: 'motion' } },
    ]);
  });

  it('control bytes inside a frame make it nonPrintable; GS is data', () => {
    expect(only('S08B1AB\x07C\r')).toMatchObject({ kind: 'garbage', reason: 'nonPrintable', source: 'scanner' });
    expect(only('S14\x801\r')).toMatchObject({ kind: 'garbage', reason: 'nonPrintable', source: 'scale' });
    expect(only('S08R40100012345678905\x1d10ABC\r')).toMatchObject({ kind: 'scan', barcode: ']e00100012345678905\x1d10ABC' });
  });

  it('an unknown message number is unknownFrame', () => {
    expect(only('S99\r')).toMatchObject({ kind: 'garbage', reason: 'unknownFrame', source: 'unknown' });
    expect(only('S\r')).toMatchObject({ kind: 'garbage', reason: 'unknownFrame' });
    expect(only('S10\r')).toMatchObject({ kind: 'garbage', reason: 'unknownFrame', source: 'scale' });
  });

  it('reports an overlong frame once, skips to its CR and reads the next frame', () => {
    const decoder = new MagellanFrameDecoder({ unit: 'kg', maxFrameLength: 32 });
    const long = `S08B1${'A'.repeat(100)}`;
    const messages = [...decoder.push(bytes(long.slice(0, 50))), ...decoder.push(bytes(`${long.slice(50)}\rS141\r`))];
    expect(messages.map((message) => (message.kind === 'garbage' ? `${message.reason}:${message.bytes.length}` : message.kind))).toEqual(['overflow:33', 'status']);
  });

  it('reports long noise in bounded pieces', () => {
    const decoder = new MagellanFrameDecoder({ unit: 'kg', maxFrameLength: 16 });
    const messages = decoder.push(new Uint8Array(100).fill(0x41));
    expect(messages.map((message) => (message.kind === 'garbage' ? message.bytes.length : -1))).toEqual([16, 16, 16, 16, 16, 16]);
    expect(decoder.flushStale().map((message) => (message.kind === 'garbage' ? `${message.reason}:${message.bytes.length}` : ''))).toEqual(['noise:4']);
  });

  it('a truncated frame is reported stale when flushed, attributed by its start', () => {
    const decoder = new MagellanFrameDecoder({ unit: 'kg' });
    expect(decoder.push(bytes('S1440'))).toEqual([]);
    expect(decoder.hasPendingBytes).toBe(true);
    expect(readable(decoder.flushStale())).toEqual([{ kind: 'garbage', reason: 'stale', source: 'scale', bytes: 'S1440' }]);
    expect(decoder.hasPendingBytes).toBe(false);
    expect(decoder.push(bytes('S141\r'))).toEqual([{ kind: 'status', reading: { kind: 'motion' } }]);
    expect(decoder.flushStale()).toEqual([]);
  });

  it('a frame missing its CR runs into the next and the pair is garbage; the one after is fine', () => {
    expect(readable(decodeAll('S08A0123S08A012345678905\rS141\r'))).toEqual([
      { kind: 'garbage', reason: 'badScanData', source: 'scanner', bytes: 'S08A0123S08A012345678905' },
      { kind: 'status', reading: { kind: 'motion' } },
    ]);
  });

  it('reset() forgets a partial frame', () => {
    const decoder = new MagellanFrameDecoder({ unit: 'kg' });
    decoder.push(bytes('S08A0123'));
    decoder.reset();
    expect(decoder.push(bytes('S141\r'))).toEqual([{ kind: 'status', reading: { kind: 'motion' } }]);
  });

  it('parseMagellanFrame works on one frame without its CR', () => {
    expect(parseMagellanFrame(bytes('S145'), 'lb')).toEqual({ kind: 'status', reading: { kind: 'underZero' } });
  });

  it('fuzzMagellanDecoder decodes and flushes whatever it is given', () => {
    expect(fuzzMagellanDecoder(new Uint8Array())).toEqual([]);
    // First byte 'S' (0x53): odd → lb, chunk size ((0x53 >> 1) & 15) + 1 = 10.
    expect(fuzzMagellanDecoder(bytes('S1440250\rS08A0123')).map((message) => message.kind)).toEqual(['status', 'garbage']);
  });
});
