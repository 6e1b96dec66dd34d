import type { ReactNode } from 'react';
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
 * Weighed in a store container, the weight shown is the net weight and the tare is shown too.
 */
export function WeighingDialog({ context, send }: { context: CheckoutContext; send: Send }) {
  const { t, language, money } = useKioskText();
  const weighing = context.weighing;
  const status = weighingStatusOf(context);
  if (!weighing || !status) return null;
  const currency = context.lane.currency;
  const ready = status.kind === 'ready';
  const containers = context.lane.containers ?? [];
  const tare = weighing.tare;
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
      {containers.length > 0 && (
        <div className="weighing__containers" role="group" aria-labelledby="weighing-containers-label" data-testid="weighing-containers">
          <p id="weighing-containers-label" className="weighing__containers-label">
            {t('weighing.container')}
          </p>
          <div className="weighing__container-buttons">
            <ContainerButton testId="container-none" pressed={!tare} onPress={() => send({ type: 'ui.chooseContainer', containerId: null })}>
              {t('weighing.container.none')}
            </ContainerButton>
            {containers.map((container) => (
              <ContainerButton
                key={container.id}
                testId={`container-${container.id}`}
                pressed={tare?.containerId === container.id}
                onPress={() => send({ type: 'ui.chooseContainer', containerId: container.id })}
              >
                {localized(container.name, language)}
              </ContainerButton>
            ))}
          </div>
        </div>
      )}
      <dl className="weighing__reading" data-testid="weighing-reading" data-status={status.kind}>
        <div>
          <dt>{t('weighing.weight')}</dt>
          <dd data-testid="weighing-weight" className={ready && tare ? 'weighing__net' : undefined}>
            {!ready ? '—' : tare ? t('weighing.netWeight', { weight: formatWeight(status.grams, language) }) : formatWeight(status.grams, language)}
          </dd>
          {tare && (
            <dd className="weighing__tare" data-testid="weighing-tare">
              {t('unit.tare', { weight: formatWeight(tare.grams, language) })}
            </dd>
          )}
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

/** A large toggle: the container the item is in (one pressed at a time). */
function ContainerButton({ testId, pressed, onPress, children }: { testId: string; pressed: boolean; onPress: () => void; children: ReactNode }) {
  return (
    <button type="button" className="btn btn--secondary toggle weighing__container" data-testid={testId} aria-pressed={pressed} onClick={onPress}>
      {children}
    </button>
  );
}
