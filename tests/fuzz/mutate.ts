import { seededRandom } from '../../shared/random';

/**
 * Input generation for the protocol fuzzer: random byte strings and mutations of
 * valid frames (bit flips, byte swaps, insertions of protocol control bytes,
 * deletions, duplications, truncations, splices). Deterministic from a seed, so
 * a crash report can be replayed.
 */

/**
 * Seeded choices for the fuzzers (shared/random.ts's mulberry32). Every draw takes the generator's
 * high bits: a modulo of the low bits of the xorshift generator used before made some choices
 * follow others, so whole kinds of cases were almost never generated.
 */
export class Random {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = seededRandom(seed);
  }

  /** Uniform 32-bit unsigned. */
  next(): number {
    return Math.floor(this.#next() * 4294967296);
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : Math.floor(this.#next() * n);
  }

  chance(percent: number): boolean {
    return this.#next() * 100 < percent;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
}

/** Bytes that mean something to at least one of the protocols: framing, escapes, status prefixes. */
const interestingBytes = [0x00, 0x02, 0x03, 0x04, 0x0a, 0x0d, 0x10, 0x11, 0x13, 0x14, 0x1b, 0x1d, 0x3f, 0x53, 0x5d, 0x7f, 0x80, 0xa0, 0xff];

export function randomBytes(random: Random, maxLength: number): Uint8Array {
  const length = random.below(maxLength + 1);
  const bytes = new Uint8Array(length);
  const printable = random.chance(50);
  for (let i = 0; i < length; i++) {
    bytes[i] = random.chance(10) ? random.pick(interestingBytes) : printable ? 0x20 + random.below(0x5f) : random.below(256);
  }
  return bytes;
}

/** One to four mutations of a valid frame, sometimes spliced with another. */
export function mutate(random: Random, seed: Uint8Array, others: readonly Uint8Array[]): Uint8Array {
  let bytes = Array.from(seed);
  const rounds = 1 + random.below(4);
  for (let round = 0; round < rounds; round++) {
    const at = random.below(bytes.length + 1);
    switch (random.below(9)) {
      case 0:
        if (bytes.length) bytes[at % bytes.length]! ^= 1 << random.below(8);
        break;
      case 1:
        if (bytes.length) bytes[at % bytes.length] = random.below(256);
        break;
      case 2:
        bytes.splice(at, 0, random.pick(interestingBytes));
        break;
      case 3:
        bytes.splice(at, 1 + random.below(4));
        break;
      case 4: {
        const length = 1 + random.below(8);
        bytes.splice(at, 0, ...bytes.slice(at, at + length));
        break;
      }
      case 5:
        bytes = bytes.slice(0, at);
        break;
      case 6:
        bytes = [...bytes, ...Array.from(random.pick(others))];
        break;
      case 7:
        bytes.splice(at, 0, ...Array.from(randomBytes(random, 8)));
        break;
      default:
        // A long run: overflow paths of bounded buffers.
        if (random.chance(20)) bytes.splice(at, 0, ...new Array<number>(200 + random.below(1_200)).fill(random.pick([0x30, 0x41, 0xff])));
        break;
    }
  }
  return Uint8Array.from(bytes);
}

/** Splits a case into the chunks a serial port might deliver. */
export function chunks(random: Random, bytes: Uint8Array): Uint8Array[] {
  if (bytes.length <= 1 || random.chance(40)) return [bytes];
  const parts: Uint8Array[] = [];
  let start = 0;
  while (start < bytes.length) {
    const end = Math.min(bytes.length, start + 1 + random.below(Math.max(1, bytes.length >> 1)));
    parts.push(bytes.subarray(start, end));
    start = end;
  }
  return parts;
}
