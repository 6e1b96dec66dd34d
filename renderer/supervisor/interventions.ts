import type { AssistantRef } from '../../shared/checkout/sale';
import type { InterventionKind } from '../../shared/supervisor/laneStatus';
import { mayPerform, type RemoteAction } from '../../shared/supervisor/remoteActions';
import type { LaneTile, QueuedIntervention } from '../../shared/supervisor/stationService';

/**
 * Red: the lane is stopped or something may be walking out unpaid (a weight that does not
 * add up). Amber: a shopper is waiting, but nothing is lost while they do.
 */
const alarmKinds: ReadonlySet<string> = new Set<InterventionKind>(['weightMismatch', 'deviceFault', 'paperOut', 'offline']);

export type InterventionSeverity = 'alarm' | 'attention';

export function severityOf(kind: string): InterventionSeverity {
  return alarmKinds.has(kind) ? 'alarm' : 'attention';
}

/**
 * After this long an intervention flashes: half a minute for a stopped lane or a weight
 * problem, a minute for a shopper who is waiting (what attendants call "too long").
 */
export function urgentAfterMs(kind: string): number {
  return severityOf(kind) === 'alarm' ? 30_000 : 60_000;
}

export function isUrgent(item: QueuedIntervention, hubNow: number): boolean {
  return hubNow - item.raisedAt >= urgentAfterMs(item.kind);
}

/** While any intervention has waited this long, the station keeps reminding with a sound. */
export const remindAfterMs = 60_000;

/** Longest waiting first; the hub sends them so already, but a screen never trusts an order it can check. */
export function inQueueOrder(queue: readonly QueuedIntervention[]): QueuedIntervention[] {
  return [...queue].sort((a, b) => a.raisedAt - b.raisedAt || a.id.localeCompare(b.id));
}

/** The one-tap answer to an intervention, where one tap is safe: the assistant confirms it first. */
export interface QuickAction {
  readonly action: RemoteAction;
  /** The sale the intervention belongs to: the lane refuses the command if that sale has ended. */
  readonly saleId: string | null;
}

/**
 * Age check, weight mismatch, skip bagging and a shopper's request to take one piece off
 * can be answered without walking over; everything else needs the lane detail or a visit.
 */
export function quickActionFor(item: QueuedIntervention, tile: LaneTile | undefined, role: AssistantRef['role']): QuickAction | null {
  const saleId = item.saleId ?? tile?.status?.sale?.id ?? null;
  let action: RemoteAction | null = null;
  switch (item.kind) {
    case 'ageCheck':
      action = { kind: 'approveAge' };
      break;
    case 'weightMismatch':
      action = { kind: 'approveBagging' };
      break;
    case 'skipBagging':
      action = { kind: 'approveSkipBagging' };
      break;
    case 'voidApproval': {
      // The shopper asked to take one piece off: the quantity comes from the lane's live basket.
      const line = item.lineId === undefined ? undefined : tile?.status?.sale?.lines.find((candidate) => candidate.lineId === item.lineId);
      if (line && line.quantity >= 1) action = { kind: 'setQuantity', lineId: line.lineId, quantity: line.quantity - 1 };
      break;
    }
    default:
      break;
  }
  if (!action || !mayPerform(role, action.kind)) return null;
  if (!tile?.online) return null;
  return { action, saleId };
}
