import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import type { ItemChoice } from '../../shared/catalog/choice';
import type { LaneService } from '../../shared/bridge/laneService';
import { createServiceClient, type BridgeConnection } from '../../shared/bridge/rpc';

/** The lane's item search, as the lookup screen uses it. Calls fail (reject) when the lane is out of reach. */
export interface ItemLookup {
  searchItems(text: string): Promise<readonly ItemChoice[]>;
  mostUsedItems(): Promise<readonly ItemChoice[]>;
}

/**
 * The lookup screen asks the lane for items through this context: screens otherwise get only
 * the view and `send`, and the lookup needs answers, not just a new view. Null when nothing
 * provides it (the screen then says that search is not available).
 */
export const ItemLookupContext = createContext<ItemLookup | null>(null);

export function useItemLookup(): ItemLookup | null {
  return useContext(ItemLookupContext);
}

/** The item lookup over a lane service (or anything shaped like one, e.g. in tests). */
export function itemLookupOf(service: Pick<LaneService, 'searchItems' | 'mostUsedItems'>): ItemLookup {
  return {
    searchItems: async (text) => (await service.searchItems({ text })).items,
    mostUsedItems: async () => (await service.mostUsedItems({})).items,
  };
}

type Client = ReturnType<typeof createServiceClient<LaneService>>;

/**
 * An item lookup with its own service client on the page's connection to the lane, beside the
 * lane store's (call ids are unique per page, so neither takes the other's replies). The client
 * is made on first use or when the provider mounts, whichever comes first (a screen's effects
 * run before its provider's), and disposed when the provider unmounts, so React's strict-mode
 * remount gets a fresh one rather than a disposed one.
 */
class ConnectedItemLookup implements ItemLookup {
  readonly #connection: BridgeConnection;
  #client: Client | null = null;
  #users = 0;

  constructor(connection: BridgeConnection) {
    this.#connection = connection;
  }

  attach(): () => void {
    this.#users++;
    this.#service();
    return () => {
      if (--this.#users === 0) {
        this.#client?.dispose();
        this.#client = null;
      }
    };
  }

  searchItems(text: string): Promise<readonly ItemChoice[]> {
    return itemLookupOf(this.#service()).searchItems(text);
  }

  mostUsedItems(): Promise<readonly ItemChoice[]> {
    return itemLookupOf(this.#service()).mostUsedItems();
  }

  #service(): LaneService {
    this.#client ??= createServiceClient<LaneService>(this.#connection);
    return this.#client.service;
  }
}

/** Gives the screens below it the lane's item search over `connection`, the page's one connection to the lane. */
export function ItemLookupProvider({ connection, children }: { connection: BridgeConnection; children: ReactNode }) {
  const lookup = useMemo(() => new ConnectedItemLookup(connection), [connection]);
  useEffect(() => lookup.attach(), [lookup]);
  return <ItemLookupContext.Provider value={lookup}>{children}</ItemLookupContext.Provider>;
}
