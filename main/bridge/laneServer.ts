import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { laneEvents, type LaneService } from '../../shared/bridge/laneService';
import { laneServiceSchema } from '../../shared/bridge/laneServiceSchema';
import type { LaneView } from '../../shared/bridge/laneView';
import { eventMessage, type BridgeConnection } from '../../shared/bridge/rpc';
import { serveConnection } from '../../shared/bridge/rpcServer';
import { Emitter, type Event } from '../../shared/event';
import type { Logger } from '../../shared/log';

export interface LaneServerOptions {
  readonly service: LaneService;
  readonly onView: Event<LaneView>;
  /** The built kiosk (dist/renderer). */
  readonly staticDir: string;
  readonly host: string;
  readonly port: number;
  readonly log: Logger;
}

export interface LaneServer {
  readonly url: string;
  readonly port: number;
  readonly connections: number;
  close(): Promise<void>;
}

/** A page policy that allows only our own files, and WebSockets to `connectSources`. */
export function pagePolicy(connectSources: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connectSources}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The same policy the kiosk page declares in its meta tag, also sent as a header. */
export const contentSecurityPolicy = pagePolicy("'self' ws://127.0.0.1:* ws://localhost:*");

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** A slow screen that has this much unsent data is disconnected; it reconnects and fetches the current view. */
export const maxBufferedBytes = 4 * 1024 * 1024;

/**
 * The browser transport of the bridge: serves the kiosk page and a WebSocket at /bridge
 * on loopback. Electron uses the IPC transport instead (main/electron).
 */
export async function startLaneServer(options: LaneServerOptions): Promise<LaneServer> {
  const { service, staticDir, log } = options;
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  const site: StaticSite = { root: staticDir, contentSecurityPolicy };
  const server: Server = createServer((request, response) => serveStatic(site, request, response));
  let origin = '';

  server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '/').split(/[?#]/, 1)[0];
    // Only our own page may drive the lane; a page from elsewhere in the same browser may not.
    const requestOrigin = request.headers.origin;
    const allowed = requestOrigin === undefined || requestOrigin === origin || requestOrigin === origin.replace('127.0.0.1', 'localhost');
    if (path !== '/bridge' || !allowed) {
      log.warn({ path, origin: requestOrigin }, 'bridge connection refused');
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      const connection = webSocketConnection(ws);
      const served = serveConnection(connection, service, laneServiceSchema, (reason, raw) =>
        log.warn({ code: reason.code, detail: reason.message, bytes: raw.length }, 'bridge message refused'),
      );
      ws.on('close', () => {
        sockets.delete(ws);
        served.dispose();
      });
      ws.on('error', (error) => log.warn({ error: String(error) }, 'bridge socket error'));
    });
  });

  const views = options.onView((view) => {
    const message = eventMessage(laneEvents.view, view);
    for (const ws of sockets) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > maxBufferedBytes) {
        log.warn({ buffered: ws.bufferedAmount }, 'screen too slow; disconnecting it so it resynchronises');
        ws.terminate();
        continue;
      }
      ws.send(message);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${options.host}:${port}`;

  return {
    url: `${origin}/`,
    port,
    get connections() {
      return sockets.size;
    },
    async close() {
      views.dispose();
      for (const ws of sockets) ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // close() waits for every connection to end, and a browser's preconnected or half-sent
      // request never does: without this the lane would hang on SIGTERM.
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A `ws` socket as a bridge connection (text frames only). */
export function webSocketConnection(ws: WebSocket): BridgeConnection {
  const messages = new Emitter<string>();
  const closes = new Emitter<void>();
  ws.on('message', (data, isBinary) => {
    if (!isBinary) messages.fire(data.toString());
  });
  ws.on('close', () => closes.fire());
  return {
    send: (message) => {
      if (ws.readyState === ws.OPEN) ws.send(message);
    },
    onMessage: messages.event,
    onClose: closes.event,
  };
}

/** A built page and its assets, served read-only. */
export interface StaticSite {
  /** The built page's folder (dist/renderer). */
  readonly root: string;
  readonly contentSecurityPolicy: string;
  /** Where the site sits in the URL space, e.g. `/station`; the root when absent. Other paths are 404. */
  readonly basePath?: string;
}

/**
 * GET/HEAD of the site's files; other page-like paths get its index.html (the app routes itself),
 * a missing asset is a 404, and nothing outside `root` is ever served.
 */
export function serveStatic(site: StaticSite, request: IncomingMessage, response: ServerResponse): void {
  const { root, basePath } = site;
  const headers = {
    'Content-Security-Policy': site.contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, headers).end();
    return;
  }
  let pathname: string;
  try {
    // The path only: a request target of `//x` is a path here, not a host.
    pathname = decodeURIComponent((request.url ?? '/').split(/[?#]/, 1)[0] || '/');
  } catch {
    // A malformed escape (`/%`) would otherwise throw out of the request handler and end the lane process.
    response.writeHead(400, headers).end();
    return;
  }
  if (basePath) {
    if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) {
      response.writeHead(404, headers).end();
      return;
    }
    pathname = pathname.slice(basePath.length) || '/';
  }
  const relative = normalize(pathname === '/' ? '/index.html' : pathname);
  const file = join(root, relative);
  // No escaping the kiosk folder with ../ or encoded variants.
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) {
    response.writeHead(403, headers).end();
    return;
  }
  const found = existsSync(file) && statSync(file).isFile();
  // Only page-like paths fall back to the kiosk page; a missing file (`/package.json`, an old asset) is a 404, not HTML.
  if (!found && extname(relative) !== '') {
    response.writeHead(404, headers).end();
    return;
  }
  const target = found ? file : join(root, 'index.html');
  if (!existsSync(target)) {
    response.writeHead(503, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Page not built: run `npm run build`.\n');
    return;
  }
  response.writeHead(200, {
    ...headers,
    'Content-Type': contentTypes[extname(target)] ?? 'application/octet-stream',
    // Hashed assets may be cached; the page itself must not be, so an update shows at once.
    'Cache-Control': target.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(target).pipe(response);
}
