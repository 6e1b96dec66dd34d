import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CatalogChecksum, catalogChecksum } from '../../../main/store/checksum';
import { openSqliteStoreBackend, type SqliteStoreBackend } from '../../../main/store/sqlite/sqliteBackend';
import { startStoreServer, type RunningStoreServer } from '../../../main/store/storeServer';
import {
  changesAnswerSchema,
  healthSchema,
  laneIdHeader,
  salesUploadResultSchema,
  snapshotHeaderSchema,
  snapshotTrailerSchema,
  storePaths,
  versionedEntitySchema,
  type UploadedSale,
} from '../../../shared/store/syncProtocol';
import { silentLogger } from '../../../shared/log';
import { createRecordingLogger, type RecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';
import { deleted, item, sale, settings, vat } from './backendSuite';

const fixtures = fileURLToPath(new URL('../../fixtures/tls/', import.meta.url));
const certPem = readFileSync(join(fixtures, 'hub-test.cert.pem'));
const keyPem = readFileSync(join(fixtures, 'hub-test.key.pem'));

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Call {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly ca?: Buffer;
}

/** One real HTTP(S) request, read to its end. */
function call(url: string, options: Call = {}): Promise<Answer> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: options.method ?? 'GET', headers: options.headers, ca: options.ca }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

const asLane = (laneId: string, token: string, more: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, [laneIdHeader]: laneId, ...more });

function upload(laneId: string, sales: readonly UploadedSale[]): string {
  return JSON.stringify({ laneId, sales });
}

describe('store server', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let backend: SqliteStoreBackend;
  let server: RunningStoreServer;
  let log: RecordingLogger;
  let token: string;
  let otherToken: string;
  let disabledToken: string;
  let clock = 1_736_935_200_000;

  beforeAll(async () => {
    dir = makeTempDir('lanewise-store-server-');
    backend = openSqliteStoreBackend(join(dir.path, 'store.sqlite'));
    token = (await backend.lanes.add('L01')).token;
    otherToken = (await backend.lanes.add('L02')).token;
    disabledToken = (await backend.lanes.add('L03')).token;
    await backend.lanes.setDisabled('L03', true);
    log = createRecordingLogger();
    server = await startStoreServer({ backend, host: '127.0.0.1', port: 0, log, now: () => clock });
  });
  afterAll(async () => {
    await server.close();
    await backend.close();
    dir.remove();
  });

  const at = (path: string) => `${server.url}${path}`;

  it('answers health without a token', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await call(at(storePaths.health));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(healthSchema.parse(JSON.parse(answer.body))).toEqual({ ok: true, protocol: 1, catalogVersion: await backend.catalogVersion(), backend: 'sqlite' });
  });

  it('refuses requests without a valid token (401) or from a disabled lane (403), without telling which lanes exist', async () => {
    const before = log.find('warn', 'store request refused').length;
    const url = at(`${storePaths.changes}?since=0`);
    const none = await call(url);
    const noToken = await call(url, { headers: { [laneIdHeader]: 'L01' } });
    const noLane = await call(url, { headers: { authorization: `Bearer ${token}` } });
    const wrongToken = await call(url, { headers: asLane('L01', otherToken) });
    const unknownLane = await call(url, { headers: asLane('L09', token) });
    const garbage = await call(url, { headers: asLane('L01', 'x'.repeat(5_000)) });
    const disabledWrongToken = await call(url, { headers: asLane('L03', token) });
    const disabled = await call(url, { headers: asLane('L03', disabledToken) });
    const refusedUnauthorized = [none, noToken, noLane, wrongToken, unknownLane, garbage, disabledWrongToken];
    expect(refusedUnauthorized.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 401, 401]);
    // Every 401 is word for word the same, whoever asked.
    expect(new Set(refusedUnauthorized.map((answer) => answer.body)).size).toBe(1);
    expect(JSON.parse(none.body)).toMatchObject({ error: 'unauthorized' });
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(disabled.status).toBe(403);
    expect(JSON.parse(disabled.body)).toMatchObject({ error: 'forbidden', message: 'this lane is disabled at the store' });
    // The snapshot and sales are behind the same door.
    expect((await call(at(storePaths.snapshot))).status).toBe(401);
    expect((await call(at(storePaths.sales), { method: 'POST', body: upload('L01', [sale('L01', 'e1', 1)]) })).status).toBe(401);
    expect(await backend.salesCount()).toBe(0);

    const refusals = log.find('warn', 'store request refused').slice(before);
    expect(refusals).toHaveLength(10);
    expect(refusals[3]?.fields).toMatchObject({ laneId: 'L01', reason: 'unknown lane or wrong token', path: storePaths.changes });
    expect(refusals[7]?.fields).toMatchObject({ laneId: 'L03', reason: 'lane disabled' });
  });

  it('answers unknown paths and methods plainly', async () => {
    expect((await call(at('/v1/nothing'))).status).toBe(404);
    const wrongMethod = await call(at(storePaths.sales), { headers: asLane('L01', token) });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
  });

  it('sends catalogue deltas a lane can check against their checksum, and records when the lane was seen', async () => {
    clock += 1_000;
    await backend.applyCatalogChanges([settings('EUR'), vat('A', 2100), item(1, 100), item(2, 200)]);
    await backend.applyCatalogChanges([item(2, 210), deleted('item', item(1, 100).key)]);
    const answer = await call(at(`${storePaths.changes}?since=0`), { headers: asLane('L01', token) });
    expect(answer.status).toBe(200);
    const delta = changesAnswerSchema.parse(JSON.parse(answer.body));
    if (delta.kind !== 'delta') throw new Error('expected a delta');
    expect(delta.version).toBe(2);
    expect(delta.changes.map((change) => [change.version, change.kind, change.value === null])).toEqual([
      [1, 'settings', false],
      [1, 'vatClass', false],
      [2, 'item', true],
      [2, 'item', false],
    ]);
    expect(catalogChecksum(delta.changes)).toBe(delta.checksum);
    expect((await backend.lanes.list()).find((lane) => lane.laneId === 'L01')?.lastSeenAt).toBe(clock);

    const upToDate = changesAnswerSchema.parse(JSON.parse((await call(at(`${storePaths.changes}?since=2`), { headers: asLane('L01', token) })).body));
    expect(upToDate).toMatchObject({ kind: 'delta', since: 2, version: 2, changes: [] });
    const ahead = changesAnswerSchema.parse(JSON.parse((await call(at(`${storePaths.changes}?since=99`), { headers: asLane('L01', token) })).body));
    expect(ahead).toEqual({ kind: 'snapshotRequired', version: 2, reason: 'tooOld' });

    for (const since of ['', '-1', 'abc', '1.5', '1e3', '99999999999999999999']) {
      const bad = await call(at(`${storePaths.changes}?since=${since}`), { headers: asLane('L01', token) });
      expect([since, bad.status]).toEqual([since, 400]);
      expect(JSON.parse(bad.body)).toMatchObject({ error: 'badRequest', message: expect.stringMatching(/since/) });
    }
    expect((await call(at(storePaths.changes), { headers: asLane('L01', token) })).status).toBe(400);
  });

  it('streams a snapshot as NDJSON whose count and checksum verify', async () => {
    const items = Array.from({ length: 2_000 }, (_, index) => item(100 + index, 1_000 + index));
    await backend.applyCatalogChanges(items);
    const version = await backend.catalogVersion();
    const answer = await call(at(storePaths.snapshot), { headers: asLane('L02', otherToken) });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = answer.body.split('\n');
    expect(lines.pop()).toBe('');
    const header = snapshotHeaderSchema.parse(JSON.parse(lines.shift()!));
    const trailer = snapshotTrailerSchema.parse(JSON.parse(lines.pop()!));
    expect(header).toEqual({ kind: 'snapshot', protocol: 1, version, count: 2_003 });
    expect(lines).toHaveLength(header.count);
    const checksum = new CatalogChecksum();
    for (const line of lines) checksum.add(versionedEntitySchema.parse(JSON.parse(line)));
    expect(checksum.digest()).toBe(trailer.checksum);
    expect(backend.openSnapshots).toBe(0);
  });

  it('ends the snapshot’s read view when the lane hangs up midway', async () => {
    // About 18 MB: more than the socket buffers on both ends hold, so the server is still waiting on
    // backpressure when the lane hangs up.
    await backend.applyCatalogChanges(Array.from({ length: 100_000 }, (_, index) => item(10_000 + index, 500)));
    await new Promise<void>((resolve, reject) => {
      const outgoing = httpRequest(at(storePaths.snapshot), { headers: asLane('L01', token) }, (response) => {
        response.once('data', () => {
          outgoing.destroy();
          resolve();
        });
      });
      outgoing.on('error', (error) => (outgoing.destroyed ? undefined : reject(error)));
      outgoing.end();
    });
    await expect.poll(() => backend.openSnapshots, { timeout: 10_000 }).toBe(0);
    expect(log.find('info', 'snapshot download abandoned by the lane')).toHaveLength(1);
    expect((await call(at(storePaths.health))).status).toBe(200);
  });

  it('stores uploaded sales once, says stored, duplicate or conflict, and logs conflicts', async () => {
    const post = (laneId: string, laneToken: string, body: string) => call(at(storePaths.sales), { method: 'POST', headers: asLane(laneId, laneToken, { 'content-type': 'application/json' }), body });
    const first = sale('L01', 'e1', 1);
    const stored = await post('L01', token, upload('L01', [first, sale('L01', 'e1', 2)]));
    expect(stored.status).toBe(200);
    expect(salesUploadResultSchema.parse(JSON.parse(stored.body)).results).toEqual([
      { saleId: 'L01-e1-1', outcome: 'stored' },
      { saleId: 'L01-e1-2', outcome: 'stored' },
    ]);
    const altered = sale('L01', 'e1', 1, '{"changed":true}');
    const again = await post('L01', token, upload('L01', [first, altered]));
    expect(JSON.parse(again.body)).toEqual({
      results: [
        { saleId: 'L01-e1-1', outcome: 'duplicate' },
        { saleId: 'L01-e1-1', outcome: 'conflict' },
      ],
    });
    expect(log.find('warn', 'sale conflict: this id is stored with other content; the stored sale is kept').map((record) => record.fields)).toEqual([{ laneId: 'L01', saleId: 'L01-e1-1' }]);
    const kept = (await backend.sales({ laneId: 'L01' }))[0];
    expect(kept).toMatchObject({ saleId: 'L01-e1-1', payload: first.payload, receivedAt: clock });

    // Another lane's sales, with this lane's token: refused, nothing stored.
    const mismatch = await post('L01', token, upload('L02', [sale('L02', 'e1', 1)]));
    expect(mismatch.status).toBe(403);
    expect(JSON.parse(mismatch.body).message).toMatch(/laneId/);
    expect(await backend.salesCount()).toBe(2);
  });

  it('answers bad uploads with 400 or 413 and a plain reason, loses nothing and keeps serving', async () => {
    const post = (body: string | Buffer) => call(at(storePaths.sales), { method: 'POST', headers: asLane('L02', otherToken), body });
    const before = await backend.salesCount();

    const notJson = await post('{"laneId": "L02", "sales": [');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ error: 'badRequest', message: expect.stringMatching(/^the body is not JSON/) });

    const wrongShape = await post(JSON.stringify({ laneId: 'L02', sales: [{ ...sale('L02', 'e1', 1), number: 0, currency: 'euro' }] }));
    expect(wrongShape.status).toBe(400);
    expect(JSON.parse(wrongShape.body).message).toMatch(/^not a sales upload: sales\.0\.number: .*sales\.0\.currency/);

    expect((await post('[]')).status).toBe(400);
    expect((await post(JSON.stringify({ laneId: 'L02', sales: [] }))).status).toBe(400);
    expect((await post('')).status).toBe(400);

    const tampered = { ...sale('L02', 'e1', 1), payload: '{"other":1}' };
    const badDigest = await post(upload('L02', [sale('L02', 'e1', 2), tampered]));
    expect(badDigest.status).toBe(400);
    expect(JSON.parse(badDigest.body).message).toBe('sale L02-e1-1: digest is not the SHA-256 of its payload');

    const bigPayload = JSON.stringify({ filler: 'x'.repeat(1_900_000) });
    const huge = upload('L02', Array.from({ length: 5 }, (_, index) => ({ ...sale('L02', 'e1', 10 + index), payload: bigPayload, digest: createHash('sha256').update(bigPayload).digest('hex') })));
    expect(huge.length).toBeGreaterThan(8 * 1024 * 1024);
    const tooLarge = await post(huge);
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ error: 'tooLarge' });

    expect(await backend.salesCount()).toBe(before);
    expect(log.find('warn', 'sales upload refused').length).toBeGreaterThan(0);

    // A raw request that is not HTTP at all.
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write('NOT HTTP\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);

    const fine = await post(upload('L02', [sale('L02', 'e1', 1)]));
    expect(JSON.parse(fine.body)).toEqual({ results: [{ saleId: 'L02-e1-1', outcome: 'stored' }] });
    expect((await call(at(storePaths.health))).status).toBe(200);
  });
});

describe('store server over TLS', () => {
  it('serves HTTPS with the store’s certificate', async () => {
    const dir = makeTempDir();
    const backend = openSqliteStoreBackend(join(dir.path, 'store.sqlite'));
    const server = await startStoreServer({ backend, port: 0, tls: { cert: certPem, key: keyPem }, log: silentLogger });
    try {
      expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
      const { token } = await backend.lanes.add('L01');
      const health = await call(`${server.url}${storePaths.health}`, { ca: certPem });
      expect(healthSchema.parse(JSON.parse(health.body)).backend).toBe('sqlite');
      const changes = await call(`${server.url}${storePaths.changes}?since=0`, { ca: certPem, headers: asLane('L01', token) });
      expect(JSON.parse(changes.body)).toMatchObject({ kind: 'delta', version: 0, changes: [] });
      // Without the store's CA the lane does not trust it.
      await expect(call(`${server.url}${storePaths.health}`)).rejects.toThrow();
    } finally {
      await server.close();
      await backend.close();
      dir.remove();
    }
  });
});
