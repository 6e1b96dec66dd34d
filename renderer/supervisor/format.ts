import { localized, type Language } from '../../shared/i18n/languages';
import { currencyExponent, maximumKeyedAmountMinor } from '../../shared/money';

/** A waiting time or time in state: `m:ss`, or `h:mm:ss` past an hour. Never negative (clocks and pushes can cross). */
export function formatElapsed(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The local calendar date of an instant, as `<input type="date">` and the hub's reports want it: YYYY-MM-DD. */
export function localDateString(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Local midnight at the start of a YYYY-MM-DD date (null for anything else), `days` later if asked. */
export function startOfLocalDay(date: string, days = 0): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const start = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days);
  return Number.isNaN(start.getTime()) ? null : start.getTime();
}

/** A shift's local start hour as "06:00". */
export function formatHour(hour: number): string {
  return `${pad(((hour % 24) + 24) % 24)}:00`;
}

/**
 * An amount typed by an assistant ("1.49", "1,49", "12") in a currency's minor units, or null
 * when it is not one. Read digit by digit: a float never holds the amount.
 */
export function parseAmountMinor(text: string, currency: string): number | null {
  const exponent = currencyExponent(currency);
  const fraction = exponent > 0 ? `(?:[.,](\\d{0,${exponent}}))?` : '';
  const match = new RegExp(`^(\\d{1,9})${fraction}$`).exec(text.trim());
  if (!match) return null;
  const minor = Number(`${match[1]}${(match[2] ?? '').padEnd(exponent, '0')}`);
  return Number.isSafeInteger(minor) && minor <= maximumKeyedAmountMinor ? minor : null;
}

/** An item name sent as text per language (`LocalizedText`, or a plain record from the hub). */
export function nameIn(text: Readonly<Record<string, string>> | undefined, language: Language): string | null {
  if (!text) return null;
  if (typeof text.en === 'string') return localized(text as { en: string }, language);
  return text[language] ?? Object.values(text)[0] ?? null;
}
