import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { z } from 'zod';
import {
  changesAnswerSchema,
  healthSchema,
  imageContentType,
  imageHeaders,
  laneIdHeader,
  salesUploadResultSchema,
  storePaths,
  type ChangesAnswer,
  type SalesUpload,
  type SalesUploadResult,
  type StoreHealth,
} from '../../../shared/store/syncProtocol';

/**
 * The lane's HTTP(S) client for the store server (shared/store/syncProtocol.ts). node:http(s)
 * rather than fetch, so the lane can trust the store's own CA file as it does for its hub.
 * Every answer is checked against the protocol's schemas before anyone uses it; every failure
 * is a `StoreRequestError` whose `kind` tells the caller whether to back off and try again.
 */

export interface StoreClientTimeouts {
  /** From asking to a connected (and, for https, TLS-established) socket. */
  readonly connectMs: number;
  /** From the request being sent to the answer's status line (the server doing its work). */
  readonly responseMs: number;
  /** No byte either way for this long, at any point (a pulled cable sends nothing). */
  readonly idleMs: number;
}

export const defaultStoreClientTimeouts: StoreClientTimeouts = { connectMs: 10_000, responseMs: 60_000, idleMs: 30_000 };

export interface StoreClientOptions {
  /** `http://` or `https://` base address of the store server (a path prefix is kept). */
  readonly url: string;
  readonly laneId: string;
  /** As `lanewise store add-lane` printed it; never logged. */
  readonly laneToken: string;
  /** The store's CA certificate (PEM), for https. */
  readonly ca?: string | Buffer | undefined;
  readonly timeouts?: Partial<StoreClientTimeouts> | undefined;
  /** Largest JSON answer read (a delta of up to 50,000 changes). */
  readonly maxJsonBytes?: number | undefined;
  /** Longest snapshot line (one entity). */
  readonly maxLineBytes?: number | undefined;
  /** Largest catalogue image downloaded. */
  readonly maxImageBytes?: number | undefined;
}

/** A catalogue image on disk, as the store described it and as it arrived (the digest matched). */
export interface FetchedImage {
  readonly version: number;
  readonly sha256: string;
  readonly bytes: number;
  /** The lane catalogue schema the store built it with. */
  readonly schema: number;
}

/**
 * `unreachable`: no connection, or it broke; `timeout`: see StoreClientTimeouts; `refused`: 401/403
 * (the lane's token); `server`: 5xx or 429; `rejected`: any other 4xx (the request itself);
 * `malformed`: an answer that is not what the protocol says; `aborted`: the caller stopped.
 */
export type StoreErrorKind = 'unreachable' | 'timeout' | 'refused' | 'server' | 'rejected' | 'malformed' | 'aborted';

export class StoreRequestError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'StoreRequestError';
  }

  /** Worth trying again later as it is (the store or the network will come back). */
  get transient(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout' || this.kind === 'server' || this.kind === 'malformed';
  }
}

const defaultMaxJsonBytes = 256 * 1024 * 1024;
const defaultMaxLineBytes = 4 * 1024 * 1024;
const defaultMaxImageBytes = 4 * 1024 * 1024 * 1024;
/** A catalogue image download is flushed to disk every this many bytes. */
const syncEveryBytes = 8 * 1024 * 1024;
/** Error answers are read only this far, for the message. */
const maxErrorBodyBytes = 4096;

export class StoreClient {
  readonly #base: URL;
  readonly #laneId: string;
  readonly #token: string;
  readonly #timeouts: StoreClientTimeouts;
  readonly #agent: HttpAgent;
  readonly #https: boolean;
  readonly #maxJsonBytes: number;
  readonly #maxLineBytes: number;
  readonly #maxImageBytes: number;

  constructor(options: StoreClientOptions) {
    const base = new URL(options.url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`the store address must be http:// or https://, not ${base.protocol}`);
    // Relative paths resolve below the base's own path only when it ends with a slash.
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.#base = base;
    this.#https = base.protocol === 'https:';
    this.#laneId = options.laneId;
    this.#token = options.laneToken;
    this.#timeouts = { ...defaultStoreClientTimeouts, ...options.timeouts };
    // No keep-alive: requests are seconds apart, and a pooled socket the store has since dropped would read as an outage.
    this.#agent = this.#https ? new HttpsAgent({ keepAlive: false, ca: options.ca, maxSockets: 4 }) : new HttpAgent({ keepAlive: false, maxSockets: 4 });
    this.#maxJsonBytes = options.maxJsonBytes ?? defaultMaxJsonBytes;
    this.#maxLineBytes = options.maxLineBytes ?? defaultMaxLineBytes;
    this.#maxImageBytes = options.maxImageBytes ?? defaultMaxImageBytes;
  }

  /** Where the client talks to (for logs): the base address without credentials. */
  get url(): string {
    return this.#base.origin + this.#base.pathname;
  }

  health(signal?: AbortSignal): Promise<StoreHealth> {
    return this.#json('GET', storePaths.health, healthSchema, undefined, signal);
  }

  /** The catalogue changes since `since`, or that a snapshot is needed. */
  fetchChanges(since: number, signal?: AbortSignal): Promise<ChangesAnswer> {
    if (!Number.isSafeInteger(since) || since < 0) return Promise.reject(new RangeError(`not a catalogue version: ${since}`));
    return this.#json('GET', `${storePaths.changes}?since=${since}`, changesAnswerSchema, undefined, signal);
  }

  /**
   * The catalogue snapshot as its NDJSON lines, streamed: resolves once the store has answered
   * 200, then reads from the network only as fast as the lines are consumed. Stopping early
   * (`break`, `return`, a throw in the consumer, or `signal`) closes the connection.
   */
  async fetchSnapshot(signal?: AbortSignal): Promise<AsyncIterable<string>> {
    const response = await this.#send('GET', storePaths.snapshot, undefined, signal, 'application/x-ndjson');
    await this.#expectOk(response);
    return ndjsonLines(response, this.#maxLineBytes);
  }

  /**
   * Downloads the catalogue image to `toPath` (replacing any file there), hashing it on the way:
   * resolves only when every byte the store announced arrived and the SHA-256 matches. A store
   * without images answers 404 (`rejected`), one still building it 503 (`server`).
   */
  async fetchImage(toPath: string, signal?: AbortSignal): Promise<FetchedImage> {
    const response = await this.#send('GET', storePaths.image, undefined, signal, imageContentType);
    await this.#expectOk(response);
    const header = (name: string) => {
      const value = response.headers[name];
      return typeof value === 'string' ? value : '';
    };
    const version = Number(header(imageHeaders.version));
    const schema = Number(header(imageHeaders.schema));
    const sha256 = header(imageHeaders.sha256);
    const bytes = Number(header('content-length'));
    const problem =
      !Number.isSafeInteger(version) || version < 0 || !header(imageHeaders.version)
        ? 'no catalogue version'
        : !Number.isSafeInteger(schema) || !header(imageHeaders.schema)
          ? 'no catalogue schema'
          : !/^[0-9a-f]{64}$/u.test(sha256)
            ? 'no SHA-256'
            : !Number.isSafeInteger(bytes) || bytes <= 0 || !header('content-length')
              ? 'no length'
              : bytes > this.#maxImageBytes
                ? `a size over ${this.#maxImageBytes} bytes`
                : undefined;
    if (problem) {
      response.destroy();
      throw new StoreRequestError('malformed', `the store's catalogue image came with ${problem}`, response.statusCode);
    }
    const hash = createHash('sha256');
    let received = 0;
    let file: FileHandle | undefined;
    try {
      file = await open(toPath, 'w');
      let unsynced = 0;
      for await (const chunk of response as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > bytes) throw new StoreRequestError('malformed', `the catalogue image is longer than the ${bytes} bytes announced`);
        hash.update(chunk);
        await file.write(chunk);
        unsynced += chunk.length;
        // Written back a few MB at a time rather than all at once later: one big flush would hold
        // up the lane's own journal commits (the sale being scanned) behind it.
        if (unsynced >= syncEveryBytes) {
          await file.datasync();
          unsynced = 0;
        }
      }
      await file.datasync();
    } catch (error) {
      if (error instanceof StoreRequestError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      // The lane's own disk (full, unwritable) is not the store's fault: say so.
      if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS' || code === 'EIO') throw new Error(`the catalogue image cannot be saved at ${toPath}: ${(error as Error).message}`);
      throw bodyError(error, 'catalogue image');
    } finally {
      response.destroy();
      await file?.close();
    }
    if (received !== bytes) throw new StoreRequestError('unreachable', `the catalogue image broke off after ${received} of ${bytes} bytes`);
    const digest = hash.digest('hex');
    if (digest !== sha256) throw new StoreRequestError('malformed', `the catalogue image arrived damaged: it hashes to ${digest}, the store said ${sha256}`);
    return { version, sha256, bytes, schema };
  }

  uploadSales(upload: SalesUpload, signal?: AbortSignal): Promise<SalesUploadResult> {
    return this.#json('POST', storePaths.sales, salesUploadResultSchema, JSON.stringify(upload), signal);
  }

  /** Closes idle sockets; requests under way finish or fail on their own. */
  close(): void {
    this.#agent.destroy();
  }

  async #json<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, body: string | undefined, signal: AbortSignal | undefined): Promise<T> {
    const response = await this.#send(method, path, body, signal, 'application/json');
    await this.#expectOk(response);
    const text = await readBody(response, this.#maxJsonBytes, 'answer');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new StoreRequestError('malformed', `the store's answer to ${method} ${pathOnly(path)} is not JSON (${(error as Error).message})`, response.statusCode);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      throw new StoreRequestError('malformed', `the store's answer to ${method} ${pathOnly(path)} is not as the protocol says: ${where}: ${issue?.message ?? 'invalid'}`, response.statusCode);
    }
    return parsed.data;
  }

  /** Non-200 answers become errors (with the store's own message, when it sent one). */
  async #expectOk(response: IncomingMessage): Promise<void> {
    const status = response.statusCode ?? 0;
    if (status === 200) return;
    let detail = '';
    try {
      detail = (await readBody(response, maxErrorBodyBytes, 'error answer', true)).trim();
      const message = (JSON.parse(detail) as { error?: unknown; message?: unknown } | null) ?? {};
      const said = typeof message.error === 'string' ? message.error : typeof message.message === 'string' ? message.message : undefined;
      if (said) detail = said;
    } catch {
      // The status says enough; the body was only for a better message.
    }
    detail = detail.replace(/\s+/gu, ' ').slice(0, 200);
    const suffix = detail ? `: ${detail}` : '';
    if (status === 401 || status === 403) throw new StoreRequestError('refused', `the store refused this lane (HTTP ${status})${suffix}; store IT must check its token (lanewise store add-lane)`, status);
    if (status >= 500 || status === 429) throw new StoreRequestError('server', `the store answered HTTP ${status}${suffix}`, status);
    if (status >= 400) throw new StoreRequestError('rejected', `the store rejected the request (HTTP ${status})${suffix}`, status);
    throw new StoreRequestError('malformed', `unexpected HTTP ${status} from the store${suffix}`, status);
  }

  /** Resolves with the answer's head; every timeout and network failure rejects with a StoreRequestError. */
  #send(method: 'GET' | 'POST', path: string, body: string | undefined, signal: AbortSignal | undefined, accept: string): Promise<IncomingMessage> {
    const url = new URL(path.replace(/^\//u, ''), this.#base);
    const label = `${method} ${url.pathname}`;
    return new Promise<IncomingMessage>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new StoreRequestError('aborted', `${label} was stopped`));
        return;
      }
      const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
      const headers: Record<string, string | number> = {
        authorization: `Bearer ${this.#token}`,
        [laneIdHeader]: this.#laneId,
        accept,
        'user-agent': 'lanewise-lane',
      };
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = payload.length;
      }
      const timers: NodeJS.Timeout[] = [];
      const request: ClientRequest = (this.#https ? httpsRequest : httpRequest)(url, { method, headers, agent: this.#agent });
      let answer: IncomingMessage | undefined;
      let settled = false;
      const fail = (error: StoreRequestError): void => {
        timers.forEach(clearTimeout);
        // The caller's signal lives longer than one request: leave no listener behind on it.
        signal?.removeEventListener('abort', onAbort);
        // A body being read fails with this error rather than a bare "aborted".
        answer?.destroy(error);
        request.destroy(error);
        if (!settled) {
          settled = true;
          reject(error);
        }
      };
      const onAbort = (): void => fail(new StoreRequestError('aborted', `${label} was stopped`));
      signal?.addEventListener('abort', onAbort, { once: true });
      timers.push(setTimeout(() => fail(new StoreRequestError('timeout', `no connection to the store within ${this.#timeouts.connectMs} ms (${label})`)), this.#timeouts.connectMs));
      request.on('socket', (socket) => {
        const connected = (): void => {
          clearTimeout(timers[0]);
          timers.push(setTimeout(() => fail(new StoreRequestError('timeout', `no answer from the store within ${this.#timeouts.responseMs} ms (${label})`)), this.#timeouts.responseMs));
        };
        if (!socket.connecting) connected();
        else socket.once(this.#https ? 'secureConnect' : 'connect', connected);
      });
      request.setTimeout(this.#timeouts.idleMs, () => fail(new StoreRequestError('timeout', `the store went silent for ${this.#timeouts.idleMs} ms (${label})`)));
      request.on('error', (error: Error) => {
        timers.forEach(clearTimeout);
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        reject(error instanceof StoreRequestError ? error : new StoreRequestError('unreachable', `the store cannot be reached at ${url.origin} (${label}): ${networkProblem(error)}`));
      });
      request.on('response', (response) => {
        answer = response;
        timers.forEach(clearTimeout);
        signal?.removeEventListener('abort', onAbort);
        // A body still being read is stopped by the same signal.
        if (signal) {
          const stop = (): void => void response.destroy(new StoreRequestError('aborted', `${label} was stopped`));
          signal.addEventListener('abort', stop, { once: true });
          response.once('close', () => signal.removeEventListener('abort', stop));
        }
        if (settled) {
          response.destroy();
          return;
        }
        settled = true;
        resolve(response);
      });
      request.end(payload);
    });
  }
}

function pathOnly(path: string): string {
  return path.split('?')[0] ?? path;
}

function networkProblem(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

/** A broken or stopped body as a StoreRequestError. */
function bodyError(error: unknown, what: string): StoreRequestError {
  if (error instanceof StoreRequestError) return error;
  return new StoreRequestError('unreachable', `the store's ${what} broke off: ${networkProblem(error as Error)}`);
}

async function readBody(response: IncomingMessage, maxBytes: number, what: string, truncate = false): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        if (truncate) {
          chunks.push(chunk.subarray(0, chunk.length - (size - maxBytes)));
          break;
        }
        throw new StoreRequestError('malformed', `the store's ${what} is larger than ${maxBytes} bytes`, response.statusCode);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw bodyError(error, what);
  } finally {
    // Stops reading a too-large or abandoned body; a no-op once it has ended.
    response.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * NDJSON lines, pulled from the socket only as they are consumed (the async iterator reads one
 * chunk at a time, and the socket pauses meanwhile). Blank lines are skipped; a line longer
 * than `maxLineBytes` is an error rather than unbounded memory.
 */
async function* ndjsonLines(response: IncomingMessage, maxLineBytes: number): AsyncGenerator<string, void, undefined> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  try {
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        const text = pending + decoder.write(chunk);
        let start = 0;
        let newline = text.indexOf('\n', start);
        while (newline !== -1) {
          if (newline - start > maxLineBytes) throw new StoreRequestError('malformed', `a snapshot line is longer than ${maxLineBytes} bytes`);
          const line = text.slice(start, newline).replace(/\r$/u, '');
          start = newline + 1;
          if (line.trim()) yield line;
          newline = text.indexOf('\n', start);
        }
        pending = text.slice(start);
        if (pending.length > maxLineBytes) throw new StoreRequestError('malformed', `a snapshot line is longer than ${maxLineBytes} bytes`);
      }
    } catch (error) {
      throw bodyError(error, 'snapshot');
    }
    const last = (pending + decoder.end()).replace(/\r$/u, '');
    if (last.trim()) yield last;
  } finally {
    response.destroy();
  }
}
