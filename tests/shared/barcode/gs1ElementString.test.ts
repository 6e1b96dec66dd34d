import { describe, expect, it } from 'vitest';
import { decodeBarcode, parseScannerText, type BarcodeDecodeResult } from '../../../shared/barcode';

const EUR = { currency: 'EUR' };
const GTIN = '09506000134352'; // GS1's example GTIN
const GS = '\u001d';

function decode(scannerText: string, options = EUR): BarcodeDecodeResult {
  return decodeBarcode(parseScannerText(scannerText), options);
}

function rejected(reason: string, symbology = 'gs1-128'): unknown {
  return { ok: false, error: expect.objectContaining({ reason, symbology }) };
}

describe('GS1-128 (]C1)', () => {
  it('decodes the GS1 General Specifications example (01)09506000134352(3103)000750', () => {
    expect(decode(']C101095060001343523103000750')).toEqual({
      ok: true,
      value: { symbology: 'gs1-128', aim: ']C1', gtin: GTIN, lookupGtin: GTIN, weightGrams: 750 },
    });
  });

  it('skips a leading GS (FNC1 in first position)', () => {
    expect(decode(`]C1${GS}01${GTIN}3103000750`)).toMatchObject({ ok: true, value: { gtin: GTIN, weightGrams: 750 } });
  });

  it('ends a variable-length field at the end of data without a GS', () => {
    expect(decode(`]C101${GTIN}10ABC123`)).toEqual({ ok: true, value: { symbology: 'gs1-128', aim: ']C1', gtin: GTIN, lookupGtin: GTIN } });
    expect(decode(`]C101${GTIN}3922599`)).toMatchObject({ ok: true, value: { priceMinor: 599 } });
  });

  it('ends a variable-length field at GS and reads on', () => {
    expect(decode(`]C110ABC123<GS>01${GTIN}`)).toMatchObject({ ok: true, value: { gtin: GTIN } });
    expect(decode(`]C101${GTIN}39221234<GS>10LOT7<GS>3103000750`)).toMatchObject({ ok: true, value: { priceMinor: 1234, weightGrams: 750 } });
  });

  it('accepts a redundant GS right after a fixed-length field, and one trailing GS', () => {
    expect(decode(`]C101${GTIN}<GS>3103000750<GS>`)).toMatchObject({ ok: true, value: { gtin: GTIN, weightGrams: 750 } });
    expect(decode(`]C101${GTIN}10ABC<GS>`)).toMatchObject({ ok: true, value: { gtin: GTIN } });
  });

  it('reads dates, counts, serials, GLNs and other AIs real labels carry', () => {
    const label = [
      `]C1<GS>01${GTIN}`,
      '11250101', // production date
      '15251231', // best before
      '17260131', // expiry
      '10LOT42<GS>', // batch
      '21SN-42<GS>', // serial
      '3012<GS>', // variable count
      '3702<GS>', // count
      '240ADD<GS>', // additional id
      '4109501101530003', // ship-to GLN
      '422752<GS>', // country of origin
      '91internal', // company internal
    ].join('');
    expect(decode(label)).toEqual({ ok: true, value: { symbology: 'gs1-128', aim: ']C1', gtin: GTIN, lookupGtin: GTIN } });
  });

  it('accepts the same GTIN twice but not two different GTINs', () => {
    expect(decode(`]C101${GTIN}01${GTIN}`)).toMatchObject({ ok: true, value: { gtin: GTIN } });
    expect(decode(`]C101${GTIN}0104006381333931`)).toEqual(rejected('malformedElementString'));
  });
});

describe('net weight AI 310n', () => {
  it.each([
    ['3100000002', 2000],
    ['3101000125', 12500],
    ['3102000125', 1250],
    ['3103000750', 750],
    ['3104000124', 12], // 12.4 g
    ['3104000125', 13], // 12.5 g rounds half up
    ['3105001250', 13], // 12.50 g
    ['3105001249', 12], // 12.49 g
  ])('%s → %i g', (element, grams) => {
    expect(decode(`]C101${GTIN}${element}`)).toMatchObject({ ok: true, value: { weightGrams: grams } });
  });

  it('refuses 3106–3109 (not defined) and a second net weight', () => {
    expect(decode(`]C101${GTIN}3106000750`)).toEqual(rejected('unknownApplicationIdentifier'));
    expect(decode(`]C101${GTIN}31030007503102000100`)).toEqual(rejected('malformedElementString'));
  });
});

describe('price AI 392n', () => {
  it('reads the price in minor units of the shop currency', () => {
    expect(decode(`]C101${GTIN}39201234`)).toMatchObject({ ok: true, value: { priceMinor: 123400 } });
    expect(decode(`]C101${GTIN}3921125`)).toMatchObject({ ok: true, value: { priceMinor: 1250 } });
    expect(decode(`]C101${GTIN}39221234`)).toMatchObject({ ok: true, value: { priceMinor: 1234 } });
    expect(decode(`]C101${GTIN}39201500`, { currency: 'JPY' })).toMatchObject({ ok: true, value: { priceMinor: 1500 } });
    expect(decode(`]C101${GTIN}39231234`, { currency: 'BHD' })).toMatchObject({ ok: true, value: { priceMinor: 1234 } });
  });

  it('accepts more decimals than the currency has only when the extra digits are zero', () => {
    expect(decode(`]C101${GTIN}392312340`)).toMatchObject({ ok: true, value: { priceMinor: 1234 } });
    expect(decode(`]C101${GTIN}3922150000`, { currency: 'JPY' })).toMatchObject({ ok: true, value: { priceMinor: 1500 } });
    expect(decode(`]C101${GTIN}392312345`)).toEqual({
      ok: false,
      error: { reason: 'unsupportedPrecision', detail: 'AI (3923) price 12345 has 3 decimals, more than EUR minor units allow (2)', symbology: 'gs1-128' },
    });
    expect(decode(`]C101${GTIN}3922150050`, { currency: 'JPY' })).toEqual(rejected('unsupportedPrecision'));
  });

  it('refuses prices too large for exact arithmetic and fields longer than 15 digits', () => {
    expect(decode(`]C101${GTIN}3920${'9'.repeat(15)}`)).toEqual(rejected('malformedElementString'));
    expect(decode(`]C101${GTIN}3922${'1'.repeat(16)}`)).toEqual(rejected('malformedElementString'));
  });
});

describe('human-readable notation', () => {
  it('accepts parentheses with or without AIM id', () => {
    const expected = { symbology: 'gs1-128', gtin: GTIN, lookupGtin: GTIN, weightGrams: 750 };
    expect(decode(`(01)${GTIN}(3103)000750`)).toEqual({ ok: true, value: expected });
    expect(decode(`]C1(01)${GTIN}(3103)000750`)).toEqual({ ok: true, value: { ...expected, aim: ']C1' } });
    expect(decode(`(10)ABC123(01)${GTIN}(3922)1234`)).toMatchObject({ ok: true, value: { gtin: GTIN, priceMinor: 1234 } });
  });

  it('refuses wrong lengths, unknown and mis-sized AIs, and stray text', () => {
    expect(decode(`(01)${GTIN.slice(1)}`)).toEqual(rejected('malformedElementString'));
    expect(decode(`(01)${GTIN}(3106)000750`)).toEqual(rejected('unknownApplicationIdentifier'));
    expect(decode(`(01)${GTIN}(0101)000750`)).toEqual(rejected('unknownApplicationIdentifier'));
    expect(decode(`(01)${GTIN}(23)1`)).toEqual(rejected('unknownApplicationIdentifier'));
    expect(decode(`(01${GTIN}`)).toEqual(rejected('malformedElementString'));
    expect(decode(`(01)${GTIN}(10)`)).toEqual(rejected('malformedElementString'));
    expect(decode(`(1)${GTIN}`)).toEqual(rejected('malformedElementString'));
  });
});

describe('other GS1 carriers', () => {
  it(']e0 GS1 DataBar', () => {
    expect(decode(`]e001${GTIN}3103000750`)).toEqual({
      ok: true,
      value: { symbology: 'gs1-databar', aim: ']e0', gtin: GTIN, lookupGtin: GTIN, weightGrams: 750 },
    });
  });

  it(']d2 GS1 DataMatrix and ]Q3 GS1 QR Code carrying element strings', () => {
    expect(decode(`]d201${GTIN}17251231<GS>10ABC123`)).toEqual({ ok: true, value: { symbology: 'gs1-datamatrix', aim: ']d2', gtin: GTIN, lookupGtin: GTIN } });
    expect(decode(`]Q3${GS}01${GTIN}3922250`)).toEqual({ ok: true, value: { symbology: 'gs1-qr', aim: ']Q3', gtin: GTIN, lookupGtin: GTIN, priceMinor: 250 } });
    expect(decode(`]d2(01)${GTIN}`)).toMatchObject({ ok: true, value: { symbology: 'gs1-datamatrix' } });
  });

  it(']d2 / ]Q3 text that is neither an element string nor a Digital Link is unsupported', () => {
    expect(decode(']d2HELLO')).toEqual({ ok: false, error: expect.objectContaining({ reason: 'unsupportedSymbology' }) });
    expect(decode(']Q3hello')).toEqual({ ok: false, error: expect.objectContaining({ reason: 'unsupportedSymbology' }) });
  });

  it('element strings sent without AIM id: 01 + 14 digits and more', () => {
    expect(decode(`01${GTIN}`)).toEqual({ ok: true, value: { symbology: 'gs1-128', gtin: GTIN, lookupGtin: GTIN } });
    expect(decode(`01${GTIN}3103000750`)).toMatchObject({ ok: true, value: { weightGrams: 750 } });
    expect(decode(`<GS>01${GTIN}10ABC`)).toMatchObject({ ok: true, value: { symbology: 'gs1-128', gtin: GTIN } });
  });
});

describe('element string rejections', () => {
  it('missingGtin: no AI (01)', () => {
    expect(decode(']C110ABC123')).toEqual({
      ok: false,
      error: { reason: 'missingGtin', detail: 'the element string has no GTIN (AI 01)', symbology: 'gs1-128' },
    });
    expect(decode(`]C102${GTIN}3703`)).toEqual(rejected('missingGtin'));
  });

  it('checkDigit: a GTIN, SSCC or GLN with a wrong check digit', () => {
    expect(decode(']C10109506000134353')).toEqual({
      ok: false,
      error: { reason: 'checkDigit', detail: 'AI (01) GTIN check digit is 3, expected 2', symbology: 'gs1-128' },
    });
    expect(decode(`]C101${GTIN}4109501101530004`)).toEqual(rejected('checkDigit'));
  });

  it('unknownApplicationIdentifier: 2-, 3- and 4-digit AIs this lane does not know', () => {
    expect(decode(`]C101${GTIN}23123`)).toEqual(rejected('unknownApplicationIdentifier'));
    expect(decode(`]C101${GTIN}253123`)).toEqual(rejected('unknownApplicationIdentifier'));
    expect(decode(`]C101${GTIN}7003123`)).toEqual(rejected('unknownApplicationIdentifier'));
    expect(decode(`]C101${GTIN}3170123456`)).toEqual(rejected('unknownApplicationIdentifier'));
  });

  it('malformedElementString: truncated fixed fields, bad characters, empty or overlong fields', () => {
    expect(decode(']C1019506000134352')).toEqual({
      ok: false,
      error: { reason: 'malformedElementString', detail: 'AI (01) GTIN needs 14 characters, only 13 remain', symbology: 'gs1-128' },
    });
    expect(decode(']C101095060001343A2')).toEqual(rejected('malformedElementString')); // letter in N field
    expect(decode(`]C101${GTIN}17${'2512'}`)).toEqual(rejected('malformedElementString')); // date cut short
    expect(decode(`]C101${GTIN}10AB#C`)).toEqual(rejected('malformedElementString')); // '#' is not in character set 82
    expect(decode(`]C101${GTIN}10${'A'.repeat(21)}`)).toEqual(rejected('malformedElementString')); // lot is X..20
    expect(decode(`]C101${GTIN}10<GS><GS>21X`)).toEqual(rejected('malformedElementString')); // empty lot
    expect(decode(`]C101${GTIN}<GS><GS>10A`)).toEqual(rejected('malformedElementString')); // double GS
    expect(decode(`]C1${GS}`)).toEqual(rejected('malformedElementString')); // FNC1 and nothing else
    expect(decode(']C1AB')).toEqual(rejected('malformedElementString'));
    expect(decode(`]C101${GTIN}310`)).toEqual(rejected('malformedElementString')); // AI 310n without n
    expect(decode(`]C101${GTIN}421AB1234`)).toEqual(rejected('malformedElementString')); // 421 starts with a numeric country code
    expect(decode(`]C101${GTIN}4215281234AB`)).toMatchObject({ ok: true });
  });
});
