// The kiosk page's only door to the lane: one message pipe on one channel. Runs sandboxed
// (contextIsolation, no Node), so it may import nothing but Electron's renderer modules and
// our constants, which the build inlines.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { bridgeChannel } from '../../shared/bridge/laneService';
import { preloadGlobalName, type PreloadBridgeApi } from '../../shared/bridge/preloadApi';

/** The bridge's own limit; anything bigger is not ours. */
const maxMessageLength = 64 * 1024;

const api: PreloadBridgeApi = {
  send(message) {
    if (typeof message === 'string' && message.length <= maxMessageLength) ipcRenderer.send(bridgeChannel, message);
  },
  onMessage(listener) {
    const handler = (_event: IpcRendererEvent, message: unknown) => {
      if (typeof message === 'string') listener(message);
    };
    ipcRenderer.on(bridgeChannel, handler);
    return () => ipcRenderer.off(bridgeChannel, handler);
  },
};

contextBridge.exposeInMainWorld(preloadGlobalName, api);
