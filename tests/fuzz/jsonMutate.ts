import { mutate as mutateBytes, randomBytes, type Random } from './mutate';

/**
 * JSON-aware input generation for the message fuzzers: a well-formed message (built with the
 * real types) is parsed into a tree, one to four nodes are changed — wrong types, missing and
 * extra fields, prototype keys, huge strings and numbers, NaN-like strings, unicode, deep
 * nesting, values spliced in from other messages — and it is written back as JSON text, which
 * is then sometimes damaged as text (truncated, bytes flipped, garbage spliced in).
 *
 * The writer is our own, so a mutated message can hold what `JSON.stringify` cannot write: an
 * own `__proto__` key, the same key twice, numbers like `1e999` or `-0`, and nesting deeper
 * than the call stack.
 */

/** Text written into the JSON as it is (a number token, or a deeply nested value). */
class Raw {
  constructor(readonly text: string) {}
}

/** An object that may hold a key twice (the parser keeps the last). */
class Entries {
  constructor(readonly entries: readonly (readonly [string, unknown])[]) {}
}

/** Keys that mean something to JavaScript rather than to the protocol. */
export const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'toJSON', 'then', '__defineGetter__'];

const numericStrings = ['NaN', 'Infinity', '-Infinity', '-0', '0', '1e3', '1e999', '0x1F', ' 12 ', '12abc', '', '٣', '1_000', '9007199254740993', '-1', '0.1', '.5', '+1'];
const unicodeStrings = [
  'Piens 2,5% 1 l',
  'Молоко',
  'ĀāČčĒēĢģĪīĶķĻļŅņŠšŪūŽž',
  'مرحبا',
  '\u202eevil\u202c',
  'a\u0000b',
  '\u200b\u200c\u200d\ufeff',
  '😀👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301',
  '\ud800',
  '\udfff\ud800',
  '\u0007\u001b[2J',
  '\r\n\t',
  '<script>alert(1)</script>',
  "'; DROP TABLE sales; --",
  '../../etc/passwd',
  '%s%n%x',
  '${7*7}',
];
const interestingNumbers = [0, -1, 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 53), 1e21, 1.5, 0.1, -0.5, 1e308, -1e308, 5e-324, 8_640_000_000_000_001];
const rawNumbers = ['-0', '1e999', '-1e999', '1E+2', '0.0000000000000000000001', '123456789012345678901234567890', '1.0'];

/** A place in a tree: the container and the key in it (none for the root). */
interface Node {
  readonly parent: Record<string | number, unknown> | undefined;
  readonly key: string | number | undefined;
  readonly value: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Raw) && !(value instanceof Entries);
}

/** Every node of a tree, root first (bounded: huge arrays are sampled, not walked whole). */
function nodes(root: unknown): Node[] {
  const out: Node[] = [{ parent: undefined, key: undefined, value: root }];
  for (let index = 0; index < out.length && out.length < 2_000; index++) {
    const { value } = out[index]!;
    if (Array.isArray(value)) {
      const step = Math.max(1, Math.floor(value.length / 50));
      for (let at = 0; at < value.length; at += step) out.push({ parent: value as unknown as Record<number, unknown>, key: at, value: value[at] });
    } else if (isObject(value)) {
      for (const key of Object.keys(value)) out.push({ parent: value, key, value: value[key] });
    }
  }
  return out;
}

/** A copy of a JSON value whose objects have no prototype, so `__proto__` can be an own key. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (isObject(value)) {
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value)) out[key] = copy(value[key]);
    return out;
  }
  return value;
}

/** Puts `next` where `node` was; returns the (possibly new) root. */
function replaceAt(root: unknown, node: Node, next: unknown): unknown {
  if (node.parent === undefined) return next;
  node.parent[node.key!] = next;
  return root;
}

function removeAt(root: unknown, node: Node): unknown {
  if (node.parent === undefined) return undefined;
  if (Array.isArray(node.parent)) node.parent.splice(node.key as number, 1);
  else delete node.parent[node.key!];
  return root;
}

export function deepNesting(random: Random, depth = 0): Raw {
  // Deep text is slow to parse for sender and receiver alike: very deep only now and then.
  const levels = depth || (random.chance(8) ? random.pick([10_000, 100_000]) : random.pick([20, 200, 2_000]));
  if (random.chance(50)) return new Raw(`${'['.repeat(levels)}${']'.repeat(levels)}`);
  return new Raw(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);
}

function hugeString(random: Random): string {
  const length = random.chance(8) ? random.pick([70_000, 300_000]) : random.pick([300, 5_000]);
  return random.pick(['x', '9', 'é', '😀', ' ', '\\']).repeat(length).slice(0, length);
}

function randomKey(random: Random, known: readonly string[]): string {
  if (random.chance(40)) return random.pick(prototypeKeys);
  if (random.chance(40) && known.length > 0) return random.pick(known);
  return random.pick(['x', 'extra', 'id', 'type', 'kind', 'admin', 'role', 'laneId', '', ' ', 'é', '0']);
}

/** A value of any type, biased towards what breaks parsers. */
export function interestingValue(random: Random, donors: readonly unknown[]): unknown {
  switch (random.below(10)) {
    case 0:
      return random.pick(interestingNumbers);
    case 1:
      return new Raw(random.pick(rawNumbers));
    case 2:
      return random.pick(numericStrings);
    case 3:
      return random.pick(unicodeStrings);
    case 4:
      return random.chance(30) ? hugeString(random) : random.pick(numericStrings);
    case 5:
      return random.pick([null, true, false, [], Object.create(null), '']);
    case 6:
      return random.chance(30) ? deepNesting(random) : random.pick(unicodeStrings);
    case 7:
      return donors.length ? copy(random.pick(donors)) : null;
    case 8: {
      const object = Object.create(null) as Record<string, unknown>;
      object[random.pick(prototypeKeys)] = random.chance(50) ? { polluted: true } : 'yes';
      return object;
    }
    default:
      return Array.from({ length: random.pick([2, 100, 2_000]) }, () => random.pick([0, 'a', null, {}]));
  }
}

/** A node's value changed in a way that keeps something of it (off-by-one, truncated, same text other type). */
function nudge(random: Random, value: unknown, donors: readonly unknown[]): unknown {
  if (typeof value === 'number') {
    return random.pick<unknown>([value + 1, value - 1, -value, value * 1000, value / 3, String(value), new Raw('1e999'), Number.MAX_SAFE_INTEGER + 2, 0]);
  }
  if (typeof value === 'string') {
    return random.pick<unknown>([
      value + random.pick(unicodeStrings),
      value.slice(0, random.below(value.length + 1)),
      value.toUpperCase(),
      ` ${value}`,
      // Longer, but never past a few megabytes however many rounds repeat it.
      value.repeat(Math.max(1, Math.min(1 + random.below(200), Math.floor(2_000_000 / Math.max(1, value.length))))),
      Number(value),
      '',
      [value],
      value.replace(/./u, '\u0000'),
    ]);
  }
  if (typeof value === 'boolean') return random.pick<unknown>([!value, String(value), value ? 1 : 0, null]);
  if (Array.isArray(value)) {
    switch (random.below(5)) {
      case 0:
        return [];
      case 1:
        return [...value, ...value];
      case 2:
      {
        // The same element many times over (shared, not copied: it is only written out); objects fewer times.
        const element = value[0] ?? null;
        const size = typeof element === 'string' ? element.length : typeof element === 'object' && element !== null ? 1_000 : 10;
        const times = Math.max(1, Math.min(typeof element === 'object' && element !== null ? 10 + random.below(50) : 100 + random.below(1_000), Math.floor(2_000_000 / Math.max(1, size))));
        return Array.from({ length: times }, () => element);
      }
      case 3:
        return value.slice(0, random.below(value.length + 1));
      default:
        return [...value, interestingValue(random, donors)];
    }
  }
  if (value === null) return random.pick<unknown>([0, '', {}, [], 'null', false]);
  return interestingValue(random, donors);
}

/** Other values seen at keys of the same name in any seed (another message `type`, another enum member). */
function sameKeyDonor(random: Random, key: string | number | undefined, donorsByKey: ReadonlyMap<string, readonly unknown[]>): unknown {
  const candidates = typeof key === 'string' ? donorsByKey.get(key) : undefined;
  return candidates?.length ? copy(random.pick(candidates)) : undefined;
}

export interface JsonSeeds {
  readonly values: readonly unknown[];
  /** Every subtree of every seed, to splice into others. */
  readonly donors: readonly unknown[];
  /** Values by the key they sit under, e.g. every `type` and `kind` there is. */
  readonly donorsByKey: ReadonlyMap<string, readonly unknown[]>;
  readonly keys: readonly string[];
}

/** Indexes well-formed messages for mutation. */
export function jsonSeeds(values: readonly unknown[]): JsonSeeds {
  const donors: unknown[] = [];
  const byKey = new Map<string, unknown[]>();
  for (const value of values) {
    for (const node of nodes(value)) {
      donors.push(node.value);
      const key = node.key;
      if (typeof key !== 'string') continue;
      const list = byKey.get(key) ?? [];
      if (list.length < 200 && !list.some((seen) => JSON.stringify(seen) === JSON.stringify(node.value))) list.push(node.value);
      byKey.set(key, list);
    }
  }
  return { values, donors, donorsByKey: byKey, keys: [...byKey.keys()] };
}

/** One to four structural mutations of a copy of `seed`. */
export function mutateValue(random: Random, seed: unknown, seeds: JsonSeeds): unknown {
  let root = copy(seed);
  const rounds = 1 + random.below(4);
  for (let round = 0; round < rounds; round++) {
    const all = nodes(root);
    const node = random.pick(all);
    const { key, value } = node;
    switch (random.below(11)) {
      case 0:
      case 1:
        root = replaceAt(root, node, nudge(random, value, seeds.donors));
        break;
      case 2:
        root = replaceAt(root, node, interestingValue(random, seeds.donors));
        break;
      case 3:
        // A field missing.
        root = removeAt(root, node);
        break;
      case 4: {
        // An extra field, often one JavaScript treats specially.
        const target = isObject(value) ? value : all.map((node) => node.value).find(isObject);
        if (target) target[randomKey(random, seeds.keys)] = random.chance(50) ? interestingValue(random, seeds.donors) : copy(random.pick(seeds.donors));
        break;
      }
      case 5: {
        // Another value that was valid somewhere under this key: the wrong variant, an enum member of another field.
        const donor = sameKeyDonor(random, key, seeds.donorsByKey);
        root = replaceAt(root, node, donor === undefined ? copy(random.pick(seeds.donors)) : donor);
        break;
      }
      case 6:
        // Wrapped or unwrapped.
        root = replaceAt(root, node, random.chance(50) ? [value] : Object.assign(Object.create(null) as Record<string, unknown>, { value }));
        break;
      case 7:
        if (isObject(value)) {
          // A key renamed or given twice.
          const keys = Object.keys(value);
          if (keys.length === 0) break;
          const name = random.pick(keys);
          const entries = keys.map((each) => [each, value[each]] as const);
          const renamed = random.pick([name.toUpperCase(), `${name} `, `${name}_`, name.slice(1), random.pick(prototypeKeys)]);
          root = replaceAt(root, node, new Entries(random.chance(50) ? [...entries, [name, interestingValue(random, seeds.donors)]] : entries.map(([each, field]) => [each === name ? renamed : each, field] as const)));
        } else {
          root = replaceAt(root, node, nudge(random, value, seeds.donors));
        }
        break;
      case 8:
        root = replaceAt(root, node, random.chance(30) ? deepNesting(random) : nudge(random, value, seeds.donors));
        break;
      case 9:
        root = replaceAt(root, node, typeof value === 'string' && random.chance(50) ? hugeString(random) : new Raw(random.pick(rawNumbers)));
        break;
      default:
        // A whole other message here.
        root = replaceAt(root, node, copy(random.pick(seeds.values)));
        break;
    }
    if (root === undefined) root = copy(random.pick(seeds.values));
  }
  return root;
}

/** Whether a tree holds anything only our own writer can write. */
function special(value: unknown): boolean {
  if (value instanceof Raw || value instanceof Entries) return true;
  if (typeof value === 'number') return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(special);
  if (isObject(value)) return Object.keys(value).some((key) => special(value[key]));
  return false;
}

/** JSON text of a (possibly mutated) value: `JSON.stringify` (native, fast) unless the tree holds raw tokens or repeated keys. */
export function writeJson(value: unknown): string {
  try {
    return special(value) ? writeSpecial(value) : (JSON.stringify(value) ?? 'null');
  } catch (error) {
    // Mutations that copied huge values into each other can outgrow what a string may hold.
    if (error instanceof RangeError) return '["a mutation that grew past the longest string JavaScript can write"]';
    throw error;
  }
}

function writeSpecial(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Entries) return `{${value.entries.map(([key, field]) => `${JSON.stringify(key)}:${writeSpecial(field)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : writeSpecial(item))).join(',')}]`;
  if (isObject(value)) {
    const fields = Object.keys(value).filter((key) => value[key] !== undefined);
    return `{${fields.map((key) => `${JSON.stringify(key)}:${writeSpecial(value[key])}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value) ?? 'null';
}

/** Damage to the text itself: what a broken sender or a cut connection produces. */
export function damageText(random: Random, text: string): string {
  switch (random.below(6)) {
    case 0:
      return text.slice(0, random.below(text.length + 1));
    case 1: {
      const at = random.below(text.length + 1);
      return text.slice(0, at) + random.pick(['"', '\\', '{', ']', ',', ':', '\u0000', '\ud800', 'NaN', 'undefined', '\n', ' ', '}}}}']) + text.slice(at);
    }
    case 2: {
      if (text.length > 10_000) return text.slice(0, random.below(text.length + 1));
      const encoded = new TextEncoder().encode(text);
      const bytes = mutateBytes(random, encoded, [encoded]);
      return new TextDecoder().decode(bytes);
    }
    case 3:
      return `${text}${random.pick(['', ' ', '\n', 'x', text, '{}'])}`;
    case 4: {
      const at = random.below(text.length + 1);
      return text.slice(0, at) + new TextDecoder().decode(randomBytes(random, 32)) + text.slice(at);
    }
    default:
      return random.pick(['', ' ', 'null', 'true', '0', '[]', '{}', '"call"', '[{}]', '1e999', '-0']);
  }
}

export interface MessageMix {
  /** Percent of cases that are a seed sent as it is (lets stateful code get somewhere). */
  readonly valid: number;
  /** Percent of cases that are random bytes rather than anything JSON-like. */
  readonly garbage: number;
  /** Percent of mutated messages whose text is damaged as well. */
  readonly damaged: number;
}

export const defaultMix: MessageMix = { valid: 15, garbage: 5, damaged: 15 };

/** One generated message: a seed as it is, a mutation of one, or garbage. */
export function generateMessage(random: Random, seeds: JsonSeeds, mix: MessageMix = defaultMix, seed: unknown = random.pick(seeds.values)): string {
  const roll = random.below(100);
  if (roll < mix.valid) return writeJson(seed);
  if (roll < mix.valid + mix.garbage) return new TextDecoder().decode(randomBytes(random, random.chance(10) ? 4_000 : 200));
  const text = writeJson(mutateValue(random, seed, seeds));
  return random.chance(mix.damaged) ? damageText(random, text) : text;
}

/** The mutated tree itself (for harnesses that fix a mutated message up before sending it, e.g. re-signing it). */
export function mutatedTree(random: Random, seed: unknown, seeds: JsonSeeds): unknown {
  return mutateValue(random, seed, seeds);
}

/** A mutated tree read back as plain JSON data (what the receiver's `JSON.parse` would see), or undefined when it is not JSON. */
export function asParsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
