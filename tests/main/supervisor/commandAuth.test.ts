import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeLaneSecret, newLaneSecret, verifyCommand, type SeenCommands } from '../../../main/supervisor/commandAuth';

/** What a lane does with a correctly signed payload whose body is not a command (found by `npm run fuzz`). */
describe('verifyCommand on a signed but malformed body', () => {
  const key = decodeLaneSecret(newLaneSecret());
  const signed = (payload: string) => ({ payload, mac: createHmac('sha256', key).update(payload, 'utf8').digest('base64url') });
  const seen: SeenCommands = { has: () => false, add: () => undefined } as unknown as SeenCommands;
  const expectation = { laneId: 'L01', now: 1_000, seen };

  it.each([
    ['an id that is an object with its own toString', '{"id":{"toString":1}}', undefined],
    ['an id that is null', '{"id":null}', undefined],
    ['a body that is null', 'null', undefined],
    ['an id that is a long text', `{"id":"${'a'.repeat(40)}"}`, 'a'.repeat(32)],
    ['an id that is a number', '{"id":42}', '42'],
  ])('refuses %s as malformed without throwing', (_, payload, echoedId) => {
    expect(verifyCommand(key, signed(payload), expectation)).toEqual({ ok: false, rejection: 'malformed', id: echoedId });
  });
});
