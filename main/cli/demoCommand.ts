import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '../log/logger';
import { startDemoStore } from '../demo/demoStore';
import { startDevicePanel } from '../demo/panel';
import { launchKioskWindow } from '../demo/electronLauncher';
import { defaultDemoDataDir } from './paths';
import { ensureRendererBuilt } from './rendererBuild';

interface DemoOptions {
  dataDir: string;
  port: number;
  panelPort: number;
  supervisorPort: number;
  storePort: number;
  lanes: number;
  fresh?: boolean;
  electron: boolean;
  terminal: 'manual' | 'auto';
}

export function registerDemoCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('demo')
    .description('run a demo store: the supervisor station and four lanes, each with simulated scanner, scales, receipt printer, lane light and card terminal on real serial lines')
    .option('--data-dir <dir>', 'where the demo keeps its catalogue, journals, logs and pseudo-terminals', defaultDemoDataDir)
    .option('--port <port>', 'kiosk page port of the first lane (0: any free port)', (value) => Number.parseInt(value, 10), 8080)
    .option('--panel-port <port>', 'device panel port (0: any free port)', (value) => Number.parseInt(value, 10), 8090)
    .option('--supervisor-port <port>', 'supervisor station port (0: any free port)', (value) => Number.parseInt(value, 10), 8100)
    .option('--store-port <port>', 'store server port (0: any free port)', (value) => Number.parseInt(value, 10), 8200)
    .option('--lanes <n>', 'how many lanes (1 to 8)', (value) => Math.min(8, Math.max(1, Number.parseInt(value, 10) || 4)), 4)
    .option('--fresh', 'forget sales in progress and start with empty journals')
    .option('--no-electron', 'do not open an Electron kiosk window even if Electron is installed')
    .option('--terminal <mode>', 'card terminal: manual (decide in the device panel) or auto (approves after 1.5 s)', 'manual')
    .action(async (options: DemoOptions) => {
      // Before the logger opens its file there: removing the folder under an open log would lose the log.
      if (options.fresh) rmSync(options.dataDir, { recursive: true, force: true });
      const log = createLogger({ file: join(options.dataDir, 'logs', 'demo.jsonl'), bindings: { component: 'demo' } });
      process.stdout.write('Starting the Lanewise demo store…\n');
      await ensureRendererBuilt();
      const store = await startDemoStore({
        dataDir: options.dataDir,
        lanes: options.lanes,
        basePort: options.port,
        terminalMode: options.terminal === 'auto' ? 'autoApprove' : 'manual',
        supervisor: { port: options.supervisorPort },
        storeServer: { port: options.storePort },
        log,
      });
      const panel = await startDevicePanel(store.lanes, { port: options.panelPort, log });
      const [lane] = store.lanes;
      if (!lane || !store.supervisor) throw new Error('the demo store started no lanes');

      process.stdout.write(
        [
          '',
          `Lanewise demo store: ${store.catalogItems.toLocaleString('en')} items in the catalogue (${join(options.dataDir, 'catalog.sqlite')})`,
          '',
          `  Supervisor station: ${store.supervisor.url}   (sign in: Anna 1001 / PIN 1234, assistant; Ivan 1002 / PIN 2468, supervisor)`,
          ...store.lanes.map((each) => `  Kiosk, lane ${each.laneId}:  ${each.url}`),
          `  Lanes connect to: ${store.supervisor.laneUrl}   (each with its own secret: ${join(options.dataDir, 'lanes')}/*.json)`,
          ...(store.storeServer
            ? [
                `  Store server:     ${store.storeServer.url}   (master catalogue and sales; e.g. npx lanewise catalog import items.csv --data-dir ${store.storeServer.dataDir})`,
              ]
            : []),
          `  Device panel:     ${panel.url}   (scan samples, put weights on the scales, approve or decline cards, printer paper and cover)`,
          `  Scanner lines:    ${store.lanes.map((each) => each.scannerPty.devicePath).join(', ')}`,
          `                    write a barcode and CR here to scan, e.g.  printf '4750001000016\\r' > ${lane.scannerPty.devicePath}`,
          `  Scales:           weighing scale (Mettler Toledo 8217) and bagging scale (NCI SCP-01), each on its own serial line`,
          `  Lane light:       a tower light on a serial relay board; the device panel shows its lamps`,
          `  Card terminal:    ${options.terminal === 'auto' ? 'approves every payment after 1.5 s' : 'approve or decline each payment in the device panel'}`,
          `  Logs:             ${join(options.dataDir, 'logs')}`,
          '',
          'Printed receipts appear below. Press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
      for (const each of store.lanes) {
        each.printer.onReceipt((receipt) => process.stdout.write(`\n----- receipt printed on ${each.laneId} -----\n${receipt.text}\n-------------------------------------\n`));
        each.process.onExit(({ code, signal, expected }) => !expected && process.stdout.write(`Lane ${each.laneId} stopped (${signal ?? `exit ${code}`}); restarting it — the sale resumes from the journal.\n`));
      }
      store.storeServer?.process.onExit(({ code, signal, expected }) => !expected && process.stdout.write(`Store server stopped (${signal ?? `exit ${code}`}); restarting it — the lanes keep their sales until it is back.\n`));
      store.supervisor.process.onExit(({ code, signal, expected }) => !expected && process.stdout.write(`Supervisor hub stopped (${signal ?? `exit ${code}`}); restarting it — the lanes sell on meanwhile.\n`));

      const kiosk = options.electron ? await launchKioskWindow(lane.url, log) : undefined;
      if (options.electron && !kiosk) process.stdout.write('(No Electron binary or no display here: open the kiosk URL above in a browser.)\n');

      await new Promise<void>((resolve) => {
        const stopping = () => {
          store.expectExit();
          resolve();
        };
        process.once('SIGINT', stopping);
        process.once('SIGTERM', stopping);
      });
      process.stdout.write('\nStopping the demo store…\n');
      await kiosk?.close();
      await panel.close();
      await store.stop();
      log.flush();
      process.stdout.write('Stopped; pseudo-terminals removed.\n');
      setExitCode(0);
    });
}
