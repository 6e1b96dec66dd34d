import { join } from 'node:path';
import type { Command } from 'commander';
import { decodeBarcode, getRestrictedTemplate, parseScannerText } from '../../shared/barcode';
import type { CatalogItem } from '../../shared/catalog/item';
import { formatMoney } from '../../shared/money';
import { CatalogStore } from '../catalog/catalogStore';
import { ensureDemoCatalog } from '../catalog/ensureDemoCatalog';
import { registerCatalogImportCommand } from './catalogImportCommand';
import { defaultDemoDataDir } from './paths';

/** One found item as `catalog find --json` prints it. */
export interface FoundItem {
  readonly gtin: string;
  readonly barcode: string;
  readonly plu: string | null;
  readonly name: CatalogItem['name'];
  readonly priceMinor: number;
  readonly currency: string;
  readonly soldBy: CatalogItem['soldBy'];
  readonly flags: string[];
  readonly vatClass: string;
  readonly vatRateBp: number;
}

function flagsOf(item: CatalogItem): string[] {
  return [
    item.soldBy === 'weight' && 'weighed',
    item.variableMeasure && 'variable-measure',
    item.ageLimit !== undefined && `age-${item.ageLimit}+`,
    item.plu !== undefined && `plu-${item.plu}`,
  ].filter((flag): flag is string => Boolean(flag));
}

/** GTIN-14 as printed under a barcode: without the padding zero for 13-digit codes. */
function displayBarcode(gtin: string): string {
  return gtin.startsWith('0') ? gtin.slice(1) : gtin;
}

export function registerCatalogCommands(program: Command, setExitCode: (code: number) => void): void {
  const catalog = program.command('catalog').description('the price catalogue: a lane’s copy (find), and the store server’s master (import, export)');
  registerCatalogImportCommand(catalog, setExitCode);
  catalog
    .command('find')
    .description('find items by barcode, PLU or name (any language); scanner data is decoded as the lane would')
    .argument('<query>', 'barcode, PLU or part of a name')
    .option('--db <path>', 'catalogue database', join(defaultDemoDataDir, 'catalog.sqlite'))
    .option('--json', 'print a JSON array')
    .option('--limit <n>', 'at most this many items', (value) => Number.parseInt(value, 10), 20)
    .action((query: string, options: { db: string; json?: boolean; limit: number }) => {
      if (options.db === join(defaultDemoDataDir, 'catalog.sqlite')) ensureDemoCatalog(options.db);
      const store = CatalogStore.open(options.db, { readonly: true });
      try {
        const settings = store.settings();
        const items = findItems(store, query, options.limit);
        const found: FoundItem[] = items.map((item) => ({
          gtin: item.gtin,
          barcode: displayBarcode(item.gtin),
          plu: item.plu ?? null,
          name: item.name,
          priceMinor: item.priceMinor,
          currency: settings.currency,
          soldBy: item.soldBy,
          flags: flagsOf(item),
          vatClass: item.vatClass,
          vatRateBp: item.vatRateBp,
        }));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(found)}\n`);
        } else if (found.length === 0) {
          process.stdout.write(`no items match "${query}"\n`);
        } else {
          for (const item of found) {
            const price = formatMoney(item.priceMinor, item.currency, 'en-GB') + (item.soldBy === 'weight' ? '/kg' : '');
            process.stdout.write(`${item.barcode.padEnd(14)} ${price.padStart(10)}  ${item.name.en}${item.flags.length ? `  [${item.flags.join(', ')}]` : ''}\n`);
          }
        }
        setExitCode(found.length > 0 ? 0 : 1);
      } finally {
        store.close();
      }
    });
}

/** A query that decodes as a barcode is looked up the way a scan would be (restricted labels included). */
function findItems(store: CatalogStore, query: string, limit: number): CatalogItem[] {
  const settings = store.settings();
  const template = settings.restrictedTemplate ? (getRestrictedTemplate(settings.restrictedTemplate) ?? null) : null;
  const decoded = decodeBarcode(parseScannerText(query), { currency: settings.currency, restrictedTemplate: template });
  if (decoded.ok) {
    const item = store.lookup(decoded.value.lookupGtin);
    if (item) return [item];
  }
  return store.find(query, limit);
}
