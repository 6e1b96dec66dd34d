import type { LaneAuditEntry } from '../../shared/supervisor/protocol';
import type { AssistantActionRow } from './journal';
import type { SecurityEventRow } from './securityEvents';

/**
 * The lane's audit lines as the hub's trail wants them. Each `ref` names the journal row it
 * comes from, so resending after a reconnect never makes a second line at the hub.
 */

/**
 * `action:<seq>@<journal epoch>`: the epoch keeps refs unique at the lane when its journal is ever
 * replaced (new disk, restored lane), whose sequence numbers start again at 1 — the hub keeps
 * one line per lane and ref, so a reused ref would silently drop a new line.
 */
export function auditRef(table: 'action' | 'security', seq: number, epoch: string): string {
  return `${table}:${seq}@${epoch}`;
}

export function auditEntryOfAction(row: AssistantActionRow, epoch: string): LaneAuditEntry {
  return { ref: auditRef('action', row.seq, epoch), at: row.at, by: row.by, via: row.via, action: row.action, saleId: row.saleId ?? null, outcome: 'done', detail: row.detail };
}

export function auditEntryOfSecurityEvent(row: SecurityEventRow, epoch: string): LaneAuditEntry {
  const ref = auditRef('security', row.seq, epoch);
  const event = row.event;
  switch (event.kind) {
    case 'commandRejected':
      return {
        ref,
        at: row.at,
        by: event.by ?? null,
        via: 'supervisor',
        action: 'commandRejected',
        saleId: event.saleId ?? null,
        outcome: 'rejected',
        reason: event.rejection,
        detail: { command: event.action ?? null, commandId: event.commandId ?? null },
      };
    case 'signInFailed':
      return {
        ref,
        at: row.at,
        by: null,
        assistantId: event.assistantId,
        via: 'lane',
        action: 'signInFailed',
        outcome: 'rejected',
        reason: event.problem,
        detail: event.badge ? { badge: true } : undefined,
      };
    case 'roleRefused':
      return { ref, at: row.at, by: event.by, via: 'lane', action: event.action, saleId: event.saleId ?? null, outcome: 'rejected', reason: 'forbidden' };
    case 'laneRefusedByHub':
      return { ref, at: row.at, by: null, via: 'lane', action: 'laneSignInRefused', outcome: 'rejected', reason: event.reason };
  }
}

/** The newest `limit` of both kinds, oldest first (the order the hub's trail would have had them live). */
export function mergeAuditEntries(entries: readonly LaneAuditEntry[], limit: number): LaneAuditEntry[] {
  return [...entries].sort((a, b) => a.at - b.at).slice(-limit);
}
