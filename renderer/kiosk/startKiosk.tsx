import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { preloadGlobalName, type PreloadBridgeApi } from '../../shared/bridge/preloadApi';
import { createIpcConnection } from '../bridge/ipcConnection';
import type { LaneConnection } from '../bridge/laneConnection';
import { bridgeUrl, createWebSocketConnection } from '../bridge/webSocketConnection';
import { App } from './App';
import { renderTraceLog } from './renderTrace';
import '../styles.css';

/**
 * Inside the Electron kiosk the preload offers IPC as `window.lanewiseBridge`; in a browser
 * the page talks over a WebSocket to the lane that served it.
 */
function connectToLane(): LaneConnection {
  const preload = (window as unknown as Record<string, PreloadBridgeApi | undefined>)[preloadGlobalName];
  return preload ? createIpcConnection(preload) : createWebSocketConnection(bridgeUrl(window.location));
}

export function startKiosk(root: HTMLElement): void {
  renderTraceLog();
  createRoot(root).render(
    <StrictMode>
      <App connection={connectToLane()} />
    </StrictMode>,
  );
}
