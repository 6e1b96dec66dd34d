import type { Command } from 'commander';
import { decodeBarcode, getRestrictedTemplate, parseScannerText, type BarcodeDecodeResult } from '../../shared/barcode';
import { demoSettings } from '../catalog/demoCatalog';

/** What `barcode decode --json` prints: one object, stable field names for scripts. */
export interface DecodeReport {
  readonly ok: boolean;
  readonly symbology?: string | undefined;
  readonly aim?: string | undefined;
  readonly gtin?: string | undefined;
  readonly lookupGtin?: string | undefined;
  readonly priceMinor?: number | undefined;
  readonly weightGrams?: number | undefined;
  readonly restricted?: { readonly template: string; readonly itemReference: string } | undefined;
  readonly reason?: string | undefined;
  readonly detail?: string | undefined;
}

export function decodeReport(result: BarcodeDecodeResult): DecodeReport {
  if (!result.ok) return { ok: false, symbology: result.error.symbology, reason: result.error.reason, detail: result.error.detail };
  const barcode = result.value;
  return {
    ok: true,
    symbology: barcode.symbology,
    aim: barcode.aim,
    gtin: barcode.gtin,
    lookupGtin: barcode.lookupGtin,
    priceMinor: barcode.priceMinor,
    weightGrams: barcode.weightGrams,
    restricted: barcode.restricted,
  };
}

export function registerBarcodeCommands(program: Command, setExitCode: (code: number) => void): void {
  const barcode = program.command('barcode').description('barcodes as the lane reads them');
  barcode
    .command('decode')
    .description('show what the lane would make of a scan; exit status 0 when accepted, 1 when rejected')
    .argument('<data>', 'scanner data, optionally with an AIM identifier (]E0, ]C1, ]Q3 …); \\x1d or <GS> stands for the GS separator')
    .option('--json', 'print one JSON object')
    .option('--template <name>', 'restricted-circulation (in-store) template: sweden, germany or none', demoSettings.restrictedTemplate ?? 'none')
    .option('--currency <code>', 'ISO 4217 currency for embedded prices', demoSettings.currency)
    .action((data: string, options: { json?: boolean; template: string; currency: string }) => {
      const template = options.template === 'none' ? null : getRestrictedTemplate(options.template);
      if (template === undefined) throw new Error(`unknown template "${options.template}" (sweden, germany or none)`);
      const report = decodeReport(decodeBarcode(parseScannerText(data), { currency: options.currency.toUpperCase(), restrictedTemplate: template }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } else if (report.ok) {
        const extras = [
          report.aim && `AIM ${report.aim}`,
          report.restricted && `in-store ${report.restricted.template} item ${report.restricted.itemReference}`,
          report.priceMinor !== undefined && `price ${report.priceMinor} minor units`,
          report.weightGrams !== undefined && `weight ${report.weightGrams} g`,
          report.lookupGtin !== report.gtin && `catalogue key ${report.lookupGtin}`,
        ].filter(Boolean);
        process.stdout.write(`accepted: ${report.symbology} GTIN ${report.gtin}${extras.length ? ` (${extras.join(', ')})` : ''}\n`);
      } else {
        process.stdout.write(`rejected: ${report.reason}: ${report.detail}\n`);
      }
      setExitCode(report.ok ? 0 : 1);
    });
}
