export type InstantResult = { readonly ok: true; readonly epochMs: number } | { readonly ok: false; readonly message: string };

/** The machine's time zone: what a date without a time means when `--time-zone` is not given. */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Throws a RangeError naming the zone when Intl does not know it (a typo in `--time-zone`). */
export function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(`unknown time zone "${timeZone}" (an IANA name such as Europe/Riga)`);
  }
}

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/u;
const withOffset = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/u;
const withoutOffset = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/u;

function realDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * When a scheduled price starts, as store IT writes it:
 * - ISO 8601 with an offset or Z (`2026-12-01T06:00:00+02:00`, `2026-12-01T04:00Z`): that instant;
 * - a date alone (`2026-12-01`): midnight at the start of that day in `timeZone` (the store's);
 * - a date and time without an offset: refused, since it is not clear whose clock it is on.
 */
export function parseImportInstant(text: string, timeZone: string): InstantResult {
  const written = text.trim();
  const date = dateOnly.exec(written);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    if (!realDate(year, month, day)) return { ok: false, message: `"${written}" is not a date` };
    return { ok: true, epochMs: localMidnight(year, month, day, timeZone) };
  }
  const instant = withOffset.exec(written);
  if (instant) {
    const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((group) => Number(instant[group] ?? 0)) as [number, number, number, number, number, number];
    if (!realDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return { ok: false, message: `"${written}" is not a real date and time` };
    const epochMs = Date.parse(written);
    if (Number.isNaN(epochMs) || epochMs < 0) return { ok: false, message: `"${written}" is not a usable date and time` };
    return { ok: true, epochMs };
  }
  if (withoutOffset.test(written)) return { ok: false, message: `"${written}" has no UTC offset: add one (e.g. +02:00) or Z, or give only the date for midnight in ${timeZone}` };
  return { ok: false, message: `"${written}": write a date (2026-12-01, midnight in ${timeZone}) or an ISO 8601 date and time with an offset (2026-12-01T06:00:00+02:00)` };
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at `epochMs`. */
function offsetAt(epochMs: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(epochMs).map((part) => [part.type, Number(part.value)]));
  const wall = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/** The instant the day starts in `timeZone`; where midnight is skipped by a clock change, the first instant after it. */
export function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  for (const candidate of [first, second]) if (candidate + offsetAt(candidate, timeZone) === wall) return candidate;
  return Math.max(first, second);
}
