/**
 * What the soak's harness (soak.ts) hears from the processes it watches: the probe's lines
 * (soakProbe.ts, one JSON document a line, a file per process) and the station client's
 * messages (soakStation.ts, over the IPC channel of `fork`).
 */

/** Event-loop delay over a stretch of time, in milliseconds past the monitor's resolution (a timer's lateness). */
export interface LoopDelay {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export type ProbeLine =
  /** First line: who this process is (its command line tells the harness which lane, the hub, the store…). */
  | { readonly kind: 'hello'; readonly pid: number; readonly argv: readonly string[]; readonly at: number; readonly resolutionMs: number; readonly everyMs: number }
  | {
      readonly kind: 'sample';
      readonly at: number;
      readonly phase: string;
      /** Bytes, from the process's own `process.memoryUsage()`. */
      readonly rss: number;
      readonly heapUsed: number;
      readonly heapTotal: number;
      readonly external: number;
      readonly arrayBuffers: number;
      /** V8's young generation as committed (part of `heapTotal`), bytes; null if V8 would not say. */
      readonly newSpace: number | null;
      /** Linux (/proc/self/status): anonymous (heaps, native allocations), file-backed (code, mapped files) and shared resident memory, bytes; null elsewhere. */
      readonly rssAnon: number | null;
      readonly rssFile: number | null;
      readonly rssShmem: number | null;
      readonly threads: number | null;
      /** Linux (schedstat): how long the event-loop thread waited for a CPU in the interval, ms — delay from a busy machine, not from the process. */
      readonly runQueueMs: number | null;
      /** CPU time over wall time since the last sample (1 = one core busy). */
      readonly cpu: number;
      /** Event-loop utilisation since the last sample, 0–1. */
      readonly elu: number;
      /** Null when the loop could not run the monitor's timer at all in the interval. */
      readonly eld: LoopDelay | null;
    }
  /** A phase ended (the harness moved on): its event-loop delay as a whole. */
  | { readonly kind: 'phase'; readonly phase: string; readonly from: number; readonly to: number; readonly eld: LoopDelay | null }
  | { readonly kind: 'heapSnapshot'; readonly phase: string; readonly file: string; readonly ms: number };

export type ProbeSample = Extract<ProbeLine, { kind: 'sample' }>;

/** What the harness writes for the probes to read: the phase of the run, and when to take a heap snapshot. */
export interface ProbeControl {
  readonly phase: string;
  /** A heap snapshot as this phase begins (before its first sample). */
  readonly heapSnapshot: boolean;
}

/** The station client's configuration (its one argument, JSON). */
export interface SoakStationConfig {
  /** The station page, e.g. http://127.0.0.1:8100/station/. */
  readonly stationUrl: string;
  readonly assistantId: string;
  readonly pin: string;
}

export interface StationCounts {
  readonly connected: boolean;
  readonly signedIn: boolean;
  readonly connects: number;
  readonly signIns: number;
  readonly tiles: number;
  readonly queueUpdates: number;
  readonly timelineEntries: number;
  /** Interventions the station answered, by kind, and what became of each command. */
  readonly ageApprovals: Readonly<Record<string, number>>;
  readonly helpMessages: Readonly<Record<string, number>>;
  /** Interventions of kinds the station leaves alone (none expected). */
  readonly otherInterventions: Readonly<Record<string, number>>;
  /** From queued (hub clock) to the lane's `done`, per answered intervention, in ms. */
  readonly answerMs: readonly number[];
  readonly errors: readonly string[];
}

/** Station → harness. */
export type FromStation = { readonly kind: 'ready'; readonly pid: number } | { readonly kind: 'counts'; readonly counts: StationCounts } | { readonly kind: 'failed'; readonly error: string };

/** Harness → station. */
export type ToStation = { readonly kind: 'report' } | { readonly kind: 'stop' };
