// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LaneView } from '../../shared/bridge/laneView';
import type { UiEvent } from '../../shared/checkout/events';
import { languages } from '../../shared/i18n/languages';
import { Kiosk } from '../../renderer/kiosk/Kiosk';
import { apples, basket, bread, milk, sale, view } from './fixtures';

afterEach(cleanup);

/** Intl puts no-break spaces into some languages' numbers. */
const plain = (text: string | null | undefined) => (text ?? '').replace(/\s/gu, ' ');

function show(v: LaneView, connected = true) {
  const send = vi.fn<(event: UiEvent) => void>();
  const result = render(<Kiosk view={v} connected={connected} send={send} />);
  return { send, ...result };
}

function tap(testId: string) {
  fireEvent.click(screen.getByTestId(testId));
}

describe('welcome (idle)', () => {
  it('invites the shopper in English and starts a sale', () => {
    const { send } = show(view('idle'));
    const root = screen.getByTestId('screen-idle');
    expect(root.dataset.state).toBe('idle');
    expect(root.textContent).toContain('Scan an item to start');
    tap('start');
    expect(send).toHaveBeenCalledWith({ type: 'ui.start' });
    expect(document.documentElement.lang).toBe('en');
    expect(screen.queryByTestId('connecting')).toBeNull();
  });

  it('follows the lane language, not a local choice', () => {
    const { send } = show(view('idle', { language: 'ru' }));
    expect(screen.getByTestId('screen-idle').textContent).toContain('Отсканируйте товар, чтобы начать');
    expect(screen.getByTestId('start').textContent).toBe('Начать');
    expect(document.documentElement.lang).toBe('ru');
    expect(screen.getByTestId('language-ru').getAttribute('aria-pressed')).toBe('true');
    tap('language-lv');
    expect(send).toHaveBeenCalledWith({ type: 'ui.setLanguage', language: 'lv' });
    // Still Russian until the lane publishes the change.
    expect(screen.getByTestId('start').textContent).toBe('Начать');
    tap('language-ru');
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('basket (scanning)', () => {
  it('lists lines with quantity, weight and price, the total and the item count', () => {
    const { send } = show(view('scanning.ready', { sale: basket }));
    expect(screen.getByTestId('screen-scanning-ready').dataset.state).toBe('scanning.ready');
    const rows = screen.getAllByTestId('basket-line');
    expect(rows.map((row) => [row.dataset.gtin, row.dataset.lineId])).toEqual([
      [milk.gtin, '1'],
      [apples.gtin, '2'],
      [bread.gtin, '3'],
    ]);
    expect(plain(rows[0]!.textContent)).toBe('Milk 2% 1 l2 × €1.19€2.38');
    expect(plain(rows[1]!.textContent)).toBe('Apples Gala0.512 kg × €2.99/kg€1.53');
    expect(plain(rows[2]!.textContent)).toBe('Rye bread€1.89');
    expect(screen.getByTestId('basket-total').textContent).toBe('€5.80');
    expect(screen.getByTestId('item-count').textContent).toBe('4 items');
    tap('pay');
    tap('cancel-sale');
    expect(send.mock.calls).toEqual([[{ type: 'ui.pay' }], [{ type: 'ui.cancelSale' }]]);
  });

  it('shows names, money and plurals in Latvian', () => {
    show(view('scanning.ready', { sale: basket, language: 'lv' }));
    const rows = screen.getAllByTestId('basket-line');
    expect(plain(rows[0]!.textContent)).toBe('Piens 2% 1 l2 × 1,19 €2,38 €');
    expect(plain(screen.getByTestId('basket-total').textContent)).toBe('5,80 €');
    expect(screen.getByTestId('item-count').textContent).toBe('4 preces');
    expect(screen.getByTestId('pay').textContent).toBe('Maksāt');
  });

  it('disables Pay while the basket is empty', () => {
    const { send } = show(view('scanning.ready'));
    expect(screen.queryAllByTestId('basket-line')).toHaveLength(0);
    expect(screen.getByTestId('screen-scanning-ready').textContent).toContain('Your basket is empty. Scan your first item.');
    expect(screen.getByTestId('item-count').textContent).toBe('0 items');
    expect((screen.getByTestId('pay') as HTMLButtonElement).disabled).toBe(true);
    tap('pay');
    expect(send).not.toHaveBeenCalled();
  });

  it('re-renders only the basket row that changed', () => {
    const v1 = view('scanning.ready', { sale: basket });
    const send = vi.fn();
    const { rerender } = render(<Kiosk view={v1} connected send={send} />);
    const before = screen.getAllByTestId('basket-line');
    const flashBefore = before.map((row) => row.querySelector('.line__flash'));
    // A fresh JSON copy, as every view is, with one more bread.
    const copy = JSON.parse(JSON.stringify(v1)) as LaneView;
    const more = { ...bread, quantity: 2, priceMinor: 378 };
    const v2: LaneView = { ...copy, version: v1.version + 1, context: { ...copy.context, sale: sale([copy.context.sale!.lines[0]!, copy.context.sale!.lines[1]!, more]) } };
    rerender(<Kiosk view={v2} connected send={send} />);
    const after = screen.getAllByTestId('basket-line');
    expect(after.map((row) => row.querySelector('.line__flash'))).toEqual([flashBefore[0], flashBefore[1], expect.anything()]);
    expect(after[2]!.querySelector('.line__flash')).not.toBe(flashBefore[2]);
    expect(plain(after[2]!.textContent)).toBe('Rye bread2 × €1.89€3.78');
  });
});

describe('notices', () => {
  it('explains a rejected barcode in Bulgarian and dismisses it', () => {
    const { send } = show(view('scanning.rejectedBarcode', { sale: basket, language: 'bg', notice: { kind: 'rejectedBarcode', code: '4750000000018', reason: 'checkDigit' } }));
    const notice = screen.getByTestId('notice');
    expect(notice.dataset.kind).toBe('rejectedBarcode');
    expect(notice.textContent).toContain('Баркодът не е приет');
    expect(notice.textContent).toContain('Баркодът е прочетен грешно. Моля, дръжте продукта неподвижно и сканирайте отново.');
    expect(screen.getByTestId('screen-scanning-rejectedBarcode').querySelector('main')!.hasAttribute('inert')).toBe(true);
    tap('dismiss');
    expect(send).toHaveBeenCalledWith({ type: 'ui.dismiss' });
  });

  it('falls back to a general message for a rejection reason it does not know', () => {
    show(view('scanning.rejectedBarcode', { notice: { kind: 'rejectedBarcode', code: 'x', reason: 'fromTheFuture' } }));
    expect(screen.getByTestId('notice').textContent).toContain('This barcode could not be used. Please scan it again or ask for help.');
  });

  it('shows the unknown item with its code, and a weighed item by its name', () => {
    show(view('scanning.unknownItem', { notice: { kind: 'unknownItem', code: '4006381333931' } }));
    expect(screen.getByTestId('notice').textContent).toContain('Barcode: 4006381333931');
    cleanup();
    show(view('scanning.needsWeighing', { language: 'ru', notice: { kind: 'needsWeighing', code: '2000123000000', name: apples.name } }));
    expect(screen.getByTestId('notice').dataset.kind).toBe('needsWeighing');
    expect(screen.getByTestId('notice').textContent).toContain('Яблоки Гала продаётся на вес.');
  });

  it('asks before cancelling the sale', () => {
    const { send } = show(view('scanning.confirmingCancel', { sale: basket }));
    expect(screen.getByTestId('notice').dataset.kind).toBe('confirmCancel');
    tap('keep-shopping');
    tap('confirm-cancel');
    expect(send.mock.calls).toEqual([[{ type: 'ui.dismiss' }], [{ type: 'ui.confirmCancel' }]]);
  });

  it('tells the shopper a cancelled payment kept the basket', () => {
    show(view('scanning.paymentCancelled', { sale: basket, notice: { kind: 'paymentCancelled' } }));
    expect(screen.getByTestId('notice').textContent).toContain('No money was taken. Your items are still in the basket.');
    expect(screen.getAllByTestId('basket-line')).toHaveLength(3);
  });

  it('keeps the language buttons usable while a notice is up', () => {
    const { send } = show(view('scanning.unknownItem', { notice: { kind: 'unknownItem', code: '1' } }));
    expect(screen.getByTestId('language-bg').closest('[inert]')).toBeNull();
    tap('language-bg');
    expect(send).toHaveBeenCalledWith({ type: 'ui.setLanguage', language: 'bg' });
  });
});

describe('payment', () => {
  const paying = { sale: basket, payment: { attempt: 1, reference: 'L03-e7f3a1-000042-P1', amountMinor: 580 } };

  it('points at the card terminal and can cancel', () => {
    const { send } = show(view('payment.authorizing', paying));
    const root = screen.getByTestId('screen-payment-authorizing');
    expect(root.textContent).toContain('Follow the instructions on the card terminal');
    expect(screen.getByTestId('payment-amount').textContent).toBe('€5.80');
    tap('cancel-payment');
    expect(send).toHaveBeenCalledWith({ type: 'ui.cancelPayment' });
  });

  it('shows "finish paying first" as a message that can be dismissed', () => {
    const { send } = show(view('payment.authorizing', { ...paying, notice: { kind: 'finishPaymentFirst' } }));
    expect(screen.getByTestId('notice').dataset.kind).toBe('finishPaymentFirst');
    tap('dismiss');
    expect(send).toHaveBeenCalledWith({ type: 'ui.dismiss' });
  });

  it('says what the card terminal is asking for', () => {
    show(view('payment.authorizing', { ...paying, language: 'lv', payment: { ...paying.payment, prompt: 'enterPin' } }));
    expect(screen.getByTestId('payment-prompt').textContent).toBe('Ievadiet PIN kodu karšu terminālī.');
  });

  it('shows a wait while an uncertain attempt is settled, with nothing to press', () => {
    show(view('payment.settlingForRetry', paying));
    expect(screen.getByTestId('screen-payment-settlingForRetry').textContent).toContain('Checking the last payment…');
    expect(screen.queryByTestId('cancel-payment')).toBeNull();
  });

  it('waits while cancelling, with nothing to tap', () => {
    show(view('payment.cancelling', paying));
    expect(screen.getByTestId('screen-payment-cancelling').textContent).toContain('Cancelling…');
    expect(screen.queryByTestId('cancel-payment')).toBeNull();
  });

  it('explains a declined card in Russian and offers to retry or go back', () => {
    const failure = { kind: 'declined', reference: 'L03-e7f3a1-000042-P1', reason: 'insufficientFunds' } as const;
    const { send } = show(view('payment.failed', { ...paying, language: 'ru', payment: { ...paying.payment, failure } }));
    expect(screen.getByTestId('payment-failure').textContent).toBe('Банк отклонил оплату: недостаточно средств. Попробуйте другую карту.');
    tap('retry-payment');
    tap('back-to-basket');
    expect(send.mock.calls).toEqual([[{ type: 'ui.retryPayment' }], [{ type: 'ui.backToBasket' }]]);
  });

  it('explains a timeout in English', () => {
    show(view('payment.failed', { ...paying, payment: { ...paying.payment, failure: { kind: 'timedOut', reference: 'r' } } }));
    expect(screen.getByTestId('payment-failure').textContent).toBe('The card terminal took too long to answer. Please try again.');
  });
});

describe('receipt', () => {
  const paid = sale(basket.lines, {
    status: 'completed',
    closedAt: Date.UTC(2025, 2, 7, 14, 5),
    payments: [{ tender: 'card', reference: 'P1', amountMinor: 580, authCode: 'A1', maskedPan: '**** 4242', scheme: 'Visa', at: 0 }],
  });

  it('prints, then thanks the shopper', () => {
    show(view('receipt.printing', { closedSale: paid, receipt: { status: 'printing' } }));
    expect(screen.getByTestId('screen-receipt-printing').textContent).toContain('Printing your receipt…');
    cleanup();
    const { send } = show(view('receipt.done', { closedSale: paid, receipt: { status: 'printed' }, language: 'lv' }));
    expect(screen.getByTestId('screen-receipt-done').textContent).toContain('Paldies!');
    expect(plain(screen.getByTestId('paid-amount').textContent)).toBe('Samaksāts: 5,80 €');
    tap('finish');
    expect(send).toHaveBeenCalledWith({ type: 'ui.finish' });
  });

  it('says the purchase is complete when the receipt did not print', () => {
    const { send } = show(view('receipt.printFailed', { closedSale: paid, receipt: { status: 'failed', reason: 'paperEnd' } }));
    const text = screen.getByTestId('screen-receipt-printFailed').textContent;
    expect(text).toContain('Your purchase is complete.');
    expect(text).toContain('The receipt could not be printed. If you need one, please ask an assistant.');
    tap('reprint');
    tap('finish');
    expect(send.mock.calls).toEqual([[{ type: 'ui.reprint' }], [{ type: 'ui.finish' }]]);
  });
});

describe('devices', () => {
  const devices = { scanner: { kind: 'ready', warnings: [] }, printer: { kind: 'fault', faults: ['paperEnd', 'coverOpen'] }, paymentTerminal: { kind: 'lost', reason: 'cable' } } as const;

  it('closes the lane with the problems listed', () => {
    show(view('outOfService', { devices, language: 'ru' }));
    const root = screen.getByTestId('screen-outOfService');
    expect(root.textContent).toContain('Эта касса закрыта');
    expect(screen.getAllByTestId('device-problem').map((li) => li.textContent)).toEqual(['Принтер чеков: закончилась бумага, открыта крышка', 'Терминал оплаты: не подключён']);
  });

  it('shows a banner during a sale when a device is not ready', () => {
    show(view('scanning.ready', { sale: basket, devices }));
    const banner = screen.getByTestId('device-banner');
    expect(banner.textContent).toContain('Receipt printer: out of paper, cover open. You can still pay, but your receipt may not print.');
    expect(banner.textContent).toContain('Card terminal: not connected. Please ask an assistant before you pay.');
    cleanup();
    show(view('scanning.ready', { sale: basket }));
    expect(screen.queryByTestId('device-banner')).toBeNull();
    cleanup();
    show(view('receipt.done', { devices }));
    expect(screen.queryByTestId('device-banner')).toBeNull();
  });
});

describe('every screen', () => {
  const states: [string, Parameters<typeof view>[1]][] = [
    ['idle', {}],
    ['outOfService', {}],
    ['closed', {}],
    ['maintenance', {}],
    ['scanning.ready', { sale: basket }],
    ['scanning.awaitingAgeCheck', { sale: basket }],
    ['scanning.skipBaggingNeedsAssistant', { sale: basket }],
    ['payment.choosing', { sale: basket }],
    ['payment.atAssistant', { sale: basket }],
    ['scanning.unknownItem', { notice: { kind: 'unknownItem', code: '1' } }],
    ['scanning.confirmingCancel', { sale: basket }],
    ['payment.authorizing', { sale: basket }],
    ['payment.cancelling', { sale: basket }],
    ['payment.failed', { sale: basket }],
    ['receipt.printing', {}],
    ['receipt.done', {}],
    ['receipt.printFailed', {}],
    ['somewhere.new', {}],
  ];

  it.each(states)('%s has its test id and one switcher with all four languages', (state, overrides) => {
    show(view(state, overrides));
    const root = screen.getByTestId(`screen-${state.replaceAll('.', '-')}`);
    expect(root.dataset.state).toBe(state);
    for (const language of languages) expect(within(root).getAllByTestId(`language-${language}`)).toHaveLength(1);
  });
});

describe('connection and latency trace', () => {
  it('covers the last view while disconnected, and shows only the overlay before the first view', () => {
    show(view('scanning.ready', { sale: basket, language: 'bg' }), false);
    expect(screen.getByTestId('connecting').textContent).toContain('Свързване с касата…');
    expect(screen.getAllByTestId('basket-line')).toHaveLength(3);
    cleanup();
    render(<Kiosk view={null} connected={false} send={vi.fn()} />);
    expect(screen.getByTestId('connecting').textContent).toContain('Connecting to the lane…');
  });

  it('records when a traced view reaches the screen', async () => {
    window.__lanewiseRenderTrace = [];
    const trace = { id: 7, firstByteAt: 1, receivedAt: 2, decodedAt: 3, committedAt: 4, publishedAt: 5 };
    show(view('scanning.ready', { sale: basket }, { trace }));
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    expect(window.__lanewiseRenderTrace).toHaveLength(1);
    expect(window.__lanewiseRenderTrace[0]!.id).toBe(7);
    expect(window.__lanewiseRenderTrace[0]!.renderedAt).toBeGreaterThan(Date.now() - 10_000);
  });
});
