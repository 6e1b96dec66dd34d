import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { laneIdHeader, salesUploadSchema, storePaths, syncProtocolVersion, type ChangesAnswer, type SaleOutcome, type UploadedSale } from '../../../shared/store/syncProtocol';

/**
 * A small store server for the lane's tests, faithful to shared/store/syncProtocol.ts where it
 * matters to the lane: bearer token and lane header, each sale stored once by id (`duplicate`
 * for the same digest, `conflict` for another), all or nothing per request. It can be told to
 * misbehave: answer 500, commit and then drop the connection before answering, drop it before
 * committing, hang, refuse the lane, or send any raw answer.
 */

export type FakeStoreFault =
  | { readonly kind: 'status'; readonly status: number; readonly body?: string }
  /** Stores the sales, then destroys the socket: the lane never hears that they arrived. */
  | { readonly kind: 'commitThenDrop' }
  | { readonly kind: 'drop' }
  /** Never answers (the connection stays open until the store closes). */
  | { readonly kind: 'hang' }
  | { readonly kind: 'raw'; readonly status: number; readonly body: string; readonly contentType?: string };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly lane: string | undefined;
}

export interface FakeStoreOptions {
  readonly laneId: string;
  readonly token: string;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Largest request body accepted. */
  readonly maxBodyBytes?: number;
}

export class FakeStore {
  readonly sales = new Map<string, UploadedSale & { readonly receivedAt: number }>();
  /** Every upload request that reached the handler, with how many sales it carried. */
  readonly uploads: { readonly sales: number; readonly outcomes: SaleOutcome[] }[] = [];
  readonly requests: RecordedRequest[] = [];
  /** Faults for the next requests, in order (each used once), before `persistentFault`. */
  readonly faults: FakeStoreFault[] = [];
  persistentFault: FakeStoreFault | null = null;
  /** When false, every request is refused (401), as for a revoked token. */
  authorised = true;
  catalogVersion = 0;
  changesAnswer: ChangesAnswer | null = null;
  snapshotLines: string[] = [];
  /** Written this many lines at a time, each batch after the previous one drained (a slow network). */
  snapshotChunkLines = 50;
  /** Snapshot lines the server has handed to the socket so far. */
  snapshotLinesWritten = 0;
  snapshotClosed = false;

  readonly #sockets = new Set<Socket>();
  #url = '';

  private constructor(
    readonly options: FakeStoreOptions,
    readonly server: Server,
  ) {}

  static async start(options: FakeStoreOptions, port = 0): Promise<FakeStore> {
    const handler = (request: IncomingMessage, response: ServerResponse): void => void store.#handle(request, response);
    const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
    const store: FakeStore = new FakeStore(options, server);
    server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      store.#sockets.add(socket);
      socket.on('close', () => store.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    store.#url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`;
    return store;
  }

  get url(): string {
    return this.#url;
  }

  get port(): number {
    return Number(new URL(this.#url).port);
  }

  /** Sale numbers stored, per epoch, in order. */
  numbers(): number[] {
    return [...this.sales.values()].map((sale) => sale.number).sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #nextFault(): FakeStoreFault | null {
    return this.faults.shift() ?? this.persistentFault;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://store');
    const lane = request.headers[laneIdHeader];
    this.requests.push({ method: request.method ?? '', path: url.pathname, authorization: request.headers.authorization, lane: typeof lane === 'string' ? lane : undefined });
    if (!this.authorised || request.headers.authorization !== `Bearer ${this.options.token}` || lane !== this.options.laneId) {
      json(response, 401, { error: 'unauthorised' });
      return;
    }
    const fault = this.#nextFault();
    if (fault?.kind === 'status') {
      response.writeHead(fault.status, { 'content-type': 'application/json' }).end(fault.body ?? JSON.stringify({ error: `fault ${fault.status}` }));
      return;
    }
    if (fault?.kind === 'raw') {
      response.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json' }).end(fault.body);
      return;
    }
    if (fault?.kind === 'drop') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') return;
    if (request.method === 'GET' && url.pathname === storePaths.health) {
      json(response, 200, { ok: true, protocol: syncProtocolVersion, catalogVersion: this.catalogVersion, backend: 'sqlite' });
      return;
    }
    if (request.method === 'GET' && url.pathname === storePaths.changes) {
      json(response, 200, this.changesAnswer ?? { kind: 'delta', since: Number(url.searchParams.get('since')), version: this.catalogVersion, changes: [], checksum: createHash('sha256').update('').digest('hex') });
      return;
    }
    if (request.method === 'GET' && url.pathname === storePaths.snapshot) {
      this.#streamSnapshot(response);
      return;
    }
    if (request.method === 'POST' && url.pathname === storePaths.sales) {
      await this.#upload(request, response, fault);
      return;
    }
    json(response, 404, { error: 'not found' });
  }

  async #upload(request: IncomingMessage, response: ServerResponse, fault: FakeStoreFault | null): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    // Read to the end either way (discarding what is too much), so the 413 always reaches the lane.
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= (this.options.maxBodyBytes ?? 8 * 1024 * 1024)) chunks.push(chunk);
    }
    if (size > (this.options.maxBodyBytes ?? 8 * 1024 * 1024)) {
      json(response, 413, { error: 'body too large' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      json(response, 400, { error: 'not JSON' });
      return;
    }
    const parsed = salesUploadSchema.safeParse(body);
    if (!parsed.success || parsed.data.laneId !== this.options.laneId) {
      json(response, 400, { error: parsed.success ? 'lane mismatch' : parsed.error.issues[0]?.message });
      return;
    }
    for (const sale of parsed.data.sales) {
      if (createHash('sha256').update(sale.payload, 'utf8').digest('hex') !== sale.digest) {
        json(response, 400, { error: `digest does not match the payload of ${sale.saleId}` });
        return;
      }
    }
    // All or nothing: outcomes first, then every stored sale at once.
    const outcomes: SaleOutcome[] = parsed.data.sales.map((sale) => {
      const known = this.sales.get(sale.saleId);
      if (!known) return 'stored';
      return known.digest === sale.digest ? 'duplicate' : 'conflict';
    });
    const receivedAt = Date.now();
    parsed.data.sales.forEach((sale, index) => {
      if (outcomes[index] === 'stored' && !this.sales.has(sale.saleId)) this.sales.set(sale.saleId, { ...sale, receivedAt });
    });
    this.uploads.push({ sales: parsed.data.sales.length, outcomes });
    if (fault?.kind === 'commitThenDrop') {
      request.socket.destroy();
      return;
    }
    json(response, 200, { results: parsed.data.sales.map((sale, index) => ({ saleId: sale.saleId, outcome: outcomes[index] })) });
  }

  /** Written in batches, each once the socket drained: a consumer that stops reading stops the server writing. */
  #streamSnapshot(response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let index = 0;
    response.on('close', () => (this.snapshotClosed = true));
    const writeSome = (): void => {
      while (index < this.snapshotLines.length) {
        const batch = this.snapshotLines.slice(index, index + this.snapshotChunkLines);
        index += batch.length;
        this.snapshotLinesWritten = index;
        if (!response.write(`${batch.join('\n')}\n`)) {
          response.once('drain', writeSome);
          return;
        }
      }
      response.end();
    };
    writeSome();
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
