import type { ViewFingerprint } from './crashCheck';

/**
 * What the crash proof's harness (crash.ts) and its lane process (crashLane.ts) say to each
 * other over the Node IPC channel of `fork`. The lane writes each message as it happens, so
 * whatever reached the harness before a SIGKILL is what the lane had done by then.
 */

/** Everything the lane process needs, as JSON in its one argument. */
export interface CrashLaneConfig {
  readonly journalPath: string;
  readonly catalogPath: string;
  /** Seeds the shopper's choices in this process (each process its own). */
  readonly seed: number;
  /** Up to this long (random) between two shopper actions. */
  readonly pauseMs: number;
}

/** Lane → harness. */
export type FromCrashLane =
  /** About to open the journal: from here on a kill lands in opening or restoring. */
  | { readonly kind: 'opening'; readonly pid: number }
  /** Every view the runtime published (committed before it was shown), in order. */
  | { readonly kind: 'view'; readonly view: ViewFingerprint }
  /** Started (the first view is the restored one when `restored`); the shopper begins. */
  | { readonly kind: 'ready'; readonly restored: boolean }
  /** Something the lane logged as an error: no crash proof run should have any. */
  | { readonly kind: 'error'; readonly message: string; readonly fields: string }
  | { readonly kind: 'failed'; readonly error: string };
