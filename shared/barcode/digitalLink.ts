import { err, ok, type Result } from '../result';
import { threeDigitApplicationIdentifier } from './applicationIdentifiers';
import { digitAt, hasValidMod10CheckDigit, isDigitRange, mod10CheckDigit } from './checkDigit';
import { readElement, type Gs1Fields } from './gs1ElementString';
import { failure, type Failure } from './rejection';

/**
 * GS1 Digital Link URIs (GS1 Digital Link: URI Syntax standard, "uncompressed" form), as carried by
 * QR Codes and Data Matrix on packs:
 *
 *   http(s)://<any domain>[/<custom path>]/01/<GTIN>[/22/<cpv>][/10/<lot>][/21/<serial>][?<query>][#<fragment>]
 *
 * The primary key is the last path segments: `01`, an 8-, 12-, 13- or 14-digit GTIN, then only its key
 * qualifiers 22, 10, 21 in that order, so a `01` segment inside a custom path does not mislead.
 * Qualifiers are ignored. Query parameters named by AI 310n (net weight) or 392n (price) are read
 * like element-string data; every other parameter is ignored.
 */

const GTIN_LENGTHS: ReadonlySet<number> = new Set([8, 12, 13, 14]);
/** Key qualifiers of AI 01 in their required order (URI Syntax standard, key qualifier table). */
const GTIN_QUALIFIERS = ['22', '10', '21'] as const;

/** Length of `http://` or `https://` (any case) at `text[start]`, or 0 when neither starts there. */
export function httpSchemeLength(text: string, start: number): number {
  const scheme = text.slice(start, start + 8).toLowerCase();
  if (scheme.startsWith('http://')) return 7;
  if (scheme === 'https://') return 8;
  return 0;
}

/** True when `segments[from…]` are (qualifier AI, non-empty value) pairs in GS1 order. */
function areGtinQualifiers(segments: readonly string[], from: number): boolean {
  if ((segments.length - from) % 2 !== 0) return false;
  let nextQualifier = 0;
  for (let i = from; i < segments.length; i += 2) {
    const index = GTIN_QUALIFIERS.indexOf(segments[i] as (typeof GTIN_QUALIFIERS)[number], nextQualifier);
    if (index < 0 || segments[i + 1] === '') return false;
    nextQualifier = index + 1;
  }
  return true;
}

/**
 * Parse the URI `text[start…]` (starting with http:// or https://, `schemeLength` long). `undefined`
 * when the URI has no `01` path segment at all: a web address, not a Digital Link.
 */
export function parseDigitalLink(text: string, start: number, schemeLength: number, currency: string): Result<Gs1Fields, Failure> | undefined {
  const end = text.length;
  const hostStart = start + schemeLength;
  let pathStart = hostStart;
  while (pathStart < end && !isPathDelimiter(text.charCodeAt(pathStart))) pathStart++;
  if (pathStart === hostStart) return err(failure('malformedDigitalLink', 'the URI has no host name'));
  let pathEnd = pathStart;
  while (pathEnd < end && !isQueryOrFragmentStart(text.charCodeAt(pathEnd))) pathEnd++;

  const segments = text.slice(pathStart, pathEnd).split('/'); // [''] or ['', 'seg', …]
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop(); // trailing slash
  let sawGtinAi = false;
  for (let i = 1; i < segments.length; i++) {
    if (segments[i] !== '01') continue;
    sawGtinAi = true;
    if (i + 1 >= segments.length || !areGtinQualifiers(segments, i + 2)) continue;
    const fields: Gs1Fields = { gtin: undefined, weightGrams: undefined, priceMinor: undefined };
    const problem = readGtin(fields, segments[i + 1]!) ?? readQueryAttributes(fields, text, pathEnd, currency);
    return problem === undefined ? ok(fields) : err(problem);
  }
  if (!sawGtinAi) return undefined;
  return err(failure('malformedDigitalLink', `no path segment pair 01/<GTIN> followed only by qualifiers 22, 10, 21 in "${text.slice(pathStart, pathEnd)}"`));
}

function isPathDelimiter(code: number): boolean {
  return code === 0x2f || code === 0x3f || code === 0x23; // / ? #
}

function isQueryOrFragmentStart(code: number): boolean {
  return code === 0x3f || code === 0x23; // ? #
}

function readGtin(fields: Gs1Fields, gtin: string): Failure | undefined {
  if (!GTIN_LENGTHS.has(gtin.length) || !isDigitRange(gtin, 0, gtin.length)) {
    return failure('malformedDigitalLink', `01 must be followed by an 8-, 12-, 13- or 14-digit GTIN, got "${gtin}"`);
  }
  if (!hasValidMod10CheckDigit(gtin, 0, gtin.length)) {
    return failure('checkDigit', `GTIN ${gtin} check digit is ${digitAt(gtin, gtin.length - 1)}, expected ${mod10CheckDigit(gtin, 0, gtin.length - 1)}`);
  }
  fields.gtin = gtin.padStart(14, '0');
  return undefined;
}

/** Read `?3103=000750&3922=1234` style data attributes for net weight and price; ignore other parameters. */
function readQueryAttributes(fields: Gs1Fields, text: string, queryMark: number, currency: string): Failure | undefined {
  const end = text.length;
  if (queryMark >= end || text.charCodeAt(queryMark) !== 0x3f) return undefined;
  const fragment = text.indexOf('#', queryMark);
  const queryEnd = fragment < 0 ? end : fragment;
  let parameterStart = queryMark + 1;
  while (parameterStart < queryEnd) {
    const ampersand = text.indexOf('&', parameterStart);
    const parameterEnd = ampersand < 0 || ampersand > queryEnd ? queryEnd : ampersand;
    const equals = parameterStart + 4;
    // Only 4-digit AI keys matter here: 310n and 392n.
    if (equals < parameterEnd && text.charCodeAt(equals) === 0x3d && isDigitRange(text, parameterStart, equals)) {
      const definition = threeDigitApplicationIdentifier(text, parameterStart);
      if (definition?.aiLength === 4 && definition.role !== undefined && digitAt(text, parameterStart + 3) <= definition.maxDecimals) {
        const problem = readElement(fields, text, definition, parameterStart, digitAt(text, parameterStart + 3), equals + 1, parameterEnd, currency);
        if (problem !== undefined) {
          return problem.reason === 'malformedElementString' ? failure('malformedDigitalLink', `query parameter: ${problem.detail}`) : problem;
        }
      }
    }
    parameterStart = parameterEnd + 1;
  }
  return undefined;
}
