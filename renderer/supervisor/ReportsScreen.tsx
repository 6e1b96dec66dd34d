import { useEffect, useMemo, useState } from 'react';
import type { Report, ReportRequest } from '../../shared/supervisor/stationService';
import { useKioskText } from '../kiosk/i18n';
import { HourlyChart, KindChart } from './charts';
import { downloadCsv } from './download';
import { formatElapsed, formatHour, localDateString } from './format';
import { useStationStore } from './stationContext';
import { interventionName } from './stationText';

/** The shift running at a local hour: the last one started by then (the night shift runs past midnight). */
function shiftAt(shifts: readonly number[], hour: number): number | null {
  const sorted = [...shifts].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return sorted.filter((start) => start <= hour).at(-1) ?? sorted.at(-1) ?? null;
}

function shiftLabel(shifts: readonly number[], start: number): string {
  const sorted = [...shifts].sort((a, b) => a - b);
  const next = sorted.find((candidate) => candidate > start) ?? sorted[0] ?? start;
  return `${formatHour(start)}–${formatHour(next)}`;
}

type Loaded = { readonly key: string; readonly report: Report } | { readonly key: string; readonly failed: true };

/** A day's or a shift's figures with two charts, and the same as CSV. */
export function ReportsScreen({ shifts }: { shifts: readonly number[] }) {
  const { t } = useKioskText();
  const store = useStationStore();
  const [kind, setKind] = useState<ReportRequest['kind']>('day');
  const [date, setDate] = useState(() => localDateString(store.hubNow()));
  const [shift, setShift] = useState<number | null>(() => shiftAt(shifts, new Date(store.hubNow()).getHours()));
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [exportProblem, setExportProblem] = useState(false);

  const request = useMemo<ReportRequest | null>(() => {
    if (!/^\d{4}-\d{2}-\d{2}$/u.test(date)) return null;
    if (kind === 'day') return { kind: 'day', date };
    return shift === null ? null : { kind: 'shift', date, shift };
  }, [kind, date, shift]);
  const key = request ? JSON.stringify(request) : '';

  useEffect(() => {
    if (!request) return;
    let current = true;
    store.report(request).then(
      (report) => current && setLoaded({ key: JSON.stringify(request), report }),
      () => current && setLoaded({ key: JSON.stringify(request), failed: true }),
    );
    return () => {
      current = false;
    };
  }, [store, request]);

  const shown = loaded && loaded.key === key ? loaded : null;
  const exportCsv = () => {
    if (!request) return;
    setExportProblem(false);
    store.exportReportCsv(request).then(
      ({ filename, csv }) => downloadCsv(filename, csv),
      () => setExportProblem(true),
    );
  };

  return (
    <main className="st-page st-reports" data-testid="reports">
      <div className="st-page__head">
        <h1 className="st-page__title">{t('station.reports.title')}</h1>
      </div>
      <div className="st-toolbar">
        <div className="st-choices" role="group" aria-label={t('station.reports.period')}>
          <button type="button" className="st-btn st-choice" aria-pressed={kind === 'day'} data-testid="report-kind-day" onClick={() => setKind('day')}>
            {t('station.reports.day')}
          </button>
          <button type="button" className="st-btn st-choice" aria-pressed={kind === 'shift'} data-testid="report-kind-shift" disabled={shifts.length === 0} onClick={() => setKind('shift')}>
            {t('station.reports.shift')}
          </button>
        </div>
        <label className="st-field st-field--inline">
          <span className="st-field__label">{t('station.reports.date')}</span>
          <input className="st-field__input" type="date" data-testid="report-date" value={date} onChange={(event) => setDate(event.target.value)} />
        </label>
        {kind === 'shift' && (
          <label className="st-field st-field--inline">
            <span className="st-field__label">{t('station.reports.shift')}</span>
            <select className="st-field__input" data-testid="report-shift" value={shift ?? ''} onChange={(event) => setShift(event.target.value === '' ? null : Number(event.target.value))}>
              {[...shifts]
                .sort((a, b) => a - b)
                .map((start) => (
                  <option key={start} value={start}>
                    {shiftLabel(shifts, start)}
                  </option>
                ))}
            </select>
          </label>
        )}
        <button type="button" className="st-btn st-btn--primary" data-testid="report-export" disabled={!request} onClick={exportCsv}>
          {t('station.export')}
        </button>
        {exportProblem && (
          <p className="st-warning" role="alert" data-testid="report-export-failed">
            {t('station.exportFailed')}
          </p>
        )}
      </div>
      {!shown ? (
        <p className="st-muted">{request ? t('station.loading') : t('station.reports.chooseDate')}</p>
      ) : 'failed' in shown ? (
        <p className="st-warning" role="alert">
          {t('station.loadFailed')}
        </p>
      ) : (
        <ReportFigures report={shown.report} />
      )}
    </main>
  );
}

function ReportFigures({ report }: { report: Report }) {
  const { t, money, locale } = useKioskText();
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const seconds = new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1 });
  const perSale = Object.entries(report.interventionsPerSale).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0);
  const figure = (testId: string, label: string, value: string) => (
    <div className="st-figure" key={testId}>
      <dt className="st-figure__label">{label}</dt>
      <dd className="st-figure__value" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
  return (
    <>
      <dl className="st-figures">
        {figure('report-sales', t('station.reports.sales'), String(report.sales))}
        {figure('report-completed', t('station.reports.completed'), String(report.completedSales))}
        {figure('report-abandoned', t('station.reports.abandoned'), String(report.abandonedSales))}
        {figure('report-self-service', t('station.reports.selfService'), report.selfServiceRate === null ? '—' : percent.format(report.selfServiceRate))}
        {figure('report-total', t('station.reports.total'), report.currency ? money(report.salesTotalMinor, report.currency) : '—')}
        {figure('report-interventions', t('station.reports.interventions'), String(report.interventions))}
        {figure('report-wait', t('station.reports.averageWait'), report.averageWaitMs === null ? '—' : formatElapsed(report.averageWaitMs))}
        {figure('report-time-per-item', t('station.reports.timePerItem'), report.averageTimePerItemMs === null ? '—' : seconds.format(report.averageTimePerItemMs / 1000))}
      </dl>
      <section className="st-panel" aria-label={t('station.reports.perSale')}>
        <h2 className="st-panel__title">{t('station.reports.perSale')}</h2>
        {perSale.length === 0 ? (
          <p className="st-muted">{t('station.reports.noInterventions')}</p>
        ) : (
          <ul className="st-per-sale" data-testid="report-per-sale">
            {perSale.map(([kind, rate]) => (
              <li key={kind} data-kind={kind}>
                <span>{interventionName(t, kind)}</span> <strong>{decimal.format(rate)}</strong>
              </li>
            ))}
          </ul>
        )}
      </section>
      <div className="st-charts">
        <HourlyChart byHour={report.byHour} />
        <KindChart counts={report.interventionCounts} />
      </div>
      {report.byLane.length > 0 && (
        <div className="st-table-frame">
          <table className="st-table" data-testid="report-by-lane">
            <thead>
              <tr>
                <th scope="col">{t('station.audit.lane')}</th>
                <th scope="col">{t('station.reports.sales')}</th>
                <th scope="col">{t('station.reports.interventions')}</th>
                <th scope="col">{t('station.reports.selfService')}</th>
              </tr>
            </thead>
            <tbody>
              {report.byLane.map((lane) => (
                <tr key={lane.laneId}>
                  <td>{lane.laneId}</td>
                  <td>{lane.sales}</td>
                  <td>{lane.interventions}</td>
                  <td>{lane.selfServiceRate === null ? '—' : percent.format(lane.selfServiceRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
