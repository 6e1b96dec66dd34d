import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { LaneLightSimulator } from '../../devices/laneLight/simulator';
import { CardTerminalSimulator } from '../../devices/payment/simulator';
import { SerialScaleSimulator } from '../../devices/scale/simulator';
import { EscPosPrinterSimulator } from '../../devices/printer/simulator';
import { ScannerSimulator } from '../../devices/scanner/simulator';
import { createPtyPair, type PtyPair } from '../../devices/sim/ptyPair';
import { SerialPortTransport } from '../../devices/serial/transport';
import type { Logger } from '../../shared/log';
import { showcase } from '../catalog/demoCatalog';
import { ensureDemoCatalog } from '../catalog/ensureDemoCatalog';
import { CatalogStore } from '../catalog/catalogStore';
import { ensureDemoAssistants } from '../assistants/demoAssistants';
import type { LaneConfigInput } from '../config/laneConfig';
import { Journal } from '../lane/journal';
import { hubProcess, laneProcess, type HubProcess, type LaneProcess, type LaneReady } from './keptProcess';
import { hubDatabasePath, openHubDatabase } from '../supervisor/hubDatabase';
import { LaneRegistry } from '../supervisor/laneRegistry';
import { demoItemGrams } from './shopperHands';
import { ensureLaneCatalog, startDemoStoreServer, type DemoStoreServer } from './demoStoreServer';

export interface DemoStoreOptions {
  /** Catalogue, journals, logs, lane configurations and pseudo-terminals live here. */
  readonly dataDir: string;
  readonly lanes?: number;
  /** First lane's kiosk port; the next lanes take the following ones. 0: any free ports. */
  readonly basePort?: number;
  readonly storeName?: string;
  readonly defaultLanguage?: 'en' | 'ru' | 'lv' | 'bg';
  /** How the simulated card terminal decides: by hand (device panel, tests) or on its own. */
  readonly terminalMode?: 'manual' | 'autoApprove';
  /**
   * Give the lanes a bagging (security) scale, checked after every item (default true). Tests
   * about other things turn it off so their shoppers need not bag.
   */
  readonly baggingScale?: boolean;
  /** Run the supervisor hub (its own process) and connect every lane to it; `port` 0 takes any free port. */
  readonly supervisor?: { readonly port: number } | undefined;
  /**
   * Run the store server (its own process): each lane keeps its own catalogue copy synced from
   * it and sends it every finished sale. Without it the lanes share the demo catalogue file.
   */
  readonly storeServer?: { readonly port: number } | undefined;
  readonly log: Logger;
}

/** One simulated lane: its devices on this side of the cables, its runtime in its own process. */
export interface DemoLane {
  readonly laneId: string;
  readonly url: string;
  readonly configFile: string;
  readonly scannerPty: PtyPair;
  readonly printerPty: PtyPair;
  readonly scanner: ScannerSimulator;
  /** The scanner-scale's weighing platter (its scale half on its own cable, speaking Mettler Toledo 8217). */
  readonly scale: SerialScaleSimulator;
  /** The bagging-area security scale (NCI SCP-01). */
  readonly baggingScale: SerialScaleSimulator;
  readonly laneLight: LaneLightSimulator;
  readonly printer: EscPosPrinterSimulator;
  readonly terminal: CardTerminalSimulator;
  readonly process: LaneProcess;
}

/** The demo's supervisor hub: the station page and the process (kill it to see the lanes carry on). */
export interface DemoSupervisor {
  readonly url: string;
  readonly laneUrl: string;
  readonly dataDir: string;
  readonly process: HubProcess;
}

export interface DemoStore {
  readonly lanes: readonly DemoLane[];
  readonly supervisor: DemoSupervisor | undefined;
  readonly storeServer: DemoStoreServer | undefined;
  readonly catalogItems: number;
  /** Marks every lane and hub process as stopping (no restarts) before the slower stop. */
  expectExit(): void;
  stop(): Promise<void>;
}

const serial = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } as const;

/** Ten past sales' worth of observations for each showcase item (±1 %), unless the lane already knows it. */
function seedLearnedWeights(journalPath: string): void {
  const journal = Journal.open(journalPath);
  try {
    const observations = Object.entries(showcase)
      .filter(([name]) => name !== 'bananasPlu')
      .flatMap(([, code]) => {
        const gtin = code.padStart(14, '0');
        if (journal.weightProfile(gtin)) return [];
        const grams = demoItemGrams(code);
        return Array.from({ length: 10 }, (_, i) => ({ gtin, grams: grams + Math.round(((i % 5) - 2) * grams * 0.005) }));
      });
    journal.learnWeights(observations);
  } finally {
    journal.close();
  }
}

/**
 * What store IT does with `lanewise supervisor add-lane`: a secret per lane in the hub's
 * database. A demo restarted on the same folder keeps its lanes' secrets.
 */
export function provisionLanes(hubDataDir: string, laneIds: readonly string[]): Map<string, string> {
  const db = openHubDatabase(hubDatabasePath(hubDataDir));
  try {
    const registry = new LaneRegistry(db);
    return new Map(
      laneIds.map((laneId) => {
        const existing = registry.secretFor(laneId);
        if (existing) return [laneId, existing];
        const added = registry.addLane(laneId, { rotate: true });
        if (!added.ok) throw new Error(`could not provision lane ${laneId} at the hub: ${added.error}`);
        return [laneId, added.value];
      }),
    );
  } finally {
    db.close();
  }
}

async function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : port));
      });
    });
  if (preferred > 0) {
    try {
      return await tryListen(preferred);
    } catch {
      // taken: any free port will do
    }
  }
  return tryListen(0);
}

/**
 * A store with simulated hardware: for each lane, a scanner, its weighing scale, a
 * bagging scale, a receipt printer and a lane light on socat pseudo-terminal pairs,
 * a card terminal on loopback TCP, and the lane runtime as a child process that
 * drives them through its real drivers. The scales run 8N1 here (ptys carry no
 * parity), which the lane configuration states as an override of the protocols' 7E1.
 */
async function withCatalog(path: string, use: (catalog: CatalogStore) => Promise<void>): Promise<void> {
  const catalog = CatalogStore.open(path);
  try {
    await use(catalog);
  } finally {
    catalog.close();
  }
}

export async function startDemoStore(options: DemoStoreOptions): Promise<DemoStore> {
  const { dataDir, log } = options;
  const laneCount = options.lanes ?? 1;
  mkdirSync(dataDir, { recursive: true });
  const { items } = ensureDemoCatalog(join(dataDir, 'catalog.sqlite'));
  await withCatalog(join(dataDir, 'catalog.sqlite'), (catalog) => ensureDemoAssistants(catalog.db));
  const lanes: DemoLane[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => log.warn({ error: String(error) }, 'demo cleanup step failed'));
  };

  const laneIds = Array.from({ length: laneCount }, (_, index) => `L${String(index + 1).padStart(2, '0')}`);
  let supervisor: DemoSupervisor | undefined;
  let secrets = new Map<string, string>();
  let storeServer: DemoStoreServer | undefined;

  try {
    if (options.storeServer) {
      const port = await freePort(options.storeServer.port);
      storeServer = await startDemoStoreServer({ dataDir, demoCatalog: join(dataDir, 'catalog.sqlite'), laneIds, port, log: log.child({ component: 'store' }) });
      const process = storeServer.process;
      cleanups.push(() => process.stop());
    }
    if (options.supervisor) {
      const hubDir = join(dataDir, 'supervisor');
      secrets = provisionLanes(hubDir, laneIds);
      const port = await freePort(options.supervisor.port);
      const process = hubProcess(['--data-dir', hubDir, '--catalog', join(dataDir, 'catalog.sqlite'), '--host', '127.0.0.1', '--port', String(port)], log.child({ component: 'supervisor' }));
      cleanups.push(() => process.stop());
      const ready = await process.start();
      supervisor = { url: ready.url, laneUrl: ready.laneUrl, dataDir: hubDir, process };
    }
    for (const [index, laneId] of laneIds.entries()) {
      const devDir = join(dataDir, 'dev');
      const scannerPty = await createPtyPair(devDir, `${laneId}-scanner`);
      cleanups.push(() => scannerPty.close());
      const printerPty = await createPtyPair(devDir, `${laneId}-printer`);
      cleanups.push(() => printerPty.close());

      const scalePty = await createPtyPair(devDir, `${laneId}-scale`);
      cleanups.push(() => scalePty.close());
      const baggingPty = await createPtyPair(devDir, `${laneId}-bagging`);
      cleanups.push(() => baggingPty.close());
      const lightPty = await createPtyPair(devDir, `${laneId}-light`);
      cleanups.push(() => lightPty.close());

      const scale = new SerialScaleSimulator(new SerialPortTransport(scalePty.devicePath, serial), { protocol: 'mettler8217', unit: 'kg', log: log.child({ simulator: 'scale', lane: laneId }) });
      await scale.open();
      cleanups.push(() => scale.dispose());
      const baggingScale = new SerialScaleSimulator(new SerialPortTransport(baggingPty.devicePath, serial), { protocol: 'scp01', unit: 'kg', capacityGrams: 30_000, log: log.child({ simulator: 'baggingScale', lane: laneId }) });
      await baggingScale.open();
      cleanups.push(() => baggingScale.dispose());
      const laneLight = new LaneLightSimulator(new SerialPortTransport(lightPty.devicePath, serial), { log: log.child({ simulator: 'laneLight', lane: laneId }) });
      await laneLight.open();
      cleanups.push(() => laneLight.dispose());

      const scanner = new ScannerSimulator(new SerialPortTransport(scannerPty.devicePath, serial), { prefix: '', suffix: 'CR', aimIdentifiers: false });
      await scanner.open();
      cleanups.push(() => scanner.close());
      const printer = new EscPosPrinterSimulator(new SerialPortTransport(printerPty.devicePath, serial), { columns: 42, log: log.child({ simulator: 'printer', lane: laneId }) });
      await printer.open();
      cleanups.push(() => printer.close());
      const terminal = new CardTerminalSimulator({
        mode: options.terminalMode === 'autoApprove' ? { mode: 'auto', decision: 'approve', delayMs: 1500 } : { mode: 'manual' },
        terminalId: `${laneId}-T`,
        logger: log.child({ simulator: 'paymentTerminal', lane: laneId }),
      });
      await terminal.start();
      cleanups.push(() => terminal.stop());

      const port = await freePort(options.basePort ? options.basePort + index : 0);
      const config: LaneConfigInput = {
        laneId,
        storeName: options.storeName ?? 'Lanewise Demo Store, Riga',
        defaultLanguage: options.defaultLanguage ?? 'en',
        dataDir,
        http: { host: '127.0.0.1', port },
        devices: {
          scanner: { driver: 'serial', path: scannerPty.hostPath, baudRate: 9600, framing: { prefix: '', suffix: 'CR', aimIdentifiers: false } },
          scale: { driver: 'mettler8217', path: scalePty.hostPath, dataBits: 8, parity: 'none' },
          ...(options.baggingScale !== false && { baggingScale: { driver: 'scp01' as const, path: baggingPty.hostPath, dataBits: 8 as const, parity: 'none' as const } }),
          printer: { driver: 'escpos-serial', path: printerPty.hostPath, baudRate: 9600, columns: 42 },
          paymentTerminal: { driver: 'tcp', host: '127.0.0.1', port: terminal.port, timeoutSeconds: 120 },
          laneLight: { driver: 'relay-serial', path: lightPty.hostPath },
        },
        log: { level: 'info' },
        ...(supervisor && { supervisor: { url: supervisor.laneUrl, laneSecret: secrets.get(laneId)! } }),
        ...(storeServer && {
          catalogFile: join(dataDir, 'lanes', `${laneId}-catalog.sqlite`),
          // Poll often: the demo shows a price change reaching the lanes within seconds.
          store: { url: storeServer.url, laneToken: storeServer.tokens.get(laneId)!, catalogPollSeconds: 5 },
        }),
      };
      if (storeServer) await ensureLaneCatalog(join(dataDir, 'catalog.sqlite'), join(dataDir, 'lanes', `${laneId}-catalog.sqlite`));
      // A demo store that has been open a while: each lane has learned what the showcase items weigh.
      seedLearnedWeights(join(dataDir, `journal-${laneId}.sqlite`));
      const configFile = join(dataDir, 'lanes', `${laneId}.json`);
      mkdirSync(join(dataDir, 'lanes'), { recursive: true });
      writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);

      const process = laneProcess(configFile, log.child({ lane: laneId }));
      cleanups.push(() => process.stop());
      const ready: LaneReady = await process.start();
      lanes.push({ laneId, url: ready.url, configFile, scannerPty, printerPty, scanner, scale, baggingScale, laneLight, printer, terminal, process });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const expectExit = () => {
    supervisor?.process.expectExit();
    storeServer?.process.expectExit();
    for (const lane of lanes) lane.process.expectExit();
  };
  return { lanes, supervisor, storeServer, catalogItems: items, expectExit, stop };
}
