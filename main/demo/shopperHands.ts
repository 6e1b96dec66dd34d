import { parseScannerText } from '../../shared/barcode';
import { showcase } from '../catalog/demoCatalog';
import type { DemoLane } from './demoStore';

/**
 * What a demo shopper's hands do after a scan: put the item in the bagging area. The
 * demo catalogue has no weights, so each item gets a fixed "true" weight — realistic
 * ones for the showcase items, a stable made-up one (from its code) for the rest — and
 * each placement a few grams of the natural spread of real packs.
 */
const showcaseGrams: Readonly<Record<string, number>> = {
  [showcase.milk]: 1040,
  [showcase.bread]: 410,
  [showcase.apples]: 1010,
  [showcase.beer]: 530,
  [showcase.vodka]: 1150,
  [showcase.chocolate]: 104,
  [showcase.coffee]: 512,
};

/** The item's weight in the demo world, in grams. */
export function demoItemGrams(code: string): number {
  const known = showcaseGrams[code];
  if (known !== undefined) return known;
  let hash = 0;
  for (const char of code) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return 80 + (hash % 1_400);
}

/** Scans `code` and, a moment later, puts the item on the bagging scale, as a shopper would. */
export async function scanAndBag(lane: DemoLane, code: string, delayMs = 700): Promise<void> {
  await lane.scanner.scan(parseScannerText(code));
  const grams = demoItemGrams(code);
  // ±1 %: no two packs weigh the same.
  const spread = Math.round(grams * 0.01 * (Math.random() * 2 - 1));
  setTimeout(() => lane.baggingScale.setLoad(lane.baggingScale.load + grams + spread), delayMs).unref?.();
}
