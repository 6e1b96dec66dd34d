import { ok } from '../result';
import { AIM_ID_LENGTH, AIM_PREFIX, describeAimId, hasWellFormedAimId } from './aim';
import { digitAt, hasValidMod10CheckDigit, isDigitRange, mod10CheckDigit } from './checkDigit';
import { httpSchemeLength, parseDigitalLink } from './digitalLink';
import { GS, parseElementString, type Gs1Fields } from './gs1ElementString';
import { describeCharacter, rejection } from './rejection';
import { readRestricted, type RestrictedTemplate } from './restricted';
import type { BarcodeDecodeResult, BarcodeRejectionReason, DecodedBarcode, Symbology } from './types';
import { expandUpcE, hasUpcENumberSystem } from './upc';

/**
 * What a scan means: `decodeBarcode` turns the raw data a scanner sends (optionally prefixed with an
 * AIM symbology identifier) into a GTIN-14, the catalogue lookup key, and any embedded price or weight.
 *
 * Decisions:
 * - A 13-digit EAN-13 whose first digit is 0 is a UPC-A (GTIN-12 in EAN-13 form) and is reported as
 *   `upc-a`, with or without `]E0`, so the same pack reads the same from every scanner.
 * - Without an AIM id, bare digits are told apart by length only: 8 EAN-8 (a bare 8-digit UPC-E cannot
 *   be told from an EAN-8; scanners send UPC-E under `]E0`), 12 UPC-A, 13 EAN-13, 14 GTIN-14.
 *   Longer data starting `01` + 14 digits is a GS1 element string from a scanner with AIM ids off.
 * - Restricted-circulation templates apply to GTINs read from EAN/UPC symbols and bare digits, not to
 *   AI (01) of element strings or Digital Links, whose price and weight travel in AIs 392n/310n.
 */

export interface DecodeOptions {
  /** ISO 4217 code of the shop's currency; embedded prices are returned in its minor units. */
  readonly currency: string;
  /** The store's restricted-circulation template; null/absent: prefixes 20–29 decode as plain GTINs. */
  readonly restrictedTemplate?: RestrictedTemplate | null | undefined;
}

/**
 * Longest scan accepted. GS1-128 holds at most 48 data characters and a GS1 Digital Link QR Code a few
 * hundred; anything longer is a runaway serial line, refused before it is looked at.
 */
export const MAX_SCAN_LENGTH = 512;

const CODE_0 = 48;
const OPEN_PARENTHESIS = 0x28;

type Writable<T> = { -readonly [K in keyof T]: T[K] };

export function decodeBarcode(raw: string, options: DecodeOptions): BarcodeDecodeResult {
  const length = raw.length;
  if (length === 0) return rejection('empty', 'the scan holds no data');
  if (length > MAX_SCAN_LENGTH) {
    return rejection('wrongLength', `the scan holds ${length} characters, more than the ${MAX_SCAN_LENGTH} any accepted barcode carries`);
  }
  const invalidAt = indexOfInvalidCharacter(raw);
  if (invalidAt >= 0) {
    return rejection('invalidCharacters', `${describeCharacter(raw.charCodeAt(invalidAt))} at position ${invalidAt} is a control character or non-ASCII byte, not barcode data`);
  }
  return raw.startsWith(AIM_PREFIX) ? decodeWithAimId(raw, options) : decodeWithoutAimId(raw, options);
}

/**
 * Index of the first character no barcode this lane reads can carry (controls other than GS, DEL,
 * anything beyond ASCII — typically line noise or a wrong baud rate), or -1.
 */
function indexOfInvalidCharacter(raw: string): number {
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if ((code < 0x20 && code !== GS) || code > 0x7e) return i;
  }
  return -1;
}

function decodeWithAimId(raw: string, options: DecodeOptions): BarcodeDecodeResult {
  if (!hasWellFormedAimId(raw)) {
    return rejection('unknownSymbology', `${quote(raw.slice(0, AIM_ID_LENGTH))} is not an AIM symbology identifier (']', a letter, then a letter or digit)`);
  }
  const aim = raw.slice(0, AIM_ID_LENGTH);
  if (aim === ']E1' || aim === ']E2') {
    return rejection('addOnOnly', `${aim} is a ${aim === ']E1' ? 2 : 5}-digit EAN/UPC add-on read without its main symbol`);
  }
  if (raw.length === AIM_ID_LENGTH) return rejection('empty', `the scan holds only the AIM identifier ${aim}`);
  switch (aim) {
    case ']E0':
      return decodeEanUpc(raw, aim, options);
    case ']E3':
      return decodeEanUpcWithAddOn(raw, aim, options);
    case ']E4':
      return decodeEan8(raw, aim, options);
    case ']C1':
      return decodeElementString(raw, AIM_ID_LENGTH, 'gs1-128', aim, options);
    case ']e0':
      return decodeElementString(raw, AIM_ID_LENGTH, 'gs1-databar', aim, options);
    case ']Q3':
    case ']d2':
      return decodeGs1TwoDimensional(raw, aim, aim === ']Q3' ? 'gs1-qr' : 'gs1-datamatrix', options);
    case ']Q1':
    case ']d1': {
      const schemeLength = httpSchemeLength(raw, AIM_ID_LENGTH);
      if (schemeLength > 0) return decodeDigitalLink(raw, AIM_ID_LENGTH, schemeLength, aim, 'unsupportedSymbology', options);
      return rejection('unsupportedSymbology', `${describeAimId(aim)} data is not a GS1 Digital Link URI`);
    }
    default:
      return rejection('unsupportedSymbology', `${describeAimId(aim)} is not a symbology the lane accepts`);
  }
}

function decodeWithoutAimId(raw: string, options: DecodeOptions): BarcodeDecodeResult {
  const length = raw.length;
  if (looksLikeTransmittedElementString(raw)) return decodeElementString(raw, 0, 'gs1-128', undefined, options);
  if (isDigitRange(raw, 0, length)) {
    switch (length) {
      case 8:
        return finishGtin(`000000${raw}`, 'ean-8', undefined, options);
      case 12:
        return finishGtin(`00${raw}`, 'upc-a', undefined, options);
      case 13:
        return finishGtin(`0${raw}`, ean13Symbology(raw, 0), undefined, options);
      case 14:
        return finishGtin(raw, 'gtin-14', undefined, options);
      default:
        return rejection('wrongLength', `${length} digits is not a GTIN length (8, 12, 13 or 14)`);
    }
  }
  const schemeLength = httpSchemeLength(raw, 0);
  if (schemeLength > 0) return decodeDigitalLink(raw, 0, schemeLength, undefined, 'unknownSymbology', options);
  const first = raw.charCodeAt(0);
  if (first === OPEN_PARENTHESIS || first === GS) return decodeElementString(raw, 0, 'gs1-128', undefined, options);
  return rejection('unknownSymbology', `${quote(raw)} is neither a GTIN, a GS1 element string nor a GS1 Digital Link URI`);
}

/** `01` + 14 digits and more: a GS1-128/DataBar element string sent without AIM id (no GTIN is 16+ digits). */
function looksLikeTransmittedElementString(raw: string): boolean {
  return raw.length >= 16 && raw.startsWith('01') && isDigitRange(raw, 2, 16);
}

/** An EAN-13 starting with 0 is a UPC-A in EAN-13 form. */
function ean13Symbology(raw: string, start: number): Symbology {
  return raw.charCodeAt(start) === CODE_0 ? 'upc-a' : 'ean-13';
}

/** `]E0`: EAN-13 / UPC-A in 13 digits (the standard form), or 12-digit UPC-A and 8-digit UPC-E from scanners set not to expand. */
function decodeEanUpc(raw: string, aim: string, options: DecodeOptions): BarcodeDecodeResult {
  const start = AIM_ID_LENGTH;
  const notDigits = requireDigits(raw, start, aim);
  if (notDigits !== undefined) return notDigits;
  return decodeEanUpcMain(raw, start, raw.length, aim, options);
}

function decodeEanUpcMain(raw: string, start: number, end: number, aim: string, options: DecodeOptions): BarcodeDecodeResult {
  switch (end - start) {
    case 13:
      return finishGtin(`0${raw.slice(start, end)}`, ean13Symbology(raw, start), aim, options);
    case 12:
      return finishGtin(`00${raw.slice(start, end)}`, 'upc-a', aim, options);
    case 8: {
      if (!hasUpcENumberSystem(raw, start)) {
        return rejection('unknownSymbology', `8 digits under ${aim} are a UPC-E, whose number system is 0 or 1, not ${raw.charAt(start)}`, 'upc-e');
      }
      return finishGtin(`00${expandUpcE(raw.slice(start, end))}`, 'upc-e', aim, options);
    }
    default:
      return rejection('wrongLength', `${aim} data has ${end - start} digits; EAN-13/UPC-A has 13 (or 12), UPC-E 8`);
  }
}

/** `]E3`: main symbol + 2- or 5-digit add-on (ISO/IEC 15420: 15 or 18 digits); the add-on is ignored. */
function decodeEanUpcWithAddOn(raw: string, aim: string, options: DecodeOptions): BarcodeDecodeResult {
  const start = AIM_ID_LENGTH;
  const notDigits = requireDigits(raw, start, aim);
  if (notDigits !== undefined) return notDigits;
  const length = raw.length - start;
  // 13 + 2 / 13 + 5 is the standard; 12 + 2 / 12 + 5 comes from scanners sending UPC-A unexpanded.
  const mainLength = length === 15 || length === 18 ? 13 : length === 14 || length === 17 ? 12 : 0;
  if (mainLength === 0) return rejection('wrongLength', `${aim} data has ${length} digits; EAN-13 with add-on has 15 or 18`);
  return decodeEanUpcMain(raw, start, start + mainLength, aim, options);
}

/** `]E4`: EAN-8. */
function decodeEan8(raw: string, aim: string, options: DecodeOptions): BarcodeDecodeResult {
  const start = AIM_ID_LENGTH;
  const notDigits = requireDigits(raw, start, aim);
  if (notDigits !== undefined) return notDigits;
  if (raw.length - start !== 8) return rejection('wrongLength', `${aim} (EAN-8) data has ${raw.length - start} digits, not 8`, 'ean-8');
  return finishGtin(`000000${raw.slice(start)}`, 'ean-8', aim, options);
}

function requireDigits(raw: string, start: number, aim: string): BarcodeDecodeResult | undefined {
  for (let i = start; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code < 48 || code > 57) return rejection('invalidCharacters', `${aim} data must be digits, found ${describeCharacter(code)} at position ${i}`);
  }
  return undefined;
}

/** `]Q3` / `]d2` (FNC1 in first position): a GS1 element string, or — leniently — a Digital Link URI. */
function decodeGs1TwoDimensional(raw: string, aim: string, symbology: Symbology, options: DecodeOptions): BarcodeDecodeResult {
  const schemeLength = httpSchemeLength(raw, AIM_ID_LENGTH);
  if (schemeLength > 0) return decodeDigitalLink(raw, AIM_ID_LENGTH, schemeLength, aim, 'unsupportedSymbology', options);
  const first = raw.charCodeAt(AIM_ID_LENGTH);
  if ((first >= 48 && first <= 57) || first === GS || first === OPEN_PARENTHESIS) {
    return decodeElementString(raw, AIM_ID_LENGTH, symbology, aim, options);
  }
  return rejection('unsupportedSymbology', `${describeAimId(aim)} data is neither a GS1 element string nor a GS1 Digital Link URI`);
}

function decodeElementString(raw: string, start: number, symbology: Symbology, aim: string | undefined, options: DecodeOptions): BarcodeDecodeResult {
  const parsed = parseElementString(raw, start, options.currency);
  if (!parsed.ok) return rejection(parsed.error.reason, parsed.error.detail, symbology);
  return ok(gs1Result(parsed.value, symbology, aim));
}

/** `notDigitalLink`: the reason for a web address without a `01/<GTIN>` path. */
function decodeDigitalLink(
  raw: string,
  start: number,
  schemeLength: number,
  aim: string | undefined,
  notDigitalLink: BarcodeRejectionReason,
  options: DecodeOptions,
): BarcodeDecodeResult {
  const parsed = parseDigitalLink(raw, start, schemeLength, options.currency);
  if (parsed === undefined) return rejection(notDigitalLink, `${quote(raw.slice(start))} is a web address, not a GS1 Digital Link (no 01/<GTIN> path)`);
  if (!parsed.ok) return rejection(parsed.error.reason, parsed.error.detail, 'gs1-digital-link');
  return ok(gs1Result(parsed.value, 'gs1-digital-link', aim));
}

function gs1Result(fields: Gs1Fields, symbology: Symbology, aim: string | undefined): DecodedBarcode {
  const gtin = fields.gtin!; // parsers only succeed with a GTIN
  const decoded: Writable<DecodedBarcode> = { symbology, gtin, lookupGtin: gtin };
  if (aim !== undefined) decoded.aim = aim;
  if (fields.weightGrams !== undefined) decoded.weightGrams = fields.weightGrams;
  if (fields.priceMinor !== undefined) decoded.priceMinor = fields.priceMinor;
  return decoded;
}

/** Verify the GTIN-14's check digit, then read a restricted-circulation number through the store's template. */
function finishGtin(gtin: string, symbology: Symbology, aim: string | undefined, options: DecodeOptions): BarcodeDecodeResult {
  if (!hasValidMod10CheckDigit(gtin, 0, 14)) {
    return rejection('checkDigit', `check digit is ${digitAt(gtin, 13)}, expected ${mod10CheckDigit(gtin, 0, 13)}`, symbology);
  }
  const decoded: Writable<DecodedBarcode> = { symbology, gtin, lookupGtin: gtin };
  if (aim !== undefined) decoded.aim = aim;
  const template = options.restrictedTemplate;
  // GTIN-14 0 2x…: an EAN-13 with GS1 prefix 20–29 (a UPC-A's GTIN-14 starts 00).
  if (template && gtin.charCodeAt(0) === CODE_0 && gtin.charCodeAt(1) === CODE_0 + 2) {
    const reading = readRestricted(template, gtin, options.currency);
    if (reading !== undefined) {
      if (!reading.ok) return rejection(reading.error.reason, reading.error.detail, symbology);
      const { itemReference, lookupGtin, priceMinor, weightGrams } = reading.value;
      decoded.restricted = { template: template.name, itemReference };
      decoded.lookupGtin = lookupGtin;
      if (priceMinor !== undefined) decoded.priceMinor = priceMinor;
      if (weightGrams !== undefined) decoded.weightGrams = weightGrams;
    }
  }
  return ok(decoded);
}

/** Scan data for a log detail: at most 40 characters, GS written as <GS>. */
function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `"${shown.replaceAll('\u001d', '<GS>')}"`;
}
