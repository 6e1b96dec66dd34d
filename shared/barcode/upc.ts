import { isDigitRange } from './checkDigit';

/**
 * UPC-E → UPC-A expansion (the zero-suppression rules of GS1 General Specifications, UPC-E symbol;
 * ISO/IEC 15420).
 *
 * A UPC-E symbol `S a b c d e N X` (number system S, six data digits, check X) stands for the
 * UPC-A number rebuilt from its last data digit N:
 *   N 0–2: S a b N 0 0 0 0 c d e X
 *   N 3:   S a b c 0 0 0 0 0 d e X
 *   N 4:   S a b c d 0 0 0 0 0 e X
 *   N 5–9: S a b c d e 0 0 0 0 N X
 * The check digit is the UPC-A's, copied unchanged; only number systems 0 and 1 exist in UPC-E.
 */

/** True when the 8-digit UPC-E's number system (first digit) is 0 or 1. */
export function hasUpcENumberSystem(upce8: string, start = 0): boolean {
  const numberSystem = upce8.charCodeAt(start);
  return numberSystem === 48 || numberSystem === 49; // '0' | '1'
}

/** The 12-digit UPC-A for an 8-digit UPC-E (number system, 6 digits, check digit), e.g. `01234565` → `012345000065`. */
export function expandUpcE(upce8: string): string {
  if (upce8.length !== 8 || !isDigitRange(upce8, 0, 8)) throw new RangeError(`a UPC-E has 8 digits, got "${upce8}"`);
  if (!hasUpcENumberSystem(upce8)) throw new RangeError(`a UPC-E has number system 0 or 1, got "${upce8}"`);
  const numberSystem = upce8[0]!;
  const ab = upce8.slice(1, 3);
  const c = upce8[3]!;
  const d = upce8[4]!;
  const e = upce8[5]!;
  const n = upce8[6]!;
  const check = upce8[7]!;
  switch (n) {
    case '0':
    case '1':
    case '2':
      return `${numberSystem}${ab}${n}0000${c}${d}${e}${check}`;
    case '3':
      return `${numberSystem}${ab}${c}00000${d}${e}${check}`;
    case '4':
      return `${numberSystem}${ab}${c}${d}00000${e}${check}`;
    default:
      return `${numberSystem}${ab}${c}${d}${e}0000${n}${check}`;
  }
}
