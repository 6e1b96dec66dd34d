import { Emitter, type Disposable, type Event } from '../../../shared/event';
import type { Logger } from '../../../shared/log';
import type { LaneStoreStatus } from '../../../shared/supervisor/laneStatus';
import type { StoreConfig } from '../../config/laneConfig';
import { startCatalogSync } from '../catalogSync/catalogSync';
import type { Journal } from '../journal';
import type { LaneRuntime } from '../runtime';
import { SalesUploader, type SalesUploaderTiming } from './salesUploader';
import { StoreClient, StoreRequestError, type StoreClientTimeouts } from './storeClient';

/**
 * The lane's link to the store server: the catalogue comes in (catalogSync), finished sales go
 * out (SalesUploader), over one StoreClient. Both work in the background and never hold up a
 * sale; the lane sells through any outage. Its status is what the supervisor station shows.
 */

/** What the supervisor link reads and listens to (the station's tile line and the backlog alert). */
export interface StoreStatusSource {
  status(): LaneStoreStatus;
  readonly onStatusChange: Event<LaneStoreStatus>;
}

export interface StoreLink extends StoreStatusSource {
  readonly client: StoreClient;
  readonly uploader: SalesUploader;
  readonly catalogSync: ReturnType<typeof startCatalogSync>;
  stop(): Promise<void>;
}

export interface StoreLinkOptions {
  readonly config: StoreConfig;
  readonly laneId: string;
  readonly currency: string;
  /** The lane's catalogue database (the sync writes it; the runtime notices the new version). */
  readonly catalogPath: string;
  readonly journal: Journal;
  /** A closed sale wakes the uploader. */
  readonly runtime: Pick<LaneRuntime, 'onSaleClosed'>;
  /** The store's CA certificate (PEM), already read. */
  readonly ca?: Buffer | string | undefined;
  readonly log: Logger;
  readonly timing?: Partial<StoreLinkTiming> | undefined;
}

export interface StoreLinkTiming {
  readonly uploader: Partial<SalesUploaderTiming>;
  readonly client: Partial<StoreClientTimeouts>;
  /** Changes that come with every poll (the last sync time) go to the station at most this often. */
  readonly statusRefreshMs: number;
  /** Overrides `catalogPollSeconds` (tests). */
  readonly catalogPollMs?: number | undefined;
}

const defaultStatusRefreshMs = 5000;

export function startStoreLink(options: StoreLinkOptions): StoreLink {
  const { config, journal } = options;
  const log = options.log.child({ link: 'store' });
  const client = new StoreClient({ url: config.url, laneId: options.laneId, laneToken: config.laneToken, ca: options.ca, timeouts: options.timing?.client });
  const onStatusChange = new Emitter<LaneStoreStatus>();
  let lastSent = '';
  let stopped = false;

  const uploader = new SalesUploader({
    laneId: options.laneId,
    currency: options.currency,
    outbox: journal,
    upload: (upload, signal) => client.uploadSales(upload, signal),
    probe: (signal) => client.health(signal),
    log,
    limits: config.outbox,
    timing: options.timing?.uploader,
  });
  const catalogSync = startCatalogSync({
    catalogPath: options.catalogPath,
    fetchChanges: (since: number) => client.fetchChanges(since),
    fetchSnapshot: () => client.fetchSnapshot(),
    fetchImage: async (toPath: string) => {
      try {
        return await client.fetchImage(toPath);
      } catch (error) {
        // A store server of an earlier release has no image route: the NDJSON snapshot works with every one.
        if (error instanceof StoreRequestError && error.status === 404) return 'unavailable';
        throw error;
      }
    },
    log,
    pollIntervalMs: options.timing?.catalogPollMs ?? config.catalogPollSeconds * 1000,
    // Later, not inside the sync's own call (and never before this function has finished).
    onUpdate: () => queueMicrotask(() => publish()),
    source: client.url,
  });

  const status = (): LaneStoreStatus => {
    const sales = uploader.status();
    let catalog: { version: number; lastSyncAt: number | null } = { version: 0, lastSyncAt: null };
    try {
      catalog = catalogSync.status();
    } catch (error) {
      log.error({ error: String(error) }, 'the catalogue sync status could not be read');
    }
    return {
      linkUp: sales.linkUp,
      backlog: sales.backlog,
      oldestUnsentAt: sales.oldestUnsentAt,
      catalogVersion: catalog.version,
      lastCatalogSyncAt: catalog.lastSyncAt,
      conflicts: sales.conflicts,
      alert: sales.alert,
    };
  };
  const publish = (): void => {
    if (stopped) return;
    const current = status();
    const key = JSON.stringify(current);
    if (key === lastSent) return;
    lastSent = key;
    try {
      onStatusChange.fire(current);
    } catch (error) {
      log.error({ error: String(error) }, 'a store status listener failed');
    }
  };

  const subscriptions: Disposable[] = [
    uploader.onStatusChange(() => publish()),
    options.runtime.onSaleClosed(() => uploader.wake()),
  ];
  // The backlog and the link go out as they change; the last sync time, which changes with every poll, with this tick.
  const refresh = setInterval(publish, options.timing?.statusRefreshMs ?? defaultStatusRefreshMs);
  refresh.unref?.();
  uploader.start();
  log.info({ url: client.url, catalogPollSeconds: config.catalogPollSeconds, ...config.outbox }, 'store link started');

  return {
    client,
    uploader,
    catalogSync,
    status,
    onStatusChange: onStatusChange.event,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(refresh);
      for (const subscription of subscriptions.splice(0)) subscription.dispose();
      await Promise.allSettled([uploader.stop(), catalogSync.stop()]);
      client.close();
      onStatusChange.dispose();
    },
  };
}
