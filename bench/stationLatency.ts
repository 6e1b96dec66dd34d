import WebSocket from 'ws';
import { epochNow } from '../devices/timedFrames';
import { decodeLaneSecret, helloProof } from '../main/supervisor/commandAuth';
import type { LaneStatus } from '../shared/supervisor/laneStatus';
import { supervisorProtocolVersion, type HubToLane } from '../shared/supervisor/protocol';
import type { LaneTile } from '../shared/supervisor/stationService';
import { summarize, type Summary } from './stats';

/**
 * Lane event → station tile: simulated lanes (real WebSocket clients speaking the lane
 * protocol, authenticated with provisioned secrets) each send `eventsPerSecond` statuses to
 * a hub running in its own process; a station client on the hub's bridge timestamps every
 * tile it receives. Latency = received − the status's `sentAt` (one clock: same machine).
 */
export interface StationLatencyOptions {
  readonly laneUrl: string;
  /** The station page's URL; its bridge is at /station/bridge on the same origin. */
  readonly stationUrl: string;
  readonly lanes: readonly { readonly laneId: string; readonly secret: string }[];
  readonly eventsPerSecond: number;
  readonly seconds: number;
}

function statusFor(laneId: string, version: number, items: number): LaneStatus {
  const now = epochNow();
  return {
    laneId,
    storeName: 'Bench Store',
    version,
    sentAt: now,
    state: items % 7 === 6 ? 'scanning.baggingMismatch' : 'scanning.ready',
    stateSince: now,
    light: items % 7 === 6 ? 'intervention' : 'open',
    currency: 'EUR',
    language: 'en',
    sale: {
      id: `${laneId}-bench-${Math.floor(version / 20)}`,
      number: Math.floor(version / 20),
      startedAt: now - 60_000,
      itemCount: items,
      totalMinor: items * 199,
      lines: Array.from({ length: items }, (_, index) => ({ lineId: index + 1, name: { en: `Item ${index + 1}` }, quantity: 1, priceMinor: 199 })),
      ageRequired: 0,
    },
    assistantAtLane: null,
    interventions: items % 7 === 6 ? [{ kind: 'weightMismatch', detail: 'unexpectedItem' }] : [],
    devices: { scanner: { kind: 'ready', warnings: [] }, printer: { kind: 'ready', warnings: [] } },
    help: null,
    message: null,
    recentEvents: ['12:00:00 scanner.scanned (item)'],
  };
}

function connectLane(laneUrl: string, laneId: string, secret: string): Promise<WebSocket> {
  const key = decodeLaneSecret(secret);
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(laneUrl);
    socket.on('error', reject);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as HubToLane;
      if (message.type === 'challenge') socket.send(JSON.stringify({ type: 'hello', laneId, proof: helloProof(key, laneId, message.nonce), protocol: supervisorProtocolVersion }));
      else if (message.type === 'welcome') resolve(socket);
      else if (message.type === 'refused') reject(new Error(`hub refused ${laneId}: ${message.reason}`));
    });
  });
}

function connectStation(stationUrl: string, onTile: (tile: LaneTile, receivedAt: number) => void): Promise<WebSocket> {
  const url = new URL(stationUrl);
  const bridge = `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}/station/bridge`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(bridge, { origin: url.origin });
    socket.on('error', reject);
    socket.on('open', () => resolve(socket));
    socket.on('message', (data) => {
      const receivedAt = epochNow();
      const message = JSON.parse(String(data)) as { kind: string; name?: string; payload?: unknown };
      if (message.kind === 'event' && message.name === 'lane') onTile(message.payload as LaneTile, receivedAt);
    });
  });
}

export async function benchStationLatency(options: StationLatencyOptions): Promise<{ lanes: number; eventsPerSecond: number; statusesSent: number; tilesReceived: number; latencyMs: Summary }> {
  const latencies: number[] = [];
  const sentVersions = new Map<string, number>();
  const station = await connectStation(options.stationUrl, (tile, receivedAt) => {
    const status = tile.status;
    if (!status || !sentVersions.has(status.laneId)) return;
    latencies.push(receivedAt - status.sentAt);
  });
  const sockets = await Promise.all(options.lanes.map((lane) => connectLane(options.laneUrl, lane.laneId, lane.secret)));
  // Let connection-time tiles pass before measuring.
  await new Promise((resolve) => setTimeout(resolve, 300));
  let sent = 0;
  const periodMs = 1000 / options.eventsPerSecond;
  const timers = sockets.map((socket, index) => {
    const lane = options.lanes[index]!;
    let version = 1;
    // Lanes start out of phase, as real ones would.
    const start = setTimeout(() => {
      interval = setInterval(() => {
        version++;
        sentVersions.set(lane.laneId, version);
        socket.send(JSON.stringify({ type: 'status', status: statusFor(lane.laneId, version, 1 + (version % 25)) }));
        sent++;
      }, periodMs);
    }, Math.random() * periodMs);
    let interval: ReturnType<typeof setInterval> | undefined;
    return () => {
      clearTimeout(start);
      clearInterval(interval);
    };
  });
  await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
  for (const stop of timers) stop();
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const socket of sockets) socket.close();
  station.close();
  return { lanes: options.lanes.length, eventsPerSecond: options.eventsPerSecond, statusesSent: sent, tilesReceived: latencies.length, latencyMs: summarize(latencies) };
}
