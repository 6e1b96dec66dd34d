import type { AssistantRef } from '../checkout/sale';
import type { LaneStatus } from './laneStatus';
import type { RemoteAction } from './remoteActions';

/**
 * The lane ↔ supervisor hub protocol: JSON text frames over one WebSocket per lane, which
 * the lane opens (lanes sit behind the store's firewall; the hub is the fixed address).
 *
 * 1. Hub → lane `challenge` with a fresh random nonce.
 * 2. Lane → hub `hello` proving it holds its lane secret: HMAC-SHA256(secret, helloProofText).
 *    The hub answers `welcome`, or `refused` and closes.
 * 3. Lane → hub `status` after every committed change, `sale` for each closed sale, `audit` for
 *    each assistant action and refused command at the lane, `commandResult` for each command.
 * 4. Hub → lane `command`: `payload` is the JSON text of a `CommandBody`, `mac` its
 *    HMAC-SHA256 under the lane's secret (base64url). The lane checks the MAC over the exact
 *    text before parsing it, then the lane id, the expiry and that the id was never seen.
 *
 * Confidentiality comes from TLS (wss://) with the store's certificate; the MACs make
 * commands unforgeable and unreplayable even where TLS is not set up.
 */
export const supervisorProtocolVersion = 1;

/** The hub's path for lane connections (`wss://hub.store.lan:8100/lane`); station screens use other paths. */
export const supervisorLanePath = '/lane';

/** What a lane signs to prove who it is; the hub's nonce makes each proof single-use. */
export function helloProofText(laneId: string, nonce: string): string {
  return `lanewise-lane-hello/v${supervisorProtocolVersion}\n${laneId}\n${nonce}`;
}

/** How long a command stays valid after the hub signs it. Long enough for a slow link, short enough that a captured one is useless. */
export const commandLifetimeMs = 30_000;
/** Clock difference between hub and lane tolerated when checking `issuedAt` (commands from the future are refused beyond this). */
export const clockSkewToleranceMs = 60_000;

/** A command as the hub signs it. `id` is 128 random bits (hex): the nonce the lane remembers until `expiresAt`. */
export interface CommandBody {
  readonly id: string;
  readonly laneId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** The assistant signed in at the station who gave the command. */
  readonly by: AssistantRef;
  readonly action: RemoteAction;
  /** Why, as typed or chosen at the station (audited). */
  readonly reason?: string | undefined;
  /** The sale the assistant was looking at: a command for a sale that has since ended is refused. */
  readonly saleId?: string | null | undefined;
}

/**
 * What became of a command at the lane:
 * `done` the statechart took it; `notNow` valid but the lane's state does not allow it (e.g. the
 * age check was already approved at the lane); `rejected` failed authentication or policy.
 */
export type CommandOutcome = 'done' | 'notNow' | 'rejected';

/** Why a lane rejected a command (logged at the lane, audited at the hub). */
export type CommandRejection = 'badMac' | 'malformed' | 'wrongLane' | 'expired' | 'notYetValid' | 'replayed' | 'forbidden' | 'staleSale';

export type HubToLane =
  | { readonly type: 'challenge'; readonly nonce: string; readonly hubTime: number }
  | { readonly type: 'welcome'; readonly laneId: string; readonly hubTime: number }
  | { readonly type: 'refused'; readonly reason: 'unknownLane' | 'badProof' | 'badMessage' | 'disabled' }
  | { readonly type: 'command'; readonly payload: string; readonly mac: string };

/** A closed sale as the hub's reports need it (the full sale goes to the store server, not here). */
export interface SaleSummary {
  readonly saleId: string;
  readonly number: number;
  /** `abandoned`: cancelled after the shopper walked away (the lane had parked it). */
  readonly status: 'completed' | 'cancelled' | 'abandoned' | 'suspended';
  readonly startedAt: number;
  readonly closedAt: number;
  readonly itemCount: number;
  readonly totalMinor: number;
  readonly currency: string;
}

/** One line of the audit trail, as a lane reports it (its own assistants' actions and refused commands). */
export interface LaneAuditEntry {
  /**
   * Unique at this lane and stable across resends (`action:<journal seq>`, `security:<seq>`): a lane
   * resends its recent entries after every reconnect and the hub keeps each once.
   */
  readonly ref: string;
  readonly at: number;
  /** Null for refused commands whose sender could not be authenticated, and for failed sign-ins by unknown numbers. */
  readonly by: AssistantRef | null;
  /** The assistant number typed at a failed sign-in. */
  readonly assistantId?: string | undefined;
  readonly via: 'lane' | 'supervisor';
  /** e.g. `approveAge`, `voidLine`, `signIn`, `signInFailed`, `commandRejected`. */
  readonly action: string;
  readonly saleId?: string | null | undefined;
  readonly outcome: 'done' | 'rejected';
  readonly reason?: string | undefined;
  readonly detail?: Readonly<Record<string, string | number | boolean | null>> | undefined;
}

export type LaneToHub =
  | { readonly type: 'hello'; readonly laneId: string; readonly proof: string; readonly protocol: number }
  | { readonly type: 'status'; readonly status: LaneStatus }
  | { readonly type: 'commandResult'; readonly id: string; readonly outcome: CommandOutcome; readonly reason?: CommandRejection | string | undefined; readonly at: number }
  | { readonly type: 'sale'; readonly sale: SaleSummary }
  | { readonly type: 'audit'; readonly entry: LaneAuditEntry };
