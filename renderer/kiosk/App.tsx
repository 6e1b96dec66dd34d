import type { LaneConnection } from '../bridge/laneConnection';
import { useLane } from '../bridge/useLane';
import { ItemLookupProvider } from './itemLookup';
import { Kiosk } from './Kiosk';

export function App({ connection }: { connection: LaneConnection }) {
  const { view, connected, send } = useLane(connection);
  return (
    // The lookup screen asks the lane for search results over the same connection.
    <ItemLookupProvider connection={connection}>
      <Kiosk view={view} connected={connected} send={send} inKioskShell={connection.inKioskShell === true} />
    </ItemLookupProvider>
  );
}
