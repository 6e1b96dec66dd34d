import { currencyExponent } from '../money';
import { err, ok, type Result } from '../result';
import { threeDigitApplicationIdentifier, twoDigitApplicationIdentifier, type ApplicationIdentifier } from './applicationIdentifiers';
import { digitAt, hasValidMod10CheckDigit, isDigitRange, mod10CheckDigit } from './checkDigit';
import { amountToMinor, kilogramsToGrams, readDigits } from './measures';
import { describeCharacter, failure, type Failure } from './rejection';

/**
 * GS1 element strings (GS1 General Specifications §7.8): a concatenation of AI + data, as sent by
 * GS1-128, GS1 DataBar, GS1 DataMatrix and GS1 QR Code, in one of two notations:
 * - transmitted: `0109506000134352` `3103000750`; variable-length data ends at GS (U+001D, the
 *   transmitted FNC1) or end of data, and a leading GS (FNC1 in first position) is skipped;
 * - human-readable: `(01)09506000134352(3103)000750`; data ends at the next `(` or end of data
 *   (so a `(` inside X data cannot be written in this notation).
 */

export const GS = 0x1d;
const OPEN_PARENTHESIS = 0x28;

/** What the lane takes from an element string. */
export interface Gs1Fields {
  gtin: string | undefined;
  weightGrams: number | undefined;
  priceMinor: number | undefined;
}

/** GS1 AI encodable character set 82 (§7.11 Figure 7.11-1): printable ASCII except space # $ @ [ \ ] ^ ` { | } ~. */
function isCharacterSet82(code: number): boolean {
  if (code < 0x21 || code > 0x7a) return false;
  return code !== 0x23 && code !== 0x24 && code !== 0x40 && (code < 0x5b || code > 0x5e) && code !== 0x60;
}

function aiText(text: string, aiStart: number, definition: ApplicationIdentifier): string {
  return `(${text.slice(aiStart, aiStart + definition.aiLength)})`;
}

/**
 * Check one element's data `text[valueStart, valueEnd)` against its AI and take what the lane needs into
 * `fields`. `decimals` is the 4th AI digit of a 4-digit AI. Shared with Digital Link query parameters.
 */
export function readElement(
  fields: Gs1Fields,
  text: string,
  definition: ApplicationIdentifier,
  aiStart: number,
  decimals: number,
  valueStart: number,
  valueEnd: number,
  currency: string,
): Failure | undefined {
  const length = valueEnd - valueStart;
  if (length < definition.minLength || length > definition.maxLength) {
    const expected = definition.fixed ? `${definition.maxLength}` : `${definition.minLength} to ${definition.maxLength}`;
    return failure('malformedElementString', `AI ${aiText(text, aiStart, definition)} ${definition.title} holds ${expected} characters, got ${length}`);
  }
  const digitsUpTo = definition.charset === 'N' ? valueEnd : valueStart + definition.leadingDigits;
  for (let i = valueStart; i < valueEnd; i++) {
    const code = text.charCodeAt(i);
    const valid = i < digitsUpTo ? code >= 48 && code <= 57 : isCharacterSet82(code);
    if (!valid) {
      return failure('malformedElementString', `AI ${aiText(text, aiStart, definition)} ${definition.title} cannot hold ${describeCharacter(code)} (position ${i})`);
    }
  }
  if (definition.checkDigit && !hasValidMod10CheckDigit(text, valueStart, valueEnd)) {
    return failure(
      'checkDigit',
      `AI ${aiText(text, aiStart, definition)} ${definition.title} check digit is ${digitAt(text, valueEnd - 1)}, expected ${mod10CheckDigit(text, valueStart, valueEnd - 1)}`,
    );
  }
  switch (definition.role) {
    case 'gtin': {
      const gtin = text.slice(valueStart, valueEnd);
      if (fields.gtin !== undefined && fields.gtin !== gtin) {
        return failure('malformedElementString', `the element string holds two different GTINs, ${fields.gtin} and ${gtin}`);
      }
      fields.gtin = gtin;
      return undefined;
    }
    case 'netWeightKg': {
      if (fields.weightGrams !== undefined) return failure('malformedElementString', 'the element string holds more than one net weight (AI 310n)');
      fields.weightGrams = kilogramsToGrams(readDigits(text, valueStart, valueEnd), decimals);
      return undefined;
    }
    case 'priceLocalCurrency': {
      if (fields.priceMinor !== undefined) return failure('malformedElementString', 'the element string holds more than one price (AI 392n)');
      const exponent = currencyExponent(currency);
      const amount = readDigits(text, valueStart, valueEnd);
      const minor = amountToMinor(amount, decimals, exponent);
      if (minor === undefined) {
        return decimals > exponent
          ? failure('unsupportedPrecision', `AI ${aiText(text, aiStart, definition)} price ${text.slice(valueStart, valueEnd)} has ${decimals} decimals, more than ${currency} minor units allow (${exponent})`)
          : failure('malformedElementString', `AI ${aiText(text, aiStart, definition)} price ${text.slice(valueStart, valueEnd)} is too large`);
      }
      fields.priceMinor = minor;
      return undefined;
    }
    case undefined:
      return undefined;
  }
}

/**
 * The AI starting at `text[at]`, reading at most `available` characters; a 4-digit AI's last digit (n)
 * must be in the AI's defined range (3106 does not exist).
 */
function findApplicationIdentifier(text: string, at: number, available: number): ApplicationIdentifier | Failure {
  if (available < 2 || !isDigitRange(text, at, at + 2)) {
    return failure('malformedElementString', `expected an application identifier at position ${at}, found ${describeAt(text, at)}`);
  }
  const twoDigit = twoDigitApplicationIdentifier(text, at);
  if (twoDigit !== undefined) return twoDigit;
  if (available < 3 || !isDigitRange(text, at, at + 3)) {
    return failure('unknownApplicationIdentifier', `application identifier ${text.slice(at, at + 2)} at position ${at} is not one this lane knows`);
  }
  const definition = threeDigitApplicationIdentifier(text, at);
  if (definition === undefined) {
    return failure('unknownApplicationIdentifier', `application identifier ${text.slice(at, at + 3)}… at position ${at} is not one this lane knows`);
  }
  if (definition.aiLength === 4) {
    if (available < 4 || !isDigitRange(text, at + 3, at + 4)) {
      return failure('malformedElementString', `application identifier ${text.slice(at, at + 3)}n at position ${at} lacks its decimal-point digit n`);
    }
    if (digitAt(text, at + 3) > definition.maxDecimals) {
      return failure('unknownApplicationIdentifier', `application identifier ${text.slice(at, at + 4)} is not defined (${definition.prefix}n allows n 0–${definition.maxDecimals})`);
    }
  }
  return definition;
}

function isFailure(value: ApplicationIdentifier | Failure): value is Failure {
  return 'reason' in value;
}

function describeAt(text: string, at: number): string {
  return at < text.length ? describeCharacter(text.charCodeAt(at)) : 'end of data';
}

/** Parse the element string `text[start…]` in either notation. */
export function parseElementString(text: string, start: number, currency: string): Result<Gs1Fields, Failure> {
  const fields: Gs1Fields = { gtin: undefined, weightGrams: undefined, priceMinor: undefined };
  const problem = text.charCodeAt(start) === OPEN_PARENTHESIS ? readHumanReadable(fields, text, start, currency) : readTransmitted(fields, text, start, currency);
  if (problem !== undefined) return err(problem);
  if (fields.gtin === undefined) return err(failure('missingGtin', 'the element string has no GTIN (AI 01)'));
  return ok(fields);
}

/** `01095060001343523103000750` with GS after variable-length data. */
function readTransmitted(fields: Gs1Fields, text: string, start: number, currency: string): Failure | undefined {
  const end = text.length;
  let position = text.charCodeAt(start) === GS ? start + 1 : start; // FNC1 in first position
  if (position >= end) return failure('malformedElementString', 'the element string is empty');
  while (position < end) {
    const aiStart = position;
    const definition = findApplicationIdentifier(text, aiStart, end - aiStart);
    if (isFailure(definition)) return definition;
    const decimals = definition.aiLength === 4 ? digitAt(text, aiStart + 3) : 0;
    const valueStart = aiStart + definition.aiLength;
    let valueEnd: number;
    if (definition.fixed) {
      valueEnd = valueStart + definition.maxLength;
      if (valueEnd > end) {
        return failure('malformedElementString', `AI ${aiText(text, aiStart, definition)} ${definition.title} needs ${definition.maxLength} characters, only ${end - valueStart} remain`);
      }
      position = valueEnd < end && text.charCodeAt(valueEnd) === GS ? valueEnd + 1 : valueEnd; // a GS after fixed data is redundant but harmless
    } else {
      const separator = text.indexOf('\u001d', valueStart);
      valueEnd = separator < 0 ? end : separator;
      position = separator < 0 ? end : separator + 1;
    }
    const problem = readElement(fields, text, definition, aiStart, decimals, valueStart, valueEnd, currency);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** `(01)09506000134352(3103)000750`. */
function readHumanReadable(fields: Gs1Fields, text: string, start: number, currency: string): Failure | undefined {
  const end = text.length;
  let position = start;
  while (position < end) {
    if (text.charCodeAt(position) !== OPEN_PARENTHESIS) {
      return failure('malformedElementString', `expected '(' before an application identifier at position ${position}, found ${describeAt(text, position)}`);
    }
    const aiStart = position + 1;
    const close = text.indexOf(')', aiStart);
    const aiLength = close - aiStart;
    if (close < 0 || aiLength < 2 || aiLength > 4 || !isDigitRange(text, aiStart, close)) {
      return failure('malformedElementString', `expected a 2- to 4-digit application identifier in parentheses at position ${position}`);
    }
    const definition = findApplicationIdentifier(text, aiStart, aiLength);
    if (isFailure(definition)) return definition;
    if (definition.aiLength !== aiLength) {
      return failure('unknownApplicationIdentifier', `application identifier (${text.slice(aiStart, close)}) is not one this lane knows`);
    }
    const decimals = aiLength === 4 ? digitAt(text, aiStart + 3) : 0;
    const valueStart = close + 1;
    const nextOpen = text.indexOf('(', valueStart);
    const valueEnd = nextOpen < 0 ? end : nextOpen;
    const problem = readElement(fields, text, definition, aiStart, decimals, valueStart, valueEnd, currency);
    if (problem !== undefined) return problem;
    position = valueEnd;
  }
  return undefined;
}
