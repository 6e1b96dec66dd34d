import { gtinCheckDigit, toGtin14 } from '../../shared/barcode';
import type { CatalogItem } from '../../shared/catalog/item';
import type { LocalizedText } from '../../shared/i18n/languages';
import { seededRandom } from '../../shared/random';
import type { CatalogSettings, CatalogStore, VatClass } from './catalogStore';

/**
 * A demo store's catalogue: a Riga supermarket with Latvian VAT rates, names in
 * English, Russian, Latvian and Bulgarian, weighed produce with PLUs, age-restricted
 * items and service-counter (variable-measure) items. Deterministic: the same seed
 * always gives the same items, so tests and the README can name barcodes.
 */

export const demoSettings: CatalogSettings = { currency: 'EUR', restrictedTemplate: 'sweden' };

/** Latvian VAT (PVN): 21 % standard, 12 % reduced, 5 % fresh fruit, berries and vegetables (since 2023). */
export const demoVatClasses: readonly VatClass[] = [
  { code: 'A', rateBp: 2100, label: 'PVN 21%' },
  { code: 'B', rateBp: 1200, label: 'PVN 12%' },
  { code: 'C', rateBp: 500, label: 'PVN 5%' },
];

type DemoItem = Omit<CatalogItem, 'vatRateBp'>;

/** A made-up GS1 company prefix under Latvia's 475 for generated goods, with room for 10 million items (showcase items use 4750001). */
const generatedPrefix = '47509';

function gtin13(prefix: string, itemNumber: number): string {
  const body = prefix + String(itemNumber).padStart(12 - prefix.length, '0');
  return toGtin14(body + String(gtinCheckDigit(body)));
}

/** Memorable items named in the README and used by tests and the demo's device panel. */
export const showcase = {
  milk: '4750001000016',
  bread: '4750001000023',
  apples: '4750001000030',
  beer: '4750001000047',
  vodka: '4750001000054',
  chocolate: '4750001000061',
  coffee: '4750001000078',
  /** PLU-only produce, sold by weight. */
  bananasPlu: '4011',
} as const;

interface ShowcaseItem extends Omit<DemoItem, 'gtin'> {
  readonly code: string;
}

const showcaseItems: readonly ShowcaseItem[] = [
  { code: showcase.milk, name: { en: 'Milk 2.5% 1 L', ru: 'Молоко 2,5% 1 л', lv: 'Piens 2,5% 1 l', bg: 'Прясно мляко 2,5% 1 л' }, priceMinor: 119, soldBy: 'unit', variableMeasure: false, vatClass: 'B' },
  { code: showcase.bread, name: { en: 'Rye bread 400 g', ru: 'Ржаной хлеб 400 г', lv: 'Rudzu maize 400 g', bg: 'Ръжен хляб 400 г' }, priceMinor: 189, soldBy: 'unit', variableMeasure: false, vatClass: 'A' },
  { code: showcase.apples, name: { en: 'Apples, bag 1 kg', ru: 'Яблоки, пакет 1 кг', lv: 'Āboli, maiss 1 kg', bg: 'Ябълки, плик 1 кг' }, priceMinor: 249, soldBy: 'unit', variableMeasure: false, vatClass: 'C' },
  { code: showcase.beer, name: { en: 'Lager beer 0.5 L', ru: 'Светлое пиво 0,5 л', lv: 'Gaišais alus 0,5 l', bg: 'Светла бира 0,5 л' }, priceMinor: 139, soldBy: 'unit', variableMeasure: false, vatClass: 'A', ageLimit: 18 },
  { code: showcase.vodka, name: { en: 'Vodka 0.5 L', ru: 'Водка 0,5 л', lv: 'Degvīns 0,5 l', bg: 'Водка 0,5 л' }, priceMinor: 999, soldBy: 'unit', variableMeasure: false, vatClass: 'A', ageLimit: 18 },
  { code: showcase.chocolate, name: { en: 'Dark chocolate 100 g', ru: 'Тёмный шоколад 100 г', lv: 'Tumšā šokolāde 100 g', bg: 'Черен шоколад 100 г' }, priceMinor: 229, soldBy: 'unit', variableMeasure: false, vatClass: 'A' },
  { code: showcase.coffee, name: { en: 'Ground coffee 500 g', ru: 'Молотый кофе 500 г', lv: 'Maltā kafija 500 g', bg: 'Мляно кафе 500 г' }, priceMinor: 749, soldBy: 'unit', variableMeasure: false, vatClass: 'A' },
];

interface Product {
  readonly name: LocalizedText;
  readonly vatClass: 'A' | 'B' | 'C';
  /** Typical shelf price range in cents. */
  readonly price: readonly [number, number];
  readonly sizes: readonly string[];
  readonly ageLimit?: number;
}

const products: readonly Product[] = [
  { name: { en: 'Kefir', ru: 'Кефир', lv: 'Kefīrs', bg: 'Кефир' }, vatClass: 'B', price: [89, 189], sizes: ['0.5 L', '1 L'] },
  { name: { en: 'Yoghurt', ru: 'Йогурт', lv: 'Jogurts', bg: 'Кисело мляко' }, vatClass: 'B', price: [49, 249], sizes: ['125 g', '400 g', '1 kg'] },
  { name: { en: 'Sour cream', ru: 'Сметана', lv: 'Skābais krējums', bg: 'Заквасена сметана' }, vatClass: 'B', price: [99, 259], sizes: ['200 g', '400 g'] },
  { name: { en: 'Curd cheese', ru: 'Творог', lv: 'Biezpiens', bg: 'Извара' }, vatClass: 'B', price: [129, 329], sizes: ['200 g', '500 g'] },
  { name: { en: 'Butter', ru: 'Сливочное масло', lv: 'Sviests', bg: 'Масло' }, vatClass: 'A', price: [199, 449], sizes: ['180 g', '200 g'] },
  { name: { en: 'Cheese', ru: 'Сыр', lv: 'Siers', bg: 'Кашкавал' }, vatClass: 'A', price: [199, 699], sizes: ['150 g', '250 g', '500 g'] },
  { name: { en: 'Eggs', ru: 'Яйца', lv: 'Olas', bg: 'Яйца' }, vatClass: 'A', price: [189, 399], sizes: ['6 pcs', '10 pcs'] },
  { name: { en: 'White bread', ru: 'Белый хлеб', lv: 'Baltmaize', bg: 'Бял хляб' }, vatClass: 'A', price: [99, 249], sizes: ['300 g', '500 g'] },
  { name: { en: 'Wholegrain bread', ru: 'Цельнозерновой хлеб', lv: 'Pilngraudu maize', bg: 'Пълнозърнест хляб' }, vatClass: 'A', price: [149, 299], sizes: ['350 g', '500 g'] },
  { name: { en: 'Croissants', ru: 'Круассаны', lv: 'Kruasāni', bg: 'Кроасани' }, vatClass: 'A', price: [199, 399], sizes: ['4 pcs', '6 pcs'] },
  { name: { en: 'Pasta', ru: 'Макароны', lv: 'Makaroni', bg: 'Паста' }, vatClass: 'A', price: [79, 299], sizes: ['400 g', '500 g', '1 kg'] },
  { name: { en: 'Rice', ru: 'Рис', lv: 'Rīsi', bg: 'Ориз' }, vatClass: 'A', price: [119, 399], sizes: ['500 g', '1 kg'] },
  { name: { en: 'Buckwheat', ru: 'Гречка', lv: 'Griķi', bg: 'Елда' }, vatClass: 'A', price: [129, 299], sizes: ['400 g', '800 g'] },
  { name: { en: 'Oat flakes', ru: 'Овсяные хлопья', lv: 'Auzu pārslas', bg: 'Овесени ядки' }, vatClass: 'A', price: [89, 249], sizes: ['500 g', '1 kg'] },
  { name: { en: 'Flour', ru: 'Мука', lv: 'Milti', bg: 'Брашно' }, vatClass: 'A', price: [69, 199], sizes: ['1 kg', '2 kg'] },
  { name: { en: 'Sugar', ru: 'Сахар', lv: 'Cukurs', bg: 'Захар' }, vatClass: 'A', price: [99, 199], sizes: ['1 kg'] },
  { name: { en: 'Salt', ru: 'Соль', lv: 'Sāls', bg: 'Сол' }, vatClass: 'A', price: [29, 99], sizes: ['1 kg'] },
  { name: { en: 'Sunflower oil', ru: 'Подсолнечное масло', lv: 'Saulespuķu eļļa', bg: 'Слънчогледово олио' }, vatClass: 'A', price: [199, 449], sizes: ['1 L'] },
  { name: { en: 'Olive oil', ru: 'Оливковое масло', lv: 'Olīveļļa', bg: 'Зехтин' }, vatClass: 'A', price: [499, 1299], sizes: ['0.5 L', '1 L'] },
  { name: { en: 'Tomato ketchup', ru: 'Томатный кетчуп', lv: 'Tomātu kečups', bg: 'Доматен кетчуп' }, vatClass: 'A', price: [129, 299], sizes: ['300 g', '500 g'] },
  { name: { en: 'Mayonnaise', ru: 'Майонез', lv: 'Majonēze', bg: 'Майонеза' }, vatClass: 'A', price: [149, 349], sizes: ['250 g', '400 g'] },
  { name: { en: 'Mustard', ru: 'Горчица', lv: 'Sinepes', bg: 'Горчица' }, vatClass: 'A', price: [89, 199], sizes: ['200 g'] },
  { name: { en: 'Black tea', ru: 'Чёрный чай', lv: 'Melnā tēja', bg: 'Черен чай' }, vatClass: 'A', price: [149, 499], sizes: ['25 bags', '100 g'] },
  { name: { en: 'Green tea', ru: 'Зелёный чай', lv: 'Zaļā tēja', bg: 'Зелен чай' }, vatClass: 'A', price: [149, 499], sizes: ['25 bags', '100 g'] },
  { name: { en: 'Coffee beans', ru: 'Кофе в зёрнах', lv: 'Kafijas pupiņas', bg: 'Кафе на зърна' }, vatClass: 'A', price: [699, 1999], sizes: ['500 g', '1 kg'] },
  { name: { en: 'Instant coffee', ru: 'Растворимый кофе', lv: 'Šķīstošā kafija', bg: 'Разтворимо кафе' }, vatClass: 'A', price: [399, 999], sizes: ['100 g', '200 g'] },
  { name: { en: 'Orange juice', ru: 'Апельсиновый сок', lv: 'Apelsīnu sula', bg: 'Портокалов сок' }, vatClass: 'A', price: [149, 349], sizes: ['1 L'] },
  { name: { en: 'Apple juice', ru: 'Яблочный сок', lv: 'Ābolu sula', bg: 'Ябълков сок' }, vatClass: 'A', price: [129, 329], sizes: ['1 L'] },
  { name: { en: 'Mineral water', ru: 'Минеральная вода', lv: 'Minerālūdens', bg: 'Минерална вода' }, vatClass: 'A', price: [49, 129], sizes: ['0.5 L', '1.5 L'] },
  { name: { en: 'Lemonade', ru: 'Лимонад', lv: 'Limonāde', bg: 'Лимонада' }, vatClass: 'A', price: [79, 229], sizes: ['0.5 L', '1.5 L'] },
  { name: { en: 'Kvass', ru: 'Квас', lv: 'Kvass', bg: 'Квас' }, vatClass: 'A', price: [99, 229], sizes: ['1 L', '2 L'] },
  { name: { en: 'Dark beer', ru: 'Тёмное пиво', lv: 'Tumšais alus', bg: 'Тъмна бира' }, vatClass: 'A', price: [129, 299], sizes: ['0.5 L'], ageLimit: 18 },
  { name: { en: 'Cider', ru: 'Сидр', lv: 'Sidrs', bg: 'Сайдер' }, vatClass: 'A', price: [149, 349], sizes: ['0.5 L'], ageLimit: 18 },
  { name: { en: 'Red wine', ru: 'Красное вино', lv: 'Sarkanvīns', bg: 'Червено вино' }, vatClass: 'A', price: [499, 2499], sizes: ['0.75 L'], ageLimit: 18 },
  { name: { en: 'White wine', ru: 'Белое вино', lv: 'Baltvīns', bg: 'Бяло вино' }, vatClass: 'A', price: [499, 2499], sizes: ['0.75 L'], ageLimit: 18 },
  { name: { en: 'Herbal liqueur', ru: 'Травяной бальзам', lv: 'Zāļu balzams', bg: 'Билков ликьор' }, vatClass: 'A', price: [699, 1999], sizes: ['0.2 L', '0.5 L'], ageLimit: 18 },
  { name: { en: 'Energy drink', ru: 'Энергетический напиток', lv: 'Enerģijas dzēriens', bg: 'Енергийна напитка' }, vatClass: 'A', price: [99, 249], sizes: ['0.25 L', '0.5 L'], ageLimit: 18 },
  { name: { en: 'Cigarettes', ru: 'Сигареты', lv: 'Cigaretes', bg: 'Цигари' }, vatClass: 'A', price: [450, 650], sizes: ['20 pcs'], ageLimit: 18 },
  { name: { en: 'Milk chocolate', ru: 'Молочный шоколад', lv: 'Piena šokolāde', bg: 'Млечен шоколад' }, vatClass: 'A', price: [99, 349], sizes: ['100 g', '200 g'] },
  { name: { en: 'Biscuits', ru: 'Печенье', lv: 'Cepumi', bg: 'Бисквити' }, vatClass: 'A', price: [79, 299], sizes: ['150 g', '300 g'] },
  { name: { en: 'Sweets', ru: 'Конфеты', lv: 'Konfektes', bg: 'Бонбони' }, vatClass: 'A', price: [149, 599], sizes: ['200 g', '500 g'] },
  { name: { en: 'Crisps', ru: 'Чипсы', lv: 'Čipsi', bg: 'Чипс' }, vatClass: 'A', price: [99, 299], sizes: ['75 g', '150 g'] },
  { name: { en: 'Salted peanuts', ru: 'Солёный арахис', lv: 'Sālīti zemesrieksti', bg: 'Солени фъстъци' }, vatClass: 'A', price: [99, 249], sizes: ['100 g', '250 g'] },
  { name: { en: 'Ice cream', ru: 'Мороженое', lv: 'Saldējums', bg: 'Сладолед' }, vatClass: 'A', price: [69, 499], sizes: ['80 g', '500 g'] },
  { name: { en: 'Frozen dumplings', ru: 'Пельмени', lv: 'Pelmeņi', bg: 'Замразени кнедли' }, vatClass: 'A', price: [199, 499], sizes: ['500 g', '1 kg'] },
  { name: { en: 'Frozen pizza', ru: 'Замороженная пицца', lv: 'Saldēta pica', bg: 'Замразена пица' }, vatClass: 'A', price: [249, 599], sizes: ['350 g'] },
  { name: { en: 'Smoked sausage', ru: 'Копчёная колбаса', lv: 'Kūpināta desa', bg: 'Пушен салам' }, vatClass: 'A', price: [199, 699], sizes: ['250 g', '500 g'] },
  { name: { en: 'Frankfurters', ru: 'Сосиски', lv: 'Cīsiņi', bg: 'Кренвирши' }, vatClass: 'A', price: [199, 449], sizes: ['300 g', '500 g'] },
  { name: { en: 'Ham', ru: 'Ветчина', lv: 'Šķiņķis', bg: 'Шунка' }, vatClass: 'A', price: [199, 499], sizes: ['150 g', '300 g'] },
  { name: { en: 'Canned sprats', ru: 'Шпроты', lv: 'Šprotes', bg: 'Консерва цаца' }, vatClass: 'A', price: [149, 349], sizes: ['160 g', '240 g'] },
  { name: { en: 'Canned tuna', ru: 'Консервированный тунец', lv: 'Tunzivju konservi', bg: 'Консервирана риба тон' }, vatClass: 'A', price: [149, 399], sizes: ['160 g'] },
  { name: { en: 'Pickled cucumbers', ru: 'Маринованные огурцы', lv: 'Marinēti gurķi', bg: 'Кисели краставички' }, vatClass: 'A', price: [129, 299], sizes: ['680 g'] },
  { name: { en: 'Sauerkraut', ru: 'Квашеная капуста', lv: 'Skābēti kāposti', bg: 'Кисело зеле' }, vatClass: 'A', price: [99, 229], sizes: ['500 g'] },
  { name: { en: 'Honey', ru: 'Мёд', lv: 'Medus', bg: 'Мед' }, vatClass: 'A', price: [399, 899], sizes: ['250 g', '500 g'] },
  { name: { en: 'Jam', ru: 'Варенье', lv: 'Ievārījums', bg: 'Конфитюр' }, vatClass: 'A', price: [199, 449], sizes: ['300 g', '500 g'] },
  { name: { en: 'Baby food', ru: 'Детское питание', lv: 'Bērnu pārtika', bg: 'Бебешка храна' }, vatClass: 'A', price: [99, 299], sizes: ['125 g', '200 g'] },
  { name: { en: 'Toilet paper', ru: 'Туалетная бумага', lv: 'Tualetes papīrs', bg: 'Тоалетна хартия' }, vatClass: 'A', price: [199, 699], sizes: ['4 rolls', '8 rolls'] },
  { name: { en: 'Washing-up liquid', ru: 'Средство для мытья посуды', lv: 'Trauku mazgāšanas līdzeklis', bg: 'Препарат за съдове' }, vatClass: 'A', price: [149, 399], sizes: ['0.5 L', '1 L'] },
  { name: { en: 'Laundry detergent', ru: 'Стиральный порошок', lv: 'Veļas pulveris', bg: 'Прах за пране' }, vatClass: 'A', price: [499, 1499], sizes: ['1.5 kg', '3 kg'] },
  { name: { en: 'Shampoo', ru: 'Шампунь', lv: 'Šampūns', bg: 'Шампоан' }, vatClass: 'A', price: [199, 699], sizes: ['250 mL', '400 mL'] },
  { name: { en: 'Toothpaste', ru: 'Зубная паста', lv: 'Zobu pasta', bg: 'Паста за зъби' }, vatClass: 'A', price: [129, 399], sizes: ['75 mL', '100 mL'] },
  { name: { en: 'Soap', ru: 'Мыло', lv: 'Ziepes', bg: 'Сапун' }, vatClass: 'A', price: [59, 249], sizes: ['90 g', '4 × 90 g'] },
  { name: { en: 'Cat food', ru: 'Корм для кошек', lv: 'Kaķu barība', bg: 'Храна за котки' }, vatClass: 'A', price: [69, 599], sizes: ['85 g', '1 kg'] },
  { name: { en: 'Dog food', ru: 'Корм для собак', lv: 'Suņu barība', bg: 'Храна за кучета' }, vatClass: 'A', price: [99, 999], sizes: ['400 g', '3 kg'] },
  { name: { en: 'Frozen berries', ru: 'Замороженные ягоды', lv: 'Saldētas ogas', bg: 'Замразени горски плодове' }, vatClass: 'C', price: [199, 499], sizes: ['300 g', '1 kg'] },
  { name: { en: 'Carrots, bag', ru: 'Морковь, пакет', lv: 'Burkāni, maiss', bg: 'Моркови, плик' }, vatClass: 'C', price: [59, 149], sizes: ['1 kg', '2 kg'] },
  { name: { en: 'Potatoes, bag', ru: 'Картофель, пакет', lv: 'Kartupeļi, maiss', bg: 'Картофи, плик' }, vatClass: 'C', price: [99, 299], sizes: ['2 kg', '5 kg'] },
];

/** Made-up brands; brand names are not translated. */
const brands = [
  'Rīgas Piens', 'Nordic Fields', 'Baltic Bakery', 'Daugava', 'Gauja', 'Vidzeme', 'Kurzeme Farm', 'Latgale', 'Zemgale Gold', 'Jūrmala',
  'Sigulda', 'Cēsis', 'Valmiera', 'Ventspils', 'Liepāja', 'Amber Coast', 'Old Town', 'Sunny Meadow', 'Green Valley', 'Pine Forest',
  'Northern Star', 'Golden Field', 'Blue Lake', 'Silver Birch', 'Morning Dew', 'Evening Bell', 'Honey Hill', 'River Bend', 'Stone Bridge', 'Market Lane',
  'Balkan Sun', 'Rila', 'Pirin', 'Rhodope', 'Black Sea', 'Volga', 'Neva', 'Ladoga', 'Onega', 'Taiga',
];

interface Produce {
  readonly plu: string;
  readonly name: LocalizedText;
  /** Cents per kilogram. */
  readonly pricePerKg: number;
}

/** Loose produce by weight, with IFPS price look-up codes. */
export const demoProduce: readonly Produce[] = [
  { plu: '4011', name: { en: 'Bananas', ru: 'Бананы', lv: 'Banāni', bg: 'Банани' }, pricePerKg: 139 },
  { plu: '4131', name: { en: 'Apples Fuji', ru: 'Яблоки Фуджи', lv: 'Āboli Fuji', bg: 'Ябълки Фуджи' }, pricePerKg: 229 },
  { plu: '4017', name: { en: 'Apples Granny Smith', ru: 'Яблоки Гренни Смит', lv: 'Āboli Granny Smith', bg: 'Ябълки Гренни Смит' }, pricePerKg: 199 },
  { plu: '3283', name: { en: 'Apples Honeycrisp', ru: 'Яблоки Ханикрисп', lv: 'Āboli Honeycrisp', bg: 'Ябълки Ханикрисп' }, pricePerKg: 349 },
  { plu: '4046', name: { en: 'Avocados', ru: 'Авокадо', lv: 'Avokado', bg: 'Авокадо' }, pricePerKg: 599 },
  { plu: '4062', name: { en: 'Cucumbers', ru: 'Огурцы', lv: 'Gurķi', bg: 'Краставици' }, pricePerKg: 249 },
  { plu: '4664', name: { en: 'Vine tomatoes', ru: 'Томаты на ветке', lv: 'Tomāti uz zara', bg: 'Домати на клонка' }, pricePerKg: 399 },
  { plu: '4087', name: { en: 'Plum tomatoes', ru: 'Томаты сливка', lv: 'Plūmju tomāti', bg: 'Сливовидни домати' }, pricePerKg: 329 },
  { plu: '4048', name: { en: 'Limes', ru: 'Лаймы', lv: 'Laimi', bg: 'Лайм' }, pricePerKg: 449 },
  { plu: '4053', name: { en: 'Lemons', ru: 'Лимоны', lv: 'Citroni', bg: 'Лимони' }, pricePerKg: 299 },
  { plu: '4012', name: { en: 'Oranges', ru: 'Апельсины', lv: 'Apelsīni', bg: 'Портокали' }, pricePerKg: 199 },
  { plu: '4450', name: { en: 'Mandarins', ru: 'Мандарины', lv: 'Mandarīni', bg: 'Мандарини' }, pricePerKg: 259 },
  { plu: '4030', name: { en: 'Kiwi fruit', ru: 'Киви', lv: 'Kivi', bg: 'Киви' }, pricePerKg: 399 },
  { plu: '4022', name: { en: 'White grapes', ru: 'Белый виноград', lv: 'Baltās vīnogas', bg: 'Бяло грозде' }, pricePerKg: 499 },
  { plu: '4023', name: { en: 'Red grapes', ru: 'Красный виноград', lv: 'Sarkanās vīnogas', bg: 'Червено грозде' }, pricePerKg: 499 },
  { plu: '4409', name: { en: 'Pears', ru: 'Груши', lv: 'Bumbieri', bg: 'Круши' }, pricePerKg: 279 },
  { plu: '4065', name: { en: 'Green peppers', ru: 'Зелёный перец', lv: 'Zaļā paprika', bg: 'Зелени чушки' }, pricePerKg: 449 },
  { plu: '4688', name: { en: 'Red peppers', ru: 'Красный перец', lv: 'Sarkanā paprika', bg: 'Червени чушки' }, pricePerKg: 549 },
  { plu: '4060', name: { en: 'Broccoli', ru: 'Брокколи', lv: 'Brokoļi', bg: 'Броколи' }, pricePerKg: 399 },
  { plu: '4079', name: { en: 'Cauliflower', ru: 'Цветная капуста', lv: 'Ziedkāposti', bg: 'Карфиол' }, pricePerKg: 299 },
  { plu: '4069', name: { en: 'White cabbage', ru: 'Белокочанная капуста', lv: 'Galviņkāposti', bg: 'Зеле' }, pricePerKg: 79 },
  { plu: '4562', name: { en: 'Carrots', ru: 'Морковь', lv: 'Burkāni', bg: 'Моркови' }, pricePerKg: 89 },
  { plu: '4072', name: { en: 'Potatoes', ru: 'Картофель', lv: 'Kartupeļi', bg: 'Картофи' }, pricePerKg: 69 },
  { plu: '4082', name: { en: 'Red onions', ru: 'Красный лук', lv: 'Sarkanie sīpoli', bg: 'Червен лук' }, pricePerKg: 149 },
  { plu: '4093', name: { en: 'Onions', ru: 'Репчатый лук', lv: 'Sīpoli', bg: 'Лук' }, pricePerKg: 99 },
  { plu: '4608', name: { en: 'Garlic', ru: 'Чеснок', lv: 'Ķiploki', bg: 'Чесън' }, pricePerKg: 799 },
  { plu: '4081', name: { en: 'Aubergines', ru: 'Баклажаны', lv: 'Baklažāni', bg: 'Патладжани' }, pricePerKg: 399 },
  { plu: '4067', name: { en: 'Courgettes', ru: 'Кабачки', lv: 'Cukini', bg: 'Тиквички' }, pricePerKg: 299 },
  { plu: '4070', name: { en: 'Celery', ru: 'Сельдерей', lv: 'Selerija', bg: 'Целина' }, pricePerKg: 349 },
  { plu: '4051', name: { en: 'Mangoes', ru: 'Манго', lv: 'Mango', bg: 'Манго' }, pricePerKg: 599 },
  { plu: '4029', name: { en: 'Pineapples', ru: 'Ананасы', lv: 'Ananāsi', bg: 'Ананас' }, pricePerKg: 299 },
  { plu: '4032', name: { en: 'Watermelon', ru: 'Арбуз', lv: 'Arbūzs', bg: 'Диня' }, pricePerKg: 99 },
  { plu: '4036', name: { en: 'Nectarines', ru: 'Нектарины', lv: 'Nektarīni', bg: 'Нектарини' }, pricePerKg: 399 },
  { plu: '4038', name: { en: 'Peaches', ru: 'Персики', lv: 'Persiki', bg: 'Праскови' }, pricePerKg: 399 },
  { plu: '4045', name: { en: 'Cherries', ru: 'Черешня', lv: 'Ķirši', bg: 'Череши' }, pricePerKg: 899 },
  { plu: '4590', name: { en: 'Mushrooms', ru: 'Шампиньоны', lv: 'Šampinjoni', bg: 'Печурки' }, pricePerKg: 499 },
];

/** Service-counter items: a label printer at the deli prints their price or weight into a restricted-circulation barcode. */
export const demoVariableMeasure: readonly { readonly itemReference: string; readonly name: LocalizedText; readonly pricePerKg: number; readonly vatClass: 'A' | 'B' }[] = [
  { itemReference: '000001', name: { en: 'Deli cheese', ru: 'Сыр на развес', lv: 'Sveramais siers', bg: 'Сирене на кантар' }, pricePerKg: 1290, vatClass: 'A' },
  { itemReference: '000002', name: { en: 'Smoked salmon', ru: 'Копчёный лосось', lv: 'Kūpināts lasis', bg: 'Пушена сьомга' }, pricePerKg: 2890, vatClass: 'A' },
  { itemReference: '000003', name: { en: 'Chicken fillet', ru: 'Куриное филе', lv: 'Vistas fileja', bg: 'Пилешко филе' }, pricePerKg: 649, vatClass: 'A' },
  { itemReference: '000004', name: { en: 'Pork neck', ru: 'Свиная шея', lv: 'Cūkgaļas kakls', bg: 'Свински врат' }, pricePerKg: 699, vatClass: 'A' },
  { itemReference: '000005', name: { en: 'Salad from the deli', ru: 'Салат из кулинарии', lv: 'Kulinārijas salāti', bg: 'Салата от деликатесите' }, pricePerKg: 899, vatClass: 'A' },
  { itemReference: '000006', name: { en: 'Olives', ru: 'Оливки', lv: 'Olīvas', bg: 'Маслини' }, pricePerKg: 1190, vatClass: 'A' },
];

/** GTIN-14 key for a loose produce item, which has no barcode of its own (found by PLU). */
export function produceGtin(plu: string): string {
  const body = '29' + '00000' + plu.padStart(5, '0');
  return toGtin14(body + String(gtinCheckDigit(body)));
}


/**
 * Every demo item. `count` packaged goods are generated as brand × product × size
 * combinations (item numbers from 1000 upwards), after the showcase items.
 */
export function* demoItems(options: { count: number; variableMeasureGtin: (itemReference: string) => string; seed?: number }): Generator<DemoItem> {
  for (const item of showcaseItems) {
    const { code, ...rest } = item;
    yield { ...rest, gtin: toGtin14(code) };
  }
  for (const produce of demoProduce) {
    yield { gtin: produceGtin(produce.plu), plu: produce.plu, name: produce.name, priceMinor: produce.pricePerKg, soldBy: 'weight', variableMeasure: false, vatClass: 'C' };
  }
  for (const deli of demoVariableMeasure) {
    yield { gtin: options.variableMeasureGtin(deli.itemReference), name: deli.name, priceMinor: deli.pricePerKg, soldBy: 'weight', variableMeasure: true, vatClass: deli.vatClass };
  }
  const next = seededRandom(options.seed ?? 20261123);
  let itemNumber = 1000;
  for (let made = 0; made < options.count; ) {
    for (const brand of brands) {
      for (const product of products) {
        for (const size of product.sizes) {
          if (made >= options.count) return;
          // Not every brand makes everything: skip some combinations, deterministically.
          if (next() < 0.35) continue;
          const [low, high] = product.price;
          const price = Math.round((low + next() * (high - low)) / 10) * 10 + 9;
          yield {
            gtin: gtin13(generatedPrefix, itemNumber++),
            name: Object.fromEntries(Object.entries(product.name).map(([language, name]) => [language, `${brand} ${name} ${size}`])) as LocalizedText,
            priceMinor: price,
            soldBy: 'unit',
            variableMeasure: false,
            vatClass: product.vatClass,
            ageLimit: product.ageLimit,
          };
          made++;
        }
      }
    }
    // More items than combinations: go round again with new item numbers.
  }
}

/** Writes a whole demo catalogue into an empty or existing store. Returns the number of items. */
export function writeDemoCatalog(store: CatalogStore, options: { count: number; variableMeasureGtin: (itemReference: string) => string }): number {
  store.writeSettings(demoSettings);
  store.writeVatClasses(demoVatClasses);
  return store.writeItems(demoItems(options));
}
