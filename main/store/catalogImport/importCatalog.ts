import { basename, extname } from 'node:path';
import { catalogEntityKinds, type CatalogEntityKind, type CatalogEntityValue } from '../../../shared/store/catalogEntities';
import type { StoreBackend } from '../../store/storeBackend';
import { crossCheck } from './crossChecks';
import { readCsvCatalog, type CsvDelimiter } from './csvCatalog';
import { sortedProblems, type ImportProblem, type ProblemList } from './importProblems';
import { checkTimeZone, machineTimeZone } from './importTime';
import { readJsonCatalog } from './jsonCatalog';
import type { CatalogFileFormat, LiveEntity, ParsedCatalogFile } from './parsedCatalog';

export interface ImportOptions {
  /** From the file name (`.csv`, `.tsv`, `.json`) when not given. */
  readonly format?: CatalogFileFormat;
  /** Delete what the file does not have, of the kinds it speaks for (items for CSV; the sections present in JSON). */
  readonly replace?: boolean;
  /** Check everything and count, change nothing. */
  readonly dryRun?: boolean;
  /** Where a date without a time in `next_price_from` is midnight; the machine's zone by default. */
  readonly timeZone?: string;
  /** The currency CSV prices are in; by default the store's (it must agree with it when both exist). */
  readonly currency?: string;
  /** CSV only; detected from the header line by default. */
  readonly delimiter?: CsvDelimiter;
  /** Now, for warnings about scheduled prices already past (tests fix it). */
  readonly now?: number;
}

/** The outcome of checking a file against the store, before anything is applied. */
export type CatalogCheck =
  | {
      readonly ok: true;
      readonly format: CatalogFileFormat;
      readonly entities: readonly LiveEntity[];
      readonly replaceKinds: readonly CatalogEntityKind[];
      readonly checked: Readonly<Record<CatalogEntityKind, number>>;
      readonly added: number;
      readonly updated: number;
      readonly unchanged: number;
      readonly deleted: number;
      readonly storeVersion: number;
      readonly warnings: readonly ImportProblem[];
      readonly moreWarnings: number;
    }
  | CatalogRefusal;

/** A file refused: nothing was applied. At most 100 errors are listed; `moreErrors` counts the rest. */
export interface CatalogRefusal {
  readonly ok: false;
  readonly format: CatalogFileFormat;
  readonly errors: readonly ImportProblem[];
  readonly moreErrors: number;
  readonly warnings: readonly ImportProblem[];
  readonly moreWarnings: number;
}

export type ImportReport =
  | {
      readonly ok: true;
      readonly dryRun: boolean;
      readonly format: CatalogFileFormat;
      readonly checked: Readonly<Record<CatalogEntityKind, number>>;
      readonly added: number;
      readonly updated: number;
      readonly unchanged: number;
      readonly deleted: number;
      /** Entities given a new version (added + updated + deleted); as the store counted it when applied. */
      readonly changed: number;
      /** The catalogue version after the import (in a dry run, the version now). */
      readonly version: number;
      readonly warnings: readonly ImportProblem[];
      readonly moreWarnings: number;
    }
  | CatalogRefusal;

/** A file or option the import cannot even start on (exit status 2, unlike a refused file). */
export class ImportSetupError extends Error {
  override readonly name = 'ImportSetupError';
}

export function formatOfFile(file: string, format?: CatalogFileFormat): CatalogFileFormat {
  if (format) return format;
  const extension = extname(file).toLowerCase();
  if (extension === '.csv' || extension === '.tsv' || extension === '.txt') return 'csv';
  if (extension === '.json') return 'json';
  throw new ImportSetupError(`cannot tell the format of ${basename(file)} from its name: give --format csv or --format json`);
}

/** The store's settings, if it has any: settings come first in a snapshot, so this rarely reads further. */
export async function storeSettingsOf(backend: StoreBackend): Promise<CatalogEntityValue<'settings'> | undefined> {
  const snapshot = await backend.snapshot();
  for await (const entity of snapshot.entities()) {
    if (entity.kind === 'settings' && entity.value !== null) return entity.value as CatalogEntityValue<'settings'>;
  }
  return undefined;
}

async function csvCurrency(backend: StoreBackend, given: string | undefined): Promise<string> {
  const store = (await storeSettingsOf(backend))?.currency;
  if (given !== undefined && !/^[A-Z]{3}$/u.test(given)) throw new ImportSetupError(`"${given}" is not an ISO 4217 currency code (e.g. EUR)`);
  if (given !== undefined && store !== undefined && given !== store) throw new ImportSetupError(`the store's prices are in ${store}, not ${given}`);
  const currency = given ?? store;
  if (currency === undefined) throw new ImportSetupError('the store has no currency yet: give --currency (e.g. EUR), or import its settings first (JSON)');
  return currency;
}

function refusal(file: ParsedCatalogFile, errors: ProblemList, warnings: ProblemList): CatalogRefusal {
  return { ok: false, format: file.format, errors: sortedProblems(errors.listed), moreErrors: errors.more, warnings: sortedProblems(warnings.listed), moreWarnings: warnings.more };
}

/** Reads and checks a catalogue file against the store; changes nothing. */
export async function checkCatalogFile(backend: StoreBackend, file: string, options: ImportOptions = {}): Promise<CatalogCheck> {
  const format = formatOfFile(file, options.format);
  const timeZone = options.timeZone ?? machineTimeZone();
  checkTimeZone(timeZone);
  let parsed: ParsedCatalogFile;
  try {
    parsed =
      format === 'csv'
        ? await readCsvCatalog(file, { currency: await csvCurrency(backend, options.currency), timeZone, delimiter: options.delimiter, now: options.now ?? Date.now() })
        : await readJsonCatalog(file);
  } catch (error) {
    if (error && typeof error === 'object' && 'code' in error && (error.code === 'ENOENT' || error.code === 'EISDIR' || error.code === 'EACCES')) {
      throw new ImportSetupError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    throw error;
  }
  const { errors, warnings } = parsed;
  // Rows that failed on their own are not cross-checked (their errors are already there), but the rest are.
  const replaceKinds = options.replace ? parsed.kinds : [];
  const counts = await crossCheck(backend, parsed, replaceKinds, errors, warnings);
  if (errors.count > 0) return refusal(parsed, errors, warnings);
  const checked = Object.fromEntries(catalogEntityKinds.map((kind) => [kind, 0])) as Record<CatalogEntityKind, number>;
  for (const { entity } of parsed.entities) checked[entity.kind]++;
  return {
    ok: true,
    format,
    entities: parsed.entities.map((located) => located.entity),
    replaceKinds,
    checked,
    ...counts,
    warnings: sortedProblems(warnings.listed),
    moreWarnings: warnings.more,
  };
}

/**
 * `lanewise catalog import`: checks the whole file against the store first, then applies it
 * in ONE `applyCatalogChanges` call, so the store (and every lane after it) sees all of the file
 * as one new catalogue version or none of it.
 */
export async function importCatalog(backend: StoreBackend, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const check = await checkCatalogFile(backend, file, options);
  if (!check.ok) return check;
  const { entities, replaceKinds, storeVersion, ...rest } = check;
  const predicted = check.added + check.updated + check.deleted;
  if (options.dryRun) return { ...rest, dryRun: true, changed: predicted, version: storeVersion };
  const applied = await backend.applyCatalogChanges(entities, { ...(replaceKinds.length > 0 ? { replaceKinds } : {}), source: `import ${basename(file)}` });
  return { ...rest, dryRun: false, changed: applied.changed, version: applied.version };
}
