/** Barcode decoding: what a scanner sent → what the lane should do with it. */
export { decodeBarcode, MAX_SCAN_LENGTH, type DecodeOptions } from './decode';
export { parseScannerText } from './scannerText';
export { gtinCheckDigit, isValidGtin, toGtin14 } from './checkDigit';
export { expandUpcE } from './upc';
export {
  getRestrictedTemplate,
  makeRestrictedBarcode,
  restrictedLookupGtin,
  restrictedTemplates,
  type DigitField,
  type RestrictedFormat,
  type RestrictedPrefix,
  type RestrictedTemplate,
} from './restricted';
export type { BarcodeDecodeResult, BarcodeRejection, BarcodeRejectionReason, DecodedBarcode, Symbology } from './types';
