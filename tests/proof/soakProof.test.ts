import { describe, expect, it } from 'vitest';
import { runSoak, soakSvg } from './soak';
import { renderMemorySvg } from './soakPlot';
import { downsample, growthOf, salesAt, type SeriesPoint } from './soakSeries';
import { parseSvg } from '../support/svg';

/**
 * The soak, CI-sized: four lane processes, the hub, the store server and the station client for
 * 200 sales, some with an age check approved from the station and some with a call for help.
 * Asserted: every process was sampled (memory and event-loop delay, measured inside it), no sale
 * is missing at the store or the hub, the series are there and the chart is well-formed SVG.
 * The memory and delay targets are not asserted here (far too noisy at this size): `npm run soak`
 * measures them over 10,000 sales.
 */
const seed = Number(process.env.LANEWISE_PROOF_SEED ?? 20261208);

describe('the soak harness', () => {
  it('runs four lanes, the hub, the store and the station, samples every process and loses no sale', { timeout: 90_000 }, async () => {
    const report = await runSoak({ lanes: 4, sales: 200, seed, pauseMs: 10, ageCheckEvery: 8, helpEvery: 12, sellTimeoutMs: 50_000 });

    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ sales: 200, store: { sales: 200, lost: 0, duplicated: 0, altered: 0, gaps: 0 }, hub: { sales: 200, starts: 1 } });
    expect(report.store.integrity.every((line) => line.endsWith(' ok'))).toBe(true);

    const names = report.processes.map((process) => process.name);
    expect(names).toEqual(['X01', 'X02', 'X03', 'X04', 'hub', 'store', 'station']);
    for (const process of report.processes) {
      expect(process.samples, process.name).toBeGreaterThan(0);
      expect(process.rssMiB.last, process.name).toBeGreaterThan(0);
      // The delay was measured inside the process, after the warm-up.
      expect(process.eld.measurements, process.name).toBeGreaterThan(0);
      expect(process.eld.maxMs, process.name).toEqual(expect.any(Number));
      expect(process.eld.p99Ms, process.name).toEqual(expect.any(Number));
      if (process.role !== 'station') expect(process.db?.endBytes, process.name).toBeGreaterThan(0);
      const series = report.series[process.name]!;
      expect(series.length, process.name).toBeGreaterThan(0);
      expect(series.at(-1)!.sales).toBeGreaterThan(0);
    }

    // The hub runs as README tells store IT to run it: V8's young generation capped at 8 MiB (two 4 MiB semi-spaces).
    const hubYoung = report.processes.find((process) => process.name === 'hub')!.newSpaceMiB;
    expect(hubYoung?.end).toBeLessThanOrEqual(8);

    // The station took tiles all along and answered the interventions the lanes waited for.
    expect(report.station.tiles).toBeGreaterThan(200);
    expect(report.station.ageApprovals.done).toBeGreaterThan(0);
    expect(report.station.helpMessages.done).toBeGreaterThan(0);
    expect(report.station.errors).toEqual([]);

    const svg = parseSvg(soakSvg(report));
    const paths = [...svg.getElementsByTagName('path')];
    expect(paths.map((path) => path.getAttribute('data-series'))).toEqual(names);
    for (const path of paths) expect(path.getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+/u);
  });
});

describe('the soak’s chart', () => {
  it('draws a path per process, with axes, ticks, a legend and a title, as well-formed SVG', () => {
    const svg = renderMemorySvg(
      [
        { name: 'X01 <lane>', points: [{ sales: 0, rssMiB: 150 }, { sales: 5000, rssMiB: 160 }, { sales: 10_000, rssMiB: 161 }] },
        { name: 'hub', points: [{ sales: 0, rssMiB: 120 }, { sales: 10_000, rssMiB: 125 }] },
        { name: 'store', points: [] },
      ],
      { title: 'Memory & sales', warmupSales: 2000 },
    );
    const document = parseSvg(svg);
    expect([...document.getElementsByTagName('path')].map((path) => path.getAttribute('data-series'))).toEqual(['X01 <lane>', 'hub', 'store']);
    const texts = [...document.getElementsByTagName('text')].map((text) => text.textContent);
    expect(texts).toEqual(expect.arrayContaining(['Memory & sales', 'Sales closed', 'Resident memory (MiB)', 'X01 <lane>', 'hub', 'store', '10,000', '0', 'warm-up ends']));
  });
});

describe('the soak’s arithmetic', () => {
  it('compares the first and last tenth of the samples after the warm-up', () => {
    const values = Array.from({ length: 100 }, (_, index) => (index < 10 ? 100 : index >= 90 ? 110 : 105));
    expect(growthOf(values)).toMatchObject({ firstMean: 100, lastMean: 110, percent: 10, samples: 100 });
    expect(growthOf([100, 90])).toMatchObject({ percent: -10 });
    expect(growthOf([100])).toBeNull();
  });

  it('finds the sales closed at a moment', () => {
    const marks = [
      { at: 1000, sales: 1 },
      { at: 2000, sales: 5 },
      { at: 3000, sales: 9 },
    ];
    expect([salesAt(marks, 500), salesAt(marks, 1000), salesAt(marks, 2999), salesAt(marks, 9999)]).toEqual([0, 1, 5, 9]);
  });

  it('thins a series to 300 points, keeping every delay spike', () => {
    const points: SeriesPoint[] = Array.from({ length: 1000 }, (_, index) => ({
      t: index,
      sales: index * 10,
      rssMiB: 100,
      heapUsedMiB: 20,
      heapTotalMiB: 30,
      externalMiB: 2,
      newSpaceMiB: 16,
      rssAnonMiB: 60,
      eldP99Ms: 1,
      eldMaxMs: index === 517 ? 250 : 2,
      cpu: 0.1,
      runQueueMs: null,
      dbBytes: index * 100,
    }));
    const thinned = downsample(points);
    expect(thinned).toHaveLength(300);
    expect(Math.max(...thinned.map((point) => point.eldMaxMs))).toBe(250);
    expect(thinned.at(-1)).toMatchObject({ t: 999, sales: 9990, rssMiB: 100, rssAnonMiB: 60, runQueueMs: null, dbBytes: 99_900 });
  });
});
