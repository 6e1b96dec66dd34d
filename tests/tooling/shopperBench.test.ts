import { describe, expect, it } from 'vitest';
import { benchSimulatedShoppers } from '../../bench/shopper';
import { defaultBaggingSettings } from '../../shared/checkout/bagging';

/**
 * A small run of the simulated-shopper benchmark (bench/shopper.ts), so it keeps working
 * with the bagging model. The figures that matter come from the full run
 * (`npx tsx bench/shopper.ts`: 20,000 sales); this one only checks they are sane.
 */
describe('simulated-shopper bagging benchmark (small run)', () => {
  const options = { seed: 7, sales: 1_500, learningSales: 500 };

  it('reports learning and after-learning figures, deterministically from the seed', () => {
    const report = benchSimulatedShoppers(options);
    expect(benchSimulatedShoppers(options)).toEqual(report);
    expect(report.settings).toEqual(defaultBaggingSettings);
    expect(report.sales).toBe(1_500);
    expect(report.store.items).toBe(500);

    for (const phase of [report.duringLearning, report.afterLearning]) {
      expect(phase.honestSales).toBeGreaterThan(0);
      expect(phase.falseAlertRate).toBeGreaterThanOrEqual(0);
      expect(phase.falseAlertRate).toBeLessThanOrEqual(1);
      expect(phase.unscannedItems).toBeGreaterThan(0);
      const alerts = Object.values(phase.falseAlertReasons).reduce((sum, count) => sum + count, 0);
      expect(alerts).toBeGreaterThanOrEqual(phase.honestSalesWithAlert);
    }
    expect(report.duringLearning.honestSales + report.afterLearning.honestSales + report.duringLearning.unscannedItems + report.afterLearning.unscannedItems).toBe(1_500);
  });

  it('keeps false alerts rare and catches most unscanned items once the store has learned', () => {
    const { afterLearning } = benchSimulatedShoppers(options);
    // Loose bounds for a small sample: the targets (≤ 1 %, ≥ 95 %) are for the full run.
    expect(afterLearning.falseAlertRate!).toBeLessThan(0.03);
    expect(afterLearning.catchRateAbove50Grams!).toBeGreaterThan(0.85);
  });

  it('a different seed is a different store and different shoppers', () => {
    expect(benchSimulatedShoppers({ ...options, seed: 8 }).afterLearning).not.toEqual(benchSimulatedShoppers(options).afterLearning);
  });
});
