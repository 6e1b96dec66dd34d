// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ItemChoice } from '../../shared/catalog/choice';
import type { LaneService } from '../../shared/bridge/laneService';
import { laneServiceSchema } from '../../shared/bridge/laneServiceSchema';
import type { BridgeConnection } from '../../shared/bridge/rpc';
import { serveConnection } from '../../shared/bridge/rpcServer';
import type { UiEvent } from '../../shared/checkout/events';
import { Emitter } from '../../shared/event';
import type { Language } from '../../shared/i18n/languages';
import type { LaneConnection } from '../../renderer/bridge/laneConnection';
import { LaneStore } from '../../renderer/bridge/laneStore';
import { KioskLanguage } from '../../renderer/kiosk/i18n';
import { ItemLookupContext, ItemLookupProvider, type ItemLookup } from '../../renderer/kiosk/itemLookup';
import { LookupScreen } from '../../renderer/kiosk/screens/LookupScreen';
import { basket, view } from './fixtures';

afterEach(cleanup);

/** Intl puts no-break spaces into some languages' numbers. */
const plain = (text: string | null | undefined) => (text ?? '').replace(/\s/gu, ' ');

const bananas: ItemChoice = { gtin: '02900000040117', plu: '4011', name: { en: 'Bananas', ru: 'Бананы', lv: 'Banāni', bg: 'Банани' }, priceMinor: 139, soldBy: 'weight', icon: 'fruit' };
const potatoes: ItemChoice = { gtin: '02900000040728', plu: '4072', name: { en: 'Potatoes', ru: 'Картофель', lv: 'Kartupeļi', bg: 'Картофи' }, priceMinor: 69, soldBy: 'weight', icon: 'vegetable' };
const apples: ItemChoice = { gtin: '02900000041312', plu: '4131', name: { en: 'Apples Fuji', ru: 'Яблоки Фуджи', lv: 'Āboli Fuji', bg: 'Ябълки Фуджи' }, priceMinor: 229, soldBy: 'weight', icon: 'fruit' };
const bread: ItemChoice = { gtin: '04750001000023', plu: null, name: { en: 'Rye bread 400 g', ru: 'Ржаной хлеб 400 г', lv: 'Rudzu maize 400 g', bg: 'Ръжен хляб 400 г' }, priceMinor: 189, soldBy: 'unit', icon: 'bread' };
const catalogue = [bananas, apples, potatoes, bread];

/** A stand-in for the lane's search: a name in any language containing the text, or a PLU starting with it. */
function fakeLookup() {
  return {
    searchItems: vi.fn(async (text: string) =>
      catalogue.filter((item) => item.plu?.startsWith(text) || Object.values(item.name).some((name) => name.toLowerCase().includes(text.toLowerCase()))),
    ),
    mostUsedItems: vi.fn(async () => [bananas, apples, potatoes, bread]),
  };
}

function Page({ language, lookup, children }: { language: Language; lookup: ItemLookup | null; children: ReactNode }) {
  return (
    <KioskLanguage language={language}>
      <ItemLookupContext.Provider value={lookup}>{children}</ItemLookupContext.Provider>
    </KioskLanguage>
  );
}

function show(options: { language?: Language; lookup?: ItemLookup | null } = {}) {
  const language = options.language ?? 'en';
  const lookup = options.lookup === undefined ? fakeLookup() : options.lookup;
  const send = vi.fn<(event: UiEvent) => void>();
  const v = view('scanning.lookup', { sale: basket, language });
  const result = render(
    <Page language={language} lookup={lookup}>
      <LookupScreen view={v} send={send} />
    </Page>,
  );
  return { send, ...result };
}

function tap(testId: string) {
  fireEvent.click(screen.getByTestId(testId));
}

/** Opens the keyboard (a tap on the search box) if it is folded away, then taps the keys. */
function typeOnKeyboard(text: string) {
  if (!screen.queryByTestId('keyboard')) tap('lookup-text');
  for (const key of text) tap(key === ' ' ? 'key-space' : `key-${key}`);
}

/** Names on the tiles, in order. */
function tileNames(): string[] {
  return screen.queryAllByTestId('lookup-item').map((tile) => tile.querySelector('.tile__name')?.textContent ?? '');
}

describe('lookup screen', () => {
  it('opens on a grid of the items this lane sells most, with pictures, prices and codes', async () => {
    const lookup = fakeLookup();
    show({ lookup });
    await waitFor(() => expect(tileNames()).toEqual(['Bananas', 'Apples Fuji', 'Potatoes', 'Rye bread 400 g']));
    expect(lookup.mostUsedItems).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Popular items without a barcode');
    const [banana, , , loaf] = screen.getAllByTestId('lookup-item');
    expect(banana!.dataset.gtin).toBe(bananas.gtin);
    expect(plain(banana!.textContent)).toBe('Bananas€1.39/kgPLU 4011');
    expect(banana!.querySelector('svg.tile__icon--fruit')).not.toBeNull();
    expect(plain(loaf!.textContent)).toBe('Rye bread 400 g€1.89 each');
    expect(loaf!.querySelector('svg.tile__icon--bread')).not.toBeNull();
    expect(screen.queryByTestId('lookup-status')).toBeNull();
  });

  it("shows names, prices and the keyboard in the shopper's language", async () => {
    show({ language: 'lv' });
    await waitFor(() => expect(tileNames()[0]).toBe('Banāni'));
    expect(plain(screen.getAllByTestId('lookup-item')[0]!.textContent)).toBe('Banāni1,39 €/kgKods 4011');
    tap('lookup-text');
    expect(screen.getByTestId('keyboard').dataset.layout).toBe('latin');
    expect(screen.getByTestId('lookup-back').textContent).toBe('Atpakaļ uz grozu');
    cleanup();

    show({ language: 'bg' });
    await waitFor(() => expect(tileNames()[0]).toBe('Банани'));
    expect(plain(screen.getAllByTestId('lookup-item')[3]!.textContent)).toBe('Ръжен хляб 400 г1,89 €/бр.');
    tap('lookup-text');
    expect(screen.getByTestId('keyboard').dataset.layout).toBe('cyrillic');
    expect(screen.getByTestId('key-ъ')).toBeTruthy();
  });

  it('filters as the shopper types on the on-screen keyboard, one search per pause', async () => {
    const lookup = fakeLookup();
    show({ lookup });
    await waitFor(() => expect(tileNames()).toHaveLength(4));
    typeOnKeyboard('ban');
    expect((screen.getByTestId('lookup-text') as HTMLInputElement).value).toBe('ban');
    await waitFor(() => expect(tileNames()).toEqual(['Bananas']));
    expect(lookup.searchItems.mock.calls).toEqual([['ban']]);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Matching items');

    tap('key-backspace');
    tap('key-backspace');
    tap('key-backspace');
    typeOnKeyboard('rye br');
    await waitFor(() => expect(tileNames()).toEqual(['Rye bread 400 g']));
    expect(lookup.searchItems).toHaveBeenLastCalledWith('rye br');

    tap('key-clear');
    expect((screen.getByTestId('lookup-text') as HTMLInputElement).value).toBe('');
    expect(tileNames()).toEqual(['Bananas', 'Apples Fuji', 'Potatoes', 'Rye bread 400 g']);
  });

  it('switches between Latin, Cyrillic and digit keys, and types a PLU', async () => {
    const lookup = fakeLookup();
    show({ lookup });
    tap('lookup-text');
    expect(screen.getByTestId('keyboard').dataset.layout).toBe('latin');
    expect(screen.getByTestId('keyboard-cyrillic').getAttribute('aria-label')).toBe('Cyrillic letters');
    tap('keyboard-cyrillic');
    expect(screen.getByTestId('keyboard').dataset.layout).toBe('cyrillic');
    typeOnKeyboard('ябл');
    await waitFor(() => expect(tileNames()).toEqual(['Apples Fuji']));
    tap('key-clear');

    tap('keyboard-digits');
    expect(screen.getByTestId('keyboard').dataset.layout).toBe('digits');
    expect(screen.queryByTestId('key-space')).toBeNull();
    typeOnKeyboard('4011');
    await waitFor(() => expect(tileNames()).toEqual(['Bananas']));
    expect(lookup.searchItems).toHaveBeenLastCalledWith('4011');
    tap('keyboard-latin');
    expect(screen.getByTestId('key-q')).toBeTruthy();
  });

  it('sends the chosen item to the lane, and Back dismisses', async () => {
    const { send } = show();
    await waitFor(() => expect(tileNames()).toHaveLength(4));
    fireEvent.click(screen.getAllByTestId('lookup-item')[2]!);
    tap('lookup-back');
    expect(send.mock.calls).toEqual([[{ type: 'ui.chooseItem', gtin: potatoes.gtin }], [{ type: 'ui.dismiss' }]]);
  });

  it('takes typing from a real keyboard too (demos in a browser), up to 64 characters', async () => {
    const lookup = fakeLookup();
    show({ lookup });
    const input = screen.getByTestId('lookup-text') as HTMLInputElement;
    expect(input.getAttribute('inputmode')).toBe('none');
    fireEvent.change(input, { target: { value: 'pota' } });
    await waitFor(() => expect(tileNames()).toEqual(['Potatoes']));
    fireEvent.change(input, { target: { value: 'x'.repeat(80) } });
    expect(input.value).toHaveLength(64);
    await waitFor(() => expect(lookup.searchItems).toHaveBeenLastCalledWith('x'.repeat(64)));
  });

  it('says when nothing matches, and when search is not working', async () => {
    show();
    typeOnKeyboard('zzz');
    await waitFor(() => expect(screen.getByTestId('lookup-status').textContent).toBe('Nothing found. Check the spelling, or type the code from the shelf label.'));
    expect(tileNames()).toEqual([]);
    cleanup();

    show({ lookup: { ...fakeLookup(), searchItems: vi.fn(async () => Promise.reject(new Error('connection closed'))) } });
    await waitFor(() => expect(tileNames()).toHaveLength(4));
    typeOnKeyboard('ban');
    await waitFor(() => expect(screen.getByTestId('lookup-status').textContent).toBe('Search is not working right now. Please ask an assistant.'));
    expect(tileNames()).toEqual([]);
    cleanup();

    show({ lookup: null, language: 'ru' });
    expect(screen.getByTestId('lookup-status').textContent).toBe('Поиск сейчас не работает. Позовите сотрудника.');
    // Back still works, so the shopper is never stuck here.
    expect(screen.getByTestId('lookup-back').textContent).toBe('Назад к корзине');
  });

  it('keeps the keyboard folded away until the search box is tapped, and folds it again', async () => {
    show();
    await waitFor(() => expect(tileNames()).toHaveLength(4));
    expect(screen.queryByTestId('keyboard')).toBeNull();
    tap('lookup-text');
    const keyboard = screen.getByTestId('keyboard');
    expect(keyboard.getAttribute('aria-label')).toBe('On-screen keyboard');
    const keys = within(keyboard).getAllByRole('button');
    // 26 letters, two layout keys, space, backspace, clear, hide; every key named for screen readers.
    expect(keys).toHaveLength(32);
    for (const key of keys) expect(key.getAttribute('aria-label') ?? key.textContent).toBeTruthy();
    typeOnKeyboard('pot');
    expect(screen.getByTestId('key-hide').getAttribute('aria-label')).toBe('Hide the keyboard');
    tap('key-hide');
    expect(screen.queryByTestId('keyboard')).toBeNull();
    expect((screen.getByTestId('lookup-text') as HTMLInputElement).value).toBe('pot');
    await waitFor(() => expect(tileNames()).toEqual(['Potatoes']));
  });
});

describe('lookup over the bridge', () => {
  it('asks the lane through its own client on the page connection, beside the lane store', async () => {
    const toPage = new Emitter<string>();
    const toLane = new Emitter<string>();
    const opens = new Emitter<void>();
    const closes = new Emitter<void>();
    const page: LaneConnection = {
      isOpen: true,
      send: (message) => queueMicrotask(() => toLane.fire(message)),
      onMessage: toPage.event,
      onOpen: opens.event,
      onClose: closes.event,
      dispose() {},
    };
    const laneEnd: BridgeConnection = { send: (message) => queueMicrotask(() => toPage.fire(message)), onMessage: toLane.event, onClose: closes.event };
    const current = view('scanning.lookup', { sale: basket });
    const service = {
      getView: vi.fn(async () => current),
      sendEvent: vi.fn(async () => ({ accepted: true })),
      searchItems: vi.fn(async ({ text }: { text: string }) => ({ items: text === 'pot' ? [potatoes] : [] })),
      mostUsedItems: vi.fn(async () => ({ items: [bananas, potatoes] })),
    } satisfies LaneService;
    serveConnection(laneEnd, service, laneServiceSchema, () => {});

    // The lane store asks for the view at the same moment: each client must get its own answer.
    const store = new LaneStore(page);
    const unsubscribe = store.subscribe(() => {});
    render(
      <KioskLanguage language="en">
        <ItemLookupProvider connection={page}>
          <LookupScreen view={current} send={() => {}} />
        </ItemLookupProvider>
      </KioskLanguage>,
    );
    await waitFor(() => expect(tileNames()).toEqual(['Bananas', 'Potatoes']));
    expect(store.getSnapshot().view).toEqual(current);
    typeOnKeyboard('pot');
    await waitFor(() => expect(tileNames()).toEqual(['Potatoes']));
    expect(service.searchItems).toHaveBeenCalledWith({ text: 'pot' });
    expect(service.mostUsedItems).toHaveBeenCalledWith({});
    await act(async () => unsubscribe());
  });
});
