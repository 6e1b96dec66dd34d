import type { ItemChoice, ItemIcon } from '../../shared/catalog/choice';
import type { CatalogItem } from '../../shared/catalog/item';
import { languages, localeOf, localized, type Language } from '../../shared/i18n/languages';
import type { CatalogStore } from './catalogStore';

/**
 * The shopper's item lookup: produce and other items without a barcode, found by PLU, by the
 * digits under a barcode that will not scan, or by name in any of the lane's languages.
 *
 * Names are folded (lower case, no diacritics: Latvian ā → a, č → c; Cyrillic ё → е) and split
 * into words. An in-memory index, built once per catalogue revision (in slices, so the lane
 * keeps scanning meanwhile), maps every distinct word to the item names that contain it; a
 * query word matches index words exactly, as a prefix ("ban" → bananas), or within a small
 * Damerau–Levenshtein distance (typos), and every query word must match for an item to be
 * found. Typos are looked for among the distinct words only (some hundreds, however many items
 * share them); then only the names holding the rarest query word are scored.
 *
 * Service-counter (variable-measure) items are left out: their catalogue key stands for a
 * printed label with its own price or weight, which a shopper cannot pick from a list.
 */

/** Results a screen gets when it does not ask for a number. */
export const defaultSearchLimit = 24;
/** Tiles in the most-used grid when the caller does not ask for a number: all the produce of a typical store. */
export const defaultMostUsedLimit = 48;
const maxLimit = 100;
/** More words than a shopper types; the rest of a longer query is ignored. */
const maxQueryWords = 6;
/** Longer query words are cut here: nothing in a shop is named with a longer word, and it bounds the typo search. */
const maxWordLength = 32;

/** How well a query word matches a word of a name (1 = the same word). */
const quality = {
  exact: 1,
  /** Plus up to `prefixCompleteness` for how much of the word was typed: "banan" before "b". */
  prefix: 0.75,
  prefixCompleteness: 0.15,
  /** One or two typos in a whole word. */
  typo: [0.72, 0.56],
  /** One or two typos in the part typed so far. */
  typoInPrefix: [0.62, 0.48],
} as const;

/**
 * Ranking on top of the match quality. The shopper's language first at equal quality (but an
 * exact English "milk" still beats the Latvian "milti" one letter away); items without a
 * barcode before packaged goods, because that is what the lookup is for; a name that starts
 * with the query before one that merely contains it; shorter names (the plain item) before
 * longer ones.
 */
const bonus = { ownLanguage: 0.2, lookupItem: 0.1, firstWord: 0.05, perNameWord: -0.01 } as const;

/** Folds text for matching: lower case, diacritics removed (but й kept: it is a letter of its own). */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  // Most names are printable ASCII (space to tilde): nothing to decompose.
  if (!/[^ -~]/.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(/\p{M}/gu, (mark: string, offset: number, whole: string) => (mark === '\u0306' && whole[offset - 1] === 'и' ? mark : ''))
    .normalize('NFC');
}

/**
 * Folded words of a text: runs of letters and digits. `cache` remembers folded words while
 * indexing a catalogue, where the same words come back thousands of times.
 */
export function textWords(text: string, cache?: Map<string, string>): string[] {
  const words: string[] = [];
  // Marks stay inside words here (text may arrive decomposed); folding removes them.
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{M}\p{N}]+/u)) {
    if (raw.length === 0) continue;
    let word = cache?.get(raw);
    if (word === undefined) {
      word = foldText(raw);
      cache?.set(raw, word);
    }
    if (word.length > 0) words.push(word);
  }
  return words;
}

/** Items a shopper picks by PLU or weighs at the lane: the lookup grid's candidates. */
function isLookupItem(item: CatalogItem): boolean {
  return !item.variableMeasure && (item.plu !== undefined || item.soldBy === 'weight');
}

/**
 * The catalogue has no category, so a tile's picture is guessed from the English name's words
 * (checked in this order: "garlic bread" is bread, "plum tomatoes" are vegetables). A word that
 * makes produce into a product (juice, ketchup) means no produce picture.
 */
const iconWords: readonly (readonly [ItemIcon, RegExp])[] = [
  ['bread', /^(breads?|loaf|loaves|baguettes?|croissants?|buns?|rolls?|bagels?|ciabattas?)$/],
  [
    'vegetable',
    /^(cucumbers?|tomato(es)?|peppers?|broccoli|cauliflowers?|cabbages?|carrots?|potato(es)?|onions?|garlic|aubergines?|eggplants?|courgettes?|zucchinis?|celery|mushrooms?|lettuces?|spinach|beetroots?|radish(es)?|leeks?|pumpkins?|parsnips?|turnips?|kale|asparagus|ginger|dill|parsley)$/,
  ],
  [
    'fruit',
    /^(apples?|bananas?|pears?|limes?|lemons?|oranges?|mandarins?|clementines?|tangerines?|kiwis?|fruits?|grapes?|mangos?|mangoes|pineapples?|melons?|watermelons?|nectarines?|peach(es)?|cherry|cherries|plums?|apricots?|avocados?|figs?|pomegranates?|grapefruits?|persimmons?|papayas?|\p{L}*berry|\p{L}*berries)$/u,
  ],
];
const productWords = /^(juice|ketchup|jam|sauce|oil|chips|crisps|pickled|canned|frozen|dried|puree|soup|lemonade|yoghurt|yogurt|ice|cream|pie|cake|jelly|syrup|marmalade|vinegar|paste|liqueur|cider|wine)$/;

export function iconFor(item: Pick<CatalogItem, 'name'>): ItemIcon {
  const words = textWords(item.name.en);
  if (words.some((word) => productWords.test(word))) return 'generic';
  for (const [icon, pattern] of iconWords) if (words.some((word) => pattern.test(word))) return icon;
  return 'generic';
}

export function toItemChoice(item: CatalogItem): ItemChoice {
  return { gtin: item.gtin, plu: item.plu ?? null, name: item.name, priceMinor: item.priceMinor, soldBy: item.soldBy, icon: iconFor(item) };
}

/** A growable array of unsigned 32-bit integers: the index holds millions of them on a big catalogue. */
class Uint32List {
  #values = new Uint32Array(4096);
  length = 0;

  push(value: number): void {
    if (this.length === this.#values.length) {
      const grown = new Uint32Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.length++] = value;
  }

  toArray(): Uint32Array {
    return this.#values.slice(0, this.length);
  }
}

const languageCount = languages.length;

/**
 * Collects a catalogue's searchable words item by item (in ascending GTIN order, as the
 * catalogue reads them), then freezes them into a `SearchIndex`.
 */
export class SearchIndexBuilder {
  readonly #gtins: number[] = [];
  readonly #lookup: number[] = [];
  readonly #namedIn: number[] = [];
  readonly #nameStart = new Uint32List();
  readonly #nameWords = new Uint32List();
  readonly #words: string[] = [];
  readonly #wordIds = new Map<string, number>();
  readonly #itemsByPlu = new Map<string, number[]>();
  readonly #lookupItems: number[] = [];
  readonly #folded = new Map<string, string>();
  #previousGtin = -1;

  add(item: CatalogItem): void {
    if (item.variableMeasure) return;
    const gtin = Number(item.gtin);
    if (!(gtin > this.#previousGtin)) throw new Error(`search index: items must come in ascending GTIN order (${item.gtin} after ${this.#previousGtin})`);
    this.#previousGtin = gtin;
    const index = this.#gtins.length;
    this.#gtins.push(gtin);
    const choosable = isLookupItem(item);
    this.#lookup.push(choosable ? 1 : 0);
    if (choosable) this.#lookupItems.push(index);
    if (item.plu !== undefined) {
      const list = this.#itemsByPlu.get(item.plu);
      if (list) list.push(index);
      else this.#itemsByPlu.set(item.plu, [index]);
    }
    let mask = 0;
    languages.forEach((language, languageIndex) => {
      this.#nameStart.push(this.#nameWords.length);
      const name = item.name[language];
      if (name === undefined) return;
      mask |= 1 << languageIndex;
      for (const word of textWords(name, this.#folded)) {
        let id = this.#wordIds.get(word);
        if (id === undefined) {
          id = this.#words.length;
          this.#words.push(word);
          this.#wordIds.set(word, id);
        }
        this.#nameWords.push(id);
      }
    });
    this.#namedIn.push(mask);
  }

  finish(): SearchIndex {
    const words = this.#words;
    const nameStart = this.#nameStart.toArray();
    // One past the last name, so name n's words end where name n + 1's begin.
    const nameBounds = new Uint32Array(nameStart.length + 1);
    nameBounds.set(nameStart);
    nameBounds[nameStart.length] = this.#nameWords.length;
    const nameWords = this.#nameWords.toArray();

    // Postings: count, then fill; a name is listed once per word even if the word repeats in it.
    const nameCount = nameStart.length;
    const postingStart = new Uint32Array(words.length + 1);
    forEachDistinctWord(nameBounds, nameWords, nameCount, (word) => postingStart[word + 1]!++);
    for (let word = 1; word <= words.length; word++) postingStart[word]! += postingStart[word - 1]!;
    const postings = new Uint32Array(postingStart[words.length]!);
    const next = postingStart.slice(0, words.length);
    forEachDistinctWord(nameBounds, nameWords, nameCount, (word, name) => {
      postings[next[word]!++] = name;
    });

    const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return new SearchIndex({
      gtins: Float64Array.from(this.#gtins),
      isLookupItem: Uint8Array.from(this.#lookup),
      namedIn: Uint8Array.from(this.#namedIn),
      nameStart: nameBounds,
      nameWords,
      postingStart,
      postings,
      words,
      wordIds: this.#wordIds,
      wordsSorted: Uint32Array.from(words.keys()).sort((a, b) => byText(words[a]!, words[b]!)),
      itemsByPlu: this.#itemsByPlu,
      plusSorted: [...this.#itemsByPlu.keys()].sort((a, b) => a.length - b.length || byText(a, b)),
      lookupItems: this.#lookupItems,
    });
  }
}

function forEachDistinctWord(nameStart: Uint32Array, nameWords: Uint32Array, nameCount: number, visit: (word: number, name: number) => void): void {
  for (let name = 0; name < nameCount; name++) {
    const start = nameStart[name]!;
    const end = nameStart[name + 1]!;
    for (let at = start; at < end; at++) {
      const word = nameWords[at]!;
      let seen = false;
      for (let before = start; before < at && !seen; before++) seen = nameWords[before] === word;
      if (!seen) visit(word, name);
    }
  }
}

/** What a `SearchIndex` is made of. A "name" is one item's name in one language: name number = item × languages + language. */
interface SearchIndexParts {
  /** GTIN-14s as numbers (exact below 2^53), ascending. */
  readonly gtins: Float64Array;
  readonly isLookupItem: Uint8Array;
  /** Bit per language: the item has its own name in that language (else English stands in). */
  readonly namedIn: Uint8Array;
  /** Words of name n are `nameWords[nameStart[n] .. nameStart[n + 1]]`, in order. */
  readonly nameStart: Uint32Array;
  readonly nameWords: Uint32Array;
  /** Names containing word w are `postings[postingStart[w] .. postingStart[w + 1]]`. */
  readonly postingStart: Uint32Array;
  readonly postings: Uint32Array;
  readonly words: readonly string[];
  readonly wordIds: ReadonlyMap<string, number>;
  /** Word ids in the order of their text, for prefix ranges. */
  readonly wordsSorted: Uint32Array;
  readonly itemsByPlu: ReadonlyMap<string, readonly number[]>;
  /** Shortest first, then in order. */
  readonly plusSorted: readonly string[];
  /** Items with a PLU or sold loose by weight, in GTIN order. */
  readonly lookupItems: readonly number[];
}

/**
 * A catalogue's searchable words. It holds numbers only; the items themselves are read back
 * from the catalogue for the few results shown. Items are numbered in GTIN order.
 */
export class SearchIndex {
  readonly #parts: SearchIndexParts;
  /** Best score per item during one query (0: not found); reset after each query. */
  #scores: Float64Array | undefined;
  /** Scratch rows for the edit distance, reused by every query. */
  readonly #rows = [new Int32Array(maxWordLength * 2 + 4), new Int32Array(maxWordLength * 2 + 4), new Int32Array(maxWordLength * 2 + 4)] as const;

  constructor(parts: SearchIndexParts) {
    this.#parts = parts;
  }

  /** Items in the index (service-counter items are not). */
  get size(): number {
    return this.#parts.gtins.length;
  }

  /** Distinct words of every name in every language. */
  get vocabularySize(): number {
    return this.#parts.words.length;
  }

  gtinOf(item: number): string {
    return String(this.#parts.gtins[item]!).padStart(14, '0');
  }

  /** Items with a PLU or sold loose by weight, in GTIN order. */
  lookupItems(): readonly number[] {
    return this.#parts.lookupItems;
  }

  /** Item numbers, best first. Digits look up PLUs and barcodes; anything else looks up names. */
  search(text: string, language: Language, limit: number): number[] {
    const digits = text.replace(/[\s-]+/g, '');
    if (/^\d+$/.test(digits)) return this.#searchDigits(digits, limit);
    return this.#searchNames(text, language, limit);
  }

  /**
   * A PLU (exact first, then PLUs that start with the digits), then barcodes: the digits
   * printed under an EAN-13, UPC-A, EAN-8 or GTIN-14 barcode, exact first, then by prefix.
   */
  #searchDigits(digits: string, limit: number): number[] {
    const { itemsByPlu, plusSorted } = this.#parts;
    const found: number[] = [];
    const seen = new Set<number>();
    const add = (item: number): boolean => {
      if (!seen.has(item)) {
        seen.add(item);
        found.push(item);
      }
      return found.length < limit;
    };
    for (const item of itemsByPlu.get(digits) ?? []) if (!add(item)) return found;
    // The printed digits of a barcode are its GTIN-14 without leading zeros: 13 for EAN-13, 12 for UPC-A, 8 for EAN-8.
    const widths = [13, 12, 8, 14].filter((width) => digits.length <= width);
    if (widths.includes(digits.length)) {
      const [low, high] = this.#gtinRange(Number(digits), 1);
      for (let item = low; item < high; item++) if (!add(item)) return found;
    }
    for (const plu of plusSorted) {
      if (plu.length <= digits.length || !plu.startsWith(digits)) continue;
      for (const item of itemsByPlu.get(plu) ?? []) if (!add(item)) return found;
    }
    for (const width of widths) {
      const scale = 10 ** (width - digits.length);
      const [low, high] = this.#gtinRange(Number(digits) * scale, scale);
      for (let item = low; item < high; item++) if (!add(item)) return found;
    }
    return found;
  }

  /** Items whose GTIN is in `[from, from + count)`, as a range of item numbers. */
  #gtinRange(from: number, count: number): [number, number] {
    return [this.#lowerBound(from), this.#lowerBound(from + count)];
  }

  #lowerBound(gtin: number): number {
    const { gtins } = this.#parts;
    let low = 0;
    let high = gtins.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (gtins[middle]! < gtin) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #searchNames(text: string, language: Language, limit: number): number[] {
    const { postingStart, postings } = this.#parts;
    const terms = [...new Set(textWords(text).map((term) => term.slice(0, maxWordLength)))].slice(0, maxQueryWords);
    if (terms.length === 0) return [];
    const matches = terms.map((term) => this.#matchWord(term));
    if (matches.some((match) => match.size === 0)) return [];

    // Candidates come from the query word found in the fewest names; the others are checked name by name.
    let rarest = 0;
    let rarestCount = Infinity;
    matches.forEach((match, index) => {
      let count = 0;
      for (const word of match.keys()) count += postingStart[word + 1]! - postingStart[word]!;
      if (count < rarestCount) {
        rarest = index;
        rarestCount = count;
      }
    });

    const own = languages.indexOf(language);
    const scores = (this.#scores ??= new Float64Array(this.size));
    const touched: number[] = [];
    try {
      for (const word of matches[rarest]!.keys()) {
        for (let at = postingStart[word]!; at < postingStart[word + 1]!; at++) {
          const name = postings[at]!;
          const score = this.#scoreName(name, matches, own);
          if (score === undefined) continue;
          const item = Math.floor(name / languageCount);
          if (scores[item] === 0) touched.push(item);
          if (score > scores[item]!) scores[item] = score;
        }
      }
      return bestItems(touched, scores, limit);
    } finally {
      for (const item of touched) scores[item] = 0;
    }
  }

  /** The name's score for the query, or undefined when a query word is not in it. Always above 0. */
  #scoreName(name: number, matches: readonly ReadonlyMap<number, number>[], own: number): number | undefined {
    const { nameStart, nameWords, namedIn, isLookupItem: lookupFlags } = this.#parts;
    const start = nameStart[name]!;
    const end = nameStart[name + 1]!;
    let total = 0;
    let firstWordMatched = false;
    for (let term = 0; term < matches.length; term++) {
      const match = matches[term]!;
      let best = 0;
      let bestAt = -1;
      for (let at = start; at < end; at++) {
        const value = match.get(nameWords[at]!);
        if (value !== undefined && value > best) {
          best = value;
          bestAt = at;
        }
      }
      if (best === 0) return undefined;
      total += best;
      if (term === 0) firstWordMatched = bestAt === start;
    }
    const item = Math.floor(name / languageCount);
    const language = name % languageCount;
    // An item without a name in the shopper's language is shown in English, so its English name counts as theirs.
    const ownLanguage = language === own || (language === 0 && (namedIn[item]! & (1 << own)) === 0);
    return (
      total / matches.length +
      (ownLanguage ? bonus.ownLanguage : 0) +
      (lookupFlags[item] ? bonus.lookupItem : 0) +
      (firstWordMatched ? bonus.firstWord : 0) +
      bonus.perNameWord * Math.min(end - start, 10)
    );
  }

  /** Index words a query word matches, with how well. */
  #matchWord(term: string): Map<number, number> {
    const { words, wordIds, wordsSorted } = this.#parts;
    const found = new Map<number, number>();
    const exact = wordIds.get(term);
    if (exact !== undefined) found.set(exact, quality.exact);
    for (let at = this.#firstSortedAtLeast(term); at < wordsSorted.length; at++) {
      const word = wordsSorted[at]!;
      const text = words[word]!;
      if (!text.startsWith(term)) break;
      if (!found.has(word)) found.set(word, quality.prefix + (quality.prefixCompleteness * term.length) / text.length);
    }
    // Typos only from four letters on: with fewer, one changed letter matches half the vocabulary.
    if (term.length < 4) return found;
    const allowed = term.length >= 8 ? 2 : 1;
    for (let word = 0; word < words.length; word++) {
      if (found.has(word)) continue;
      const text = words[word]!;
      if (text.length < term.length - allowed) continue;
      const distance = this.#editDistances(term, text, allowed);
      if (distance.whole <= allowed) found.set(word, quality.typo[distance.whole - 1]!);
      else if (distance.prefix <= allowed) found.set(word, quality.typoInPrefix[distance.prefix - 1]!);
    }
    return found;
  }

  #firstSortedAtLeast(term: string): number {
    const { words, wordsSorted } = this.#parts;
    let low = 0;
    let high = wordsSorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (words[wordsSorted[middle]!]! < term) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * Optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions,
   * the common typo of touch typing) from `term` to the whole of `word` and to its closest
   * prefix, giving up once it exceeds `allowed`.
   */
  #editDistances(term: string, word: string, allowed: number): { whole: number; prefix: number } {
    const beyond = allowed + 1;
    const m = term.length;
    // Columns past m + allowed cannot bring a prefix within reach, nor a whole word that long.
    const n = Math.min(word.length, m + allowed);
    let [before, previous, current] = this.#rows;
    for (let j = 0; j <= n; j++) previous[j] = j;
    let previousMin = 0;
    for (let i = 1; i <= m; i++) {
      current[0] = i;
      let rowMin = i;
      const a = term.charCodeAt(i - 1);
      for (let j = 1; j <= n; j++) {
        const b = word.charCodeAt(j - 1);
        let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a === b ? 0 : 1));
        if (i > 1 && j > 1 && a === word.charCodeAt(j - 2) && term.charCodeAt(i - 2) === b) value = Math.min(value, before[j - 2]! + 1);
        current[j] = value;
        if (value < rowMin) rowMin = value;
      }
      // A transposition reaches back two rows, so give up only when two rows in a row are out of reach.
      if (rowMin > allowed && previousMin > allowed) return { whole: beyond, prefix: beyond };
      previousMin = rowMin;
      [before, previous, current] = [previous, current, before];
    }
    let prefix = beyond;
    for (let j = 1; j <= n; j++) prefix = Math.min(prefix, previous[j]!);
    const whole = word.length <= n ? previous[word.length]! : beyond;
    return { whole: Math.min(whole, beyond), prefix };
  }
}

/** The `limit` best of `items` by score, ties in item (GTIN) order; one pass, no sort of everything found. */
function bestItems(items: readonly number[], scores: Float64Array, limit: number): number[] {
  const better = (a: number, b: number) => scores[a]! > scores[b]! || (scores[a] === scores[b] && a < b);
  const best: number[] = [];
  for (const item of items) {
    if (best.length === limit && !better(item, best[best.length - 1]!)) continue;
    let at = best.length;
    while (at > 0 && better(item, best[at - 1]!)) at--;
    best.splice(at, 0, item);
    if (best.length > limit) best.pop();
  }
  return best;
}

/** Builds an index of `items` (in ascending GTIN order) in one go. */
export function buildSearchIndex(items: Iterable<CatalogItem>): SearchIndex {
  const builder = new SearchIndexBuilder();
  for (const item of items) builder.add(item);
  return builder.finish();
}

/** Items read per page while building from the catalogue (about 4 ms of work each). */
const pageSize = 250;
/**
 * The longest the build holds the lane's event loop before letting scans and screens
 * through: a 6,000-item catalogue takes about 100 ms to index, which must not land on a
 * scan's way to the screen in one piece.
 */
const sliceMs = 8;

async function buildFromCatalog(catalog: CatalogStore): Promise<SearchIndex> {
  const builder = new SearchIndexBuilder();
  let after: string | undefined;
  let sliceStarted = performance.now();
  for (;;) {
    const page = catalog.itemsAfter(after, pageSize);
    for (const item of page) builder.add(item);
    if (page.length < pageSize) return builder.finish();
    after = page[page.length - 1]!.gtin;
    if (performance.now() - sliceStarted >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
}

interface CachedIndex {
  readonly revision: string;
  readonly building: Promise<SearchIndex>;
  built: SearchIndex | undefined;
  /** The index of the previous revision, answering while this one is built. */
  readonly previous: SearchIndex | undefined;
}

const indexes = new WeakMap<CatalogStore, CachedIndex>();

/**
 * The catalogue's search index: built on first use, in slices between which the lane goes on
 * working, and again whenever the catalogue has changed. While a new one is being built the old
 * one answers (results are read back from the catalogue, so their prices are current anyway).
 */
export async function searchIndexOf(catalog: CatalogStore): Promise<SearchIndex> {
  const revision = catalog.revision();
  const cached = indexes.get(catalog);
  if (cached && cached.revision === revision) return cached.built ?? cached.previous ?? cached.building;
  const entry: CachedIndex = { revision, building: buildFromCatalog(catalog), built: undefined, previous: cached?.built ?? cached?.previous };
  indexes.set(catalog, entry);
  entry.building.then(
    (index) => {
      entry.built = index;
    },
    () => {
      // Try again on the next search (the caller of this one gets the error).
      if (indexes.get(catalog) === entry) indexes.delete(catalog);
    },
  );
  return entry.previous ?? entry.building;
}

function clampLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(0, Math.min(maxLimit, Math.floor(limit)));
}

/** Reads the items back from the catalogue (fresh prices), skipping any that went away since the index was built. */
function choicesOf(catalog: CatalogStore, index: SearchIndex, items: readonly number[]): ItemChoice[] {
  return items.flatMap((item) => {
    const found = catalog.lookup(index.gtinOf(item));
    return found && !found.variableMeasure ? [toItemChoice(found)] : [];
  });
}

export interface SearchItemsOptions {
  /** What the shopper typed: a PLU, barcode digits, or words of a name. */
  readonly text: string;
  /** The shopper's language: names in it rank first. */
  readonly language: Language;
  readonly limit?: number;
}

/** Items for what the shopper typed, best first. Empty for blank text. */
export async function searchItems(catalog: CatalogStore, options: SearchItemsOptions): Promise<ItemChoice[]> {
  const limit = clampLimit(options.limit, defaultSearchLimit);
  if (limit === 0 || options.text.trim() === '') return [];
  const index = await searchIndexOf(catalog);
  return choicesOf(catalog, index, index.search(options.text, options.language, limit));
}

export interface MostUsedItemsOptions {
  /** How many of each item this lane sold, by GTIN-14. */
  readonly usage: ReadonlyMap<string, number>;
  readonly limit?: number;
  /** Orders the items this lane has not sold yet by their name in this language. */
  readonly language?: Language;
}

const iconOrder: Readonly<Record<ItemIcon, number>> = { fruit: 0, vegetable: 1, bread: 2, generic: 3 };
const collators = new Map<Language, Intl.Collator>();

/**
 * The lookup's first screen: items without a barcode (with a PLU, or loose by weight), those
 * this lane sells most first, then fruit, vegetables, bread and the rest, each by name.
 */
export async function mostUsedItems(catalog: CatalogStore, options: MostUsedItemsOptions): Promise<ItemChoice[]> {
  const limit = clampLimit(options.limit, defaultMostUsedLimit);
  const index = await searchIndexOf(catalog);
  const language = options.language ?? 'en';
  let collator = collators.get(language);
  if (!collator) {
    collator = new Intl.Collator(localeOf[language]);
    collators.set(language, collator);
  }
  const byName = collator;
  const choices = choicesOf(catalog, index, index.lookupItems());
  const used = (choice: ItemChoice) => options.usage.get(choice.gtin) ?? 0;
  choices.sort((a, b) => used(b) - used(a) || iconOrder[a.icon] - iconOrder[b.icon] || byName.compare(localized(a.name, language), localized(b.name, language)));
  return choices.slice(0, limit);
}
