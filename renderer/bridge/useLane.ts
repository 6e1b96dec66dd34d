import { useMemo, useSyncExternalStore } from 'react';
import type { UiEvent } from '../../shared/checkout/events';
import type { LaneConnection } from './laneConnection';
import { LaneStore, type LaneSnapshot } from './laneStore';

export interface Lane extends LaneSnapshot {
  readonly send: (event: UiEvent) => Promise<boolean>;
}

/** The lane behind `connection`: its latest view, whether it is reachable, and how to send it shopper actions. */
export function useLane(connection: LaneConnection): Lane {
  const store = useMemo(() => new LaneStore(connection), [connection]);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return useMemo(() => ({ ...snapshot, send: store.send }), [snapshot, store]);
}
