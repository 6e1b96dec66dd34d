import type { Event } from '../../shared/event';
import type { BridgeConnection } from '../../shared/bridge/rpc';

/**
 * A `BridgeConnection` that may come and go (a WebSocket to the lane) or is always there
 * (Electron IPC). One object for the page's lifetime: the service client is made once and
 * keeps working across reconnects; `onClose` fails the calls in flight.
 */
export interface LaneConnection extends BridgeConnection {
  readonly isOpen: boolean;
  /** Fires each time the connection (re)opens; not for one that is already open when you subscribe. */
  readonly onOpen: Event<void>;
  /** True inside the Electron kiosk shell (IPC through its preload): only then can the lane ask the shell for anything. */
  readonly inKioskShell?: boolean;
  dispose(): void;
}

export class NotConnectedError extends Error {
  constructor() {
    super('not connected to the lane');
  }
}
