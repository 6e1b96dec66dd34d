import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerStoreUpdatesCommands } from '../../../main/cli/storeUpdatesCommand';
import { openSqliteStoreBackend, type SqliteStoreBackend } from '../../../main/store/sqlite/sqliteBackend';
import { startStoreServer, type RunningStoreServer } from '../../../main/store/storeServer';
import { compareVersions, parseRange, parseUpdateInfo, withStagingPercentage, type ChannelStatus } from '../../../main/store/updateFiles';
import { laneIdHeader } from '../../../shared/store/syncProtocol';
import { createRecordingLogger, type RecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One HTTP request with the path sent exactly as written (no URL normalisation). */
function call(base: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request({ hostname, port, path, method: options.method ?? 'GET', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** An electron-builder output folder for one Linux build: the .deb, its update info, and what else the folder holds. */
function buildOutput(dir: string, version: string, content = `Lanewise ${version}`): { dir: string; deb: Buffer; debName: string } {
  const out = join(dir, `build-${version}-${createHash('sha1').update(content).digest('hex').slice(0, 6)}`);
  mkdirSync(join(out, 'linux-unpacked'), { recursive: true });
  const deb = Buffer.from(content.repeat(50));
  const debName = `lanewise_${version}_amd64.deb`;
  const sha512 = createHash('sha512').update(deb).digest('base64');
  writeFileSync(join(out, debName), deb);
  writeFileSync(join(out, `${debName}.blockmap`), 'blockmap');
  writeFileSync(join(out, 'builder-debug.yml'), 'x: 1\n');
  writeFileSync(
    join(out, 'latest-linux.yml'),
    `version: ${version}\nfiles:\n  - url: ${debName}\n    sha512: ${sha512}\n    size: ${deb.length}\npath: ${debName}\nsha512: ${sha512}\nreleaseDate: '2026-03-02T10:00:00.000Z'\nreleaseNotes: |-\n  Faster scanning.\n  stagingPercentage: not this line\n`,
  );
  return { dir: out, deb, debName };
}

/** `lanewise store …` in this process, with the exit status rules of main/cli/index.ts. */
async function lanewise(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const program = new Command().name('lanewise').exitOverride();
    registerStoreUpdatesCommands(program.command('store'), (exitCode) => (code = exitCode));
    try {
      await program.parseAsync(['store', ...args], { from: 'user' });
    } catch (error) {
      code = 2;
      if (!(error instanceof CommanderError)) process.stderr.write(`lanewise: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('the store server’s update feed', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let backend: SqliteStoreBackend;
  let server: RunningStoreServer;
  let feedless: RunningStoreServer;
  let log: RecordingLogger;
  let token: string;
  let disabledToken: string;
  let build: ReturnType<typeof buildOutput>;
  const updatesDir = () => join(dir.path, 'updates');
  const asLane = (laneToken = token, laneId = 'L01') => ({ authorization: `Bearer ${laneToken}`, [laneIdHeader]: laneId });

  beforeAll(async () => {
    dir = makeTempDir('lanewise-update-feed-');
    backend = openSqliteStoreBackend(join(dir.path, 'store.sqlite'));
    token = (await backend.lanes.add('L01')).token;
    disabledToken = (await backend.lanes.add('L09')).token;
    await backend.lanes.setDisabled('L09', true);
    log = createRecordingLogger();
    server = await startStoreServer({ backend, log, updatesDir: updatesDir() });
    feedless = await startStoreServer({ backend, log: createRecordingLogger() });
    build = buildOutput(dir.path, '1.3.0');
    const published = await lanewise(['updates', 'publish', build.dir, '--channel', 'pilot', '--percent', '25', '--data-dir', dir.path]);
    expect(published).toMatchObject({ code: 0, stdout: 'pilot: 1.3.0 (latest-linux.yml: lanewise_1.3.0_amd64.deb) for 25 % of lanes\n' });
  });
  afterAll(async () => {
    await server?.close();
    await feedless?.close();
    await backend?.close();
    dir?.remove();
  });

  it('publishes the update info with its staging percentage, the installer and its blockmap, and nothing else', () => {
    expect(readdirSync(join(updatesDir(), 'pilot')).sort()).toEqual(['latest-linux.yml', 'lanewise_1.3.0_amd64.deb', 'lanewise_1.3.0_amd64.deb.blockmap'].sort());
    const yml = readFileSync(join(updatesDir(), 'pilot', 'latest-linux.yml'), 'utf8');
    expect(yml).toBe(withStagingPercentage(readFileSync(join(build.dir, 'latest-linux.yml'), 'utf8'), 25));
    expect(yml.endsWith('\nstagingPercentage: 25\n')).toBe(true);
    expect(parseUpdateInfo(yml, 'latest-linux.yml')).toMatchObject({ version: '1.3.0', stagingPercentage: 25, files: [{ url: 'lanewise_1.3.0_amd64.deb', size: build.deb.length }] });
    expect(existsSync(join(updatesDir(), 'stable'))).toBe(false);
  });

  it('serves a channel’s files to a lane with its token, whole and by range', async () => {
    const info = await call(server.url, '/updates/pilot/latest-linux.yml', { headers: asLane() });
    expect(info.status).toBe(200);
    expect(info.headers['content-type']).toBe('text/yaml; charset=utf-8');
    expect(info.headers['cache-control']).toBe('no-store');
    expect(info.body.toString()).toContain('stagingPercentage: 25');

    const whole = await call(server.url, '/updates/pilot/lanewise_1.3.0_amd64.deb', { headers: { ...asLane(), 'x-user-staging-id': 'abc' } });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBe(String(build.deb.length));
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.body.equals(build.deb)).toBe(true);
    // The server logs once its side of the response has closed, which may be just after the lane has read it.
    await vi.waitFor(() => expect(log.find('info', 'update file sent').at(-1)?.fields).toMatchObject({ laneId: 'L01', channel: 'pilot', file: 'lanewise_1.3.0_amd64.deb', stagingId: 'abc' }));

    const size = build.deb.length;
    for (const [range, start, end] of [
      ['bytes=0-9', 0, 9],
      ['bytes=100-', 100, size - 1],
      ['bytes=-7', size - 7, size - 1],
      [`bytes=5-${size + 1000}`, 5, size - 1],
    ] as const) {
      const part = await call(server.url, '/updates/pilot/lanewise_1.3.0_amd64.deb', { headers: { ...asLane(), range } });
      expect(part.status, range).toBe(206);
      expect(part.headers['content-range'], range).toBe(`bytes ${start}-${end}/${size}`);
      expect(part.headers['content-length'], range).toBe(String(end - start + 1));
      expect(part.body.equals(build.deb.subarray(start, end + 1)), range).toBe(true);
    }
    const outside = await call(server.url, '/updates/pilot/lanewise_1.3.0_amd64.deb', { headers: { ...asLane(), range: `bytes=${size}-` } });
    expect(outside.status).toBe(416);
    expect(outside.headers['content-range']).toBe(`bytes */${size}`);
    // Several ranges, or nonsense: the whole file, as HTTP allows.
    for (const range of ['bytes=0-1,4-5', 'lines=1-2', 'bytes=x-y']) {
      const whole = await call(server.url, '/updates/pilot/lanewise_1.3.0_amd64.deb', { headers: { ...asLane(), range } });
      expect(whole.status, range).toBe(200);
      expect(whole.body.length, range).toBe(size);
    }
  });

  it('answers only lanes with a valid token', async () => {
    expect((await call(server.url, '/updates/pilot/latest-linux.yml')).status).toBe(401);
    expect((await call(server.url, '/updates/pilot/latest-linux.yml', { headers: asLane('wrong-token') })).status).toBe(401);
    expect((await call(server.url, '/updates/pilot/latest-linux.yml', { headers: asLane(disabledToken, 'L09') })).status).toBe(403);
    expect((await call(server.url, '/updates/pilot/latest-linux.yml', { method: 'POST', headers: asLane() })).status).toBe(405);
  });

  it('serves nothing outside a channel’s folder, however the path is written', async () => {
    writeFileSync(join(updatesDir(), 'pilot', '.partial-1-x.deb'), 'half');
    mkdirSync(join(updatesDir(), 'pilot', 'folder'), { recursive: true });
    symlinkSync(join(dir.path, 'store.sqlite'), join(updatesDir(), 'pilot', 'linked.deb'));
    for (const path of [
      '/updates/pilot/../../store.sqlite',
      '/updates/pilot/..%2f..%2fstore.sqlite',
      '/updates/pilot/%2e%2e%2f%2e%2e%2fstore.sqlite',
      '/updates/pilot/..%5c..%5cstore.sqlite',
      '/updates/pilot/%2fetc%2fpasswd',
      '/updates/..%2fstore.sqlite/x',
      '/updates/pilot/folder/x',
      '/updates/pilot/folder',
      '/updates/pilot/linked.deb',
      '/updates/pilot/.partial-1-x.deb',
      '/updates/pilot/%',
      '/updates/pilot/',
      '/updates/store.sqlite',
      '/updates/stable/latest-linux.yml',
      '/updates/beta/latest-linux.yml',
      '/updates/pilot/nothing.yml',
    ]) {
      const answer = await call(server.url, path, { headers: asLane() });
      expect(answer.status, path).toBe(404);
      expect(answer.body.toString(), path).not.toContain('SQLite');
    }
    expect((await call(feedless.url, '/updates/pilot/latest-linux.yml', { headers: asLane() })).body.toString()).toContain('has no update feed');
  });

  it('refuses to publish what lanes would refuse or never install', async () => {
    const lower = buildOutput(dir.path, '1.2.9');
    const refusedLower = await lanewise(['updates', 'publish', lower.dir, '--channel', 'pilot', '--data-dir', dir.path]);
    expect(refusedLower.code).toBe(2);
    expect(refusedLower.stderr).toContain('pilot offers 1.3.0; lanes never install the lower 1.2.9. To roll back, build the previous release with a version above 1.3.0');

    const sameVersionOtherBytes = buildOutput(dir.path, '1.3.0', 'another 1.3.0');
    expect((await lanewise(['updates', 'publish', sameVersionOtherBytes.dir, '--channel', 'pilot', '--data-dir', dir.path])).stderr).toContain('already offers 1.3.0 with other files');

    const corrupt = buildOutput(dir.path, '1.4.0');
    writeFileSync(join(corrupt.dir, corrupt.debName), 'changed after the build');
    expect((await lanewise(['updates', 'publish', corrupt.dir, '--channel', 'pilot', '--data-dir', dir.path])).stderr).toContain('its SHA-512 is not the one latest-linux.yml gives');
    expect((await lanewise(['updates', 'publish', join(dir.path, 'nowhere'), '--channel', 'pilot', '--data-dir', dir.path])).code).toBe(2);
    expect((await lanewise(['updates', 'publish', build.dir, '--channel', 'beta', '--data-dir', dir.path])).code).toBe(2);
    expect((await lanewise(['updates', 'publish', build.dir, '--channel', 'pilot', '--percent', '101', '--data-dir', dir.path])).code).toBe(2);
    expect((await lanewise(['updates', 'publish', build.dir, '--channel', 'pilot'])).stderr).toContain('--data-dir');

    const yml = readFileSync(join(updatesDir(), 'pilot', 'latest-linux.yml'), 'utf8');
    expect(parseUpdateInfo(yml, 'latest-linux.yml')).toMatchObject({ version: '1.3.0', stagingPercentage: 25 });
  });

  it('promotes to stable, widens the rollout, rolls back with a higher version and reports each channel', async () => {
    const feed = ['--updates-dir', updatesDir()];
    expect((await lanewise(['updates', 'publish', build.dir, '--channel', 'stable', '--percent', '10', ...feed])).stdout).toContain('stable: 1.3.0');
    expect((await lanewise(['updates', 'rollout', '--channel', 'stable', '--percent', '50', ...feed])).stdout).toBe('stable: 1.3.0 (latest-linux.yml: lanewise_1.3.0_amd64.deb) for 50 % of lanes\n');
    expect((await lanewise(['updates', 'rollout', '--channel', 'pilot', '--all', ...feed])).stdout).toContain('for every lane');

    // 1.3.0 misbehaves: the 1.2.x sources are built again as 1.3.1 and replace it on both channels.
    const rollback = buildOutput(dir.path, '1.3.1', 'Lanewise 1.2.0 sources');
    for (const channel of ['pilot', 'stable']) expect((await lanewise(['updates', 'publish', rollback.dir, '--channel', channel, ...feed])).code).toBe(0);

    const status = await lanewise(['updates', 'status', '--json', ...feed]);
    expect(status.code).toBe(0);
    const channels = JSON.parse(status.stdout) as ChannelStatus[];
    expect(channels.map((channel) => [channel.channel, channel.offers.map((offer) => [offer.version, offer.stagingPercentage])])).toEqual([
      ['pilot', [['1.3.1', 100]]],
      ['stable', [['1.3.1', 100]]],
    ]);
    expect(channels[0]!.unreferenced).toEqual(['lanewise_1.3.0_amd64.deb', 'lanewise_1.3.0_amd64.deb.blockmap']);
    expect((await lanewise(['updates', 'status', ...feed])).stdout).toMatch(/^pilot: latest-linux\.yml +1\.3\.1 for 100 % of lanes, built 2026-03-02T10:00:00\.000Z$/mu);

    const pruned = await lanewise(['updates', 'publish', rollback.dir, '--channel', 'pilot', '--prune', ...feed]);
    expect(pruned.stdout).toContain('removed lanewise_1.3.0_amd64.deb, lanewise_1.3.0_amd64.deb.blockmap');
    expect(readdirSync(join(updatesDir(), 'pilot')).filter((name) => name.includes('1.3.0'))).toEqual([]);

    // An offered file gone missing is a problem store IT sees (exit status 1).
    writeFileSync(join(updatesDir(), 'stable', 'latest-linux.yml'), readFileSync(join(updatesDir(), 'stable', 'latest-linux.yml'), 'utf8').replaceAll('1.3.1_amd64', '9.9.9_amd64'));
    const broken = await lanewise(['updates', 'status', ...feed]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('PROBLEM: missing lanewise_9.9.9_amd64.deb');
  });

  it('is a `lanewise store` command', async () => {
    const run = await new Promise<{ code: number; stdout: string }>((resolve, reject) => {
      execFile(process.execPath, ['bin/lanewise.mjs', 'store', 'updates', 'status', '--updates-dir', join(dir.path, 'empty')], { cwd: repoRoot, timeout: 30_000 }, (error, stdout) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout });
      });
    });
    expect(run).toEqual({ code: 0, stdout: 'pilot: nothing published\nstable: nothing published\n' });
  }, 40_000);
});

describe('update feed helpers', () => {
  it('orders versions as semver does', () => {
    expect(['1.10.0', '1.2.0', '1.2.0-rc.1', '1.2.0-beta.2', '1.2.0-beta.10', '1.2.0-alpha', '0.9.9'].sort(compareVersions)).toEqual(['0.9.9', '1.2.0-alpha', '1.2.0-beta.2', '1.2.0-beta.10', '1.2.0-rc.1', '1.2.0', '1.10.0']);
  });

  it('reads one range of a file, and nothing it cannot satisfy', () => {
    expect(parseRange(undefined, 10)).toBeUndefined();
    expect(parseRange('bytes=2-4', 10)).toEqual({ start: 2, end: 4 });
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-', 10)).toBeUndefined();
  });

  it('refuses update info it does not understand', () => {
    expect(() => parseUpdateInfo('<html>proxy error</html>', 'latest.yml')).toThrow(/not electron-builder's update info/u);
    expect(() => parseUpdateInfo('version: 1.0\nfiles:\n', 'latest.yml')).toThrow(/no semantic version/u);
    expect(() => parseUpdateInfo('version: 1.0.0\nfiles:\n  - url: ../../etc/passwd\n    sha512: x\n', 'latest.yml')).toThrow(/not a plain file name/u);
  });
});
