import type { Language } from '../../../shared/i18n/languages';
import { Button, LanguageSwitcher, type Send } from '../components';
import { ScanIcon } from '../icons';
import { useKioskText } from '../i18n';

/** `idle`: invites the next shopper. Scanning an item starts a sale too; Start is for those who look for a button. */
export function WelcomeScreen({ language, send }: { language: Language; send: Send }) {
  const { t } = useKioskText();
  return (
    <div className="welcome">
      <h1 className="welcome__title">{t('welcome.title')}</h1>
      <ScanIcon className="welcome__icon" />
      <p className="welcome__scan">{t('welcome.scanToStart')}</p>
      <div className="welcome__start">
        <Button testId="start" variant="primary" size="huge" onPress={() => send({ type: 'ui.start' })}>
          {t('welcome.start')}
        </Button>
        <Button testId="open-lookup" variant="secondary" onPress={() => send({ type: 'ui.openLookup' })}>
          {t('basket.lookup')}
        </Button>
      </div>
      <section className="welcome__languages">
        <h2 className="welcome__subtitle">{t('welcome.chooseLanguage')}</h2>
        <LanguageSwitcher current={language} send={send} large />
      </section>
    </div>
  );
}
