import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AssistantRef } from '../../../shared/checkout/sale';
import { supervisorLanePath, type HubToLane, type LaneAuditEntry, type LaneToHub, type SaleSummary } from '../../../shared/supervisor/protocol';
import type { LaneStatus } from '../../../shared/supervisor/laneStatus';
import type { RemoteAction } from '../../../shared/supervisor/remoteActions';
import { decodeLaneSecret, helloProofMatches, newNonce, signCommand } from '../../../main/supervisor/commandAuth';

type CommandResult = Extract<LaneToHub, { type: 'commandResult' }>;

export interface FakeHubOptions {
  readonly laneId: string;
  readonly laneSecret: string;
  /** Answer every hello with `refused` and this reason. */
  readonly refuse?: Extract<HubToLane, { type: 'refused' }>['reason'];
  /** Added to the hub's clock (a hub whose clock differs from the lane's). */
  readonly clockOffsetMs?: number;
  /** Listen on this port (a hub restarting where it was). */
  readonly port?: number;
  /** Serve wss:// with this certificate and key (PEM). */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
}

/**
 * A supervisor hub for tests: a real WebSocket server on 127.0.0.1 speaking the lane protocol
 * (challenge → hello → welcome or refused), signing commands with the lane's secret, and
 * keeping everything the lane sends.
 */
export class FakeHub {
  readonly key: Buffer;
  readonly hellos: Extract<LaneToHub, { type: 'hello' }>[] = [];
  readonly statuses: LaneStatus[] = [];
  readonly sales: SaleSummary[] = [];
  readonly audits: LaneAuditEntry[] = [];
  readonly results: CommandResult[] = [];
  /** Lanes welcomed, counting reconnects. */
  welcomes = 0;
  readonly #options: FakeHubOptions;
  readonly #server: WebSocketServer;
  readonly #https: Server | undefined;
  #lane: WebSocket | undefined;
  #closed = false;

  private constructor(options: FakeHubOptions, server: WebSocketServer, https: Server | undefined) {
    this.#options = options;
    this.#server = server;
    this.#https = https;
    this.key = decodeLaneSecret(options.laneSecret);
    server.on('connection', (socket) => this.#onConnection(socket));
  }

  static async start(options: FakeHubOptions): Promise<FakeHub> {
    if (options.tls) {
      const https = createServer({ cert: options.tls.cert, key: options.tls.key });
      await new Promise<void>((resolve, reject) => {
        https.once('error', reject);
        https.listen(options.port ?? 0, '127.0.0.1', resolve);
      });
      return new FakeHub(options, new WebSocketServer({ server: https, path: supervisorLanePath }), https);
    }
    const server = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0, path: supervisorLanePath });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return new FakeHub(options, server, undefined);
  }

  get port(): number {
    return ((this.#https ?? this.#server).address() as AddressInfo).port;
  }

  get url(): string {
    return `${this.#https ? 'wss' : 'ws'}://127.0.0.1:${this.port}${supervisorLanePath}`;
  }

  now(): number {
    return Date.now() + (this.#options.clockOffsetMs ?? 0);
  }

  #onConnection(socket: WebSocket): void {
    const nonce = newNonce();
    const send = (message: HubToLane) => socket.send(JSON.stringify(message));
    send({ type: 'challenge', nonce, hubTime: this.now() });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as LaneToHub;
      switch (message.type) {
        case 'hello':
          this.hellos.push(message);
          if (this.#options.refuse) {
            send({ type: 'refused', reason: this.#options.refuse });
            socket.close();
          } else if (message.laneId !== this.#options.laneId || !helloProofMatches(this.key, message.laneId, nonce, message.proof)) {
            send({ type: 'refused', reason: 'badProof' });
            socket.close();
          } else {
            this.#lane = socket;
            this.welcomes++;
            send({ type: 'welcome', laneId: message.laneId, hubTime: this.now() });
          }
          return;
        case 'status':
          this.statuses.push(message.status);
          return;
        case 'sale':
          this.sales.push(message.sale);
          return;
        case 'audit':
          this.audits.push(message.entry);
          return;
        case 'commandResult':
          this.results.push(message);
          return;
      }
    });
  }

  get latestStatus(): LaneStatus | undefined {
    return this.statuses.at(-1);
  }

  /** A command signed with the lane's key (or `key`), as the hub would send it. */
  sign(action: RemoteAction, by: AssistantRef, options: { laneId?: string; saleId?: string | null; key?: Buffer; at?: number; reason?: string } = {}): { id: string; frame: HubToLane & { type: 'command' } } {
    const signed = signCommand(options.key ?? this.key, { laneId: options.laneId ?? this.#options.laneId, by, action, saleId: options.saleId, reason: options.reason }, options.at ?? this.now());
    return { id: signed.body.id, frame: { type: 'command', payload: signed.payload, mac: signed.mac } };
  }

  /** Sends a frame to the connected lane. */
  send(frame: HubToLane): void {
    if (!this.#lane) throw new Error('no lane connected');
    this.#lane.send(JSON.stringify(frame));
  }

  /** Sends a command frame and waits for the lane's answer to it (the n-th answer carrying `id`). */
  async command(frame: HubToLane & { type: 'command' }, id: string): Promise<CommandResult> {
    const before = this.results.filter((result) => result.id === id).length;
    this.send(frame);
    return this.#waitFor(() => this.results.filter((result) => result.id === id)[before]);
  }

  async #waitFor<T>(found: () => T | undefined, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = found();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('the lane did not answer in time');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Stops listening and drops the lane, as a hub that crashed would (no close handshake). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const client of this.#server.clients) client.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    if (this.#https) {
      this.#https.closeAllConnections();
      await new Promise<void>((resolve) => this.#https!.close(() => resolve()));
    }
  }
}
