import type { AssistantCommand, AssistantCommandKind } from '../checkout/events';
import type { AssistantRef } from '../checkout/sale';
import type { LaneMessageKey } from './laneMessages';

/**
 * What the supervisor station may ask of a lane: the assistant commands that make sense
 * from a distance, and a message for the shopper. Taking cash, printing slips and
 * reprinting receipts need someone at the lane, so they are not here.
 */
export const remoteCommandKinds = [
  'approveAge',
  'refuseAge',
  'approveBagging',
  'approveSkipBagging',
  'setQuantity',
  'overridePrice',
  'voidSale',
  'resumeSale',
  'closeLane',
  'openLane',
  'startMaintenance',
  'endMaintenance',
] as const satisfies readonly AssistantCommandKind[];
export type RemoteCommandKind = (typeof remoteCommandKinds)[number];

export type RemoteAction = Extract<AssistantCommand, { kind: RemoteCommandKind }> | { readonly kind: 'sendMessage'; readonly message: LaneMessageKey };
export type RemoteActionKind = RemoteAction['kind'];

/**
 * Loss-control decisions only a supervisor may take, at the lane or from the station:
 * changing a price and cancelling a whole basket; and, at the lane only, leaving the kiosk
 * shell (the terminal's desktop is no place for anyone else). Everything else an assistant may do.
 */
const supervisorOnly: ReadonlySet<string> = new Set<AssistantCommandKind>(['overridePrice', 'voidSale', 'leaveKiosk']);

/** Whether someone in `role` may give this command (the lane and the hub both check). */
export function mayPerform(role: AssistantRef['role'], kind: AssistantCommandKind | RemoteActionKind): boolean {
  return role === 'supervisor' || !supervisorOnly.has(kind);
}
