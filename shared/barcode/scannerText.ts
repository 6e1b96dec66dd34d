/**
 * People and CLIs cannot type the GS character (U+001D) that GS1 barcodes transmit as the FNC1
 * separator, so they write `\x1d` (4 characters, any case) or `<GS>` (any case).
 */
const GS_NOTATION = /\\x1d|<gs>/gi;

/** Raw scan data from human/CLI notation: `\x1d` and `<GS>` become U+001D. */
export function parseScannerText(text: string): string {
  return text.replace(GS_NOTATION, '\u001d');
}
