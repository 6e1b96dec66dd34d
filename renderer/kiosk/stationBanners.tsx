import type { CheckoutContext } from '../../shared/checkout/machine';
import { localized } from '../../shared/i18n/languages';
import { Button, type Send } from './components';
import { InfoIcon } from './icons';
import { useKioskText } from './i18n';

/**
 * A message the supervisor station put on this lane ("Anna is on the way"), in the shopper's
 * language, until the shopper taps OK or the sale ends. Prominent, but it stops nothing: the
 * shopper can carry on underneath.
 */
export function LaneMessageBanner({ context, send }: { context: CheckoutContext; send: Send }) {
  const { t } = useKioskText();
  const message = context.laneMessage;
  if (!message) return null;
  return (
    <div className="banner banner--info banner--message" role="alert" data-testid="lane-message" data-key={message.key}>
      <InfoIcon className="banner__icon" />
      <div className="banner__text">
        <p>
          <strong>{t(`laneMessage.${message.key}`, { name: message.from })}</strong>
        </p>
      </div>
      <Button testId="lane-message-dismiss" variant="primary" onPress={() => send({ type: 'ui.dismissMessage' })}>
        {t('notice.ok')}
      </Button>
    </div>
  );
}

/**
 * The shopper asked to take off an item only an assistant may remove: an assistant is coming,
 * or approves it from the station. Scanning goes on meanwhile; "Keep it" withdraws the request.
 */
export function VoidRequestBanner({ context, send }: { context: CheckoutContext; send: Send }) {
  const { t, language } = useKioskText();
  const request = context.voidRequest;
  if (!request) return null;
  return (
    <div className="banner banner--info" role="status" data-testid="void-request" data-line-id={request.lineId}>
      <InfoIcon className="banner__icon" />
      <div className="banner__text">
        <p>
          <strong>{t('voidRequest.waiting', { name: localized(request.name, language) })}</strong>
        </p>
      </div>
      <Button testId="void-request-keep" onPress={() => send({ type: 'ui.cancelVoidRequest' })}>
        {t('voidRequest.keep')}
      </Button>
    </div>
  );
}
