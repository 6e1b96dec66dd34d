import type { InterventionKind } from '../../shared/supervisor/laneStatus';
import type { Report, ReportRequest } from '../../shared/supervisor/stationService';
import type { Db } from '../db/database';
import { checkTimeZone, isLocalDate, localHour, localHourStart, systemTimeZone } from './localTime';

/** Shift start hours when the store has not said otherwise: early, late and night. */
export const defaultShifts: readonly number[] = [6, 14, 22];

export interface ReportOptions {
  /** Local start hours, e.g. [6, 14, 22]; each shift ends when the next begins (the last one at the first one's hour the next day). */
  readonly shifts?: readonly number[];
  /** IANA zone of the store; the hub process's own (TZ) by default. */
  readonly timeZone?: string;
}

/** A request that names no real period (a date that does not exist, a shift the store does not have). */
export class ReportRequestError extends Error {}

/** Throws ReportRequestError unless the list is distinct whole hours 0–23. */
export function checkShifts(shifts: readonly number[]): readonly number[] {
  if (shifts.length === 0 || shifts.some((hour) => !Number.isInteger(hour) || hour < 0 || hour > 23) || new Set(shifts).size !== shifts.length) {
    throw new ReportRequestError('shifts are distinct start hours 0 to 23, e.g. 6,14,22');
  }
  return [...shifts].sort((a, b) => a - b);
}

/** A day is local midnight to midnight; a shift, its start hour to the next shift's. `shift` is the shift's start hour. */
export function reportPeriod(request: ReportRequest, options: ReportOptions = {}): { from: number; to: number; shifts: readonly number[] } {
  const shifts = checkShifts(options.shifts ?? defaultShifts);
  const timeZone = options.timeZone ?? systemTimeZone();
  checkTimeZone(timeZone);
  if (!isLocalDate(request.date)) throw new ReportRequestError(`${request.date} is not a date (YYYY-MM-DD)`);
  if (request.kind === 'day') return { from: localHourStart(request.date, 0, timeZone), to: localHourStart(request.date, 0, timeZone, 1), shifts };
  const index = shifts.indexOf(request.shift);
  if (index < 0) throw new ReportRequestError(`no shift starts at ${request.shift}; shifts start at ${shifts.join(', ')}`);
  const next = shifts[index + 1];
  const from = localHourStart(request.date, request.shift, timeZone);
  const to = next !== undefined ? localHourStart(request.date, next, timeZone) : localHourStart(request.date, shifts[0]!, timeZone, 1);
  return { from, to, shifts };
}

interface SaleRow {
  sale_id: string;
  lane_id: string;
  status: 'completed' | 'cancelled' | 'abandoned' | 'suspended';
  started_at: number;
  closed_at: number;
  item_count: number;
  total_minor: number;
  currency: string;
  assisted: 0 | 1;
}

interface InterventionRow {
  lane_id: string;
  kind: InterventionKind;
  raised_at: number;
}

interface Tally {
  sales: number;
  completed: number;
  selfService: number;
  interventions: number;
}

const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/**
 * A day's or a shift's figures from the hub's `sales` and `interventions`. Sales count in the
 * period they closed in, interventions in the one they were raised in, waits in the one they were
 * cleared in. A completed sale is self-service when no intervention was raised during it: one
 * that named the sale, or (named none, e.g. help before the first scan) was raised at that lane
 * between the sale's start and close.
 */
export function buildReport(db: Db, request: ReportRequest, options: ReportOptions = {}): Report {
  const timeZone = options.timeZone ?? systemTimeZone();
  const { from, to, shifts } = reportPeriod(request, { ...options, timeZone });

  const sales = db
    .prepare(
      `SELECT s.sale_id, s.lane_id, s.status, s.started_at, s.closed_at, s.item_count, s.total_minor, s.currency,
              (EXISTS (SELECT 1 FROM interventions i WHERE i.sale_id = s.sale_id)
               OR EXISTS (SELECT 1 FROM interventions i WHERE i.sale_id IS NULL AND i.lane_id = s.lane_id AND i.raised_at BETWEEN s.started_at AND s.closed_at)) AS assisted
       FROM sales s WHERE s.closed_at >= ? AND s.closed_at < ?`,
    )
    .all(from, to) as SaleRow[];
  const interventions = db.prepare('SELECT lane_id, kind, raised_at FROM interventions WHERE raised_at >= ? AND raised_at < ?').all(from, to) as InterventionRow[];
  const wait = db
    .prepare('SELECT count(*) AS n, sum(cleared_at - raised_at) AS total FROM interventions WHERE cleared_at IS NOT NULL AND cleared_at >= ? AND cleared_at < ?')
    .get(from, to) as { n: number; total: number | null };

  const hours: number[] = [];
  for (let at = from; at < to; at += 3_600_000) {
    const hour = localHour(at, timeZone);
    if (!hours.includes(hour)) hours.push(hour);
  }
  const byHour = new Map(hours.map((hour) => [hour, { hour, sales: 0, interventions: 0 }]));
  const byLane = new Map<string, Tally>();
  const laneTally = (laneId: string): Tally => {
    let tally = byLane.get(laneId);
    if (!tally) byLane.set(laneId, (tally = { sales: 0, completed: 0, selfService: 0, interventions: 0 }));
    return tally;
  };

  let completed = 0;
  let selfService = 0;
  let abandoned = 0;
  let cancelled = 0;
  let totalMinor = 0;
  let saleMs = 0;
  let items = 0;
  const currencies = new Map<string, number>();
  for (const sale of sales) {
    const lane = laneTally(sale.lane_id);
    lane.sales++;
    const hour = byHour.get(localHour(sale.closed_at, timeZone));
    if (hour) hour.sales++;
    currencies.set(sale.currency, (currencies.get(sale.currency) ?? 0) + 1);
    if (sale.status === 'abandoned') abandoned++;
    if (sale.status === 'cancelled') cancelled++;
    if (sale.status !== 'completed') continue;
    completed++;
    lane.completed++;
    totalMinor += sale.total_minor;
    saleMs += Math.max(0, sale.closed_at - sale.started_at);
    items += sale.item_count;
    if (!sale.assisted) {
      selfService++;
      lane.selfService++;
    }
  }

  const counts: Partial<Record<InterventionKind, number>> = {};
  for (const intervention of interventions) {
    counts[intervention.kind] = (counts[intervention.kind] ?? 0) + 1;
    laneTally(intervention.lane_id).interventions++;
    const hour = byHour.get(localHour(intervention.raised_at, timeZone));
    if (hour) hour.interventions++;
  }
  const perSale: Partial<Record<InterventionKind, number>> = {};
  if (sales.length > 0) for (const [kind, count] of Object.entries(counts) as [InterventionKind, number][]) perSale[kind] = count / sales.length;

  const currency = [...currencies].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
  return {
    request,
    from,
    to,
    shifts,
    currency,
    sales: sales.length,
    completedSales: completed,
    abandonedSales: abandoned,
    cancelledSales: cancelled,
    salesTotalMinor: totalMinor,
    selfServiceRate: rate(selfService, completed),
    interventions: interventions.length,
    interventionsPerSale: perSale,
    interventionCounts: counts,
    averageWaitMs: wait.n > 0 && wait.total !== null ? Math.round(wait.total / wait.n) : null,
    averageTimePerItemMs: items > 0 ? Math.round(saleMs / items) : null,
    byHour: [...byHour.values()],
    byLane: [...byLane]
      .sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }))
      .map(([laneId, tally]) => ({ laneId, sales: tally.sales, interventions: tally.interventions, selfServiceRate: rate(tally.selfService, tally.completed) })),
  };
}
