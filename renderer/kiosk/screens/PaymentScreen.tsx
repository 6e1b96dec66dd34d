import type { LaneView } from '../../../shared/bridge/laneView';
import { amountDueMinor } from '../../../shared/checkout/pricing';
import { paidMinor } from '../../../shared/checkout/sale';
import { paymentFailureKey } from '../../../shared/i18n';
import { Button, type Send } from '../components';
import { CardIcon, PersonIcon, Spinner, WarningIcon } from '../icons';
import { useKioskText } from '../i18n';

/**
 * `payment.*`: first the shopper chooses card or an assistant (again for what is left after a
 * partial payment), then the card terminal or the assistant takes it; the lane decides when it is done.
 */
export function PaymentScreen({ view, send }: { view: LaneView; send: Send }) {
  const { t, money } = useKioskText();
  const { payment, lane, sale } = view.context;
  const dueMinor = sale ? amountDueMinor(sale) : view.totalMinor;
  const paidSoFarMinor = sale ? paidMinor(sale) : 0;
  const amountOf = (minor: number) => (
    <>
      <p className="status__label">{t('payment.amountDue')}</p>
      <p className="status__amount" data-testid="payment-amount">
        {money(minor, lane.currency)}
      </p>
    </>
  );
  // At the terminal: what this attempt asked for.
  const amount = amountOf(payment?.amountMinor ?? dueMinor);

  if (view.state === 'payment.choosing') {
    return (
      <div className="status status--choosing">
        <h1 className="status__title">{t('payment.choose.title')}</h1>
        {amountOf(dueMinor)}
        {paidSoFarMinor > 0 && (
          <p className="status__paid-so-far">
            <span className="status__paid-so-far-label">{t('payment.paidSoFar')}</span>
            <strong data-testid="paid-so-far">{money(paidSoFarMinor, lane.currency)}</strong>
          </p>
        )}
        <div className="pay-choices">
          <Button testId="pay-card" variant="primary" size="huge" className="pay-choice" onPress={() => send({ type: 'ui.payByCard' })}>
            <CardIcon className="pay-choice__icon" />
            <span className="pay-choice__text">
              <span className="pay-choice__label">{t('payment.choose.card')}</span>
              <span className="pay-choice__hint">{t('payment.choose.cardHint')}</span>
            </span>
          </Button>
          <Button testId="pay-assistant" variant="secondary" size="huge" className="pay-choice" onPress={() => send({ type: 'ui.payAtAssistant' })}>
            <PersonIcon className="pay-choice__icon" />
            <span className="pay-choice__text">
              <span className="pay-choice__label">{t('payment.choose.assistant')}</span>
              <span className="pay-choice__hint">{t('payment.choose.assistantHint')}</span>
            </span>
          </Button>
        </div>
        <div className="status__actions">
          {/* Once something is paid the basket is settled: only the rest can be paid. */}
          {sale?.payments.length === 0 && (
            <Button testId="back-to-basket" variant="secondary" onPress={() => send({ type: 'ui.backToBasket' })}>
              {t('payment.backToBasket')}
            </Button>
          )}
          <NoReceiptToggle wanted={view.context.receiptWanted !== false} send={send} />
        </div>
      </div>
    );
  }

  if (view.state === 'payment.atAssistant') {
    return (
      <div className="status">
        <PersonIcon className="status__icon status__icon--pulse" />
        <h1 className="status__title">{t('payment.atAssistant.title')}</h1>
        <p className="status__body">{t('payment.atAssistant.body')}</p>
        {amountOf(dueMinor)}
        <div className="status__actions">
          <Button testId="payment-another-way" variant="secondary" onPress={() => send({ type: 'ui.backToBasket' })}>
            {t('payment.atAssistant.back')}
          </Button>
        </div>
      </div>
    );
  }

  // Passed through at once (paid in full, or back to the choice); nothing to tap meanwhile.
  if (view.state === 'payment.tenderTaken') {
    return (
      <div className="status">
        <Spinner className="spinner spinner--dark" />
      </div>
    );
  }

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
