import { describe, expect, it } from 'vitest';
import { encodeReceipt } from '../../../devices/printer/encoder';
import { readEscPosToken, splitAtCommandBoundaries } from '../../../devices/printer/escposSyntax';
import type { ReceiptDocument } from '../../../shared/receipt';

function tokens(bytes: number[]): string[] {
  const buffer = Uint8Array.from(bytes);
  const names: string[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const token = readEscPosToken(buffer, offset);
    if (token.kind === 'incomplete') {
      names.push('incomplete');
      break;
    }
    names.push(token.kind === 'command' || token.kind === 'unknown' ? `${token.name}/${token.length}` : `${token.kind}/${token.length}`);
    offset += token.length;
  }
  return names;
}

describe('readEscPosToken', () => {
  it('knows the fixed-length commands the encoder uses', () => {
    expect(tokens([0x1b, 0x40, 0x1c, 0x2e, 0x1b, 0x4d, 0x00, 0x1b, 0x74, 0x11, 0x1d, 0x21, 0x11, 0x1b, 0x61, 0x01, 0x1d, 0x56, 0x01])).toEqual([
      'ESC @/2',
      'FS ./2',
      'ESC M/3',
      'ESC t/3',
      'GS !/3',
      'ESC a/3',
      'GS V/3',
    ]);
    expect(tokens([0x1d, 0x56, 0x41, 0x03])).toEqual(['GS V/4']);
  });

  it('measures GS k in both functions, GS ( k by pL pH, and images by their dimensions', () => {
    // Function A: EAN-13 with NUL terminator.
    expect(tokens([0x1d, 0x6b, 0x02, ...Buffer.from('4006381333931'), 0x00, 0x0a])).toEqual(['GS k/17', 'control/1']);
    // Function B: Code 128 with a length byte; data may contain any byte.
    expect(tokens([0x1d, 0x6b, 0x49, 0x04, 0x7b, 0x43, 0x0a, 0x00, 0x41])).toEqual(['GS k/8', 'text/1']);
    // GS ( k pL pH: 3 + 3 parameter bytes.
    expect(tokens([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30])).toEqual(['GS ( k/8']);
    // GS v 0 m xL xH yL yH: 2 × 3 bytes of raster data.
    expect(tokens([0x1d, 0x76, 0x30, 0x00, 0x02, 0x00, 0x03, 0x00, 1, 2, 3, 4, 5, 6])).toEqual(['GS v/14']);
    // ESC * 33 (24-dot): 3 bytes per column.
    expect(tokens([0x1b, 0x2a, 0x21, 0x02, 0x00, 1, 2, 3, 4, 5, 6])).toEqual(['ESC */11']);
  });

  it('says incomplete until a command has all its bytes', () => {
    expect(tokens([0x1b])).toEqual(['incomplete']);
    expect(tokens([0x1b, 0x74])).toEqual(['incomplete']);
    expect(tokens([0x1d, 0x28, 0x6b, 0x1c, 0x00, 0x31])).toEqual(['incomplete']);
    expect(tokens([0x1d, 0x6b, 0x02, 0x31, 0x32])).toEqual(['incomplete']);
  });

  it('consumes only the prefix of an unknown command, and treats stray C0 bytes as controls', () => {
    expect(tokens([0x1b, 0x01, 0x41])).toEqual(['ESC 0x01/2', 'text/1']);
    expect(tokens([0x10, 0x41, 0x07])).toEqual(['control/1', 'text/1', 'control/1']);
    expect(tokens([0x10, 0x04, 0x01])).toEqual(['DLE EOT/3']);
  });
});

describe('splitAtCommandBoundaries', () => {
  const document: ReceiptDocument = {
    blocks: [
      ...Array.from({ length: 30 }, (_, i) => ({ kind: 'row' as const, left: `Товар ${i} — āčēģīķļņšūž`, right: `€ ${i},99` })),
      { kind: 'barcode', symbology: 'code128', data: 'L01-000123-2024-0001' },
      { kind: 'qr', data: `https://example.com/r/${'x'.repeat(150)}` },
    ],
  };
  const job = encodeReceipt(document, { columns: 42 });

  it('reassembles to the original job and keeps every chunk within the limit', () => {
    for (const limit of [1, 7, 64, 256, 4096]) {
      const chunks = splitAtCommandBoundaries(job, limit);
      expect(Buffer.concat(chunks)).toEqual(Buffer.from(job));
      // Only a single command longer than the limit may exceed it.
      for (const chunk of chunks) if (chunk.length > limit) expect(readEscPosToken(chunk, 0)).toMatchObject({ kind: 'command', length: chunk.length });
    }
  });

  it('never starts a chunk inside a command', () => {
    const chunks = splitAtCommandBoundaries(job, 64);
    // Re-tokenising each chunk on its own must never hit an incomplete command.
    for (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.length) {
        const token = readEscPosToken(chunk, offset);
        expect(token.kind).not.toBe('incomplete');
        if (token.kind === 'incomplete') break;
        offset += token.length;
      }
    }
  });

  it('rejects a nonsensical limit', () => {
    expect(() => splitAtCommandBoundaries(job, 0)).toThrow(RangeError);
  });
});
