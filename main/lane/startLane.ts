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
import { SupervisorLink, type SupervisorLinkTiming } from './supervisorLink';

export interface RunningLane {
  readonly runtime: LaneRuntime;
  /** The browser transport; absent when the lane is hosted by Electron (IPC transport). */
  readonly server: LaneServer | undefined;
  readonly log: Logger;
  /** The link to the supervisor hub, when the config has one (it connects in the background; the lane never waits for it). */
  readonly supervisorLink: SupervisorLink | undefined;
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
  const supervisorLink = startSupervisorLink(config, runtime, journal, log, options.supervisorTiming);
  log.info({ url: server?.url, restored: runtime.restored, state: runtime.view.state, supervisor: config.supervisor?.url }, 'lane ready');

  let stopped = false;
  return {
    runtime,
    server,
    log,
    supervisorLink,
    async stop() {
      if (stopped) return;
      stopped = true;
      await supervisorLink?.stop();
      await server?.close();
      await runtime.stop();
      journal.close();
      catalog.close();
      log.info({}, 'lane stopped');
      options.log?.flush?.();
    },
  };
}

/** Never stops the lane from starting: a lane that cannot reach its hub still sells. */
function startSupervisorLink(config: LaneConfig, runtime: LaneRuntime, journal: Journal, log: Logger, timing: Partial<SupervisorLinkTiming> | undefined): SupervisorLink | undefined {
  const supervisor = config.supervisor;
  if (!supervisor) return undefined;
  let ca: Buffer | undefined;
  if (supervisor.caFile) {
    try {
      ca = readFileSync(supervisor.caFile);
    } catch (error) {
      log.error({ caFile: supervisor.caFile, error: String(error) }, 'the store CA certificate cannot be read; the lane sells without its supervisor hub');
      return undefined;
    }
  }
  const link = new SupervisorLink({ runtime, commands: journal, url: supervisor.url, laneSecret: supervisor.laneSecret, ca, log, timing });
  link.start();
  return link;
}
