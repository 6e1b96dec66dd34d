import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { assistantCommandSchema } from '../../shared/bridge/uiEventSchema';
import { laneMessageKeys } from '../../shared/supervisor/laneMessages';
import { clockSkewToleranceMs, commandLifetimeMs, helloProofText, type CommandBody, type CommandRejection } from '../../shared/supervisor/protocol';
import { remoteCommandKinds, type RemoteAction } from '../../shared/supervisor/remoteActions';

/**
 * Lane credentials and the MACs that carry them: shared by the hub (which signs) and the
 * lane (which verifies), so both sides use one definition of what is signed.
 *
 * A lane secret is 32 random bytes, written base64url. Store IT provisions it with
 * `lanewise supervisor add-lane`; it sits in the hub's database and the lane's config file.
 */
export const laneSecretBytes = 32;

export function newLaneSecret(): string {
  return randomBytes(laneSecretBytes).toString('base64url');
}

/** A secret decoded; throws on one that is not base64url of at least 32 bytes (a config error). */
export function decodeLaneSecret(secret: string): Buffer {
  if (!/^[A-Za-z0-9_-]+$/.test(secret)) throw new Error('a lane secret is base64url text');
  const key = Buffer.from(secret, 'base64url');
  if (key.length < laneSecretBytes) throw new Error(`a lane secret is at least ${laneSecretBytes} bytes`);
  return key;
}

function mac(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('base64url');
}

/** Constant-time: a forger learns nothing from how long a wrong MAC takes to refuse. */
function macMatches(key: Buffer, text: string, candidate: string): boolean {
  const expected = Buffer.from(mac(key, text), 'base64url');
  const given = Buffer.from(candidate, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export function helloProof(key: Buffer, laneId: string, nonce: string): string {
  return mac(key, helloProofText(laneId, nonce));
}

export function helloProofMatches(key: Buffer, laneId: string, nonce: string, proof: string): boolean {
  return macMatches(key, helloProofText(laneId, nonce), proof);
}

/** The hub's side: a command for one lane, valid for `commandLifetimeMs`. */
export function signCommand(key: Buffer, command: Omit<CommandBody, 'id' | 'issuedAt' | 'expiresAt'>, now = Date.now()): { body: CommandBody; payload: string; mac: string } {
  const body: CommandBody = { id: newNonce(), issuedAt: now, expiresAt: now + commandLifetimeMs, ...command };
  const payload = JSON.stringify(body);
  return { body, payload, mac: mac(key, payload) };
}

const remoteActionSchema: z.ZodType<RemoteAction> = z.union([
  assistantCommandSchema.refine((command) => (remoteCommandKinds as readonly string[]).includes(command.kind), { error: 'not a command the station may send' }),
  z.object({ kind: z.literal('sendMessage'), message: z.enum(laneMessageKeys) }).strict(),
]) as z.ZodType<RemoteAction>;

const commandBodySchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{32}$/),
    laneId: z.string().min(1).max(16),
    issuedAt: z.number().int().nonnegative(),
    expiresAt: z.number().int().nonnegative(),
    by: z.object({ id: z.string().regex(/^\d{1,10}$/), name: z.string().min(1).max(100), role: z.enum(['assistant', 'supervisor']) }).strict(),
    action: remoteActionSchema,
    reason: z.string().max(200).optional(),
    saleId: z.string().max(100).nullable().optional(),
  })
  .strict();

/** Remembers command ids until they expire, so none is accepted twice (the lane keeps these on disk). */
export interface SeenCommands {
  /** False when `id` was already recorded; records it otherwise. */
  remember(id: string, expiresAt: number): boolean;
}

export type VerifiedCommand = { ok: true; body: CommandBody } | { ok: false; rejection: CommandRejection; id?: string | undefined; body?: CommandBody | undefined };

/**
 * The lane's side. Order matters: the MAC is checked over the exact bytes before anything is
 * parsed (so an altered command is `badMac`, never a parse of attacker-chosen JSON), then the
 * lane, the time window, and last the nonce, so an invalid command cannot use up an id.
 */
export function verifyCommand(key: Buffer, message: { payload: string; mac: string }, expect: { laneId: string; now: number; seen: SeenCommands }): VerifiedCommand {
  if (typeof message.payload !== 'string' || typeof message.mac !== 'string' || !macMatches(key, message.payload, message.mac)) return { ok: false, rejection: 'badMac' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.payload);
  } catch {
    return { ok: false, rejection: 'malformed' };
  }
  const result = commandBodySchema.safeParse(parsed);
  if (!result.success) {
    // Only an id that is text or a number is echoed: `{"id":{"toString":1}}` must not throw here.
    const claimed = (parsed as { id?: unknown } | null)?.id;
    return { ok: false, rejection: 'malformed', id: typeof claimed === 'string' || typeof claimed === 'number' ? String(claimed).slice(0, 32) : undefined };
  }
  const body = result.data as CommandBody;
  if (body.laneId !== expect.laneId) return { ok: false, rejection: 'wrongLane', id: body.id, body };
  if (body.expiresAt <= expect.now || body.expiresAt - body.issuedAt > commandLifetimeMs) return { ok: false, rejection: 'expired', id: body.id, body };
  if (body.issuedAt > expect.now + clockSkewToleranceMs) return { ok: false, rejection: 'notYetValid', id: body.id, body };
  if (!expect.seen.remember(body.id, body.expiresAt)) return { ok: false, rejection: 'replayed', id: body.id, body };
  return { ok: true, body };
}
