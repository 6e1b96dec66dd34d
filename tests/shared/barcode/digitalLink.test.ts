import { describe, expect, it } from 'vitest';
import { decodeBarcode } from '../../../shared/barcode';

const EUR = { currency: 'EUR' };
const GTIN = '09506000134352';

function dl(value: Record<string, unknown> = {}): unknown {
  return { ok: true, value: { symbology: 'gs1-digital-link', gtin: GTIN, lookupGtin: GTIN, ...value } };
}

function rejected(reason: string, symbology?: string): unknown {
  return { ok: false, error: expect.objectContaining(symbology === undefined ? { reason } : { reason, symbology }) };
}

describe('GS1 Digital Link URIs', () => {
  it('decodes the GS1 example https://id.gs1.org/01/09506000134352/10/ABC123 without AIM id', () => {
    expect(decodeBarcode('https://id.gs1.org/01/09506000134352/10/ABC123', EUR)).toEqual(dl());
  });

  it('decodes under ]Q1, ]d1, ]Q3 and ]d2', () => {
    for (const aim of [']Q1', ']d1', ']Q3', ']d2']) {
      expect(decodeBarcode(`${aim}https://id.gs1.org/01/09506000134352`, EUR)).toEqual(dl({ aim }));
    }
  });

  it('accepts any domain, http, upper case (QR alphanumeric mode) and a trailing slash', () => {
    expect(decodeBarcode('http://example.com/01/09506000134352', EUR)).toEqual(dl());
    expect(decodeBarcode('HTTPS://ID.GS1.ORG/01/09506000134352', EUR)).toEqual(dl());
    expect(decodeBarcode('https://shop.example.co.uk:8443/01/09506000134352/', EUR)).toEqual(dl());
  });

  it('pads 8-, 12- and 13-digit GTINs to 14', () => {
    expect(decodeBarcode('https://example.com/01/9506000134352', EUR)).toEqual(dl());
    expect(decodeBarcode('https://example.com/01/036000291452', EUR)).toMatchObject({ ok: true, value: { gtin: '00036000291452' } });
    expect(decodeBarcode('https://example.com/01/96385074', EUR)).toMatchObject({ ok: true, value: { gtin: '00000096385074' } });
  });

  it('finds the primary key after custom path segments, even ones named 01', () => {
    expect(decodeBarcode('https://brand.example.com/products/shoes/01/09506000134352/21/12345', EUR)).toEqual(dl());
    expect(decodeBarcode('https://example.com/01/shop/01/09506000134352/10/X', EUR)).toEqual(dl());
  });

  it('ignores key qualifiers 22, 10, 21 in order, the fragment and non-AI query parameters', () => {
    expect(decodeBarcode('https://example.com/01/09506000134352/22/2A/10/ABC%2F1/21/XYZ?linkType=gs1:pip#top', EUR)).toEqual(dl());
  });

  it('reads net weight (310n) and price (392n) from the query', () => {
    expect(decodeBarcode('https://example.com/01/09506000134352?3103=000750', EUR)).toEqual(dl({ weightGrams: 750 }));
    expect(decodeBarcode('https://example.com/01/09506000134352/10/L1?17=261231&3922=1234&3103=000195', EUR)).toEqual(
      dl({ priceMinor: 1234, weightGrams: 195 }),
    );
  });

  it('malformedDigitalLink: qualifiers out of order, bad GTIN length, bad query data, no host', () => {
    expect(decodeBarcode('https://example.com/01/09506000134352/21/XYZ/10/ABC', EUR)).toEqual(rejected('malformedDigitalLink', 'gs1-digital-link'));
    expect(decodeBarcode('https://example.com/01/123456789', EUR)).toEqual({
      ok: false,
      error: { reason: 'malformedDigitalLink', detail: '01 must be followed by an 8-, 12-, 13- or 14-digit GTIN, got "123456789"', symbology: 'gs1-digital-link' },
    });
    expect(decodeBarcode('https://example.com/01', EUR)).toEqual(rejected('malformedDigitalLink'));
    expect(decodeBarcode('https://example.com/01/09506000134352?3103=75', EUR)).toEqual(rejected('malformedDigitalLink'));
    expect(decodeBarcode('https:///01/09506000134352', EUR)).toEqual(rejected('malformedDigitalLink'));
  });

  it('checkDigit and unsupportedPrecision keep their own reasons', () => {
    expect(decodeBarcode('https://id.gs1.org/01/09506000134353', EUR)).toEqual({
      ok: false,
      error: { reason: 'checkDigit', detail: 'GTIN 09506000134353 check digit is 3, expected 2', symbology: 'gs1-digital-link' },
    });
    expect(decodeBarcode('https://example.com/01/09506000134352?3923=12345', EUR)).toEqual(rejected('unsupportedPrecision', 'gs1-digital-link'));
  });

  it('a web address without 01/<GTIN> is not a Digital Link', () => {
    expect(decodeBarcode(']Q1https://example.com/promo', EUR)).toEqual(rejected('unsupportedSymbology'));
    expect(decodeBarcode(']Q3https://example.com/promo', EUR)).toEqual(rejected('unsupportedSymbology'));
    expect(decodeBarcode('https://example.com/promo', EUR)).toEqual(rejected('unknownSymbology'));
  });

  it('QR / Data Matrix text that is not a URI is unsupported', () => {
    expect(decodeBarcode(']Q1WIFI:S:store;T:WPA;;', EUR)).toEqual(rejected('unsupportedSymbology'));
    expect(decodeBarcode(']d1(01)09506000134352', EUR)).toEqual(rejected('unsupportedSymbology'));
  });
});
