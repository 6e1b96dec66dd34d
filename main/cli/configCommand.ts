import type { Command } from 'commander';
import { ConfigError } from '../config/laneConfig';
import { defaultTerminalConfigPath, loadTerminalConfig } from '../config/terminalConfig';
import { checkTerminalFiles } from '../diagnostics/terminalChecks';
import { summarizeTerminal, summaryText, type TerminalSummary } from '../diagnostics/terminalSummary';

/** What `config check --json` prints. */
export interface ConfigCheckReport {
  readonly file: string;
  /** No errors: the terminal will start with this file (warnings may remain). */
  readonly valid: boolean;
  /** Each names its field: `openingHours.days.3: expected ["HH:MM","HH:MM"] or null`. */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** What will run (credentials as "set"); null when the file itself is invalid. */
  readonly terminal: TerminalSummary | null;
}

export function checkTerminalConfig(file: string, now: Date = new Date()): ConfigCheckReport {
  let config;
  try {
    config = loadTerminalConfig(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { file, valid: false, errors: error.problems, warnings: [], terminal: null };
  }
  const { errors, warnings } = checkTerminalFiles(config);
  return { file, valid: errors.length === 0, errors, warnings, terminal: summarizeTerminal(config, now) };
}

function reportText(report: ConfigCheckReport): string {
  const lines: string[] = [];
  if (report.terminal) lines.push(`${report.file}: ${report.valid ? 'this terminal will run:' : 'valid, but this terminal will not start here:'}`, '', summaryText(report.terminal).trimEnd());
  else lines.push(`${report.file}: invalid, the terminal will not start:`);
  if (report.errors.length) lines.push('', 'Errors:', ...report.errors.map((problem) => `  ${report.file}: ${problem}`));
  if (report.warnings.length) lines.push('', 'Warnings:', ...report.warnings.map((problem) => `  ${report.file}: ${problem}`));
  return `${lines.join('\n')}\n`;
}

/**
 * `lanewise config check`: is this terminal's file valid, and what will it run? Exit status 0 when
 * it will start (warnings allowed), 78 (EX_CONFIG) with every problem listed when it will not.
 */
export function registerConfigCommands(program: Command, setExitCode: (code: number) => void): void {
  const config = program.command('config').description('the terminal’s configuration file (/etc/lanewise/lane.json; LANEWISE_CONFIG names another)');
  config
    .command('check')
    .description('validate the terminal’s file and show what will run (credentials shown as "set"); exit status 78 when it will not start')
    .option('--config <file>', 'the file to check, instead of LANEWISE_CONFIG or the default place')
    .option('--json', 'print a JSON object')
    .action((options: { config?: string; json?: boolean }) => {
      const report = checkTerminalConfig(options.config ?? defaultTerminalConfigPath());
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report));
      setExitCode(report.valid ? 0 : 78);
    });
}
