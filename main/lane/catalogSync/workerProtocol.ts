import type { AppliedUpdate, RawDelta, UpdateMeta, UpdateProblem } from './catalogWriter';

/** What the lane's thread and the catalogue sync's worker thread say to each other. */

export interface ApplyWorkerData {
  readonly catalogPath: string;
}

export type ToApplyWorker =
  | { readonly type: 'delta'; readonly id: number; readonly delta: RawDelta; readonly meta: UpdateMeta }
  /** A catalogue image downloaded to `path` (its SHA-256 already checked) replaces the catalogue. */
  | { readonly type: 'image'; readonly id: number; readonly path: string; readonly version: number; readonly meta: UpdateMeta }
  | { readonly type: 'snapshotBegin'; readonly id: number; readonly meta: UpdateMeta }
  /** NDJSON lines joined by "\n": one string copies far quicker between threads than thousands. */
  | { readonly type: 'snapshotLines'; readonly id: number; readonly text: string }
  | { readonly type: 'snapshotEnd'; readonly id: number }
  | { readonly type: 'snapshotAbort'; readonly id: number }
  | { readonly type: 'close' };

export type FromApplyWorker =
  | { readonly type: 'ready'; readonly version: number }
  /** A chunk of snapshot lines is written (the sender keeps only a few chunks in flight). */
  | { readonly type: 'ack'; readonly id: number }
  | { readonly type: 'applied'; readonly id: number; readonly applied: AppliedUpdate; readonly durationMs: number }
  | { readonly type: 'refused'; readonly id: number; readonly problem: UpdateProblem; readonly message: string }
  /** The worker cannot work at all (the catalogue would not open). */
  | { readonly type: 'fatal'; readonly message: string };
