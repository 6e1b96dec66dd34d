import type { Intervention, LaneStatus } from '../../../shared/supervisor/laneStatus';

/** A lane's status as the link would send it: an open sale of `items` lines unless told otherwise. */
export function laneStatus(laneId: string, version: number, overrides: Partial<LaneStatus> & { interventions?: readonly Intervention[] } = {}): LaneStatus {
  const sentAt = overrides.sentAt ?? 1_700_000_000_000 + version * 1000;
  return {
    laneId,
    storeName: 'Test Store',
    version,
    sentAt,
    state: 'scanning.ready',
    stateSince: sentAt - 5000,
    light: 'open',
    currency: 'EUR',
    language: 'en',
    sale: {
      id: `${laneId}-sale-1`,
      number: 1,
      startedAt: sentAt - 60_000,
      itemCount: 2,
      totalMinor: 318,
      lines: [
        { lineId: 1, name: { en: 'Milk 2.5% 1 L', lv: 'Piens 2,5% 1 l' }, quantity: 1, priceMinor: 119 },
        { lineId: 2, name: { en: 'Vodka 0.5 L' }, quantity: 1, priceMinor: 199, ageLimit: 18 },
      ],
      ageRequired: 18,
    },
    assistantAtLane: null,
    interventions: [],
    devices: { scanner: { kind: 'ready', warnings: [] }, printer: { kind: 'ready', warnings: ['paperNearEnd'] } },
    help: null,
    message: null,
    recentEvents: ['12:01:07 scanner.scanned (item)'],
    ...overrides,
  };
}
