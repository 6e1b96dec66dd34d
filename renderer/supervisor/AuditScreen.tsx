import { useCallback, useEffect, useState } from 'react';
import { auditActionKey, auditOutcomeKey } from '../../shared/i18n/stationTerms';
import type { AuditEntry } from '../../shared/supervisor/stationService';
import { useKioskText } from '../kiosk/i18n';
import { downloadCsv } from './download';
import { localDateString, startOfLocalDay } from './format';
import { useStationStore } from './stationContext';

/** Rows fetched at a time: a shift's worth at a busy island, and a table a phone still scrolls smoothly. */
const pageSize = 100;

interface Loaded {
  readonly entries: readonly AuditEntry[];
  readonly status: 'loading' | 'ready' | 'failed';
  /** The last page was full: there may be older entries. */
  readonly more: boolean;
}

/** The audit trail, newest first, and its export as CSV for a day or a range of days. */
export function AuditScreen() {
  const { t, locale } = useKioskText();
  const store = useStationStore();
  const [loaded, setLoaded] = useState<Loaded>({ entries: [], status: 'loading', more: false });
  const today = localDateString(store.hubNow());
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [exportProblem, setExportProblem] = useState(false);

  const fetchPage = useCallback(
    (before: number | undefined, previous: readonly AuditEntry[]) => {
      store.audit(before === undefined ? { limit: pageSize } : { limit: pageSize, before }).then(
        ({ entries }) => setLoaded({ entries: [...previous, ...entries], status: 'ready', more: entries.length >= pageSize }),
        () => setLoaded({ entries: previous, status: 'failed', more: false }),
      );
    },
    [store],
  );

  useEffect(() => fetchPage(undefined, []), [fetchPage]);

  const refresh = () => {
    setLoaded((current) => ({ ...current, status: 'loading' }));
    fetchPage(undefined, []);
  };
  const older = () => {
    const last = loaded.entries.at(-1);
    if (!last) return;
    setLoaded((current) => ({ ...current, status: 'loading' }));
    fetchPage(last.at, loaded.entries);
  };

  const fromMs = startOfLocalDay(from);
  const toMs = startOfLocalDay(to, 1);
  const rangeValid = fromMs !== null && toMs !== null && fromMs < toMs;
  const exportCsv = () => {
    if (fromMs === null || toMs === null || !rangeValid) return;
    setExportProblem(false);
    store.exportAuditCsv({ from: fromMs, to: toMs }).then(
      ({ filename, csv }) => downloadCsv(filename, csv),
      () => setExportProblem(true),
    );
  };

  const when = (at: number) => new Date(at).toLocaleString(locale, { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });

  return (
    <main className="st-page st-audit" data-testid="audit">
      <div className="st-page__head">
        <h1 className="st-page__title">{t('station.audit.title')}</h1>
        <button type="button" className="st-btn" data-testid="audit-refresh" onClick={refresh}>
          {t('station.audit.refresh')}
        </button>
      </div>
      <div className="st-toolbar">
        <label className="st-field st-field--inline">
          <span className="st-field__label">{t('station.audit.from')}</span>
          <input className="st-field__input" type="date" data-testid="audit-from" value={from} max={to} onChange={(event) => setFrom(event.target.value)} />
        </label>
        <label className="st-field st-field--inline">
          <span className="st-field__label">{t('station.audit.to')}</span>
          <input className="st-field__input" type="date" data-testid="audit-to" value={to} min={from} onChange={(event) => setTo(event.target.value)} />
        </label>
        <button type="button" className="st-btn st-btn--primary" data-testid="audit-export" disabled={!rangeValid} onClick={exportCsv}>
          {t('station.export')}
        </button>
        {exportProblem && (
          <p className="st-warning" role="alert" data-testid="audit-export-failed">
            {t('station.exportFailed')}
          </p>
        )}
      </div>
      <div className="st-table-frame">
        <table className="st-table" data-testid="audit-table" aria-busy={loaded.status === 'loading'}>
          <thead>
            <tr>
              <th scope="col">{t('station.audit.time')}</th>
              <th scope="col">{t('station.audit.assistant')}</th>
              <th scope="col">{t('station.audit.role')}</th>
              <th scope="col">{t('station.audit.lane')}</th>
              <th scope="col">{t('station.audit.sale')}</th>
              <th scope="col">{t('station.audit.action')}</th>
              <th scope="col">{t('station.audit.reason')}</th>
              <th scope="col">{t('station.audit.via')}</th>
              <th scope="col">{t('station.audit.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {loaded.entries.map((entry) => {
              const action = auditActionKey(entry.action);
              const outcome = auditOutcomeKey(entry.outcome);
              return (
                <tr key={entry.id} className={entry.outcome === 'done' ? 'st-audit-row' : 'st-audit-row st-audit-row--refused'} data-testid="audit-row" data-action={entry.action} data-outcome={entry.outcome}>
                  <td>
                    <time dateTime={new Date(entry.at).toISOString()}>{when(entry.at)}</time>
                  </td>
                  <td>{entry.assistantName ? `${entry.assistantName} (${entry.assistantId ?? '?'})` : (entry.assistantId ?? '—')}</td>
                  <td>{entry.role ? t(`station.role.${entry.role}`) : '—'}</td>
                  <td>{entry.laneId ?? '—'}</td>
                  <td className="st-table__code">{entry.saleId ?? '—'}</td>
                  <td title={entry.detail ?? undefined}>
                    {/* The words, and the code as the CSV export and the lanes' logs have it, to find the same entry there. */}
                    {action && <span className="st-audit__action">{t(action)}</span>} <code className="st-table__code">{entry.action}</code>
                  </td>
                  <td>{entry.reason ?? ''}</td>
                  <td>{t(`station.via.${entry.via}`)}</td>
                  <td>{outcome ? t(outcome) : entry.outcome}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {loaded.status === 'ready' && loaded.entries.length === 0 && <p className="st-empty">{t('station.audit.empty')}</p>}
        {loaded.status === 'loading' && <p className="st-muted">{t('station.loading')}</p>}
        {loaded.status === 'failed' && (
          <p className="st-warning" role="alert">
            {t('station.loadFailed')}
          </p>
        )}
        {loaded.status === 'ready' && loaded.more && (
          <button type="button" className="st-btn" data-testid="audit-more" onClick={older}>
            {t('station.audit.more')}
          </button>
        )}
      </div>
    </main>
  );
}
