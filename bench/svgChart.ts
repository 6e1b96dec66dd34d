/**
 * A small line chart as a standalone SVG document, for the README's "Measured" plots
 * (scan-to-screen latency distribution, soak memory). Hand-written because the charts are
 * simple and a plotting library would pull a canvas or a browser into the benchmarks.
 */

export interface ChartSeries {
  readonly name: string;
  /** Points in data units, in x order. */
  readonly points: readonly (readonly [x: number, y: number])[];
}

export interface ChartMarker {
  /** A vertical line at this x (a target, a warm-up end). */
  readonly x: number;
  readonly label: string;
}

export interface LineChart {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly markers?: readonly ChartMarker[];
  /** Data range; each defaults to the data's own extent (y from 0). */
  readonly xMax?: number;
  readonly yMax?: number;
  readonly yMin?: number;
  readonly width?: number;
  readonly height?: number;
  /** Where the legend goes: the corner the lines leave empty. */
  readonly legend?: 'top-left' | 'top-right' | 'bottom-right';
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** Escapes text for SVG character data and attribute values. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char]!);
}

/** Round tick steps (1, 2, 5 × 10ⁿ) giving about `count` ticks over [min, max]. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough)!;
  const ticks: number[] = [];
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

function formatTick(value: number): string {
  return Math.abs(value) >= 10_000 ? value.toLocaleString('en') : String(Number(value.toPrecision(6)));
}

export function renderLineChart(chart: LineChart): string {
  const width = chart.width ?? 800;
  const height = chart.height ?? 450;
  const margin = { left: 72, right: 24, top: chart.subtitle ? 64 : 48, bottom: 56 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;

  const xs = chart.series.flatMap((series) => series.points.map(([x]) => x));
  const ys = chart.series.flatMap((series) => series.points.map(([, y]) => y));
  const xMin = 0;
  const xMax = chart.xMax ?? Math.max(1, ...xs, ...(chart.markers ?? []).map((marker) => marker.x));
  const yMin = chart.yMin ?? 0;
  const yMax = chart.yMax ?? Math.max(yMin + 1, ...ys) * 1.05;
  const toX = (x: number) => margin.left + ((Math.min(Math.max(x, xMin), xMax) - xMin) / (xMax - xMin)) * plotWidth;
  const toY = (y: number) => margin.top + plotHeight - ((Math.min(Math.max(y, yMin), yMax) - yMin) / (yMax - yMin)) * plotHeight;
  const fixed = (value: number) => value.toFixed(1);

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`);
  if (chart.subtitle) parts.push(`<text x="${width / 2}" y="42" text-anchor="middle" fill="#555">${escapeXml(chart.subtitle)}</text>`);

  for (const tick of niceTicks(yMin, yMax)) {
    const y = fixed(toY(tick));
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${margin.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(tick)}</text>`);
  }
  for (const tick of niceTicks(xMin, xMax)) {
    const x = fixed(toX(tick));
    parts.push(`<line x1="${x}" x2="${x}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight + 5}" stroke="#333"/>`);
    parts.push(`<text x="${x}" y="${margin.top + plotHeight + 18}" text-anchor="middle">${formatTick(tick)}</text>`);
  }
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${margin.left + plotWidth / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`);
  parts.push(`<text transform="translate(18 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`);

  for (const marker of chart.markers ?? []) {
    const x = fixed(toX(marker.x));
    parts.push(`<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#777" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${x}" y="${margin.top + 14}" dx="4" fill="#555">${escapeXml(marker.label)}</text>`);
  }

  // Roughly 6.5 px per character at 12 px sans-serif.
  const legendTextWidth = Math.max(...chart.series.map((series) => series.name.length)) * 6.5;
  chart.series.forEach((series, index) => {
    const color = palette[index % palette.length]!;
    // A series without points keeps an empty path, so paths and legend entries still match.
    const path = series.points.map(([x, y], point) => `${point === 0 ? 'M' : 'L'}${fixed(toX(x))} ${fixed(toY(y))}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2" data-series="${escapeXml(series.name)}"><title>${escapeXml(series.name)}</title></path>`);
    const legendY = chart.legend === 'bottom-right' ? margin.top + plotHeight - 16 - (chart.series.length - 1 - index) * 18 : margin.top + 34 + index * 18;
    const legendX = chart.legend === 'top-left' ? margin.left + 16 : margin.left + plotWidth - 40 - legendTextWidth;
    parts.push(`<line x1="${legendX}" x2="${legendX + 24}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${legendX + 30}" y="${legendY}" dominant-baseline="middle">${escapeXml(series.name)}</text>`);
  });

  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The empirical distribution of `values` as a step line: x = value, y = % of values ≤ x. */
export function cumulativePoints(values: readonly number[]): [number, number][] {
  const sorted = [...values].sort((a, b) => a - b);
  const points: [number, number][] = [[0, 0]];
  sorted.forEach((value, index) => {
    points.push([value, (index / sorted.length) * 100], [value, ((index + 1) / sorted.length) * 100]);
  });
  return points;
}
