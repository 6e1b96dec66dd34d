import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import Database from 'better-sqlite3';
import { openSqliteStoreBackend } from '../../../main/store/sqlite/sqliteBackend';
import { startStoreServer, type RunningStoreServer } from '../../../main/store/storeServer';
import { laneIdHeader, salesUploadResultSchema, salesUploadSchema, storePaths, type SalesUpload, type UploadedSale } from '../../../shared/store/syncProtocol';
import { asParsed, generateMessage, jsonSeeds, mutatedTree, writeJson, type JsonSeeds } from '../jsonMutate';
import { FuzzLogger, describeLogLine, scratchDir, shown, type Findings, type MessageRig } from '../messageTarget';
import { randomBytes, type Random } from '../mutate';

/**
 * `store.salesUpload`: sales uploads as lanes send them, through the real store server
 * (`startStoreServer` on its SQLite backend): the HTTP route, the bearer token check, the body
 * limit, `salesUploadSchema`, the digest check and the idempotent store. Requests go pipelined
 * over a raw keep-alive socket (an HTTP client per request would cost more than the server's
 * work). Bodies are mutated uploads; half of them get their digests recomputed after mutation,
 * so mutated sales get past the digest check into the database; some resend sales already
 * stored (duplicates) or the same ids with other contents (conflicts).
 *
 * A crash: a 500, an error the server logs, a connection the server drops. A violation: a status
 * other than the protocol's for that body (our own reading of syncProtocol.ts), or an outcome the
 * database contradicts — a sale stored twice, overwritten, or answered `stored` and not there.
 */

const laneTokens = new Map<string, string>();
const uploadingLane = 'L01';
const otherLane = 'L02';
const disabledLane = 'L03';
/** The server's default body limit is 8 MiB; bigger bodies are cut off with a 413 and a closed connection, which pipelining cannot carry on over. */
const maxBodyBytes = 4 * 1024 * 1024;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

interface Request {
  readonly text: string;
  readonly bytes: Buffer;
  readonly describe: string;
  /** The status the protocol says, or undefined when any 2xx/4xx would do (not a sales upload). */
  readonly expected: number | undefined;
  /** The lane the request authenticates as, when it does. */
  readonly laneId: string | undefined;
  readonly upload: SalesUpload | undefined;
}

interface Response {
  readonly status: number;
  readonly body: string;
}

/** A keep-alive connection that takes a batch of requests in one write and reads their answers in order. */
class PipelinedConnection {
  #buffer: Buffer = Buffer.alloc(0);
  readonly #responses: Response[] = [];
  #wanted: { count: number; resolve: () => void } | undefined;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.#wanted?.resolve();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<PipelinedConnection> {
    const socket = connect(port, '127.0.0.1');
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new PipelinedConnection(socket)));
      socket.once('error', reject);
    });
  }

  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end < 0) break;
      const head = this.#buffer.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/iu.exec(head)?.[1] ?? 0);
      if (this.#buffer.length < end + 4 + length) break;
      this.#responses.push({ status: Number(head.slice(9, 12)), body: this.#buffer.subarray(end + 4, end + 4 + length).toString('utf8') });
      this.#buffer = this.#buffer.subarray(end + 4 + length);
    }
    if (this.#wanted && this.#responses.length >= this.#wanted.count) this.#wanted.resolve();
  }

  /** Sends all requests at once; resolves with the answers that came (fewer when the server closed the connection). */
  async exchange(requests: readonly Buffer[], timeoutMs: number): Promise<Response[]> {
    this.#responses.length = 0;
    const answered = new Promise<void>((resolve) => {
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#wanted = undefined;
        resolve();
      };
      this.#wanted = { count: requests.length, resolve: finish };
    });
    this.socket.write(Buffer.concat(requests));
    if (this.closed || this.#responses.length >= requests.length) this.#wanted?.resolve();
    await answered;
    return this.#responses.splice(0);
  }

  close(): void {
    this.socket.destroy();
  }
}

function httpRequest(method: string, path: string, headers: Record<string, string>, body: Buffer | undefined): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: store.fuzz', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  if (body) lines.push('Content-Type: application/json', `Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}

/** What a lane's journal would upload: a closed sale's JSON and its digest. */
function uploadedSale(laneId: string, epoch: string, number: number, variant: number): UploadedSale {
  const payload = JSON.stringify({
    id: `${laneId}-${epoch}-${number}`,
    number,
    lines: [
      { lineId: 1, gtin: '04750001000016', name: { en: 'Milk' }, quantity: 1 + (variant % 3), priceMinor: 119 },
      { lineId: 2, gtin: '02000000012341', name: { en: 'Bananas', lv: 'Banāni' }, weightGrams: 1_234, priceMinor: 172 },
    ],
    payments: [{ kind: 'card', amountMinor: 291, reference: `${laneId}-P${number}` }],
    closedAt: 1_800_000_000_000 + number,
  });
  return {
    saleId: `${laneId}-${epoch}-${number}`,
    epoch,
    number,
    status: variant % 4 === 0 ? 'cancelled' : 'completed',
    closedAt: 1_800_000_000_000 + number,
    totalMinor: variant % 5 === 0 ? 0 : 291,
    currency: 'EUR',
    digest: sha256(payload),
    payload,
  };
}

/** Digests made right again after a mutation, wherever a sale still has a text payload. */
function fixDigests(tree: unknown): void {
  const sales = (tree as { sales?: unknown } | null)?.sales;
  if (!Array.isArray(sales)) return;
  for (const sale of sales) {
    if (typeof sale === 'object' && sale !== null && typeof (sale as { payload?: unknown }).payload === 'string') {
      (sale as Record<string, unknown>).digest = sha256((sale as { payload: string }).payload);
    }
  }
}

/** Our own reading of the protocol: the status an upload from `laneId` gets. */
function expectedStatus(text: string, laneId: string): { status: number; upload?: SalesUpload } {
  const parsed = asParsed(text);
  if (parsed === undefined) return { status: 400 };
  const upload = salesUploadSchema.safeParse(parsed);
  if (!upload.success) return { status: 400 };
  if (upload.data.laneId !== laneId) return { status: 403 };
  if (upload.data.sales.some((sale) => sha256(sale.payload) !== sale.digest)) return { status: 400 };
  return { status: 200, upload: upload.data };
}

export async function startStoreSalesRig(): Promise<MessageRig> {
  const dir = scratchDir('store');
  const path = `${dir.path}/store.sqlite`;
  const backend = openSqliteStoreBackend(path);
  for (const laneId of [uploadingLane, otherLane, disabledLane]) laneTokens.set(laneId, (await backend.lanes.add(laneId)).token);
  await backend.lanes.setDisabled(disabledLane, true);
  const log = new FuzzLogger();
  const server: RunningStoreServer = await startStoreServer({ backend, port: 0, log });
  const reader = new Database(path, { readonly: true, fileMustExist: true });
  const storedSale = reader.prepare<[string], { laneId: string; digest: string; payload: string }>('SELECT lane_id AS laneId, digest, payload FROM sales WHERE sale_id = ?');
  let connection = await PipelinedConnection.open(server.port);

  let number = 1;
  const epoch = 'e1f2a3b4';
  const seedUploads: SalesUpload[] = [1, 2, 3].map((count) => ({ laneId: uploadingLane, sales: Array.from({ length: count }, (_, index) => uploadedSale(uploadingLane, epoch, index + 1, index)) }));
  const seeds: JsonSeeds = jsonSeeds(seedUploads);
  /** Sales the server said it stored, to send again as they are (duplicates) or changed (conflicts). */
  const stored: UploadedSale[] = [];
  let storedCount = 0;

  const auth = (laneId: string, token = laneTokens.get(laneId)!) => ({ Authorization: `Bearer ${token}`, [laneIdHeader]: laneId });

  function upload(random: Random): Request {
    const count = 1 + random.below(3);
    const fresh: SalesUpload = { laneId: uploadingLane, sales: Array.from({ length: count }, (_, index) => uploadedSale(uploadingLane, epoch, number++, index)) };
    let text: string;
    let describe = 'upload';
    const roll = random.below(100);
    if (roll < 15) {
      text = JSON.stringify(fresh);
      describe = 'upload:valid';
    } else if (roll < 25 && stored.length > 0) {
      // A retry whose answer was lost, and sales changed since (never to be overwritten).
      const again = random.pick(stored);
      const changed = { ...again, totalMinor: again.totalMinor + 1, payload: `${again.payload} `, digest: sha256(`${again.payload} `) };
      text = JSON.stringify({ laneId: uploadingLane, sales: random.chance(50) ? [again] : [changed, ...fresh.sales] });
      describe = 'upload:resent';
    } else if (roll < 60) {
      const tree = mutatedTree(random, fresh, seeds);
      fixDigests(tree);
      text = writeJson(tree);
      describe = 'upload:mutatedDigestsRight';
    } else {
      text = generateMessage(random, seeds, { valid: 0, garbage: 5, damaged: 20 }, fresh);
      describe = 'upload:mutated';
    }
    const bytes = Buffer.from(text, 'utf8');
    // What the server will read: the bytes decoded again (lone surrogates became U+FFFD on the way).
    const received = bytes.toString('utf8');
    const expected = expectedStatus(received, uploadingLane);
    return { text: received, bytes: httpRequest('POST', storePaths.sales, auth(uploadingLane), bytes), describe, expected: expected.status, laneId: uploadingLane, upload: expected.upload };
  }

  /** Requests that are not the uploading lane's: other lanes, wrong tokens, other routes. */
  function other(random: Random): Request {
    const body = Buffer.from(JSON.stringify({ laneId: otherLane, sales: [uploadedSale(otherLane, epoch, number++, 1)] }), 'utf8');
    const variants: (() => Request)[] = [
      () => ({ text: body.toString(), bytes: httpRequest('POST', storePaths.sales, auth(otherLane), body), describe: 'other:otherLane', expected: 200, laneId: otherLane, upload: salesUploadSchema.parse(JSON.parse(body.toString())) }),
      () => ({ text: body.toString(), bytes: httpRequest('POST', storePaths.sales, auth(uploadingLane), body), describe: 'other:salesOfAnotherLane', expected: 403, laneId: undefined, upload: undefined }),
      () => ({ text: 'wrong token', bytes: httpRequest('POST', storePaths.sales, auth(uploadingLane, laneTokens.get(otherLane)), body), describe: 'other:wrongToken', expected: 401, laneId: undefined, upload: undefined }),
      () => ({ text: 'no token', bytes: httpRequest('POST', storePaths.sales, { [laneIdHeader]: uploadingLane }, body), describe: 'other:noToken', expected: 401, laneId: undefined, upload: undefined }),
      () => ({ text: 'disabled lane', bytes: httpRequest('POST', storePaths.sales, auth(disabledLane), body), describe: 'other:disabledLane', expected: 403, laneId: undefined, upload: undefined }),
      () => ({ text: 'unknown lane', bytes: httpRequest('POST', storePaths.sales, auth('X99', Buffer.from(randomBytes(random, 32)).toString('base64url')), body), describe: 'other:unknownLane', expected: 401, laneId: undefined, upload: undefined }),
      () => ({ text: 'GET sales', bytes: httpRequest('GET', storePaths.sales, auth(uploadingLane), undefined), describe: 'other:wrongMethod', expected: 405, laneId: undefined, upload: undefined }),
      () => {
        const since = random.pick(['0', '1', '-1', '1e3', '999999999999999', '9999999999999999', '', 'abc', '%00', '1&since=2']);
        return { text: `since=${since}`, bytes: httpRequest('GET', `${storePaths.changes}?since=${since}`, auth(uploadingLane), undefined), describe: 'other:changes', expected: /^\d{1,15}$/u.test(new URLSearchParams(`since=${since}`).get('since') ?? '') ? 200 : 400, laneId: undefined, upload: undefined };
      },
      () => ({ text: 'health', bytes: httpRequest('GET', storePaths.health, {}, undefined), describe: 'other:health', expected: 200, laneId: undefined, upload: undefined }),
      () => ({ text: 'nowhere', bytes: httpRequest('GET', `/v1/${Buffer.from(randomBytes(random, 12)).toString('hex')}`, auth(uploadingLane), undefined), describe: 'other:noSuchPath', expected: 404, laneId: undefined, upload: undefined }),
    ];
    return random.pick(variants)();
  }

  /** The database must agree with every outcome the server gave. */
  function checkOutcomes(request: Request, response: Response, findings: Findings): void {
    const answer = salesUploadResultSchema.safeParse(asParsed(response.body));
    const sales = request.upload!.sales;
    if (!answer.success || answer.data.results.length !== sales.length || answer.data.results.some((result, index) => result.saleId !== sales[index]!.saleId)) {
      findings.violation(shown(request.text), `a 200 whose results do not match the sales sent: ${response.body.slice(0, 300)}`);
      return;
    }
    answer.data.results.forEach((result, index) => {
      const sale = sales[index]!;
      const row = storedSale.get(sale.saleId);
      findings.count(`outcome:${result.outcome}`);
      if (!row) {
        findings.violation(shown(request.text), `sale ${sale.saleId} answered ${result.outcome} is not in the database`);
        return;
      }
      // Compared as UTF-8, as the digest is: a payload string holding a lone surrogate (sent as a \ud800 escape) is kept as U+FFFD.
      const samePayload = Buffer.from(row.payload, 'utf8').equals(Buffer.from(sale.payload, 'utf8'));
      const same = row.digest === sale.digest && row.laneId === request.laneId && samePayload;
      if (result.outcome === 'stored' || result.outcome === 'duplicate') {
        if (!same) {
          const differs = [row.digest !== sale.digest && 'digest', row.laneId !== request.laneId && `lane ${row.laneId}`, !samePayload && `payload (${row.payload.length} characters stored, ${sale.payload.length} sent)`].filter(Boolean).join(', ');
          findings.violation(shown(request.text), `sale ${JSON.stringify(sale.saleId)} answered ${result.outcome} but the database holds another ${differs}`);
        }
        if (result.outcome === 'stored') {
          storedCount++;
          if (stored.length < 2_000) stored.push(sale);
          else stored[storedCount % stored.length] = sale;
        }
      } else if (same) {
        findings.violation(shown(request.text), `sale ${sale.saleId} answered conflict although the database holds exactly it`);
      }
    });
  }

  return {
    async runBatch(random, size, findings) {
      const requests: Request[] = [];
      while (requests.length < size) {
        const request = random.chance(8) ? other(random) : upload(random);
        if (request.bytes.length > maxBodyBytes) {
          findings.count('request:overBodyLimit');
          continue;
        }
        requests.push(request);
      }
      const responses = await connection.exchange(
        requests.map((request) => request.bytes),
        30_000,
      );
      // The server logs each request that failed, in order: each 500 is reported with its own log line (the exception).
      const errors = log.takeErrors();
      const failures = errors.filter((line) => line.message === 'store request failed');
      requests.forEach((request, index) => {
        const response = responses[index];
        if (!response) return;
        findings.count(`${request.describe}:${response.status}`);
        if (response.status >= 500) {
          const logged = failures.shift();
          findings.crash(shown(request.text), `the store answered ${response.status}: ${response.body.slice(0, 200)}${logged ? `; ${describeLogLine(logged)}` : ''}`);
        } else if (request.expected !== undefined && response.status !== request.expected) {
          findings.violation(shown(request.text), `${request.describe}: expected HTTP ${request.expected}, got ${response.status}: ${response.body.slice(0, 300)}`);
        } else if (response.status === 200 && request.upload) checkOutcomes(request, response, findings);
      });
      for (const line of [...errors.filter((each) => each.message !== 'store request failed'), ...failures]) {
        findings.crash(shown(requests.map((request) => request.text).join('\n---\n'), 4_000), describeLogLine(line));
      }
      if (responses.length < requests.length) {
        findings.crash(shown(requests[responses.length]!.text), `the store server dropped the connection with ${requests.length - responses.length} requests unanswered`);
        connection.close();
        connection = await PipelinedConnection.open(server.port);
      }
    },
    async close() {
      connection.close();
      reader.close();
      await server.close();
      await backend.close();
      dir.remove();
    },
  };
}
