import { describe, expect, it } from 'vitest';
import { currencyExponent, formatMoney, minorToDecimalString, priceForWeight } from '../../shared/money';

describe('money', () => {
  it('knows minor-unit digits per currency', () => {
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('BHD')).toBe(3);
  });

  it('turns minor units into exact decimal strings', () => {
    expect(minorToDecimalString(0, 'EUR')).toBe('0.00');
    expect(minorToDecimalString(5, 'EUR')).toBe('0.05');
    expect(minorToDecimalString(-1234, 'EUR')).toBe('-12.34');
    expect(minorToDecimalString(900719925474099, 'EUR')).toBe('9007199254740.99');
    expect(minorToDecimalString(150, 'JPY')).toBe('150');
  });

  it('formats with Intl in the shopper’s locale', () => {
    expect(formatMoney(123456, 'EUR', 'en-GB')).toBe('€1,234.56');
    expect(formatMoney(123456, 'EUR', 'ru-RU').replace(/\s/g, ' ')).toBe('1 234,56 €');
    // Latvian groups only from five digits (CLDR minimumGroupingDigits = 2).
    expect(formatMoney(123456, 'EUR', 'lv-LV').replace(/\s/g, ' ')).toBe('1234,56 €');
    expect(formatMoney(12345678, 'EUR', 'lv-LV').replace(/\s/g, ' ')).toBe('123 456,78 €');
  });

  it('refuses non-integer amounts', () => {
    expect(() => formatMoney(1.5, 'EUR', 'en-GB')).toThrow(RangeError);
  });

  it('prices weights half up', () => {
    expect(priceForWeight(1000, 139)).toBe(139);
    expect(priceForWeight(355, 1290)).toBe(458);
    expect(priceForWeight(5, 100)).toBe(1); // 0.5 cent → 1
    expect(priceForWeight(4, 100)).toBe(0);
  });
});
