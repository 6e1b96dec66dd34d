// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LaneView } from '../../shared/bridge/laneView';
import type { UiEvent } from '../../shared/checkout/events';
import { Kiosk } from '../../renderer/kiosk/Kiosk';
import type { Speaker } from '../../renderer/kiosk/spokenPrompts';
import { basket, view } from './fixtures';

afterEach(cleanup);

function speakerSpy() {
  const said: { text: string; locale: string }[] = [];
  const speaker: Speaker = { speak: (text, locale) => said.push({ text, locale }), cancel: vi.fn() };
  return { speaker, said };
}

function kiosk(v: LaneView, speaker: Speaker) {
  return <Kiosk view={v} connected send={vi.fn<(event: UiEvent) => void>()} speaker={speaker} />;
}

describe('spoken prompts', () => {
  it('say each key step once, in the shopper’s language', () => {
    const { speaker, said } = speakerSpy();
    const { rerender } = render(kiosk(view('scanning.ready', { sale: basket, language: 'ru' }), speaker));
    expect(said).toEqual([]);
    rerender(kiosk(view('payment.authorizing', { sale: basket, language: 'ru' }), speaker));
    expect(said).toEqual([{ text: 'Вставьте, приложите или проведите карту.', locale: 'ru-RU' }]);
    // The same step again (a new view, e.g. a terminal prompt): not repeated.
    rerender(kiosk(view('payment.authorizing', { sale: basket, language: 'ru' }), speaker));
    expect(said).toHaveLength(1);
    rerender(kiosk(view('receipt.done', { sale: null, language: 'ru' }), speaker));
    expect(said.at(-1)?.locale).toBe('ru-RU');
    expect(said).toHaveLength(2);
  });

  it('explain a bagging alert in words', () => {
    const { speaker, said } = speakerSpy();
    render(kiosk(view('scanning.baggingMismatch', { sale: basket, bagging: { expectedGrams: 0, pending: [], mismatch: { kind: 'unexpectedItem', extraGrams: 500 } } }), speaker));
    expect(said[0]?.text).toContain('Unexpected item in the bagging area');
  });

  it('tell a shopper waiting for an assistant why, and how to pay', () => {
    const { speaker, said } = speakerSpy();
    const { rerender } = render(kiosk(view('scanning.awaitingAgeCheck', { sale: basket, language: 'lv' }), speaker));
    expect(said.at(-1)).toEqual({ text: expect.stringContaining('dokument') as string, locale: 'lv-LV' });
    rerender(kiosk(view('payment.choosing', { sale: basket }), speaker));
    expect(said.at(-1)?.text).toBe('How would you like to pay?');
    rerender(kiosk(view('payment.atAssistant', { sale: basket }), speaker));
    expect(said.at(-1)?.text).toBe('An assistant is coming to take your payment');
  });
});
