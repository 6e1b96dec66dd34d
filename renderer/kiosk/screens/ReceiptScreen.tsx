import type { LaneView } from '../../../shared/bridge/laneView';
import { saleTotal } from '../../../shared/checkout/pricing';
import { paidMinor } from '../../../shared/checkout/sale';
import { Button, type Send } from '../components';
import { CheckIcon, PrinterIcon } from '../icons';
import { useKioskText } from '../i18n';

/** `receipt.*` for a sale put on hold: the slip prints (again on request); the shopper takes it. */
function SuspendedScreen({ view, send }: { view: LaneView; send: Send }) {
  const { t } = useKioskText();
  const printing = view.state === 'receipt.printing';
  return (
    <div className="status" data-testid="suspended">
      {printing ? <PrinterIcon className="status__icon status__icon--pulse" /> : <CheckIcon className="status__icon status__icon--success" />}
      <h1 className="status__title">{t('suspended.title')}</h1>
      <p className="status__body">{view.state === 'receipt.printFailed' ? t('receipt.printFailed.body') : t('suspended.body')}</p>
      {!printing && (
        <div className="status__actions">
          <Button testId="reprint" variant="secondary" onPress={() => send({ type: 'ui.reprint' })}>
            {t('receipt.reprint')}
          </Button>
          <Button testId="finish" variant="primary" onPress={() => send({ type: 'ui.finish' })}>
            {t('receipt.finish')}
          </Button>
        </div>
      )}
    </div>
  );
}

/** `receipt.*`: the sale is paid; print, thank, and let the shopper go. */
export function ReceiptScreen({ view, send }: { view: LaneView; send: Send }) {
  const { t, money } = useKioskText();
  const sale = view.context.closedSale;
  if (sale?.status === 'suspended') return <SuspendedScreen view={view} send={send} />;
  const paid = sale && (
    <p className="status__paid" data-testid="paid-amount">
      {t('receipt.paid', { amount: money(sale.payments.length > 0 ? paidMinor(sale) : saleTotal(sale), view.context.lane.currency) })}
    </p>
  );

  if (view.state === 'receipt.done') {
    return (
      <div className="status">
        <CheckIcon className="status__icon status__icon--success" />
        <h1 className="status__title status__title--big">{t('receipt.done.title')}</h1>
        {paid}
        <p className="status__body">{view.context.receipt?.status === 'notWanted' ? t('receipt.notPrinted') : t('receipt.done.body')}</p>
        <div className="status__actions">
          {view.context.receipt?.status === 'notWanted' && (
            <Button testId="print-receipt" variant="secondary" onPress={() => send({ type: 'ui.reprint' })}>
              {t('receipt.printNow')}
            </Button>
          )}
          <Button testId="finish" variant="primary" size="huge" onPress={() => send({ type: 'ui.finish' })}>
            {t('receipt.finish')}
          </Button>
        </div>
      </div>
    );
  }

  if (view.state === 'receipt.printFailed') {
    return (
      <div className="status">
        <CheckIcon className="status__icon status__icon--success" />
        <h1 className="status__title">{t('receipt.printFailed.title')}</h1>
        {paid}
        <p className="status__body status__note">{t('receipt.printFailed.body')}</p>
        <div className="status__actions">
          <Button testId="reprint" variant="secondary" onPress={() => send({ type: 'ui.reprint' })}>
            {t('receipt.reprint')}
          </Button>
          <Button testId="finish" variant="primary" onPress={() => send({ type: 'ui.finish' })}>
            {t('receipt.finish')}
          </Button>
        </div>
      </div>
    );
  }

  return (
    <div className="status">
      <PrinterIcon className="status__icon status__icon--pulse" />
      <h1 className="status__title">{t('receipt.printing')}</h1>
      {paid}
    </div>
  );
}
