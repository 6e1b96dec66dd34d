import { describe, expect, it } from 'vitest';
import { encodeReceipt } from '../../../devices/printer/encoder';
import { decodeCode128, EscPosInterpreter, type InterpreterOutput } from '../../../devices/printer/escposInterpreter';
import { multilingualReceipt } from '../support/receipts';

const ESC = 0x1b;
const GS = 0x1d;
const LF = 0x0a;

function ascii(text: string): number[] {
  return Array.from(text, (char) => char.charCodeAt(0));
}

function lineTexts(outputs: readonly InterpreterOutput[]): string[] {
  return outputs.flatMap((output) => (output.kind === 'line' ? [output.line.text] : []));
}

function run(bytes: number[], columns = 42): { outputs: InterpreterOutput[]; interpreter: EscPosInterpreter } {
  const interpreter = new EscPosInterpreter({ columns });
  return { outputs: interpreter.push(Uint8Array.from(bytes)), interpreter };
}

describe('EscPosInterpreter', () => {
  it('gives the same result however the stream is chunked', () => {
    const job = encodeReceipt(multilingualReceipt, { columns: 42 });
    const whole = new EscPosInterpreter({ columns: 42 }).push(job);
    const interpreter = new EscPosInterpreter({ columns: 42 });
    const byteByByte = Array.from(job).flatMap((byte) => interpreter.push(Uint8Array.of(byte)));
    expect(byteByByte).toEqual(whole);
  });

  it('decodes text with the code page selected by ESC t, and ESC @ returns to PC437', () => {
    const { outputs } = run([
      ...[ESC, 0x74, 17, 0x8f, 0xe0, 0xa8, 0xa2, 0xa5, 0xe2, LF], // "Привет" in PC866
      ...[ESC, 0x74, 46, 0x88, LF], // € in WPC1251
      ...[ESC, 0x74, 51, 0xde, 0xe7, LF], // "Žē" in WPC1257
      ...[ESC, 0x74, 16, 0x80, LF], // € in WPC1252
      ...[ESC, 0x40, 0x80, LF], // Ç in PC437 after initialize
    ]);
    expect(lineTexts(outputs)).toEqual(['Привет', '€', 'Žē', '€', 'Ç']);
  });

  it('notes a code page it cannot simulate instead of guessing', () => {
    const { outputs, interpreter } = run([ESC, 0x74, 20, 0xa1, LF]);
    expect(lineTexts(outputs)).toEqual(['\ufffd']);
    expect(interpreter.warnings).toEqual(['code page 20 (ESC t) is not simulated']);
  });

  it('aligns lines per ESC a, taken at the start of the line', () => {
    const { outputs } = run([ESC, 0x61, 1, ...ascii('abcd'), LF, ESC, 0x61, 2, ...ascii('ab'), LF, ...ascii('x'), ESC, 0x61, 0, ...ascii('y'), LF], 10);
    expect(lineTexts(outputs)).toEqual(['   abcd', '        ab', '        xy']);
  });

  it('wraps a line that does not fit, counting double-width characters twice', () => {
    const { outputs } = run([...ascii('0123456789AB'), LF, GS, 0x21, 0x11, ...ascii('abcdef'), LF], 10);
    expect(lineTexts(outputs)).toEqual(['0123456789', 'AB', 'abcde', 'f']);
    expect(outputs.flatMap((output) => (output.kind === 'line' ? [output.line.large] : []))).toEqual([false, false, true, true]);
  });

  it('applies ESC ! print modes and ESC E emphasis', () => {
    const { outputs } = run([ESC, 0x21, 0x38, ...ascii('big'), LF, ESC, 0x21, 0x00, ESC, 0x45, 1, ...ascii('b'), ESC, 0x45, 0, LF, ...ascii('n'), LF]);
    const lines = outputs.flatMap((output) => (output.kind === 'line' ? [output.line] : []));
    expect(lines.map((line) => [line.text, line.bold, line.large])).toEqual([
      ['big', true, true],
      ['b', true, false],
      ['n', false, false],
    ]);
  });

  it('ignores CR, expands HT, and feeds with ESC d', () => {
    const { outputs } = run([...ascii('a'), 0x0d, 0x09, ...ascii('b'), LF, ESC, 0x64, 3]);
    expect(lineTexts(outputs)).toEqual(['a       b', '', '', '']);
  });

  it('renders barcodes and QR codes as labelled lines, aligned', () => {
    const code128 = [0x7b, 0x42, ...ascii('AB'), 0x7b, 0x43, 12, 34, 5];
    const qr = ascii('https://x.example/1');
    const { outputs } = run(
      [
        ESC, 0x61, 1,
        GS, 0x6b, 73, code128.length, ...code128,
        GS, 0x6b, 2, ...ascii('400638133393'), 0x00,
        GS, 0x28, 0x6b, qr.length + 3, 0x00, 0x31, 0x50, 0x30, ...qr,
        GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30,
      ],
      42,
    );
    const lines = lineTexts(outputs).map((text) => text.trim());
    expect(lines).toEqual(['[BARCODE CODE128 AB123405]', '[BARCODE EAN13 4006381333931]', '[QR https://x.example/1]']);
    expect(lineTexts(outputs)[0]).toBe(`${' '.repeat(8)}[BARCODE CODE128 AB123405]`);
  });

  it('decodes Code 128 code sets and FNC1', () => {
    expect(decodeCode128(Uint8Array.from([0x7b, 0x41, ...ascii('AB'), 0x7b, 0x7b, 0x7b, 0x31, 0x7b, 0x43, 1, 99]))).toBe('AB{<FNC1>0199');
  });

  it('ends a receipt at GS V with its raw bytes, leaving out interleaved DLE EOT queries', () => {
    const job = [ESC, 0x40, ...ascii('hi'), LF, 0x10, 0x04, 0x01, GS, 0x56, 0x01];
    const { outputs } = run(job);
    expect(outputs.map((output) => output.kind)).toEqual(['initialize', 'line', 'realtimeStatusRequest', 'cut']);
    const cut = outputs.find((output) => output.kind === 'cut');
    expect(cut).toEqual({ kind: 'cut', partial: true, raw: Uint8Array.from([ESC, 0x40, ...ascii('hi'), LF, GS, 0x56, 0x01]) });
  });

  it('answers DLE EOT in order with what precedes it, and also inside another command\'s data, as a printer does', () => {
    const interpreter = new EscPosInterpreter({ columns: 42 });
    const first = interpreter.push(Uint8Array.from([...ascii('a'), LF, 0x10, 0x04, 0x04, ...ascii('b'), LF]));
    expect(first.map((output) => output.kind)).toEqual(['line', 'realtimeStatusRequest', 'line']);
    // DLE EOT 2 inside a GS ( k's data: recognised as a request, and still stored as data.
    const second = interpreter.push(Uint8Array.from([GS, 0x28, 0x6b, 0x06, 0x00, 0x31, 0x50, 0x30, 0x10, 0x04, 0x02]));
    expect(second).toEqual([{ kind: 'realtimeStatusRequest', query: 2 }]);
    expect(interpreter.push(Uint8Array.from([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]))).toEqual([
      { kind: 'line', line: expect.objectContaining({ kind: 'qr', text: '[QR \x10\x04\x02]' }) },
    ]);
  });

  it('lists unknown and unhandled commands and keeps going', () => {
    const { outputs, interpreter } = run([ESC, 0x01, ...ascii('a'), GS, 0x49, 0x01, ...ascii('b'), LF]);
    expect(lineTexts(outputs)).toEqual(['ab']);
    expect(interpreter.unknownCommands).toEqual(['ESC 0x01', 'GS I']);
  });

  it('reports drawer kicks, ASB selection, and images as placeholders', () => {
    const { outputs } = run([ESC, 0x70, 0, 50, 250, GS, 0x61, 0x0f, GS, 0x76, 0x30, 0x00, 0x01, 0x00, 0x01, 0x00, 0xff]);
    expect(outputs).toEqual([
      { kind: 'drawerKick', pin: 2 },
      { kind: 'asbSelection', n: 0x0f },
      { kind: 'line', line: expect.objectContaining({ kind: 'image', text: '[IMAGE]' }) },
    ]);
  });
});
