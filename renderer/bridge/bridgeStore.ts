import { createServiceClient, type ServiceShape } from '../../shared/bridge/rpc';
import type { Disposable } from '../../shared/event';
import type { LaneConnection } from './laneConnection';

/**
 * What the kiosk's and the station's stores share: a `useSyncExternalStore`-shaped copy of a
 * service behind a bridge connection. It listens to the connection only while someone is
 * subscribed (so React's strict-mode double mount is harmless), loads the whole picture on
 * every (re)open, applies pushed events in between, and keeps the last data while the other
 * end is out of reach so a screen greys it rather than going blank.
 *
 * A load that fails on a connection still open (an error at the other end) is tried again
 * after `retryMs`; if the connection closed instead, its next open loads again.
 */
export abstract class BridgeStore<Service extends ServiceShape<Service>, Snapshot extends { readonly connected: boolean }> {
  #snapshot: Snapshot;
  readonly #listeners = new Set<() => void>();
  readonly #retryMs: number;
  protected readonly connection: LaneConnection;
  #client: ReturnType<typeof createServiceClient<Service>> | null = null;
  #subscriptions: Disposable[] = [];
  #generation = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;

  protected constructor(connection: LaneConnection, initial: Snapshot, retryMs: number) {
    this.connection = connection;
    this.#snapshot = initial;
    this.#retryMs = retryMs;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#start();
    return () => {
      if (this.#listeners.delete(listener) && this.#listeners.size === 0) this.#stop();
    };
  };

  readonly getSnapshot = (): Snapshot => this.#snapshot;

  /** Loads the whole picture; `isCurrent` turns false once a newer load or a disconnect overtook this one. */
  protected abstract load(service: Service, isCurrent: () => boolean): Promise<void>;

  /** A pushed event from the other end. */
  protected abstract onPush(name: string, payload: unknown): void;

  /** The service while someone is subscribed (null after that: late answers are dropped). Calls on a closed connection fail. */
  protected get service(): Service | null {
    return this.#client?.service ?? null;
  }

  protected set(snapshot: Snapshot): void {
    this.#snapshot = snapshot;
    for (const listener of [...this.#listeners]) listener();
  }

  #start(): void {
    const client = createServiceClient<Service>(this.connection);
    this.#client = client;
    this.#subscriptions = [
      client,
      client.onEvent(({ name, payload }) => this.onPush(name, payload)),
      this.connection.onOpen(() => this.#reload()),
      this.connection.onClose(() => {
        this.#generation++;
        this.set({ ...this.#snapshot, connected: false });
      }),
    ];
    if (this.connection.isOpen) this.#reload();
  }

  #stop(): void {
    this.#generation++;
    this.#clearRetry();
    for (const subscription of this.#subscriptions.reverse()) subscription.dispose();
    this.#subscriptions = [];
    this.#client = null;
    this.#snapshot = { ...this.#snapshot, connected: false };
  }

  #reload(): void {
    const client = this.#client;
    if (!client) return;
    this.#clearRetry();
    const generation = ++this.#generation;
    const isCurrent = () => generation === this.#generation;
    this.load(client.service, isCurrent).catch((error: unknown) => {
      if (!isCurrent() || !this.connection.isOpen) return;
      console.warn('lanewise: loading from the bridge failed; asking again', error);
      this.#retry = setTimeout(() => this.#reload(), this.#retryMs);
    });
  }

  #clearRetry(): void {
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#retry = undefined;
  }
}
