import { describe, expect, it } from 'vitest';
import { encodeReceipt } from '../../../devices/printer/encoder';
import { EscPosInterpreter, type InterpreterOutput, type PrintedLine } from '../../../devices/printer/escposInterpreter';
import { multilingualReceipt } from '../support/receipts';

function contains(haystack: Uint8Array, needle: readonly number[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function interpret(job: Uint8Array, columns = 42): { lines: PrintedLine[]; outputs: InterpreterOutput[]; interpreter: EscPosInterpreter } {
  const interpreter = new EscPosInterpreter({ columns });
  const outputs = interpreter.push(job);
  const lines = outputs.flatMap((output) => (output.kind === 'line' ? [output.line] : []));
  return { lines, outputs, interpreter };
}

const ESC_t = (n: number): number[] => [0x1b, 0x74, n];


describe('encodeReceipt', () => {
  it('switches code pages per run of text: PC866 for Cyrillic, WPC1257 for Latvian, a € page for €', () => {
    const job = encodeReceipt({ blocks: [{ kind: 'text', text: 'Молоко' }] }, { columns: 42 });
    expect(contains(job, ESC_t(17))).toBe(true);
    expect(contains(job, [0x8c, 0xae, 0xab, 0xae, 0xaa, 0xae])).toBe(true); // "Молоко" in CP866

    const latvian = encodeReceipt({ blocks: [{ kind: 'text', text: 'Ķiploku maize' }] }, { columns: 42 });
    expect(contains(latvian, ESC_t(51))).toBe(true);

    // € is not in PC866: the encoder picks WPC1251 (€ = 0x88) next to Cyrillic.
    const euro = encodeReceipt({ blocks: [{ kind: 'text', text: 'Итого € 1,29' }] }, { columns: 42 });
    expect(contains(euro, [...ESC_t(46), 0x88])).toBe(true);
  });

  it('starts with ESC @ and ends with a partial cut', () => {
    const job = encodeReceipt({ blocks: [{ kind: 'text', text: 'x' }] }, { columns: 42 });
    expect(Array.from(job.subarray(0, 2))).toEqual([0x1b, 0x40]);
    expect(contains(job.subarray(job.length - 6), [0x1d, 0x56, 0x01])).toBe(true);
  });

  it('round-trips Russian, Latvian, Bulgarian and € through the interpreter, with no unknown commands', () => {
    const { lines, outputs, interpreter } = interpret(encodeReceipt(multilingualReceipt, { columns: 42 }));
    const text = lines.map((line) => line.text.trimEnd()).join('\n');
    expect(interpreter.unknownCommands).toEqual([]);
    expect(interpreter.warnings).toEqual([]);
    expect(text).toContain('Молоко «Простоквашино» 2,5%');
    expect(text).toContain('Ķiploku maize ā č ē ģ ī ķ ļ ņ š ū');
    expect(text).toContain('Кисело мляко „Щастие“ 3,6% ъ ь ю я');
    expect(text).toContain('KOPĀ / ИТОГО');
    expect(text).toContain('€ 4,33');
    expect(text).toContain('Paldies! Спасибо! Благодарим!');
    expect(text).toContain('[BARCODE CODE128 L01-000123]');
    expect(text).toContain('[BARCODE EAN13 4006381333931]');
    expect(text).toContain('[QR https://lanewise.example/r/L01-000123]');
    const cuts = outputs.filter((output) => output.kind === 'cut');
    expect(cuts).toHaveLength(1);
    expect(cuts[0]).toMatchObject({ kind: 'cut', partial: true });
  });

  it('lays out rows within the columns: right text at the edge, long left text wrapped', () => {
    for (const columns of [42, 32]) {
      const { lines } = interpret(
        encodeReceipt({ blocks: [{ kind: 'row', left: 'Šokolādes cepumi ar lazdu riekstiem, 200 g', right: '€ 3,49' }] }, { columns }),
        columns,
      );
      const textLines = lines.filter((line) => line.text.trim() !== '');
      expect(textLines.length).toBeGreaterThan(1);
      const [first] = textLines;
      expect(first?.text.length).toBe(columns);
      expect(first?.text.endsWith('€ 3,49')).toBe(true);
      for (const line of textLines) expect(line.text.length).toBeLessThanOrEqual(columns);
      expect(textLines.map((line) => line.text.replace('€ 3,49', '').trim()).join(' ')).toContain('200 g');
    }
  });

  it('marks large and bold text, centres it, and fills a rule across the line', () => {
    const { lines } = interpret(encodeReceipt(multilingualReceipt, { columns: 42 }));
    const title = lines.find((line) => line.text.includes('Lanewise'));
    expect(title).toMatchObject({ bold: true, large: true });
    // 8 double-width characters = 16 columns, centred in 42: 13 columns of space.
    expect(title?.text).toBe(`${' '.repeat(13)}Lanewise`);
    expect(lines.find((line) => line.text.includes('KOPĀ'))?.bold).toBe(true);
    expect(lines.find((line) => line.text.includes('Rīga'))?.bold).toBe(false);
    expect(lines.some((line) => line.text === '─'.repeat(42))).toBe(true);
  });

  it('escapes { in Code 128 data', () => {
    const { lines } = interpret(encodeReceipt({ blocks: [{ kind: 'barcode', symbology: 'code128', data: 'A{B' }] }, { columns: 42 }));
    expect(lines.some((line) => line.text.includes('[BARCODE CODE128 A{B]'))).toBe(true);
  });

  it('throws on content no printer can take (a bug in the receipt builder)', () => {
    expect(() => encodeReceipt({ blocks: [{ kind: 'barcode', symbology: 'ean13', data: '12345' }] }, { columns: 42 })).toThrow(RangeError);
    expect(() => encodeReceipt({ blocks: [{ kind: 'barcode', symbology: 'code128', data: 'Ж' }] }, { columns: 42 })).toThrow(RangeError);
    expect(() => encodeReceipt({ blocks: [{ kind: 'feed', lines: -1 }] }, { columns: 42 })).toThrow(RangeError);
    expect(() => encodeReceipt({ blocks: [] }, { columns: 7 })).toThrow(RangeError);
  });
});
