import { digitAt } from './checkDigit';

/**
 * The GS1 Application Identifiers a checkout lane meets on real labels (GS1 General Specifications
 * §3.2 "GS1 Application Identifiers in numerical order"; formats as in the GS1 Barcode Syntax
 * Dictionary).
 *
 * Element lengths: AIs whose first two digits are in the predefined-length table (Figure 7.8.5-2,
 * PREDEFINED_ELEMENT_LENGTHS) are fixed-length and need no GS (FNC1) after them. Variable-length AIs
 * end at GS or end of data. The few other fixed-length AIs (394n, 395n, 422) should be followed by a
 * GS; the parser reads their fixed length and accepts the GS or its absence.
 *
 * AIs are prefix-free, so an AI is found by looking up its first two digits, then its first three.
 */

/** What the lane takes from an element; AIs without a role are checked for syntax and skipped. */
export type AiRole = 'gtin' | 'netWeightKg' | 'priceLocalCurrency';

export interface ApplicationIdentifier {
  /** The AI's digits; for 4-digit AIs the first three (310 for 3100–3105), the fourth being n. */
  readonly prefix: string;
  /** Number of AI digits: 2, 3, or 4 (the 4th being the implied decimal point position n). */
  readonly aiLength: 2 | 3 | 4;
  /** GS1 data title, for log details. */
  readonly title: string;
  /** N: digits only; X: GS1 AI encodable character set 82 (§7.11 Figure 7.11-1). */
  readonly charset: 'N' | 'X';
  readonly minLength: number;
  readonly maxLength: number;
  /** Fixed-length data: exactly this many characters, then optionally a GS. */
  readonly fixed: boolean;
  /** Leading characters of an X field that must be digits (AI 421: ISO 3166 numeric country code). */
  readonly leadingDigits: number;
  /** The last digit is a GS1 mod-10 check digit (GS1 keys: SSCC, GTIN, GLN). */
  readonly checkDigit: boolean;
  /** For 4-digit AIs: the highest defined n (310n: 0–5, 392n: 0–9). */
  readonly maxDecimals: number;
  readonly role?: AiRole | undefined;
}

type Options = Partial<Pick<ApplicationIdentifier, 'leadingDigits' | 'checkDigit' | 'maxDecimals' | 'role' | 'minLength'>>;

function fixedNumeric(prefix: string, length: number, title: string, options: Options = {}): ApplicationIdentifier {
  return define(prefix, title, 'N', length, length, true, options);
}

function variable(prefix: string, charset: 'N' | 'X', maxLength: number, title: string, options: Options = {}): ApplicationIdentifier {
  return define(prefix, title, charset, options.minLength ?? 1, maxLength, false, options);
}

function define(prefix: string, title: string, charset: 'N' | 'X', minLength: number, maxLength: number, fixed: boolean, options: Options): ApplicationIdentifier {
  return {
    prefix,
    // A 3-digit prefix with a decimal-point digit n is a 4-digit AI (310n); without one, a 3-digit AI (410).
    aiLength: prefix.length === 2 ? 2 : options.maxDecimals === undefined ? 3 : 4,
    title,
    charset,
    minLength,
    maxLength,
    fixed,
    leadingDigits: options.leadingDigits ?? 0,
    checkDigit: options.checkDigit ?? false,
    maxDecimals: options.maxDecimals ?? 0,
    role: options.role,
  };
}

/** 31nn–36nn measures: N6 with n = 0–5 decimals (§3.6). */
function measure(prefix: string, title: string, options: Options = {}): ApplicationIdentifier {
  return fixedNumeric(prefix, 6, title, { maxDecimals: 5, ...options });
}

const GS1_KEY = { checkDigit: true } as const;

const DEFINITIONS: readonly ApplicationIdentifier[] = [
  fixedNumeric('00', 18, 'SSCC', GS1_KEY),
  fixedNumeric('01', 14, 'GTIN', { ...GS1_KEY, role: 'gtin' }),
  fixedNumeric('02', 14, 'CONTENT', GS1_KEY),
  variable('10', 'X', 20, 'BATCH/LOT'),
  fixedNumeric('11', 6, 'PROD DATE'),
  fixedNumeric('12', 6, 'DUE DATE'),
  fixedNumeric('13', 6, 'PACK DATE'),
  fixedNumeric('15', 6, 'BEST BEFORE or BEST BY'),
  fixedNumeric('16', 6, 'SELL BY'),
  fixedNumeric('17', 6, 'USE BY or EXPIRY'),
  fixedNumeric('20', 2, 'VARIANT'),
  variable('21', 'X', 20, 'SERIAL'),
  variable('22', 'X', 20, 'CPV'),
  variable('30', 'N', 8, 'VAR. COUNT'),
  variable('37', 'N', 8, 'COUNT'),
  variable('240', 'X', 30, 'ADDITIONAL ID'),
  variable('241', 'X', 30, 'CUST. PART No.'),
  variable('250', 'X', 30, 'SECONDARY SERIAL'),
  variable('251', 'X', 30, 'REF. TO SOURCE'),
  measure('310', 'NET WEIGHT (kg)', { role: 'netWeightKg' }),
  ...['311', '312', '313', '314', '315', '316'].map((prefix) => measure(prefix, 'trade measure (metric)')),
  ...['320', '321', '322', '323', '324', '325', '326', '327', '328', '329'].map((prefix) => measure(prefix, 'trade measure (imperial)')),
  ...['330', '331', '332', '333', '334', '335', '336', '337'].map((prefix) => measure(prefix, 'logistic measure (metric)')),
  ...['340', '341', '342', '343', '344', '345', '346', '347', '348', '349'].map((prefix) => measure(prefix, 'logistic measure (imperial)')),
  ...['350', '351', '352', '353', '354', '355', '356', '357'].map((prefix) => measure(prefix, 'area or weight measure (imperial)')),
  ...['360', '361', '362', '363', '364', '365', '366', '367', '368', '369'].map((prefix) => measure(prefix, 'volume measure (imperial)')),
  variable('390', 'N', 15, 'AMOUNT', { maxDecimals: 9 }),
  // N3 (ISO 4217 numeric currency) + N..15.
  variable('391', 'N', 18, 'AMOUNT (with ISO currency)', { maxDecimals: 9, minLength: 4 }),
  variable('392', 'N', 15, 'PRICE', { maxDecimals: 9, role: 'priceLocalCurrency' }),
  variable('393', 'N', 18, 'PRICE (with ISO currency)', { maxDecimals: 9, minLength: 4 }),
  fixedNumeric('394', 4, 'PRCNT OFF', { maxDecimals: 3 }),
  fixedNumeric('395', 6, 'PRICE/UoM', { maxDecimals: 5 }),
  fixedNumeric('410', 13, 'SHIP TO LOC', GS1_KEY),
  fixedNumeric('411', 13, 'BILL TO', GS1_KEY),
  fixedNumeric('412', 13, 'PURCHASE FROM', GS1_KEY),
  fixedNumeric('413', 13, 'SHIP FOR LOC', GS1_KEY),
  fixedNumeric('414', 13, 'LOC No.', GS1_KEY),
  fixedNumeric('415', 13, 'PAY TO', GS1_KEY),
  fixedNumeric('416', 13, 'PROD/SERV LOC', GS1_KEY),
  fixedNumeric('417', 13, 'PARTY', GS1_KEY),
  variable('420', 'X', 20, 'SHIP TO POST'),
  // N3 (ISO 3166 numeric country) + X..9.
  variable('421', 'X', 12, 'SHIP TO POST (with ISO country)', { leadingDigits: 3, minLength: 4 }),
  fixedNumeric('422', 3, 'ORIGIN'),
  // Company-internal information (§3.2: 90 X..30, 91–99 X..90); common on in-store labels.
  variable('90', 'X', 30, 'INTERNAL'),
  ...['91', '92', '93', '94', '95', '96', '97', '98', '99'].map((prefix) => variable(prefix, 'X', 90, 'INTERNAL')),
];

/**
 * GS1 General Specifications Figure 7.8.5-2 "Element strings with predefined length using GS1 Application
 * Identifiers": total length (AI + data) by the AI's first two digits.
 */
export const PREDEFINED_ELEMENT_LENGTHS: Readonly<Record<string, number>> = {
  '00': 20,
  '01': 16,
  '02': 16,
  '03': 16,
  '04': 18,
  '11': 8,
  '12': 8,
  '13': 8,
  '14': 8,
  '15': 8,
  '16': 8,
  '17': 8,
  '18': 8,
  '19': 8,
  '20': 4,
  '31': 10,
  '32': 10,
  '33': 10,
  '34': 10,
  '35': 10,
  '36': 10,
  '41': 16,
};

const BY_FIRST_TWO_DIGITS: (ApplicationIdentifier | undefined)[] = new Array<ApplicationIdentifier | undefined>(100).fill(undefined);
const BY_FIRST_THREE_DIGITS: (ApplicationIdentifier | undefined)[] = new Array<ApplicationIdentifier | undefined>(1000).fill(undefined);
for (const definition of DEFINITIONS) {
  const table = definition.prefix.length === 2 ? BY_FIRST_TWO_DIGITS : BY_FIRST_THREE_DIGITS;
  table[Number(definition.prefix)] = definition;
}

/** The AI whose first two digits are `text[at]`, `text[at + 1]` (both checked digits), if it is a 2-digit AI. */
export function twoDigitApplicationIdentifier(text: string, at: number): ApplicationIdentifier | undefined {
  return BY_FIRST_TWO_DIGITS[digitAt(text, at) * 10 + digitAt(text, at + 1)];
}

/** The 3- or 4-digit AI whose first three digits start at `text[at]` (all checked digits). */
export function threeDigitApplicationIdentifier(text: string, at: number): ApplicationIdentifier | undefined {
  return BY_FIRST_THREE_DIGITS[digitAt(text, at) * 100 + digitAt(text, at + 1) * 10 + digitAt(text, at + 2)];
}

/** Every AI this decoder knows, for tests and documentation. */
export const KNOWN_APPLICATION_IDENTIFIERS: readonly ApplicationIdentifier[] = DEFINITIONS;
