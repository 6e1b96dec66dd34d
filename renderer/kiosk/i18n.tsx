import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { createI18n, type TranslateFn } from '../../shared/i18n';
import { localeOf, type Language } from '../../shared/i18n/languages';
import { formatMoney } from '../../shared/money';

/** One i18next instance for the page, with every language bundled; its own language is never changed. */
const i18n = createI18n('en');

const LanguageContext = createContext<Language>('en');

/**
 * Renders `children` in `language`. The language comes from the lane's view, not from local
 * state: a tap on a language button asks the lane, and the screen follows what the lane says.
 */
export function KioskLanguage({ language, children }: { language: Language; children: ReactNode }) {
  return (
    <I18nextProvider i18n={i18n}>
      <LanguageContext.Provider value={language}>{children}</LanguageContext.Provider>
    </I18nextProvider>
  );
}

export interface KioskText {
  readonly t: TranslateFn;
  readonly language: Language;
  readonly locale: string;
  /** Money from integer minor units, in the current language's locale. */
  readonly money: (minor: number, currency: string) => string;
}

export function useKioskText(): KioskText {
  const language = useContext(LanguageContext);
  const { t } = useTranslation(undefined, { lng: language });
  return useMemo(() => {
    const locale = localeOf[language];
    return { t: t as unknown as TranslateFn, language, locale, money: (minor: number, currency: string) => formatMoney(minor, currency, locale) };
  }, [t, language]);
}
