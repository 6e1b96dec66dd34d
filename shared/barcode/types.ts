import type { Result } from '../result';

/** What the lane recognised a scan as. */
export type Symbology =
  | 'ean-13'
  | 'ean-8'
  | 'upc-a'
  | 'upc-e'
  | 'gtin-14'
  | 'gs1-128'
  | 'gs1-databar'
  /** A GS1 element string carried in a GS1 DataMatrix (AIM `]d2`). */
  | 'gs1-datamatrix'
  /** A GS1 element string carried in a GS1 QR Code (AIM `]Q3`). */
  | 'gs1-qr'
  | 'gs1-digital-link';

/**
 * Why a scan was refused. Each reason has a shopper message in every language
 * (i18n key `barcode.reason.<reason>`) and is written to the lane log with `detail`.
 */
export type BarcodeRejectionReason =
  | 'empty'
  | 'invalidCharacters'
  | 'wrongLength'
  | 'checkDigit'
  | 'priceCheckDigit'
  | 'unknownSymbology'
  | 'unsupportedSymbology'
  | 'addOnOnly'
  | 'malformedElementString'
  | 'unknownApplicationIdentifier'
  | 'missingGtin'
  | 'malformedDigitalLink'
  | 'unsupportedPrecision';

export interface BarcodeRejection {
  readonly reason: BarcodeRejectionReason;
  /** English, for the log and store IT; never shown to shoppers. */
  readonly detail: string;
  /** The symbology when it could be told (from the AIM id or the data's shape). */
  readonly symbology?: Symbology | undefined;
}

export interface DecodedBarcode {
  readonly symbology: Symbology;
  /** The AIM symbology identifier the scanner sent, e.g. `]E0`; absent when none was sent. */
  readonly aim?: string | undefined;
  /** The scanned GTIN as GTIN-14 (left-padded with zeros). */
  readonly gtin: string;
  /**
   * The key the catalogue is searched by. Equal to `gtin`, except for restricted-circulation
   * (in-store, prefix 20–29) numbers, where the embedded price/weight digits (and a price check
   * digit, if the template has one) are zeroed and the check digit recomputed, so one catalogue row
   * serves every label printed for that item.
   */
  readonly lookupGtin: string;
  /** Set for restricted-circulation numbers decoded through the store's template. */
  readonly restricted?: { readonly template: string; readonly itemReference: string } | undefined;
  /** Price embedded in the code (restricted-circulation price field, or GS1 AI 392n), in minor units. */
  readonly priceMinor?: number | undefined;
  /** Net weight embedded in the code (restricted-circulation weight field, or GS1 AI 310n), in grams. */
  readonly weightGrams?: number | undefined;
}

export type BarcodeDecodeResult = Result<DecodedBarcode, BarcodeRejection>;
