import { Command, CommanderError } from 'commander';
import { registerBarcodeCommands } from './barcodeCommand';
import { registerCatalogCommands } from './catalogCommand';
import { registerConfigCommands } from './configCommand';
import { registerDemoCommand } from './demoCommand';
import { registerDevicesCommands } from './devicesCommand';
import { registerDiagnosticsCommand } from './diagnosticsCommand';
import { registerLaneCommand } from './laneCommand';
import { registerStoreCommands } from './storeCommand';
import { registerSupervisorCommands } from './supervisorCommand';

/**
 * `lanewise`: the command store IT uses on a terminal. Each command returns its exit status
 * (0 yes, 1 a "no" answer such as a rejected barcode, 2 the command could not run, 78 a bad
 * configuration); commands that run until stopped (demo, lane) resolve when they stop.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  const program = new Command()
    .name('lanewise')
    .description('Lanewise self-checkout: run lanes and the demo store, inspect catalogues, barcodes and devices')
    .showHelpAfterError()
    .exitOverride();
  registerDemoCommand(program, setExitCode);
  registerLaneCommand(program, setExitCode);
  registerCatalogCommands(program, setExitCode);
  registerBarcodeCommands(program, setExitCode);
  registerDevicesCommands(program, setExitCode);
  registerStoreCommands(program, setExitCode);
  registerSupervisorCommands(program, setExitCode);
  registerConfigCommands(program, setExitCode);
  registerDiagnosticsCommand(program, setExitCode);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    process.stderr.write(`lanewise: ${error instanceof Error ? error.message : String(error)}\n`);
    // 1 is an answer ("rejected", "nothing found"); 2 means the command itself could not run.
    return 2;
  }
  return exitCode;
}
