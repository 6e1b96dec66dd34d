import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { isValidGtin } from '../../../shared/barcode';
import { parseEntityValue } from '../../../shared/store/catalogEntities';
import { parseDecimalPrice } from './decimalPrice';
import { ProblemList, type ImportProblem } from './importProblems';
import { parseImportInstant } from './importTime';
import type { LiveEntity, LocatedEntity, ParsedCatalogFile } from './parsedCatalog';

/**
 * The CSV columns, one item per row, in the order `catalog export` writes them. Names are matched
 * case-insensitively; any other column is refused (a typo would otherwise be silently ignored).
 */
export const csvColumns = [
  'gtin',
  'plu',
  'name_en',
  'name_ru',
  'name_lv',
  'name_bg',
  'price',
  'sold_by',
  'vat_class',
  'age_limit',
  'variable_measure',
  'weight_grams',
  'weight_tolerance_grams',
  'next_price',
  'next_price_from',
] as const;
export type CsvColumn = (typeof csvColumns)[number];

export const requiredCsvColumns: readonly CsvColumn[] = ['gtin', 'name_en', 'price', 'sold_by', 'vat_class'];

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvReadOptions {
  /** The store currency: how many decimals a price may have. */
  readonly currency: string;
  /** What a date without a time in `next_price_from` means (midnight there). */
  readonly timeZone: string;
  /** Detected from the header line when not given. */
  readonly delimiter?: CsvDelimiter;
  /** For the warning about a `next_price_from` already past. */
  readonly now?: number;
}

/** The entity field a CSV column fills, for errors found by the entity schema. */
const columnOfField: Record<string, CsvColumn> = {
  gtin: 'gtin',
  plu: 'plu',
  priceMinor: 'price',
  scheduledPrices: 'next_price_from',
  soldBy: 'sold_by',
  variableMeasure: 'variable_measure',
  vatClass: 'vat_class',
  ageLimit: 'age_limit',
  'name.en': 'name_en',
  'name.ru': 'name_ru',
  'name.lv': 'name_lv',
  'name.bg': 'name_bg',
  'weight.grams': 'weight_grams',
  'weight.toleranceGrams': 'weight_tolerance_grams',
};

const booleanWords: Record<string, boolean> = { '0': false, '1': true, no: false, yes: true, false: false, true: true };

/** The delimiter the header line uses most: `;` from spreadsheets set to a European locale, `,` otherwise, or tab. */
export function detectDelimiter(file: string): CsvDelimiter {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const header = buffer.subarray(0, read).toString('utf8').split(/\r?\n/u, 1)[0] ?? '';
    const counts = ([',', ';', '\t'] as const).map((delimiter) => ({ delimiter, count: header.split(delimiter).length - 1 }));
    counts.sort((a, b) => b.count - a.count);
    return counts[0] && counts[0].count > 0 ? counts[0].delimiter : ',';
  } finally {
    closeSync(fd);
  }
}

/**
 * CR LF → LF before parsing: csv-parse counts a CR LF inside a quoted field as two lines, which
 * would put every later error on the wrong line. A CR at the end of a chunk waits for the next one.
 */
function crlfToLf(): Transform {
  let pendingCr = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let text = (pendingCr ? '\r' : '') + chunk.toString('latin1');
      pendingCr = text.endsWith('\r');
      if (pendingCr) text = text.slice(0, -1);
      // latin1 keeps bytes as they are, so a UTF-8 sequence split across chunks survives.
      done(null, Buffer.from(text.replace(/\r\n/gu, '\n'), 'latin1'));
    },
    flush(done) {
      done(null, pendingCr ? Buffer.from('\r', 'latin1') : null);
    },
  });
}

/**
 * Reads a CSV catalogue as a stream (a million rows never sit in memory as text), checking every
 * row; the items come back with their line numbers for the cross-checks that follow.
 */
export async function readCsvCatalog(file: string, options: CsvReadOptions): Promise<ParsedCatalogFile> {
  const errors = new ProblemList();
  const warnings = new ProblemList();
  const entities: LocatedEntity[] = [];
  const result: ParsedCatalogFile = { format: 'csv', entities, kinds: ['item'], errors, warnings };
  const delimiter = options.delimiter ?? detectDelimiter(file);
  const parser = createReadStream(file)
    .pipe(crlfToLf())
    .pipe(parse({ bom: true, delimiter, info: true, relax_column_count: true, skip_empty_lines: true }));
  let header: (CsvColumn | undefined)[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // `lines` is where the record ends; a quoted line break puts its start earlier.
      const line = info.lines - record.reduce((breaks, value) => breaks + (value.match(/\n/gu)?.length ?? 0), 0);
      if (!header) {
        header = readHeader(record, line, errors);
        if (errors.count > 0) return result;
        continue;
      }
      const item = readRow(record, header, line, options, errors, warnings);
      if (item) entities.push({ entity: item, line });
    }
  } catch (error) {
    const where = error && typeof error === 'object' && 'lines' in error && typeof error.lines === 'number' ? { line: error.lines } : {};
    errors.add({ ...where, message: `not readable as CSV: ${error instanceof Error ? error.message : String(error)}` });
    return result;
  }
  if (!header) errors.add({ line: 1, message: `the file is empty: it needs a header line naming the columns (${requiredCsvColumns.join(', ')}, …)` });
  return result;
}

function readHeader(record: readonly string[], line: number, errors: ProblemList): (CsvColumn | undefined)[] {
  const names = record.map((name) => name.trim().toLowerCase());
  const seen = new Set<string>();
  const header = names.map((name, index) => {
    if (!(csvColumns as readonly string[]).includes(name)) {
      errors.add({ line, field: record[index], message: `unknown column "${record[index] ?? ''}" (the columns are ${csvColumns.join(', ')})` });
      return undefined;
    }
    if (seen.has(name)) errors.add({ line, field: name, message: `the column "${name}" is there twice` });
    seen.add(name);
    return name as CsvColumn;
  });
  const missing = requiredCsvColumns.filter((column) => !seen.has(column));
  if (missing.length > 0) errors.add({ line, message: `missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}` });
  return header;
}

function readRow(
  record: readonly string[],
  header: readonly (CsvColumn | undefined)[],
  line: number,
  options: CsvReadOptions,
  errors: ProblemList,
  warnings: ProblemList,
): LiveEntity | undefined {
  if (record.every((value) => value.trim() === '')) return undefined; // a spreadsheet's ";;;;" line
  if (record.length !== header.length) {
    errors.add({ line, message: `this row has ${record.length} fields; the header has ${header.length}` });
    return undefined;
  }
  const errorsBefore = errors.count;
  const fail = (field: CsvColumn, message: string): undefined => {
    errors.add({ line, field, message });
    return undefined;
  };
  const cells = new Map<CsvColumn, string>();
  header.forEach((column, index) => {
    const value = record[index] ?? '';
    if (column === undefined) return;
    if (value.includes('\n')) fail(column, 'a line break inside a field (is a quote not closed?)');
    cells.set(column, value.trim());
  });
  const cell = (column: CsvColumn) => cells.get(column) ?? '';
  const wholeNumber = (column: CsvColumn): number | undefined => {
    const text = cell(column);
    if (text === '') return undefined;
    if (!/^\d{1,9}$/u.test(text)) return fail(column, `"${text}": a whole number is required`);
    return Number(text);
  };

  const gtin = cell('gtin');
  if (gtin === '') fail('gtin', 'a GTIN is required');
  else if (!/^(\d{8}|\d{12,14})$/u.test(gtin)) fail('gtin', `"${gtin}": a GTIN has 8, 12, 13 or 14 digits`);
  else if (!isValidGtin(gtin)) fail('gtin', `"${gtin}": the check digit is wrong`);

  const price = parseDecimalPrice(cell('price'), options.currency);
  if (!price.ok) fail('price', price.message);

  const soldBy = cell('sold_by').toLowerCase();
  if (soldBy !== 'unit' && soldBy !== 'weight') fail('sold_by', `"${cell('sold_by')}": unit or weight`);

  const measureWord = cell('variable_measure').toLowerCase();
  const variableMeasure = measureWord === '' ? false : booleanWords[measureWord];
  if (variableMeasure === undefined) fail('variable_measure', `"${cell('variable_measure')}": 0/1, yes/no or true/false`);

  const ageLimit = wholeNumber('age_limit');
  const grams = wholeNumber('weight_grams');
  const toleranceGrams = wholeNumber('weight_tolerance_grams');
  if (cell('weight_grams') !== '' && cell('weight_tolerance_grams') === '') fail('weight_tolerance_grams', 'needed with weight_grams');
  if (cell('weight_grams') === '' && cell('weight_tolerance_grams') !== '') fail('weight_grams', 'needed with weight_tolerance_grams');
  if (cell('name_en') === '') fail('name_en', 'an English name is required (every screen falls back to it)');
  if (cell('vat_class') === '') fail('vat_class', 'a VAT class is required');

  let scheduled: { from: number; priceMinor: number } | undefined;
  const nextPriceText = cell('next_price');
  const nextFromText = cell('next_price_from');
  if (nextPriceText !== '' || nextFromText !== '') {
    if (nextPriceText === '') fail('next_price', 'needed with next_price_from');
    if (nextFromText === '') fail('next_price_from', 'needed with next_price');
    const nextPrice = nextPriceText === '' ? undefined : parseDecimalPrice(nextPriceText, options.currency);
    if (nextPrice && !nextPrice.ok) fail('next_price', nextPrice.message);
    const from = nextFromText === '' ? undefined : parseImportInstant(nextFromText, options.timeZone);
    if (from && !from.ok) fail('next_price_from', from.message);
    if (nextPrice?.ok && from?.ok) {
      scheduled = { from: from.epochMs, priceMinor: nextPrice.minor };
      if (options.now !== undefined && from.epochMs <= options.now) warnings.add({ line, field: 'next_price_from', message: `"${nextFromText}" has passed: lanes sell at next_price already` });
    }
  }
  if (errors.count > errorsBefore || !price.ok) return undefined;

  const name: Record<string, string> = { en: cell('name_en') };
  for (const language of ['ru', 'lv', 'bg'] as const) {
    const text = cell(`name_${language}`);
    if (text !== '') name[language] = text;
  }
  const value = {
    gtin,
    ...(cell('plu') !== '' ? { plu: cell('plu') } : {}),
    name,
    priceMinor: price.minor,
    ...(scheduled ? { scheduledPrices: [scheduled] } : {}),
    soldBy,
    variableMeasure,
    vatClass: cell('vat_class'),
    ...(ageLimit !== undefined ? { ageLimit } : {}),
    ...(grams !== undefined && toleranceGrams !== undefined ? { weight: { grams, toleranceGrams } } : {}),
  };
  // The same schema the store server and the lanes use has the last word (lengths, ranges, PLU form).
  const parsed = parseEntityValue('item', value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.');
      const column = columnOfField[path] ?? columnOfField[String(issue.path[0])];
      const problem: ImportProblem = { line, ...(column ? { field: column } : {}), message: column ? `"${cell(column)}": ${issue.message}` : `${path}: ${issue.message}` };
      errors.add(problem);
    }
    return undefined;
  }
  const item = parsed.data as Extract<LiveEntity, { kind: 'item' }>['value'];
  return { kind: 'item', key: item.gtin, value: item };
}
