import { describe, expect, it } from 'vitest';
import { parseSvg, textsOf } from '../support/svg';
import { renderScanLatencySvg } from '../../bench/scanLatencyPlot';
import { cumulativePoints, niceTicks, renderLineChart } from '../../bench/svgChart';

describe('SVG charts for the Measured section', () => {
  it('picks round ticks over the range', () => {
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 47)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('gives a cumulative distribution that ends at 100 %', () => {
    expect(cumulativePoints([3, 1, 2, 4])).toEqual([[0, 0], [1, 0], [1, 25], [2, 25], [2, 50], [3, 50], [3, 75], [4, 75], [4, 100]]);
  });

  it('refuses malformed XML', () => {
    expect(() => parseSvg('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0,0"></svg>')).toThrow();
  });

  it('draws one path per series, markers and escaped text as well-formed SVG', () => {
    const svg = renderLineChart({
      title: 'Memory <RSS> & heap',
      xLabel: 'sales',
      yLabel: 'MiB',
      series: [
        { name: 'lane "L01"', points: [[0, 80], [5000, 82], [10000, 81]] },
        { name: 'hub', points: [[0, 60], [10000, 61]] },
      ],
      markers: [{ x: 2000, label: 'warm-up ends' }],
    });
    const document = parseSvg(svg);
    const paths = [...document.getElementsByTagName('path')];
    expect(paths.map((path) => path.getAttribute('data-series'))).toEqual(['lane "L01"', 'hub']);
    expect(textsOf(document, 'text')[0]).toBe('Memory <RSS> & heap');
    expect(textsOf(document, 'text')).toContain('warm-up ends');
    for (const path of paths) expect(path.getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+)+$/);
  });

  it('plots scan-to-screen latency idle and during a sync with the target line', () => {
    const svg = renderScanLatencySvg({ catalogItems: 1_000_000, idleMs: [12, 14, 13, 29], duringSyncMs: [20, 41], caption: 'npm run bench' });
    expect([...parseSvg(svg).getElementsByTagName('path')]).toHaveLength(2);
    expect(svg).toContain('1,000,000-item catalogue');
    expect(svg).toContain('target p99 30 ms');
  });
});
