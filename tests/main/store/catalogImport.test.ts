import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { gtinCheckDigit } from '../../../shared/barcode';
import type { CatalogEntity } from '../../../shared/store/catalogEntities';
import { registerCatalogImportCommand } from '../../../main/cli/catalogImportCommand';
import { parseDecimalPrice } from '../../../main/store/catalogImport/decimalPrice';
import { exportCatalog } from '../../../main/store/catalogImport/exportCatalog';
import { checkCatalogFile, importCatalog, ImportSetupError, type ImportReport } from '../../../main/store/catalogImport/importCatalog';
import { localMidnight, parseImportInstant } from '../../../main/store/catalogImport/importTime';
import { openSqliteStoreBackend } from '../../../main/store/sqlite/sqliteBackend';
import { makeTempDir } from '../helpers/tempDir';
import { FakeStoreBackend } from './fakeStoreBackend';

const fixtures = fileURLToPath(new URL('../../fixtures/catalog/', import.meta.url));
const fixture = (name: string) => join(fixtures, name);
/** Before every scheduled price in the fixtures, so none is "already past". */
const now = Date.UTC(2026, 10, 1);
const options = { timeZone: 'Europe/Riga', now };

const storeBasics: CatalogEntity[] = [
  { kind: 'settings', key: 'store', value: { currency: 'EUR', restrictedTemplate: 'sweden' } },
  { kind: 'vatClass', key: 'A', value: { code: 'A', rateBp: 2100, label: 'PVN 21%' } },
  { kind: 'vatClass', key: 'B', value: { code: 'B', rateBp: 1200, label: 'PVN 12%' } },
  { kind: 'vatClass', key: 'C', value: { code: 'C', rateBp: 500, label: 'PVN 5%' } },
];

function refused(report: ImportReport) {
  if (report.ok) throw new Error(`expected the file to be refused, got ${JSON.stringify(report)}`);
  return report;
}

function accepted(report: ImportReport) {
  if (!report.ok) throw new Error(`expected the file to be imported, got ${JSON.stringify(report.errors)}`);
  return report;
}

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  dir = makeTempDir('lanewise-import-');
});
afterEach(() => dir.remove());

function writeTemp(name: string, text: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
}

async function exported(backend: FakeStoreBackend | ReturnType<typeof openSqliteStoreBackend>, format: 'csv' | 'json', name: string): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportCatalog(backend, format, out);
  const path = join(dir.path, name);
  writeFileSync(path, Buffer.concat(chunks));
  return path;
}

describe('decimal prices', () => {
  it.each([
    ['0', 0],
    ['0.5', 50],
    ['1.19', 119],
    ['12345.67', 1234567],
    ['3', 300],
    [' 1.10 ', 110],
    ['007.50', 750],
    ['90071992547409.91', 9007199254740991],
  ])('"%s" EUR is %i cents', (text, minor) => {
    expect(parseDecimalPrice(text, 'EUR')).toEqual({ ok: true, minor });
  });

  it.each([
    ['1.199', 'EUR has 2 decimals'],
    ['-1', 'cannot be negative'],
    ['1e3', 'digits with an optional decimal point'],
    ['1,19', 'not a comma'],
    ['1 000.00', 'digits with an optional decimal point'],
    ['€1.19', 'digits with an optional decimal point'],
    ['.5', 'digits with an optional decimal point'],
    ['1.', 'digits with an optional decimal point'],
    ['', 'required'],
    ['90071992547409.92', 'too large'],
  ])('"%s" is refused (%s)', (text, message) => {
    const result = parseDecimalPrice(text, 'EUR');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(message);
  });

  it('follows the currency’s minor digits: JPY has none, BHD three', () => {
    expect(parseDecimalPrice('120', 'JPY')).toEqual({ ok: true, minor: 120 });
    expect(parseDecimalPrice('1.5', 'JPY').ok).toBe(false);
    expect(parseDecimalPrice('1.234', 'BHD')).toEqual({ ok: true, minor: 1234 });
  });
});

describe('scheduled price instants', () => {
  it('reads a date as midnight in the store’s time zone, across a clock change too', () => {
    expect(parseImportInstant('2027-01-01', 'Europe/Riga')).toEqual({ ok: true, epochMs: Date.UTC(2026, 11, 31, 22) });
    expect(parseImportInstant('2027-07-01', 'Europe/Riga')).toEqual({ ok: true, epochMs: Date.UTC(2027, 5, 30, 21) });
    expect(parseImportInstant('2027-01-01', 'UTC')).toEqual({ ok: true, epochMs: Date.UTC(2027, 0, 1) });
    // Midnight does not exist in Santiago on the day clocks go forward: the day starts at 01:00.
    expect(localMidnight(2026, 9, 6, 'America/Santiago')).toBe(Date.UTC(2026, 8, 6, 4));
  });

  it('takes an instant with an offset or Z as it is, and refuses one without', () => {
    expect(parseImportInstant('2027-02-01T06:00:00+02:00', 'UTC')).toEqual({ ok: true, epochMs: Date.UTC(2027, 1, 1, 4) });
    expect(parseImportInstant('2027-02-01T04:00Z', 'Europe/Riga')).toEqual({ ok: true, epochMs: Date.UTC(2027, 1, 1, 4) });
    expect(parseImportInstant('2027-02-01T06:00', 'Europe/Riga')).toMatchObject({ ok: false, message: expect.stringContaining('no UTC offset') });
    expect(parseImportInstant('2027-02-30', 'Europe/Riga')).toMatchObject({ ok: false });
    expect(parseImportInstant('01.02.2027', 'Europe/Riga')).toMatchObject({ ok: false });
  });
});

describe('CSV import', () => {
  it('imports every row as one batch, with prices in cents, schedules and weights', async () => {
    const backend = new FakeStoreBackend(storeBasics);
    const report = accepted(await importCatalog(backend, fixture('items.csv'), options));
    expect(report).toMatchObject({ dryRun: false, format: 'csv', added: 8, updated: 0, deleted: 0, changed: 8, version: 2 });
    expect(report.checked.item).toBe(8);
    expect(backend.applied).toHaveLength(1);
    expect(backend.applied[0]?.options).toEqual({ source: 'import items.csv' });
    expect(backend.value('item', '04750001000016')).toEqual({
      gtin: '04750001000016',
      name: { en: 'Milk 2.5% 1 L', ru: 'Молоко 2,5% 1 л', lv: 'Piens 2,5% 1 l', bg: 'Прясно мляко 2,5% 1 л' },
      priceMinor: 119,
      scheduledPrices: [{ from: Date.UTC(2026, 11, 31, 22), priceMinor: 99 }],
      soldBy: 'unit',
      variableMeasure: false,
      vatClass: 'B',
      weight: { grams: 1040, toleranceGrams: 30 },
    });
    expect(backend.value('item', '02900000040113')).toMatchObject({ plu: '4011', soldBy: 'weight', scheduledPrices: [{ from: Date.UTC(2027, 1, 1, 4), priceMinor: 129 }] });
    expect(backend.value('item', '04750001000085')).toMatchObject({ variableMeasure: true, priceMinor: 1190 });
    expect(backend.value('item', '00000040063812')).toMatchObject({ priceMinor: 50 });
    expect(backend.value('item', '04750001000092')).toMatchObject({ priceMinor: 0 });
    expect(backend.value('item', '04750001000108')).toMatchObject({ priceMinor: 1234567 });
    expect(backend.value('item', '04750001000047')).toMatchObject({ ageLimit: 18 });
  });

  it('changes nothing when the same file comes again', async () => {
    const backend = new FakeStoreBackend(storeBasics);
    accepted(await importCatalog(backend, fixture('items.csv'), options));
    const again = accepted(await importCatalog(backend, fixture('items.csv'), options));
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 8, deleted: 0, changed: 0, version: 2 });
  });

  it('reads semicolons, a BOM, CR LF, empty lines and header names in any case', async () => {
    const backend = new FakeStoreBackend(storeBasics);
    const report = accepted(await importCatalog(backend, fixture('items-semicolon.csv'), options));
    expect(report.checked.item).toBe(3);
    expect(backend.value('item', '04750001000016')).toMatchObject({ name: { en: 'Milk, 1 L' }, priceMinor: 119 });
    expect(backend.value('item', '02900000040113')).toMatchObject({ name: { en: 'Bananas; loose' }, plu: '4011' });
    expect(backend.value('item', '04750001000023')).toMatchObject({ soldBy: 'unit' });
  });

  it('reports every bad row by line and column, and applies nothing', async () => {
    const backend = new FakeStoreBackend(storeBasics);
    const report = refused(await importCatalog(backend, fixture('bad-rows.csv'), options));
    expect(backend.applied).toHaveLength(0);
    expect(report.errors.map((error) => [error.line, error.field])).toEqual([
      [2, 'price'],
      [3, 'price'],
      [4, 'price'],
      [5, 'price'],
      [6, 'gtin'],
      [7, 'sold_by'],
      [8, 'variable_measure'],
      [9, 'vat_class'],
      [11, 'gtin'],
      [13, 'plu'],
      [14, 'next_price_from'],
      [15, undefined],
      [16, 'name_en'],
      [17, 'age_limit'],
      [18, 'plu'],
      [19, 'name_en'],
    ]);
    const message = (line: number) => report.errors.find((error) => error.line === line)?.message;
    expect(message(2)).toContain('not a comma');
    expect(message(3)).toContain('EUR has 2 decimals');
    expect(message(4)).toContain('negative');
    expect(message(5)).toContain('digits with an optional decimal point');
    expect(message(6)).toContain('check digit');
    expect(message(9)).toBe('VAT class "Z" is neither in this file nor in the store');
    expect(message(11)).toBe('GTIN 04750001000061 is there twice: also at line 10');
    expect(message(13)).toBe('PLU 4011 is also on line 12 (GTIN 02900000040113)');
    expect(message(14)).toContain('no UTC offset');
    expect(message(15)).toBe('this row has 4 fields; the header has 10');
    expect(message(17)).toContain('150');
  });

  it('refuses unknown, doubled and missing columns before reading any row', async () => {
    const file = writeTemp('typo.csv', 'gtin,name_en,prise,vat_class,vat_class\n4750001000016,Milk,1.19,B,B\n');
    const report = refused(await importCatalog(new FakeStoreBackend(storeBasics), file, options));
    expect(report.errors).toEqual([
      { line: 1, field: 'prise', message: expect.stringContaining('unknown column "prise"') },
      { line: 1, field: 'vat_class', message: 'the column "vat_class" is there twice' },
      { line: 1, message: 'missing required columns: price, sold_by' },
    ]);
  });

  it('says where CSV quoting breaks, and refuses an empty file', async () => {
    const broken = writeTemp('broken.csv', 'gtin,name_en,price,sold_by,vat_class\n4750001000016,"Milk,1.19,unit,B\n');
    expect(refused(await importCatalog(new FakeStoreBackend(storeBasics), broken, options)).errors[0]).toMatchObject({ message: expect.stringContaining('not readable as CSV') });
    const empty = writeTemp('empty.csv', '');
    expect(refused(await importCatalog(new FakeStoreBackend(storeBasics), empty, options)).errors[0]?.message).toContain('the file is empty');
  });

  it('lists 100 errors and counts the rest', async () => {
    const rows = Array.from({ length: 250 }, (_, index) => {
      const body = String(475000200000 + index);
      return `${body}${gtinCheckDigit(body)},Item ${index},1.999,unit,A`;
    });
    const file = writeTemp('many.csv', ['gtin,name_en,price,sold_by,vat_class', ...rows].join('\n'));
    const report = refused(await importCatalog(new FakeStoreBackend(storeBasics), file, options));
    expect(report.errors).toHaveLength(100);
    expect(report.moreErrors).toBe(150);
  });

  it('--replace deletes the items the file lacks; without it they stay', async () => {
    const extra: CatalogEntity = { kind: 'item', key: '04750001000115', value: { gtin: '04750001000115', name: { en: 'Old item' }, priceMinor: 100, soldBy: 'unit', variableMeasure: false, vatClass: 'A' } };
    const kept = new FakeStoreBackend([...storeBasics, extra]);
    expect(accepted(await importCatalog(kept, fixture('items.csv'), options))).toMatchObject({ added: 8, deleted: 0, changed: 8 });
    expect(kept.value('item', extra.key)).not.toBeNull();

    const replaced = new FakeStoreBackend([...storeBasics, extra]);
    const dryRun = accepted(await importCatalog(replaced, fixture('items.csv'), { ...options, replace: true, dryRun: true }));
    expect(dryRun).toMatchObject({ dryRun: true, added: 8, deleted: 1, changed: 9, version: 1 });
    expect(replaced.applied).toHaveLength(0);

    const report = accepted(await importCatalog(replaced, fixture('items.csv'), { ...options, replace: true }));
    expect(report).toMatchObject({ added: 8, deleted: 1, changed: 9, version: 2 });
    expect(replaced.applied[0]?.options?.replaceKinds).toEqual(['item']);
    expect(replaced.value('item', extra.key)).toBeNull();
    // VAT classes and settings are not items: untouched.
    expect(replaced.value('vatClass', 'A')).not.toBeNull();
  });

  it('refuses a PLU another store item keeps', async () => {
    const bananas: CatalogEntity = { kind: 'item', key: '02900000000011', value: { gtin: '02900000000011', plu: '4011', name: { en: 'Bananas (old key)' }, priceMinor: 139, soldBy: 'weight', variableMeasure: false, vatClass: 'C' } };
    const report = refused(await importCatalog(new FakeStoreBackend([...storeBasics, bananas]), fixture('items.csv'), options));
    expect(report.errors).toEqual([{ line: 5, field: 'plu', message: "PLU 4011 belongs to the store's item 02900000000011, which is not in this file" }]);
  });

  it('needs a currency: the store’s, or --currency for a new store, never a different one', async () => {
    await expect(importCatalog(new FakeStoreBackend(storeBasics.slice(1)), fixture('items.csv'), options)).rejects.toThrow(ImportSetupError);
    const fresh = new FakeStoreBackend(storeBasics.slice(1));
    expect(accepted(await importCatalog(fresh, fixture('items.csv'), { ...options, currency: 'EUR' })).added).toBe(8);
    await expect(importCatalog(new FakeStoreBackend(storeBasics), fixture('items.csv'), { ...options, currency: 'USD' })).rejects.toThrow('not USD');
  });

  it('warns about a next price already past', async () => {
    const report = accepted(await importCatalog(new FakeStoreBackend(storeBasics), fixture('items.csv'), { ...options, now: Date.UTC(2027, 0, 15), dryRun: true }));
    expect(report.warnings).toEqual([{ line: 2, field: 'next_price_from', message: '"2027-01-01" has passed: lanes sell at next_price already' }]);
  });
});

describe('JSON import', () => {
  it('imports every section as one batch; offers naming unknown items are warnings', async () => {
    const backend = new FakeStoreBackend();
    const report = accepted(await importCatalog(backend, fixture('catalog.json'), { ...options, replace: true }));
    expect(report.checked).toEqual({ settings: 1, vatClass: 3, item: 4, promotion: 2, coupon: 1, assistant: 1 });
    expect(report).toMatchObject({ added: 12, changed: 12, version: 1 });
    expect(report.warnings).toEqual([
      { line: 17, path: 'promotions[1].gtins', field: 'gtins', message: 'names items neither in this file nor in the store: 04750001000023, 04750001000092 (it applies once they exist)' },
    ]);
    expect(backend.applied[0]?.options?.replaceKinds).toEqual(['settings', 'vatClass', 'item', 'promotion', 'coupon', 'assistant']);
    expect(backend.value('item', '04750001000061')).toMatchObject({ gtin: '04750001000061', priceMinor: 229 });
    expect(backend.value('assistant', '1001')).toMatchObject({ pinHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==' });

    const again = accepted(await importCatalog(backend, fixture('catalog.json'), { ...options, replace: true }));
    expect(again).toMatchObject({ changed: 0, unchanged: 12, version: 1 });
  });

  it('points at JSON paths and lines, and applies nothing', async () => {
    const backend = new FakeStoreBackend(storeBasics);
    const report = refused(await importCatalog(backend, fixture('bad.json'), options));
    expect(backend.applied).toHaveLength(0);
    expect(report.errors.map((error) => [error.line, error.path])).toEqual([
      [7, 'items[1].priceMinor'],
      [8, 'items[2].agelimit'],
      [9, 'items[3].gtin'],
      [10, 'items[4].vatClass'],
      [13, 'promotions[0].rule.kind'],
      [15, 'coupon'],
    ]);
    expect(report.errors[1]?.message).toBe('unknown field');
    expect(report.errors[2]?.message).toBe('GTIN 04750001000016 is there twice: also at items[0] (line 6)');
    // The file's VAT classes replace nothing without --replace, so the store's Q-less set stands.
    expect(report.errors[3]?.message).toBe('VAT class "Q" is neither in this file nor in the store');
  });

  it('says where the JSON syntax breaks', async () => {
    const file = writeTemp('broken.json', '{\n  "items": [\n    { "gtin": "4750001000016", }\n  ]\n}\n');
    const report = refused(await importCatalog(new FakeStoreBackend(storeBasics), file, options));
    expect(report.errors[0]).toMatchObject({ line: 3, message: expect.stringContaining('not valid JSON') });
  });

  it('refuses replacing VAT classes that items the file leaves in the store still use', async () => {
    const file = writeTemp('vat.json', JSON.stringify({ vatClasses: [{ code: 'A', rateBp: 2100, label: 'PVN 21%' }] }));
    const bread: CatalogEntity = { kind: 'item', key: '04750001000023', value: { gtin: '04750001000023', name: { en: 'Bread' }, priceMinor: 189, soldBy: 'unit', variableMeasure: false, vatClass: 'B' } };
    const report = refused(await importCatalog(new FakeStoreBackend([...storeBasics, bread]), file, { ...options, replace: true }));
    expect(report.errors).toEqual([{ message: 'replacing the VAT classes would delete "B", which the store\'s item 04750001000023 (not in this file) still uses' }]);
  });

  it('cannot run without knowing the format, or without the file', async () => {
    const odd = writeTemp('catalog.xlsx', 'x');
    await expect(importCatalog(new FakeStoreBackend(storeBasics), odd, options)).rejects.toThrow(ImportSetupError);
    await expect(importCatalog(new FakeStoreBackend(storeBasics), join(dir.path, 'missing.csv'), options)).rejects.toThrow(ImportSetupError);
  });
});

describe('export', () => {
  it('round-trips through JSON and CSV with no changes', async () => {
    const backend = new FakeStoreBackend();
    accepted(await importCatalog(backend, fixture('catalog.json'), options));
    // The JSON milk has two scheduled prices, which CSV cannot carry.
    await expect(exported(backend, 'csv', 'refused.csv')).rejects.toThrow('more than one scheduled price');
    accepted(await importCatalog(backend, fixture('items.csv'), options));
    const json = await exported(backend, 'json', 'export.json');
    expect(accepted(await importCatalog(backend, json, { ...options, replace: true }))).toMatchObject({ changed: 0, added: 0, deleted: 0 });

    const csv = await exported(backend, 'csv', 'export.csv');
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe('gtin,plu,name_en,name_ru,name_lv,name_bg,price,sold_by,vat_class,age_limit,variable_measure,weight_grams,weight_tolerance_grams,next_price,next_price_from');
    expect(accepted(await importCatalog(backend, csv, { ...options, replace: true }))).toMatchObject({ changed: 0, added: 0, deleted: 0, unchanged: 9 });

    // Into a new store, the JSON export makes the same catalogue.
    const copy = new FakeStoreBackend();
    accepted(await importCatalog(copy, json, options));
    const entities = (store: FakeStoreBackend) => store.live().map(({ kind, key, value }) => ({ kind, key, value }));
    expect(entities(copy)).toEqual(entities(backend));
  });
});

describe('against the SQLite store backend', () => {
  it('imports, re-imports with no new version, refuses without a trace, and exports what it holds', async () => {
    const backend = openSqliteStoreBackend(join(dir.path, 'store.sqlite'));
    try {
      await backend.applyCatalogChanges(storeBasics);
      const first = accepted(await importCatalog(backend, fixture('items.csv'), options));
      expect(first).toMatchObject({ added: 8, changed: 8, version: 2 });
      expect(accepted(await importCatalog(backend, fixture('items.csv'), options))).toMatchObject({ changed: 0, version: 2 });
      refused(await importCatalog(backend, fixture('bad-rows.csv'), options));
      expect(await backend.catalogVersion()).toBe(2);
      const replaced = accepted(await importCatalog(backend, fixture('items-semicolon.csv'), { ...options, replace: true }));
      expect(replaced).toMatchObject({ added: 0, updated: 3, deleted: 5, changed: 8, version: 3 });

      const json = await exported(backend, 'json', 'sqlite-export.json');
      expect(accepted(await importCatalog(backend, json, { ...options, replace: true }))).toMatchObject({ changed: 0, version: 3 });
      const csv = await exported(backend, 'csv', 'sqlite-export.csv');
      expect(accepted(await importCatalog(backend, csv, { ...options, replace: true }))).toMatchObject({ changed: 0, unchanged: 3, version: 3 });
    } finally {
      await backend.close();
    }
  });

  it('`lanewise catalog import` prints the summary or the errors with exit status 0, 1 or 2', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const run = async (args: string[]) => {
      let exitCode = -1;
      const program = new Command().exitOverride();
      registerCatalogImportCommand(program.command('catalog'), (code) => {
        exitCode = code;
      });
      write.mockClear();
      try {
        await program.parseAsync(['node', 'lanewise', 'catalog', ...args]);
      } catch (error) {
        return { exitCode: 2, stdout: '', error: error instanceof Error ? error.message : String(error) };
      }
      return { exitCode, stdout: write.mock.calls.map(([chunk]) => String(chunk)).join(''), error: '' };
    };
    try {
      const dataDir = dir.path;
      const seed = openSqliteStoreBackend(join(dataDir, 'store.sqlite'));
      await seed.applyCatalogChanges(storeBasics);
      await seed.close();
      const tz = ['--time-zone', 'Europe/Riga'];

      expect(await run(['import', fixture('items.csv'), '--data-dir', dataDir, '--dry-run', ...tz])).toMatchObject({
        exitCode: 0,
        stdout: '8 items checked; would be 8 added; dry run, nothing applied (catalogue version 1)\n',
      });
      expect(await run(['import', fixture('items.csv'), '--data-dir', dataDir, ...tz])).toMatchObject({ exitCode: 0, stdout: '8 items checked; 8 added; catalogue version 2\n' });
      expect(await run(['import', fixture('items.csv'), '--data-dir', dataDir, ...tz])).toMatchObject({ exitCode: 0, stdout: '8 items checked; nothing changed; catalogue version 2\n' });
      const bad = await run(['import', fixture('bad-rows.csv'), '--data-dir', dataDir, ...tz]);
      expect(bad.exitCode).toBe(1);
      expect(bad.stdout).toMatch(/^refused: 16 errors; nothing was imported\n {2}line 2, price: "1,19": write the decimals after a point/u);
      const json = await run(['import', fixture('bad-rows.csv'), '--data-dir', dataDir, '--json', ...tz]);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, errors: expect.arrayContaining([{ line: 9, field: 'vat_class', message: 'VAT class "Z" is neither in this file nor in the store' }]) });
      expect(await run(['import', fixture('items.csv'), '--data-dir', join(dataDir, 'typo'), ...tz])).toMatchObject({ exitCode: 2, error: expect.stringContaining('no store data folder') });
      expect(await run(['import', fixture('items.csv'), '--data-dir', dataDir, '--time-zone', 'Europe/Rgia'])).toMatchObject({ exitCode: 2, error: expect.stringContaining('unknown time zone') });
      const exportFile = join(dataDir, 'out.csv');
      expect(await run(['export', '--data-dir', dataDir, '--format', 'csv', '--output', exportFile])).toMatchObject({ exitCode: 0 });
      expect(readFileSync(exportFile, 'utf8').trim().split('\n')).toHaveLength(9);
    } finally {
      write.mockRestore();
    }
  });
});

describe('checkCatalogFile', () => {
  it('gives the entities without applying them', async () => {
    const backend = new FakeStoreBackend(storeBasics);
    const check = await checkCatalogFile(backend, fixture('items-semicolon.csv'), options);
    expect(check.ok && check.entities.map((entity) => entity.key)).toEqual(['04750001000016', '02900000040113', '04750001000023']);
    expect(backend.applied).toHaveLength(0);
  });
});
