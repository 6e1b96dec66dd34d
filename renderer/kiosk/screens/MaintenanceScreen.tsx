import { WrenchIcon } from '../icons';
import { useKioskText } from '../i18n';

/** `maintenance`: an assistant is servicing the lane (paper, a device, cleaning); not for shoppers. */
export function MaintenanceScreen() {
  const { t } = useKioskText();
  return (
    <div className="status status--closed" data-testid="maintenance">
      <WrenchIcon className="status__icon status__icon--warning" />
      <h1 className="status__title">{t('maintenance.title')}</h1>
      <p className="status__body">{t('maintenance.body')}</p>
    </div>
  );
}
