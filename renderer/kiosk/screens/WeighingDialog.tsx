import { weighingStatusOf, type CheckoutContext } from '../../../shared/checkout/machine';
import { formatWeight } from '../../../shared/i18n';
import { localized } from '../../../shared/i18n/languages';
import { Button, Dialog, type Send } from '../components';
import { WeighHint } from '../howToHints';
import { useKioskText } from '../i18n';

/**
 * A weighed item on the scale. The weight and price shown are computed by the same
 * rules the statechart uses to accept them (shared/checkout/weighing.ts), so what the
 * shopper sees when pressing "Add" is what goes into the basket and onto the receipt.
 */
export function WeighingDialog({ context, send }: { context: CheckoutContext; send: Send }) {
  const { t, language, money } = useKioskText();
  const weighing = context.weighing;
  const status = weighingStatusOf(context);
  if (!weighing || !status) return null;
  const currency = context.lane.currency;
  const ready = status.kind === 'ready';
  const tone = ready || status.kind === 'placeItem' || status.kind === 'settling' || status.kind === 'waiting' ? 'info' : 'warning';
  return (
    <Dialog
      kind="weighing"
      tone={tone}
      title={t('weighing.title')}
      actions={
        <>
          <Button testId="accept-weight" variant="primary" disabled={!ready} onPress={() => send({ type: 'ui.acceptWeight' })}>
            {t('weighing.add')}
          </Button>
          <Button testId="cancel-weighing" onPress={() => send({ type: 'ui.dismiss' })}>
            {t('weighing.cancel')}
          </Button>
        </>
      }
    >
      <p className="weighing__item">
        <strong>{localized(weighing.item.name, language)}</strong> · {t('unit.pricePerKg', { price: money(weighing.item.unitPriceMinor, currency) })}
      </p>
      <dl className="weighing__reading" data-testid="weighing-reading" data-status={status.kind}>
        <div>
          <dt>{t('weighing.weight')}</dt>
          <dd data-testid="weighing-weight">{ready ? formatWeight(status.grams, language) : '—'}</dd>
        </div>
        <div>
          <dt>{t('weighing.price')}</dt>
          <dd data-testid="weighing-price">{ready ? money(status.priceMinor, currency) : '—'}</dd>
        </div>
      </dl>
      <div className="weighing__prompt">
        {(status.kind === 'placeItem' || status.kind === 'waiting') && <WeighHint />}
        <p className="weighing__status" role="status" aria-live="polite" data-testid="weighing-status">
          {t(`weighing.status.${status.kind}`)}
        </p>
      </div>
    </Dialog>
  );
}
