import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTerminalMessage, encodeMessage, LineDecoder } from '../../devices/payment/protocol';
import { encodeAsb, parseAsb, PrinterReplyReader, type PrinterStatus } from '../../devices/printer/codec';
import { EscPosInterpreter } from '../../devices/printer/escposInterpreter';
import { encodeScan, ScannerFrameDecoder } from '../../devices/scanner/codec';
import { decodeBarcode } from '../../shared/barcode';
import { gtinCheckDigit } from '../../shared/barcode/checkDigit';

/**
 * Properties of the parsers that came before fast-check joined the project: the
 * serial scanner's framing, the printer's status replies and ESC/POS interpreter,
 * the card terminal's line protocol and barcode decoding. Every parser that reads
 * bytes from outside must survive anything and must not care how the bytes were
 * chunked. (`npm run fuzz` runs the same parsers a million times each.)
 */
const runs = { numRuns: 300 };
const bytes = fc.uint8Array({ maxLength: 600 });

/** Splits `data` at the given cut points (any, sorted and clamped). */
function split(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (data.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    parts.push(data.subarray(start, point));
    start = point;
  }
  parts.push(data.subarray(start));
  return parts;
}

const cuts = fc.array(fc.nat(), { maxLength: 8 });

describe('serial scanner framing', () => {
  const framing = { prefix: '', suffix: 'CR', aimIdentifiers: true } as const;

  it('never throws, and gives the same frames however the bytes are chunked', () => {
    fc.assert(
      fc.property(bytes, cuts, (data, points) => {
        const whole = new ScannerFrameDecoder(framing).push(data);
        const decoder = new ScannerFrameDecoder(framing);
        const pieces = split(data, points).flatMap((part) => decoder.push(part));
        expect(pieces).toEqual(whole);
      }),
      runs,
    );
  });

  it('decodes every label it encodes, back to back', () => {
    // Printable ASCII and GS (FNC1 in GS1 labels).
    const label = fc.array(fc.constantFrom(...Array.from({ length: 0x5f }, (_, i) => String.fromCharCode(0x20 + i)), '\x1d'), { minLength: 1, maxLength: 48 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 5 }), (labels) => {
        const stream = Uint8Array.from(labels.flatMap((text) => Array.from(encodeScan(text, framing))));
        const frames = new ScannerFrameDecoder(framing).push(stream);
        expect(frames).toEqual(labels.map((data) => ({ kind: 'scan', data })));
      }),
      runs,
    );
  });
});

describe('ESC/POS printer replies', () => {
  const status = fc.record<PrinterStatus>({
    online: fc.boolean(),
    drawerPin3High: fc.boolean(),
    coverOpen: fc.boolean(),
    feedButtonPressed: fc.boolean(),
    stoppedByPaperEnd: fc.constant(false),
    errorOccurred: fc.constant(false),
    paperEnd: fc.boolean(),
    paperNearEnd: fc.boolean(),
    cutterError: fc.boolean(),
    unrecoverableError: fc.boolean(),
    autoRecoverableError: fc.boolean(),
  });

  it('never throws, and reads the same replies however the bytes are chunked', () => {
    // Garbage is reported per chunk (a run of noise split in two is two reports): compare its bytes, not its grouping.
    const summary = (replies: ReturnType<PrinterReplyReader['push']>) => ({
      replies: replies.filter((reply) => reply.kind !== 'garbage'),
      garbageBytes: replies.flatMap((reply) => (reply.kind === 'garbage' ? Array.from(reply.bytes) : [])),
    });
    fc.assert(
      fc.property(bytes, cuts, (data, points) => {
        const whole = new PrinterReplyReader().push(data);
        const reader = new PrinterReplyReader();
        expect(summary(split(data, points).flatMap((part) => reader.push(part)))).toEqual(summary(whole));
      }),
      runs,
    );
  });

  it('an ASB block says what the printer status was', () => {
    fc.assert(
      fc.property(status, (value) => {
        const parsed = parseAsb(encodeAsb(value));
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        for (const field of ['online', 'coverOpen', 'paperEnd', 'cutterError', 'unrecoverableError', 'autoRecoverableError'] as const) {
          expect(parsed.value[field]).toBe(value[field]);
        }
        // Paper end implies the near-end sensor too (the roll is past it).
        expect(parsed.value.paperNearEnd).toBe(value.paperNearEnd || value.paperEnd);
        const read = new PrinterReplyReader().push(encodeAsb(value));
        expect(read.map((reply) => reply.kind)).toEqual(['asb']);
      }),
      runs,
    );
  });

  it('the simulator’s interpreter survives any byte stream', () => {
    fc.assert(
      fc.property(bytes, cuts, (data, points) => {
        const interpreter = new EscPosInterpreter({ columns: 42 });
        for (const part of split(data, points)) interpreter.push(part);
      }),
      runs,
    );
  });
});

describe('card terminal line protocol', () => {
  it('never throws on any bytes', () => {
    fc.assert(
      fc.property(bytes, cuts, (data, points) => {
        const decoder = new LineDecoder({ maxLineLength: 256 });
        for (const part of split(data, points)) for (const line of decoder.push(part)) if (line.ok) decodeTerminalMessage(line.value);
      }),
      runs,
    );
  });

  it('a message encoded and split anywhere decodes to itself', () => {
    const reference = fc.stringMatching(/^[\x21-\x7e]{1,40}$/);
    const prompt = fc.constantFrom('presentCard', 'enterPin', 'processing') as fc.Arbitrary<'presentCard' | 'enterPin' | 'processing'>;
    fc.assert(
      fc.property(reference, prompt, cuts, (ref, step, points) => {
        const message = { type: 'pending', reference: ref, prompt: step } as const;
        const decoder = new LineDecoder();
        const lines = split(new TextEncoder().encode(encodeMessage(message)), points).flatMap((part) => decoder.push(part));
        expect(lines).toHaveLength(1);
        const line = lines[0]!;
        expect(line.ok && decodeTerminalMessage(line.value)).toEqual({ ok: true, value: message });
      }),
      runs,
    );
  });
});

describe('barcode decoding', () => {
  it('never throws on any scanned text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        decodeBarcode(text, { currency: 'EUR' });
      }),
      runs,
    );
  });

  it('accepts every EAN-13 with its check digit and rejects every other check digit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{11}$/), (body) => {
        const check = gtinCheckDigit(body);
        const good = decodeBarcode(`${body}${check}`, { currency: 'EUR' });
        expect(good.ok && good.value.gtin).toBe(`0${body}${check}`);
        const wrong = decodeBarcode(`${body}${(check + 1) % 10}`, { currency: 'EUR' });
        expect(wrong.ok).toBe(false);
      }),
      runs,
    );
  });
});
