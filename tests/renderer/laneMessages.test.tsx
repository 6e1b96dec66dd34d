// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LaneView } from '../../shared/bridge/laneView';
import type { UiEvent } from '../../shared/checkout/events';
import { laneMessageKeys } from '../../shared/supervisor/laneMessages';
import { Kiosk } from '../../renderer/kiosk/Kiosk';
import { basket, beer, milk, sale, view } from './fixtures';

afterEach(cleanup);

function show(v: LaneView) {
  const send = vi.fn<(event: UiEvent) => void>();
  render(<Kiosk view={v} connected send={send} speaker={null} />);
  return send;
}

describe('a message from the supervisor station', () => {
  it("shows in the shopper's language with the assistant's name, and OK dismisses it", () => {
    const send = show(view('scanning.ready', { sale: basket, language: 'ru', laneMessage: { key: 'assistantComing', from: 'Anna', at: 1 } }));
    const banner = screen.getByTestId('lane-message');
    expect(banner.textContent).toContain('Anna уже идёт к вам на помощь.');
    expect(banner.getAttribute('role')).toBe('alert');
    fireEvent.click(screen.getByTestId('lane-message-dismiss'));
    expect(send).toHaveBeenCalledWith({ type: 'ui.dismissMessage' });
  });

  it('shows on any screen, every prepared message in words', () => {
    for (const key of laneMessageKeys) {
      for (const state of ['idle', 'scanning.ready', 'payment.choosing']) {
        show(view(state, { sale: state === 'idle' ? null : basket, laneMessage: { key, from: 'Ivan', at: 1 } }));
        const text = screen.getByTestId('lane-message').textContent ?? '';
        expect(text, `${key} ${state}`).not.toContain('laneMessage.');
        expect(text.length, key).toBeGreaterThan(10);
        cleanup();
      }
    }
  });

  it('is not there without a message', () => {
    show(view('scanning.ready', { sale: basket }));
    expect(screen.queryByTestId('lane-message')).toBeNull();
    expect(screen.queryByTestId('void-request')).toBeNull();
  });
});

describe("a shopper's request to take an item off", () => {
  it('says an assistant is coming for it while the shopper carries on, and "Keep it" withdraws it', () => {
    const send = show(view('scanning.ready', { sale: sale([milk, beer]), voidRequest: { lineId: 4, name: beer.name, at: 1 } }));
    const banner = screen.getByTestId('void-request');
    expect(banner.textContent).toContain('Waiting for an assistant to take off Lager 0.5 l.');
    // Scanning goes on: the basket is not behind a dialog.
    expect(screen.getByTestId('screen-scanning-ready').querySelector('main')!.hasAttribute('inert')).toBe(false);
    fireEvent.click(screen.getByTestId('void-request-keep'));
    expect(send).toHaveBeenCalledWith({ type: 'ui.cancelVoidRequest' });
  });

  it("names the item in the shopper's language", () => {
    show(view('scanning.ready', { sale: sale([beer]), language: 'lv', voidRequest: { lineId: 4, name: beer.name, at: 1 } }));
    expect(screen.getByTestId('void-request').textContent).toContain('Alus 0,5 l');
  });

  it('tells the shopper, when refused at the lane, that an assistant has been asked and scanning can go on', () => {
    show(view('scanning.removalNeedsAssistant', { sale: sale([beer]), notice: { kind: 'removalNeedsAssistant', name: beer.name }, voidRequest: { lineId: 4, name: beer.name, at: 1 } }));
    const notice = screen.getByTestId('notice');
    expect(notice.textContent).toContain('Lager 0.5 l can only be removed by an assistant.');
    expect(notice.textContent).toContain('An assistant has been asked: you can carry on scanning.');
    expect(notice.textContent).not.toContain('Press Help');
  });
});
