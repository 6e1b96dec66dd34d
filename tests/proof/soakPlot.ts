import { renderLineChart } from '../../bench/svgChart';

/** The soak's memory chart: resident memory (MiB) of each process against sales closed. */

export interface MemorySeries {
  /** The process, e.g. `X01`, `hub`, `store`. */
  readonly name: string;
  readonly points: readonly { readonly sales: number; readonly rssMiB: number }[];
}

export interface MemoryPlotOptions {
  readonly title?: string;
  readonly subtitle?: string;
  /** Sales closed when the warm-up ended: a dashed line marks it. */
  readonly warmupSales?: number;
}

/** The chart as SVG text: one `<path data-series>` per process (empty for a process without samples). */
export function renderMemorySvg(series: readonly MemorySeries[], options: MemoryPlotOptions = {}): string {
  return renderLineChart({
    title: options.title ?? 'Resident memory by process against sales closed',
    ...(options.subtitle ? { subtitle: options.subtitle } : {}),
    xLabel: 'Sales closed',
    yLabel: 'Resident memory (MiB)',
    // From zero: growth is read against the whole, not magnified by a cropped axis.
    yMin: 0,
    series: series.map((line) => ({ name: line.name, points: line.points.map((point) => [point.sales, point.rssMiB] as const) })),
    markers: options.warmupSales ? [{ x: options.warmupSales, label: 'warm-up ends' }] : [],
    legend: 'bottom-right',
    width: 900,
    height: 480,
  });
}
