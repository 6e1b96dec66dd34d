import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';
import { minorToDecimalString } from '../../../shared/money';
import { catalogEntityKinds, type CatalogEntityKind, type CatalogEntityValue } from '../../../shared/store/catalogEntities';
import type { StoreBackend } from '../../store/storeBackend';
import { csvColumns, type CsvColumn, type CsvDelimiter } from './csvCatalog';
import { ImportSetupError } from './importCatalog';
import { sectionOfKind } from './jsonCatalog';
import type { CatalogFileFormat } from './parsedCatalog';

export interface ExportResult {
  readonly version: number;
  readonly written: Readonly<Record<CatalogEntityKind, number>>;
}

/** Collects small writes into large ones and waits when the output is full, so a million lines keep memory flat. */
class BufferedOutput {
  #pending = '';

  constructor(readonly output: NodeJS.WritableStream) {}

  async write(text: string): Promise<void> {
    this.#pending += text;
    if (this.#pending.length >= 64 * 1024) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#pending === '') return;
    const chunk = this.#pending;
    this.#pending = '';
    if (!this.output.write(chunk)) await once(this.output, 'drain');
  }
}

type Item = CatalogEntityValue<'item'>;

/** GTIN-14 as printed under a barcode: a 13-digit code without its padding zero (what spreadsheets keep anyway). */
function printedGtin(gtin: string): string {
  return gtin.startsWith('0') ? gtin.slice(1) : gtin;
}

function csvRow(item: Item, currency: string): Record<CsvColumn, string> {
  const next = item.scheduledPrices?.[0];
  return {
    gtin: printedGtin(item.gtin),
    plu: item.plu ?? '',
    name_en: item.name.en,
    name_ru: item.name.ru ?? '',
    name_lv: item.name.lv ?? '',
    name_bg: item.name.bg ?? '',
    price: minorToDecimalString(item.priceMinor, currency),
    sold_by: item.soldBy,
    vat_class: item.vatClass,
    age_limit: item.ageLimit === undefined ? '' : String(item.ageLimit),
    variable_measure: item.variableMeasure ? 'yes' : 'no',
    weight_grams: item.weight ? String(item.weight.grams) : '',
    weight_tolerance_grams: item.weight ? String(item.weight.toleranceGrams) : '',
    next_price: next ? minorToDecimalString(next.priceMinor, currency) : '',
    next_price_from: next ? new Date(next.from).toISOString() : '',
  };
}

/**
 * `lanewise catalog export`: the store's catalogue in the import formats, so that importing the
 * export changes nothing. JSON holds everything (every section, even empty, so importing it with
 * `--replace` restores exactly this catalogue); CSV holds the items only, and refuses an item
 * with more than one scheduled price, which a CSV row cannot carry.
 */
export async function exportCatalog(backend: StoreBackend, format: CatalogFileFormat, output: NodeJS.WritableStream, options: { delimiter?: CsvDelimiter } = {}): Promise<ExportResult> {
  const written = Object.fromEntries(catalogEntityKinds.map((kind) => [kind, 0])) as Record<CatalogEntityKind, number>;
  const out = new BufferedOutput(output);
  if (format === 'csv') {
    // A first pass finds the currency and anything CSV cannot hold, before a line is written.
    let currency: string | undefined;
    const unfit: string[] = [];
    for await (const entity of (await backend.snapshot()).entities()) {
      if (entity.kind === 'settings' && entity.value) currency = (entity.value as CatalogEntityValue<'settings'>).currency;
      if (entity.kind === 'item' && ((entity.value as Item | null)?.scheduledPrices?.length ?? 0) > 1) unfit.push(entity.key);
    }
    if (currency === undefined) throw new ImportSetupError('the store has no settings (no currency) to write prices in: export as JSON');
    if (unfit.length > 0) throw new ImportSetupError(`${unfit.length} item(s) have more than one scheduled price, which CSV cannot hold (${unfit.slice(0, 5).join(', ')}): export as JSON`);
    const delimiter = options.delimiter ?? ',';
    const snapshot = await backend.snapshot();
    await out.write(stringify([[...csvColumns]], { delimiter }));
    for await (const entity of snapshot.entities()) {
      if (entity.kind !== 'item' || entity.value === null) continue;
      const row = csvRow(entity.value as Item, currency);
      await out.write(stringify([csvColumns.map((column) => row[column])], { delimiter }));
      written.item++;
    }
    await out.flush();
    return { version: snapshot.version, written };
  }

  // JSON: items stream out as they come; the other kinds are few and wait for the end.
  const snapshot = await backend.snapshot();
  const others = new Map<CatalogEntityKind, unknown[]>(catalogEntityKinds.filter((kind) => kind !== 'item').map((kind) => [kind, []]));
  await out.write('{\n  "items": [');
  for await (const entity of snapshot.entities()) {
    if (entity.value === null) continue;
    written[entity.kind]++;
    if (entity.kind !== 'item') others.get(entity.kind)?.push(entity.value);
    else await out.write(`${written.item > 1 ? ',' : ''}\n    ${JSON.stringify(entity.value)}`);
  }
  await out.write(written.item > 0 ? '\n  ]' : ']');
  for (const [kind, values] of others) {
    if (kind === 'settings') {
      if (values[0] !== undefined) await out.write(`,\n  "settings": ${JSON.stringify(values[0])}`);
      continue;
    }
    const lines = values.map((value) => `\n    ${JSON.stringify(value)}`).join(',');
    await out.write(`,\n  ${JSON.stringify(sectionOfKind[kind])}: [${lines}${values.length > 0 ? '\n  ' : ''}]`);
  }
  await out.write('\n}\n');
  await out.flush();
  return { version: snapshot.version, written };
}
