import type { LocalizedText } from '../i18n/languages';

/** How an item's price is counted. */
export type SoldBy =
  /** a fixed price per piece */
  | 'unit'
  /** `priceMinor` is per kilogram; the weight comes from the scale or the label */
  | 'weight';

/** One sellable item of the store's catalogue, as the lane looks it up on a scan. */
export interface CatalogItem {
  /** GTIN-14 key (for variable-measure items: the restricted-circulation lookup key). */
  readonly gtin: string;
  /** Produce look-up code (4–5 digits) for items without a barcode. */
  readonly plu?: string | undefined;
  readonly name: LocalizedText;
  /** Minor units of the store currency, per piece or per kilogram (see `soldBy`). VAT included. */
  readonly priceMinor: number;
  readonly soldBy: SoldBy;
  /** True for items labelled at a service counter with their own price or weight in the barcode. */
  readonly variableMeasure: boolean;
  readonly vatClass: string;
  /** VAT rate in basis points (21 % = 2100), copied from the VAT class at lookup time. */
  readonly vatRateBp: number;
  /** Minimum buyer age in years, for age-restricted items. */
  readonly ageLimit?: number | undefined;
  /** What one piece weighs as the store says, for the bagging scale before the lane has learned it. */
  readonly expectedWeight?: { readonly grams: number; readonly toleranceGrams: number } | undefined;
}
