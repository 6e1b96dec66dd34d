import type { SignInProblem } from '../checkout/events';
import type { AssistantRef } from '../checkout/sale';
import type { InterventionKind, LaneStatus } from './laneStatus';
import type { RemoteAction } from './remoteActions';

/**
 * What a supervisor station screen may ask of the hub (the bridge's typed service, like
 * `LaneService` for a kiosk). Each station connection has its own session: nothing but
 * `getOverview` and `signIn` works until an assistant has signed in on that connection,
 * and a command carries the signed-in assistant, never one the page names.
 */
export interface SupervisorService {
  /** Every lane's tile, the intervention queue and who is signed in on this connection. */
  getOverview(args: Record<string, never>): Promise<StationOverview>;
  /**
   * By number and PIN, or by the staff badge's code (as a barcode scanner typed it) and PIN —
   * as at a lane, the badge says who, the PIN proves it.
   */
  signIn(args: { assistantId: string; pin: string } | { badge: string; pin: string }): Promise<StationSignInResult>;
  signOut(args: Record<string, never>): Promise<{ signedOut: true }>;
  /** Sends `action` to a lane as the signed-in assistant and waits (up to a few seconds) for the lane's answer. */
  sendCommand(args: { laneId: string; action: RemoteAction; reason?: string | undefined; saleId?: string | null | undefined }): Promise<StationCommandResult>;
  /** One lane: its status (live basket) and its timeline, newest last. */
  laneDetail(args: { laneId: string }): Promise<{ tile: LaneTile; timeline: readonly TimelineEntry[] }>;
  /** The audit trail, newest first. */
  audit(args: { limit?: number | undefined; laneId?: string | undefined; before?: number | undefined }): Promise<{ entries: readonly AuditEntry[] }>;
  /** The audit trail between two times (epoch ms, `to` exclusive) as CSV text, for download. */
  exportAuditCsv(args: { from: number; to: number }): Promise<{ filename: string; csv: string }>;
  /** A day's or a shift's figures; `date` is the store's local date, YYYY-MM-DD. */
  report(args: ReportRequest): Promise<Report>;
  exportReportCsv(args: ReportRequest): Promise<{ filename: string; csv: string }>;
}

/** Events the hub pushes to every station connection. */
export const stationEvents = {
  /** One lane's tile changed (`LaneTile`). */
  lane: 'lane',
  /** The intervention queue changed (`readonly QueuedIntervention[]`, longest waiting first). */
  queue: 'queue',
  /** A new timeline entry for a lane (`{ laneId, entry: TimelineEntry }`), for an open lane detail view. */
  timeline: 'timeline',
  /** This connection's session changed (`StationAssistant | null`), e.g. signed out after inactivity. */
  session: 'session',
} as const;

export type StationAssistant = AssistantRef;

export interface StationOverview {
  readonly lanes: readonly LaneTile[];
  readonly queue: readonly QueuedIntervention[];
  /** Signed in on this connection. */
  readonly assistant: StationAssistant | null;
  /** Hub clock now, so the screen can show waiting times despite its own clock. */
  readonly hubTime: number;
  /** The store's shifts (local start hours) for the reports' shift picker. */
  readonly shifts: readonly number[];
}

export type StationSignInResult =
  | { readonly ok: true; readonly assistant: StationAssistant }
  | { readonly ok: false; readonly problem: SignInProblem; readonly retryAfterMs?: number | undefined };

/**
 * `done`/`notNow`/`rejected` come from the lane (see protocol.ts); the rest from the hub:
 * `signedOut` nobody is signed in on this connection, `forbidden` the assistant's role may not,
 * `offline` the lane is not connected, `timeout` no answer in time (the command expires unused).
 */
export interface StationCommandResult {
  readonly outcome: 'done' | 'notNow' | 'rejected' | 'signedOut' | 'forbidden' | 'offline' | 'timeout';
  readonly reason?: string | undefined;
}

export interface LaneTile {
  readonly laneId: string;
  /** Connected and authenticated now. */
  readonly online: boolean;
  /** Hub clock: last status received. */
  readonly lastSeenAt: number | null;
  /** The last status the lane sent (kept while it is offline, so the tile shows what it was doing). */
  readonly status: LaneStatus | null;
  /** Hub clock: when the tile's state began (the "time in state" shown, free of lane clock skew). */
  readonly stateSinceHub: number | null;
}

export interface QueuedIntervention {
  /** Stable while the intervention stays open: `<laneId>:<kind>[:<lineId>]`. */
  readonly id: string;
  readonly laneId: string;
  readonly kind: InterventionKind;
  /** Hub clock: when it was first seen; the queue is ordered by this (longest waiting first). */
  readonly raisedAt: number;
  readonly saleId?: string | null | undefined;
  readonly lineId?: number | undefined;
  readonly itemName?: Readonly<Record<string, string>> | undefined;
  readonly detail?: string | undefined;
}

export interface TimelineEntry {
  /** Hub clock. */
  readonly at: number;
  /** `state` (detail: the new state), `intervention` / `cleared` (detail: kind), `command` (detail: action and outcome), `online`, `offline`, `sale` (detail: status), `audit`. */
  readonly kind: 'state' | 'intervention' | 'cleared' | 'command' | 'online' | 'offline' | 'sale' | 'audit';
  readonly detail: string;
  readonly by?: string | undefined;
}

/** One row of the audit trail (hub database), for screen and CSV alike. */
export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly assistantId: string | null;
  readonly assistantName: string | null;
  readonly role: AssistantRef['role'] | null;
  readonly laneId: string | null;
  readonly saleId: string | null;
  readonly action: string;
  readonly reason: string | null;
  /** Where it was done: at the lane, or from the station. */
  readonly via: 'lane' | 'supervisor';
  /** `done`, `notNow`, `rejected`, `forbidden`, `timeout`, `offline`, `failed` (sign-in), `lockedOut`. */
  readonly outcome: string;
  readonly detail: string | null;
}

export type ReportRequest = { readonly kind: 'day'; readonly date: string } | { readonly kind: 'shift'; readonly date: string; readonly shift: number };

/**
 * A day's or shift's figures. Rates are fractions 0–1 (not money); times in milliseconds.
 * Counts are of sales that closed in the period.
 */
export interface Report {
  readonly request: ReportRequest;
  /** Epoch ms, the period's bounds in the store's time zone; `to` exclusive. */
  readonly from: number;
  readonly to: number;
  /** The store's shifts as local start hours, e.g. [6, 14, 22]. */
  readonly shifts: readonly number[];
  readonly currency: string | null;
  readonly sales: number;
  readonly completedSales: number;
  readonly abandonedSales: number;
  readonly cancelledSales: number;
  readonly salesTotalMinor: number;
  /** Completed sales with no intervention at all, over completed sales (null without sales). */
  readonly selfServiceRate: number | null;
  readonly interventions: number;
  /** Interventions per completed-or-not sale, by kind. */
  readonly interventionsPerSale: Readonly<Partial<Record<InterventionKind, number>>>;
  readonly interventionCounts: Readonly<Partial<Record<InterventionKind, number>>>;
  /** From raised to cleared, over interventions cleared in the period (null if none). */
  readonly averageWaitMs: number | null;
  /** Sale duration over items, across completed sales (null if none). */
  readonly averageTimePerItemMs: number | null;
  /** Sales and interventions per local hour of the period, for the charts. */
  readonly byHour: readonly { readonly hour: number; readonly sales: number; readonly interventions: number }[];
  /** Per lane. */
  readonly byLane: readonly { readonly laneId: string; readonly sales: number; readonly interventions: number; readonly selfServiceRate: number | null }[];
}
