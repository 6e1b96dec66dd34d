import { describe, expect, it } from 'vitest';
import { gtinCheckDigit, isValidGtin, toGtin14 } from '../../../shared/barcode';
import { priceCheckDigit } from '../../../shared/barcode/checkDigit';

describe('gtinCheckDigit', () => {
  it('matches the GS1 check digit calculator example (629104150021 → 3)', () => {
    expect(gtinCheckDigit('629104150021')).toBe(3);
  });

  it.each([
    ['400638133393', 1], // EAN-13 4006381333931
    ['03600029145', 2], // UPC-A 036000291452
    ['9638507', 4], // EAN-8 96385074
    ['0950600013435', 2], // GTIN-14 09506000134352 (GS1 example GTIN)
    ['00000000000', 0],
  ])('%s → %i', (digits, check) => {
    expect(gtinCheckDigit(digits)).toBe(check);
  });

  it('throws on empty or non-digit input', () => {
    expect(() => gtinCheckDigit('')).toThrow(RangeError);
    expect(() => gtinCheckDigit('12a4')).toThrow(RangeError);
  });
});

describe('isValidGtin', () => {
  it.each(['6291041500213', '4006381333931', '036000291452', '96385074', '09506000134352', '00012345000065'])('accepts %s', (gtin) => {
    expect(isValidGtin(gtin)).toBe(true);
  });

  it.each([
    ['4006381333932', 'wrong check digit'],
    ['400638133393', 'GTIN-13 with a digit missing (valid length 12, wrong check)'],
    ['40063813339311', '14 digits with wrong check'],
    ['1234567', 'not a GTIN length'],
    ['40063813339a1', 'a letter'],
    ['', 'empty'],
  ])('refuses %s (%s)', (gtin) => {
    expect(isValidGtin(gtin)).toBe(false);
  });
});

describe('toGtin14', () => {
  it('left-pads every GTIN length to 14 digits', () => {
    expect(toGtin14('96385074')).toBe('00000096385074');
    expect(toGtin14('036000291452')).toBe('00036000291452');
    expect(toGtin14('4006381333931')).toBe('04006381333931');
    expect(toGtin14('09506000134352')).toBe('09506000134352');
  });

  it('throws for lengths that are not a GTIN and for non-digits', () => {
    expect(() => toGtin14('123456789')).toThrow(RangeError);
    expect(() => toGtin14('4006381333g31')).toThrow(RangeError);
  });
});

describe('priceCheckDigit (GS1 General Specifications §7.9.3–§7.9.4)', () => {
  it('four-digit field: the §7.9.3 worked example 2875 → 9', () => {
    expect(priceCheckDigit('2875')).toBe(9);
  });

  it('five-digit field: the §7.9.4 worked example 14685 → 6', () => {
    // 5+(1)=5, 2−(4)=8, 5−(6)=7, 5+(8)=4, 2−(5)=9 → 33; 40 − 33 = 7; the digit whose 5− product is 7 is 6.
    expect(priceCheckDigit('14685')).toBe(6);
  });

  it('five-digit field: the examples printed by GS1 Germany for SAN-4 labels', () => {
    expect(priceCheckDigit('00239')).toBe(4); // 23 3071 4 002,39 6
    expect(priceCheckDigit('00012')).toBe(9); // 26 3071 9 00012 1
    expect(priceCheckDigit('06870')).toBe(1); // 29 3071 1 06,870 0
  });

  it('an all-zero field has check digit 0 (so lookup keys zero it)', () => {
    expect(priceCheckDigit('0000')).toBe(0);
    expect(priceCheckDigit('00000')).toBe(0);
  });

  it('throws for other lengths', () => {
    expect(() => priceCheckDigit('123')).toThrow(RangeError);
    expect(() => priceCheckDigit('123456')).toThrow(RangeError);
  });
});
