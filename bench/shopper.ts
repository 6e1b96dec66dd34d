import { pathToFileURL } from 'node:url';
import {
  baggingExpectation,
  defaultBaggingSettings,
  judgeBagging,
  learnWeight,
  ownBagExpectation,
  type BaggingSettings,
  type BaggingVerdict,
  type WeightProfile,
} from '../shared/checkout/bagging';
import { seededRandom } from '../shared/random';

/**
 * Simulated shoppers through the bagging-area model (shared/checkout/bagging.ts): a store
 * of a few hundred items, a noisy 5 g bagging scale, thousands of sales in order, the
 * model learning from every accepted observation as a real lane would. Measures false
 * alerts on honest sales and how often an unscanned item put down with a scanned one is
 * caught. Every alert on an honest item is approved by an assistant and that observation
 * is learned too (what the statechart should do); a caught unscanned item is taken out and its
 * scanned companion is not learned. Deterministic from the seed.
 *
 * Standalone: `npx tsx bench/shopper.ts [--seed n] [--sales n]` prints the JSON report.
 */

export interface ShopperBenchOptions {
  readonly seed?: number;
  readonly sales?: number;
  /** The first sales, reported apart: every item starts unknown, so this is the store's learning period. */
  readonly learningSales?: number;
  readonly items?: number;
  /** Share of sales where the shopper puts down their own bag first. */
  readonly ownBagShare?: number;
  /** Share of sales where an unscanned item goes into the bagging area together with a scanned one. */
  readonly unscannedShare?: number;
  /**
   * A real lane cannot tell a missed unscanned item from an honest one and learns it too.
   * Off by default: the model then learns only what honest shoppers bagged.
   */
  readonly learnFromMissedTheft?: boolean;
  /**
   * Multiplies every item's unit-to-unit spread. 1 reads "packaged ±1–3 %, produce ±10–20 %"
   * as one standard deviation (the harsher reading); 0.5 reads it as two.
   */
  readonly unitSpreadScale?: number;
  readonly settings?: BaggingSettings;
}

/** How the simulated store and scale behave; reported with the figures so they can be judged. */
export const simulatedStore = {
  items: 500,
  /** Zipf exponent of item popularity (rank r is bought ∝ 1 / r^s). */
  popularityExponent: 1,
  /** Item kinds: share of the catalogue and unit-to-unit spread (one standard deviation, as a share of the weight). */
  kinds: {
    packaged: { share: 0.8, spread: [0.01, 0.03] },
    produce: { share: 0.15, spread: [0.1, 0.2] },
    weightless: { share: 0.05, spread: [0.2, 0.2] },
  },
  /** True mean weights of packaged goods and per-piece produce: log-normal, median 300 g, clipped to 5 g–5 kg. */
  weight: { medianGrams: 300, logSigma: 1.1, minGrams: 5, maxGrams: 5_000 },
  /** Weightless items (greeting cards, gift cards, sachets): 1–8 g. */
  weightlessGrams: [1, 8],
  /** Share of packaged goods with a catalogue weight, how far off it is, and the share that is plain wrong (net for gross, wrong unit). */
  nominal: { share: 0.6, error: 0.08, wrongShare: 0.03 },
  /** Basket size: log-normal, median 6, clipped to 1–40 items (typical self-checkout baskets hold 4–9). */
  basket: { median: 6, logSigma: 0.8, min: 1, max: 40 },
  /** Own bags: thin carrier 5–30 g, tote 80–350 g, insulated cooler bag 350–900 g. */
  ownBags: [
    { share: 0.45, grams: [5, 30] },
    { share: 0.45, grams: [80, 350] },
    { share: 0.1, grams: [350, 900] },
  ],
  /**
   * The bagging scale: every settled reading is the true load plus uniform noise (±2 g),
   * plus settle jitter (the monitor calls a weight settled once readings stay within 5 g
   * for 300 ms, so it can be taken up to 5 g off the rest weight), rounded to 5 g.
   */
  scale: { noiseGrams: 2, settleJitterGrams: 5, resolutionGrams: 5 },
  /** Unscanned items heavier than this must be caught. */
  catchAboveGrams: 50,
} as const;

type ItemKind = keyof typeof simulatedStore.kinds;

interface StoreItem {
  readonly id: number;
  readonly kind: ItemKind;
  readonly meanGrams: number;
  readonly spread: number;
  readonly nominalGrams: number | undefined;
}


function createSampler(random: () => number) {
  const uniform = (low: number, high: number) => low + (high - low) * random();
  const normal = () => {
    // Box–Muller; 1 - random() keeps the logarithm finite.
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const logNormal = (median: number, logSigma: number) => median * Math.exp(logSigma * normal());
  return { random, uniform, normal, logNormal };
}

type Sampler = ReturnType<typeof createSampler>;

function buildStore(sample: Sampler, itemCount: number, spreadScale: number): StoreItem[] {
  const { kinds, weight, weightlessGrams, nominal } = simulatedStore;
  const items: StoreItem[] = [];
  for (let id = 0; id < itemCount; id++) {
    const roll = sample.random();
    const kind: ItemKind = roll < kinds.weightless.share ? 'weightless' : roll < kinds.weightless.share + kinds.produce.share ? 'produce' : 'packaged';
    const meanGrams = kind === 'weightless' ? sample.uniform(weightlessGrams[0], weightlessGrams[1]) : Math.min(weight.maxGrams, Math.max(weight.minGrams, sample.logNormal(weight.medianGrams, weight.logSigma)));
    const spread = spreadScale * sample.uniform(kinds[kind].spread[0], kinds[kind].spread[1]);
    let nominalGrams: number | undefined;
    if (kind === 'packaged' && sample.random() < nominal.share) {
      const wrong = sample.random() < nominal.wrongShare;
      const factor = wrong ? (sample.random() < 0.5 ? 0.4 : 2.5) : 1 + sample.uniform(-nominal.error, nominal.error);
      nominalGrams = Math.max(1, Math.round(meanGrams * factor));
    }
    items.push({ id, kind, meanGrams, spread, nominalGrams });
  }
  return items;
}

/** Cumulative Zipf weights over the items in random rank order, for drawing by popularity. */
function popularity(sample: Sampler, itemCount: number): { draw: () => number } {
  const ranks = Array.from({ length: itemCount }, (_, index) => index);
  for (let index = ranks.length - 1; index > 0; index--) {
    const other = Math.floor(sample.random() * (index + 1));
    [ranks[index], ranks[other]] = [ranks[other]!, ranks[index]!];
  }
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= itemCount; rank++) {
    total += 1 / rank ** simulatedStore.popularityExponent;
    cumulative.push(total);
  }
  return {
    draw: () => {
      const target = sample.random() * total;
      let low = 0;
      let high = cumulative.length - 1;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (cumulative[middle]! < target) low = middle + 1;
        else high = middle;
      }
      return ranks[low]!;
    },
  };
}

function unitWeight(sample: Sampler, item: StoreItem): number {
  return Math.max(0, item.meanGrams * (1 + item.spread * sample.normal()));
}

function settledReading(sample: Sampler, trueGrams: number): number {
  const { noiseGrams, settleJitterGrams, resolutionGrams } = simulatedStore.scale;
  const raw = trueGrams + sample.uniform(-noiseGrams, noiseGrams) + sample.uniform(-settleJitterGrams, settleJitterGrams);
  return Math.round(raw / resolutionGrams) * resolutionGrams;
}

type AlertReason = Exclude<BaggingVerdict['kind'], 'ok'>;
type ReasonCounts = Record<AlertReason, number>;

const noReasons = (): ReasonCounts => ({ nothingAdded: 0, tooLight: 0, tooHeavy: 0, removed: 0 });

interface PhaseCounters {
  honestSales: number;
  honestSalesWithAlert: number;
  itemChecks: number;
  itemAlerts: number;
  untrustedItemChecks: number;
  ownBagChecks: number;
  ownBagAlerts: number;
  alertReasons: ReasonCounts;
  alertsByKind: Record<ItemKind | 'ownBag', number>;
  checksByKind: Record<ItemKind, number>;
  unscanned: number;
  unscannedAbove: number;
  caughtAbove: number;
  caughtAll: number;
  caughtReasons: ReasonCounts;
  aboveByScannedKind: Record<ItemKind, { attempts: number; caught: number }>;
  aboveWhileLearning: { attempts: number; caught: number };
  missedAboveGrams: number[];
}

function newCounters(): PhaseCounters {
  return {
    honestSales: 0,
    honestSalesWithAlert: 0,
    itemChecks: 0,
    itemAlerts: 0,
    untrustedItemChecks: 0,
    ownBagChecks: 0,
    ownBagAlerts: 0,
    alertReasons: noReasons(),
    alertsByKind: { packaged: 0, produce: 0, weightless: 0, ownBag: 0 },
    checksByKind: { packaged: 0, produce: 0, weightless: 0 },
    unscanned: 0,
    unscannedAbove: 0,
    caughtAbove: 0,
    caughtAll: 0,
    caughtReasons: noReasons(),
    aboveByScannedKind: { packaged: { attempts: 0, caught: 0 }, produce: { attempts: 0, caught: 0 }, weightless: { attempts: 0, caught: 0 } },
    aboveWhileLearning: { attempts: 0, caught: 0 },
    missedAboveGrams: [],
  };
}

const rate = (part: number, whole: number) => (whole === 0 ? null : Number((part / whole).toFixed(5)));

function summarizePhase(counters: PhaseCounters) {
  const missed = [...counters.missedAboveGrams].sort((a, b) => a - b);
  return {
    honestSales: counters.honestSales,
    falseAlertRate: rate(counters.honestSalesWithAlert, counters.honestSales),
    honestSalesWithAlert: counters.honestSalesWithAlert,
    itemChecks: counters.itemChecks,
    falseAlertRatePerItem: rate(counters.itemAlerts, counters.itemChecks),
    untrustedItemShare: rate(counters.untrustedItemChecks, counters.itemChecks),
    falseAlertRatePerItemByKind: {
      packaged: rate(counters.alertsByKind.packaged, counters.checksByKind.packaged),
      produce: rate(counters.alertsByKind.produce, counters.checksByKind.produce),
      weightless: rate(counters.alertsByKind.weightless, counters.checksByKind.weightless),
      ownBag: rate(counters.ownBagAlerts, counters.ownBagChecks),
    },
    falseAlertReasons: counters.alertReasons,
    unscannedItems: counters.unscanned,
    catchRateAll: rate(counters.caughtAll, counters.unscanned),
    unscannedAbove50Grams: counters.unscannedAbove,
    catchRateAbove50Grams: rate(counters.caughtAbove, counters.unscannedAbove),
    catchRateAbove50GramsByScannedKind: Object.fromEntries(Object.entries(counters.aboveByScannedKind).map(([kind, { attempts, caught }]) => [kind, { attempts, catchRate: rate(caught, attempts) }])),
    catchRateAbove50GramsWithUntrustedItem: { attempts: counters.aboveWhileLearning.attempts, catchRate: rate(counters.aboveWhileLearning.caught, counters.aboveWhileLearning.attempts) },
    caughtReasons: counters.caughtReasons,
    missedAbove50Grams: missed.length === 0 ? null : { count: missed.length, medianGrams: missed[missed.length >> 1], maxGrams: missed.at(-1) },
  };
}

export type PhaseReport = ReturnType<typeof summarizePhase>;

export interface ShopperReport {
  readonly seed: number;
  readonly sales: number;
  readonly learningPeriod: string;
  readonly learnFromMissedTheft: boolean;
  readonly store: { readonly items: number; readonly byKind: Record<ItemKind, number>; readonly withCatalogueWeight: number; readonly itemsTrustedAfterLearning: number; readonly itemsTrustedAtEnd: number };
  readonly simulation: typeof simulatedStore & { readonly ownBagShare: number; readonly unscannedShare: number; readonly unitSpreadScale: number };
  readonly settings: BaggingSettings;
  readonly afterLearning: PhaseReport;
  readonly duringLearning: PhaseReport;
  readonly targets: { readonly falseAlertRate: string; readonly catchRate: string; readonly met: { readonly falseAlertRate: boolean; readonly catchRate: boolean } };
}

export function benchSimulatedShoppers(options: ShopperBenchOptions = {}): ShopperReport {
  const seed = options.seed ?? 20261123;
  const sales = options.sales ?? 20_000;
  const learningSales = options.learningSales ?? 2_000;
  const itemCount = options.items ?? simulatedStore.items;
  const ownBagShare = options.ownBagShare ?? 0.3;
  const unscannedShare = options.unscannedShare ?? 0.05;
  const learnFromMissedTheft = options.learnFromMissedTheft ?? false;
  const unitSpreadScale = options.unitSpreadScale ?? 1;
  const settings = options.settings ?? defaultBaggingSettings;

  const sample = createSampler(seededRandom(seed));
  const store = buildStore(sample, itemCount, unitSpreadScale);
  const popular = popularity(sample, itemCount);
  const profiles = new Map<number, WeightProfile>();
  const learning = newCounters();
  const learned = newCounters();
  let itemsTrustedAfterLearning = 0;

  const trustedCount = () => [...profiles.values()].filter((profile) => profile.count >= settings.trustedAfterSamples).length;

  for (let sale = 0; sale < sales; sale++) {
    if (sale === learningSales) itemsTrustedAfterLearning = trustedCount();
    const counters = sale < learningSales ? learning : learned;
    const { basket } = simulatedStore;
    const size = Math.min(basket.max, Math.max(basket.min, Math.round(sample.logNormal(basket.median, basket.logSigma))));
    const theft = sample.random() < unscannedShare;
    const theftAt = theft ? Math.floor(sample.random() * size) : -1;
    let alerted = false;

    let trueGrams = 0;
    let before = settledReading(sample, trueGrams);
    if (sample.random() < ownBagShare) {
      const roll = sample.random();
      let cumulative = 0;
      const bag = simulatedStore.ownBags.find((kind) => (cumulative += kind.share) > roll) ?? simulatedStore.ownBags[0];
      trueGrams += sample.uniform(bag.grams[0], bag.grams[1]);
      const after = settledReading(sample, trueGrams);
      const verdict = judgeBagging(after - before, ownBagExpectation(settings), settings);
      before = after;
      if (!theft) {
        counters.ownBagChecks++;
        if (verdict.kind !== 'ok') {
          counters.ownBagAlerts++;
          counters.alertsByKind.ownBag++;
          counters.alertReasons[verdict.kind]++;
          alerted = true;
        }
      }
    }

    for (let position = 0; position < size; position++) {
      const item = store[popular.draw()]!;
      const profile = profiles.get(item.id);
      const expectation = baggingExpectation(profile, settings, item.nominalGrams);
      const itemGrams = unitWeight(sample, item);
      const stolen = position === theftAt ? store[popular.draw()]! : undefined;
      const stolenGrams = stolen ? unitWeight(sample, stolen) : 0;
      trueGrams += itemGrams + stolenGrams;
      let after = settledReading(sample, trueGrams);
      const delta = after - before;
      const verdict = judgeBagging(delta, expectation, settings);

      if (stolen) {
        counters.unscanned++;
        const caught = verdict.kind !== 'ok';
        if (caught) {
          counters.caughtAll++;
          counters.caughtReasons[verdict.kind]++;
        }
        if (stolenGrams > simulatedStore.catchAboveGrams) {
          counters.unscannedAbove++;
          counters.aboveByScannedKind[item.kind].attempts++;
          if (expectation.kind === 'learning') counters.aboveWhileLearning.attempts++;
          if (caught) {
            counters.caughtAbove++;
            counters.aboveByScannedKind[item.kind].caught++;
            if (expectation.kind === 'learning') counters.aboveWhileLearning.caught++;
          } else {
            counters.missedAboveGrams.push(Math.round(stolenGrams));
          }
        }
        if (caught) {
          // The assistant takes the unscanned item out; the scanned one stays.
          trueGrams -= stolenGrams;
          after = settledReading(sample, trueGrams);
        } else if (learnFromMissedTheft) {
          profiles.set(item.id, learnWeight(profile, delta, settings));
        }
      } else {
        if (!theft) {
          counters.itemChecks++;
          counters.checksByKind[item.kind]++;
          if (expectation.kind === 'learning') counters.untrustedItemChecks++;
          if (verdict.kind !== 'ok') {
            counters.itemAlerts++;
            counters.alertsByKind[item.kind]++;
            counters.alertReasons[verdict.kind]++;
            alerted = true;
          }
        }
        // Accepted by the model, or approved by the assistant who came for the alert: learned.
        profiles.set(item.id, learnWeight(profile, delta, settings));
      }
      before = after;
    }

    if (!theft) {
      counters.honestSales++;
      if (alerted) counters.honestSalesWithAlert++;
    }
  }
  if (sales <= learningSales) itemsTrustedAfterLearning = trustedCount();

  const byKind: Record<ItemKind, number> = { packaged: 0, produce: 0, weightless: 0 };
  for (const item of store) byKind[item.kind]++;
  const afterLearning = summarizePhase(learned);
  return {
    seed,
    sales,
    learningPeriod: `the first ${Math.min(learningSales, sales).toLocaleString('en')} sales (every item starts unknown; an item is trusted after ${settings.trustedAfterSamples} accepted observations; learning continues after the period)`,
    learnFromMissedTheft,
    store: {
      items: store.length,
      byKind,
      withCatalogueWeight: store.filter((item) => item.nominalGrams !== undefined).length,
      itemsTrustedAfterLearning,
      itemsTrustedAtEnd: trustedCount(),
    },
    simulation: { ...simulatedStore, ownBagShare, unscannedShare, unitSpreadScale },
    settings,
    afterLearning,
    duringLearning: summarizePhase(learning),
    targets: {
      falseAlertRate: 'after learning, ≤ 1 % of honest sales have any bagging alert',
      catchRate: 'after learning, ≥ 95 % of unscanned items heavier than 50 g are caught',
      met: {
        falseAlertRate: afterLearning.falseAlertRate !== null && afterLearning.falseAlertRate <= 0.01,
        catchRate: afterLearning.catchRateAbove50Grams !== null && afterLearning.catchRateAbove50Grams >= 0.95,
      },
    },
  };
}

function numberArgument(name: string): number | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return undefined;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
  return value;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seed = numberArgument('seed');
  const sales = numberArgument('sales');
  const report = benchSimulatedShoppers({ ...(seed === undefined ? {} : { seed }), ...(sales === undefined ? {} : { sales }) });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
