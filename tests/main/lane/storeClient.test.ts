import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StoreClient, StoreRequestError } from '../../../main/lane/storeLink/storeClient';
import { FakeStore } from './fakeStore';

const tlsDir = join(import.meta.dirname, 'fixtures', 'tls');
const storeCa = readFileSync(join(tlsDir, 'store-ca.pem'));
const otherCa = readFileSync(join(tlsDir, 'other-ca.pem'));
const cert = readFileSync(join(tlsDir, 'hub-cert.pem'));
const key = readFileSync(join(tlsDir, 'hub-key.pem'));

const token = randomBytes(32).toString('base64url');

async function caught(promise: Promise<unknown>): Promise<StoreRequestError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(StoreRequestError);
  return error as StoreRequestError;
}

describe('StoreClient', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function store(options: { tls?: boolean } = {}): Promise<FakeStore> {
    const started = await FakeStore.start({ laneId: 'L01', token, ...(options.tls ? { tls: { cert, key } } : {}) });
    cleanups.push(() => started.close());
    return started;
  }

  function client(url: string, options: { ca?: Buffer; token?: string; timeouts?: { connectMs?: number; responseMs?: number; idleMs?: number } } = {}): StoreClient {
    const made = new StoreClient({ url, laneId: 'L01', laneToken: options.token ?? token, ca: options.ca, timeouts: options.timeouts });
    cleanups.push(() => made.close());
    return made;
  }

  it('sends the lane token as a bearer token and the lane id header, and reads the health answer', async () => {
    const fake = await store();
    fake.catalogVersion = 7;
    await expect(client(fake.url).health()).resolves.toEqual({ ok: true, protocol: 1, catalogVersion: 7, backend: 'sqlite' });
    expect(fake.requests).toEqual([{ method: 'GET', path: '/v1/health', authorization: `Bearer ${token}`, lane: 'L01' }]);
  });

  it('keeps a path prefix of the store address', async () => {
    const fake = await store();
    const error = await caught(client(`${fake.url}/lanewise`).health());
    expect(fake.requests[0]?.path).toBe('/lanewise/v1/health');
    expect(error.kind).toBe('rejected');
    expect(error.status).toBe(404);
  });

  it('says the store refused the lane on 401, without repeating the token', async () => {
    const fake = await store();
    const error = await caught(client(fake.url, { token: randomBytes(32).toString('base64url') }).health());
    expect(error.kind).toBe('refused');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/refused this lane/);
    expect(error.message).not.toContain(token);
    expect(error.transient).toBe(false);
  });

  it('talks TLS to a store whose certificate the store CA signed, and refuses one it did not', async () => {
    const fake = await store({ tls: true });
    await expect(client(fake.url, { ca: storeCa }).health()).resolves.toMatchObject({ ok: true });
    const error = await caught(client(fake.url, { ca: otherCa }).health());
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/certificate/i);
  });

  it('rejects answers that are not JSON, or not as the protocol says, with a clear error', async () => {
    const fake = await store();
    const lane = client(fake.url);
    fake.faults.push({ kind: 'raw', status: 200, body: '<html>proxy login</html>', contentType: 'text/html' });
    const notJson = await caught(lane.fetchChanges(0));
    expect(notJson.kind).toBe('malformed');
    expect(notJson.message).toMatch(/answer to GET \/v1\/catalog\/changes is not JSON/);

    fake.faults.push({ kind: 'raw', status: 200, body: JSON.stringify({ kind: 'delta', since: 0, version: 1, changes: [], checksum: 'nope' }) });
    const badShape = await caught(lane.fetchChanges(0));
    expect(badShape.kind).toBe('malformed');
    expect(badShape.message).toMatch(/not as the protocol says: checksum/);

    fake.faults.push({ kind: 'raw', status: 200, body: JSON.stringify({ results: [{ saleId: 'x', outcome: 'kept' }] }) });
    const badOutcome = await caught(lane.uploadSales({ laneId: 'L01', sales: [] } as never));
    expect(badOutcome.message).toMatch(/results\.0\.outcome/);

    // The client is none the worse for it.
    await expect(lane.fetchChanges(0)).resolves.toMatchObject({ kind: 'delta', since: 0 });
  });

  it('classifies server errors, refusals of the request and a store that is not there', async () => {
    const fake = await store();
    const lane = client(fake.url);
    fake.faults.push({ kind: 'status', status: 503, body: JSON.stringify({ error: 'database is locked' }) });
    const unavailable = await caught(lane.health());
    expect(unavailable).toMatchObject({ kind: 'server', status: 503 });
    expect(unavailable.message).toContain('database is locked');
    expect(unavailable.transient).toBe(true);

    fake.faults.push({ kind: 'status', status: 413 });
    expect(await caught(lane.health())).toMatchObject({ kind: 'rejected', status: 413 });

    fake.faults.push({ kind: 'drop' });
    expect((await caught(lane.health())).kind).toBe('unreachable');

    // A port nobody listens on.
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as { port: number }).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    const refused = await caught(client(`http://127.0.0.1:${port}`).health());
    expect(refused.kind).toBe('unreachable');
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });

  it('gives up on a store that does not answer, and on one that goes silent mid-answer', async () => {
    const fake = await store();
    fake.faults.push({ kind: 'hang' });
    const hung = await caught(client(fake.url, { timeouts: { responseMs: 200 } }).health());
    expect(hung.kind).toBe('timeout');
    expect(hung.message).toMatch(/no answer from the store within 200 ms/);

    // Headers and half a body, then nothing: a pulled cable.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"ok":'));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    cleanups.push(() => sockets.forEach((socket) => socket.destroy()));
    const stalled = await caught(client(`http://127.0.0.1:${(silent.address() as { port: number }).port}`, { timeouts: { idleMs: 200 } }).health());
    expect(stalled.kind).toBe('timeout');
    expect(stalled.message).toMatch(/went silent for 200 ms/);
  });

  it('rejects a sales upload the store does not accept, and a store that drops it', async () => {
    const fake = await store();
    const lane = client(fake.url);
    const payload = JSON.stringify({ id: 'L01-abcd1234-1' });
    const { createHash } = await import('node:crypto');
    const sale = {
      saleId: 'L01-abcd1234-1',
      epoch: 'abcd1234',
      number: 1,
      status: 'completed' as const,
      closedAt: 1,
      totalMinor: 100,
      currency: 'EUR',
      digest: createHash('sha256').update(payload).digest('hex'),
      payload,
    };
    await expect(lane.uploadSales({ laneId: 'L01', sales: [sale] })).resolves.toEqual({ results: [{ saleId: sale.saleId, outcome: 'stored' }] });
    await expect(lane.uploadSales({ laneId: 'L01', sales: [sale] })).resolves.toEqual({ results: [{ saleId: sale.saleId, outcome: 'duplicate' }] });
    const badDigest = await caught(lane.uploadSales({ laneId: 'L01', sales: [{ ...sale, digest: 'a'.repeat(64) }] }));
    expect(badDigest).toMatchObject({ kind: 'rejected', status: 400 });
    expect(badDigest.message).toMatch(/digest does not match/);
    fake.faults.push({ kind: 'commitThenDrop' });
    expect((await caught(lane.uploadSales({ laneId: 'L01', sales: [{ ...sale, saleId: 'L01-abcd1234-2', number: 2 }] }))).kind).toBe('unreachable');
    expect(fake.sales.has('L01-abcd1234-2')).toBe(true);
  });

  describe('the catalogue snapshot', () => {
    it('streams the NDJSON lines as sent, skipping blank ones, over TLS too', async () => {
      const fake = await store({ tls: true });
      fake.snapshotLines = ['{"kind":"snapshot","protocol":1,"version":3,"count":2}', '{"a":1}', '', '{"b":"ü ✓"}', '{"kind":"end"}'];
      fake.snapshotChunkLines = 1;
      const lines: string[] = [];
      for await (const line of await client(fake.url, { ca: storeCa }).fetchSnapshot()) lines.push(line);
      expect(lines).toEqual(['{"kind":"snapshot","protocol":1,"version":3,"count":2}', '{"a":1}', '{"b":"ü ✓"}', '{"kind":"end"}']);
    });

    it('reads only as fast as the lines are consumed, and closes the connection when the consumer stops', async () => {
      const fake = await store();
      const filler = 'x'.repeat(100);
      fake.snapshotLines = Array.from({ length: 200_000 }, (_, index) => `{"n":${index},"f":"${filler}"}`);
      fake.snapshotChunkLines = 100;
      const lines = await client(fake.url).fetchSnapshot();
      let seen = 0;
      for await (const line of lines) {
        expect(JSON.parse(line)).toMatchObject({ n: seen });
        if (++seen === 1000) break;
      }
      await vi.waitFor(() => expect(fake.snapshotClosed).toBe(true));
      // Socket buffers hold some, but nowhere near 20 MB: the server was held back, then cut off.
      expect(fake.snapshotLinesWritten).toBeLessThan(fake.snapshotLines.length);
    });

    it('stops on the abort signal with an aborted error', async () => {
      const fake = await store();
      fake.snapshotLines = Array.from({ length: 100_000 }, (_, index) => `{"n":${index},"f":"${'y'.repeat(100)}"}`);
      const controller = new AbortController();
      const lines = await client(fake.url).fetchSnapshot(controller.signal);
      let seen = 0;
      const reading = (async () => {
        for await (const _line of lines) {
          if (++seen === 10) controller.abort();
        }
      })();
      const error = await caught(reading);
      expect(error.kind).toBe('aborted');
      await vi.waitFor(() => expect(fake.snapshotClosed).toBe(true));
    });

    it('refuses an endless line, and a snapshot the store fails to start', async () => {
      const fake = await store();
      const broken = new StoreClient({ url: fake.url, laneId: 'L01', laneToken: token, maxLineBytes: 1000 });
      cleanups.push(() => broken.close());
      fake.snapshotLines = ['{"kind":"snapshot"}', 'z'.repeat(5000)];
      const error = await caught(
        (async () => {
          for await (const _line of await broken.fetchSnapshot()) void _line;
        })(),
      );
      expect(error.kind).toBe('malformed');
      expect(error.message).toMatch(/longer than 1000 bytes/);

      fake.faults.push({ kind: 'status', status: 500 });
      expect((await caught(broken.fetchSnapshot())).kind).toBe('server');
    });
  });
});
