import { createServiceClient } from '../../shared/bridge/rpc';
import { laneEvents, type LaneService } from '../../shared/bridge/laneService';
import type { LaneView } from '../../shared/bridge/laneView';
import type { UiEvent } from '../../shared/checkout/events';
import type { Disposable } from '../../shared/event';
import type { LaneConnection } from './laneConnection';

export interface LaneSnapshot {
  /** The newest view received, kept while disconnected so the page never goes blank. */
  readonly view: LaneView | null;
  /** True once the current connection has delivered a view; false while (re)connecting. */
  readonly connected: boolean;
}

/** How long to wait before asking again when `getView` fails on an open connection. */
const getViewRetryMs = 1_000;

function looksLikeView(value: unknown): value is LaneView {
  if (!value || typeof value !== 'object') return false;
  const view = value as Partial<LaneView>;
  return typeof view.version === 'number' && typeof view.state === 'string' && !!view.context && typeof view.context === 'object';
}

type Client = ReturnType<typeof createServiceClient<LaneService>>;

/**
 * The screen's copy of the lane's state: the last `LaneView` and whether the lane is
 * reachable, with a `useSyncExternalStore`-shaped API. It listens to the connection only
 * while someone is subscribed (so React's strict-mode double mount is harmless) and
 * calls `getView` whenever the connection (re)opens.
 *
 * Views older than (or the same as) the one shown are dropped: a push and a `getView`
 * answer can cross. The first view after each (re)connect is taken whatever its version,
 * because a lane that restarted may number its views from the start again.
 */
export class LaneStore {
  #snapshot: LaneSnapshot = { view: null, connected: false };
  readonly #listeners = new Set<() => void>();
  readonly #connection: LaneConnection;
  #client: Client | null = null;
  #subscriptions: Disposable[] = [];
  #acceptAnyVersion = true;
  #generation = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(connection: LaneConnection) {
    this.#connection = connection;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#start();
    return () => {
      if (this.#listeners.delete(listener) && this.#listeners.size === 0) this.#stop();
    };
  };

  readonly getSnapshot = (): LaneSnapshot => this.#snapshot;

  /** Sends a shopper action; the screen changes only when the lane publishes the result. */
  readonly send = (event: UiEvent): Promise<boolean> => {
    if (!this.#client) return Promise.resolve(false);
    return this.#client.service.sendEvent({ event }).then(
      ({ accepted }) => accepted,
      (error: unknown) => {
        console.warn(`lanewise: ${event.type} not delivered`, error);
        return false;
      },
    );
  };

  #start(): void {
    const client = createServiceClient<LaneService>(this.#connection);
    this.#client = client;
    this.#subscriptions = [
      client,
      client.onEvent(({ name, payload }) => {
        if (name === laneEvents.view) this.#offer(payload);
      }),
      this.#connection.onOpen(() => this.#refresh()),
      this.#connection.onClose(() => {
        this.#generation++;
        this.#set({ ...this.#snapshot, connected: false });
      }),
    ];
    if (this.#connection.isOpen) this.#refresh();
  }

  #stop(): void {
    this.#generation++;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#retry = undefined;
    for (const subscription of this.#subscriptions.reverse()) subscription.dispose();
    this.#subscriptions = [];
    this.#client = null;
    this.#snapshot = { ...this.#snapshot, connected: false };
  }

  #refresh(): void {
    const client = this.#client;
    if (!client) return;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#retry = undefined;
    const generation = ++this.#generation;
    this.#acceptAnyVersion = true;
    client.service.getView({}).then(
      (view) => {
        if (generation === this.#generation) this.#offer(view);
      },
      () => {
        // Failed on a connection that is still open (an error in the lane): ask again.
        // If the connection closed instead, the next `onOpen` asks.
        if (generation === this.#generation && this.#connection.isOpen) {
          this.#retry = setTimeout(() => this.#refresh(), getViewRetryMs);
        }
      },
    );
  }

  #offer(payload: unknown): void {
    if (!this.#client || !looksLikeView(payload)) return;
    const shown = this.#snapshot.view;
    if (!this.#acceptAnyVersion && shown && payload.version <= shown.version) return;
    this.#acceptAnyVersion = false;
    this.#set({ view: payload, connected: this.#connection.isOpen });
  }

  #set(snapshot: LaneSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of [...this.#listeners]) listener();
  }
}
