import i18next, { type i18n as I18n, type Resource } from 'i18next';
import type { BarcodeRejectionReason } from '../barcode/types';
import type { DeviceFault, DeviceRole, DeviceStatus } from '../devices';
import type { DeclineReason, PaymentFailure } from '../payment';
import { languages, localeOf, type Language } from './languages';
import { bg } from './locales/bg';
import { en, type Catalog, type MessageArgs, type MessageKey } from './locales/en';
import { lv } from './locales/lv';
import { ru } from './locales/ru';

export type { Catalog, MessageArgs, MessageKey, MessagePlaceholder, MessageVars, PluralCategoriesOf, PluralKey, SimpleKey } from './locales/en';

/** Every catalogue, by language. Each is checked against English by its `Catalog<L>` type. */
export const catalogs: { readonly [L in Language]: Catalog<L> } = { en, ru, lv, bg };

/** The catalogues as i18next resources (one `translation` namespace per language). */
export const resources: Resource = Object.fromEntries(languages.map((language) => [language, { translation: { ...catalogs[language] } }]));

/** `t(key, vars)`: type-checked keys, and placeholders required exactly when the message has them. */
export type TranslateFn = <K extends MessageKey>(key: K, ...args: MessageArgs<K>) => string;

export interface Translator {
  readonly language: Language;
  /** The BCP 47 locale for Intl formatting in this language. */
  readonly locale: string;
  readonly t: TranslateFn;
}

/**
 * A new, initialised i18next instance with every catalogue bundled (no loading, so it is
 * ready when this returns), English as the fallback, and plural forms chosen by
 * `Intl.PluralRules` of each language (i18next's `_one`/`_few`/`_many`/`_zero`/`_other` keys).
 * Keys are flat (`keySeparator: false`); nothing is HTML-escaped, because React escapes
 * what it renders and a receipt is plain text.
 */
export function createI18n(language: Language = 'en'): I18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...languages],
    load: 'languageOnly',
    initAsync: false,
    keySeparator: false,
    nsSeparator: false,
    returnNull: false,
    returnEmptyString: false,
    interpolation: { escapeValue: false },
  });
  return instance;
}

let sharedInstance: I18n | undefined;

/**
 * A translator fixed to one language. Cheap: all translators share one i18next instance,
 * whose current language is never changed.
 */
export function createTranslator(language: Language): Translator {
  sharedInstance ??= createI18n('en');
  const fixed = sharedInstance.getFixedT(language);
  return { language, locale: localeOf[language], t: fixed as unknown as TranslateFn };
}

/** Every barcode rejection reason, each with a `barcode.reason.<reason>` message. */
export const barcodeRejectionReasons = [
  'empty',
  'invalidCharacters',
  'wrongLength',
  'checkDigit',
  'priceCheckDigit',
  'unknownSymbology',
  'unsupportedSymbology',
  'addOnOnly',
  'malformedElementString',
  'unknownApplicationIdentifier',
  'missingGtin',
  'malformedDigitalLink',
  'unsupportedPrecision',
] as const satisfies readonly BarcodeRejectionReason[];
type _AllReasonsListed = [BarcodeRejectionReason] extends [(typeof barcodeRejectionReasons)[number]] ? true : never;
const _reasonsCheck: _AllReasonsListed = true;
void _reasonsCheck;

/** The shopper message for a rejected scan; a reason this build does not know gets a general message. */
export function barcodeReasonKey(reason: string): 'barcode.rejected' | `barcode.reason.${BarcodeRejectionReason}` {
  return (barcodeRejectionReasons as readonly string[]).includes(reason) ? (`barcode.reason.${reason as BarcodeRejectionReason}` as const) : 'barcode.rejected';
}

/** The shopper message for a failed card payment. */
export function paymentFailureKey(failure: PaymentFailure): `payment.failure.${'timedOut' | 'unavailable' | `declined.${DeclineReason}`}` {
  switch (failure.kind) {
    case 'declined':
      return `payment.failure.declined.${failure.reason}`;
    case 'timedOut':
      return 'payment.failure.timedOut';
    case 'unavailable':
      return 'payment.failure.unavailable';
  }
}

/** Short descriptions of what is wrong with a device (empty when it is ready). */
export function deviceProblemKeys(status: DeviceStatus): (`device.fault.${DeviceFault}` | `device.status.${'closed' | 'connecting' | 'lost'}`)[] {
  switch (status.kind) {
    case 'ready':
      return [];
    case 'fault':
      return status.faults.length > 0 ? status.faults.map((fault: DeviceFault) => `device.fault.${fault}` as const) : ['device.fault.unrecoverableError'];
    case 'closed':
    case 'connecting':
    case 'lost':
      return [`device.status.${status.kind}`];
  }
}

export function deviceRoleKey(role: DeviceRole): `device.role.${DeviceRole}` {
  return `device.role.${role}`;
}

const weightFormats = new Map<string, Intl.NumberFormat>();

/** A weight in kilograms with gram precision, in the language's locale: "0.512 kg", "0,512 кг". */
export function formatWeight(grams: number, language: Language): string {
  const locale = localeOf[language];
  let format = weightFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilogram', unitDisplay: 'short', minimumFractionDigits: 3, maximumFractionDigits: 3 });
    weightFormats.set(locale, format);
  }
  // Grams to kilograms through a decimal string: exact, no float division.
  const sign = grams < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(grams))).padStart(4, '0');
  return format.format(`${sign}${digits.slice(0, -3)}.${digits.slice(-3)}` as `${number}`);
}

/** A VAT rate given in basis points (2100) as a percentage in the language's locale: "21%", "21 %". */
export function formatVatRate(rateBp: number, language: Language): string {
  return new Intl.NumberFormat(localeOf[language], { style: 'percent', maximumFractionDigits: 2 }).format(`${rateBp / 10_000}` as `${number}`);
}
