import type { LaneView } from '../../../shared/bridge/laneView';
import { Button, type Send } from '../components';
import { useKioskText } from '../i18n';

/**
 * `parked`: a basket left behind. Nothing is lost and the next shopper cannot start over it:
 * the shopper can continue, or an assistant deals with the sale.
 */
export function ParkedScreen({ view, send }: { view: LaneView; send: Send }) {
  const { t, money } = useKioskText();
  return (
    <div className="status" data-testid="parked">
      <h1 className="status__title">{t('parked.title')}</h1>
      <p className="status__body">{t('parked.body', { total: money(view.totalMinor, view.context.lane.currency) })}</p>
      <div className="status__actions">
        <Button testId="continue-shopping" variant="primary" size="huge" onPress={() => send({ type: 'ui.dismiss' })}>
          {t('parked.continue')}
        </Button>
      </div>
    </div>
  );
}
