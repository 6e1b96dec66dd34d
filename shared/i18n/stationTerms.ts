/**
 * Domain values the supervisor station names in words, and how each maps to a message key.
 * The lists live here (not in the screen) so the English catalogue's `DomainKeys` can require
 * a message for every one of them: adding a state or an audit action without its words fails
 * the type check.
 */

/**
 * Statechart states a lane tile names. A state not listed is named by its top-level state
 * (`payment.settlingForRetry` → `payment`), so a new sub-state never shows a raw path.
 */
export const namedLaneStates = [
  'idle',
  'outOfService',
  'closed',
  'maintenance',
  'parked',
  'scanning',
  'scanning.lookup',
  'scanning.weighing',
  'scanning.needsWeighing',
  'scanning.unknownItem',
  'scanning.baggingMismatch',
  'scanning.skipBaggingNeedsAssistant',
  'scanning.awaitingAgeCheck',
  'scanning.removalNeedsAssistant',
  'scanning.stillThere',
  'scanning.confirmingCancel',
  'payment',
  'payment.choosing',
  'payment.atAssistant',
  'payment.authorizing',
  'payment.failed',
  'receipt',
  'receipt.printFailed',
  'unknown',
] as const;
export type NamedLaneState = (typeof namedLaneStates)[number];

/** The words for a lane's state path: the state itself if named, else its top-level state, else "unknown". */
export function laneStateKey(state: string): `station.state.${NamedLaneState}` {
  const named = namedLaneStates as readonly string[];
  if (named.includes(state)) return `station.state.${state as NamedLaneState}`;
  const top = state.split('.')[0] ?? '';
  if (named.includes(top)) return `station.state.${top as NamedLaneState}`;
  return 'station.state.unknown';
}

/**
 * Audit trail actions with words of their own: the remote commands, the lane's own assistant
 * actions and the hub's sign-in and security entries. Others show as recorded.
 */
export const namedAuditActions = [
  'approveAge',
  'refuseAge',
  'approveBagging',
  'approveSkipBagging',
  'setQuantity',
  'voidLine',
  'overridePrice',
  'voidSale',
  'suspendSale',
  'resumeSale',
  'closeLane',
  'openLane',
  'startMaintenance',
  'endMaintenance',
  'leaveKiosk',
  'sendMessage',
  'confirmTender',
  'keyedBarcode',
  'reprintLastReceipt',
  'signIn',
  'signOut',
  'signInFailed',
  'commandRejected',
  'laneRefused',
] as const;
export type NamedAuditAction = (typeof namedAuditActions)[number];

export function auditActionKey(action: string): `station.auditAction.${NamedAuditAction}` | null {
  return (namedAuditActions as readonly string[]).includes(action) ? `station.auditAction.${action as NamedAuditAction}` : null;
}

/** Outcomes an audit row can have (`AuditEntry.outcome`). */
export const namedAuditOutcomes = ['done', 'notNow', 'rejected', 'forbidden', 'timeout', 'offline', 'signedOut', 'failed', 'lockedOut'] as const;
export type NamedAuditOutcome = (typeof namedAuditOutcomes)[number];

export function auditOutcomeKey(outcome: string): `station.auditOutcome.${NamedAuditOutcome}` | null {
  return (namedAuditOutcomes as readonly string[]).includes(outcome) ? `station.auditOutcome.${outcome as NamedAuditOutcome}` : null;
}
