import { useEffect, useMemo, useRef } from 'react';
import type { LaneView } from '../../shared/bridge/laneView';
import type { TranslateFn } from '../../shared/i18n';
import { useKioskText } from './i18n';

/**
 * Spoken prompts at the steps where shoppers get stuck or must act, in the shopper's language,
 * with the browser's speech synthesis (the kiosk needs no audio files). Only on entering the
 * step: a voice repeating itself is worse than none. Where the browser has no voice for the
 * language, nothing is said (the screen says it anyway).
 */
export function spokenPromptFor(state: string, view: LaneView, t: TranslateFn): string | null {
  switch (state) {
    case 'scanning.weighing':
      return t('weighing.status.placeItem');
    case 'scanning.baggingMismatch': {
      const kind = view.context.bagging?.mismatch?.kind;
      return kind ? `${t(`bagging.${kind}.title`)}. ${t(`bagging.${kind}.body`)}` : null;
    }
    case 'scanning.stillThere':
      return t('stillThere.title');
    case 'payment.authorizing':
      return t('payment.prompt.presentCard');
    case 'payment.failed':
      return t('payment.failed.title');
    // Waiting for an assistant: said, so a shopper who looked away knows to stay.
    case 'scanning.awaitingAgeCheck':
      return `${t('age.waiting.title')}. ${t('age.waiting.body')}`;
    case 'payment.choosing':
      return t('payment.choose.title');
    case 'payment.atAssistant':
      return t('payment.atAssistant.title');
    case 'receipt.done':
      return view.context.closedSale?.status === 'suspended' ? t('suspended.body') : t('receipt.done.body');
    default:
      return null;
  }
}

/** The slice of the Web Speech API used here (so tests and browsers without it are easy). */
export interface Speaker {
  speak(text: string, locale: string): void;
  cancel(): void;
}

export function browserSpeaker(): Speaker | null {
  const synthesis = typeof window === 'undefined' ? undefined : window.speechSynthesis;
  if (!synthesis || typeof SpeechSynthesisUtterance === 'undefined') return null;
  return {
    speak(text, locale) {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = locale;
      // Slightly slower than default: shoppers hear it across a noisy store, many not in their first language.
      utterance.rate = 0.9;
      synthesis.speak(utterance);
    },
    cancel: () => synthesis.cancel(),
  };
}

/** Speaks the prompt of each key step the lane enters. */
export function SpokenPrompts({ view, speaker: given }: { view: LaneView; speaker?: Speaker | null | undefined }) {
  const { t, locale } = useKioskText();
  const speaker = useMemo(() => (given === undefined ? browserSpeaker() : given), [given]);
  const lastState = useRef<string | null>(null);
  useEffect(() => {
    if (!speaker || view.state === lastState.current) return;
    lastState.current = view.state;
    const prompt = spokenPromptFor(view.state, view, t);
    // A new step cuts the previous prompt short: it is about something that is over.
    speaker.cancel();
    if (prompt) speaker.speak(prompt, locale);
  }, [view, speaker, t, locale]);
  return null;
}
