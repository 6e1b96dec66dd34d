import { describe, expect, it } from 'vitest';
import {
  decodeLaneMessage,
  decodeTerminalMessage,
  encodeMessage,
  LineDecoder,
  PROTOCOL_VERSION,
  type LaneMessage,
  type TerminalMessage,
} from '../../../devices/payment/protocol';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('lane messages', () => {
  const messages: LaneMessage[] = [
    { type: 'hello', version: PROTOCOL_VERSION, lane: 'lane-03' },
    { type: 'authorize', reference: 'S-1-P1', amountMinor: 1250, currency: 'EUR' },
    { type: 'cancel', reference: 'S-1-P1', by: 'shopper' },
    { type: 'cancel', reference: 'S-1-P1' },
    { type: 'status', reference: 'S-1-P1' },
    { type: 'ping' },
  ];

  it.each(messages)('round-trips %o', (message) => {
    const line = encodeMessage(message);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(decodeLaneMessage(line.trimEnd())).toEqual({ ok: true, value: message });
  });

  it.each([
    ['not JSON', '{"type":"ping"', 'notJson'],
    ['a JSON array', '[1,2]', 'invalidMessage'],
    ['an unknown type', '{"type":"refund","reference":"R1"}', 'invalidMessage'],
    ['a missing field', '{"type":"authorize","reference":"R1","currency":"EUR"}', 'invalidMessage'],
    ['a float amount', '{"type":"authorize","reference":"R1","amountMinor":12.5,"currency":"EUR"}', 'invalidMessage'],
    ['a zero amount', '{"type":"authorize","reference":"R1","amountMinor":0,"currency":"EUR"}', 'invalidMessage'],
    ['a negative amount', '{"type":"authorize","reference":"R1","amountMinor":-5,"currency":"EUR"}', 'invalidMessage'],
    ['an unsafe amount', '{"type":"authorize","reference":"R1","amountMinor":9007199254740993,"currency":"EUR"}', 'invalidMessage'],
    ['an amount as a string', '{"type":"authorize","reference":"R1","amountMinor":"100","currency":"EUR"}', 'invalidMessage'],
    ['a lowercase currency', '{"type":"authorize","reference":"R1","amountMinor":100,"currency":"eur"}', 'invalidMessage'],
    ['a reference with a space', '{"type":"status","reference":"R 1"}', 'invalidMessage'],
    ['an empty reference', '{"type":"status","reference":""}', 'invalidMessage'],
    ['a cancel by the terminal', '{"type":"cancel","reference":"R1","by":"terminal"}', 'invalidMessage'],
    ['null', 'null', 'invalidMessage'],
  ])('reports %s as an error value instead of throwing', (_, line, kind) => {
    const decoded = decodeLaneMessage(line);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.kind).toBe(kind);
  });

  it('does not echo the offending line in the error detail', () => {
    const decoded = decodeLaneMessage('{"type":"authorize","reference":"R1","amountMinor":"4242424242424242","currency":"EUR"}');
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.detail).not.toContain('4242424242424242');
  });

  it('ignores unknown fields, so a newer peer may add some', () => {
    expect(decodeLaneMessage('{"type":"ping","sentAt":"2024-01-01"}')).toEqual({ ok: true, value: { type: 'ping' } });
  });
});

describe('terminal messages', () => {
  const approved = { kind: 'approved', reference: 'R1', amountMinor: 1250, currency: 'EUR', authCode: 'A1B2C3', maskedPan: '**** **** **** 4242', scheme: 'VISA' } as const;
  const messages: TerminalMessage[] = [
    { type: 'hello', version: PROTOCOL_VERSION, terminal: 'sim' },
    { type: 'pending', reference: 'R1', prompt: 'presentCard' },
    { type: 'pending', reference: 'R1', prompt: 'enterPin' },
    { type: 'result', outcome: approved },
    { type: 'result', outcome: { kind: 'declined', reference: 'R1', reason: 'pinIncorrect', message: 'PIN tries exceeded' } },
    { type: 'result', outcome: { kind: 'cancelled', reference: 'R1', by: 'shopper' } },
    { type: 'unknown', reference: 'R1' },
    { type: 'pong' },
    { type: 'error', code: 'busy', message: 'transaction R0 is in progress', reference: 'R1' },
    { type: 'error', code: 'malformed', message: 'not JSON' },
  ];

  it.each(messages)('round-trips %o', (message) => {
    expect(decodeTerminalMessage(encodeMessage(message).trimEnd())).toEqual({ ok: true, value: message });
  });

  it('masks a full card number a misconfigured terminal sends', () => {
    const line = JSON.stringify({ type: 'result', outcome: { ...approved, maskedPan: '4242424242424242' } });
    const decoded = decodeTerminalMessage(line);
    expect(decoded.ok && decoded.value.type === 'result' && decoded.value.outcome.kind === 'approved' && decoded.value.outcome.maskedPan).toBe('**** **** **** 4242');
  });

  it('keeps a decline whose reason it does not know, as "other"', () => {
    const decoded = decodeTerminalMessage('{"type":"result","outcome":{"kind":"declined","reference":"R1","reason":"velocityLimit"}}');
    expect(decoded).toEqual({ ok: true, value: { type: 'result', outcome: { kind: 'declined', reference: 'R1', reason: 'other' } } });
  });

  it('maps an unknown error code to "internal"', () => {
    const decoded = decodeTerminalMessage('{"type":"error","code":"paperJam","message":"x"}');
    expect(decoded).toEqual({ ok: true, value: { type: 'error', code: 'internal', message: 'x' } });
  });

  it.each([
    ['timedOut is the lane’s own conclusion, not a terminal result', '{"type":"result","outcome":{"kind":"timedOut","reference":"R1"}}'],
    ['unavailable is the lane’s own conclusion, not a terminal result', '{"type":"result","outcome":{"kind":"unavailable","reference":"R1","detail":"x"}}'],
    ['an unknown prompt', '{"type":"pending","reference":"R1","prompt":"insertCoin"}'],
    ['an approval without an auth code', '{"type":"result","outcome":{"kind":"approved","reference":"R1","amountMinor":1,"currency":"EUR","maskedPan":"**** 1234"}}'],
    ['an approval of a float amount', '{"type":"result","outcome":{"kind":"approved","reference":"R1","amountMinor":1.5,"currency":"EUR","authCode":"ABC123","maskedPan":"**** 1234"}}'],
    ['a hello without a version', '{"type":"hello"}'],
  ])('rejects %s', (_, line) => {
    expect(decodeTerminalMessage(line).ok).toBe(false);
  });
});

describe('LineDecoder', () => {
  const lines = (decoder: LineDecoder, ...chunks: string[]): unknown[] => chunks.flatMap((chunk) => decoder.push(bytes(chunk)));

  it('reassembles lines split at every byte', () => {
    const decoder = new LineDecoder();
    const text = '{"type":"ping"}\n{"type":"pong"}\n';
    const out = [...bytes(text)].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(out).toEqual([
      { ok: true, value: '{"type":"ping"}' },
      { ok: true, value: '{"type":"pong"}' },
    ]);
  });

  it('keeps a UTF-8 character that straddles two chunks', () => {
    const decoder = new LineDecoder();
    const encoded = bytes('{"message":"Karte abgelehnt – bitte erneut"}\n');
    const dash = encoded.indexOf(0xe2);
    const out = [...decoder.push(encoded.slice(0, dash + 1)), ...decoder.push(encoded.slice(dash + 1))];
    expect(out).toEqual([{ ok: true, value: '{"message":"Karte abgelehnt – bitte erneut"}' }]);
  });

  it('splits several messages in one chunk, accepts CRLF and skips blank lines', () => {
    const decoder = new LineDecoder();
    expect(lines(decoder, 'a\r\n\n  \nb\nc')).toEqual([
      { ok: true, value: 'a' },
      { ok: true, value: 'b' },
    ]);
    expect(lines(decoder, '\n')).toEqual([{ ok: true, value: 'c' }]);
  });

  it('reports an overlong line once, skips it to its newline and carries on', () => {
    const decoder = new LineDecoder({ maxLineLength: 10 });
    const out = lines(decoder, 'x'.repeat(8), 'x'.repeat(8), 'x'.repeat(50), 'xx\nok\n');
    expect(out).toEqual([{ ok: false, error: { kind: 'lineTooLong', detail: expect.any(String) } }, { ok: true, value: 'ok' }]);
  });

  it('reports an overlong line that arrives whole', () => {
    const decoder = new LineDecoder({ maxLineLength: 10 });
    expect(lines(decoder, `${'y'.repeat(11)}\nok\n`)).toEqual([{ ok: false, error: expect.objectContaining({ kind: 'lineTooLong' }) }, { ok: true, value: 'ok' }]);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxLineLength %s', (maxLineLength) => {
    expect(() => new LineDecoder({ maxLineLength })).toThrow(RangeError);
  });
});
