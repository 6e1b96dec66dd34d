import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBarcode } from '../../../shared/barcode';
import { classifyStoreCode, storeCodeData, type StoreCode } from '../../../shared/barcode/storeCodes';

describe('store codes', () => {
  it('reads LW: Code 128 data with or without ]C0; badge and coupon values keep the whole data', () => {
    expect(classifyStoreCode('LW:A:1001-7F3K')).toEqual({ kind: 'assistantBadge', value: 'LW:A:1001-7F3K' });
    expect(classifyStoreCode(']C0LW:A:1001-7F3K')).toEqual({ kind: 'assistantBadge', value: 'LW:A:1001-7F3K' });
    expect(classifyStoreCode(']C0LW:C:SPRING-10')).toEqual({ kind: 'coupon', value: 'LW:C:SPRING-10' });
    expect(classifyStoreCode('LW:L:000123456')).toEqual({ kind: 'loyaltyCard', value: '000123456' });
    expect(classifyStoreCode(']C0LW:S:L01-20250314-0042')).toEqual({ kind: 'suspendedSale', value: 'L01-20250314-0042' });
  });

  it('reads 99-prefixed EAN-13 coupons bare, under ]E0 or as Code 128 digits', () => {
    // 99 + 10 digits + check digit 9 (mod 10 over 991234567890).
    for (const raw of ['9912345678909', ']E09912345678909', ']C09912345678909']) {
      expect(classifyStoreCode(raw)).toEqual({ kind: 'coupon', value: '9912345678909' });
    }
    // A misread check digit is left to the product decoder, which says what is wrong.
    expect(classifyStoreCode('9912345678907')).toBeUndefined();
    expect(decodeBarcode('9912345678907', { currency: 'EUR' })).toMatchObject({ ok: false, error: { reason: 'checkDigit' } });
  });

  it('leaves product barcodes and anything malformed to the product decoder', () => {
    for (const raw of [
      '4006381333931', // EAN-13 product
      ']E04006381333931',
      ']C1LW:A:1001-7F3K', // GS1-128 is never a store code
      ']C2LW:A:1001-7F3K',
      ']Q1LW:A:1001-7F3K', // a QR code: store codes are Code 128
      ']E0LW:A:1001-7F3K',
      '991234567890', // 12 digits
      '99123456789090',
      'LW:X:1',
      'LW:A:',
      'lw:a:1001',
      'LW:L:has space',
      'LW:L:tab\there',
      'LW:L:Bērziņa', // not ASCII
      `LW:L:${'x'.repeat(41)}`,
      `LW:A:${'x'.repeat(36)}`, // the whole badge data is the value: at most 40
      'LW:L:1\r',
      '',
      ']C0',
    ]) {
      expect(classifyStoreCode(raw), JSON.stringify(raw)).toBeUndefined();
    }
    expect(classifyStoreCode(`LW:L:${'x'.repeat(40)}`)?.value).toHaveLength(40);
    expect(classifyStoreCode(`LW:A:${'x'.repeat(35)}`)?.value).toHaveLength(40);
  });

  it('prints what scans back as the same code', () => {
    expect(storeCodeData({ kind: 'suspendedSale', value: 'L01-0042' })).toBe('LW:S:L01-0042');
    expect(storeCodeData({ kind: 'loyaltyCard', value: '000123456' })).toBe('LW:L:000123456');
    expect(storeCodeData({ kind: 'assistantBadge', value: 'LW:A:1001-7F3K' })).toBe('LW:A:1001-7F3K');
    expect(storeCodeData({ kind: 'coupon', value: 'LW:C:SPRING-10' })).toBe('LW:C:SPRING-10');
    expect(storeCodeData({ kind: 'coupon', value: '9912345678909' })).toBe('9912345678909');

    const printable = fc.stringMatching(/^[\x21-\x7e]{1,35}$/);
    const codes: fc.Arbitrary<StoreCode> = fc.oneof(
      printable.map((value) => ({ kind: 'loyaltyCard' as const, value })),
      printable.map((value) => ({ kind: 'suspendedSale' as const, value })),
      printable.map((value) => ({ kind: 'assistantBadge' as const, value: `LW:A:${value}` })),
      printable.map((value) => ({ kind: 'coupon' as const, value: `LW:C:${value}` })),
    );
    fc.assert(
      fc.property(codes, (code) => {
        expect(classifyStoreCode(storeCodeData(code))).toEqual(code);
        expect(classifyStoreCode(`]C0${storeCodeData(code)}`)).toEqual(code);
      }),
    );
  });

  it('refuses to print a value that would not scan back, without quoting it', () => {
    expect(() => storeCodeData({ kind: 'loyaltyCard', value: 'has space' })).toThrow(/^not a printable loyaltyCard code$/);
    expect(() => storeCodeData({ kind: 'assistantBadge', value: '1001-7F3K' })).toThrow(RangeError);
    expect(() => storeCodeData({ kind: 'coupon', value: 'SPRING-10' })).toThrow(RangeError);
    expect(() => storeCodeData({ kind: 'suspendedSale', value: '' })).toThrow(RangeError);
  });
});
