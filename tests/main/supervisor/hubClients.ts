import WebSocket from 'ws';
import { decodeLaneSecret, helloProof, verifyCommand, type SeenCommands } from '../../../main/supervisor/commandAuth';
import { createServiceClient, type BridgeConnection } from '../../../shared/bridge/rpc';
import { Emitter } from '../../../shared/event';
import { supervisorProtocolVersion, type CommandBody, type HubToLane, type LaneToHub } from '../../../shared/supervisor/protocol';
import type { SupervisorService } from '../../../shared/supervisor/stationService';

type Answer = { outcome: 'done' | 'notNow' | 'rejected'; reason?: string };

/**
 * A lane as the hub sees it: a real WebSocket client speaking the protocol. It proves `secret`
 * (which may be wrong, on purpose), verifies each command as a real lane does and answers it.
 */
export class FakeLane {
  readonly messages: HubToLane[] = [];
  readonly commands: CommandBody[] = [];
  readonly rejections: string[] = [];
  answer: (body: CommandBody) => Answer | undefined = () => ({ outcome: 'done' });
  readonly #seen = new Set<string>();
  readonly #onMessage = new Emitter<HubToLane>();

  private constructor(
    readonly ws: WebSocket,
    readonly laneId: string,
    secret: string,
  ) {
    const key = decodeLaneSecret(secret);
    // A hub closing the socket on purpose is what several tests are about.
    ws.on('error', () => undefined);
    const seen: SeenCommands = { remember: (id) => (this.#seen.has(id) ? false : (this.#seen.add(id), true)) };
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as HubToLane;
      this.messages.push(message);
      if (message.type === 'challenge') {
        this.send({ type: 'hello', laneId, proof: helloProof(key, laneId, message.nonce), protocol: supervisorProtocolVersion });
      } else if (message.type === 'command') {
        const verified = verifyCommand(key, message, { laneId, now: Date.now(), seen });
        if (!verified.ok) {
          this.rejections.push(verified.rejection);
          if (verified.id) this.send({ type: 'commandResult', id: verified.id, outcome: 'rejected', reason: verified.rejection, at: Date.now() });
        } else {
          this.commands.push(verified.body);
          const answer = this.answer(verified.body);
          if (answer) this.send({ type: 'commandResult', id: verified.body.id, ...answer, at: Date.now() });
        }
      }
      this.#onMessage.fire(message);
    });
  }

  /** Resolves once the hub has answered the hello with `welcome` or `refused`. */
  static connect(laneUrl: string, laneId: string, secret: string, options: WebSocket.ClientOptions = {}): Promise<{ lane: FakeLane; answer: HubToLane }> {
    const ws = new WebSocket(laneUrl, options);
    const lane = new FakeLane(ws, laneId, secret);
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      const subscription = lane.#onMessage.event((message) => {
        if (message.type !== 'welcome' && message.type !== 'refused') return;
        subscription.dispose();
        resolve({ lane, answer: message });
      });
    });
  }

  send(message: LaneToHub | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  closed(): Promise<number> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
    return new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
  }

  close(): void {
    this.ws.terminate();
  }
}

/** A station page's connection: the typed service over a real WebSocket, and the events pushed to it. */
export interface StationClient {
  readonly service: SupervisorService;
  readonly events: { name: string; payload: unknown }[];
  readonly ws: WebSocket;
  /** Sends a raw call (for arguments the typed service would not allow). */
  call(method: string, args: unknown): Promise<unknown>;
  close(): void;
}

export async function connectStation(bridgeUrl: string, options: WebSocket.ClientOptions = {}): Promise<StationClient> {
  const ws = new WebSocket(bridgeUrl, options);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const messages = new Emitter<string>();
  const closes = new Emitter<void>();
  ws.on('message', (data) => messages.fire(String(data)));
  ws.on('close', () => closes.fire());
  const connection: BridgeConnection = { send: (message) => ws.send(message), onMessage: messages.event, onClose: closes.event };
  const client = createServiceClient<SupervisorService>(connection);
  const events: { name: string; payload: unknown }[] = [];
  client.onEvent((event) => events.push(event));
  return {
    service: client.service,
    events,
    ws,
    call: (method, args) => (client.service as unknown as Record<string, (args: unknown) => Promise<unknown>>)[method]!(args),
    close: () => ws.terminate(),
  };
}

/** The HTTP status a refused WebSocket upgrade gets. */
export function refusedUpgrade(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  const ws = new WebSocket(url, options);
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('connection was accepted'));
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => undefined);
  });
}
