import { stringify } from 'csv-stringify/sync';
import type { AuditEntry, Report, ReportRequest } from '../../shared/supervisor/stationService';

/**
 * CSV for spreadsheets. Text that a spreadsheet would read as a formula (= + - @, or a leading tab
 * or CR that some strip before looking) gets a leading apostrophe: audit reasons and actions come
 * from lanes and typed text, and a cell like `=HYPERLINK(…)` must stay text (OWASP "CSV injection").
 */
export function spreadsheetSafe(cell: string | number | null | undefined): string | number {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return cell;
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function csv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return stringify([header.map(spreadsheetSafe), ...rows.map((row) => row.map(spreadsheetSafe))], { record_delimiter: '\r\n' });
}

export const auditCsvHeader = ['id', 'time', 'assistant_id', 'assistant', 'role', 'lane', 'sale', 'action', 'reason', 'via', 'outcome', 'detail'] as const;

/** One row per entry, times in UTC ISO 8601 (unambiguous whatever the reader's zone). */
export function auditCsv(entries: readonly AuditEntry[]): string {
  return csv(
    auditCsvHeader,
    entries.map((entry) => [
      entry.id,
      new Date(entry.at).toISOString(),
      entry.assistantId,
      entry.assistantName,
      entry.role,
      entry.laneId,
      entry.saleId,
      entry.action,
      entry.reason,
      entry.via,
      entry.outcome,
      entry.detail,
    ]),
  );
}

/** Rates to 4 places: they are shown as percentages, and long binary fractions only confuse a spreadsheet. */
const rounded = (value: number | null): number | null => (value === null ? null : Math.round(value * 10_000) / 10_000);

/**
 * The report in long form (section, key, metric, value), which a spreadsheet can pivot: the
 * summary, interventions by kind, then per hour and per lane.
 */
export function reportCsv(report: Report): string {
  const rows: (string | number | null)[][] = [];
  const period = report.request.kind === 'day' ? report.request.date : `${report.request.date} shift ${report.request.shift}`;
  const summary: [string, string | number | null][] = [
    ['period', period],
    ['from', new Date(report.from).toISOString()],
    ['to', new Date(report.to).toISOString()],
    ['currency', report.currency],
    ['sales', report.sales],
    ['completedSales', report.completedSales],
    ['abandonedSales', report.abandonedSales],
    ['cancelledSales', report.cancelledSales],
    ['salesTotalMinor', report.salesTotalMinor],
    ['selfServiceRate', rounded(report.selfServiceRate)],
    ['interventions', report.interventions],
    ['averageWaitMs', report.averageWaitMs],
    ['averageTimePerItemMs', report.averageTimePerItemMs],
  ];
  for (const [metric, value] of summary) rows.push(['summary', '', metric, value]);
  for (const [kind, count] of Object.entries(report.interventionCounts)) {
    rows.push(['interventionKind', kind, 'count', count ?? 0]);
    rows.push(['interventionKind', kind, 'perSale', rounded(report.interventionsPerSale[kind as keyof Report['interventionsPerSale']] ?? null)]);
  }
  for (const hour of report.byHour) {
    rows.push(['hour', String(hour.hour).padStart(2, '0'), 'sales', hour.sales]);
    rows.push(['hour', String(hour.hour).padStart(2, '0'), 'interventions', hour.interventions]);
  }
  for (const lane of report.byLane) {
    rows.push(['lane', lane.laneId, 'sales', lane.sales]);
    rows.push(['lane', lane.laneId, 'interventions', lane.interventions]);
    rows.push(['lane', lane.laneId, 'selfServiceRate', rounded(lane.selfServiceRate)]);
  }
  return csv(['section', 'key', 'metric', 'value'], rows);
}

/** e.g. `lanewise-report-2025-03-04.csv`, `lanewise-report-2025-03-04-shift-14.csv`. */
export function reportFilename(request: ReportRequest): string {
  return request.kind === 'day' ? `lanewise-report-${request.date}.csv` : `lanewise-report-${request.date}-shift-${String(request.shift).padStart(2, '0')}.csv`;
}
