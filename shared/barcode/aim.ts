/**
 * AIM symbology identifiers (ISO/IEC 15424): a scanner configured to send them prefixes every scan
 * with `]`, a code character naming the symbology, and a modifier character (options, GS1 mode…),
 * e.g. `]E0` EAN-13, `]C1` GS1-128, `]Q3` GS1 QR Code.
 */

export const AIM_PREFIX = ']';
export const AIM_ID_LENGTH = 3;

/** Symbology names by AIM code character (ISO/IEC 15424 table 1), for log details. */
const SYMBOLOGY_NAMES: Readonly<Record<string, string>> = {
  A: 'Code 39',
  C: 'Code 128',
  d: 'Data Matrix',
  E: 'EAN/UPC',
  e: 'GS1 DataBar',
  F: 'Codabar',
  G: 'Code 93',
  H: 'Code 11',
  I: 'Interleaved 2 of 5 (ITF)',
  K: 'Code 16K',
  L: 'PDF417',
  M: 'MSI',
  O: 'Codablock',
  P: 'Plessey',
  Q: 'QR Code',
  R: 'Straight 2 of 5 (2-bar start/stop)',
  S: 'Straight 2 of 5 (3-bar start/stop)',
  T: 'Telepen',
  U: 'MaxiCode',
  X: 'other symbology',
  z: 'Aztec Code',
};

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isAsciiLetterOrDigit(code: number): boolean {
  return isAsciiLetter(code) || (code >= 48 && code <= 57);
}

/** True when `raw` starts with a well-formed AIM id: `]`, a letter, then a letter or digit. */
export function hasWellFormedAimId(raw: string): boolean {
  return raw.length >= AIM_ID_LENGTH && isAsciiLetter(raw.charCodeAt(1)) && isAsciiLetterOrDigit(raw.charCodeAt(2));
}

/** "]A0 (Code 39)" for a log detail. */
export function describeAimId(aim: string): string {
  const name = Object.hasOwn(SYMBOLOGY_NAMES, aim.charAt(1)) ? SYMBOLOGY_NAMES[aim.charAt(1)] : undefined;
  return name === undefined ? aim : `${aim} (${name})`;
}
