import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerStoreServerCommands, type LaneStoreSnippet } from '../../../main/cli/storeServeCommand';
import { openStoreBackend } from '../../../main/store/openStoreBackend';
import type { LaneSequence } from '../../../main/store/storeBackend';
import { healthSchema, laneIdHeader, storePaths } from '../../../shared/store/syncProtocol';
import { makeTempDir } from '../helpers/tempDir';
import { item, sale, vat } from './backendSuite';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real `lanewise` command, as store IT runs it (each spawn starts tsx: about a second). */
function lanewise(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/lanewise.mjs', ...args], { cwd: repoRoot, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/**
 * `lanewise store …` in this process, with these commands on a `store` group of its own and the
 * exit status rules of main/cli/index.ts (the spawned runs cover the real entry point).
 */
async function inProcess(args: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const program = new Command().name('lanewise').exitOverride();
    registerStoreServerCommands(program.command('store'), (exitCode) => (code = exitCode));
    try {
      await program.parseAsync(['store', ...args], { from: 'user' });
    } catch (error) {
      if (error instanceof CommanderError) code = error.exitCode === 0 ? 0 : 2;
      else {
        process.stderr.write(`lanewise: ${error instanceof Error ? error.message : String(error)}\n`);
        code = 2;
      }
    }
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const json = <T>(run: Run): T => JSON.parse(run.stdout) as T;
const spawnTimeout = 90_000;

function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    }).on('error', reject);
  });
}

describe('lanewise store (the store server)', () => {
  let dir: ReturnType<typeof makeTempDir>;

  beforeAll(() => {
    dir = makeTempDir('lanewise-store-cli-');
  });
  afterAll(() => dir.remove());

  it('add-lane prints a usable "store" section with a fresh token, once per lane unless rotating', { timeout: spawnTimeout }, async () => {
    const dataDir = join(dir.path, 'provision');
    const added = await lanewise(['store', 'add-lane', 'L01', '--data-dir', dataDir]);
    expect(added.code).toBe(0);
    const snippet = json<LaneStoreSnippet>(added);
    expect(snippet).toEqual({ store: { url: 'http://127.0.0.1:8200', laneToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) } });
    expect(added.stderr).toMatch(/^Keep this token secret: anyone who has it can .* as lane L01/);
    const backend = await openStoreBackend(dataDir);
    try {
      expect(await backend.lanes.authenticate('L01', snippet.store.laneToken)).toBe('ok');
    } finally {
      await backend.close();
    }

    const again = await inProcess(['add-lane', 'L01', '--data-dir', dataDir]);
    const rotated = await inProcess(['add-lane', 'L01', '--data-dir', dataDir, '--rotate', '--url', 'https://store.example.lan:8200/']);
    const other = await inProcess(['add-lane', 'L02', '--data-dir', dataDir]);
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: 'lanewise: lane L01 already exists; --rotate gives it a new token\n' });
    expect(rotated.code).toBe(0);
    expect(json<LaneStoreSnippet>(rotated).store).toEqual({ url: 'https://store.example.lan:8200', laneToken: expect.not.stringMatching(snippet.store.laneToken) });
    expect(other.code).toBe(0);

    expect(await inProcess(['add-lane', 'L03', '--data-dir', dataDir, '--url', 'ws://store.example.lan/'])).toMatchObject({ code: 2, stderr: 'lanewise: --url: ws://store.example.lan/ is not http(s)://host:port\n' });
    expect(await inProcess(['add-lane', 'lane one', '--data-dir', dataDir])).toMatchObject({ code: 2, stderr: 'lanewise: lane one is not a lane id (letters, digits, - or _, at most 16)\n' });
    expect(await inProcess(['lanes', '--data-dir', join(dir.path, 'nowhere')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^lanewise: no store database at .*nowhere\/store\.sqlite\n$/) });
    expect((await inProcess(['lanes'])).code).toBe(2);
    expect((await inProcess(['lanes', '--data-dir', dataDir, '--database', 'postgres://store@localhost/store'])).code).toBe(2);
    expect(await inProcess(['lanes', '--database', dataDir])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--database: give a postgres:\/\//) });

    const listed = await inProcess(['lanes', '--data-dir', dataDir, '--json']);
    expect(json<{ laneId: string; disabled: boolean }[]>(listed).map((lane) => [lane.laneId, lane.disabled])).toEqual([
      ['L01', false],
      ['L02', false],
    ]);
    expect(listed.stdout).not.toContain(json<LaneStoreSnippet>(rotated).store.laneToken);

    expect(await inProcess(['disable-lane', 'L01', '--data-dir', dataDir])).toMatchObject({ code: 0, stdout: 'lane L01: disabled\n' });
    expect(await inProcess(['remove-lane', 'L02', '--data-dir', dataDir])).toMatchObject({ code: 0, stdout: 'lane L02: removed\n' });
    expect(await inProcess(['enable-lane', 'L09', '--data-dir', dataDir])).toMatchObject({ code: 1, stdout: 'no lane L09\n' });
    const text = await inProcess(['lanes', '--data-dir', dataDir]);
    expect(text).toMatchObject({ code: 0, stdout: expect.stringMatching(/^L01 +disabled +added \d{4}-.* last seen never\n$/) });
    expect(await inProcess(['remove-lane', 'L01', '--data-dir', dataDir])).toMatchObject({ code: 0 });
    expect(await inProcess(['lanes', '--data-dir', dataDir])).toMatchObject({ code: 1, stdout: 'no lanes\n' });
  });

  it('serves lanes until SIGTERM, saying where when ready', { timeout: spawnTimeout }, async () => {
    const dataDir = join(dir.path, 'running');
    const provisioned = json<LaneStoreSnippet>(await inProcess(['add-lane', 'L01', '--data-dir', dataDir]));
    const child = spawn(process.execPath, ['bin/lanewise.mjs', 'store', 'serve', '--data-dir', dataDir, '--port', '0', '--ready-json'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const ready = JSON.parse(line) as { event: string; url: string; backend: string; pid: number };
      expect(ready).toEqual({ event: 'ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), backend: 'sqlite', pid: child.pid });

      const health = await getJson(`${ready.url}${storePaths.health}`);
      expect(healthSchema.parse(health.body)).toMatchObject({ ok: true, catalogVersion: 0, backend: 'sqlite' });
      const changes = await getJson(`${ready.url}${storePaths.changes}?since=0`, { authorization: `Bearer ${provisioned.store.laneToken}`, [laneIdHeader]: 'L01' });
      expect(changes).toMatchObject({ status: 200, body: { kind: 'delta', version: 0 } });

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    // The lane was seen, and the server said so in its log.
    const lanes = json<{ laneId: string; lastSeenAt: number | null }[]>(await inProcess(['lanes', '--data-dir', dataDir, '--json']));
    expect(lanes[0]?.lastSeenAt).toEqual(expect.any(Number));
  });

  it('lists the sales received per lane with their gaps, and the catalogue version', async () => {
    const dataDir = join(dir.path, 'sales');
    const backend = await openStoreBackend(dataDir);
    try {
      await backend.storeSales('L01', [1, 2, 5].map((number) => sale('L01', 'e1', number)), 1);
      await backend.storeSales('L02', [1, 2].map((number) => sale('L02', 'e7', number)), 2);
      await backend.applyCatalogChanges([vat('A', 2100), item(1, 100)]);
    } finally {
      await backend.close();
    }

    const all = await inProcess(['sales', 'gaps', '--data-dir', dataDir, '--json']);
    expect(all.code).toBe(1);
    expect(json<LaneSequence[]>(all)).toEqual([
      { laneId: 'L01', epoch: 'e1', count: 3, highest: 5, missing: [3, 4] },
      { laneId: 'L02', epoch: 'e7', count: 2, highest: 2, missing: [] },
    ]);
    const text = await inProcess(['sales', 'gaps', '--data-dir', dataDir]);
    expect(text.stdout).toMatch(/^L01 +epoch e1 {2}3 sales up to no\. 5 {2}missing 3, 4\nL02 +epoch e7 {2}2 sales up to no\. 2 {2}no gaps\n$/);
    expect(await inProcess(['sales', 'gaps', '--data-dir', dataDir, '--lane', 'L02'])).toMatchObject({ code: 0 });
    expect(await inProcess(['sales', 'gaps', '--data-dir', dataDir, '--lane', 'L09'])).toMatchObject({ code: 0, stdout: 'no sales from lane L09\n' });

    expect(await inProcess(['catalog-version', '--data-dir', dataDir])).toMatchObject({ code: 0, stdout: '1\n' });
    expect(await inProcess(['catalog-version', '--data-dir', join(dir.path, 'typo')])).toMatchObject({ code: 2 });
  });
});
