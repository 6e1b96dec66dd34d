import { ClosedIcon } from '../icons';
import { useKioskText } from '../i18n';

/** `closed`: an assistant closed the lane; shoppers are sent to another checkout until it is opened again. */
export function ClosedScreen() {
  const { t } = useKioskText();
  return (
    <div className="status status--closed" data-testid="closed">
      <ClosedIcon className="status__icon status__icon--danger" />
      <h1 className="status__title">{t('closed.title')}</h1>
      <p className="status__body">{t('closed.body')}</p>
    </div>
  );
}
