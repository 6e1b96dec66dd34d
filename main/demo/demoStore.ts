import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CardTerminalSimulator } from '../../devices/payment/simulator';
import { EscPosPrinterSimulator } from '../../devices/printer/simulator';
import { ScannerSimulator } from '../../devices/scanner/simulator';
import { createPtyPair, type PtyPair } from '../../devices/sim/ptyPair';
import { SerialPortTransport } from '../../devices/serial/transport';
import type { Logger } from '../../shared/log';
import { ensureDemoCatalog } from '../catalog/ensureDemoCatalog';
import type { LaneConfigInput } from '../config/laneConfig';
import { LaneProcess, type LaneReady } from './laneProcess';

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
  readonly printer: EscPosPrinterSimulator;
  readonly terminal: CardTerminalSimulator;
  readonly process: LaneProcess;
}

export interface DemoStore {
  readonly lanes: readonly DemoLane[];
  readonly catalogItems: number;
  stop(): Promise<void>;
}

const serial = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } as const;

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
 * A store with simulated hardware: for each lane, a scanner and a receipt printer on
 * socat pseudo-terminal pairs and a card terminal on loopback TCP, and the lane runtime
 * as a child process that drives them through its real drivers.
 */
export async function startDemoStore(options: DemoStoreOptions): Promise<DemoStore> {
  const { dataDir, log } = options;
  const laneCount = options.lanes ?? 1;
  mkdirSync(dataDir, { recursive: true });
  const { items } = ensureDemoCatalog(join(dataDir, 'catalog.sqlite'));
  const lanes: DemoLane[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => log.warn({ error: String(error) }, 'demo cleanup step failed'));
  };

  try {
    for (let index = 0; index < laneCount; index++) {
      const laneId = `L${String(index + 1).padStart(2, '0')}`;
      const devDir = join(dataDir, 'dev');
      const scannerPty = await createPtyPair(devDir, `${laneId}-scanner`);
      cleanups.push(() => scannerPty.close());
      const printerPty = await createPtyPair(devDir, `${laneId}-printer`);
      cleanups.push(() => printerPty.close());

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
          printer: { driver: 'escpos-serial', path: printerPty.hostPath, baudRate: 9600, columns: 42 },
          paymentTerminal: { driver: 'tcp', host: '127.0.0.1', port: terminal.port, timeoutSeconds: 120 },
        },
        log: { level: 'info' },
      };
      const configFile = join(dataDir, 'lanes', `${laneId}.json`);
      mkdirSync(join(dataDir, 'lanes'), { recursive: true });
      writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);

      const laneProcess = new LaneProcess(configFile, log.child({ lane: laneId }));
      cleanups.push(() => laneProcess.stop());
      const ready: LaneReady = await laneProcess.start();
      lanes.push({ laneId, url: ready.url, configFile, scannerPty, printerPty, scanner, printer, terminal, process: laneProcess });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { lanes, catalogItems: items, stop };
}
