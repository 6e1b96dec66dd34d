import type { CheckoutContext } from '../../../shared/checkout/machine';
import { localized } from '../../../shared/i18n/languages';
import { Button, Dialog, type Send } from '../components';
import { useKioskText } from '../i18n';

/**
 * `scanning.baggingMismatch`: what is wrong in the bagging area, in plain words, and what
 * puts it right. The dialog goes away by itself when the scale sees the area as it should be;
 * Help (in the top bar) calls an assistant. Items not bagged at "Pay" may be too heavy to
 * lift: the shopper can say so (the lane decides whether an assistant must look first).
 */
export function BaggingDialog({ context, send }: { context: CheckoutContext; send: Send }) {
  const { t, language } = useKioskText();
  const mismatch = context.bagging?.mismatch;
  if (!mismatch) return null;
  return (
    <Dialog
      kind={`bagging-${mismatch.kind}`}
      tone="warning"
      title={t(`bagging.${mismatch.kind}.title`)}
      actions={
        mismatch.kind === 'notBagged' ? (
          <Button testId="skip-bagging" variant="secondary" onPress={() => send({ type: 'ui.skipBagging' })}>
            {t('bagging.skip')}
          </Button>
        ) : null
      }
    >
      <p>{t(`bagging.${mismatch.kind}.body`)}</p>
      {(mismatch.kind === 'notBagged' || mismatch.kind === 'notRemoved') && mismatch.names.length > 0 && (
        <ul className="bagging__items" data-testid="bagging-items">
          {mismatch.names.map((name, index) => (
            <li key={index}>{localized(name, language)}</li>
          ))}
        </ul>
      )}
      <p className="modal__code">{t('bagging.waiting')}</p>
    </Dialog>
  );
}
