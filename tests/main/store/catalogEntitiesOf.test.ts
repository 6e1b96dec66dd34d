import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { catalogEntitySchema, type CatalogEntity } from '../../../shared/store/catalogEntities';
import { demoAssistants, ensureDemoAssistants } from '../../../main/assistants/demoAssistants';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { demoPromotions, demoCoupons } from '../../../main/catalog/demoPromotions';
import { demoProduce, demoVatClasses, demoVariableMeasure } from '../../../main/catalog/demoCatalog';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { catalogEntitiesOf } from '../../../main/store/catalogEntitiesOf';
import { importCatalog } from '../../../main/store/catalogImport/importCatalog';
import { exportCatalog } from '../../../main/store/catalogImport/exportCatalog';
import { openSqliteStoreBackend } from '../../../main/store/sqlite/sqliteBackend';
import { makeTempDir } from '../helpers/tempDir';

const generated = 40;
const showcaseCount = 7;

describe('catalogEntitiesOf', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let path: string;
  let entities: CatalogEntity[];

  beforeAll(async () => {
    dir = makeTempDir('lanewise-entities-');
    path = join(dir.path, 'catalog.sqlite');
    ensureDemoCatalog(path, generated);
    const store = CatalogStore.open(path);
    try {
      await ensureDemoAssistants(store.db);
      entities = [...catalogEntitiesOf(store)];
    } finally {
      store.close();
    }
  });
  afterAll(() => dir.remove());

  it('turns the demo catalogue into entities the store schema accepts', () => {
    for (const entity of entities) expect(catalogEntitySchema.safeParse(entity).error).toBeUndefined();
    const count = (kind: CatalogEntity['kind']) => entities.filter((entity) => entity.kind === kind).length;
    expect(count('settings')).toBe(1);
    expect(count('vatClass')).toBe(demoVatClasses.length);
    expect(count('item')).toBe(showcaseCount + demoProduce.length + demoVariableMeasure.length + generated);
    expect(count('promotion')).toBe(demoPromotions.length);
    expect(count('coupon')).toBe(demoCoupons.length);
    expect(count('assistant')).toBe(demoAssistants.length);
  });

  it('keeps prices, flags and offers as the lane has them', () => {
    const find = (kind: string, key: string) => entities.find((entity) => entity.kind === kind && entity.key === key)?.value;
    expect(find('settings', 'store')).toEqual({ currency: 'EUR', restrictedTemplate: 'sweden' });
    expect(find('item', '04750001000016')).toEqual({
      gtin: '04750001000016',
      name: { en: 'Milk 2.5% 1 L', ru: 'Молоко 2,5% 1 л', lv: 'Piens 2,5% 1 l', bg: 'Прясно мляко 2,5% 1 л' },
      priceMinor: 119,
      soldBy: 'unit',
      variableMeasure: false,
      vatClass: 'B',
    });
    expect(find('item', '04750001000047')).toMatchObject({ ageLimit: 18 });
    expect(find('item', '02900000040113')).toMatchObject({ plu: '4011', soldBy: 'weight', priceMinor: 139 });
    expect(find('promotion', 'demo-coffee-loyalty')).toMatchObject({ loyaltyOnly: true, rule: { kind: 'amountOff', amountMinor: 100 } });
    expect(find('coupon', 'LW:C:COFFEE1')).toMatchObject({ gtins: ['04750001000078'] });
  });

  it('keeps an item’s base price with its schedule and its piece weight (catalogue schema 4)', () => {
    const copyPath = join(dir.path, 'scheduled.sqlite');
    ensureDemoCatalog(copyPath, 0);
    const store = CatalogStore.open(copyPath);
    try {
      store.db.prepare('UPDATE items SET has_schedule = 1, weight_grams = 1040, weight_tolerance_grams = 30 WHERE gtin = 4750001000016').run();
      store.db.prepare('INSERT INTO scheduled_prices (gtin, from_ms, price_minor) VALUES (4750001000016, 1000, 99), (4750001000016, 2000, 109)').run();
      const milk = [...catalogEntitiesOf(store)].find((entity) => entity.key === '04750001000016')?.value;
      expect(milk).toMatchObject({ priceMinor: 119, scheduledPrices: [{ from: 1000, priceMinor: 99 }, { from: 2000, priceMinor: 109 }], weight: { grams: 1040, toleranceGrams: 30 } });
    } finally {
      store.close();
    }
  });

  it('carries the assistants’ PIN and badge hashes over unchanged', () => {
    const store = CatalogStore.open(path, { readonly: true });
    try {
      const rows = store.db.prepare('SELECT id, name, role, pin_hash, badge_hash, active FROM assistants ORDER BY id').all() as { id: string; name: string; role: string; pin_hash: string; badge_hash: string | null; active: number }[];
      expect(entities.filter((entity) => entity.kind === 'assistant').map((entity) => entity.value)).toEqual(
        rows.map((row) => ({ id: row.id, name: row.name, role: row.role, pinHash: row.pin_hash, badgeHash: row.badge_hash ?? undefined, active: row.active === 1 })),
      );
      expect(rows.every((row) => row.pin_hash.startsWith('scrypt$') && row.badge_hash !== null)).toBe(true);
    } finally {
      store.close();
    }
  });

  it('seeds a store server, whose export imports again with no change', async () => {
    const backend = openSqliteStoreBackend(join(dir.path, 'store', 'store.sqlite'));
    try {
      const seeded = await backend.applyCatalogChanges(entities, { source: 'demo catalogue' });
      expect(seeded).toEqual({ version: 1, changed: entities.length });
      expect(await backend.applyCatalogChanges(entities)).toEqual({ version: 1, changed: 0 });
      const file = join(dir.path, 'export.json');
      const output = createWriteStream(file);
      await exportCatalog(backend, 'json', output);
      output.end();
      await finished(output);
      const report = await importCatalog(backend, file, { replace: true });
      expect(report).toMatchObject({ ok: true, changed: 0, version: 1 });
    } finally {
      await backend.close();
    }
  });
});
