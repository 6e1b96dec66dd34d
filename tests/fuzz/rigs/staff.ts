import { createHash, randomBytes, scryptSync } from 'node:crypto';
import { AssistantDirectory, type SignInResult } from '../../../main/assistants/assistantDirectory';
import type { Db } from '../../../main/db/database';
import type { AssistantRef } from '../../../shared/checkout/sale';

/**
 * The fuzzed store's staff. Their PIN hashes are real scrypt hashes at the lowest cost scrypt
 * allows (the cost travels with each hash): the directory's code runs as it does in a store,
 * without 50 ms of key stretching per sign-in that would make sign-in cases a thousand times
 * slower than every other case.
 */
export interface FuzzAssistant extends AssistantRef {
  readonly pin: string;
  readonly badge: string;
  readonly active: boolean;
}

export const fuzzStaff: readonly FuzzAssistant[] = [
  { id: '1001', name: 'Anna Bērziņa', role: 'assistant', pin: '1234', badge: 'LW:A:1001-7F3K', active: true },
  { id: '1002', name: 'Ivan Petrov', role: 'supervisor', pin: '2468', badge: 'LW:A:1002-Q9ZD', active: true },
  { id: '1003', name: 'Olga Inactive', role: 'assistant', pin: '1357', badge: 'LW:A:1003-ZZZZ', active: false },
  { id: '1004', name: 'Jānis', role: 'assistant', pin: '86420', badge: 'LW:A:1004-K2LM', active: true },
  { id: '7', name: 'Марта', role: 'supervisor', pin: '11223344', badge: 'LW:A:7-AAAA', active: true },
];

function cheapPinHash(pin: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(pin, salt, 32, { N: 16, r: 1, p: 1 });
  return `scrypt$16$1$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Writes the fuzzed store's staff into a catalogue's `assistants` table. */
export function writeFuzzStaff(db: Db): void {
  const insert = db.prepare('INSERT OR REPLACE INTO assistants (id, name, role, pin_hash, badge_hash, active) VALUES (?, ?, ?, ?, ?, ?)');
  for (const assistant of fuzzStaff) {
    insert.run(assistant.id, assistant.name, assistant.role, cheapPinHash(assistant.pin), createHash('sha256').update(assistant.badge, 'utf8').digest('hex'), assistant.active ? 1 : 0);
  }
}

const knownIds = new Set(fuzzStaff.map((assistant) => assistant.id));

/**
 * The real directory, except that a number nobody has is refused at once: the directory runs a
 * full-cost scrypt for unknown numbers (so they take as long as a wrong PIN), and fuzzed
 * sign-ins are mostly unknown numbers. Known numbers, wrong PINs and lockouts are all its own.
 */
export class FuzzDirectory extends AssistantDirectory {
  override signIn(id: string, pin: string): Promise<SignInResult> {
    if (!knownIds.has(id)) return Promise.resolve({ ok: false, error: 'unknown' });
    return super.signIn(id, pin);
  }
}
