import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { ReceiptBlock, ReceiptDocument } from '../../shared/receipt';

export interface ReceiptEncodingOptions {
  /** Characters per line in font A: 42 on 80 mm paper (TM-T88 series), 32 on 58 mm. */
  readonly columns: number;
}

/**
 * Code pages tried in order for each run of text (`codepage('auto')`); the
 * encoder switches with `ESC t n` where the text needs it. Order matters:
 * PC866 (ESC t 17) covers Russian and Bulgarian, WPC1251 (46) adds € to
 * Cyrillic, WPC1257 (51) has the Latvian/Lithuanian letters, WPC1252 (16) the
 * western ones, PC437 (0) the box-drawing rule. Epson numbering, Command
 * Reference "ESC t" table; TM-T88V/VI carry all five.
 */
const codepageCandidates = ['cp866', 'windows1251', 'windows1257', 'windows1252', 'cp437'] as const;

/** Barcode geometry: 60 dots high (7.5 mm at 203 dpi) scans reliably from a receipt; width 2 = module 3 dots. */
const barcodeOptions = { height: 60, width: 2, text: 'below' } as const;
/** QR module size 6 dots gives a ~30 mm code for a short URL; level M survives a crumpled receipt. */
const qrOptions = { model: 2, size: 6, errorlevel: 'm' } as const;
/** The right column of a row never takes more than this share of the line, so item names stay readable. */
const minimumLeftColumns = 12;

/**
 * Encodes a receipt into ESC/POS for an Epson-compatible printer: initialize,
 * the blocks, a feed past the cutter and a partial cut (`GS V 1`).
 * Content the printer cannot take (EAN-13 with letters, a QR code over the
 * encoder's limit) is a bug in the receipt builder and throws.
 */
export function encodeReceipt(document: ReceiptDocument, options: ReceiptEncodingOptions): Uint8Array {
  const { columns } = options;
  if (!Number.isInteger(columns) || columns < 24 || columns > 64) throw new RangeError(`columns must be an integer 24..64, got ${columns}`);
  const encoder = new ReceiptPrinterEncoder({
    language: 'esc-pos',
    columns,
    // TM-T88VI: Epson code page table and 4 lines of feed before the cut (head-to-cutter distance).
    printerModel: 'epson-tm-t88vi',
    codepageCandidates: [...codepageCandidates],
  });
  encoder.initialize().codepage('auto');
  for (const block of document.blocks) encodeBlock(encoder, block, columns);
  return encoder.cut('partial').encode();
}

function encodeBlock(encoder: ReceiptPrinterEncoder, block: ReceiptBlock, columns: number): void {
  switch (block.kind) {
    case 'text': {
      encoder.align(block.align ?? 'left');
      if (block.bold) encoder.bold(true);
      // 'large' is double width and height (GS ! 0x11): the encoder wraps at columns / 2.
      if (block.size === 'large') encoder.size(2, 2);
      encoder.line(block.text);
      if (block.size === 'large') encoder.size(1, 1);
      if (block.bold) encoder.bold(false);
      encoder.align('left');
      return;
    }
    case 'row': {
      const rightWidth = Math.max(1, Math.min(displayWidth(block.right), columns - 1 - minimumLeftColumns));
      const leftWidth = columns - 1 - rightWidth;
      if (block.bold) encoder.bold(true);
      // A two-column table: the left text wraps onto further lines, the right stays on the first.
      encoder.table(
        [
          { width: leftWidth, marginRight: 1, align: 'left', overflow: 'wrap' },
          { width: rightWidth, align: 'right', overflow: 'wrap' },
        ],
        [[block.left, block.right]],
      );
      if (block.bold) encoder.bold(false);
      return;
    }
    case 'rule':
      encoder.rule({ style: 'single' });
      return;
    case 'feed':
      if (!Number.isInteger(block.lines) || block.lines < 0 || block.lines > 20) throw new RangeError(`feed lines must be 0..20, got ${block.lines}`);
      if (block.lines > 0) encoder.newline(block.lines);
      return;
    case 'barcode': {
      encoder.align('center');
      if (block.symbology === 'ean13') {
        if (!/^\d{12,13}$/.test(block.data)) throw new RangeError(`EAN-13 data must be 12 or 13 digits, got ${JSON.stringify(block.data)}`);
        encoder.barcode(block.data, 'ean13', barcodeOptions);
      } else {
        if (!/^[\x20-\x7e]+$/.test(block.data)) throw new RangeError(`Code 128 data must be printable ASCII, got ${JSON.stringify(block.data)}`);
        // Code set B with '{' escaped as '{{' (Command Reference, GS k, Code128: '{' starts a code set/FNC selector).
        encoder.barcode(`{B${block.data.replaceAll('{', '{{')}`, 'code128', barcodeOptions);
      }
      encoder.align('left');
      return;
    }
    case 'qr':
      encoder.align('center');
      encoder.qrcode(block.data, qrOptions);
      encoder.align('left');
      return;
  }
}

/** Columns a string takes in font A (one per code point; receipts carry no wide characters). */
function displayWidth(text: string): number {
  return [...text].length;
}
