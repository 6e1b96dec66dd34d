import WebSocket from 'ws';
import { createServiceClient, type BridgeConnection } from '../../shared/bridge/rpc';
import { Emitter } from '../../shared/event';
import { stationEvents, type QueuedIntervention, type StationCommandResult, type SupervisorService } from '../../shared/supervisor/stationService';
import type { FromStation, SoakStationConfig, StationCounts, ToStation } from './soakProtocol';

/**
 * The supervisor station for the soak, in its own process (`fork` with `--import tsx`), as the
 * station page is in its own browser: it connects to the hub's station bridge, signs in, and
 * takes every lane tile, queue change and timeline entry the hub pushes for the whole run. It
 * answers interventions as an assistant at the desk would: an age check is approved, a call for
 * help gets "an assistant is coming". It reports its counts to the harness over IPC.
 */

const config = JSON.parse(process.argv[2] ?? '{}') as SoakStationConfig;
if (!config.stationUrl) throw new Error('soakStation: the configuration (JSON) is its one argument');

const counts = {
  connected: false,
  signedIn: false,
  connects: 0,
  signIns: 0,
  tiles: 0,
  queueUpdates: 0,
  timelineEntries: 0,
  ageApprovals: {} as Record<string, number>,
  helpMessages: {} as Record<string, number>,
  otherInterventions: {} as Record<string, number>,
  answerMs: [] as number[],
  errors: [] as string[],
};

function report(message: FromStation): void {
  if (process.connected) process.send?.(message);
}

function snapshot(): StationCounts {
  // Taken and emptied: the harness adds them up, so they do not pile up here.
  const answerMs = counts.answerMs.splice(0);
  const errors = counts.errors.splice(0);
  return { ...counts, ageApprovals: { ...counts.ageApprovals }, helpMessages: { ...counts.helpMessages }, otherInterventions: { ...counts.otherInterventions }, answerMs, errors };
}

const failed = (error: unknown) => {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  report({ kind: 'failed', error: text });
  process.exit(70);
};
process.on('uncaughtException', failed);
process.on('unhandledRejection', failed);

const url = new URL(config.stationUrl);
const bridgeUrl = `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}/station/bridge`;

let socket: WebSocket | undefined;
let service: SupervisorService | undefined;
let stopping = false;
let firstReady = true;
/** Interventions with a command on its way (by queue id and sale), so each is answered once. */
const answering = new Set<string>();
let latestQueue: readonly QueuedIntervention[] = [];
let retryTimer: NodeJS.Timeout | undefined;

const keyOf = (item: QueuedIntervention) => `${item.id}/${item.saleId ?? ''}`;
const tally = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);

async function answer(item: QueuedIntervention): Promise<void> {
  const key = keyOf(item);
  if (answering.has(key) || !service) return;
  let result: StationCommandResult;
  answering.add(key);
  try {
    if (item.kind === 'ageCheck') {
      result = await service.sendCommand({ laneId: item.laneId, action: { kind: 'approveAge' }, saleId: item.saleId ?? null, reason: 'ID checked' });
      tally(counts.ageApprovals, result.outcome);
    } else {
      result = await service.sendCommand({ laneId: item.laneId, action: { kind: 'sendMessage', message: 'assistantComing' } });
      tally(counts.helpMessages, result.outcome);
    }
  } catch (error) {
    counts.errors.push(`${item.kind} on ${item.laneId}: ${String(error)}`);
    result = { outcome: 'offline' };
  }
  if (result.outcome === 'done') {
    counts.answerMs.push(Date.now() - item.raisedAt);
    // Still queued until the lane's next status (a help call: until the shopper has read the message): not answered twice.
    return;
  }
  // Not now (the lane was between states): look again shortly, if it is still waiting.
  answering.delete(key);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => handleQueue(latestQueue), 250);
}

function handleQueue(queue: readonly QueuedIntervention[]): void {
  latestQueue = queue;
  const open = new Set(queue.map(keyOf));
  // Answered interventions that left the queue are forgotten: the set stays as small as the queue.
  for (const key of answering) if (!open.has(key)) answering.delete(key);
  for (const item of queue) {
    if (item.kind === 'ageCheck' || item.kind === 'help') void answer(item);
    else if (!answering.has(keyOf(item))) {
      answering.add(keyOf(item));
      tally(counts.otherInterventions, item.kind);
    }
  }
}

async function signIn(): Promise<void> {
  const result = await service!.signIn({ assistantId: config.assistantId, pin: config.pin });
  if (!result.ok) throw new Error(`the station could not sign in: ${result.problem}`);
  counts.signedIn = true;
  counts.signIns++;
}

function connect(): void {
  if (stopping) return;
  const ws = new WebSocket(bridgeUrl, { origin: url.origin });
  socket = ws;
  const messages = new Emitter<string>();
  const closes = new Emitter<void>();
  const connection: BridgeConnection = { send: (message) => ws.send(message), onMessage: messages.event, onClose: closes.event };
  const client = createServiceClient<SupervisorService>(connection);
  ws.on('message', (data) => messages.fire(String(data)));
  ws.on('error', (error) => counts.errors.push(`station socket: ${error.message}`));
  ws.on('close', () => {
    closes.fire();
    client.dispose();
    counts.connected = false;
    counts.signedIn = false;
    service = undefined;
    if (!stopping) setTimeout(connect, 500);
  });
  client.onEvent(({ name, payload }) => {
    if (name === stationEvents.lane) counts.tiles++;
    else if (name === stationEvents.timeline) counts.timelineEntries++;
    else if (name === stationEvents.queue) {
      counts.queueUpdates++;
      handleQueue(payload as readonly QueuedIntervention[]);
    } else if (name === stationEvents.session && payload === null) {
      // Signed out after inactivity: sign in again, as the assistant at the desk would.
      counts.signedIn = false;
      if (service) signIn().catch((error: unknown) => counts.errors.push(String(error)));
    }
  });
  ws.on('open', () => {
    counts.connected = true;
    counts.connects++;
    service = client.service;
    void (async () => {
      await signIn();
      const overview = await client.service.getOverview({});
      counts.tiles += overview.lanes.length;
      handleQueue(overview.queue);
      if (firstReady) report({ kind: 'ready', pid: process.pid });
      firstReady = false;
    })().catch((error: unknown) => counts.errors.push(`station start: ${String(error)}`));
  });
}

process.on('message', (message: ToStation) => {
  if (message.kind === 'report') report({ kind: 'counts', counts: snapshot() });
  else if (message.kind === 'stop') {
    stopping = true;
    clearTimeout(retryTimer);
    report({ kind: 'counts', counts: snapshot() });
    socket?.close();
    setTimeout(() => process.exit(0), 100);
  }
});
process.on('disconnect', () => process.exit(0));
connect();
