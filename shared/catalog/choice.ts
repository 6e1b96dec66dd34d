import type { LocalizedText } from '../i18n/languages';
import type { SoldBy } from './item';

/**
 * Pictures the kiosk can draw for an item in the lookup. The catalogue has no category, so
 * the lane guesses one from the item's name; anything it cannot place is `generic`.
 */
export const itemIcons = ['fruit', 'vegetable', 'bread', 'generic'] as const;
export type ItemIcon = (typeof itemIcons)[number];

/**
 * An item the shopper can pick in the lookup (by PLU or by name), as the lane sends it to the
 * screen: plain JSON, only what a tile shows. Choosing it sends the `gtin` back; the lane
 * prices it from its own catalogue, never from what the screen was shown.
 */
export interface ItemChoice {
  /** GTIN-14 key of the catalogue item. */
  readonly gtin: string;
  /** Produce look-up code, for items that have one. */
  readonly plu: string | null;
  readonly name: LocalizedText;
  /** Minor units of the store currency, per piece or per kilogram (see `soldBy`). */
  readonly priceMinor: number;
  readonly soldBy: SoldBy;
  readonly icon: ItemIcon;
}
