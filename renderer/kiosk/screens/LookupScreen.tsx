import { memo, useEffect, useState } from 'react';
import type { ItemChoice } from '../../../shared/catalog/choice';
import { maxSearchTextLength } from '../../../shared/bridge/laneService';
import type { LaneView } from '../../../shared/bridge/laneView';
import { localized } from '../../../shared/i18n/languages';
import { Button, type Send } from '../components';
import { useKioskText } from '../i18n';
import { useItemLookup } from '../itemLookup';
import { BackIcon, ItemIconGlyph, SearchIcon } from '../lookupIcons';
import { layoutFor, OnScreenKeyboard, type KeyboardLayout } from '../onScreenKeyboard';

/**
 * Wait this long after the last key before asking the lane: a shopper typing "banana" sends one
 * search, not six, and 150 ms still feels like the list follows the typing.
 */
const searchDelayMs = 150;

/** The lane's answer for one request: its items, or null when the request failed. */
interface Answer {
  readonly key: string;
  readonly items: readonly ItemChoice[] | null;
}

/**
 * `scanning.lookup`: items without a barcode. First a grid of the items this lane sells most
 * (fruit, vegetables, bread); tapping the search box brings up the on-screen keyboard, and
 * typing a name or PLU code turns the grid into search results, best first. Tapping a tile tells the lane which item; the lane prices it from
 * its catalogue and weighs it if it is sold by weight.
 */
export function LookupScreen({ view, send }: { view: LaneView; send: Send }) {
  const { t, language } = useKioskText();
  const lookup = useItemLookup();
  const [text, setText] = useState('');
  // Folded away until the shopper taps the search box: on a 1024×768 screen the keys would
  // otherwise leave room for a single row of items to browse.
  const [keyboardOpen, setKeyboardOpen] = useState(false);
  const [layout, setLayout] = useState<KeyboardLayout>(() => layoutFor(language));
  const [layoutLanguage, setLayoutLanguage] = useState(language);
  const [popular, setPopular] = useState<Answer | null>(null);
  const [found, setFound] = useState<Answer | null>(null);
  const query = text.trim();
  const searchKey = `${language}:${query}`;

  // A shopper who switches language mid-search gets that language's letters.
  if (layoutLanguage !== language) {
    setLayoutLanguage(language);
    setLayout(layoutFor(language));
  }

  useEffect(() => {
    if (!lookup) return;
    let current = true;
    lookup.mostUsedItems().then(
      (items) => current && setPopular({ key: language, items }),
      () => current && setPopular({ key: language, items: null }),
    );
    return () => {
      current = false;
    };
  }, [lookup, language]);

  useEffect(() => {
    if (!lookup || query === '') return;
    let current = true;
    const timer = setTimeout(() => {
      lookup.searchItems(query).then(
        (items) => current && setFound({ key: searchKey, items }),
        () => current && setFound({ key: searchKey, items: null }),
      );
    }, searchDelayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [lookup, query, searchKey]);

  const searching = query !== '';
  // While the next answer is on its way the last one stays up, so the grid does not flicker with every key.
  const answer = searching ? found : popular;
  const settled = lookup !== null && answer !== null && answer.key === (searching ? searchKey : language);
  let status: string | null = null;
  if (!lookup || (settled && answer.items === null)) status = t('lookup.failed');
  else if (settled && answer.items?.length === 0) status = t('lookup.noResults');
  else if (!answer) status = t('lookup.loading');
  const items = lookup && answer?.items ? answer.items : [];
  const currency = view.context.lane.currency;

  const type = (typed: string) => setText((previous) => (previous + typed).slice(0, maxSearchTextLength));

  return (
    <div className="lookup" data-testid="lookup">
      <div className="lookup__head">
        <Button testId="lookup-back" onPress={() => send({ type: 'ui.dismiss' })}>
          <BackIcon className="lookup__back-icon" />
          {t('lookup.back')}
        </Button>
        <h1 className="lookup__title">{t('lookup.title')}</h1>
        <label className="lookup__search">
          <SearchIcon className="lookup__search-icon" />
          <input
            className="lookup__input"
            type="search"
            // The on-screen keyboard types here; this keeps a phone's or tablet's own keyboard from covering it.
            inputMode="none"
            autoComplete="off"
            spellCheck={false}
            maxLength={maxSearchTextLength}
            aria-label={t('lookup.searchLabel')}
            placeholder={t('lookup.placeholder')}
            data-testid="lookup-text"
            value={text}
            onChange={(event) => setText(event.target.value.slice(0, maxSearchTextLength))}
            onFocus={() => setKeyboardOpen(true)}
            onClick={() => setKeyboardOpen(true)}
          />
        </label>
      </div>
      <section className="lookup__results" aria-labelledby="lookup-results-title" aria-busy={!settled}>
        <h2 id="lookup-results-title" className="lookup__subtitle">
          {searching ? t('lookup.results') : t('lookup.popular')}
        </h2>
        {status && (
          <p className="lookup__status" role="status" data-testid="lookup-status">
            {status}
          </p>
        )}
        {items.length > 0 && (
          <ul className="lookup__grid" data-testid="lookup-items">
            {items.map((item) => (
              <li key={item.gtin}>
                <ItemTile item={item} currency={currency} send={send} />
              </li>
            ))}
          </ul>
        )}
      </section>
      {keyboardOpen && (
        <OnScreenKeyboard
          layout={layout}
          onType={type}
          onBackspace={() => setText((previous) => Array.from(previous).slice(0, -1).join(''))}
          onClear={() => setText('')}
          onLayout={setLayout}
          onHide={() => setKeyboardOpen(false)}
        />
      )}
    </div>
  );
}

/** A big touch target: picture, name in the shopper's language, price per kilogram or per piece, PLU code. */
const ItemTile = memo(function ItemTile({ item, currency, send }: { item: ItemChoice; currency: string; send: Send }) {
  const { t, language, money } = useKioskText();
  const price = money(item.priceMinor, currency);
  return (
    <button type="button" className="tile" data-testid="lookup-item" data-gtin={item.gtin} onClick={() => send({ type: 'ui.chooseItem', gtin: item.gtin })}>
      <ItemIconGlyph icon={item.icon} className={`tile__icon tile__icon--${item.icon}`} />
      <span className="tile__name">{localized(item.name, language)}</span>
      <span className="tile__price">{item.soldBy === 'weight' ? t('unit.pricePerKg', { price }) : t('unit.pricePerPiece', { price })}</span>
      {item.plu && <span className="tile__plu">{t('lookup.plu', { plu: item.plu })}</span>}
    </button>
  );
});
