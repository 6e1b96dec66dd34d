import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzScaleAnswers, scaleProtocolNames, scaleProtocols, type ScaleAnswer } from '../../../devices/scale/protocol';
import { scaleWeight } from '../../../shared/scale';
import { bytes } from '../support/harness';

function answers(name: keyof typeof scaleProtocols, text: string): ScaleAnswer[] {
  const decoder = scaleProtocols[name].createDecoder();
  return [...decoder.push(bytes(text)), ...decoder.flush()];
}

describe('scaleProtocols', () => {
  it('keeps the real devices\' line settings: 7 data bits, even parity, 9600 baud', () => {
    for (const name of scaleProtocolNames) {
      const protocol = scaleProtocols[name];
      expect(protocol.name).toBe(name);
      expect(protocol.serial).toEqual({ baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 });
      expect(protocol.replyTimeoutMs).toBe(1_000);
    }
  });

  it('has the 8217 commands without terminator and the SCP-01 commands with CR', () => {
    const mettler = scaleProtocols.mettler8217.commands;
    expect([mettler.weight, mettler.zero, mettler.tare, mettler.clearTare]).toEqual([bytes('W'), bytes('Z'), bytes('T'), bytes('C')]);
    expect(mettler.status).toBeUndefined();
    const scp01 = scaleProtocols.scp01.commands;
    expect([scp01.weight, scp01.status, scp01.zero]).toEqual([bytes('W\r'), bytes('S\r'), bytes('Z\r')]);
    expect(scp01.tare).toBeUndefined();
  });

  it('describes the reply framing', () => {
    expect(scaleProtocols.mettler8217.replyFraming).toMatchObject({ start: 0x02, end: 0x0d });
    expect(scaleProtocols.scp01.replyFraming).toMatchObject({ start: 0x0a, end: 0x03 });
  });

  it('each decoder call gives a fresh decoder', () => {
    const first = scaleProtocols.scp01.createDecoder();
    first.push(bytes('\n01'));
    expect(first.hasPendingBytes).toBe(true);
    expect(scaleProtocols.scp01.createDecoder().hasPendingBytes).toBe(false);
  });
});

describe('answers, the same shape for every protocol', () => {
  const weight = scaleWeight(1234, 3, 'kg');

  it('8217: weight, status and zero outcome', () => {
    expect(answers('mettler8217', '\x0201.234\r')).toEqual([
      { kind: 'answer', reading: { ok: true, value: { kind: 'stable', weight, net: false } }, zero: { ok: false, error: 'the scale answered with a weight instead of zeroing' }, hardwareErrors: [] },
    ]);
    expect(answers('mettler8217', '\x02?A\r')).toEqual([
      { kind: 'answer', reading: { ok: true, value: { kind: 'motion' } }, zero: { ok: false, error: 'scale in motion' }, hardwareErrors: [] },
    ]);
  });

  it('8217: noise and truncated frames are noise, malformed and overlong ones bad replies', () => {
    expect(answers('mettler8217', 'xx').map((answer) => answer.kind)).toEqual(['noise']);
    expect(answers('mettler8217', '\x0201').map((answer) => answer.kind)).toEqual(['noise']);
    expect(answers('mettler8217', '\x0201\r').map((answer) => answer.kind)).toEqual(['badReply']);
    expect(answers('mettler8217', `\x02${'1'.repeat(30)}\r`).map((answer) => answer.kind)).toEqual(['badReply']);
  });

  it('SCP-01: hardware errors, unknown command, bad replies', () => {
    expect(answers('scp01', '\n01.234KG\r\n40\r\x03')).toEqual([
      { kind: 'answer', reading: { ok: true, value: { kind: 'stable', weight, net: false } }, zero: { ok: false, error: 'outside the zero range' }, hardwareErrors: ['ram'] },
    ]);
    expect(answers('scp01', '\n?\r\x03')).toEqual([{ kind: 'unknownCommand' }]);
    expect(answers('scp01', '\nXX\r\x03').map((answer) => answer.kind)).toEqual(['badReply']);
    expect(answers('scp01', 'xx\n00').map((answer) => answer.kind)).toEqual(['noise', 'noise']);
  });

  it('arbitrary bytes never throw through either protocol', () => {
    fc.assert(
      fc.property(fc.constantFrom(...scaleProtocolNames), fc.uint8Array({ maxLength: 300 }), (name, input) => {
        fuzzScaleAnswers(name, input);
      }),
      { numRuns: 300 },
    );
  });
});
