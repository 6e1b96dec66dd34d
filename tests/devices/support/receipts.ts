import { encodeReceipt } from '../../../devices/printer/encoder';
import { EscPosInterpreter } from '../../../devices/printer/escposInterpreter';
import type { ReceiptDocument } from '../../../shared/receipt';

/** A receipt in Latvian, Russian and Bulgarian with € amounts: every code page switch the lane needs. */
export const multilingualReceipt: ReceiptDocument = {
  blocks: [
    { kind: 'text', text: 'Lanewise', align: 'center', bold: true, size: 'large' },
    { kind: 'text', text: 'Rīga, Brīvības iela 1', align: 'center' },
    { kind: 'rule' },
    { kind: 'row', left: 'Молоко «Простоквашино» 2,5%', right: '€ 1,29' },
    { kind: 'row', left: 'Ķiploku maize ā č ē ģ ī ķ ļ ņ š ū ž', right: '€ 2,15' },
    { kind: 'row', left: 'Кисело мляко „Щастие“ 3,6% ъ ь ю я', right: '€ 0,89' },
    { kind: 'rule' },
    { kind: 'row', left: 'KOPĀ / ИТОГО', right: '€ 4,33', bold: true },
    { kind: 'feed', lines: 1 },
    { kind: 'barcode', symbology: 'code128', data: 'L01-000123' },
    { kind: 'barcode', symbology: 'ean13', data: '4006381333931' },
    { kind: 'qr', data: 'https://lanewise.example/r/L01-000123' },
    { kind: 'text', text: 'Paldies! Спасибо! Благодарим!', align: 'center' },
  ],
};

/** A receipt long enough to take many 256-byte chunks (the line can be cut while it prints). */
export function longReceipt(items = 120): ReceiptDocument {
  return {
    blocks: [
      { kind: 'text', text: 'Lanewise', align: 'center', bold: true, size: 'large' },
      ...Array.from({ length: items }, (_, i) => ({ kind: 'row' as const, left: `${i + 1}. Pelmeņi / Пельмени ${i + 1}`, right: `€ ${i + 1},00` })),
      { kind: 'rule' },
      { kind: 'row', left: 'KOPĀ', right: '€ 7260,00', bold: true },
      { kind: 'barcode', symbology: 'code128', data: 'L01-000999' },
    ],
  };
}

/** The text a fresh printer prints for `document` (what `SimulatedReceipt.text` should end with). */
export function referenceText(document: ReceiptDocument, columns = 42): string {
  const lines = new EscPosInterpreter({ columns })
    .push(encodeReceipt(document, { columns }))
    .flatMap((output) => (output.kind === 'line' ? [output.line.text.trimEnd()] : output.kind === 'cut' ? [null] : []));
  const receipt = lines.slice(0, lines.indexOf(null));
  return receipt.join('\n').replace(/^\n+|\n+$/g, '');
}
