import { Emitter } from '../../shared/event';
import { NotConnectedError, type LaneConnection } from './laneConnection';

export interface WebSocketConnectionOptions {
  /** First retry after a drop or a failed attempt; doubles per failure up to `maxDelayMs`. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** For tests: how to make a socket. */
  readonly createSocket?: (url: string) => WebSocket;
}

/** The minimal socket surface used here, so tests can pass a fake. */
type SocketLike = Pick<WebSocket, 'send' | 'close' | 'readyState'> & {
  onopen: ((this: WebSocket, ev: Event) => unknown) | null;
  onmessage: ((this: WebSocket, ev: MessageEvent) => unknown) | null;
  onclose: ((this: WebSocket, ev: CloseEvent) => unknown) | null;
  onerror: ((this: WebSocket, ev: Event) => unknown) | null;
};

const OPEN = 1;

/**
 * A WebSocket to the lane that reconnects by itself: after a drop (lane restarting, tab
 * woken up) it retries with a backoff of 250 ms doubling to 2 s, so a screen comes back
 * within about two seconds of the lane without hammering a lane that is down.
 */
export function createWebSocketConnection(url: string, options: WebSocketConnectionOptions = {}): LaneConnection {
  const initialDelayMs = options.initialDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 2_000;
  const createSocket = options.createSocket ?? ((address: string) => new WebSocket(address));
  const messages = new Emitter<string>();
  const opens = new Emitter<void>();
  const closes = new Emitter<void>();
  let socket: SocketLike | null = null;
  let open = false;
  let disposed = false;
  let delayMs = initialDelayMs;
  let retry: ReturnType<typeof setTimeout> | undefined;

  function connect(): void {
    retry = undefined;
    if (disposed) return;
    let current: SocketLike;
    try {
      current = createSocket(url);
    } catch {
      scheduleRetry();
      return;
    }
    socket = current;
    current.onopen = () => {
      if (socket !== current) return;
      open = true;
      delayMs = initialDelayMs;
      opens.fire();
    };
    current.onmessage = (event) => {
      if (socket === current && typeof event.data === 'string') messages.fire(event.data);
    };
    // An error is always followed by close; reconnecting happens there.
    current.onerror = () => {};
    current.onclose = () => {
      if (socket !== current) return;
      socket = null;
      const wasOpen = open;
      open = false;
      if (wasOpen) closes.fire();
      scheduleRetry();
    };
  }

  function scheduleRetry(): void {
    if (disposed || retry !== undefined) return;
    retry = setTimeout(connect, delayMs);
    delayMs = Math.min(delayMs * 2, maxDelayMs);
  }

  connect();

  return {
    get isOpen() {
      return open;
    },
    send(message) {
      if (!open || !socket || socket.readyState !== OPEN) throw new NotConnectedError();
      socket.send(message);
    },
    onMessage: messages.event,
    onOpen: opens.event,
    onClose: closes.event,
    dispose() {
      disposed = true;
      if (retry !== undefined) clearTimeout(retry);
      const current = socket;
      socket = null;
      open = false;
      current?.close();
      messages.dispose();
      opens.dispose();
      closes.dispose();
    },
  };
}

/** The lane's bridge on the server that served this page. */
export function bridgeUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge`;
}

/** The supervisor hub's bridge for station screens, on the hub that served the station page. */
export function stationBridgeUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/station/bridge`;
}
