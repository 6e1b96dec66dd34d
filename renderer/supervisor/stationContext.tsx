import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { StationSnapshot, StationStore } from './stationStore';

const StoreContext = createContext<StationStore | null>(null);
const HubNowContext = createContext<number>(0);

/** How often waiting times and times in state move on: they are shown to the second. */
const tickMs = 1_000;

/** Makes `store` available to the station's screens, with a hub clock that ticks every second. */
export function StationProvider({ store, children }: { store: StationStore; children: ReactNode }) {
  return (
    <StoreContext.Provider value={store}>
      <HubClock store={store}>{children}</HubClock>
    </StoreContext.Provider>
  );
}

function HubClock({ store, children }: { store: StationStore; children: ReactNode }) {
  const [now, setNow] = useState(store.hubNow);
  useEffect(() => {
    const timer = setInterval(() => setNow(store.hubNow()), tickMs);
    return () => clearInterval(timer);
  }, [store]);
  return <HubNowContext.Provider value={now}>{children}</HubNowContext.Provider>;
}

export function useStationStore(): StationStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStationStore outside a StationProvider');
  return store;
}

export function useStationSnapshot(): StationSnapshot {
  const store = useStationStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** Now on the hub's clock, updated every second (re-renders the caller each tick). */
export function useHubNow(): number {
  return useContext(HubNowContext);
}
