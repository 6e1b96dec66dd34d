/**
 * What the partition proof's harness (partition.ts) and its lane processes (laneProcess.ts)
 * say to each other over the Node IPC channel of `fork`.
 */

/** Everything a lane process needs, written by the harness to a JSON file (`--config`). */
export interface ProofLaneConfig {
  readonly laneId: string;
  readonly journalPath: string;
  readonly catalogPath: string;
  /** The fault proxy in front of the store server. */
  readonly storeUrl: string;
  readonly laneToken: string;
  /** The lane sells until its journal holds this many closed sales. */
  readonly sales: number;
  readonly seed: number;
  /** What the shopper scans (non-weighed, not age-restricted). */
  readonly gtins: readonly string[];
  /** Up to this long (random) between two shopper actions, so faults land mid-sale. */
  readonly pauseMs: number;
  /** The lane's own log (JSON lines). */
  readonly logPath: string;
  /** Also link to the supervisor hub, as a lane with `supervisor` in its configuration does (the soak). */
  readonly supervisor?: { readonly url: string; readonly laneSecret: string } | undefined;
  /** Items in a basket: 1 to this many (default 3). */
  readonly maxItems?: number | undefined;
  /**
   * About one sale in this many also has `restrictedGtin` in its basket, which waits at Pay for the
   * station's age check (only with `supervisor`: nobody else could approve it). Absent: never.
   */
  readonly ageCheckEvery?: number | undefined;
  readonly restrictedGtin?: string | undefined;
  /** About one sale in this many the shopper calls for help after the first item and waits for the station's message (only with `supervisor`). */
  readonly helpEvery?: number | undefined;
  /** `production`: the store and hub links on their shipped timing (catalogue poll every 30 s); default `proof`: fast retries and polls, for the fault proofs. */
  readonly linkTiming?: 'proof' | 'production' | undefined;
}

/** Lane → harness. */
export type FromLane =
  | { readonly kind: 'ready'; readonly pid: number; readonly restored: boolean; readonly state: string; readonly sales: number }
  | { readonly kind: 'progress'; readonly progress: LaneProgress }
  | { readonly kind: 'failed'; readonly error: string };

export interface LaneProgress {
  /** Closed sales in the journal's outbox. */
  readonly sales: number;
  readonly state: string;
  /** Sold its share and back at the welcome screen. */
  readonly done: boolean;
  readonly backlog: number;
  readonly flagged: number;
  readonly catalogVersion: number;
  readonly linkUp: boolean;
  /** The supervisor link's state, when the lane has one. */
  readonly hubLink?: string | undefined;
}

/** Harness → lane. `settle`: the faults are over, check the store now and then instead of waiting out a long backoff. */
export type ToLane = { readonly kind: 'settle' } | { readonly kind: 'stop' };
