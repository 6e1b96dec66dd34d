import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { WebSocketServer, type WebSocket } from 'ws';
import { eventMessage } from '../../shared/bridge/rpc';
import { serveConnection } from '../../shared/bridge/rpcServer';
import type { Disposable } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { supervisorLanePath, supervisorProtocolVersion, type HubToLane } from '../../shared/supervisor/protocol';
import { stationEvents } from '../../shared/supervisor/stationService';
import { stationServiceSchema } from '../../shared/supervisor/stationServiceSchema';
import { AssistantDirectory } from '../assistants/assistantDirectory';
import { maxBufferedBytes, pagePolicy, serveStatic, webSocketConnection, type StaticSite } from '../bridge/laneServer';
import { CatalogStore } from '../catalog/catalogStore';
import { decodeLaneSecret, helloProofMatches, newNonce } from './commandAuth';
import { SupervisorHub } from './hub';
import { hubDatabasePath, openHubDatabase } from './hubDatabase';
import { helloSchema, laneReportSchema, parseLaneMessage } from './laneMessageSchema';
import { LaneRegistry } from './laneRegistry';
import { checkShifts, defaultShifts } from './reports';
import { createStationSession, defaultStationIdleMs } from './stationSession';

export interface SupervisorHubServerOptions {
  /** The hub's database and nothing else lives here. */
  readonly dataDir: string;
  /** 127.0.0.1 by default: store IT opens it to the store network on purpose (`--host 0.0.0.0`, with TLS). */
  readonly host?: string;
  /** 0: any free port. */
  readonly port?: number;
  /** The built renderer (dist/renderer); the station app is its index.html under /station/. */
  readonly staticDir: string;
  /** The store catalogue, for its `assistants` table. */
  readonly catalogFile: string;
  /** The store's certificate and key (PEM): HTTPS and wss:// instead of HTTP and ws://. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly shifts?: readonly number[] | undefined;
  /** IANA zone for reports; the process's own (TZ) by default. */
  readonly timeZone?: string | undefined;
  readonly offlineGraceMs?: number | undefined;
  readonly commandTimeoutMs?: number | undefined;
  readonly stationIdleMs?: number | undefined;
  /** How long a lane has to say hello after the challenge. */
  readonly helloTimeoutMs?: number | undefined;
  /** How often dead sockets are looked for and lanes' provisioning re-checked. */
  readonly heartbeatMs?: number | undefined;
  readonly log: Logger;
}

export interface RunningSupervisorHub {
  /** The station page, e.g. http://127.0.0.1:8100/station/. */
  readonly url: string;
  /** What lanes connect to, e.g. ws://127.0.0.1:8100/lane (their config's `supervisor.url`). */
  readonly laneUrl: string;
  readonly port: number;
  readonly hub: SupervisorHub;
  readonly registry: LaneRegistry;
  close(): Promise<void>;
}

export const lanePath = supervisorLanePath;
export const stationPath = '/station';
export const stationBridgePath = '/station/bridge';

/** Lanes have this long to prove who they are; a socket that says nothing is not kept open. */
const defaultHelloTimeoutMs = 10_000;
/** A status carries at most 200 basket lines; 1 MiB is far above any real one. */
const maxLaneMessageBytes = 1024 * 1024;
const maxStationMessageBytes = 64 * 1024;
/** Pings find lanes and phones that vanished without closing (cable pulled, out of Wi-Fi). */
const defaultHeartbeatMs = 15_000;

/** The station page may connect only back to the hub that served it. */
const stationPolicy = pagePolicy("'self'");

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function urlHost(host: string): string {
  // A wildcard bind has no address of its own: name the machine, as other devices would.
  if (host === '0.0.0.0' || host === '::') return hostname();
  return host.includes(':') ? `[${host}]` : host;
}

function sendJson(ws: WebSocket, message: HubToLane): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

/**
 * The supervisor hub's network side: serves the station page, the station bridge (/station/bridge)
 * and the lane endpoint (/lane), over HTTPS/wss when given the store's certificate.
 */
export async function startSupervisorHub(options: SupervisorHubServerOptions): Promise<RunningSupervisorHub> {
  const { log } = options;
  const host = options.host ?? '127.0.0.1';
  const shifts = checkShifts(options.shifts ?? defaultShifts);
  const helloTimeoutMs = options.helloTimeoutMs ?? defaultHelloTimeoutMs;
  if (!existsSync(options.catalogFile)) throw new Error(`no catalogue at ${options.catalogFile}`);
  const tls = options.tls ? { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) } : undefined;

  const catalog = CatalogStore.open(options.catalogFile);
  const db = openHubDatabase(hubDatabasePath(options.dataDir));
  const registry = new LaneRegistry(db);
  const hub = new SupervisorHub({ db, registry, log, offlineGraceMs: options.offlineGraceMs, commandTimeoutMs: options.commandTimeoutMs });
  const directory = new AssistantDirectory(catalog.db);

  const site: StaticSite = { root: options.staticDir, contentSecurityPolicy: stationPolicy, basePath: stationPath };
  const handleRequest = (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split(/[?#]/, 1)[0];
    if (path === '/' || path === stationPath) {
      response.writeHead(302, { Location: `${stationPath}/`, 'Content-Security-Policy': stationPolicy }).end();
      return;
    }
    serveStatic(site, request, response);
  };
  const server: Server = tls ? createHttpsServer(tls, handleRequest) : createHttpServer(handleRequest);

  const laneSockets = new WebSocketServer({ noServer: true, maxPayload: maxLaneMessageBytes });
  const stationSockets = new WebSocketServer({ noServer: true, maxPayload: maxStationMessageBytes });
  /** The current connection of each authenticated lane, with the secret it proved. */
  const lanes = new Map<string, { ws: WebSocket; secret: string }>();
  const stations = new Set<WebSocket>();
  const alive = new WeakSet<WebSocket>();
  let ownOrigin = '';

  const watchLiveness = (ws: WebSocket) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
  };

  // ── Lanes ──────────────────────────────────────────────────────────────

  function refuse(ws: WebSocket, reason: Extract<HubToLane, { type: 'refused' }>['reason'], request: IncomingMessage, claimedLaneId: string | undefined, problem?: string): void {
    const remoteAddress = request.socket.remoteAddress ?? null;
    log.warn({ laneId: claimedLaneId, reason, remoteAddress, problem }, 'lane refused');
    hub.audit.record({
      at: Date.now(),
      assistantId: null,
      assistantName: null,
      role: null,
      laneId: claimedLaneId ?? null,
      saleId: null,
      action: 'laneRefused',
      reason,
      via: 'supervisor',
      outcome: 'rejected',
      detail: { remoteAddress, problem: problem ?? null },
    });
    sendJson(ws, { type: 'refused', reason });
    ws.close(1008, reason);
  }

  function handleLane(ws: WebSocket, request: IncomingMessage): void {
    watchLiveness(ws);
    const nonce = newNonce();
    let laneId: string | undefined;
    let decided = false;
    const helloTimer = setTimeout(() => {
      decided = true;
      log.warn({ remoteAddress: request.socket.remoteAddress }, 'lane said no hello in time; disconnected');
      ws.close(1008, 'no hello');
    }, helloTimeoutMs);

    const hello = (raw: string) => {
      decided = true;
      clearTimeout(helloTimer);
      const parsed = parseLaneMessage(helloSchema, raw);
      if (!parsed.ok) return refuse(ws, 'badMessage', request, undefined, parsed.problem);
      const claimed = parsed.message.laneId;
      if (parsed.message.protocol !== supervisorProtocolVersion) return refuse(ws, 'badMessage', request, claimed, `protocol ${parsed.message.protocol}`);
      const record = registry.lookup(claimed);
      if (!record) return refuse(ws, 'unknownLane', request, claimed);
      if (record.disabled) return refuse(ws, 'disabled', request, claimed);
      if (!helloProofMatches(decodeLaneSecret(record.secret), claimed, nonce, parsed.message.proof)) return refuse(ws, 'badProof', request, claimed);
      laneId = claimed;
      const previous = lanes.get(laneId);
      lanes.set(laneId, { ws, secret: record.secret });
      sendJson(ws, { type: 'welcome', laneId, hubTime: Date.now() });
      hub.laneConnected(laneId, (message) => sendJson(ws, message));
      log.info({ laneId, remoteAddress: request.socket.remoteAddress }, previous ? 'lane reconnected; older connection replaced' : 'lane connected');
      previous?.ws.close(4000, 'replaced by a newer connection');
    };

    sendJson(ws, { type: 'challenge', nonce, hubTime: Date.now() });
    ws.on('message', (data, isBinary) => {
      try {
        if (isBinary) {
          log.warn({ laneId, bytes: (data as Buffer).length }, 'binary lane message dropped');
          return;
        }
        const raw = data.toString();
        if (laneId === undefined) {
          // Anything after a refusal or a timeout is ignored while the socket closes.
          if (!decided) hello(raw);
          return;
        }
        if (lanes.get(laneId)?.ws !== ws) return;
        const parsed = parseLaneMessage(laneReportSchema, raw);
        if (!parsed.ok) {
          log.warn({ laneId, problem: parsed.problem, bytes: raw.length }, 'lane message refused');
          return;
        }
        hub.laneMessage(laneId, parsed.message);
      } catch (error) {
        // A bug handling one message must not take the hub (and every other lane) down.
        log.error({ laneId, error: String(error), stack: error instanceof Error ? error.stack : undefined }, 'lane message failed');
        if (laneId === undefined) ws.close(1011, 'internal error');
      }
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      if (laneId === undefined || lanes.get(laneId)?.ws !== ws) return;
      lanes.delete(laneId);
      hub.laneDisconnected(laneId);
      log.info({ laneId }, 'lane disconnected');
    });
    ws.on('error', (error) => log.warn({ laneId, error: String(error) }, 'lane socket error'));
  }

  // ── Stations ───────────────────────────────────────────────────────────

  function handleStation(ws: WebSocket): void {
    watchLiveness(ws);
    stations.add(ws);
    const connection = webSocketConnection(ws);
    const session = createStationSession({ hub, directory, db, shifts, timeZone: options.timeZone, idleMs: options.stationIdleMs ?? defaultStationIdleMs, log });
    const served = serveConnection(connection, session.service, stationServiceSchema, (reason, raw) =>
      log.warn({ code: reason.code, detail: reason.message.slice(0, 300), bytes: raw.length }, 'station message refused'),
    );
    const sessionChanges = session.onSession((assistant) => connection.send(eventMessage(stationEvents.session, assistant)));
    ws.on('close', () => {
      stations.delete(ws);
      served.dispose();
      sessionChanges.dispose();
      session.dispose();
    });
    ws.on('error', (error) => log.warn({ error: String(error) }, 'station socket error'));
  }

  const broadcast = (name: string, payload: unknown) => {
    if (stations.size === 0) return;
    const message = eventMessage(name, payload);
    for (const ws of stations) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > maxBufferedBytes) {
        log.warn({ buffered: ws.bufferedAmount }, 'station too slow; disconnecting it so it resynchronises');
        ws.terminate();
        continue;
      }
      ws.send(message);
    }
  };
  const subscriptions: Disposable[] = [
    hub.onLaneTile((tile) => broadcast(stationEvents.lane, tile)),
    hub.onQueue((queue) => broadcast(stationEvents.queue, queue)),
    hub.onTimeline((entry) => broadcast(stationEvents.timeline, entry)),
  ];

  /**
   * A browser page from elsewhere must not drive the station (cross-site WebSocket hijacking): its
   * Origin must be the page's own, i.e. this server as the browser addressed it. On loopback the
   * name must be a loopback one too, so a DNS-rebound name cannot pose as us. Clients without an
   * Origin are not browsers, which is not where that attack comes from.
   */
  function stationOriginAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    if (origin === ownOrigin) return true;
    const hostHeader = request.headers.host;
    if (!hostHeader || origin !== `${tls ? 'https' : 'http'}://${hostHeader}`) return false;
    if (!loopbackHosts.has(host)) return true;
    try {
      return loopbackHosts.has(new URL(origin).hostname);
    } catch {
      return false;
    }
  }

  server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '/').split(/[?#]/, 1)[0];
    if (path === lanePath) {
      laneSockets.handleUpgrade(request, socket, head, (ws) => handleLane(ws, request));
      return;
    }
    if (path === stationBridgePath && stationOriginAllowed(request)) {
      stationSockets.handleUpgrade(request, socket, head, (ws) => handleStation(ws));
      return;
    }
    log.warn({ path, origin: request.headers.origin }, 'WebSocket connection refused');
    socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
    socket.destroy();
  });

  const heartbeat = setInterval(() => {
    for (const ws of [...stations, ...[...lanes.values()].map((lane) => lane.ws)]) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
    // Disabling, removing or re-keying a lane (`lanewise supervisor …` in another process) ends its connection too.
    for (const [laneId, lane] of lanes) {
      const record = registry.lookup(laneId);
      if (record && !record.disabled && record.secret === lane.secret) continue;
      log.warn({ laneId }, 'lane no longer provisioned with the secret it connected with; disconnected');
      sendJson(lane.ws, { type: 'refused', reason: !record ? 'unknownLane' : record.disabled ? 'disabled' : 'badProof' });
      lane.ws.close(1008, 'no longer provisioned');
    }
  }, options.heartbeatMs ?? defaultHeartbeatMs);
  heartbeat.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (error) {
    clearInterval(heartbeat);
    hub.close();
    db.close();
    catalog.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const address = `${urlHost(host)}:${port}`;
  ownOrigin = `${tls ? 'https' : 'http'}://${address}`;
  log.info({ url: `${ownOrigin}${stationPath}/`, tls: Boolean(tls) }, 'supervisor hub listening');

  return {
    url: `${ownOrigin}${stationPath}/`,
    laneUrl: `${tls ? 'wss' : 'ws'}://${address}${lanePath}`,
    port,
    hub,
    registry,
    async close() {
      clearInterval(heartbeat);
      for (const subscription of subscriptions) subscription.dispose();
      for (const ws of stations) ws.terminate();
      for (const lane of lanes.values()) lane.ws.terminate();
      laneSockets.close();
      stationSockets.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // As the lane server: a browser's idle keep-alive connection would otherwise hold close() open.
      server.closeAllConnections();
      await closed;
      hub.close();
      db.close();
      catalog.close();
    },
  };
}
