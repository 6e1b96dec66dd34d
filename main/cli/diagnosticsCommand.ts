import { InvalidArgumentError, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTerminalConfigPath } from '../config/terminalConfig';
import { BundleWriteError, writeDiagnosticsBundle } from '../diagnostics/bundle';
import { repoRoot } from './paths';

function parseSinceHours(value: string): number {
  const hours = Number(value);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 366) throw new InvalidArgumentError('a number of hours, more than 0 and at most 8784');
  return hours;
}

function lanewiseVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const sizeText = (bytes: number) => (bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`);

/**
 * `lanewise diagnostics`: writes a support bundle (see main/diagnostics/bundle.ts). Exit status 0
 * when the bundle is written, even if a check in it failed (the bundle and the summary say so);
 * 2 when it cannot be written.
 */
export function registerDiagnosticsCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('diagnostics')
    .description('write a support bundle (.tar.gz): versions, configuration without secrets, devices, recent logs, database checks')
    .option('--config <file>', 'the terminal’s file, instead of LANEWISE_CONFIG or the default place')
    .option('--output <file.tar.gz>', 'where to write the bundle (never overwritten); default: lanewise-diagnostics-<lane>-<host>-<time>.tar.gz here')
    .option('--since-hours <hours>', 'logs modified within this many hours', parseSinceHours, 24)
    .action(async (options: { config?: string; output?: string; sinceHours: number }) => {
      try {
        const result = await writeDiagnosticsBundle({
          configFile: options.config ?? defaultTerminalConfigPath(),
          output: options.output,
          sinceHours: options.sinceHours,
          lanewiseVersion: lanewiseVersion(),
        });
        process.stdout.write(`${result.path}\n`);
        process.stdout.write(`${sizeText(result.bytes)}: ${result.summary}${result.problems.length ? `; PROBLEMS: ${result.problems.join('; ')}` : ''}\n`);
        setExitCode(0);
      } catch (error) {
        if (!(error instanceof BundleWriteError)) throw error;
        process.stderr.write(`lanewise: no diagnostics bundle written: ${error.message}\n`);
        setExitCode(2);
      }
    });
}
