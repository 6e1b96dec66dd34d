// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LaneView } from '../../shared/bridge/laneView';
import type { UiEvent } from '../../shared/checkout/events';
import { languages } from '../../shared/i18n/languages';
import { Kiosk } from '../../renderer/kiosk/Kiosk';
import { basket, view } from './fixtures';

afterEach(cleanup);

function show(v: LaneView) {
  const send = vi.fn<(event: UiEvent) => void>();
  render(<Kiosk view={v} connected send={send} />);
  return send;
}

const helpRequest = { at: 0, state: 'scanning.ready', itemCount: 3, totalMinor: 657, deviceProblems: [], recentEvents: [] };

describe('help', () => {
  it('is on every screen, in every language, and calls an assistant', () => {
    for (const state of ['idle', 'scanning.ready', 'payment.failed', 'receipt.done', 'outOfService', 'parked']) {
      for (const language of languages) {
        const send = show(view(state, { sale: basket, language }));
        const button = screen.getByTestId('help');
        expect(button.textContent?.length, `${state} ${language}`).toBeGreaterThan(0);
        fireEvent.click(button);
        expect(send).toHaveBeenCalledWith({ type: 'ui.callHelp' });
        cleanup();
      }
    }
  });

  it('while an assistant is on the way, says so and lets the shopper cancel the call', () => {
    const send = show(view('scanning.ready', { sale: basket, help: helpRequest }));
    expect(screen.getByTestId('help-banner').textContent).toContain('An assistant is on the way.');
    expect(screen.getByTestId('help').getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByTestId('cancel-help'));
    expect(send).toHaveBeenCalledWith({ type: 'ui.cancelHelp' });
  });
});

describe('inactivity', () => {
  it('asks "are you still there?" over the basket', () => {
    const send = show(view('scanning.stillThere', { sale: basket, language: 'lv' }));
    expect(screen.getByTestId('notice').dataset.kind).toBe('stillThere');
    expect(screen.getByTestId('notice').textContent).toContain('Vai jūs vēl esat šeit?');
    fireEvent.click(screen.getByTestId('still-here'));
    expect(send).toHaveBeenCalledWith({ type: 'ui.dismiss' });
  });

  it('a parked sale keeps the basket and lets the shopper continue', () => {
    const send = show(view('parked', { sale: basket, language: 'bg' }));
    expect(screen.getByTestId('parked').textContent).toContain('Покупките ви са запазени');
    fireEvent.click(screen.getByTestId('continue-shopping'));
    expect(send).toHaveBeenCalledWith({ type: 'ui.dismiss' });
  });
});

describe('high contrast', () => {
  it('is switched by the shopper and drawn from the lane’s state', () => {
    const send = show(view('scanning.ready', { sale: basket }));
    fireEvent.click(screen.getByTestId('high-contrast'));
    expect(send).toHaveBeenCalledWith({ type: 'ui.setHighContrast', on: true });
    cleanup();
    show(view('scanning.ready', { sale: basket, highContrast: true }));
    expect(screen.getByTestId('screen-scanning-ready').className).toContain('screen--contrast');
    expect(screen.getByTestId('high-contrast').getAttribute('aria-pressed')).toBe('true');
  });
});

describe('how-to hints', () => {
  it('show how to weigh while the scale waits for the item, and where to bag while items wait', () => {
    const item = { gtin: '02900000040113', scannedCode: '2900000040113', name: { en: 'Bananas' }, unitPriceMinor: 139, vatClass: 'C', vatRateBp: 500 };
    show(
      view('scanning.weighing', {
        sale: basket,
        devices: { scanner: { kind: 'ready', warnings: [] }, printer: { kind: 'ready', warnings: [] }, paymentTerminal: { kind: 'ready', warnings: [] }, scale: { kind: 'ready', warnings: [] } },
        weighing: { code: item.scannedCode, item },
        scale: { kind: 'stable', weight: { grams: 0, increments: 0, decimals: 3, unit: 'kg' }, net: false },
        zeroSeen: true,
      }),
    );
    expect(screen.getByTestId('how-to-weigh')).toBeTruthy();
    cleanup();
    show(view('scanning.ready', { sale: basket, bagging: { expectedGrams: 0, pending: [{ gtin: '04750001000016', name: { en: 'Milk' }, expectation: { kind: 'learning', minGrams: 10 } }], mismatch: null } }));
    expect(screen.getByTestId('how-to-bag')).toBeTruthy();
    expect(screen.getByTestId('bagging-hint').textContent).toBe('Put Milk in the bagging area.');
  });
});
