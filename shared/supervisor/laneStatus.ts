import type { LaneView } from '../bridge/laneView';
import { laneLightFor, type LaneLightIndication } from '../checkout/laneLight';
import { ageCheckPending, requiredAge, type AssistantRef } from '../checkout/sale';
import { discardedInputWindowMs, type CheckoutContext, type DiscardedInput } from '../checkout/context';
import type { HelpRequest } from '../checkout/events';
import type { DeviceRole, DeviceStatus } from '../devices';
import type { LocalizedText } from '../i18n/languages';
import type { LaneMessage } from './laneMessages';

/**
 * Why a lane needs an assistant, in the order an assistant would want to hear of them.
 * `offline` is added by the hub (it is the hub that notices a lane has gone quiet).
 */
export const interventionKinds = [
  'help',
  'weightMismatch',
  'ageCheck',
  'voidApproval',
  'skipBagging',
  'payAtAssistant',
  'parked',
  'deviceFault',
  'paperOut',
  'paperLow',
  'storeBacklog',
  'offline',
] as const;
export type InterventionKind = (typeof interventionKinds)[number];

export interface Intervention {
  readonly kind: InterventionKind;
  /** Which basket line (void approval) — what the station's "approve" acts on. */
  readonly lineId?: number | undefined;
  /** The item (void approval, age check: the restricted item), for the station to name it. */
  readonly itemName?: LocalizedText | undefined;
  /** Devices at fault, e.g. `printer: paperEnd`; the age to check; the bagging mismatch kind. */
  readonly detail?: string | undefined;
}

/**
 * The lane's link to the store server, when it has one: whether the last exchange worked, the
 * sales not yet at the store (and when the oldest closed, lane clock) and the catalogue the
 * lane sells from.
 */
export interface LaneStoreStatus {
  readonly linkUp: boolean;
  readonly backlog: number;
  readonly oldestUnsentAt: number | null;
  readonly catalogVersion: number;
  readonly lastCatalogSyncAt: number | null;
  /** Sales the store would not take as they are (kept at the lane, flagged for store IT). */
  readonly conflicts?: number | undefined;
  /** The early alert: the backlog is past the lane's limits (count or age). */
  readonly alert?: boolean | undefined;
}

/** One basket line as the station shows it. */
export interface LaneLine {
  readonly lineId: number;
  readonly name: LocalizedText;
  readonly quantity: number;
  readonly weightGrams?: number | undefined;
  readonly priceMinor: number;
  readonly ageLimit?: number | undefined;
  /** Changed by an assistant (price override) — shown so nobody changes it twice. */
  readonly overridden?: boolean | undefined;
}

/**
 * What a lane tells the hub after every committed change: enough for a tile, the
 * intervention queue and the lane detail view. Built by `laneStatusOf` from the same
 * view the lane's own screen shows, so the station never disagrees with the kiosk.
 */
export interface LaneStatus {
  readonly laneId: string;
  readonly storeName: string;
  /** The lane's view version: increases with every change (a hub ignores older ones). */
  readonly version: number;
  /** Lane clock, epoch ms: when this status left the lane (the latency benchmark's start). */
  readonly sentAt: number;
  /** Statechart state path, e.g. `scanning.baggingMismatch`. */
  readonly state: string;
  /** Lane clock: when the lane entered `state`. */
  readonly stateSince: number;
  readonly light: LaneLightIndication;
  readonly currency: string;
  readonly language: string;
  readonly sale: {
    readonly id: string;
    readonly number: number;
    readonly startedAt: number;
    readonly itemCount: number;
    readonly totalMinor: number;
    readonly lines: readonly LaneLine[];
    /** 0 when nothing in the basket has an age limit. */
    readonly ageRequired: number;
    readonly ageApprovedBy?: string | undefined;
  } | null;
  /** Signed in at the lane itself (then the lane is being looked after). */
  readonly assistantAtLane: AssistantRef | null;
  readonly interventions: readonly Intervention[];
  readonly devices: Readonly<Partial<Record<DeviceRole, DeviceStatus>>>;
  readonly help: HelpRequest | null;
  readonly message: LaneMessage | null;
  /** The lane's last events, newest last, e.g. `12:01:07 scanner.scanned (item)`. */
  readonly recentEvents: readonly string[];
  /** The store link; null when the lane has none configured, absent from lanes older than it. */
  readonly store?: LaneStoreStatus | null | undefined;
}

/** Longest basket a status carries line by line; a bigger one is summarised by its totals. */
export const maxStatusLines = 200;

/**
 * The device problem of a device sending unusable input, as in `scanner: unreadable input`: a
 * noisy cable or a failing device, which the device's own status does not show (it still works).
 */
export const unreadableInputProblem = 'unreadable input';
/** Discarded messages in one run of noise before it is a problem for an assistant: one or two are a glitch. */
export const unreadableInputThreshold = 3;

/**
 * The devices that sent unusable input recently enough (a run of at least
 * `unreadableInputThreshold` messages, the last within `discardedInputWindowMs` of `now`), and
 * when the first of them stops being a problem — the lane sends its status again then, as
 * nothing else changes at the lane when the noise has stopped.
 */
export function unreadableInputOf(context: Pick<CheckoutContext, 'discardedInput'>, now: number): { readonly roles: DeviceRole[]; readonly nextChangeAt: number | undefined } {
  const roles: DeviceRole[] = [];
  let nextChangeAt: number | undefined;
  for (const [role, discarded] of Object.entries(context.discardedInput ?? {}) as [DeviceRole, DiscardedInput | undefined][]) {
    if (discarded?.lastAt === undefined || (discarded.recentCount ?? 0) < unreadableInputThreshold) continue;
    const ends = discarded.lastAt + discardedInputWindowMs;
    if (ends < now) continue;
    roles.push(role);
    nextChangeAt = Math.min(nextChangeAt ?? ends, ends);
  }
  return { roles, nextChangeAt };
}

/** `interventions` with the unreadable-input problems in the device-fault intervention (added in its place when there is none). */
function withUnreadableInput(interventions: Intervention[], roles: readonly DeviceRole[]): Intervention[] {
  if (roles.length === 0) return interventions;
  const problems = roles.map((role) => `${role}: ${unreadableInputProblem}`);
  const index = interventions.findIndex((intervention) => intervention.kind === 'deviceFault');
  if (index >= 0) {
    const existing = interventions[index]!;
    return interventions.with(index, { ...existing, detail: [existing.detail, ...problems].filter(Boolean).join('; ') });
  }
  const order = (kind: InterventionKind) => interventionKinds.indexOf(kind);
  const at = interventions.findIndex((intervention) => order(intervention.kind) > order('deviceFault'));
  const added: Intervention = { kind: 'deviceFault', detail: problems.join('; ') };
  return at < 0 ? [...interventions, added] : interventions.toSpliced(at, 0, added);
}

function deviceProblems(devices: LaneView['context']['devices']): { faults: string[]; paperOut: boolean; paperLow: boolean } {
  const faults: string[] = [];
  let paperOut = false;
  let paperLow = false;
  for (const [role, status] of Object.entries(devices) as [DeviceRole, DeviceStatus | undefined][]) {
    if (!status) continue;
    if (status.kind === 'ready') {
      if (role === 'printer' && status.warnings.includes('paperNearEnd')) paperLow = true;
      continue;
    }
    if (status.kind === 'fault' && role === 'printer' && status.faults.length === 1 && status.faults[0] === 'paperEnd') {
      paperOut = true;
      continue;
    }
    // `connecting` is a lane starting up, not a fault an assistant can do anything about yet.
    if (status.kind === 'connecting') continue;
    faults.push(`${role}: ${status.kind === 'fault' ? status.faults.join(', ') : status.kind}`);
  }
  return { faults, paperOut, paperLow };
}

/** What the lane in this view is waiting for an assistant to do, most urgent first. */
export function interventionsOf(view: Pick<LaneView, 'state' | 'context'>): Intervention[] {
  const { state, context } = view;
  const found: Intervention[] = [];
  if (context.help) found.push({ kind: 'help' });
  const mismatch = context.bagging?.mismatch;
  if (state === 'scanning.baggingMismatch' || mismatch) found.push({ kind: 'weightMismatch', detail: mismatch?.kind });
  if (ageCheckPending(context.sale)) {
    const restricted = context.sale?.lines.find((line) => (line.ageLimit ?? 0) > (context.sale?.ageApproval?.age ?? 0));
    found.push({ kind: 'ageCheck', detail: String(requiredAge(context.sale?.lines ?? [])), itemName: restricted?.name });
  }
  if (context.voidRequest) found.push({ kind: 'voidApproval', lineId: context.voidRequest.lineId, itemName: context.voidRequest.name });
  if (state === 'scanning.skipBaggingNeedsAssistant') found.push({ kind: 'skipBagging' });
  if (state === 'payment.atAssistant') found.push({ kind: 'payAtAssistant' });
  if (state === 'parked') found.push({ kind: 'parked' });
  const devices = deviceProblems(context.devices);
  if (devices.faults.length > 0 || state === 'outOfService') found.push({ kind: 'deviceFault', detail: devices.faults.join('; ') || undefined });
  if (devices.paperOut) found.push({ kind: 'paperOut' });
  else if (devices.paperLow) found.push({ kind: 'paperLow' });
  return found;
}

/** A lane's status for the hub, from its committed view. */
export function laneStatusOf(
  view: LaneView,
  extra: { readonly sentAt: number; readonly stateSince: number; readonly recentEvents: readonly string[]; readonly store?: LaneStoreStatus | null | undefined },
): LaneStatus {
  const { context } = view;
  const store = extra.store ?? null;
  const interventions = withUnreadableInput(interventionsOf(view), unreadableInputOf(context, extra.sentAt).roles);
  // Nothing for the shopper: the lane sells on. Store IT must restore the link before the disk fills.
  if (store?.alert) interventions.push({ kind: 'storeBacklog', detail: String(store.backlog) });
  const sale = context.sale;
  const assistant = context.assistant;
  return {
    laneId: context.lane.laneId,
    storeName: context.lane.storeName,
    version: view.version,
    sentAt: extra.sentAt,
    state: view.state,
    stateSince: extra.stateSince,
    light: laneLightFor(view.state, context),
    currency: context.lane.currency,
    language: context.language,
    sale: sale
      ? {
          id: sale.id,
          number: sale.number,
          startedAt: sale.startedAt,
          itemCount: view.itemCount,
          totalMinor: view.totalMinor,
          lines: sale.lines.slice(-maxStatusLines).map((line) => ({
            lineId: line.lineId,
            name: line.name,
            quantity: line.pricing === 'unit' ? line.quantity : 1,
            weightGrams: line.pricing === 'unit' ? undefined : line.weightGrams,
            priceMinor: line.priceMinor,
            ageLimit: line.ageLimit,
            overridden: line.priceOverride !== undefined || undefined,
          })),
          ageRequired: requiredAge(sale.lines),
          ageApprovedBy: sale.ageApproval?.by.name,
        }
      : null,
    assistantAtLane: assistant ? { id: assistant.id, name: assistant.name, role: assistant.role } : null,
    interventions,
    devices: context.devices,
    help: context.help ?? null,
    message: context.laneMessage ?? null,
    recentEvents: extra.recentEvents,
    // Only from lanes that say (a lane without a store link sends null): older statuses stay as they were.
    ...(extra.store !== undefined ? { store } : {}),
  };
}
