import { describe, expect, it } from 'vitest';
import type { Notice } from '../../../shared/checkout/machine';
import type { DeviceFault, DeviceRole } from '../../../shared/devices';
import { barcodeReasonKey, barcodeRejectionReasons, catalogs, createI18n, createTranslator, deviceProblemKeys, formatVatRate, formatWeight, paymentFailureKey } from '../../../shared/i18n';
import { languages, localeOf, type Language } from '../../../shared/i18n/languages';
import type { DeclineReason } from '../../../shared/payment';

const pluralSuffix = /_(zero|one|two|few|many|other)$/;

/** base key → { form → text }; a message without plural forms has the single form ''. */
function messages(language: Language): Map<string, Map<string, string>> {
  const result = new Map<string, Map<string, string>>();
  for (const [key, text] of Object.entries(catalogs[language] as Record<string, string>)) {
    const match = pluralSuffix.exec(key);
    const base = match ? key.slice(0, match.index) : key;
    const forms = result.get(base) ?? new Map<string, string>();
    forms.set(match?.[1] ?? '', text);
    result.set(base, forms);
  }
  return result;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1]).sort();
const english = messages('en');
const otherLanguages = languages.filter((l) => l !== 'en');

describe('catalogues', () => {
  it('every language has exactly the English messages', () => {
    for (const language of otherLanguages) {
      expect([...messages(language).keys()].sort(), language).toEqual([...english.keys()].sort());
    }
  });

  it("plural messages have exactly the language's Intl.PluralRules categories", () => {
    for (const language of languages) {
      const categories = [...new Intl.PluralRules(localeOf[language]).resolvedOptions().pluralCategories].sort();
      for (const [key, forms] of messages(language)) {
        const isPlural = [...(english.get(key)?.keys() ?? [])].some((form) => form !== '');
        if (isPlural) expect([...forms.keys()].sort(), `${language} ${key}`).toEqual(categories);
        else expect([...forms.keys()], `${language} ${key}`).toEqual(['']);
      }
    }
  });

  it('has no empty or padded texts', () => {
    for (const language of languages) {
      for (const [key, text] of Object.entries(catalogs[language] as Record<string, string>)) {
        expect(text.trim(), `${language} ${key}`).not.toBe('');
        expect(text, `${language} ${key}`).toBe(text.trim());
      }
    }
  });

  it('uses the same placeholders in every language and plural form', () => {
    for (const language of otherLanguages) {
      for (const [key, forms] of messages(language)) {
        const englishForms = [...english.get(key)!.values()];
        const expected = [...new Set(englishForms.flatMap(placeholders))].sort();
        for (const [form, text] of forms) expect(placeholders(text), `${language} ${key} ${form}`).toEqual(expected);
      }
    }
  });

  it('is actually translated (Cyrillic for Russian and Bulgarian, not copied English for Latvian)', () => {
    const wordsOf = (text: string) => text.replace(/\{\{[^}]*\}\}/g, '').replace(/[^\p{L}]+/gu, ' ').trim();
    for (const language of ['ru', 'bg'] as const) {
      for (const [key, text] of Object.entries(catalogs[language] as Record<string, string>)) {
        const words = wordsOf(text).replace(/\bQR\b/g, '');
        if (/\p{L}/u.test(words)) expect(words, `${language} ${key}`).toMatch(/\p{Script=Cyrillic}/u);
      }
    }
    const sameAsEnglish = Object.entries(catalogs.lv as Record<string, string>).filter(([key, text]) => /\p{L}{3,}/u.test(wordsOf(text)) && text === (catalogs.en as Record<string, string>)[key]);
    expect(sameAsEnglish).toEqual([]);
  });

  it('has a message for every barcode rejection reason, notice, device problem and payment failure', () => {
    const keys = new Set(Object.keys(catalogs.en));
    for (const reason of barcodeRejectionReasons) expect(keys.has(`barcode.reason.${reason}`), reason).toBe(true);
    const notices: Notice['kind'][] = ['unknownItem', 'rejectedBarcode', 'needsWeighing', 'finishPaymentFirst', 'paymentCancelled'];
    for (const kind of notices) expect(keys.has(`notice.${kind}.title`), kind).toBe(true);
    const faults: DeviceFault[] = ['paperEnd', 'coverOpen', 'printerOffline', 'cutterError', 'unrecoverableError', 'notResponding'];
    for (const fault of faults) expect(deviceProblemKeys({ kind: 'fault', faults: [fault] })).toEqual([`device.fault.${fault}`]);
    const roles: DeviceRole[] = ['scanner', 'printer', 'paymentTerminal'];
    for (const role of roles) expect(keys.has(`device.banner.${role}`) && keys.has(`device.role.${role}`), role).toBe(true);
    const declines: DeclineReason[] = ['insufficientFunds', 'cardDeclined', 'cardExpired', 'pinIncorrect', 'other'];
    for (const reason of declines) expect(keys.has(paymentFailureKey({ kind: 'declined', reference: 'r', reason })), reason).toBe(true);
  });
});

describe('createTranslator', () => {
  it('translates and interpolates without HTML escaping', () => {
    expect(createTranslator('lv').t('app.lane', { laneId: '<3>' })).toBe('Kase <3>');
    expect(createTranslator('bg').t('welcome.scanToStart')).toBe('Сканирайте продукт, за да започнете');
    expect(createTranslator('ru').locale).toBe('ru-RU');
  });

  it('chooses Russian, Latvian, Bulgarian and English plural forms', () => {
    const count = (language: Language, n: number) => createTranslator(language).t('basket.itemCount', { count: n });
    expect([1, 2, 5, 11, 21, 22, 25].map((n) => count('ru', n))).toEqual(['1 товар', '2 товара', '5 товаров', '11 товаров', '21 товар', '22 товара', '25 товаров']);
    expect([0, 1, 2, 10, 11, 21].map((n) => count('lv', n))).toEqual(['0 preču', '1 prece', '2 preces', '10 preču', '11 preču', '21 prece']);
    expect([1, 2, 5].map((n) => count('bg', n))).toEqual(['1 артикул', '2 артикула', '5 артикула']);
    expect([0, 1, 2].map((n) => count('en', n))).toEqual(['0 items', '1 item', '2 items']);
  });

  it('falls back to English for a language it does not have', () => {
    const i18n = createI18n('ru');
    expect(i18n.t('welcome.start')).toBe('Начать');
    expect(i18n.t('welcome.start', { lng: 'de' })).toBe('Start');
  });

  it('maps reasons and failures to message keys', () => {
    expect(barcodeReasonKey('checkDigit')).toBe('barcode.reason.checkDigit');
    expect(barcodeReasonKey('somethingNew')).toBe('barcode.rejected');
    expect(paymentFailureKey({ kind: 'timedOut', reference: 'r' })).toBe('payment.failure.timedOut');
    expect(paymentFailureKey({ kind: 'unavailable', reference: 'r', detail: 'x' })).toBe('payment.failure.unavailable');
    expect(deviceProblemKeys({ kind: 'ready', warnings: [] })).toEqual([]);
    expect(deviceProblemKeys({ kind: 'lost', reason: 'unplugged' })).toEqual(['device.status.lost']);
  });

  it('formats weights and VAT rates in the language', () => {
    const spaces = (s: string) => s.replace(/\s/gu, ' ');
    expect(formatWeight(512, 'en')).toBe('0.512 kg');
    expect(spaces(formatWeight(1250, 'ru'))).toBe('1,250 кг');
    expect(formatWeight(5, 'lv')).toBe('0,005 kg');
    expect(formatVatRate(2100, 'en')).toBe('21%');
    expect(spaces(formatVatRate(950, 'ru'))).toBe('9,5 %');
  });
});
