import { describe, expect, it } from 'vitest';
import {
  decodeBarcode,
  MAX_SCAN_LENGTH,
  parseScannerText,
  restrictedTemplates,
  type BarcodeRejectionReason,
  type DecodeOptions,
} from '../../../shared/barcode';

const EUR = { currency: 'EUR' };

function gtinResult(symbology: string, gtin: string, aim?: string): unknown {
  return { ok: true, value: aim === undefined ? { symbology, gtin, lookupGtin: gtin } : { symbology, aim, gtin, lookupGtin: gtin } };
}

function rejected(reason: string): unknown {
  return { ok: false, error: expect.objectContaining({ reason }) };
}

describe('bare digits (no AIM id)', () => {
  it('tells GTINs apart by length', () => {
    expect(decodeBarcode('4006381333931', EUR)).toEqual(gtinResult('ean-13', '04006381333931'));
    expect(decodeBarcode('6291041500213', EUR)).toEqual(gtinResult('ean-13', '06291041500213')); // GS1 calculator example
    expect(decodeBarcode('036000291452', EUR)).toEqual(gtinResult('upc-a', '00036000291452'));
    expect(decodeBarcode('96385074', EUR)).toEqual(gtinResult('ean-8', '00000096385074'));
    expect(decodeBarcode('10012345000017', EUR)).toEqual(gtinResult('gtin-14', '10012345000017'));
  });

  it('reports a 13-digit code starting with 0 as UPC-A, as under ]E0', () => {
    expect(decodeBarcode('0036000291452', EUR)).toEqual(gtinResult('upc-a', '00036000291452'));
  });

  it('wrongLength for other digit counts', () => {
    expect(decodeBarcode('12345678901', EUR)).toEqual({
      ok: false,
      error: { reason: 'wrongLength', detail: '11 digits is not a GTIN length (8, 12, 13 or 14)' },
    });
    expect(decodeBarcode('123456789012345', EUR)).toEqual(rejected('wrongLength'));
  });

  it('checkDigit with the digit found and the one expected', () => {
    expect(decodeBarcode('4006381333932', EUR)).toEqual({
      ok: false,
      error: { reason: 'checkDigit', detail: 'check digit is 2, expected 1', symbology: 'ean-13' },
    });
    expect(decodeBarcode('96385075', EUR)).toEqual(rejected('checkDigit'));
    expect(decodeBarcode('036000291453', EUR)).toEqual(rejected('checkDigit'));
  });

  it('unknownSymbology for text that is no GTIN, element string or Digital Link', () => {
    expect(decodeBarcode('HELLO-123', EUR)).toEqual(rejected('unknownSymbology'));
    expect(decodeBarcode('4006381333931A', EUR)).toEqual(rejected('unknownSymbology'));
  });
});

describe('EAN/UPC AIM ids', () => {
  it(']E0: EAN-13, UPC-A (13 or 12 digits) and UPC-E (8 digits)', () => {
    expect(decodeBarcode(']E04006381333931', EUR)).toEqual(gtinResult('ean-13', '04006381333931', ']E0'));
    expect(decodeBarcode(']E00036000291452', EUR)).toEqual(gtinResult('upc-a', '00036000291452', ']E0'));
    expect(decodeBarcode(']E0036000291452', EUR)).toEqual(gtinResult('upc-a', '00036000291452', ']E0'));
    expect(decodeBarcode(']E001234565', EUR)).toEqual(gtinResult('upc-e', '00012345000065', ']E0'));
  });

  it(']E0: other lengths and non-digits', () => {
    expect(decodeBarcode(']E01234567890', EUR)).toEqual(rejected('wrongLength'));
    expect(decodeBarcode(']E0400638133393X', EUR)).toEqual({
      ok: false,
      error: { reason: 'invalidCharacters', detail: "]E0 data must be digits, found 'X' at position 15" },
    });
  });

  it(']E3: the main symbol of EAN-13/UPC-A with a 2- or 5-digit add-on; the add-on is ignored', () => {
    expect(decodeBarcode(']E3400638133393112', EUR)).toEqual(gtinResult('ean-13', '04006381333931', ']E3'));
    expect(decodeBarcode(']E3400638133393112345', EUR)).toEqual(gtinResult('ean-13', '04006381333931', ']E3'));
    expect(decodeBarcode(']E303600029145212', EUR)).toEqual(gtinResult('upc-a', '00036000291452', ']E3'));
    expect(decodeBarcode(']E3400638133393212', EUR)).toEqual(rejected('checkDigit'));
    expect(decodeBarcode(']E34006381333931', EUR)).toEqual(rejected('wrongLength'));
  });

  it(']E4: EAN-8', () => {
    expect(decodeBarcode(']E496385074', EUR)).toEqual(gtinResult('ean-8', '00000096385074', ']E4'));
    expect(decodeBarcode(']E44006381333931', EUR)).toEqual(rejected('wrongLength'));
  });

  it(']E1 / ]E2: an add-on read alone', () => {
    expect(decodeBarcode(']E112', EUR)).toEqual({ ok: false, error: { reason: 'addOnOnly', detail: ']E1 is a 2-digit EAN/UPC add-on read without its main symbol' } });
    expect(decodeBarcode(']E212345', EUR)).toEqual(rejected('addOnOnly'));
  });
});

describe('other AIM ids', () => {
  it.each([']A0CODE39', ']I012345678', ']F0A1234B', ']G0ABC', ']L0PDF417TEXT', ']C0PLAIN128', ']X0data', ']z0aztec'])('%s is unsupported', (raw) => {
    expect(decodeBarcode(raw, EUR)).toEqual(rejected('unsupportedSymbology'));
  });

  it('names the symbology in the detail', () => {
    expect(decodeBarcode(']I012345678', EUR)).toEqual({
      ok: false,
      error: { reason: 'unsupportedSymbology', detail: ']I0 (Interleaved 2 of 5 (ITF)) is not a symbology the lane accepts' },
    });
  });

  it('a malformed AIM id is an unknown symbology', () => {
    expect(decodeBarcode(']', EUR)).toEqual(rejected('unknownSymbology'));
    expect(decodeBarcode(']E', EUR)).toEqual(rejected('unknownSymbology'));
    expect(decodeBarcode(']1E4006381333931', EUR)).toEqual(rejected('unknownSymbology'));
    expect(decodeBarcode(']E-4006381333931', EUR)).toEqual(rejected('unknownSymbology'));
  });

  it('an AIM id with no data is empty', () => {
    expect(decodeBarcode(']E0', EUR)).toEqual({ ok: false, error: { reason: 'empty', detail: 'the scan holds only the AIM identifier ]E0' } });
    expect(decodeBarcode(']C1', EUR)).toEqual(rejected('empty'));
  });
});

describe('garbage and limits', () => {
  it('empty', () => {
    expect(decodeBarcode('', EUR)).toEqual({ ok: false, error: { reason: 'empty', detail: 'the scan holds no data' } });
  });

  it('invalidCharacters for control characters and non-ASCII bytes, naming the first', () => {
    expect(decodeBarcode('4006381333931\r', EUR)).toEqual({
      ok: false,
      error: { reason: 'invalidCharacters', detail: 'U+000D at position 13 is a control character or non-ASCII byte, not barcode data' },
    });
    expect(decodeBarcode('\u0000\u0000\u0000', EUR)).toEqual(rejected('invalidCharacters'));
    expect(decodeBarcode('40063\u00e981333931', EUR)).toEqual(rejected('invalidCharacters'));
    expect(decodeBarcode('\ufffd\ufffd', EUR)).toEqual(rejected('invalidCharacters'));
    expect(decodeBarcode(']E0400638133393\u007f', EUR)).toEqual(rejected('invalidCharacters'));
  });

  it(`refuses more than ${MAX_SCAN_LENGTH} characters before looking at them`, () => {
    expect(decodeBarcode('4'.repeat(MAX_SCAN_LENGTH + 1), EUR)).toEqual({
      ok: false,
      error: { reason: 'wrongLength', detail: 'the scan holds 513 characters, more than the 512 any accepted barcode carries' },
    });
    expect(decodeBarcode('\u0000'.repeat(100_000), EUR)).toEqual(rejected('wrongLength'));
    expect(decodeBarcode('A'.repeat(MAX_SCAN_LENGTH), EUR)).toEqual(rejected('unknownSymbology'));
  });
});

describe('parseScannerText', () => {
  it('turns \\x1d and <GS> (any case) into the GS character', () => {
    expect(parseScannerText(']C1\\x1d0109506000134352')).toBe(']C1\u001d0109506000134352');
    expect(parseScannerText('10ABC<GS>21XYZ<gs>30\\X1D')).toBe('10ABC\u001d21XYZ\u001d30\u001d');
  });

  it('leaves other text alone', () => {
    expect(parseScannerText('4006381333931')).toBe('4006381333931');
    expect(parseScannerText('\\x1e <G S> x1d')).toBe('\\x1e <G S> x1d');
  });

  it('feeds decodeBarcode', () => {
    expect(decodeBarcode(parseScannerText(']C110ABC\\x1d0109506000134352<GS>3103000750'), EUR)).toMatchObject({
      ok: true,
      value: { gtin: '09506000134352', weightGrams: 750 },
    });
  });
});

describe('every rejection reason', () => {
  // A Record over the union: adding a reason to types.ts fails type-checking until it has an example here.
  const examples: Record<BarcodeRejectionReason, readonly [raw: string, options: DecodeOptions]> = {
    empty: ['', EUR],
    invalidCharacters: ['4006381333931\n', EUR],
    wrongLength: ['12345', EUR],
    checkDigit: ['4006381333932', EUR],
    priceCheckDigit: ['2330715002395', { currency: 'EUR', restrictedTemplate: restrictedTemplates.germany }],
    unknownSymbology: [']', EUR],
    unsupportedSymbology: [']A0ABC', EUR],
    addOnOnly: [']E212345', EUR],
    malformedElementString: [']C1010950600013435', EUR],
    unknownApplicationIdentifier: [']C1010950600013435223123', EUR],
    missingGtin: [']C110ABC', EUR],
    malformedDigitalLink: ['https://id.gs1.org/01/123', EUR],
    unsupportedPrecision: [']C1010950600013435239231', EUR],
  };

  it.each(Object.entries(examples))('%s', (reason, [raw, options]) => {
    const result = decodeBarcode(raw, options);
    expect(result).toEqual(rejected(reason));
    if (!result.ok) expect(result.error.detail).toMatch(/^\S.*\S$/);
  });
});
