import { describe, expect, it } from 'vitest';
import { renderScanLatencySvg } from '../../bench/scanLatencyPlot';
import { cumulativePoints, niceTicks, renderLineChart } from '../../bench/svgChart';

interface Element {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  text: string;
}

/**
 * A strict little XML reader for what the charts emit (elements, attributes, text, entities):
 * it fails on an unclosed or mismatched tag, a stray `&` or `<`, so the SVG is well-formed.
 */
function parseSvg(svg: string): Element[] {
  const elements: Element[] = [];
  const open: Element[] = [];
  const token = /<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z][a-zA-Z0-9-:]*="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[name]!);
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(svg))) {
    consumed = token.lastIndex;
    const [, closing, name, attributeText, selfClosing, text] = match;
    if (text !== undefined) {
      expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      if (open.length) open.at(-1)!.text += decode(text);
      continue;
    }
    if (closing) {
      expect(open.pop()?.name).toBe(name);
      continue;
    }
    const attributes = Object.fromEntries([...attributeText!.matchAll(/([a-zA-Z][a-zA-Z0-9-:]*)="([^"]*)"/g)].map(([, key, value]) => [key!, decode(value!)]));
    const element = { name: name!, attributes, text: '' };
    elements.push(element);
    if (!selfClosing) open.push(element);
  }
  expect(consumed).toBe(svg.length);
  expect(open).toEqual([]);
  expect(elements[0]?.name).toBe('svg');
  return elements;
}

const named = (elements: Element[], name: string) => elements.filter((element) => element.name === name);

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
    const elements = parseSvg(svg);
    expect(named(elements, 'path')).toHaveLength(2);
    expect(named(elements, 'text')[0]?.text).toBe('Memory <RSS> & heap');
    expect(named(elements, 'title').map((title) => title.text)).toEqual(['lane "L01"', 'hub']);
    expect(named(elements, 'text').map((text) => text.text)).toContain('warm-up ends');
    for (const path of named(elements, 'path')) expect(path.attributes.d).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+)+$/);
  });

  it('plots scan-to-screen latency idle and during a sync with the target line', () => {
    const svg = renderScanLatencySvg({ catalogItems: 1_000_000, idleMs: [12, 14, 13, 29], duringSyncMs: [20, 41], caption: 'npm run bench' });
    expect(named(parseSvg(svg), 'path')).toHaveLength(2);
    expect(svg).toContain('1,000,000-item catalogue');
    expect(svg).toContain('target p99 30 ms');
  });
});
