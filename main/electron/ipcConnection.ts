import type { IpcMainEvent, WebContents } from 'electron';
import { ipcMain } from 'electron';
import { bridgeChannel } from '../../shared/bridge/laneService';
import type { BridgeConnection } from '../../shared/bridge/rpc';
import { Emitter } from '../../shared/event';
import type { Logger } from '../../shared/log';

/**
 * The bridge over Electron IPC for one kiosk window. Messages are accepted only from that
 * window's main frame showing our own page; anything else is dropped and logged.
 */
export function ipcConnection(contents: WebContents, isTrustedUrl: (url: string) => boolean, log: Logger): BridgeConnection & { dispose(): void } {
  const messages = new Emitter<string>();
  const closes = new Emitter<void>();
  const onMessage = (event: IpcMainEvent, message: unknown) => {
    const frame = event.senderFrame;
    const trusted = event.sender === contents && frame !== null && frame === contents.mainFrame && isTrustedUrl(frame.url);
    if (!trusted || typeof message !== 'string') {
      log.warn({ url: frame?.url, type: typeof message }, 'IPC bridge message from an untrusted sender dropped');
      return;
    }
    messages.fire(message);
  };
  ipcMain.on(bridgeChannel, onMessage);
  const onGone = () => closes.fire();
  contents.on('destroyed', onGone);
  contents.on('did-start-navigation', onGone);
  return {
    send(message) {
      if (!contents.isDestroyed()) contents.send(bridgeChannel, message);
    },
    onMessage: messages.event,
    onClose: closes.event,
    dispose() {
      ipcMain.off(bridgeChannel, onMessage);
      messages.dispose();
      closes.dispose();
    },
  };
}
