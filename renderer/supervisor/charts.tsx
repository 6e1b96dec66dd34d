import type { Report } from '../../shared/supervisor/stationService';
import { useKioskText } from '../kiosk/i18n';
import { formatHour } from './format';
import { severityOf } from './interventions';
import { interventionName } from './stationText';

/**
 * Bar charts as inline SVG: no chart library, nothing fetched, and the page's CSP (no inline
 * styles) holds because colours come from classes in the stylesheet. Each chart is an image
 * with a text alternative that says what the bars say.
 */

const plotHeight = 160;
const barWidth = 10;
const groupGap = 8;
const axisHeight = 22;
const leftMargin = 30;

/** Sales and interventions per hour, side by side. */
export function HourlyChart({ byHour }: { byHour: Report['byHour'] }) {
  const { t } = useKioskText();
  const max = Math.max(1, ...byHour.flatMap((hour) => [hour.sales, hour.interventions]));
  const groupWidth = barWidth * 2 + groupGap;
  const width = leftMargin + Math.max(1, byHour.length) * groupWidth;
  const height = plotHeight + axisHeight;
  // A label under every hour crowds a phone: every second or third hour is enough to read the axis.
  const labelEvery = byHour.length > 16 ? 3 : byHour.length > 8 ? 2 : 1;
  const scale = (value: number) => Math.round((value / max) * (plotHeight - 12));
  const summary = byHour
    .filter((hour) => hour.sales > 0 || hour.interventions > 0)
    .map((hour) => `${formatHour(hour.hour)}: ${t('station.reports.sales')} ${hour.sales}, ${t('station.reports.interventions')} ${hour.interventions}`)
    .join('; ');
  return (
    <figure className="st-chart" data-testid="report-chart-hourly">
      <figcaption className="st-chart__title">{t('station.reports.hourly')}</figcaption>
      <svg className="st-chart__svg" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${t('station.reports.hourly')}. ${summary || t('station.reports.noData')}`} preserveAspectRatio="xMinYMid meet">
        <line className="st-chart__axis" x1={leftMargin - 4} y1={plotHeight} x2={width} y2={plotHeight} />
        <text className="st-chart__tick" x={leftMargin - 8} y={12} textAnchor="end">
          {max}
        </text>
        <text className="st-chart__tick" x={leftMargin - 8} y={plotHeight} textAnchor="end">
          0
        </text>
        {byHour.map((hour, index) => {
          const x = leftMargin + index * groupWidth;
          const sales = scale(hour.sales);
          const interventions = scale(hour.interventions);
          return (
            <g key={hour.hour} data-hour={hour.hour}>
              <rect className="st-chart__bar st-chart__bar--sales" x={x} y={plotHeight - sales} width={barWidth} height={sales} data-value={hour.sales}>
                <title>{`${formatHour(hour.hour)} ${t('station.reports.sales')}: ${hour.sales}`}</title>
              </rect>
              <rect className="st-chart__bar st-chart__bar--interventions" x={x + barWidth} y={plotHeight - interventions} width={barWidth} height={interventions} data-value={hour.interventions}>
                <title>{`${formatHour(hour.hour)} ${t('station.reports.interventions')}: ${hour.interventions}`}</title>
              </rect>
              {index % labelEvery === 0 && (
                <text className="st-chart__tick" x={x + barWidth} y={plotHeight + 16} textAnchor="middle">
                  {hour.hour}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <p className="st-chart__legend">
        <span className="st-legend st-legend--sales">{t('station.reports.sales')}</span>
        <span className="st-legend st-legend--interventions">{t('station.reports.interventions')}</span>
      </p>
    </figure>
  );
}

const rowHeight = 26;
const labelWidth = 190;
const barSpace = 240;

/** How many interventions of each kind, most frequent first, coloured as in the queue. */
export function KindChart({ counts }: { counts: Report['interventionCounts'] }) {
  const { t } = useKioskText();
  const rows = Object.entries(counts)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0)
    .sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...rows.map(([, count]) => count));
  const height = Math.max(1, rows.length) * rowHeight + 4;
  const width = labelWidth + barSpace + 40;
  const summary = rows.map(([kind, count]) => `${interventionName(t, kind)} ${count}`).join('; ');
  return (
    <figure className="st-chart" data-testid="report-chart-interventions">
      <figcaption className="st-chart__title">{t('station.reports.byKind')}</figcaption>
      <svg className="st-chart__svg" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${t('station.reports.byKind')}. ${summary || t('station.reports.noInterventions')}`} preserveAspectRatio="xMinYMid meet">
        {rows.length === 0 && (
          <text className="st-chart__tick" x={0} y={18}>
            {t('station.reports.noInterventions')}
          </text>
        )}
        {rows.map(([kind, count], index) => {
          const y = index * rowHeight + 2;
          const length = Math.max(2, Math.round((count / max) * barSpace));
          return (
            <g key={kind} data-kind={kind}>
              <text className="st-chart__label" x={labelWidth - 8} y={y + 17} textAnchor="end">
                {interventionName(t, kind)}
              </text>
              <rect className={`st-chart__bar st-chart__bar--${severityOf(kind)}`} x={labelWidth} y={y + 3} width={length} height={rowHeight - 8} data-value={count} />
              <text className="st-chart__value" x={labelWidth + length + 6} y={y + 17}>
                {count}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
