import { describe, expect, it } from 'vitest';
import { chargeStatus, maskPan, validatePaymentRequest, validateReference, type PaymentOutcome } from '../../../devices/payment/adapter';

describe('validatePaymentRequest', () => {
  it('accepts a positive integer amount of minor units', () => {
    const result = validatePaymentRequest({ reference: 'lane-03-e1-000042-P1', amountMinor: 1250, currency: 'EUR' });
    expect(result).toEqual({ ok: true, value: { reference: 'lane-03-e1-000042-P1', amountMinor: 1250, currency: 'EUR' } });
  });

  it.each([
    ['a float', 12.5],
    ['zero', 0],
    ['a negative amount', -100],
    ['an unsafe integer', Number.MAX_SAFE_INTEGER + 1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('rejects %s', (_, amountMinor) => {
    expect(validatePaymentRequest({ reference: 'R1', amountMinor, currency: 'EUR' }).ok).toBe(false);
  });

  it('rejects amounts that are not numbers at all', () => {
    expect(validatePaymentRequest({ reference: 'R1', amountMinor: '100' as unknown as number, currency: 'EUR' }).ok).toBe(false);
  });

  it.each(['eur', 'EURO', '', '€'])('rejects currency %j', (currency) => {
    expect(validatePaymentRequest({ reference: 'R1', amountMinor: 100, currency }).ok).toBe(false);
  });

  it.each(['', 'with space', 'tab\there', 'ümlaut', 'x'.repeat(129)])('rejects reference %j', (reference) => {
    expect(validateReference(reference).ok).toBe(false);
    expect(validatePaymentRequest({ reference, amountMinor: 100, currency: 'EUR' }).ok).toBe(false);
  });
});

describe('chargeStatus', () => {
  const reference = 'R1';
  it.each<[PaymentOutcome, string]>([
    [{ kind: 'approved', reference, amountMinor: 100, currency: 'EUR', authCode: 'ABC123', maskedPan: '**** **** **** 4242' }, 'charged'],
    [{ kind: 'declined', reference, reason: 'cardDeclined' }, 'notCharged'],
    [{ kind: 'cancelled', reference, by: 'shopper' }, 'notCharged'],
    [{ kind: 'unavailable', reference, detail: 'offline' }, 'notCharged'],
    [{ kind: 'timedOut', reference }, 'unknown'],
  ])('%o is %s', (outcome, expected) => {
    expect(chargeStatus(outcome)).toBe(expected);
  });
});

describe('maskPan', () => {
  it('keeps only the last four digits of a full card number', () => {
    expect(maskPan('4242424242424242')).toBe('**** **** **** 4242');
    expect(maskPan('4242 4242 4242 4242')).toBe('**** **** **** 4242');
  });

  it('normalises already masked numbers, including first-six-last-four ones', () => {
    expect(maskPan('424242******1234')).toBe('**** **** **** 1234');
    expect(maskPan('**** 0005')).toBe('**** **** **** 0005');
  });

  it('pads when fewer than four digits are known', () => {
    expect(maskPan('****')).toBe('**** **** **** ****');
  });
});
