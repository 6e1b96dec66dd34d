import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createLogger } from '../../../main/log/logger';
import { makeTempDir } from '../helpers/tempDir';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Each line of a JSON-lines text, parsed (a line that is not JSON fails the test). */
const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('logger', () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    dir = makeTempDir('lanewise-log-');
  });
  afterEach(() => dir.remove());

  it('rotates a file log by size, gzips the rotated files and keeps only the newest few', async () => {
    const file = join(dir.path, 'logs', 'lane-L01.jsonl');
    const log = createLogger({ file, bindings: { lane: 'L01' }, rotation: { maxBytes: 2000, keep: 3, daily: false } });
    // Each round (~2.5 kB) passes the limit by itself, so every write the file stream gets rotates the file.
    let written = 0;
    for (let round = 0; round < 12; round++) {
      for (let line = 0; line < 15; line++) log.info({ n: written++, filler: 'x'.repeat(100) }, 'scan');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await log.close();

    const names = readdirSync(join(dir.path, 'logs'));
    const rotated = names.filter((name) => name.endsWith('.jsonl.gz')).sort();
    expect(rotated).toHaveLength(3);
    for (const name of rotated) expect(name).toMatch(/^lane-L01\.\d{4}-\d{2}-\d{2}\.\d{2}\.jsonl\.gz$/);
    expect(names).toContain('lane-L01.jsonl');

    // Still JSON lines, every one, in the live file and in each gzipped one; the oldest are gone.
    const kept = [readFileSync(file, 'utf8'), ...rotated.map((name) => gunzipSync(readFileSync(join(dir.path, 'logs', name))).toString('utf8'))].flatMap(jsonLines);
    for (const record of kept) expect(record).toMatchObject({ level: 'info', lane: 'L01', msg: 'scan' });
    const numbers = kept.map((record) => record.n as number).sort((a, b) => a - b);
    expect(numbers.length).toBeLessThan(written);
    expect(numbers.at(-1)).toBe(written - 1);
    // What is kept is the newest, without a gap.
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, index) => written - numbers.length + index));
  });

  it('rotates a file left from an earlier day when it starts, named after that day', async () => {
    const logs = join(dir.path, 'logs');
    mkdirSync(logs);
    const file = join(logs, 'demo.jsonl');
    writeFileSync(file, `${JSON.stringify({ level: 'info', msg: 'yesterday' })}\n`);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(file, twoDaysAgo, twoDaysAgo);

    const log = createLogger({ file });
    log.info({}, 'today');
    await log.close();

    const day = `${twoDaysAgo.getFullYear()}-${String(twoDaysAgo.getMonth() + 1).padStart(2, '0')}-${String(twoDaysAgo.getDate()).padStart(2, '0')}`;
    const rotated = join(logs, `demo.${day}.01.jsonl.gz`);
    expect(existsSync(rotated)).toBe(true);
    expect(jsonLines(gunzipSync(readFileSync(rotated)).toString('utf8'))).toEqual([{ level: 'info', msg: 'yesterday' }]);
    expect(jsonLines(readFileSync(file, 'utf8')).map((record) => record.msg)).toEqual(['today']);
  });

  it('has written every line by the time flush() returns, as callers about to exit rely on', () => {
    const file = join(dir.path, 'lane.jsonl');
    const log = createLogger({ file });
    log.info({ n: 1 }, 'first');
    log.error({ error: 'boom' }, 'uncaught exception; exiting for a clean restart');
    log.flush();
    expect(jsonLines(readFileSync(file, 'utf8')).map((record) => record.msg)).toEqual(['first', 'uncaught exception; exiting for a clean restart']);
    return log.close();
  });

  it('keeps one growing file without rotation when told so', async () => {
    const file = join(dir.path, 'plain.jsonl');
    const log = createLogger({ file, rotation: false });
    for (let turn = 0; turn < 5; turn++) {
      for (let line = 0; line < 20; line++) log.info({ filler: 'y'.repeat(100) }, 'line');
      await nextTurn();
    }
    await log.close();
    expect(readdirSync(dir.path)).toEqual(['plain.jsonl']);
    expect(jsonLines(readFileSync(file, 'utf8'))).toHaveLength(100);
  });

  it('never throws when its file cannot be written: the lines go to standard error', async () => {
    // A folder where the log file should be.
    const file = join(dir.path, 'taken.jsonl');
    mkdirSync(file);
    const errors: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (errors.push(String(chunk)), true));
    try {
      const log = createLogger({ file });
      log.warn({ n: 1 }, 'still heard');
      for (let turn = 0; turn < 5 && !errors.join('').includes('still heard'); turn++) await new Promise((resolve) => setTimeout(resolve, 20));
      log.info({ n: 2 }, 'and again');
      await log.close();
    } finally {
      spy.mockRestore();
    }
    const text = errors.join('');
    expect(text).toContain('cannot write the log file');
    expect(text).toContain('"msg":"still heard"');
    expect(text).toContain('"msg":"and again"');
  });
});
