import { readFileSync } from 'node:fs';
import { getRestrictedTemplate } from '../../shared/barcode';
import type { Logger } from '../../shared/log';
import { startLaneServer, type LaneServer } from '../bridge/laneServer';
import { AssistantDirectory } from '../assistants/assistantDirectory';
import { CatalogStore } from '../catalog/catalogStore';
import { lanePaths, type LaneConfig } from '../config/laneConfig';
import { createLogger } from '../log/logger';
import { createLaneDevices } from '../devices/laneDevices';
import { Journal } from './journal';
import type { LaneDevices } from './ports';
import { LaneRuntime } from './runtime';
import { startStoreLink, type StoreLink, type StoreLinkTiming, type StoreStatusSource } from './storeLink/storeLink';
import { SupervisorLink, type SupervisorLinkOptions, type SupervisorLinkTiming } from './supervisorLink';

export interface RunningLane {
  readonly runtime: LaneRuntime;
  /** The browser transport; absent when the lane is hosted by Electron (IPC transport). */
  readonly server: LaneServer | undefined;
  readonly log: Logger;
  /** The link to the supervisor hub, when the config has one (it connects in the background; the lane never waits for it). */
  readonly supervisorLink: SupervisorLink | undefined;
  /** The link to the store server, when the config has one (catalogue in, sales out; in the background). */
  readonly storeLink: StoreLink | undefined;
  stop(): Promise<void>;
}

export interface StartLaneOptions {
  /** The built kiosk page to serve. */
  readonly staticDir: string;
  /** Replaces the configured devices (tests). */
  readonly devices?: LaneDevices;
  readonly log?: Logger & { flush?(): void };
  /** Serve the kiosk page and the WebSocket bridge over HTTP (default). Electron uses IPC instead. */
  readonly serve?: boolean;
  /** Reconnect timing for the supervisor link (tests). */
  readonly supervisorTiming?: Partial<SupervisorLinkTiming>;
  /** Retry, timeout and refresh timing for the store link (tests). */
  readonly storeTiming?: Partial<StoreLinkTiming>;
}

/**
 * Opens a lane's databases, devices and screen server from its configuration.
 * The catalogue must exist (synced from the store, imported, or the demo's).
 */
export async function startLane(config: LaneConfig, options: StartLaneOptions): Promise<RunningLane> {
  const paths = lanePaths(config);
  const log = options.log ?? createLogger({ file: paths.log, level: config.log.level, bindings: { lane: config.laneId } });
  const catalog = CatalogStore.open(paths.catalog);
  const settings = catalog.settings();
  if (catalog.count() === 0) log.warn({ catalog: paths.catalog }, 'the catalogue is empty: every scan will be an unknown item');
  const restrictedTemplate = settings.restrictedTemplate ? (getRestrictedTemplate(settings.restrictedTemplate) ?? null) : null;
  if (settings.restrictedTemplate && !restrictedTemplate) log.error({ template: settings.restrictedTemplate }, 'unknown restricted-circulation template; in-store labels will not decode');
  const journal = Journal.open(paths.journal);
  const devices = options.devices ?? createLaneDevices(config, log).devices;
  const runtime = new LaneRuntime({
    lane: {
      laneId: config.laneId,
      storeName: config.storeName,
      currency: settings.currency,
      defaultLanguage: config.defaultLanguage,
      minimumWeightGrams: config.devices.scale?.minimumWeightGrams,
      shopperRemovalLimitMinor: config.rules.shopperRemovalLimitMinor,
      shopperSkipBaggingLimit: config.rules.shopperSkipBaggingLimit,
      shopperKeyedEntry: config.rules.shopperKeyedEntry,
      containers: config.rules.containers,
    },
    // The store's staff come with the catalogue (store data); the lane checks PINs locally, so sign-in works offline.
    assistants: new AssistantDirectory(catalog.db),
    assistantIdleMs: config.rules.assistantIdleSeconds * 1000,
    restrictedTemplate,
    catalog,
    journal,
    devices,
    log,
  });
  await runtime.start();
  const server =
    options.serve === false
      ? undefined
      : await startLaneServer({ service: runtime.service, onView: runtime.onView, staticDir: options.staticDir, host: config.http.host, port: config.http.port, log });
  const storeLink = startLaneStoreLink(config, { runtime, journal, catalogPath: paths.catalog, currency: settings.currency, log, timing: options.storeTiming });
  const supervisorLink = startSupervisorLink(config, runtime, journal, log, options.supervisorTiming, storeLink);
  log.info({ url: server?.url, restored: runtime.restored, state: runtime.view.state, supervisor: config.supervisor?.url, store: config.store?.url }, 'lane ready');

  let stopped = false;
  return {
    runtime,
    server,
    log,
    supervisorLink,
    storeLink,
    async stop() {
      if (stopped) return;
      stopped = true;
      await supervisorLink?.stop();
      await storeLink?.stop();
      await server?.close();
      await runtime.stop();
      journal.close();
      catalog.close();
      log.info({}, 'lane stopped');
      options.log?.flush?.();
    },
  };
}

/** The store CA certificate a link trusts; null (and logged) when it cannot be read, so that link stays off. */
function readCaFile(caFile: string | undefined, log: Logger, consequence: string): Buffer | undefined | null {
  if (caFile === undefined) return undefined;
  try {
    return readFileSync(caFile);
  } catch (error) {
    log.error({ caFile, error: String(error) }, `the store CA certificate cannot be read; ${consequence}`);
    return null;
  }
}

/** Never stops the lane from starting: a lane that cannot reach its store still sells, and keeps its sales until it can. */
function startLaneStoreLink(
  config: LaneConfig,
  parts: { runtime: LaneRuntime; journal: Journal; catalogPath: string; currency: string; log: Logger; timing: Partial<StoreLinkTiming> | undefined },
): StoreLink | undefined {
  const store = config.store;
  const { log } = parts;
  if (!store) return undefined;
  const ca = readCaFile(store.caFile, log, 'the lane sells without its store link and keeps its sales');
  if (ca === null) return undefined;
  try {
    return startStoreLink({ config: store, laneId: config.laneId, currency: parts.currency, catalogPath: parts.catalogPath, journal: parts.journal, runtime: parts.runtime, ca, log, timing: parts.timing });
  } catch (error) {
    log.error({ error: String(error) }, 'the store link could not be started; the lane sells without it and keeps its sales');
    return undefined;
  }
}

/** Never stops the lane from starting: a lane that cannot reach its hub still sells. */
function startSupervisorLink(
  config: LaneConfig,
  runtime: LaneRuntime,
  journal: Journal,
  log: Logger,
  timing: Partial<SupervisorLinkTiming> | undefined,
  store: StoreStatusSource | undefined,
): SupervisorLink | undefined {
  const supervisor = config.supervisor;
  if (!supervisor) return undefined;
  const ca = readCaFile(supervisor.caFile, log, 'the lane sells without its supervisor hub');
  if (ca === null) return undefined;
  // `store`: the station's view of the store link (sent with the lane's status; null without one).
  const linkOptions: SupervisorLinkOptions & { readonly store: StoreStatusSource | null } = { runtime, commands: journal, url: supervisor.url, laneSecret: supervisor.laneSecret, ca, log, timing, store: store ?? null };
  const link = new SupervisorLink(linkOptions);
  link.start();
  return link;
}
