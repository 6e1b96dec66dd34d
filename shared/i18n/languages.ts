/** Languages a shopper can pick at the lane. English is the fallback for any missing text. */
export const languages = ['en', 'ru', 'lv', 'bg'] as const;
export type Language = (typeof languages)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/** BCP 47 locale used for Intl number/date formatting in each language. */
export const localeOf: Record<Language, string> = {
  en: 'en-GB',
  ru: 'ru-RU',
  lv: 'lv-LV',
  bg: 'bg-BG',
};

/** Each language's own name, as shown on the language buttons. */
export const endonyms: Record<Language, string> = {
  en: 'English',
  ru: 'Русский',
  lv: 'Latviešu',
  bg: 'Български',
};

/** Text in several languages; English is always present. */
export type LocalizedText = { readonly en: string } & { readonly [L in Exclude<Language, 'en'>]?: string };

export function localized(text: LocalizedText, language: Language): string {
  return text[language] ?? text.en;
}
