/**
 * The soak's arithmetic, apart from its processes so it can be tested on its own: growth between
 * the start and the end of the measured stretch, the sales closed at a moment, and series thinned
 * for a plot.
 */

export interface Growth {
  /** Mean over the first tenth of the measured samples. */
  readonly firstMean: number;
  /** Mean over the last tenth. */
  readonly lastMean: number;
  /** (last − first) / first, in %. */
  readonly percent: number;
  readonly samples: number;
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Growth over `values` (in time order, warm-up already left out): the mean of the last
 * `fraction` against the mean of the first `fraction` (at least one sample each). Null below two
 * samples: there is no start and end to compare.
 */
export function growthOf(values: readonly number[], fraction = 0.1): Growth | null {
  if (values.length < 2) return null;
  const window = Math.max(1, Math.floor(values.length * fraction));
  const firstMean = mean(values.slice(0, window));
  const lastMean = mean(values.slice(-window));
  return { firstMean, lastMean, percent: firstMean === 0 ? 0 : ((lastMean - firstMean) / firstMean) * 100, samples: values.length };
}

/** What the harness saw at a moment: sales closed in all so far. */
export interface SalesMark {
  readonly at: number;
  readonly sales: number;
}

/** The last of `marks` (in time order) at or before `at`, if any. */
export function lastAt<T extends { readonly at: number }>(marks: readonly T[], at: number): T | undefined {
  let low = 0;
  let high = marks.length - 1;
  let found: T | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (marks[middle]!.at <= at) {
      found = marks[middle];
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/** Sales closed by `at` (0 before the first mark). */
export function salesAt(marks: readonly SalesMark[], at: number): number {
  return lastAt(marks, at)?.sales ?? 0;
}

/** One point of a process's time series, as written to the JSON report. */
export interface SeriesPoint {
  /** Seconds since selling began. */
  readonly t: number;
  readonly sales: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  /** V8's heap as reserved from the system (used or not), and memory outside it that JavaScript objects hold (Buffers): with `rssAnonMiB`, where resident memory goes. */
  readonly heapTotalMiB: number;
  readonly externalMiB: number;
  /** Of `heapTotalMiB`, V8's young generation (what grows when it sizes its semi-spaces up). */
  readonly newSpaceMiB: number | null;
  /** Anonymous resident memory (V8's heap, native allocations), Linux only. */
  readonly rssAnonMiB: number | null;
  /** Of the interval(s) the point covers: the highest p99 and the highest delay. */
  readonly eldP99Ms: number;
  readonly eldMaxMs: number;
  /** CPU time over wall time (1 = one core). */
  readonly cpu: number;
  /** How long the event-loop thread waited for a CPU in the interval (Linux). */
  readonly runQueueMs: number | null;
  /** The process's database files (with their WAL), when it has any. */
  readonly dbBytes: number | null;
}

/**
 * At most `limit` points: consecutive points are merged in equal groups — memory and CPU by
 * their mean, delays by their highest (a spike must survive thinning), time, sales and database
 * size by the group's last.
 */
export function downsample(points: readonly SeriesPoint[], limit = 300): SeriesPoint[] {
  if (points.length <= limit) return [...points];
  const groups = Math.max(1, limit);
  const merged: SeriesPoint[] = [];
  for (let group = 0; group < groups; group++) {
    const slice = points.slice(Math.floor((group * points.length) / groups), Math.floor(((group + 1) * points.length) / groups));
    if (slice.length === 0) continue;
    const last = slice.at(-1)!;
    merged.push({
      t: last.t,
      sales: last.sales,
      rssMiB: round(mean(slice.map((point) => point.rssMiB))),
      heapUsedMiB: round(mean(slice.map((point) => point.heapUsedMiB))),
      heapTotalMiB: round(mean(slice.map((point) => point.heapTotalMiB))),
      externalMiB: round(mean(slice.map((point) => point.externalMiB))),
      newSpaceMiB: meanOrNull(slice.map((point) => point.newSpaceMiB)),
      rssAnonMiB: meanOrNull(slice.map((point) => point.rssAnonMiB)),
      eldP99Ms: Math.max(...slice.map((point) => point.eldP99Ms)),
      eldMaxMs: Math.max(...slice.map((point) => point.eldMaxMs)),
      cpu: round(mean(slice.map((point) => point.cpu))),
      runQueueMs: meanOrNull(slice.map((point) => point.runQueueMs)),
      dbBytes: last.dbBytes,
    });
  }
  return merged;
}

function meanOrNull(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length ? round(mean(known)) : null;
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export const mebibytes = (bytes: number) => round(bytes / 1024 / 1024);
