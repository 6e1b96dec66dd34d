import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { contentSecurityPolicy, startLaneServer, type LaneServer } from '../../../main/bridge/laneServer';
import type { LaneService } from '../../../shared/bridge/laneService';
import type { LaneView } from '../../../shared/bridge/laneView';
import type { ServerMessage } from '../../../shared/bridge/rpc';
import { Emitter } from '../../../shared/event';
import { createRecordingLogger, type RecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';

const indexHtml = '<!doctype html><title>Lanewise kiosk</title><script type="module" src="/assets/x.js"></script>\n';
const assetJs = 'console.log("kiosk");\n';
const secret = 'SECRET-OUTSIDE-THE-KIOSK-FOLDER';

/** A lane as the bridge sees it: records every call that gets through validation. */
function fakeService(): LaneService & { calls: { method: string; args: unknown }[] } {
  const calls: { method: string; args: unknown }[] = [];
  return {
    calls,
    getView: async (args) => {
      calls.push({ method: 'getView', args });
      return view(1);
    },
    searchItems: async (args) => {
      calls.push({ method: 'searchItems', args });
      return { items: [] };
    },
    mostUsedItems: async (args) => {
      calls.push({ method: 'mostUsedItems', args });
      return { items: [] };
    },
    sendEvent: async (args) => {
      calls.push({ method: 'sendEvent', args });
      return { accepted: true };
    },
  };
}

function view(version: number): LaneView {
  return { version, state: 'idle', context: {} as LaneView['context'], totalMinor: 0, itemCount: 0 };
}

interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** node:http sends the path exactly as given (fetch would normalise `..` away before sending). */
function httpRequest(port: number, path: string, method = 'GET'): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket client that answers calls by id and keeps pushed events. */
class BridgeClient {
  readonly events: { name: string; payload: unknown }[] = [];
  readonly #results = new Map<number, (message: ServerMessage) => void>();
  #nextId = 1;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if (message.kind === 'event') this.events.push({ name: message.name, payload: message.payload });
      else this.#results.get(message.id)?.(message);
    });
  }

  call(method: string, args: unknown): Promise<ServerMessage> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#results.set(id, resolve);
      this.ws.send(JSON.stringify({ kind: 'call', id, method, args }));
    });
  }

  closed(): Promise<number> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
    return new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
  }
}

describe('lane server', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let staticDir: string;
  let views: Emitter<LaneView>;
  let service: ReturnType<typeof fakeService>;
  let log: RecordingLogger;
  let server: LaneServer;
  const sockets: (WebSocket | Socket)[] = [];

  beforeEach(async () => {
    dir = makeTempDir();
    staticDir = join(dir.path, 'www');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), indexHtml);
    writeFileSync(join(staticDir, 'assets', 'x.js'), assetJs);
    writeFileSync(join(dir.path, 'secret.txt'), secret);
    writeFileSync(join(dir.path, 'package.json'), secret);
    views = new Emitter<LaneView>();
    service = fakeService();
    log = createRecordingLogger();
    server = await startLaneServer({ service, onView: views.event, staticDir, host: '127.0.0.1', port: 0, log });
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) {
      if (socket instanceof WebSocket) socket.terminate();
      else socket.destroy();
    }
    await server.close();
    dir.remove();
  });

  function openSocket(options: WebSocket.ClientOptions = {}, path = '/bridge'): WebSocket {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, options);
    sockets.push(ws);
    return ws;
  }

  async function connect(options: WebSocket.ClientOptions = {}): Promise<BridgeClient> {
    const ws = openSocket(options);
    const client = new BridgeClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** The HTTP status a refused WebSocket upgrade gets. */
  function refusedStatus(options: WebSocket.ClientOptions = {}, path = '/bridge'): Promise<number> {
    const ws = openSocket(options, path);
    return new Promise((resolve, reject) => {
      ws.once('open', () => reject(new Error('connection was accepted')));
      ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.once('error', () => undefined);
    });
  }

  describe('static files', () => {
    it('serves the kiosk page with its security headers, and assets', async () => {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
      const page = await httpRequest(server.port, '/');
      expect(page.status).toBe(200);
      expect(page.body).toBe(indexHtml);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toBe(contentSecurityPolicy);
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['cache-control']).toBe('no-cache');

      const asset = await httpRequest(server.port, '/assets/x.js');
      expect(asset.status).toBe(200);
      expect(asset.body).toBe(assetJs);
      expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(asset.headers['cache-control']).toContain('immutable');
      expect(asset.headers['x-content-type-options']).toBe('nosniff');

      const head = await httpRequest(server.port, '/assets/x.js', 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
    });

    it('never serves a file outside the kiosk folder', async () => {
      const attempts = [
        '/../secret.txt',
        '/../package.json',
        '/assets/../../secret.txt',
        '/%2e%2e/secret.txt',
        '/%2E%2E/package.json',
        '/%2e%2e%2fsecret.txt',
        '/..%2fsecret.txt',
        '/assets/..%2f..%2fsecret.txt',
        '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
        '/%2e%2e%5csecret.txt',
        '/..%5c..%5csecret.txt',
        '/%252e%252e/secret.txt',
        '/....//secret.txt',
        '//../secret.txt',
        '//evil.example/../../secret.txt',
        `/${encodeURIComponent(join(dir.path, 'secret.txt'))}`,
      ];
      for (const path of attempts) {
        const reply = await httpRequest(server.port, path);
        expect(reply.body, path).not.toContain(secret);
        expect([403, 404], path).toContain(reply.status);
      }
    });

    it('answers a malformed escape with 400 instead of crashing, and keeps serving', async () => {
      expect((await httpRequest(server.port, '/%')).status).toBe(400);
      expect((await httpRequest(server.port, '/%E0%A4%A')).status).toBe(400);
      expect((await httpRequest(server.port, '/')).status).toBe(200);
    });

    it('404s a missing file but answers page-like paths with the kiosk page', async () => {
      expect((await httpRequest(server.port, '/assets/old-1234.js')).status).toBe(404);
      const page = await httpRequest(server.port, '/welcome');
      expect(page.status).toBe(200);
      expect(page.body).toBe(indexHtml);
    });

    it('refuses methods other than GET and HEAD', async () => {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const reply = await httpRequest(server.port, '/', method);
        expect(reply.status, method).toBe(405);
        expect(reply.headers['content-security-policy']).toBe(contentSecurityPolicy);
      }
    });
  });

  describe('bridge', () => {
    it('refuses a page from another origin, and any path but /bridge', async () => {
      expect(await refusedStatus({ origin: 'http://evil.example' })).toBe(403);
      expect(await refusedStatus({ origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
      expect(await refusedStatus({ origin: 'null' })).toBe(403);
      expect(await refusedStatus({}, '/other')).toBe(403);
      expect(log.find('warn', 'bridge connection refused')).toHaveLength(4);
      expect(server.connections).toBe(0);
    });

    it('accepts its own page (by 127.0.0.1 or localhost) and clients without an Origin', async () => {
      for (const options of [{}, { origin: `http://127.0.0.1:${server.port}` }, { origin: `http://localhost:${server.port}` }]) {
        const client = await connect(options);
        expect(await client.call('getView', {})).toEqual({ kind: 'result', id: 1, ok: true, value: view(1) });
      }
      expect(server.connections).toBe(3);
    });

    it('passes valid events to the lane', async () => {
      const client = await connect();
      expect(await client.call('sendEvent', { event: { type: 'ui.setLanguage', language: 'ru' } })).toEqual({ kind: 'result', id: 1, ok: true, value: { accepted: true } });
      expect(service.calls).toEqual([{ method: 'sendEvent', args: { event: { type: 'ui.setLanguage', language: 'ru' } } }]);
    });

    it('answers forged and malformed calls with an error; they never reach the lane', async () => {
      const client = await connect();
      const forged = [
        { event: { type: 'scanner.scanned', code: '4750001000016', outcome: { kind: 'item', line: { priceMinor: 1 } } } },
        { event: { type: 'device.statusChanged', role: 'printer', status: { kind: 'ready', warnings: [] } } },
        { event: { type: 'paymentTerminal.prompt', reference: 'x', prompt: 'enterPin' } },
        { event: { type: 'lane.restored' } },
        { event: { type: 'ui.setLanguage', language: 'xx' } },
        { event: { type: 'ui.pay', amountMinor: 1 } },
        { event: { type: 'ui.pay' }, extra: true },
        { event: 'ui.pay' },
        {},
      ];
      for (const args of forged) {
        const reply = await client.call('sendEvent', args);
        expect(reply, JSON.stringify(args)).toMatchObject({ kind: 'result', ok: false, error: { code: 'badArguments' } });
      }
      expect(await client.call('getView', { all: true })).toMatchObject({ ok: false, error: { code: 'badArguments' } });
      for (const method of ['hasOwnProperty', 'constructor', '__proto__', 'toString', 'stop']) {
        expect(await client.call(method, {}), method).toMatchObject({ ok: false, error: { code: 'unknownMethod' } });
      }
      expect(service.calls).toEqual([]);
      expect(log.find('warn', 'bridge message refused').length).toBe(forged.length + 6);

      // The connection is still good.
      expect(await client.call('getView', {})).toMatchObject({ ok: true });
    });

    it('survives non-JSON and oversize messages and keeps serving everyone', async () => {
      const client = await connect();
      const other = await connect();

      client.ws.send('this is not JSON');
      client.ws.send(JSON.stringify({ kind: 'call', id: -1, method: 'getView', args: {} }));
      client.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
      expect(await client.call('getView', {})).toMatchObject({ ok: true });
      expect(log.find('warn', 'bridge message refused').map((entry) => entry.fields.code)).toEqual(['badMessage', 'badMessage']);

      // Over the 64 KiB limit: the server drops that connection (1009: message too big), nothing else.
      const closed = client.closed();
      client.ws.send(JSON.stringify({ kind: 'call', id: 99, method: 'sendEvent', args: { event: { type: 'ui.pay', padding: 'x'.repeat(70 * 1024) } } }));
      expect(await closed).toBe(1009);
      await vi.waitFor(() => expect(server.connections).toBe(1));

      expect(await other.call('getView', {})).toMatchObject({ ok: true });
      const late = await connect();
      expect(await late.call('getView', {})).toMatchObject({ ok: true });
      expect(service.calls.filter((call) => call.method === 'sendEvent')).toEqual([]);
    });

    it('broadcasts every view to every connected screen', async () => {
      const first = await connect();
      const second = await connect({ origin: `http://localhost:${server.port}` });
      views.fire(view(7));
      views.fire(view(8));
      for (const client of [first, second]) {
        await vi.waitFor(() => expect(client.events).toHaveLength(2));
        expect(client.events).toEqual([
          { name: 'view', payload: view(7) },
          { name: 'view', payload: view(8) },
        ]);
      }
    });

    it('closes promptly, with screens and idle or half-sent HTTP connections still open', async () => {
      const client = await connect();
      const closed = client.closed();
      const idle = connectTcp(server.port, '127.0.0.1');
      const halfSent = connectTcp(server.port, '127.0.0.1');
      sockets.push(idle, halfSent);
      // The server resets them on close; that is the point.
      for (const socket of [idle, halfSent]) socket.on('error', () => undefined);
      await Promise.all([idle, halfSent].map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
      halfSent.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');

      await server.close();
      expect(await closed).toBeGreaterThan(0);
      await expect(httpRequest(server.port, '/')).rejects.toThrow();
    });
  });
});
