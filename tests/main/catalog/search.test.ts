import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { demoProduce, demoVariableMeasure, produceGtin, showcase } from '../../../main/catalog/demoCatalog';
import { demoVariableMeasureGtin, ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { buildSearchIndex, foldText, iconFor, mostUsedItems, searchIndexOf, searchItems, textWords } from '../../../main/catalog/search';
import { toGtin14 } from '../../../shared/barcode';
import { laneServiceSchema } from '../../../shared/bridge/laneServiceSchema';
import type { ItemChoice } from '../../../shared/catalog/choice';
import type { CatalogItem } from '../../../shared/catalog/item';
import type { Language } from '../../../shared/i18n/languages';
import { makeTempDir } from '../helpers/tempDir';

let dir: ReturnType<typeof makeTempDir>;
let store: CatalogStore;

beforeAll(() => {
  dir = makeTempDir();
  const path = join(dir.path, 'catalog.sqlite');
  ensureDemoCatalog(path);
  store = CatalogStore.open(path, { readonly: true });
});

afterAll(() => {
  store.close();
  dir.remove();
});

async function search(text: string, language: Language = 'en', limit?: number): Promise<ItemChoice[]> {
  return searchItems(store, { text, language, limit });
}

/** English names of the results, best first. */
async function names(text: string, language: Language = 'en', limit?: number): Promise<string[]> {
  return (await search(text, language, limit)).map((item) => item.name.en);
}

const produceNamed = (english: string) => demoProduce.find((produce) => produce.name.en === english)!;

describe('folding', () => {
  it('drops case and diacritics but keeps й', () => {
    expect(foldText('ĀBOLI')).toBe('aboli');
    expect(foldText('Ķiploki, Čipsi, Šķiņķis, Pelmeņi, Ģimene')).toBe('kiploki, cipsi, skinkis, pelmeni, gimene');
    expect(foldText('Тёмное ПИВО')).toBe('темное пиво');
    expect(foldText('Йогурт')).toBe('йогурт');
    expect(foldText('Майонез')).toBe('майонез');
    // Decomposed input (as some keyboards and files send it) folds the same.
    expect(foldText('A\u0304boli')).toBe('aboli');
    expect(foldText('и\u0306')).toBe('й');
  });

  it('splits names into words of letters and digits', () => {
    expect(textWords('Milk 2.5% 1 L')).toEqual(['milk', '2', '5', '1', 'l']);
    expect(textWords('  Āboli, maiss — 1 kg ')).toEqual(['aboli', 'maiss', '1', 'kg']);
    expect(textWords('?!')).toEqual([]);
  });
});

describe('searchItems by PLU and barcode digits', () => {
  it('finds a PLU exactly, first', async () => {
    const [first] = await search('4011');
    expect(first).toEqual({ gtin: produceGtin('4011'), plu: '4011', name: produceNamed('Bananas').name, priceMinor: 139, soldBy: 'weight', icon: 'fruit' });
    expect((await search('4023'))[0]?.name.en).toBe('Red grapes');
  });

  it('lists PLUs that start with the digits typed so far, shortest and lowest first', async () => {
    const results = await search('40', 'en', 10);
    expect(results).toHaveLength(10);
    expect(results.every((item) => item.plu?.startsWith('40'))).toBe(true);
    expect(results.map((item) => item.plu)).toEqual([...results.map((item) => item.plu)].sort());
    expect((await search('401', 'en'))[0]?.plu).toBe('4011');
  });

  it('finds an item by the digits printed under its barcode, exactly or by their start', async () => {
    expect((await search(showcase.milk))[0]?.gtin).toBe(toGtin14(showcase.milk));
    expect((await search(toGtin14(showcase.milk)))[0]?.gtin).toBe(toGtin14(showcase.milk));
    // Spaces as printed under an EAN-13 are ignored.
    expect((await search('4 750001 000016'))[0]?.gtin).toBe(toGtin14(showcase.milk));
    const byPrefix = await search('4750001', 'en', 7);
    expect(byPrefix.map((item) => item.gtin)).toEqual(
      [showcase.milk, showcase.bread, showcase.apples, showcase.beer, showcase.vodka, showcase.chocolate, showcase.coffee].map(toGtin14),
    );
  });

  it('never offers service-counter items, whose key stands for a printed label', async () => {
    const deli = demoVariableMeasure.map((item) => demoVariableMeasureGtin(item.itemReference));
    for (const gtin of deli) {
      expect(await search(gtin)).toEqual([]);
      expect(await search(gtin.slice(1, 9))).not.toContainEqual(expect.objectContaining({ gtin }));
    }
    const byName = [...(await search('smoked salmon')), ...(await search('deli cheese')), ...(await search('olives'))];
    expect(byName.some((item) => deli.includes(item.gtin))).toBe(false);
  });

  it('answers nothing for digits that match nothing, and for blank text', async () => {
    expect(await search('9999999')).toEqual([]);
    expect(await search('')).toEqual([]);
    expect(await search('   ')).toEqual([]);
    expect(await search('?!')).toEqual([]);
  });
});

describe('searchItems by name', () => {
  it('ranks a prefix of the first letters high', async () => {
    expect((await names('ban'))[0]).toBe('Bananas');
    expect((await names('бан', 'ru'))[0]).toBe('Bananas');
    expect((await names('ban', 'lv'))[0]).toBe('Bananas');
    expect((await names('бро', 'bg'))[0]).toBe('Broccoli');
    expect((await names('red gra'))[0]).toBe('Red grapes');
  });

  it('needs every word typed', async () => {
    expect(await names('granny smith')).toEqual(['Apples Granny Smith']);
    expect(await names('granny bananas')).toEqual([]);
  });

  it('tolerates typos in every language', async () => {
    expect((await names('bnanas'))[0]).toBe('Bananas'); // a letter left out
    expect((await names('banaans'))[0]).toBe('Bananas'); // two letters swapped
    expect((await names('brocoli'))[0]).toBe('Broccoli');
    expect((await names('cauliflwer'))[0]).toBe('Cauliflower');
    expect((await names('марковь', 'ru'))[0]).toBe('Carrots');
    expect((await names('бананны', 'ru'))[0]).toBe('Bananas');
    expect((await names('kartupli', 'lv'))[0]).toBe('Potatoes');
    expect((await names('ziedkapsti', 'lv'))[0]).toBe('Cauliflower');
    expect((await names('ябалки', 'bg'))[0]).toMatch(/^Apples /);
    expect((await names('праскви', 'bg'))[0]).toBe('Peaches');
  });

  it('ignores case and diacritics, Latvian and Cyrillic alike', async () => {
    const plain = await names('aboli', 'lv');
    expect(plain[0]).toMatch(/^Apples /);
    expect(await names('ĀBOLI', 'lv')).toEqual(plain);
    expect((await names('sampinjoni', 'lv'))[0]).toBe('Mushrooms');
    expect((await names('ķiploki', 'lv'))[0]).toBe('Garlic');
    expect(await names('черешня', 'ru')).toEqual(await names('ЧЕРЕШНЯ', 'ru'));
    expect((await names('темный шоколад', 'ru'))[0]).toBe('Dark chocolate 100 g');
    expect((await names('тёмный шоколад', 'ru'))[0]).toBe('Dark chocolate 100 g');
  });

  it("puts names in the shopper's language first", async () => {
    // "Зеле" is cabbage in Bulgarian; "зелёный" is green in Russian.
    expect((await names('зеле', 'bg'))[0]).toBe('White cabbage');
    expect((await names('зеле', 'ru'))[0]).toBe('Green peppers');
    // …but an exact word in another language beats a typo in the shopper's own ("milti" is flour).
    expect((await names('milk', 'lv'))[0]).toBe('Milk 2.5% 1 L');
  });

  it('puts loose produce before packaged goods of the same name', async () => {
    const apples = await search('apple', 'en', 10);
    expect(apples.slice(0, 3).map((item) => item.name.en).sort()).toEqual(['Apples Fuji', 'Apples Granny Smith', 'Apples Honeycrisp']);
    expect(apples.slice(0, 3).every((item) => item.plu !== null && item.soldBy === 'weight')).toBe(true);
    expect(apples.slice(3).some((item) => item.name.en.includes('Apple juice'))).toBe(true);
  });

  it('finds packaged goods too, with their price per piece', async () => {
    const [chocolate] = await search('dark chocolate');
    expect(chocolate).toMatchObject({ gtin: toGtin14(showcase.chocolate), plu: null, soldBy: 'unit', priceMinor: 229, icon: 'generic' });
  });

  it('answers at most `limit` items, 24 unless asked', async () => {
    expect(await search('a')).toHaveLength(24);
    expect(await search('a', 'en', 5)).toHaveLength(5);
    expect(await search('a', 'en', 0)).toEqual([]);
    expect(await search('a', 'en', 1000)).toHaveLength(100);
  });

  it('answers nothing for words that are in no name', async () => {
    expect(await names('xylophone')).toEqual([]);
    expect(await names('qq')).toEqual([]);
  });
});

describe('mostUsedItems', () => {
  it('offers every item without a barcode: fruit, then vegetables, each by name in the language', async () => {
    const items = await mostUsedItems(store, { usage: new Map() });
    expect(items).toHaveLength(demoProduce.length);
    expect(items.every((item) => item.plu !== null && item.soldBy === 'weight')).toBe(true);
    const icons = items.map((item) => item.icon);
    expect(icons.indexOf('vegetable')).toBeGreaterThan(icons.lastIndexOf('fruit'));
    const fruit = items.filter((item) => item.icon === 'fruit').map((item) => item.name.en);
    expect(fruit).toEqual([...fruit].sort((a, b) => a.localeCompare(b, 'en')));
    expect(items[0]?.name.en).toBe('Apples Fuji');

    const russian = await mostUsedItems(store, { usage: new Map(), language: 'ru' });
    expect(russian[0]?.name.ru).toBe('Авокадо');
  });

  it("puts what this lane sells most first", async () => {
    const usage = new Map([
      [produceGtin('4072'), 12],
      [produceGtin('4011'), 30],
      [produceGtin('4608'), 1],
    ]);
    const items = await mostUsedItems(store, { usage, limit: 5 });
    expect(items.map((item) => item.name.en)).toEqual(['Bananas', 'Potatoes', 'Garlic', 'Apples Fuji', 'Apples Granny Smith']);
  });
});

describe('the search index', () => {
  it('is built once per catalogue revision and again after the catalogue changes', async () => {
    const first = await searchIndexOf(store);
    expect(await searchIndexOf(store)).toBe(first);
    expect(first.size).toBe(store.count() - demoVariableMeasure.length);
    // Typos are looked for among distinct words, which stay few however many items there are.
    expect(first.vocabularySize).toBeLessThan(1000);

    const writable = CatalogStore.open(join(dir.path, 'catalog.sqlite'));
    try {
      expect(await searchItems(writable, { text: 'pitaya', language: 'en' })).toEqual([]);
      writable.writeItems([{ gtin: produceGtin('3040'), plu: '3040', name: { en: 'Pitaya', lv: 'Pitaja', ru: 'Питахайя', bg: 'Питахая' }, priceMinor: 1299, soldBy: 'weight', variableMeasure: false, vatClass: 'C' }]);
      // The old index answers while the new one is built between other work, then the new one does.
      expect(await searchItems(writable, { text: 'pitaya', language: 'en' })).toEqual([]);
      await vi.waitFor(async () => expect((await searchItems(writable, { text: 'pitaya', language: 'en' }))[0]).toMatchObject({ plu: '3040', priceMinor: 1299 }));
      // Another connection (a catalogue sync) wrote it: the read-only store sees a new revision too.
      await vi.waitFor(async () => expect((await search('3040'))[0]?.name.en).toBe('Pitaya'));
    } finally {
      writable.close();
    }
  });

  it('stays quick across many searches (no timing asserted: see the report for figures)', async () => {
    const queries = ['b', 'ba', 'ban', 'bana', 'banan', 'banana', 'bananas', 'ябл', 'kartupeļi', 'zemesrieksti', '4', '47', '4011', 'milk chocolate 100'];
    for (let round = 0; round < 20; round++) {
      for (const query of queries) expect((await search(query, 'lv')).length).toBeGreaterThan(0);
    }
  });

  it('needs its items in GTIN order, as the catalogue reads them', () => {
    const item = (gtin: string): CatalogItem => ({ gtin, name: { en: 'Thing' }, priceMinor: 100, soldBy: 'unit', variableMeasure: false, vatClass: 'A', vatRateBp: 2100 });
    expect(() => buildSearchIndex([item('00000000000002'), item('00000000000001')])).toThrow(/ascending GTIN order/);
    const index = buildSearchIndex([item('00000000000001'), item('00000000000002')]);
    expect(index.search('thing', 'ru', 10).map((number) => index.gtinOf(number))).toEqual(['00000000000001', '00000000000002']);
  });
});

describe('icons', () => {
  it('guesses a picture from the English name', () => {
    const icon = (en: string) => iconFor({ name: { en } });
    expect(icon('Bananas')).toBe('fruit');
    expect(icon('Kiwi fruit')).toBe('fruit');
    expect(icon('Plum tomatoes')).toBe('vegetable');
    expect(icon('Mushrooms')).toBe('vegetable');
    expect(icon('Rye bread 400 g')).toBe('bread');
    expect(icon('Croissants 4 pcs')).toBe('bread');
    expect(icon('Apple juice 1 L')).toBe('generic');
    expect(icon('Tomato ketchup')).toBe('generic');
    expect(icon('Cheese')).toBe('generic');
  });
});

describe('bridge arguments', () => {
  it('accepts a search text up to 64 characters and nothing else', () => {
    expect(laneServiceSchema.searchItems.safeParse({ text: 'bananas' }).success).toBe(true);
    expect(laneServiceSchema.searchItems.safeParse({ text: 'x'.repeat(64) }).success).toBe(true);
    expect(laneServiceSchema.searchItems.safeParse({ text: 'x'.repeat(65) }).success).toBe(false);
    expect(laneServiceSchema.searchItems.safeParse({ text: 4011 }).success).toBe(false);
    expect(laneServiceSchema.searchItems.safeParse({ text: 'a', language: 'ru' }).success).toBe(false);
    expect(laneServiceSchema.mostUsedItems.safeParse({}).success).toBe(true);
    expect(laneServiceSchema.mostUsedItems.safeParse({ limit: 1000 }).success).toBe(false);
  });
});
