// The lane runtime's utility process (bundled as runtime.cjs, forked by the shell's main
// process): devices, journal, statechart and links, off Electron's main thread. It talks to
// main only through `process.parentPort` (runtimeProcess.ts).
//   --config <file>  the terminal's configuration (a lane's)
import { basename, join } from 'node:path';
import { lanePaths } from '../config/laneConfig';
import { loadTerminalConfig } from '../config/terminalConfig';
import { startLane } from '../lane/startLane';
import { createLogger } from '../log/logger';
import { hostLaneInShell, type ParentPortLike } from './runtimeProcess';

const index = process.argv.indexOf('--config');
const configFile = index >= 0 ? process.argv[index + 1] : undefined;
const rendererDir = join(__dirname, '..', 'renderer');
// Until the lane's own log is open: standard error, which the shell passes on.
const log = createLogger({ bindings: { component: 'lane-runtime' } });
const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort;

function exit(code: number): void {
  log.flush();
  process.exit(code);
}

// Anything unexpected ends the process; the shell starts it again and the lane restores its sale.
process.on('uncaughtException', (error) => {
  log.error({ error: error.stack ?? String(error) }, 'lane runtime crashed');
  exit(1);
});
process.on('unhandledRejection', (reason) => {
  log.error({ error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) }, 'lane runtime crashed (unhandled rejection)');
  exit(1);
});

if (!port) {
  log.error({}, 'runtime.cjs runs only as the kiosk shell’s utility process');
  exit(2);
} else {
  const hosted = hostLaneInShell({
    port,
    log,
    exit,
    startLane: async () => {
      const terminal = loadTerminalConfig(configFile);
      if (terminal.role !== 'lane') throw new Error(`${configFile ?? 'the terminal configuration'} is a ${terminal.role} terminal's, not a lane's`);
      const { lane } = terminal;
      const laneLog = createLogger({ file: join(terminal.logDir, basename(lanePaths(lane).log)), level: lane.log.level, bindings: { lane: lane.laneId } });
      return startLane(lane, { staticDir: rendererDir, serve: false, log: laneLog });
    },
  });
  // The system stopping (systemd, a shutdown) ends the lane as cleanly as main's "stop" does.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void hosted.then(({ stop }) => stop()));
}
