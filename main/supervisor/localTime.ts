/**
 * Local dates and hours in a named time zone with nothing but Intl (no time-zone library): the
 * store's reports speak of "the 14:00 shift on 3 March", while everything is stored as epoch ms.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let found = formats.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(timeZone, found);
  }
  return found;
}

interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function localParts(epoch: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const part of format(timeZone).formatToParts(epoch)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** The process's own zone (TZ respected), for callers that were not given one. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Throws a RangeError on a zone Intl does not know. */
export function checkTimeZone(timeZone: string): void {
  format(timeZone);
}

/** Local minus UTC, in ms, at that instant. */
function offsetAt(epoch: number, timeZone: string): number {
  const p = localParts(epoch, timeZone);
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wallAsUtc - Math.floor(epoch / 1000) * 1000;
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isLocalDate(date: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = new Date(Date.UTC(year, month - 1, day));
  return utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day;
}

/**
 * The instant a local wall-clock hour begins on `date` (+ `dayOffset` days). Two passes settle the
 * offset on either side of a DST change; an hour that does not exist (spring forward) lands on
 * the next one that does.
 */
export function localHourStart(date: string, hour: number, timeZone: string, dayOffset = 0): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day + dayOffset, hour);
  let epoch = wall - offsetAt(wall, timeZone);
  epoch = wall - offsetAt(epoch, timeZone);
  return epoch;
}

/** The local hour (0–23) at an instant. */
export function localHour(epoch: number, timeZone: string): number {
  return localParts(epoch, timeZone).hour;
}

/** The local date (YYYY-MM-DD) at an instant. */
export function localDate(epoch: number, timeZone: string): string {
  const p = localParts(epoch, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
