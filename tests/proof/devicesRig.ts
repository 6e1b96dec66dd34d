import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { MagellanSimulator } from '../../devices/magellan/simulator';
import { CardTerminalSimulator } from '../../devices/payment/simulator';
import { encodeAsb, healthyPrinterStatus } from '../../devices/printer/codec';
import { EscPosPrinterSimulator } from '../../devices/printer/simulator';
import { SerialScaleSimulator } from '../../devices/scale/simulator';
import { ScannerSimulator } from '../../devices/scanner/simulator';
import { SerialPortTransport, type SerialSettings } from '../../devices/serial/transport';
import { lanePaths, parseLaneConfig } from '../../main/config/laneConfig';
import { startLane, type RunningLane } from '../../main/lane/startLane';
import { ensureDemoAssistants } from '../../main/assistants/demoAssistants';
import { CatalogStore } from '../../main/catalog/catalogStore';
import { ensureDemoCatalog } from '../../main/catalog/ensureDemoCatalog';
import { provisionLanes } from '../../main/demo/demoStore';
import { hubProcess } from '../../main/demo/keptProcess';
import type { CatalogItem } from '../../shared/catalog/item';
import type { LaneView } from '../../shared/bridge/laneView';
import { createServiceClient, type BridgeConnection } from '../../shared/bridge/rpc';
import type { DeviceRole } from '../../shared/devices';
import { Emitter, type Disposable } from '../../shared/event';
import type { Logger } from '../../shared/log';
import type { LaneTile, SupervisorService } from '../../shared/supervisor/stationService';
import { SerialCable, TcpCable } from './devicesCables';

/**
 * The device proof's lane: a real lane (`startLane`: the device manager's real drivers, the
 * runtime, the journal, the supervisor link) whose every device is a simulator speaking the
 * real wire protocol at the far end of a cable the proof can pull, flood or hang — socat
 * pseudo-terminals for the serial devices, a loopback TCP pass-through for the card terminal —
 * and a supervisor station connected to the hub, where the proof watches what an assistant sees.
 */

/** The weighing scale on the lane: two serial protocols, or the Magellan scanner-scale on one cable. */
export type ScaleChoice = 'mettler8217' | 'scp01' | 'magellan';
export const scaleChoices: readonly ScaleChoice[] = ['mettler8217', 'scp01', 'magellan'];

/** A device the proof faults: one cable each. The Magellan is scanner and scale on one line. */
export type FaultTarget = 'scanner' | 'scale' | 'magellan' | 'printer' | 'paymentTerminal';

/** ptys carry no parity (see ptyPair.ts): every simulated device runs 8N1. */
const line9600: SerialSettings = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/** How a fault gets at a device: its cable, the bytes it sends, and hanging it half-way through a frame. */
export interface ProofDevice {
  readonly target: FaultTarget;
  /** The lane's device roles that live on this cable. */
  readonly roles: readonly DeviceRole[];
  unplug(): Promise<void>;
  /** Plugged back in and powered: resolves once the device end is open again. */
  plugBackIn(): Promise<void>;
  /** Bytes from the device to the lane, as they are. */
  sendRaw(bytes: Uint8Array): Promise<void>;
  /** Half a frame, then nothing from the device until `unstick()`. */
  stick(): Promise<void>;
  unstick(): Promise<void>;
}

/** A station's connection to the hub, keeping the lane's tile as it arrives, stamped. */
export class StationObserver {
  readonly #ws: WebSocket;
  readonly #client: ReturnType<typeof createServiceClient<SupervisorService>>;
  readonly #onTile = new Emitter<{ readonly at: number; readonly tile: LaneTile }>();
  readonly onTile = this.#onTile.event;
  readonly #tiles = new Map<string, LaneTile>();
  tileEvents = 0;

  private constructor(ws: WebSocket, client: ReturnType<typeof createServiceClient<SupervisorService>>) {
    this.#ws = ws;
    this.#client = client;
    client.onEvent(({ name, payload }) => {
      if (name !== 'lane') return;
      const tile = payload as LaneTile;
      this.tileEvents++;
      this.#tiles.set(tile.laneId, tile);
      this.#onTile.fire({ at: Date.now(), tile });
    });
  }

  /** `stationUrl`: the station page; its bridge is at /station/bridge on the same origin. */
  static async connect(stationUrl: string): Promise<StationObserver> {
    const origin = new URL(stationUrl).origin;
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/station/bridge`, { origin });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('error', () => undefined);
    const messages = new Emitter<string>();
    const closes = new Emitter<void>();
    ws.on('message', (data) => messages.fire(String(data)));
    ws.on('close', () => closes.fire());
    const connection: BridgeConnection = { send: (message) => ws.send(message), onMessage: messages.event, onClose: closes.event };
    const observer = new StationObserver(ws, createServiceClient<SupervisorService>(connection));
    const overview = await observer.#client.service.getOverview({});
    for (const tile of overview.lanes) if (!observer.#tiles.has(tile.laneId)) observer.#tiles.set(tile.laneId, tile);
    return observer;
  }

  tile(laneId: string): LaneTile | undefined {
    return this.#tiles.get(laneId);
  }

  close(): void {
    this.#client.dispose();
    this.#ws.terminate();
  }
}

/** What the lanes share: the store's catalogue (with its staff), the supervisor hub in its own process, and a station watching it. */
export interface ProofStore {
  readonly catalogFile: string;
  readonly items: readonly CatalogItem[];
  /** Where lanes connect to the hub. */
  readonly laneUrl: string;
  /** Each lane's secret, as `lanewise supervisor add-lane` prints it. */
  readonly secrets: ReadonlyMap<string, string>;
  readonly station: StationObserver;
  close(): Promise<void>;
}

/**
 * The hub runs as `lanewise supervisor run` in a process of its own, as in a store (its
 * database's writes never hold up the lane's event loop); `laneIds` are provisioned first.
 */
export async function startProofStore(workDir: string, laneIds: readonly string[], log: Logger): Promise<ProofStore> {
  const catalogFile = join(workDir, 'catalog.sqlite');
  ensureDemoCatalog(catalogFile, 200);
  const catalog = CatalogStore.open(catalogFile);
  let items: CatalogItem[];
  try {
    await ensureDemoAssistants(catalog.db);
    items = catalog.itemsAfter(undefined, 10_000);
  } finally {
    catalog.close();
  }
  const hubDir = join(workDir, 'hub');
  const secrets = provisionLanes(hubDir, laneIds);
  const hub = hubProcess(['--data-dir', hubDir, '--catalog', catalogFile, '--port', '0'], log);
  let station: StationObserver;
  let laneUrl: string;
  try {
    const ready = await hub.start();
    laneUrl = ready.laneUrl;
    station = await StationObserver.connect(ready.url);
  } catch (error) {
    await hub.stop();
    throw error;
  }
  return {
    catalogFile,
    items,
    laneUrl,
    secrets,
    station,
    async close() {
      station.close();
      await hub.stop();
    },
  };
}

export interface DevicesRig {
  readonly scale: ScaleChoice;
  readonly laneId: string;
  readonly lane: RunningLane;
  readonly journalPath: string;
  /** Every device the proof can fault, by target. */
  readonly devices: ReadonlyMap<FaultTarget, ProofDevice>;
  readonly printer: EscPosPrinterSimulator;
  readonly terminal: CardTerminalSimulator;
  /** Scans a label (EAN-13 digits); rejects when the device end is not open (cable out). */
  scan(ean13: string): Promise<void>;
  /** Grams on the weighing scale's platter. */
  setLoad(grams: number): void;
  /** The scanner is hung half-way through a frame: a shopper's scan gets no further than the glass. */
  readonly scannerHung: boolean;
  readonly view: LaneView;
  /** Resolves with the view once `test` holds (checked at once and after every published change), or undefined after `timeoutMs`. */
  waitForView(test: (view: LaneView) => boolean, timeoutMs: number): Promise<LaneView | undefined>;
  stop(): Promise<void>;
}

export interface DevicesRigOptions {
  readonly scale: ScaleChoice;
  readonly laneId: string;
  readonly workDir: string;
  readonly catalogFile: string;
  readonly laneUrl: string;
  readonly laneSecret: string;
  readonly log: Logger;
}

/** Starts the simulators, their cables and the lane; the lane's supervisor link connects to the hub in the background. */
export async function startDevicesRig(options: DevicesRigOptions): Promise<DevicesRig> {
  const { scale: scaleChoice, laneId, workDir } = options;
  const devDir = join(workDir, 'dev');
  mkdirSync(devDir, { recursive: true });
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  };
  try {
    const devices = new Map<FaultTarget, ProofDevice>();
    let scannerHung = false;

    // ── Scanner and scale: two serial cables, or the Magellan's one ──
    let scan: (ean13: string) => Promise<void>;
    let setLoad: (grams: number) => void;
    let scannerPath: string;
    let scalePath: string | undefined;
    if (scaleChoice === 'magellan') {
      const cable = await SerialCable.create(devDir, 'magellan');
      cleanups.push(() => cable.close());
      const transport = new SerialPortTransport(cable.devicePath, line9600);
      const magellan = new MagellanSimulator(transport, { unit: 'kg' });
      await magellan.open();
      cleanups.push(() => magellan.dispose());
      scannerPath = cable.hostPath;
      scan = async (ean13) => {
        await magellan.scan('ean13', ean13);
      };
      setLoad = (grams) => magellan.setLoad(grams);
      devices.set('magellan', {
        target: 'magellan',
        roles: ['scanner', 'scale'],
        unplug: () => cable.unplug(),
        plugBackIn: async () => {
          await cable.plugBackIn();
          await magellan.open();
        },
        sendRaw: (bytes) => magellan.writeRaw(bytes),
        stick: async () => {
          // A scan frame cut off half-way, and the scale's next reply too; then nothing.
          scannerHung = true;
          await magellan.writeRaw(ascii('S08F4750')).catch(() => undefined);
          magellan.truncateNextReply();
          await afterNextCommand(magellan.onCommand);
          magellan.setSilent(true);
        },
        unstick: async () => {
          magellan.setSilent(false);
          scannerHung = false;
        },
      });
    } else {
      const scannerCable = await SerialCable.create(devDir, 'scanner');
      cleanups.push(() => scannerCable.close());
      const scanner = new ScannerSimulator(new SerialPortTransport(scannerCable.devicePath, line9600), { prefix: '', suffix: 'CR', aimIdentifiers: false });
      await scanner.open();
      cleanups.push(() => scanner.close());
      scannerPath = scannerCable.hostPath;
      scan = (ean13) => scanner.scan(ean13);
      devices.set('scanner', {
        target: 'scanner',
        roles: ['scanner'],
        unplug: () => scannerCable.unplug(),
        plugBackIn: async () => {
          await scannerCable.plugBackIn();
          await scanner.open();
        },
        sendRaw: (bytes) => scanner.writeRaw(bytes),
        stick: async () => {
          scannerHung = true;
          await scanner.writeRaw(ascii('4750001')).catch(() => undefined);
        },
        unstick: async () => {
          scannerHung = false;
        },
      });

      const scaleCable = await SerialCable.create(devDir, 'scale');
      cleanups.push(() => scaleCable.close());
      const scaleSimulator = new SerialScaleSimulator(new SerialPortTransport(scaleCable.devicePath, line9600), { protocol: scaleChoice });
      await scaleSimulator.open();
      cleanups.push(() => scaleSimulator.dispose());
      scalePath = scaleCable.hostPath;
      setLoad = (grams) => scaleSimulator.setLoad(grams);
      devices.set('scale', {
        target: 'scale',
        roles: ['scale'],
        unplug: () => scaleCable.unplug(),
        plugBackIn: async () => {
          await scaleCable.plugBackIn();
          await scaleSimulator.open();
        },
        sendRaw: (bytes) => scaleSimulator.garbage(bytes),
        stick: async () => {
          // The reply to the next request stops half-way; then the scale answers nothing.
          scaleSimulator.truncateNextReply();
          await afterNextCommand(scaleSimulator.onCommand);
          scaleSimulator.silent = true;
        },
        unstick: async () => {
          scaleSimulator.silent = false;
        },
      });
    }

    // ── Receipt printer ──
    const printerCable = await SerialCable.create(devDir, 'printer');
    cleanups.push(() => printerCable.close());
    const printerTransport = new SerialPortTransport(printerCable.devicePath, line9600);
    const printer = new EscPosPrinterSimulator(printerTransport);
    await printer.open();
    cleanups.push(() => printer.dispose());
    devices.set('printer', {
      target: 'printer',
      roles: ['printer'],
      unplug: () => printerCable.unplug(),
      plugBackIn: async () => {
        await printerCable.plugBackIn();
        await printer.open();
      },
      sendRaw: (bytes) => printerTransport.write(bytes),
      stick: async () => {
        // Half an Automatic Status Back block, then a printer that answers nothing.
        await printerTransport.write(encodeAsb(healthyPrinterStatus).subarray(0, 2)).catch(() => undefined);
        printer.silent = true;
      },
      unstick: async () => {
        printer.silent = false;
      },
    });

    // ── Card terminal (TCP) ──
    const terminal = new CardTerminalSimulator({ mode: { mode: 'auto', decision: 'approve', delayMs: 60 } });
    await terminal.start();
    cleanups.push(() => terminal.stop());
    const terminalCable = await TcpCable.create(terminal.port);
    cleanups.push(() => terminalCable.close());
    devices.set('paymentTerminal', {
      target: 'paymentTerminal',
      roles: ['paymentTerminal'],
      unplug: async () => terminalCable.unplug(),
      plugBackIn: async () => terminalCable.plugBackIn(),
      sendRaw: async (bytes) => terminal.sendRaw(bytes),
      stick: async () => {
        terminal.sendRaw('{"type":"pong"');
        // Let the half line reach the lane before the cable stops forwarding.
        await new Promise((resolve) => setTimeout(resolve, 20));
        terminalCable.stall();
      },
      unstick: async () => terminalCable.resume(),
    });

    // ── The lane ──
    const laneDir = join(workDir, laneId);
    const config = parseLaneConfig({
      laneId,
      storeName: 'Device Proof Store',
      dataDir: laneDir,
      catalogFile: options.catalogFile,
      supervisor: { url: options.laneUrl, laneSecret: options.laneSecret },
      devices: {
        scanner: scaleChoice === 'magellan' ? { driver: 'magellan', path: scannerPath, dataBits: 8, parity: 'none' } : { driver: 'serial', path: scannerPath },
        // ptys carry no parity: the scales' 7E1 / 7O1 are overridden to 8N1, as the demo does.
        scale: scaleChoice === 'magellan' ? { driver: 'magellan' } : { driver: scaleChoice, path: scalePath!, dataBits: 8, parity: 'none' },
        printer: { driver: 'escpos-serial', path: printerCable.hostPath },
        paymentTerminal: { driver: 'tcp', port: terminalCable.port },
      },
    });
    mkdirSync(laneDir, { recursive: true });
    const lane = await startLane(config, { staticDir: laneDir, serve: false, log: options.log });
    cleanups.push(() => lane.stop());

    const waitForView = (test: (view: LaneView) => boolean, timeoutMs: number): Promise<LaneView | undefined> => {
      if (test(lane.runtime.view)) return Promise.resolve(lane.runtime.view);
      return new Promise((resolve) => {
        const subscription: Disposable = lane.runtime.onView((view) => {
          if (!test(view)) return;
          clearTimeout(timer);
          subscription.dispose();
          resolve(view);
        });
        const timer = setTimeout(() => {
          subscription.dispose();
          resolve(undefined);
        }, timeoutMs);
      });
    };

    return {
      scale: scaleChoice,
      laneId,
      lane,
      journalPath: lanePaths(config).journal,
      devices,
      printer,
      terminal,
      scan,
      setLoad,
      get scannerHung() {
        return scannerHung;
      },
      get view() {
        return lane.runtime.view;
      },
      waitForView,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/** Resolves just after the device has taken its next command (its reply already on its way), or after a second without one. */
function afterNextCommand(onCommand: (listener: () => void) => Disposable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      subscription.dispose();
      setImmediate(resolve);
    };
    const subscription = onCommand(done);
    const timer = setTimeout(done, 1_000);
  });
}
