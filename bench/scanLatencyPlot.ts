import { cumulativePoints, renderLineChart } from './svgChart';

/**
 * The README's scan-to-screen plot: the distribution of every counted scan's latency
 * (scanner bytes → row rendered), idle and while the lane applies a full catalogue sync,
 * against the 30 ms target.
 */
export function renderScanLatencySvg(options: { readonly catalogItems: number; readonly idleMs: readonly number[]; readonly duringSyncMs?: readonly number[]; readonly caption: string }): string {
  const series = [{ name: `idle (${options.idleMs.length} scans)`, points: cumulativePoints(options.idleMs) }];
  if (options.duringSyncMs?.length) series.push({ name: `during a full catalogue sync (${options.duringSyncMs.length} scans)`, points: cumulativePoints(options.duringSyncMs) });
  const slowest = Math.max(30, ...options.idleMs, ...(options.duringSyncMs ?? []));
  return renderLineChart({
    title: `Scan-to-screen latency, ${options.catalogItems.toLocaleString('en')}-item catalogue`,
    legend: 'bottom-right',
    subtitle: options.caption,
    xLabel: 'milliseconds from scanner bytes to the row on screen',
    yLabel: '% of scans at or below',
    series,
    markers: [{ x: 30, label: 'target p99 30 ms' }],
    xMax: Math.ceil(slowest / 10) * 10,
    yMax: 100,
  });
}
