import type { LaneConnection } from '../bridge/laneConnection';
import { useLane } from '../bridge/useLane';
import { Kiosk } from './Kiosk';

export function App({ connection }: { connection: LaneConnection }) {
  const { view, connected, send } = useLane(connection);
  return <Kiosk view={view} connected={connected} send={send} />;
}
