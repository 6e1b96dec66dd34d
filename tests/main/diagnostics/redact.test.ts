import { describe, expect, it } from 'vitest';
import { isSecretName, redactSecrets, redactUrl, scrubText, secretValuesIn } from '../../../main/diagnostics/redact';
import { scrubLogLine } from '../../../main/diagnostics/logCollection';

describe('redaction', () => {
  it('knows a secret by any word of its name, and not by a word that merely contains one', () => {
    for (const name of ['laneToken', 'laneSecret', 'password', 'PIN', 'pinHash', 'apiKey', 'x-api-key', 'keyFile', 'client_secret', 'Authorization', 'credentials'])
      expect(isSecretName(name), name).toBe(true);
    for (const name of ['shopperKeyedEntry', 'keyboard', 'spinner', 'caFile', 'url', 'laneId', 'tokenizer', 'pinned']) expect(isSecretName(name), name).toBe(false);
  });

  it('shows a secret as "set", deep in objects and arrays, and leaves the rest as it was', () => {
    const config = {
      laneId: 'L01',
      store: { url: 'https://store.lan:8200', laneToken: 'abcdefghijklmnop', outbox: { keepSentDays: 30 } },
      supervisor: { url: 'wss://hub/lane', laneSecret: 'v1.0123456789' },
      rules: { shopperKeyedEntry: false },
      staff: [{ id: '1001', pin: '1234' }],
      emptyToken: '',
      noSecret: null,
    };
    expect(redactSecrets(config)).toEqual({
      laneId: 'L01',
      store: { url: 'https://store.lan:8200', laneToken: 'set', outbox: { keepSentDays: 30 } },
      supervisor: { url: 'wss://hub/lane', laneSecret: 'set' },
      rules: { shopperKeyedEntry: false },
      staff: [{ id: '1001', pin: 'set' }],
      emptyToken: '',
      noSecret: null,
    });
    // A copy: the configuration itself is untouched.
    expect(config.store.laneToken).toBe('abcdefghijklmnop');
  });

  it('takes passwords and secret query values out of URLs', () => {
    expect(redactUrl('https://it:hunter22@store.lan:8200/updates')).toBe('https://it:redacted@store.lan:8200/updates');
    expect(redactUrl('wss://hub.lan/lane?token=abc&lane=L01')).toBe('wss://hub.lan/lane?token=redacted&lane=L01');
    expect(redactUrl('not a url at all')).toBe('not a url at all');
    expect(redactSecrets({ feed: 'https://it:hunter22@store.lan/updates' })).toEqual({ feed: 'https://it:redacted@store.lan/updates' });
  });

  it('finds secret values to scrub from free text, longest first', () => {
    const secrets = secretValuesIn({ store: { laneToken: 'abcdefghijkl' }, supervisor: { laneSecret: 'abcdefghijklmnop' }, url: 'https://it:hunter22@store.lan', pin: '1234' });
    expect(secrets).toEqual(['abcdefghijklmnop', 'abcdefghijkl', 'hunter22']);
    expect(scrubText('token abcdefghijklmnop and abcdefghijkl', secrets)).toBe('token [redacted] and [redacted]');
  });

  it('scrubs a log line: secret fields, sale payloads and known values; other text stays', () => {
    const line = JSON.stringify({ level: 'warn', msg: 'refused abcdefghijkl', laneToken: 'abcdefghijkl', payload: { lines: [] }, saleId: 'L01-x-1' });
    expect(JSON.parse(scrubLogLine(line, ['abcdefghijkl']))).toEqual({ level: 'warn', msg: 'refused [redacted]', laneToken: 'set', payload: '[omitted]', saleId: 'L01-x-1' });
    expect(scrubLogLine('TypeError: abcdefghijkl is not a function', ['abcdefghijkl'])).toBe('TypeError: [redacted] is not a function');
  });
});
