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
  fresh?: boolean;
  electron: boolean;
  terminal: 'manual' | 'auto';
}

export function registerDemoCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('demo')
    .description('run a demo store: a lane with simulated scanner, scales, receipt printer, lane light and card terminal on real serial lines')
    .option('--data-dir <dir>', 'where the demo keeps its catalogue, journals, logs and pseudo-terminals', defaultDemoDataDir)
    .option('--port <port>', 'kiosk page port of the first lane (0: any free port)', (value) => Number.parseInt(value, 10), 8080)
    .option('--panel-port <port>', 'device panel port (0: any free port)', (value) => Number.parseInt(value, 10), 8090)
    .option('--fresh', 'forget sales in progress and start with empty journals')
    .option('--no-electron', 'do not open an Electron kiosk window even if Electron is installed')
    .option('--terminal <mode>', 'card terminal: manual (decide in the device panel) or auto (approves after 1.5 s)', 'manual')
    .action(async (options: DemoOptions) => {
      // Before the logger opens its file there: removing the folder under an open log would lose the log.
      if (options.fresh) rmSync(options.dataDir, { recursive: true, force: true });
      const log = createLogger({ file: join(options.dataDir, 'logs', 'demo.jsonl'), bindings: { component: 'demo' } });
      process.stdout.write('Starting the Lanewise demo store…\n');
      await ensureRendererBuilt();
      const store = await startDemoStore({ dataDir: options.dataDir, lanes: 1, basePort: options.port, terminalMode: options.terminal === 'auto' ? 'autoApprove' : 'manual', log });
      const panel = await startDevicePanel(store.lanes, { port: options.panelPort, log });
      const [lane] = store.lanes;
      if (!lane) throw new Error('the demo store started no lanes');

      process.stdout.write(
        [
          '',
          `Lanewise demo store: ${store.catalogItems.toLocaleString('en')} items in the catalogue (${join(options.dataDir, 'catalog.sqlite')})`,
          '',
          `  Kiosk, lane ${lane.laneId}:  ${lane.url}`,
          `  Device panel:     ${panel.url}   (scan samples, put weights on the scales, approve or decline cards, printer paper and cover)`,
          `  Scanner line:     ${lane.scannerPty.devicePath}`,
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
      lane.printer.onReceipt((receipt) => process.stdout.write(`\n----- receipt printed on ${lane.laneId} -----\n${receipt.text}\n-------------------------------------\n`));
      lane.process.onExit(({ code, signal, expected }) => !expected && process.stdout.write(`Lane ${lane.laneId} stopped (${signal ?? `exit ${code}`}); restarting it — the sale resumes from the journal.\n`));

      const kiosk = options.electron ? await launchKioskWindow(lane.url, log) : undefined;
      if (options.electron && !kiosk) process.stdout.write('(No Electron binary or no display here: open the kiosk URL above in a browser.)\n');

      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
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
