import { vi } from 'vitest';
import { eventMessage, type CallMessage, type ServerMessage } from '../../shared/bridge/rpc';
import { Emitter } from '../../shared/event';
import type { LaneLine, LaneStatus } from '../../shared/supervisor/laneStatus';
import type { LaneTile, QueuedIntervention, Report, StationAssistant, StationOverview, SupervisorService } from '../../shared/supervisor/stationService';
import { NotConnectedError, type LaneConnection } from '../../renderer/bridge/laneConnection';

export const anna: StationAssistant = { id: '1001', name: 'Anna', role: 'assistant' };
export const ivan: StationAssistant = { id: '1002', name: 'Ivan', role: 'supervisor' };

/** Hub clock in these tests: 7 March 2025, 14:00 UTC. */
export const hubT0 = Date.UTC(2025, 2, 7, 14, 0, 0);

export const beerLine: LaneLine = { lineId: 4, name: { en: 'Lager 0.5 l', ru: 'Пиво 0,5 л', lv: 'Alus 0,5 l', bg: 'Бира 0,5 л' }, quantity: 3, priceMinor: 447, ageLimit: 18 };
export const milkLine: LaneLine = { lineId: 1, name: { en: 'Milk 2% 1 l', ru: 'Молоко 2% 1 л' }, quantity: 2, priceMinor: 238 };
export const applesLine: LaneLine = { lineId: 2, name: { en: 'Apples Gala' }, quantity: 1, weightGrams: 512, priceMinor: 153, overridden: true };

/** A lane's status as the lane would send it: scanning a basket of milk, apples and beer. */
export function laneStatus(laneId: string, overrides: Partial<LaneStatus> = {}): LaneStatus {
  return {
    laneId,
    storeName: 'Lanewise Riga Centre',
    version: 7,
    sentAt: hubT0,
    state: 'scanning.ready',
    stateSince: hubT0 - 65_000,
    light: 'open',
    currency: 'EUR',
    language: 'lv',
    sale: {
      id: `${laneId}-e7f3a1-000042`,
      number: 42,
      startedAt: hubT0 - 120_000,
      itemCount: 6,
      totalMinor: 838,
      lines: [milkLine, applesLine, beerLine],
      ageRequired: 18,
    },
    assistantAtLane: null,
    interventions: [],
    devices: { scanner: { kind: 'ready', warnings: [] }, printer: { kind: 'ready', warnings: [] } },
    help: null,
    message: null,
    recentEvents: ['14:00:01 scanner.scanned (item)'],
    ...overrides,
  };
}

export function laneTile(laneId: string, overrides: Partial<LaneTile> = {}, status: Partial<LaneStatus> = {}): LaneTile {
  return { laneId, online: true, lastSeenAt: hubT0 - 1_000, status: laneStatus(laneId, status), stateSinceHub: hubT0 - 65_000, ...overrides };
}

export function queued(laneId: string, kind: QueuedIntervention['kind'], raisedAt: number, extra: Partial<QueuedIntervention> = {}): QueuedIntervention {
  return { id: `${laneId}:${kind}${extra.lineId === undefined ? '' : `:${extra.lineId}`}`, laneId, kind, raisedAt, saleId: `${laneId}-e7f3a1-000042`, ...extra };
}

export function overview(overrides: Partial<StationOverview> = {}): StationOverview {
  return { lanes: [laneTile('L01'), laneTile('L02')], queue: [], assistant: null, hubTime: hubT0, shifts: [6, 14, 22], ...overrides };
}

export const report: Report = {
  request: { kind: 'day', date: '2025-03-07' },
  from: Date.UTC(2025, 2, 6, 22),
  to: Date.UTC(2025, 2, 7, 22),
  shifts: [6, 14, 22],
  currency: 'EUR',
  sales: 120,
  completedSales: 110,
  abandonedSales: 4,
  cancelledSales: 6,
  salesTotalMinor: 245_067,
  selfServiceRate: 0.725,
  interventions: 48,
  interventionsPerSale: { ageCheck: 0.15, weightMismatch: 0.2, help: 0.05 },
  interventionCounts: { ageCheck: 18, weightMismatch: 24, help: 6 },
  averageWaitMs: 42_000,
  averageTimePerItemMs: 4_500,
  byHour: Array.from({ length: 24 }, (_, hour) => ({ hour, sales: hour >= 8 && hour < 20 ? 10 : 0, interventions: hour >= 8 && hour < 20 ? 4 : 0 })),
  byLane: [
    { laneId: 'L01', sales: 60, interventions: 20, selfServiceRate: 0.75 },
    { laneId: 'L02', sales: 60, interventions: 28, selfServiceRate: 0.7 },
  ],
};

type Mocked = { [M in keyof SupervisorService]: ReturnType<typeof vi.fn<SupervisorService[M]>> };

/**
 * An in-memory hub for a station page, speaking the real bridge protocol (calls and results as
 * JSON, pushed events) over a connection that can be opened and dropped like a WebSocket.
 */
export function fakeHub(initial: StationOverview = overview()) {
  let current = initial;
  const service: Mocked = {
    getOverview: vi.fn(async () => current),
    signIn: vi.fn<SupervisorService['signIn']>(async () => ({ ok: true, assistant: anna })),
    signOut: vi.fn(async () => ({ signedOut: true as const })),
    sendCommand: vi.fn<SupervisorService['sendCommand']>(async () => ({ outcome: 'done' })),
    laneDetail: vi.fn<SupervisorService['laneDetail']>(async ({ laneId }) => ({ tile: current.lanes.find((lane) => lane.laneId === laneId) ?? laneTile(laneId), timeline: [] })),
    audit: vi.fn<SupervisorService['audit']>(async () => ({ entries: [] })),
    exportAuditCsv: vi.fn<SupervisorService['exportAuditCsv']>(async () => ({ filename: 'audit-2025-03-07.csv', csv: 'at,action\n' })),
    report: vi.fn<SupervisorService['report']>(async () => report),
    exportReportCsv: vi.fn<SupervisorService['exportReportCsv']>(async () => ({ filename: 'report-2025-03-07.csv', csv: 'figure,value\n' })),
  };

  const toPage = new Emitter<string>();
  const opens = new Emitter<void>();
  const closes = new Emitter<void>();
  let open = false;

  const reply = (message: ServerMessage) => {
    if (open) queueMicrotask(() => toPage.fire(JSON.stringify(message)));
  };

  const page: LaneConnection = {
    get isOpen() {
      return open;
    },
    send(raw) {
      if (!open) throw new NotConnectedError();
      const call = JSON.parse(raw) as CallMessage;
      queueMicrotask(() => {
        const method = service[call.method as keyof SupervisorService] as unknown as (args: unknown) => Promise<unknown>;
        method(call.args).then(
          (value) => reply({ kind: 'result', id: call.id, ok: true, value }),
          (error: unknown) => reply({ kind: 'result', id: call.id, ok: false, error: { code: 'failed', message: String(error) } }),
        );
      });
    },
    onMessage: toPage.event,
    onOpen: opens.event,
    onClose: closes.event,
    dispose() {},
  };

  return {
    service,
    page,
    /** What later `getOverview` calls return. */
    set(next: StationOverview) {
      current = next;
    },
    push(name: string, payload: unknown) {
      if (open) queueMicrotask(() => toPage.fire(eventMessage(name, payload)));
    },
    /** Something that is not even JSON, as a broken proxy might send. */
    pushRaw(text: string) {
      if (open) queueMicrotask(() => toPage.fire(text));
    },
    connect() {
      open = true;
      opens.fire();
    },
    drop() {
      open = false;
      closes.fire();
    },
  };
}

/** Lets the bridge's microtask hops settle (works with real and fake timers alike). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
