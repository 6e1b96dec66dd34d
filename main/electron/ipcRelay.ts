import { bridgeChannel } from '../../shared/bridge/laneService';
import type { Logger } from '../../shared/log';
import type { ContentsLike, IpcMainLike, IpcSenderEvent } from './electronApi';
import type { PageOrigin } from './pageOrigin';

/** The bridge's own limit (the preload's too); anything bigger is not ours. */
export const maxBridgeMessageLength = 64 * 1024;

export interface IpcRelay {
  /** A message from the lane runtime to the page. */
  toPage(message: string): void;
  dispose(): void;
}

/**
 * The kiosk page's end of the bridge in the main process. Main reads nothing of the messages:
 * it checks who sent each one — the kiosk window's own web contents, from its top frame, showing
 * our page — and passes it on. Anything else is dropped with a log line.
 */
export function relayBridge(options: {
  readonly ipcMain: IpcMainLike;
  readonly contents: ContentsLike;
  readonly origin: PageOrigin;
  readonly toRuntime: (message: string) => void;
  readonly log: Logger;
}): IpcRelay {
  const { ipcMain, contents, origin, log } = options;
  const onMessage = (event: IpcSenderEvent, ...args: unknown[]) => {
    const frame = event.senderFrame;
    const fromKiosk = event.sender === contents;
    const fromTopFrame = frame !== null && frame === contents.mainFrame;
    const onOurPage = frame !== null && origin.contains(frame.url);
    const [message] = args;
    if (!fromKiosk || !fromTopFrame || !onOurPage) {
      log.warn({ url: frame?.url, fromKiosk, fromTopFrame, onOurPage }, 'IPC bridge message from an untrusted sender dropped');
      return;
    }
    if (typeof message !== 'string' || message.length > maxBridgeMessageLength || args.length !== 1) {
      log.warn({ type: typeof message, length: typeof message === 'string' ? message.length : undefined }, 'IPC bridge message that is not one bridge message dropped');
      return;
    }
    options.toRuntime(message);
  };
  ipcMain.on(bridgeChannel, onMessage);
  return {
    toPage(message) {
      if (!contents.isDestroyed()) contents.send(bridgeChannel, message);
    },
    dispose() {
      ipcMain.off(bridgeChannel, onMessage);
    },
  };
}
