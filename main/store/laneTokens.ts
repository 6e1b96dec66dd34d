import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A lane's bearer token: 32 random bytes, base64url (43 characters), shown once at `store add-lane`. */
export function newLaneToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the store keeps instead of the token: SHA-256 of its text, hex. */
export function laneTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Whether `token` is the one whose hash is kept. Compares the hashes in constant time; with no
 * stored hash (an unknown lane) it still hashes and compares, so the answer takes as long.
 */
export function laneTokenMatches(token: string, storedHash: string | undefined): boolean {
  const given = createHash('sha256').update(token, 'utf8').digest();
  const stored = storedHash !== undefined && /^[0-9a-f]{64}$/u.test(storedHash) ? Buffer.from(storedHash, 'hex') : Buffer.alloc(32);
  return timingSafeEqual(given, stored) && storedHash !== undefined;
}
