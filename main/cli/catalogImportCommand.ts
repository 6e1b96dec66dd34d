import { createWriteStream, existsSync, rmSync, statSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import type { CatalogEntityKind } from '../../shared/store/catalogEntities';
import type { CsvDelimiter } from '../store/catalogImport/csvCatalog';
import { exportCatalog } from '../store/catalogImport/exportCatalog';
import { importCatalog, ImportSetupError, type ImportReport } from '../store/catalogImport/importCatalog';
import { describeProblem } from '../store/catalogImport/importProblems';
import type { CatalogFileFormat } from '../store/catalogImport/parsedCatalog';
import { isPostgresUrl, openStoreBackend, storeDatabaseFile } from '../store/openStoreBackend';
import type { StoreBackend } from '../store/storeBackend';

const kindNames: Record<CatalogEntityKind, [string, string]> = {
  settings: ['settings', 'settings'],
  vatClass: ['VAT class', 'VAT classes'],
  item: ['item', 'items'],
  promotion: ['promotion', 'promotions'],
  coupon: ['coupon', 'coupons'],
  assistant: ['assistant', 'assistants'],
};

const count = (n: number) => n.toLocaleString('en-US');

function delimiterOf(text: string | undefined): CsvDelimiter | undefined {
  if (text === undefined) return undefined;
  if (text === ',' || text === ';') return text;
  if (text === '\t' || text === 'tab' || text === '\\t') return '\t';
  throw new ImportSetupError(`--delimiter is ",", ";" or "tab", not "${text}"`);
}

/**
 * The store's data folder (or a PostgreSQL URL). A folder must exist already, so a typo in
 * `--data-dir` does not quietly start an empty store; `mustHaveStore` also wants its database.
 */
async function withStore<T>(dataDir: string, mustHaveStore: boolean, use: (backend: StoreBackend) => Promise<T>): Promise<T> {
  if (!isPostgresUrl(dataDir)) {
    if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) throw new ImportSetupError(`no store data folder at ${dataDir}`);
    if (mustHaveStore && !existsSync(storeDatabaseFile(dataDir))) throw new ImportSetupError(`no store database in ${dataDir} (store.sqlite)`);
  }
  const backend = await openStoreBackend(dataDir);
  try {
    return await use(backend);
  } finally {
    await backend.close();
  }
}

function checkedSummary(checked: Readonly<Record<CatalogEntityKind, number>>): string {
  const parts = (Object.entries(checked) as [CatalogEntityKind, number][]).filter(([, n]) => n > 0).map(([kind, n]) => (kind === 'settings' ? 'settings' : `${count(n)} ${kindNames[kind][n === 1 ? 0 : 1]}`));
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}

/** "6,049 items checked; 12 changed, 1 deleted; catalogue version 7", or the refusal with each error. */
export function describeImport(report: ImportReport): string {
  const lines: string[] = [];
  if (!report.ok) {
    const total = report.errors.length + report.moreErrors;
    lines.push(`refused: ${count(total)} error${total === 1 ? '' : 's'}; nothing was imported`);
    for (const problem of report.errors) lines.push(`  ${describeProblem(problem)}`);
    if (report.moreErrors > 0) lines.push(`  … and ${count(report.moreErrors)} more`);
  } else {
    const changes = [
      report.added > 0 && `${count(report.added)} added`,
      report.updated > 0 && `${count(report.updated)} changed`,
      report.deleted > 0 && `${count(report.deleted)} deleted`,
    ].filter(Boolean);
    const what = changes.length > 0 ? changes.join(', ') : 'nothing changed';
    lines.push(
      report.dryRun
        ? `${checkedSummary(report.checked)} checked; would be ${what}; dry run, nothing applied (catalogue version ${report.version})`
        : `${checkedSummary(report.checked)} checked; ${what}; catalogue version ${report.version}`,
    );
  }
  for (const warning of report.warnings) lines.push(`warning: ${describeProblem(warning)}`);
  if (report.moreWarnings > 0) lines.push(`warning: … and ${count(report.moreWarnings)} more`);
  return `${lines.join('\n')}\n`;
}

/** `catalog import` and `catalog export`, for the store server's master catalogue. */
export function registerCatalogImportCommand(catalogCommand: Command, setExitCode: (code: number) => void): void {
  const formatOption = (description: string) => new Option('--format <format>', description).choices(['csv', 'json']);

  catalogCommand
    .command('import')
    .description('check a CSV or JSON catalogue file and apply it to the store server as one catalogue version; exit 1 when the file is refused (nothing is applied)')
    .argument('<file>', 'the catalogue file (.csv or .json)')
    .requiredOption('--data-dir <dir>', 'the store server’s data folder (or a postgres:// URL)')
    .addOption(formatOption('file format (default: from the file name)'))
    .option('--replace', 'delete what the file does not have: items for CSV, every section present for JSON')
    .option('--dry-run', 'check and count only; change nothing')
    .option('--time-zone <zone>', 'where a next_price_from date alone is midnight (default: this machine’s)')
    .option('--currency <code>', 'the currency of CSV prices when the store has none yet (ISO 4217, e.g. EUR)')
    .option('--delimiter <char>', 'CSV field delimiter: ",", ";" or "tab" (default: detected from the header)')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        file: string,
        options: { dataDir: string; format?: CatalogFileFormat; replace?: boolean; dryRun?: boolean; timeZone?: string; currency?: string; delimiter?: string; json?: boolean },
      ) => {
        if (!existsSync(file)) throw new ImportSetupError(`no file at ${file}`);
        const delimiter = delimiterOf(options.delimiter);
        const report = await withStore(options.dataDir, false, (backend) =>
          importCatalog(backend, file, {
            ...(options.format ? { format: options.format } : {}),
            replace: options.replace ?? false,
            dryRun: options.dryRun ?? false,
            ...(options.timeZone ? { timeZone: options.timeZone } : {}),
            ...(options.currency ? { currency: options.currency } : {}),
            ...(delimiter ? { delimiter } : {}),
          }),
        );
        process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : describeImport(report));
        setExitCode(report.ok ? 0 : 1);
      },
    );

  catalogCommand
    .command('export')
    .description('write the store server’s catalogue in the import format (importing it again changes nothing)')
    .requiredOption('--data-dir <dir>', 'the store server’s data folder (or a postgres:// URL)')
    .addOption(formatOption('json: everything; csv: the items').makeOptionMandatory())
    .option('--output <file>', 'write here instead of standard output')
    .option('--delimiter <char>', 'CSV field delimiter: ",", ";" or "tab"', ',')
    .action(async (options: { dataDir: string; format: CatalogFileFormat; output?: string; delimiter: string }) => {
      const delimiter = delimiterOf(options.delimiter);
      const file = options.output;
      const output = file ? createWriteStream(file) : process.stdout;
      try {
        const result = await withStore(options.dataDir, true, (backend) => exportCatalog(backend, options.format, output, delimiter ? { delimiter } : {}));
        if (file) {
          output.end();
          await finished(output);
          process.stderr.write(`${checkedSummary(result.written)} written to ${file} (catalogue version ${result.version})\n`);
        }
      } catch (error) {
        // No half-written export left behind to be imported by mistake.
        if (file) {
          output.end();
          rmSync(file, { force: true });
        }
        throw error;
      }
      setExitCode(0);
    });
}
