import { describe, expect, it } from 'vitest';
import { decodeBarcode, expandUpcE, isValidGtin } from '../../../shared/barcode';

describe('expandUpcE', () => {
  // Published UPC-E ↔ UPC-A pairs, one or more per class of the last data digit N.
  it.each([
    ['03744806', '037000004486', 'N 0: barkick README'],
    ['01259814', '012100005984', 'N 1: eHow "UPC Conversion Rules"'],
    ['04252614', '042100005264', 'N 1'],
    ['01565839', '015600000589', 'N 3: eHow "UPC Conversion Rules"'],
    ['01589845', '015890000085', 'N 4: UPC-A from eHow "UPC Conversion Rules"'],
    ['01234565', '012345000065', 'N 5–9'],
  ])('%s → %s (%s)', (upce, upca) => {
    expect(expandUpcE(upce)).toBe(upca);
    expect(isValidGtin(upca)).toBe(true);
  });

  it('places digits for each N class as the zero-suppression table says', () => {
    expect(expandUpcE('11234520')).toBe('112200003450'); // N 2: S a b N 0000 c d e X
    expect(expandUpcE('01234530')).toBe('012300000450'); // N 3: S a b c 00000 d e X
    expect(expandUpcE('01234540')).toBe('012340000050'); // N 4: S a b c d 00000 e X
    expect(expandUpcE('01234590')).toBe('012345000090'); // N 9: S a b c d e 0000 N X
  });

  it('throws for number systems other than 0 and 1 and for malformed input', () => {
    expect(() => expandUpcE('21234565')).toThrow(RangeError);
    expect(() => expandUpcE('0123456')).toThrow(RangeError);
    expect(() => expandUpcE('0123456a')).toThrow(RangeError);
  });
});

describe('UPC-E scans', () => {
  const options = { currency: 'USD' };

  it('decodes 8-digit UPC-E under ]E0 to the UPC-A GTIN', () => {
    expect(decodeBarcode(']E001234565', options)).toEqual({
      ok: true,
      value: { symbology: 'upc-e', aim: ']E0', gtin: '00012345000065', lookupGtin: '00012345000065' },
    });
  });

  it('verifies the check digit against the expanded UPC-A', () => {
    expect(decodeBarcode(']E001234566', options)).toEqual({
      ok: false,
      error: { reason: 'checkDigit', detail: 'check digit is 6, expected 5', symbology: 'upc-e' },
    });
  });

  it('refuses UPC-E with a number system other than 0 or 1', () => {
    const result = decodeBarcode(']E051234565', options);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ reason: 'unknownSymbology', symbology: 'upc-e' });
  });
});
