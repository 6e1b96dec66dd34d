import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { hostname } from 'node:os';
import type { Logger } from '../../shared/log';
import {
  laneIdHeader,
  salesUploadSchema,
  storePaths,
  syncProtocolVersion,
  imageContentType,
  imageHeaders,
  type SalesUploadResult,
  type StoreHealth,
} from '../../shared/store/syncProtocol';
import { CatalogImages } from './catalogImages';
import { snapshotLines, type SnapshotProgress } from './snapshotLines';
import type { StoreBackend } from './storeBackend';
import { createUpdateFeed, updateFeedPathPrefix } from './updateFiles';

export interface StoreServerOptions {
  readonly backend: StoreBackend;
  /** 127.0.0.1 by default: store IT opens it to the store network on purpose (`--host 0.0.0.0`, with TLS). */
  readonly host?: string | undefined;
  /** 0: any free port. */
  readonly port?: number | undefined;
  /** The store's certificate and key (PEM): HTTPS instead of HTTP. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer } | undefined;
  readonly log: Logger;
  readonly now?: (() => number) | undefined;
  /** The largest sales upload accepted (8 MiB by default); lanes send fewer sales per request when near it. */
  readonly maxBodyBytes?: number | undefined;
  /**
   * Where catalogue images (shared/store/syncProtocol.ts) are built and kept; without it the
   * image route answers 404 and lanes take the NDJSON snapshot.
   */
  readonly imageDir?: string | undefined;
  /** The update feed's folder (main/store/updateFiles.ts), served at /updates/<channel>/<file>; without it that answers 404. */
  readonly updatesDir?: string | undefined;
}

export interface RunningStoreServer {
  /** What lanes are configured with (their `store.url`), e.g. http://127.0.0.1:8200. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections (a snapshot download in progress ends unfinished). */
  close(): Promise<void>;
}

export const defaultMaxBodyBytes = 8 * 1024 * 1024;
/** A body this far over the limit is not read to its end: the connection is cut instead. */
const maxDiscardedBytes = 64 * 1024 * 1024;
/** Snapshot lines are written in chunks about this big, not one write per entity. */
const snapshotChunkBytes = 64 * 1024;
/** `lastSeenAt` is written at most this often per lane, not on every request. */
const touchIntervalMs = 60_000;

const jsonType = 'application/json; charset=utf-8';
const unauthorizedMessage = 'a lane id and its valid token are required (Authorization: Bearer <token>, X-Lanewise-Lane: <lane id>)';

function urlHost(host: string): string {
  // A wildcard bind has no address of its own: name the machine, as lanes would.
  if (host === '0.0.0.0' || host === '::') return hostname();
  return host.includes(':') ? `[${host}]` : host;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': jsonType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  response.end(text);
}

function sendError(request: IncomingMessage, response: ServerResponse, status: number, error: string, message: string, headers: Record<string, string> = {}): void {
  // An unread body is discarded, so the connection stays usable for the lane's next request.
  if (!request.complete) request.resume();
  sendJson(response, status, { error, message }, headers);
}

type BodyRead = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly problem: 'tooLarge' | 'aborted' };

/**
 * The request body up to `limit` bytes. A larger one is read on to its end and thrown away (so the
 * lane gets its 413 rather than a reset connection), up to a point where the connection is cut.
 */
function readBody(request: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
      if (size > maxDiscardedBytes) {
        request.destroy();
        settle({ ok: false, problem: 'tooLarge' });
      }
    });
    request.on('end', () => settle(size > limit ? { ok: false, problem: 'tooLarge' } : { ok: true, body: Buffer.concat(chunks, size) }));
    request.on('error', () => settle({ ok: false, problem: 'aborted' }));
    request.on('close', () => settle({ ok: false, problem: 'aborted' }));
  });
}

/** Resolves true when the response can take more, false when the lane has gone. */
function drained(response: ServerResponse): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (writable: boolean) => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(writable);
    };
    const onDrain = () => finish(true);
    const onClose = () => finish(false);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

/** Streams a file as the answer; resolves false when the lane went away first. */
function sendFile(response: ServerResponse, path: string, headers: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    const file = createReadStream(path);
    file.once('open', () => {
      response.writeHead(200, headers);
      file.pipe(response);
    });
    file.once('error', (error) => {
      if (!response.headersSent) sendJson(response, 500, { error: 'internal', message: `the catalogue image cannot be read: ${error.message}` });
      else response.destroy();
      resolve(false);
    });
    response.once('close', () => {
      file.destroy();
      resolve(response.writableFinished);
    });
  });
}

/** "sales.3.digest: Invalid" for the first few problems: enough for a lane's log to say what was wrong. */
function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const listed = issues.slice(0, 5).map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);
  return `${listed.join('; ')}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`;
}

/**
 * The store server's HTTP side (shared/store/syncProtocol.ts): health, catalogue deltas and
 * snapshots for lanes, and the sales they upload. No framework: four routes over node:http(s).
 * A bad request gets a 4xx with a plain message and a log line; nothing a lane sends can stop
 * the server.
 */
export async function startStoreServer(options: StoreServerOptions): Promise<RunningStoreServer> {
  const { backend, log } = options;
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const lastTouched = new Map<string, number>();
  const images = options.imageDir === undefined ? undefined : await CatalogImages.open({ backend, dir: options.imageDir, log });

  const remote = (request: IncomingMessage) => request.socket.remoteAddress ?? null;

  /** The lane this request comes from, or undefined once it has been refused. */
  async function authenticate(request: IncomingMessage, response: ServerResponse, path: string): Promise<string | undefined> {
    const claimed = request.headers[laneIdHeader];
    const laneId = typeof claimed === 'string' ? claimed.slice(0, 64) : undefined;
    const token = /^Bearer +(\S{1,512})$/iu.exec(request.headers.authorization ?? '')?.[1];
    const refuse = (status: 401 | 403, reason: string) => {
      log.warn({ laneId, reason, path, remoteAddress: remote(request) }, 'store request refused');
      if (status === 401) sendError(request, response, 401, 'unauthorized', unauthorizedMessage, { 'WWW-Authenticate': 'Bearer' });
      else sendError(request, response, 403, 'forbidden', 'this lane is disabled at the store');
    };
    if (!laneId || !token) {
      refuse(401, laneId ? 'no bearer token' : 'no lane id');
      return undefined;
    }
    const answer = await backend.lanes.authenticate(laneId, token);
    if (answer === 'unknown') {
      refuse(401, 'unknown lane or wrong token');
      return undefined;
    }
    if (answer === 'disabled') {
      refuse(403, 'lane disabled');
      return undefined;
    }
    const at = now();
    if (at - (lastTouched.get(laneId) ?? -Infinity) >= touchIntervalMs) {
      lastTouched.set(laneId, at);
      await backend.lanes.touch(laneId, at).catch((error: unknown) => log.warn({ laneId, error: String(error) }, 'could not record when the lane was last seen'));
    }
    return laneId;
  }

  async function health(_request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body: StoreHealth = { ok: true, protocol: syncProtocolVersion, catalogVersion: await backend.catalogVersion(), backend: backend.kind };
    sendJson(response, 200, body);
  }

  async function changes(request: IncomingMessage, response: ServerResponse, laneId: string, query: URLSearchParams): Promise<void> {
    const since = query.get('since');
    if (since === null || !/^\d{1,15}$/u.test(since)) {
      log.warn({ laneId, since }, 'catalogue changes refused: bad since');
      sendError(request, response, 400, 'badRequest', 'since must be a catalogue version (a whole number from 0)');
      return;
    }
    const answer = await backend.changesSince(Number(since));
    if (answer.kind === 'snapshotRequired') log.info({ laneId, since: Number(since), version: answer.version, reason: answer.reason }, 'lane sent to a snapshot');
    else log.debug({ laneId, since: answer.since, version: answer.version, changes: answer.changes.length }, 'catalogue delta sent');
    sendJson(response, 200, answer);
  }

  async function snapshot(_request: IncomingMessage, response: ServerResponse, laneId: string): Promise<void> {
    const view = await backend.snapshot();
    const progress: SnapshotProgress = { sent: 0 };
    const lines = snapshotLines(view, progress);
    try {
      response.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' });
      let chunk = '';
      const abandoned = () => log.info({ laneId, version: view.version, sent: progress.sent, of: view.count }, 'snapshot download abandoned by the lane');
      for await (const line of lines) {
        chunk += `${line}\n`;
        if (chunk.length < snapshotChunkBytes) continue;
        if (response.destroyed) return abandoned();
        const writable = response.write(chunk);
        chunk = '';
        // Backpressure: the catalogue is read only as fast as the lane takes it, never buffered whole.
        if (!writable && !(await drained(response))) return abandoned();
      }
      if (response.destroyed) return abandoned();
      if (progress.sent !== view.count) log.error({ laneId, version: view.version, header: view.count, sent: progress.sent }, 'snapshot count differs from its header; the lane will refuse it');
      response.end(chunk);
      log.info({ laneId, version: view.version, count: progress.sent }, 'snapshot sent');
    } catch (error) {
      // Headers are gone: cut the stream so the lane sees no trailer and throws the partial snapshot away.
      log.error({ laneId, version: view.version, sent: progress.sent, error: String(error) }, 'snapshot failed midway');
      response.destroy();
    } finally {
      await lines.return();
    }
  }

  async function image(request: IncomingMessage, response: ServerResponse, laneId: string): Promise<void> {
    if (!images) {
      sendError(request, response, 404, 'notFound', 'this store server builds no catalogue images; use the snapshot');
      return;
    }
    const found = await images.current();
    if ('retryAfterSeconds' in found) {
      log.info({ laneId, retryAfterSeconds: found.retryAfterSeconds }, 'catalogue image still being built; the lane asks again later');
      sendError(request, response, 503, 'building', 'the catalogue image is being built; ask again shortly', { 'Retry-After': String(found.retryAfterSeconds) });
      return;
    }
    const sent = await sendFile(response, found.path, {
      'Content-Type': imageContentType,
      'Content-Length': String(found.bytes),
      'Cache-Control': 'no-store',
      [imageHeaders.version]: String(found.version),
      [imageHeaders.sha256]: found.sha256,
      [imageHeaders.schema]: String(found.schema),
    });
    if (sent) log.info({ laneId, version: found.version, bytes: found.bytes }, 'catalogue image sent');
    else log.info({ laneId, version: found.version }, 'catalogue image download abandoned by the lane');
  }

  async function sales(request: IncomingMessage, response: ServerResponse, laneId: string): Promise<void> {
    const declared = Number(request.headers['content-length'] ?? 0);
    const read = declared > maxDiscardedBytes ? ({ ok: false, problem: 'tooLarge' } as const) : await readBody(request, maxBodyBytes);
    if (!read.ok) {
      log.warn({ laneId, problem: read.problem, declaredBytes: declared || undefined, limit: maxBodyBytes }, 'sales upload refused');
      if (read.problem === 'aborted' || response.destroyed) return;
      sendError(request, response, 413, 'tooLarge', `the upload is larger than ${maxBodyBytes} bytes; send fewer sales per request`, { Connection: 'close' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(read.body.toString('utf8'));
    } catch (error) {
      log.warn({ laneId, bytes: read.body.length, problem: String(error) }, 'sales upload refused: not JSON');
      sendError(request, response, 400, 'badRequest', `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const parsed = salesUploadSchema.safeParse(body);
    if (!parsed.success) {
      const problem = describeIssues(parsed.error.issues);
      log.warn({ laneId, problem }, 'sales upload refused: not a sales upload');
      sendError(request, response, 400, 'badRequest', `not a sales upload: ${problem}`);
      return;
    }
    const upload = parsed.data;
    if (upload.laneId !== laneId) {
      log.warn({ laneId, bodyLaneId: upload.laneId, remoteAddress: remote(request) }, 'store request refused: sales of another lane');
      sendError(request, response, 403, 'forbidden', 'laneId in the upload is not the lane the token belongs to');
      return;
    }
    const corrupt = upload.sales.find((sale) => createHash('sha256').update(sale.payload, 'utf8').digest('hex') !== sale.digest);
    if (corrupt) {
      log.warn({ laneId, saleId: corrupt.saleId }, 'sales upload refused: digest does not match payload');
      sendError(request, response, 400, 'badRequest', `sale ${corrupt.saleId}: digest is not the SHA-256 of its payload`);
      return;
    }
    const outcomes = await backend.storeSales(laneId, upload.sales, now());
    const result: SalesUploadResult = { results: upload.sales.map((sale, index) => ({ saleId: sale.saleId, outcome: outcomes[index]! })) };
    for (const entry of result.results) {
      if (entry.outcome === 'conflict') log.warn({ laneId, saleId: entry.saleId }, 'sale conflict: this id is stored with other content; the stored sale is kept');
    }
    const count = (outcome: string) => outcomes.filter((each) => each === outcome).length;
    log.info({ laneId, sales: outcomes.length, stored: count('stored'), duplicate: count('duplicate'), conflict: count('conflict') }, 'sales received');
    sendJson(response, 200, result);
  }

  type Route = { method: 'GET' | 'POST'; auth: false; handle: typeof health } | { method: 'GET' | 'POST'; auth: true; handle: (request: IncomingMessage, response: ServerResponse, laneId: string, query: URLSearchParams) => Promise<void> };
  const routes = new Map<string, Route>([
    [storePaths.health, { method: 'GET', auth: false, handle: health }],
    [storePaths.changes, { method: 'GET', auth: true, handle: changes }],
    [storePaths.snapshot, { method: 'GET', auth: true, handle: snapshot }],
    [storePaths.image, { method: 'GET', auth: true, handle: image }],
    [storePaths.sales, { method: 'POST', auth: true, handle: sales }],
  ]);
  // Every path under /updates/ is one route: the feed checks the rest of the path itself.
  const updateFeed: Route = { method: 'GET', auth: true, handle: createUpdateFeed({ dir: options.updatesDir, log }) };

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = request.url ?? '/';
    const queryAt = raw.indexOf('?');
    const path = queryAt < 0 ? raw : raw.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? '' : raw.slice(queryAt + 1));
    const found = routes.get(path) ?? (path.startsWith(updateFeedPathPrefix) ? updateFeed : undefined);
    if (!found) {
      log.warn({ method: request.method, path: path.slice(0, 200), remoteAddress: remote(request) }, 'store request refused: no such path');
      sendError(request, response, 404, 'notFound', `nothing at ${path.slice(0, 200)}`);
      return;
    }
    if (request.method !== found.method) {
      log.warn({ method: request.method, path, remoteAddress: remote(request) }, 'store request refused: wrong method');
      sendError(request, response, 405, 'methodNotAllowed', `${path} takes ${found.method}`, { Allow: found.method });
      return;
    }
    if (!found.auth) return found.handle(request, response);
    const laneId = await authenticate(request, response, path);
    if (laneId !== undefined) await found.handle(request, response, laneId, query);
  }

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    route(request, response).catch((error: unknown) => {
      log.error({ method: request.method, path: request.url?.slice(0, 200), error: String(error), stack: error instanceof Error ? error.stack : undefined }, 'store request failed');
      if (!response.headersSent) sendError(request, response, 500, 'internal', 'the store could not answer; try again later');
      else response.destroy();
    });
  };

  const tls = options.tls;
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest) : createHttpServer(onRequest);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    log.warn({ error: error.code ?? String(error), remoteAddress: socket.remoteAddress }, 'malformed request from a client');
    if (socket.writable && error.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log.error({ error: String(error) }, 'store server error'));
  const port = (server.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://${urlHost(host)}:${port}`;
  log.info({ url, backend: backend.kind }, 'store server listening');

  return {
    url,
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await images?.close();
    },
  };
}
