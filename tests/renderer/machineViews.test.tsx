// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { stateToPath, type LaneView } from '../../shared/bridge/laneView';
import type { CheckoutEvent, UiEvent } from '../../shared/checkout/events';
import { checkoutMachine } from '../../shared/checkout/machine';
import { itemCount, saleTotalMinor, type NewLine } from '../../shared/checkout/sale';
import type { PaymentOutcome, PaymentRequest } from '../../shared/payment';
import { Kiosk } from '../../renderer/kiosk/Kiosk';
import { lane, milk } from './fixtures';

afterEach(cleanup);

/**
 * The screens driven by the real statechart, with views made the way the lane makes them,
 * so a renamed state or context field shows up here rather than on a shopper's screen.
 */
describe('screens for the statechart’s own views', () => {
  it('walks from the welcome screen through a scan to the card terminal', () => {
    const actor = createActor(
      checkoutMachine.provide({
        actors: {
          authorizePayment: fromPromise<PaymentOutcome, PaymentRequest>(() => new Promise(() => {})),
        },
      }),
      { input: { lane: { ...lane, defaultLanguage: 'lv' } } },
    );
    actor.start();
    let version = 0;
    const viewNow = (): LaneView => {
      const snapshot = actor.getSnapshot();
      const lines = snapshot.context.sale?.lines ?? [];
      return { version: ++version, state: stateToPath(snapshot.value), context: snapshot.context, totalMinor: saleTotalMinor(lines), itemCount: itemCount(lines) };
    };
    const sent: UiEvent[] = [];
    const send = (event: UiEvent) => {
      sent.push(event);
      actor.send(event);
      rerender(<Kiosk view={viewNow()} connected send={send} />);
    };
    const { rerender } = render(<Kiosk view={viewNow()} connected send={send} />);
    expect(screen.getByTestId('screen-outOfService').textContent).toContain('Šī kase ir slēgta');

    const deviceUp = (role: 'scanner' | 'printer' | 'paymentTerminal'): CheckoutEvent => ({ type: 'device.statusChanged', role, status: { kind: 'ready', warnings: [] } });
    for (const role of ['scanner', 'printer', 'paymentTerminal'] as const) actor.send(deviceUp(role));
    rerender(<Kiosk view={viewNow()} connected send={send} />);
    fireEvent.click(screen.getByTestId('language-en'));
    expect(screen.getByTestId('screen-idle').textContent).toContain('Scan an item to start');

    const { lineId: _lineId, ...line } = milk;
    const newLine: NewLine = { ...line, quantity: 1, priceMinor: milk.unitPriceMinor };
    actor.send({ type: 'scanner.scanned', code: milk.scannedCode, outcome: { kind: 'item', line: newLine } });
    actor.send({ type: 'scanner.scanned', code: milk.scannedCode, outcome: { kind: 'item', line: newLine } });
    rerender(<Kiosk view={viewNow()} connected send={send} />);
    expect(screen.getAllByTestId('basket-line')).toHaveLength(1);
    expect(screen.getByTestId('item-count').textContent).toBe('2 items');
    expect(screen.getByTestId('basket-total').textContent).toBe('€2.38');

    actor.send({ type: 'scanner.scanned', code: '123', outcome: { kind: 'rejected', reason: 'wrongLength' } });
    rerender(<Kiosk view={viewNow()} connected send={send} />);
    expect(screen.getByTestId('notice').textContent).toContain('Only part of this barcode was read.');
    fireEvent.click(screen.getByTestId('dismiss'));
    expect(screen.getByTestId('screen-scanning-ready')).toBeTruthy();

    fireEvent.click(screen.getByTestId('pay'));
    expect(screen.getByTestId('screen-payment-choosing')).toBeTruthy();
    expect(screen.getByTestId('payment-amount').textContent).toBe('€2.38');
    fireEvent.click(screen.getByTestId('pay-card'));
    expect(screen.getByTestId('screen-payment-authorizing')).toBeTruthy();
    expect(screen.getByTestId('payment-amount').textContent).toBe('€2.38');
    fireEvent.click(screen.getByTestId('cancel-payment'));
    expect(screen.getByTestId('screen-payment-cancelling')).toBeTruthy();
    expect(sent.map((e) => e.type)).toEqual(['ui.setLanguage', 'ui.dismiss', 'ui.pay', 'ui.payByCard', 'ui.cancelPayment']);
    actor.stop();
  });
});
