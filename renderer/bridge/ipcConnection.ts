import { Emitter } from '../../shared/event';
import type { PreloadBridgeApi } from '../../shared/bridge/preloadApi';
import type { LaneConnection } from './laneConnection';

/**
 * The connection inside the Electron kiosk window: the preload's single message pipe.
 * It is open from the start and never closes (the lane runtime keeps its end for the
 * window's lifetime), so `onOpen` and `onClose` never fire.
 */
export function createIpcConnection(api: PreloadBridgeApi): LaneConnection {
  const messages = new Emitter<string>();
  const opens = new Emitter<void>();
  const closes = new Emitter<void>();
  const stop = api.onMessage((message) => messages.fire(message));
  return {
    isOpen: true,
    inKioskShell: true,
    send: (message) => api.send(message),
    onMessage: messages.event,
    onOpen: opens.event,
    onClose: closes.event,
    dispose() {
      stop();
      messages.dispose();
      opens.dispose();
      closes.dispose();
    },
  };
}
