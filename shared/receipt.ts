/**
 * A receipt as a printer-neutral document. The lane builds it (in the
 * shopper's language, with money already formatted); a printer driver encodes
 * it into its own command language.
 */
export type ReceiptBlock =
  | { readonly kind: 'text'; readonly text: string; readonly align?: 'left' | 'center' | 'right'; readonly bold?: boolean; readonly size?: 'normal' | 'large' }
  /** One row: `left` and `right` at the two edges; `left` wraps if it does not fit. */
  | { readonly kind: 'row'; readonly left: string; readonly right: string; readonly bold?: boolean }
  | { readonly kind: 'rule' }
  | { readonly kind: 'feed'; readonly lines: number }
  | { readonly kind: 'barcode'; readonly symbology: 'code128' | 'ean13'; readonly data: string }
  | { readonly kind: 'qr'; readonly data: string };

export interface ReceiptDocument {
  readonly blocks: readonly ReceiptBlock[];
}
