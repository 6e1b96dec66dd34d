import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createWebSocketConnection, stationBridgeUrl } from '../bridge/webSocketConnection';
import { StationApp } from './StationApp';
import { StationStore } from './stationStore';
import '../styles.css';
import './station.css';

export function startStation(root: HTMLElement): void {
  // One store for the page's lifetime, made outside React so strict mode's double mount shares it.
  const store = new StationStore(createWebSocketConnection(stationBridgeUrl(window.location)));
  document.documentElement.classList.add('station-page');
  createRoot(root).render(
    <StrictMode>
      <StationApp store={store} />
    </StrictMode>,
  );
}
