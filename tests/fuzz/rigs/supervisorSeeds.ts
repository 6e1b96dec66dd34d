import { interventionKinds, type Intervention, type LaneStatus } from '../../../shared/supervisor/laneStatus';
import { laneMessageKeys } from '../../../shared/supervisor/laneMessages';
import type { LaneAuditEntry, LaneToHub, SaleSummary } from '../../../shared/supervisor/protocol';
import type { RemoteAction } from '../../../shared/supervisor/remoteActions';
import type { DeviceStatus } from '../../../shared/devices';
import { laneStatus } from '../../main/supervisor/fixtures';

/**
 * Well-formed supervisor protocol messages of every kind, built with the protocol's own types:
 * what the fuzzers mutate. Each call makes fresh ones (versions and times move on), so sending a
 * seed as it is also reaches code that ignores stale or repeated messages.
 */

const deviceStatuses: readonly DeviceStatus[] = [
  { kind: 'ready', warnings: [] },
  { kind: 'ready', warnings: ['paperNearEnd'] },
  { kind: 'fault', faults: ['paperEnd'] },
  { kind: 'fault', faults: ['coverOpen', 'printerOffline'] },
  { kind: 'lost', reason: 'the device node went away' },
  { kind: 'connecting' },
  { kind: 'closed' },
];

function interventions(variant: number): Intervention[] {
  const all: Intervention[] = interventionKinds.map((kind, index) => ({
    kind,
    ...(kind === 'voidApproval' || kind === 'ageCheck' ? { lineId: 1 + (index % 3), itemName: { en: 'Vodka 0.5 L', ru: 'Водка 0,5 л' } } : {}),
    ...(kind === 'deviceFault' ? { detail: 'printer: coverOpen' } : kind === 'ageCheck' ? { detail: '18' } : {}),
  }));
  if (variant % 4 === 0) return [];
  if (variant % 4 === 1) return [all[variant % all.length]!];
  if (variant % 4 === 2) return all;
  return [all[0]!, all[0]!, all[2]!];
}

export function laneStatusSeed(laneId: string, version: number, variant: number, now = Date.now()): LaneStatus {
  // The tests' well-formed status, with every field that has variants set from `variant`.
  const base = laneStatus(laneId, version, { sentAt: now });
  const withSale = variant % 3 !== 0;
  return {
    ...base,
    storeName: 'Fuzz Store',
    state: ['scanning.ready', 'idle', 'payment.atAssistant', 'scanning.baggingMismatch', 'outOfService', 'closed'][variant % 6]!,
    light: (['open', 'attention', 'intervention', 'alarm', 'closed'] as const)[variant % 5]!,
    language: ['en', 'lv', 'ru', 'bg'][variant % 4]!,
    sale:
      withSale && base.sale
        ? {
            ...base.sale,
            id: `${laneId}-e1-${variant}`,
            number: variant,
            itemCount: 3,
            totalMinor: base.sale.totalMinor + 172,
            // A weighed line and an overridden price beside the fixture's two.
            lines: [...base.sale.lines.map((line) => (line.ageLimit ? { ...line, overridden: true } : line)), { lineId: 3, name: { en: 'Bananas' }, quantity: 1, weightGrams: 1_234, priceMinor: 172 }],
            ...(variant % 2 ? { ageApprovedBy: 'Anna' } : {}),
          }
        : null,
    assistantAtLane: variant % 5 === 0 ? { id: '1001', name: 'Anna Bērziņa', role: 'assistant' } : null,
    interventions: interventions(variant),
    devices: { scanner: deviceStatuses[variant % deviceStatuses.length]!, printer: deviceStatuses[(variant + 2) % deviceStatuses.length]!, baggingScale: { kind: 'ready', warnings: [] } },
    help: variant % 4 === 1 ? { at: now - 1_000, state: 'scanning.ready', itemCount: 3, totalMinor: 437, deviceProblems: ['printer: coverOpen'], recentEvents: ['12:00:01 ui.callHelp'] } : null,
    message: variant % 6 === 2 ? { key: laneMessageKeys[variant % laneMessageKeys.length]!, from: 'Ivan', at: now - 100 } : null,
    recentEvents: ['12:01:07 scanner.scanned (item)', '12:01:09 ui.pay'],
    ...(variant % 3 === 1 ? { store: { linkUp: variant % 2 === 0, backlog: variant, oldestUnsentAt: now - 3_600_000, catalogVersion: 42, lastCatalogSyncAt: now - 10_000, conflicts: 0, alert: variant % 5 === 0 } } : {}),
  };
}

export function saleSummarySeed(laneId: string, number: number, variant: number, now = Date.now()): SaleSummary {
  return {
    saleId: `${laneId}-e1-${number}`,
    number,
    status: (['completed', 'cancelled', 'abandoned', 'suspended'] as const)[variant % 4]!,
    startedAt: now - 90_000,
    closedAt: now,
    itemCount: variant % 20,
    totalMinor: 1_299 * (variant % 7),
    currency: 'EUR',
  };
}

export function laneAuditSeed(ref: number, variant: number, now = Date.now()): LaneAuditEntry {
  const entries: LaneAuditEntry[] = [
    { ref: `action:${ref}`, at: now, by: { id: '1001', name: 'Anna Bērziņa', role: 'assistant' }, via: 'lane', action: 'approveAge', saleId: 'L01-e1-7', outcome: 'done', detail: { lineId: 3, age: 18 } },
    { ref: `security:${ref}`, at: now, by: null, assistantId: '9999', via: 'lane', action: 'signInFailed', outcome: 'rejected', reason: 'unknown' },
    { ref: `security:${ref}`, at: now, by: null, via: 'supervisor', action: 'commandRejected', saleId: null, outcome: 'rejected', reason: 'badMac', detail: { commandId: 'abc', ok: false, none: null } },
    { ref: `action:${ref}`, at: now + 0.25, by: { id: '1002', name: 'Ivan Petrov', role: 'supervisor' }, via: 'lane', action: 'overridePrice', outcome: 'done', reason: 'damaged', detail: { lineId: 1, priceMinor: 99 } },
  ];
  return entries[variant % entries.length]!;
}

export function laneReportSeeds(laneId: string, counter: number, now = Date.now()): Exclude<LaneToHub, { type: 'hello' }>[] {
  return [
    { type: 'status', status: laneStatusSeed(laneId, counter, counter, now) },
    { type: 'status', status: laneStatusSeed(laneId, counter, counter + 1, now) },
    { type: 'status', status: laneStatusSeed(laneId, counter, counter + 2, now) },
    { type: 'commandResult', id: '0123456789abcdef0123456789abcdef', outcome: (['done', 'notNow', 'rejected'] as const)[counter % 3]!, ...(counter % 2 ? { reason: 'staleSale' } : {}), at: now },
    { type: 'commandResult', id: '', outcome: 'rejected', reason: 'malformed', at: now },
    { type: 'sale', sale: saleSummarySeed(laneId, counter, counter, now) },
    { type: 'audit', entry: laneAuditSeed(counter, counter, now) },
  ];
}

/** Every action the station may send a lane, and a few it may not. */
export function remoteActionSeeds(): RemoteAction[] {
  const byKind: { [K in RemoteAction['kind']]: Extract<RemoteAction, { kind: K }>[] } = {
    approveAge: [{ kind: 'approveAge' }],
    refuseAge: [{ kind: 'refuseAge' }],
    approveBagging: [{ kind: 'approveBagging' }],
    approveSkipBagging: [{ kind: 'approveSkipBagging' }],
    setQuantity: [
      { kind: 'setQuantity', lineId: 1, quantity: 0 },
      { kind: 'setQuantity', lineId: 2, quantity: 5 },
    ],
    overridePrice: [{ kind: 'overridePrice', lineId: 1, priceMinor: 50, reason: 'shelfPrice' }],
    voidSale: [{ kind: 'voidSale' }],
    resumeSale: [{ kind: 'resumeSale' }],
    closeLane: [{ kind: 'closeLane' }],
    openLane: [{ kind: 'openLane' }],
    startMaintenance: [{ kind: 'startMaintenance' }],
    endMaintenance: [{ kind: 'endMaintenance' }],
    sendMessage: laneMessageKeys.map((message) => ({ kind: 'sendMessage', message })),
  };
  return Object.values(byKind).flat();
}
