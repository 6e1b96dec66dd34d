import { memo, useLayoutEffect, useRef } from 'react';
import type { LaneView } from '../../../shared/bridge/laneView';
import { itemsWaitingToBag } from '../../../shared/checkout/assistance';
import { ageCheckPending, type BasketLine } from '../../../shared/checkout/sale';
import type { LocalizedText } from '../../../shared/i18n/languages';
import { localized } from '../../../shared/i18n/languages';
import { lineDetail, maskCard } from '../../../shared/receipt/buildReceipt';
import { Button, type Send } from '../components';
import { BagHint } from '../howToHints';
import { MinusIcon, ScanIcon } from '../icons';
import { useKioskText } from '../i18n';

/** `scanning.*`: the basket, the running total and the way to pay. Notices are drawn over it by the caller. */
export function BasketScreen({ view, send }: { view: LaneView; send: Send }) {
  const { t, money, language } = useKioskText();
  const lines = view.context.sale?.lines ?? [];
  const pending = view.context.bagging?.pending ?? [];
  const lastPending = pending.at(-1);
  const hasBaggingScale = view.context.devices.baggingScale !== undefined;
  const currency = view.context.lane.currency;
  const empty = lines.length === 0;
  const total = money(view.totalMinor, currency);
  // Heavy or bulky items may stay in the trolley (the lane decides whether an assistant must look first).
  // Only on the basket itself: over a bagging alert the dialog offers it.
  const canSkipBagging = view.state === 'scanning.ready' && hasBaggingScale && itemsWaitingToBag(view.context) > 0;
  return (
    <div className="basket-screen">
      <section className="basket" aria-labelledby="basket-title">
        <h1 id="basket-title" className="basket__title">
          {t('basket.title')}
        </h1>
        {empty ? (
          <p className="basket__empty">{t('basket.empty')}</p>
        ) : (
          <ol className="basket__lines">
            {lines.map((line) => (
              <BasketRow key={line.lineId} line={line} currency={currency} onRemove={view.state === 'scanning.ready' ? () => send({ type: 'ui.removeLine', lineId: line.lineId }) : undefined} />
            ))}
            {/* Offers and coupons under the items, as on the receipt: what each takes off. */}
            {(view.discounts ?? []).map((discount) => (
              <li key={`${discount.source}-${discount.id}`} className="line line--discount" data-testid="discount-line" data-source={discount.source}>
                <span className="line__name">{discount.source === 'coupon' ? t('coupon.line', { name: localized(discount.name, language) }) : localized(discount.name, language)}</span>
                <span className="line__price">{money(-discount.amountMinor, currency)}</span>
              </li>
            ))}
          </ol>
        )}
        {view.context.sale?.loyalty && (
          <p className="basket__hint basket__hint--loyalty" data-testid="loyalty">
            {t('basket.loyalty', { card: maskCard(view.context.sale.loyalty.card) })}
          </p>
        )}
        {pending.length > 0 ? (
          // Bagging comes first in the shopper's eye, but scanning may go on meanwhile.
          <p className="basket__hint basket__hint--bagging" data-testid="bagging-hint">
            {!lastPending?.removal && <BagHint />}
            {lastPending?.removal && lastPending.name
              ? t('bagging.takeOut', { name: localized(lastPending.name, language) })
              : pending.length === 1 && lastPending?.name
                ? t('bagging.place', { name: localized(lastPending.name, language) })
                : t('bagging.placeItems')}
          </p>
        ) : (
          !empty && (
            <p className="basket__hint">
              <ScanIcon className="basket__hint-icon" />
              {t('basket.scanNext')}
            </p>
          )
        )}
        {ageCheckPending(view.context.sale) && (
          <p className="basket__hint basket__hint--age" data-testid="age-pending">
            {t('age.pending')}
          </p>
        )}
      </section>
      <aside className="summary">
        <p className="summary__count" data-testid="item-count">
          {t('basket.itemCount', { count: view.itemCount })}
        </p>
        <p className="summary__label">{t('basket.total')}</p>
        <p className={total.length > 7 ? 'summary__total summary__total--long' : 'summary__total'} data-testid="basket-total">
          {total}
        </p>
        {(view.savingsMinor ?? 0) > 0 && (
          <p className="summary__savings" data-testid="savings">
            {t('basket.savings')} <strong>{money(view.savingsMinor ?? 0, currency)}</strong>
          </p>
        )}
        <div className="summary__actions">
          <Button testId="pay" variant="primary" size="huge" disabled={empty} onPress={() => send({ type: 'ui.pay' })}>
            {t('basket.pay')}
          </Button>
          {canSkipBagging && (
            <Button testId="skip-bagging" variant="secondary" onPress={() => send({ type: 'ui.skipBagging' })}>
              {t('bagging.skip')}
            </Button>
          )}
          {hasBaggingScale && empty && (
            <Button testId="own-bag" variant="secondary" onPress={() => send({ type: 'ui.ownBag' })}>
              {t('bagging.ownBag')}
            </Button>
          )}
          <Button testId="open-lookup" variant="secondary" onPress={() => send({ type: 'ui.openLookup' })}>
            {t('basket.lookup')}
          </Button>
          <Button testId="cancel-sale" variant="secondary" onPress={() => send({ type: 'ui.cancelSale' })}>
            {t('basket.cancelSale')}
          </Button>
        </div>
      </aside>
    </div>
  );
}

function sameName(a: LocalizedText, b: LocalizedText): boolean {
  return a === b || (a.en === b.en && a.ru === b.ru && a.lv === b.lv && a.bg === b.bg);
}

/**
 * Views arrive as fresh JSON, so every line is a new object each time; comparing the fields
 * that are shown keeps unchanged rows from re-rendering on each scan.
 */
interface RowProps {
  readonly line: BasketLine;
  readonly currency: string;
  /** Present while the shopper may take pieces off (the basket screen, nothing over it). */
  readonly onRemove?: (() => void) | undefined;
}

function sameRow(a: RowProps, b: RowProps): boolean {
  const x = a.line;
  const y = b.line;
  return (
    a.currency === b.currency &&
    Boolean(a.onRemove) === Boolean(b.onRemove) &&
    (x === y ||
      (x.lineId === y.lineId &&
        x.gtin === y.gtin &&
        x.pricing === y.pricing &&
        x.quantity === y.quantity &&
        x.weightGrams === y.weightGrams &&
        x.unitPriceMinor === y.unitPriceMinor &&
        x.priceMinor === y.priceMinor &&
        sameName(x.name, y.name)))
  );
}

const BasketRow = memo(function BasketRow({ line, currency, onRemove }: RowProps) {
  const { t, language, money } = useKioskText();
  const ref = useRef<HTMLLIElement>(null);
  // Keep the line that just changed (new, or one more piece) in sight.
  useLayoutEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [line.quantity, line.priceMinor]);
  const detail = lineDetail(line, language, t, (minor) => money(minor, currency));
  return (
    <li ref={ref} className="line" data-testid="basket-line" data-gtin={line.gtin} data-line-id={line.lineId}>
      {/* Re-mounted when the quantity changes, which replays its highlight animation. */}
      <span key={line.quantity} className="line__flash" aria-hidden="true" />
      <span className="line__name">{localized(line.name, language)}</span>
      {detail && <span className="line__detail">{detail}</span>}
      <span className="line__price">{money(line.priceMinor, currency)}</span>
      {onRemove && (
        <button type="button" className="line__remove" data-testid="remove-line" aria-label={`${t('basket.removeOne')}: ${localized(line.name, language)}`} onClick={onRemove}>
          <MinusIcon className="line__remove-icon" />
        </button>
      )}
    </li>
  );
}, sameRow);
