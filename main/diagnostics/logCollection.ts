import { createReadStream, createWriteStream, readdirSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { redactSecrets, scrubText } from './redact';

/**
 * Recent logs for a support bundle: the log folder's files modified within the last hours,
 * rotated `.gz` files included (unpacked: the bundle is compressed as a whole), newest first
 * until a total size cap. Every line is scrubbed on the way: secret-named fields become "set",
 * `payload` and `snapshot` fields are left out, and any known secret value is replaced.
 */
export interface CollectedLog {
  /** As found in the log folder. */
  readonly file: string;
  /** Its name in the bundle, under logs/. */
  readonly name: string;
  readonly modifiedAt: string;
  readonly bytes: number;
  readonly lines: number;
}

export interface LogCollection {
  readonly folder: string;
  readonly sinceHours: number;
  readonly capBytes: number;
  readonly included: readonly CollectedLog[];
  readonly leftOut: readonly { readonly file: string; readonly reason: string }[];
  /** Why the folder could not be read at all. */
  readonly error?: string;
}

/** Fields of a log line that may carry a sale or a whole state: never copied into a bundle. */
const omittedFields = new Set(['payload', 'snapshot']);

function scrubRecord(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubRecord);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) copy[name] = omittedFields.has(name) ? '[omitted]' : scrubRecord(field);
  return copy;
}

/** One log line as it goes into a bundle. */
export function scrubLogLine(line: string, secrets: readonly string[]): string {
  let text = line;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed !== null && typeof parsed === 'object') text = JSON.stringify(redactSecrets(scrubRecord(parsed)));
  } catch {
    // Not JSON (a crash message): only the known secrets are taken out.
  }
  return scrubText(text, secrets);
}

class CapReached extends Error {}

/** Copies one log (gunzipped when .gz), scrubbed line by line; stops with CapReached past `budget` bytes. */
async function copyScrubbed(source: string, target: string, secrets: readonly string[], budget: number): Promise<{ bytes: number; lines: number }> {
  const input: Readable = source.endsWith('.gz') ? createReadStream(source).pipe(createGunzip()) : createReadStream(source);
  const output: WriteStream = createWriteStream(target);
  let bytes = 0;
  let lines = 0;
  const outputError = new Promise<never>((_, reject) => output.once('error', reject));
  outputError.catch(() => undefined);
  try {
    const reader = createInterface({ input, crlfDelay: Infinity });
    // A corrupt .gz ends the copy with what was read so far, as an error.
    const inputError = new Promise<never>((_, reject) => input.once('error', reject));
    inputError.catch(() => undefined);
    const copy = (async () => {
      for await (const line of reader) {
        const scrubbed = `${scrubLogLine(line, secrets)}\n`;
        bytes += Buffer.byteLength(scrubbed);
        if (bytes > budget) throw new CapReached();
        lines += 1;
        if (!output.write(scrubbed)) await new Promise<void>((resolve) => output.once('drain', () => resolve()));
      }
    })();
    await Promise.race([copy, inputError, outputError]);
  } finally {
    input.destroy();
    await new Promise<void>((resolve) => output.end(() => resolve()));
  }
  return { bytes, lines };
}

export async function collectLogs(options: { folder: string; target: string; sinceHours: number; capBytes: number; secrets: readonly string[]; now: Date }): Promise<LogCollection> {
  const { folder, target, sinceHours, capBytes, secrets, now } = options;
  const base = { folder, sinceHours, capBytes };
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    return { ...base, included: [], leftOut: [], error: `cannot read ${folder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  const since = now.getTime() - sinceHours * 3_600_000;
  const candidates = names
    // The rotation's own bookkeeping is not a log.
    .filter((name) => !name.endsWith('.history'))
    .flatMap((name) => {
      try {
        const stat = statSync(join(folder, name));
        return stat.isFile() && stat.mtimeMs >= since ? [{ name, mtimeMs: stat.mtimeMs }] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => b.mtimeMs - a.mtimeMs);

  const included: CollectedLog[] = [];
  const leftOut: { file: string; reason: string }[] = [];
  const used = new Set<string>();
  let total = 0;
  for (const [index, candidate] of candidates.entries()) {
    const source = join(folder, candidate.name);
    let name = candidate.name.replace(/\.gz$/u, '');
    while (used.has(name)) name = `_${name}`;
    const destination = join(target, name);
    try {
      const copied = await copyScrubbed(source, destination, secrets, capBytes - total);
      used.add(name);
      total += copied.bytes;
      included.push({ file: source, name, modifiedAt: new Date(candidate.mtimeMs).toISOString(), bytes: copied.bytes, lines: copied.lines });
    } catch (error) {
      rmSync(destination, { force: true });
      if (error instanceof CapReached) {
        // Newest first: everything older than this is left out too.
        for (const rest of candidates.slice(index)) leftOut.push({ file: join(folder, rest.name), reason: `past the cap of ${capBytes} bytes of logs in a bundle` });
        break;
      }
      leftOut.push({ file: source, reason: `cannot read: ${(error as Error).message}` });
    }
  }
  return { ...base, included, leftOut };
}
