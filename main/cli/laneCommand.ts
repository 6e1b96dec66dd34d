import type { Command } from 'commander';
import { join } from 'node:path';
import { ConfigError } from '../config/laneConfig';
import { loadLaneTerminalConfig, type LaneTerminalConfig } from '../config/terminalConfig';
import { startLane } from '../lane/startLane';
import { createLogger } from '../log/logger';
import { registerLaneOutboxCommands } from './laneOutboxCommand';
import { ensureRendererBuilt } from './rendererBuild';

/** Runs until SIGINT/SIGTERM, then stops devices and closes databases before exiting. */
export function registerLaneCommand(program: Command, setExitCode: (code: number) => void): void {
  const laneCommand = program
    .command('lane')
    .description('run one lane from its configuration file (devices, journal, kiosk screen server)')
    .requiredOption('--config <file>', 'the terminal’s lane configuration (JSON)')
    .option('--ready-json', 'print one JSON line {"event":"ready",…} on stdout when ready (for supervisors)')
    .action(async (options: { config: string; readyJson?: boolean }) => {
      let terminal: LaneTerminalConfig;
      try {
        terminal = loadLaneTerminalConfig(options.config);
      } catch (error) {
        if (error instanceof ConfigError) {
          process.stderr.write(`lanewise: invalid lane configuration ${error.message}\n`);
          setExitCode(78); // EX_CONFIG
          return;
        }
        throw error;
      }
      const config = terminal.lane;
      const staticDir = await ensureRendererBuilt();
      const log = createLogger({ file: join(terminal.logDir, `lane-${config.laneId}.jsonl`), level: config.log.level, bindings: { lane: config.laneId } });
      const lane = await startLane(config, { staticDir, log });
      const url = lane.server?.url;
      // A bug must not leave a half-working lane: log it and exit; the supervisor restarts the lane and the journal restores the sale.
      process.on('uncaughtException', (error) => {
        lane.log.error({ error: String(error), stack: error.stack }, 'uncaught exception; exiting for a clean restart');
        process.exit(70);
      });
      process.on('unhandledRejection', (reason) => lane.log.error({ error: String(reason) }, 'unhandled promise rejection'));

      if (options.readyJson) {
        process.stdout.write(`${JSON.stringify({ event: 'ready', laneId: config.laneId, url, pid: process.pid, restored: lane.runtime.restored })}\n`);
      } else {
        process.stdout.write(`Lane ${config.laneId} ready: ${url}\n`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await lane.stop();
      setExitCode(0);
    });
  // `lane outbox …` shares the lane's --config; `lane --config x` alone still runs the lane.
  registerLaneOutboxCommands(laneCommand, setExitCode);
}
