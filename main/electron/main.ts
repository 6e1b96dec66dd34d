// The Electron shell's main process: the real `electron` modules handed to the shell (shell.ts),
// which does everything else. Nothing here runs a lane: that is runtime.cjs, a utility process.
//   --config <file>   the terminal's configuration (default: LANEWISE_CONFIG, /etc/lanewise/lane.json,
//                     %ProgramData%\Lanewise\lane.json); a lane shows the kiosk, a supervisor the station
//   --lane-url <url>  the demo: show a lane that runs elsewhere, over its WebSocket bridge
import { app, BrowserWindow, ipcMain, powerSaveBlocker, protocol, session, utilityProcess } from 'electron';
import { autoUpdater } from 'electron-updater';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/laneConfig';
import { defaultTerminalConfigPath, isWithinOpeningHours, loadTerminalConfig, type TerminalConfig } from '../config/terminalConfig';
import { createLogger } from '../log/logger';
import { startShell, type ShellElectron, type ShellPlan } from './shell';
import { startUpdates, storeRequestHeaders } from './updates';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const laneUrl = argument('--lane-url');
const configFile = argument('--config') ?? defaultTerminalConfigPath();

let config: TerminalConfig | undefined;
if (!laneUrl) {
  try {
    config = loadTerminalConfig(configFile);
  } catch (error) {
    // As `lanewise lane`: a configuration that will not do stops the terminal with status 78, every problem listed.
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    app.exit(78);
  }
}

const log = createLogger({ file: config ? join(config.logDir, 'shell.jsonl') : undefined, bindings: { component: 'shell' } });

const electron: ShellElectron = {
  app,
  createWindow: (options) => new BrowserWindow(options),
  session: () => session.defaultSession,
  ipcMain,
  powerSaveBlocker,
  protocol,
  forkRuntime: () => utilityProcess.fork(join(__dirname, 'runtime.cjs'), ['--config', configFile], { serviceName: 'Lanewise lane runtime', stdio: 'inherit' }),
};

function planOf(terminal: TerminalConfig): ShellPlan {
  const isOpen = (at: Date) => isWithinOpeningHours(terminal.openingHours, at);
  if (terminal.role === 'lane') return { kind: 'lane', isOpen };
  return { kind: 'station', stationUrl: terminal.stationUrl, caPem: terminal.caFile ? readFileSync(terminal.caFile, 'utf8') : undefined, isOpen };
}

const plan: ShellPlan | undefined = laneUrl ? { kind: 'remoteLane', laneUrl } : config && planOf(config);

// The system stopping the shell (systemd, a shutdown) quits it the ordinary way: the runtime stops cleanly first.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => app.quit());

if (plan) {
  startShell(electron, plan, {
    log,
    rendererDir: join(__dirname, '..', 'renderer'),
    preload: join(__dirname, 'preload.cjs'),
    startUpdates: (readiness) =>
      startUpdates({
        autoUpdater,
        config: config?.updates,
        readiness: readiness.readiness,
        onReadinessChange: readiness.onReadinessChange,
        // A lane fetches its updates from the store server with its store credentials.
        requestHeaders: config?.role === 'lane' ? storeRequestHeaders(config.lane) : undefined,
        log: log.child({ component: 'updates' }),
      }),
  }).catch((error: unknown) => {
    log.error({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 'the shell failed to start');
    log.flush();
    app.exit(1);
  });
}
