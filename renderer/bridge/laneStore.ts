import { laneEvents, type LaneService } from '../../shared/bridge/laneService';
import type { LaneView } from '../../shared/bridge/laneView';
import type { UiEvent } from '../../shared/checkout/events';
import { BridgeStore } from './bridgeStore';
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

/**
 * The screen's copy of the lane's state: the last `LaneView` and whether the lane is
 * reachable, fetched with `getView` whenever the connection (re)opens (see BridgeStore).
 *
 * Views older than (or the same as) the one shown are dropped: a push and a `getView`
 * answer can cross. The first view after each (re)connect is taken whatever its version,
 * because a lane that restarted may number its views from the start again.
 */
export class LaneStore extends BridgeStore<LaneService, LaneSnapshot> {
  #acceptAnyVersion = true;

  constructor(connection: LaneConnection) {
    super(connection, { view: null, connected: false }, getViewRetryMs);
  }

  /** Sends a shopper action; the screen changes only when the lane publishes the result. */
  readonly send = (event: UiEvent): Promise<boolean> => {
    const service = this.service;
    if (!service) return Promise.resolve(false);
    return service.sendEvent({ event }).then(
      ({ accepted }) => accepted,
      (error: unknown) => {
        console.warn(`lanewise: ${event.type} not delivered`, error);
        return false;
      },
    );
  };

  protected async load(service: LaneService, isCurrent: () => boolean): Promise<void> {
    this.#acceptAnyVersion = true;
    const view = await service.getView({});
    if (isCurrent()) this.#offer(view);
  }

  protected onPush(name: string, payload: unknown): void {
    if (name === laneEvents.view) this.#offer(payload);
  }

  #offer(payload: unknown): void {
    if (!this.service || !looksLikeView(payload)) return;
    const shown = this.getSnapshot().view;
    if (!this.#acceptAnyVersion && shown && payload.version <= shown.version) return;
    this.#acceptAnyVersion = false;
    this.set({ view: payload, connected: this.connection.isOpen });
  }
}
