import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { showcase } from '../../../main/catalog/demoCatalog';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import type { DecodeReport } from '../../../main/cli/barcodeCommand';
import type { FoundItem } from '../../../main/cli/catalogCommand';
import { makeTempDir } from '../helpers/tempDir';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real `lanewise` command, as store IT runs it. Each spawn starts tsx: about a second. */
function lanewise(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/lanewise.mjs', ...args], { cwd: repoRoot, timeout: 15_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

const json = <T>(run: Run): T => JSON.parse(run.stdout) as T;

// Several CLI spawns per test run side by side; give them room on a slow machine.
const spawnTimeout = 60_000;

describe('lanewise CLI', () => {
  describe('barcode decode', () => {
    it('decodes EAN-13, GS1-128 with either GS notation, restricted labels and Digital Links; exit 1 when rejected', { timeout: spawnTimeout }, async () => {
      const [ean, badCheck, gs1Angle, gs1Escape, swedishWeight, digitalLink] = await Promise.all([
        lanewise(['barcode', 'decode', '4006381333931', '--json']),
        lanewise(['barcode', 'decode', '4006381333932', '--json']),
        // AI 01 (GTIN), AI 10 (batch, variable length, so GS ends it), AI 3922 (price, 2 decimals).
        lanewise(['barcode', 'decode', ']C1010950600013435210ABC123<GS>3922123', '--json']),
        lanewise(['barcode', 'decode', ']C1010950600013435210ABC123\\x1d3922123', '--json']),
        // Sweden prefix 23: item 000001, weight 1.250 kg, EAN check digit 4.
        lanewise(['barcode', 'decode', '2300000112504', '--json', '--template', 'sweden']),
        lanewise(['barcode', 'decode', ']Q3https://id.gs1.org/01/09506000134352', '--json']),
      ]);

      expect(ean.code).toBe(0);
      expect(json<DecodeReport>(ean)).toMatchObject({ ok: true, symbology: 'ean-13', gtin: '04006381333931', lookupGtin: '04006381333931' });

      expect(badCheck.code).toBe(1);
      expect(json<DecodeReport>(badCheck)).toMatchObject({ ok: false, symbology: 'ean-13', reason: 'checkDigit' });

      for (const run of [gs1Angle, gs1Escape]) {
        expect(run.code).toBe(0);
        expect(json<DecodeReport>(run)).toEqual({ ok: true, symbology: 'gs1-128', aim: ']C1', gtin: '09506000134352', lookupGtin: '09506000134352', priceMinor: 123 });
      }

      expect(swedishWeight.code).toBe(0);
      expect(json<DecodeReport>(swedishWeight)).toEqual({
        ok: true,
        symbology: 'ean-13',
        gtin: '02300000112504',
        // Every label for the item finds the same catalogue row: value digits zeroed.
        lookupGtin: '02300000100006',
        weightGrams: 1250,
        restricted: { template: 'sweden', itemReference: '000001' },
      });

      expect(digitalLink.code).toBe(0);
      expect(json<DecodeReport>(digitalLink)).toMatchObject({ ok: true, symbology: 'gs1-digital-link', aim: ']Q3', gtin: '09506000134352' });
    });

    it('says accepted or rejected in words without --json, and honours --template none', { timeout: spawnTimeout }, async () => {
      const [accepted, rejected, noTemplate] = await Promise.all([
        lanewise(['barcode', 'decode', '2300000112504']),
        lanewise(['barcode', 'decode', '4006381333932']),
        lanewise(['barcode', 'decode', '2300000112504', '--json', '--template', 'none']),
      ]);
      expect(accepted.code).toBe(0);
      expect(accepted.stdout).toMatch(/^accepted: ean-13 GTIN 02300000112504 \(/);
      expect(accepted.stdout).toContain('weight 1250 g');
      expect(rejected.code).toBe(1);
      expect(rejected.stdout).toMatch(/^rejected: checkDigit: /);
      expect(json<DecodeReport>(noTemplate)).toEqual({ ok: true, symbology: 'ean-13', gtin: '02300000112504', lookupGtin: '02300000112504' });
    });
  });

  describe('catalog find', () => {
    let dir: ReturnType<typeof makeTempDir>;
    let db: string;

    beforeAll(() => {
      dir = makeTempDir();
      db = join(dir.path, 'catalog.sqlite');
      ensureDemoCatalog(db, 200);
    });
    afterAll(() => dir.remove());

    it('finds by barcode, by a name in any language and by PLU; exit 1 when nothing matches', { timeout: spawnTimeout }, async () => {
      const [byBarcode, byRussianName, byPlu, nothing, nothingJson, noDatabase] = await Promise.all([
        lanewise(['catalog', 'find', showcase.milk, '--db', db, '--json']),
        lanewise(['catalog', 'find', 'молоко', '--db', db, '--json']),
        lanewise(['catalog', 'find', showcase.bananasPlu, '--db', db, '--json']),
        lanewise(['catalog', 'find', 'no such thing', '--db', db]),
        lanewise(['catalog', 'find', 'zzzz', '--db', db, '--json']),
        lanewise(['catalog', 'find', 'milk', '--db', join(db, 'missing.sqlite')]),
      ]);

      expect(byBarcode.code).toBe(0);
      expect(json<FoundItem[]>(byBarcode)).toEqual([
        {
          gtin: `0${showcase.milk}`,
          barcode: showcase.milk,
          plu: null,
          name: { en: 'Milk 2.5% 1 L', ru: 'Молоко 2,5% 1 л', lv: 'Piens 2,5% 1 l', bg: 'Прясно мляко 2,5% 1 л' },
          priceMinor: 119,
          currency: 'EUR',
          soldBy: 'unit',
          flags: [],
          vatClass: 'B',
          vatRateBp: 1200,
        },
      ]);

      expect(byRussianName.code).toBe(0);
      expect(json<FoundItem[]>(byRussianName).map((item) => item.gtin)).toContain(`0${showcase.milk}`);

      expect(byPlu.code).toBe(0);
      const bananas = json<FoundItem[]>(byPlu).find((item) => item.plu === showcase.bananasPlu);
      expect(bananas).toMatchObject({ name: expect.objectContaining({ en: 'Bananas' }), soldBy: 'weight', priceMinor: 139 });
      expect(bananas!.flags).toEqual(expect.arrayContaining(['weighed', 'plu-4011']));

      expect(nothing.code).toBe(1);
      expect(nothing.stdout).toBe('no items match "no such thing"\n');
      expect(nothingJson.code).toBe(1);
      expect(json<FoundItem[]>(nothingJson)).toEqual([]);
      // Not "nothing found": the command could not run at all.
      expect(noDatabase.code).toBe(2);
      expect(noDatabase.stderr).toMatch(/^lanewise: /);
    });

    it('lists items in words, with flags for age limits', { timeout: spawnTimeout }, async () => {
      const run = await lanewise(['catalog', 'find', showcase.vodka, '--db', db]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Vodka 0.5 L');
      expect(run.stdout).toContain('age-18+');
      expect(run.stdout).toContain('9.99');
    });
  });

  describe('lane', () => {
    it('refuses an invalid configuration with EX_CONFIG (78), naming the file and the field', { timeout: spawnTimeout }, async () => {
      const dir = makeTempDir();
      try {
        const file = join(dir.path, 'lane.json');
        writeFileSync(
          file,
          JSON.stringify({
            laneId: 'L01',
            storeName: 'Test',
            dataDir: 'data',
            devices: { scanner: { driver: 'serial', path: '' }, printer: { driver: 'escpos-serial', path: '/dev/null' }, paymentTerminal: { driver: 'tcp', port: 70000 } },
          }),
        );
        const run = await lanewise(['lane', '--config', file]);
        expect(run.code).toBe(78);
        expect(run.stderr).toContain(file);
        expect(run.stderr).toMatch(/- devices\.scanner\.path: /);
        expect(run.stderr).toMatch(/- devices\.paymentTerminal\.port: /);
        expect(run.stdout).toBe('');
      } finally {
        dir.remove();
      }
    });
  });
});
