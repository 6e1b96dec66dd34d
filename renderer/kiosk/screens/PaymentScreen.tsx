import type { LaneView } from '../../../shared/bridge/laneView';
import { paymentFailureKey } from '../../../shared/i18n';
import { Button, type Send } from '../components';
import { CardIcon, Spinner, WarningIcon } from '../icons';
import { useKioskText } from '../i18n';

/** `payment.*`: the card terminal has the amount; the lane decides when it is done. */
export function PaymentScreen({ view, send }: { view: LaneView; send: Send }) {
  const { t, money } = useKioskText();
  const { payment, lane } = view.context;
  const amount = (
    <>
      <p className="status__label">{t('payment.amountDue')}</p>
      <p className="status__amount" data-testid="payment-amount">
        {money(payment?.amountMinor ?? view.totalMinor, lane.currency)}
      </p>
    </>
  );

  if (view.state === 'payment.cancelling') {
    return (
      <div className="status">
        <Spinner className="spinner spinner--dark" />
        <h1 className="status__title">{t('payment.cancelling.title')}</h1>
        <p className="status__body">{t('payment.cancelling.body')}</p>
      </div>
    );
  }

  // After a timeout or a lost terminal the lane settles the old attempt before anything else.
  if (view.state === 'payment.settlingForRetry' || view.state === 'payment.settlingForBasket') {
    return (
      <div className="status">
        <Spinner className="spinner spinner--dark" />
        <h1 className="status__title">{t('payment.settling.title')}</h1>
        <p className="status__body">{t('payment.settling.body')}</p>
      </div>
    );
  }

  if (view.state === 'payment.failed') {
    return (
      <div className="status">
        <WarningIcon className="status__icon status__icon--warning" />
        <h1 className="status__title">{t('payment.failed.title')}</h1>
        <p className="status__body status__body--strong" data-testid="payment-failure">
          {payment?.failure ? t(paymentFailureKey(payment.failure)) : t('payment.failure.declined.other')}
        </p>
        {amount}
        <div className="status__actions">
          <Button testId="back-to-basket" variant="secondary" onPress={() => send({ type: 'ui.backToBasket' })}>
            {t('payment.backToBasket')}
          </Button>
          <Button testId="retry-payment" variant="primary" onPress={() => send({ type: 'ui.retryPayment' })}>
            {t('payment.retry')}
          </Button>
        </div>
      </div>
    );
  }

  return (
    <div className="status">
      <CardIcon className="status__icon status__icon--pulse" />
      <h1 className="status__title">{t('payment.authorizing.title')}</h1>
      {payment?.prompt && (
        <p className="status__body status__body--strong" data-testid="payment-prompt">
          {t(`payment.prompt.${payment.prompt}`)}
        </p>
      )}
      {amount}
      <div className="status__actions">
        <Button testId="cancel-payment" variant="secondary" onPress={() => send({ type: 'ui.cancelPayment' })}>
          {t('payment.cancel')}
        </Button>
        <NoReceiptToggle wanted={view.context.receiptWanted !== false} send={send} />
      </div>
    </div>
  );
}

/** "No receipt, thanks": pressed again, the receipt is wanted after all. */
function NoReceiptToggle({ wanted, send }: { wanted: boolean; send: Send }) {
  const { t } = useKioskText();
  return (
    <button type="button" className="btn btn--secondary toggle" data-testid="no-receipt" aria-pressed={!wanted} onClick={() => send({ type: 'ui.setReceiptWanted', wanted: !wanted })}>
      {t('receipt.noReceipt')}
    </button>
  );
}
