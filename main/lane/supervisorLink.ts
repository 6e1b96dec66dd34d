import WebSocket, { type RawData } from 'ws';
import { z } from 'zod';
import { Emitter, type Disposable } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { laneStatusOf, unreadableInputOf } from '../../shared/supervisor/laneStatus';
import { clockSkewToleranceMs, supervisorProtocolVersion, type CommandBody, type CommandRejection, type LaneToHub } from '../../shared/supervisor/protocol';
import { decodeLaneSecret, helloProof, verifyCommand, type SeenCommands } from '../supervisor/commandAuth';
import type { Journal } from './journal';
import type { LaneRuntime, RemoteCommandResult } from './runtime';
import type { StoreStatusSource } from './storeLink/storeLink';

/**
 * The lane's side of the supervisor station: one WebSocket to the hub, opened by the lane.
 *
 * The lane never waits for it. Statuses, closed sales and audit lines go out when the link is
 * up and are simply not sent when it is down: after every (re)connect the lane sends its
 * current status and resends its recent sales and audit lines, which the hub keeps once each.
 * Commands from the hub are authenticated here (commandAuth) before the runtime sees them.
 */

export type SupervisorLinkState = 'connecting' | 'online' | 'refused' | 'stopped';

export interface SupervisorLinkTiming {
  /** First reconnect delay, doubled after each failure up to `maxRetryMs` (each jittered so lanes do not stampede a restarted hub). */
  readonly firstRetryMs: number;
  readonly maxRetryMs: number;
  /** After the hub refused the lane: its credentials are wrong until store IT re-provisions them, so no hurry. */
  readonly refusedRetryMs: number;
  /** Connection trouble is logged once, then at most this often while it lasts. */
  readonly troubleLogIntervalMs: number;
  /** From opening the socket to the hub's welcome. */
  readonly handshakeTimeoutMs: number;
  /** A WebSocket ping this often; a hub that has not answered the previous one is taken as gone (a cable pulled sends no close). */
  readonly pingIntervalMs: number;
}

export const defaultSupervisorLinkTiming: SupervisorLinkTiming = {
  firstRetryMs: 500,
  maxRetryMs: 10_000,
  refusedRetryMs: 60_000,
  troubleLogIntervalMs: 60_000,
  handshakeTimeoutMs: 10_000,
  pingIntervalMs: 15_000,
};

/** Where the link keeps command ids it has accepted and what became of them (the lane's journal). */
export type SupervisorCommandStore = Pick<Journal, 'rememberCommand' | 'recordCommandOutcome'>;

export interface SupervisorLinkOptions {
  readonly runtime: LaneRuntime;
  readonly commands: SupervisorCommandStore;
  /** `ws://` or `wss://…/lane` (validated by the lane config). */
  readonly url: string;
  /** base64url, as provisioned by store IT; never logged. */
  readonly laneSecret: string;
  /** The store's CA certificate (PEM) for wss://. */
  readonly ca?: string | Buffer | undefined;
  readonly log: Logger;
  readonly timing?: Partial<SupervisorLinkTiming> | undefined;
  /** The lane's store link, whose status goes with the lane's (null: the lane has none). */
  readonly store?: StoreStatusSource | null | undefined;
  /** The lane clock a status is stamped with (epoch ms; tests move it). */
  readonly clock?: (() => number) | undefined;
}

/** Above this much unsent data a status waits: only the newest goes once the socket drains. */
export const maxBufferedStatusBytes = 256 * 1024;
/** Hub frames are small (a command is well under 2 KiB); anything bigger is not from a well-behaved hub. */
const maxHubFrameBytes = 64 * 1024;
/** How many closed sales and audit lines are resent after each reconnect. */
const resentSales = 200;
const resentAuditEntries = 500;

const hubMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('challenge'), nonce: z.string().min(16).max(256), hubTime: z.number() }),
  z.object({ type: z.literal('welcome'), laneId: z.string().max(64), hubTime: z.number() }),
  // Any reason is logged as it is: a newer hub may have reasons this lane does not know.
  z.object({ type: z.literal('refused'), reason: z.string().max(100) }),
  // Payload and MAC are checked by verifyCommand, which also refuses non-strings (as a bad MAC).
  z.object({ type: z.literal('command'), payload: z.unknown(), mac: z.unknown() }),
]);

/** The id a command claims, for the reply only (the hub matches replies to what it sent); read without parsing unverified JSON. */
function claimedCommandId(payload: unknown): string | undefined {
  return typeof payload === 'string' ? /"id":"([0-9a-f]{32})"/.exec(payload)?.[1] : undefined;
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function clamp(value: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, value));
}

export class SupervisorLink {
  readonly #runtime: LaneRuntime;
  readonly #commands: SupervisorCommandStore;
  readonly #url: string;
  readonly #key: Buffer;
  readonly #ca: string | Buffer | undefined;
  readonly #log: Logger;
  readonly #timing: SupervisorLinkTiming;
  readonly #laneId: string;
  readonly #store: StoreStatusSource | null | undefined;
  readonly #clock: () => number;
  readonly #onStateChange = new Emitter<SupervisorLinkState>();
  /** Each change of `state` (tests, diagnostics, the demo's status line). */
  readonly onStateChange = this.#onStateChange.event;
  readonly #subscriptions: Disposable[] = [];

  #state: SupervisorLinkState = 'stopped';
  #started = false;
  #stopped = false;
  #socket: WebSocket | undefined;
  #helloSent = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #handshakeTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #pongSeen = true;
  /** Failed attempts since the link was last up (the backoff's exponent). */
  #failures = 0;
  /** Hub clock minus lane clock at the last welcome, clamped: commands are checked against the hub's idea of now. */
  #hubClockOffsetMs = 0;
  #statusPending = false;
  /** Sends the status again when a device's unreadable input stops being a problem: nothing at the lane changes then. */
  #expiryTimer: NodeJS.Timeout | undefined;
  #troubleLoggedAt: number | undefined;
  #troubleSuppressed = 0;
  #lastError: string | undefined;
  #refusedReason: string | undefined;
  #everOnline = false;

  constructor(options: SupervisorLinkOptions) {
    this.#runtime = options.runtime;
    this.#commands = options.commands;
    this.#url = options.url;
    this.#key = decodeLaneSecret(options.laneSecret);
    this.#ca = options.ca;
    this.#log = options.log.child({ link: 'supervisor' });
    this.#timing = { ...defaultSupervisorLinkTiming, ...options.timing };
    this.#laneId = options.runtime.lane.laneId;
    this.#store = options.store;
    this.#clock = options.clock ?? Date.now;
  }

  get state(): SupervisorLinkState {
    return this.#state;
  }

  /** Connects (in the background) and keeps reconnecting until `stop`. The runtime must be started. */
  start(): void {
    if (this.#started) throw new Error('a supervisor link is started once');
    this.#started = true;
    this.#subscriptions.push(
      this.#runtime.onView(() => this.#sendStatus()),
      this.#runtime.onSaleClosed((sale) => this.#sendIfOnline({ type: 'sale', sale })),
      this.#runtime.onAuditEntry((entry) => this.#sendIfOnline({ type: 'audit', entry })),
    );
    // The store link throttles its own changes (the last sync time at most every few seconds).
    if (this.#store) this.#subscriptions.push(this.#store.onStatusChange(() => this.#sendStatus()));
    this.#connect();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#setState('stopped');
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#expiryTimer);
    this.#clearConnectionTimers();
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => socket.terminate(), 1000);
        socket.once('close', () => {
          clearTimeout(force);
          resolve();
        });
        // A socket still connecting cannot be closed politely.
        if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
        else socket.close(1001, 'lane stopping');
      });
    }
    this.#onStateChange.dispose();
  }

  #setState(state: SupervisorLinkState): void {
    if (this.#state === state) return;
    this.#state = state;
    try {
      this.#onStateChange.fire(state);
    } catch (error) {
      this.#log.error({ error: String(error) }, 'a supervisor link state listener failed');
    }
  }

  #connect(): void {
    if (this.#stopped) return;
    if (this.#state !== 'refused') this.#setState('connecting');
    this.#helloSent = false;
    this.#pongSeen = true;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.#url, { ca: this.#ca, maxPayload: maxHubFrameBytes, handshakeTimeout: this.#timing.handshakeTimeoutMs });
    } catch (error) {
      this.#lastError = String(error);
      this.#reportTrouble('supervisor hub cannot be reached; the lane keeps selling and retries', {});
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    this.#handshakeTimer = setTimeout(() => {
      this.#lastError = 'no welcome from the hub in time';
      socket.terminate();
    }, this.#timing.handshakeTimeoutMs);
    socket.on('open', () => this.#startPinging(socket));
    socket.on('message', (data, isBinary) => this.#onFrame(socket, data, isBinary));
    socket.on('pong', () => (this.#pongSeen = true));
    socket.on('error', (error) => (this.#lastError = error.message));
    socket.on('close', (code) => this.#onClose(socket, code));
  }

  #startPinging(socket: WebSocket): void {
    this.#pingTimer = setInterval(() => {
      if (!this.#pongSeen) {
        this.#lastError = 'the hub stopped answering pings';
        socket.terminate();
        return;
      }
      this.#pongSeen = false;
      socket.ping();
    }, this.#timing.pingIntervalMs);
    this.#pingTimer.unref?.();
  }

  #clearConnectionTimers(): void {
    clearTimeout(this.#handshakeTimer);
    clearInterval(this.#pingTimer);
    this.#handshakeTimer = undefined;
    this.#pingTimer = undefined;
  }

  #onClose(socket: WebSocket, code: number): void {
    if (socket !== this.#socket) return;
    this.#socket = undefined;
    this.#clearConnectionTimers();
    this.#statusPending = false;
    if (this.#stopped) return;
    if (this.#state === 'online') {
      this.#reportTrouble('supervisor hub link lost; the lane keeps selling and reconnects', { code });
    } else if (this.#state !== 'refused') {
      this.#reportTrouble('supervisor hub cannot be reached; the lane keeps selling and retries', { code });
    }
    if (this.#state === 'online') this.#setState('connecting');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    clearTimeout(this.#retryTimer);
    let delay: number;
    if (this.#state === 'refused') {
      delay = this.#timing.refusedRetryMs;
    } else {
      const base = Math.min(this.#timing.maxRetryMs, this.#timing.firstRetryMs * 2 ** Math.min(this.#failures, 30));
      // ±20 %: lanes that lost a restarted hub together do not all come back in the same instant.
      delay = Math.round(base * (0.8 + Math.random() * 0.4));
      this.#failures++;
    }
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
    this.#retryTimer.unref?.();
  }

  /** Logged once, then at most once per `troubleLogIntervalMs` while the trouble lasts (a hub down all night is one line a minute). */
  #reportTrouble(message: string, fields: Record<string, unknown>): void {
    const now = Date.now();
    if (this.#troubleLoggedAt !== undefined && now - this.#troubleLoggedAt < this.#timing.troubleLogIntervalMs) {
      this.#troubleSuppressed++;
      return;
    }
    this.#log.warn({ ...fields, url: this.#url, error: this.#lastError, failures: this.#failures, suppressed: this.#troubleSuppressed || undefined }, message);
    this.#troubleLoggedAt = now;
    this.#troubleSuppressed = 0;
  }

  /** Whatever the hub sends, this never throws: a throw here would surface in the socket's event handler. */
  #onFrame(socket: WebSocket, data: RawData, isBinary: boolean): void {
    if (socket !== this.#socket) return;
    try {
      if (isBinary) {
        this.#log.warn({}, 'binary frame from the supervisor hub ignored');
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(textOf(data));
      } catch {
        this.#log.warn({}, 'unreadable frame from the supervisor hub ignored');
        return;
      }
      const parsed = hubMessageSchema.safeParse(json);
      if (!parsed.success) {
        // Never turn the hub's value into text: an object with its own toString would throw here.
        const type = (json as { type?: unknown } | null)?.type;
        this.#log.warn({ type: typeof type === 'string' ? type.slice(0, 40) : typeof type }, 'unexpected message from the supervisor hub ignored');
        return;
      }
      const message = parsed.data;
      switch (message.type) {
        case 'challenge':
          if (this.#state === 'online') return;
          this.#helloSent = true;
          this.#send(socket, { type: 'hello', laneId: this.#laneId, proof: helloProof(this.#key, this.#laneId, message.nonce), protocol: supervisorProtocolVersion });
          return;
        case 'welcome':
          if (!this.#helloSent || this.#state === 'online') return;
          if (message.laneId !== this.#laneId) {
            this.#lastError = `the hub welcomed lane ${message.laneId.slice(0, 16)}`;
            socket.terminate();
            return;
          }
          this.#goOnline(socket, message.hubTime);
          return;
        case 'refused':
          this.#onRefused(socket, message.reason);
          return;
        case 'command':
          if (this.#state !== 'online') {
            this.#log.warn({}, 'command from the supervisor hub before its welcome ignored');
            return;
          }
          this.#onCommand(socket, message.payload, message.mac);
          return;
      }
    } catch (error) {
      this.#log.error({ error: String(error) }, 'supervisor hub message could not be handled');
    }
  }

  #goOnline(socket: WebSocket, hubTime: number): void {
    clearTimeout(this.#handshakeTimer);
    // Within the tolerance commands are checked against anyway; a hub further off is a clock to fix, not to follow.
    this.#hubClockOffsetMs = Number.isFinite(hubTime) ? clamp(hubTime - Date.now(), clockSkewToleranceMs) : 0;
    const wasTroubled = this.#troubleLoggedAt !== undefined;
    this.#failures = 0;
    this.#refusedReason = undefined;
    this.#lastError = undefined;
    this.#troubleSuppressed = 0;
    this.#setState('online');
    if (!this.#everOnline || wasTroubled) this.#log.info({ url: this.#url, hubClockOffsetMs: this.#hubClockOffsetMs }, 'supervisor hub link up');
    this.#everOnline = true;
    this.#troubleLoggedAt = undefined;
    this.#sendStatus();
    // The hub keeps each sale and audit line once: resending what it may already have is how nothing is lost while it was away.
    try {
      for (const sale of this.#runtime.recentSales(resentSales)) this.#send(socket, { type: 'sale', sale });
      for (const entry of this.#runtime.recentAuditEntries(resentAuditEntries)) this.#send(socket, { type: 'audit', entry });
    } catch (error) {
      this.#log.error({ error: String(error) }, 'recent sales and audit lines could not be read for the supervisor hub');
    }
  }

  #onRefused(socket: WebSocket, reason: string): void {
    // Not flooding: the lane asks again only every `refusedRetryMs`.
    this.#log.error(
      { reason, laneId: this.#laneId, url: this.#url },
      'the supervisor hub refused this lane: store IT must re-provision its credentials (lanewise supervisor add-lane); the lane keeps selling',
    );
    if (reason !== this.#refusedReason) this.#runtime.recordSecurityEvent({ kind: 'laneRefusedByHub', reason });
    this.#refusedReason = reason;
    this.#setState('refused');
    socket.close(1000, 'refused');
  }

  #onCommand(socket: WebSocket, payload: unknown, mac: unknown): void {
    const now = Date.now() + this.#hubClockOffsetMs;
    const seen: SeenCommands = { remember: (id, expiresAt) => this.#commands.rememberCommand(id, expiresAt, now) };
    let verified: ReturnType<typeof verifyCommand>;
    try {
      verified = verifyCommand(this.#key, { payload: payload as string, mac: mac as string }, { laneId: this.#laneId, now, seen });
    } catch (error) {
      // The nonce store could not be written: without it a replay could not be caught, so the command is not carried out.
      this.#log.error({ error: String(error) }, 'command from the supervisor hub could not be checked');
      this.#send(socket, { type: 'commandResult', id: claimedCommandId(payload) ?? '', outcome: 'notNow', reason: 'laneError', at: Date.now() });
      return;
    }
    if (!verified.ok) {
      this.#reject(socket, verified.rejection, verified.id ?? claimedCommandId(payload), verified.body);
      return;
    }
    const body = verified.body;
    let result: RemoteCommandResult;
    try {
      result = this.#runtime.remoteCommand(body);
    } catch (error) {
      this.#log.error({ error: String(error), commandId: body.id, action: body.action.kind }, 'command from the supervisor hub failed at the lane');
      result = { outcome: 'notNow', reason: 'laneError' };
    }
    this.#recordOutcome(body, result);
    if (result.outcome === 'rejected') {
      this.#reject(socket, result.reason as CommandRejection, body.id, body);
      return;
    }
    this.#log.info({ commandId: body.id, action: body.action.kind, assistantId: body.by.id, outcome: result.outcome, reason: result.reason }, 'command from the supervisor station');
    this.#send(socket, { type: 'commandResult', id: body.id, outcome: result.outcome, reason: result.reason, at: Date.now() });
  }

  /** Logged (never the MAC or the payload), journaled as a security event (which the audit feed sends to the hub) and answered. */
  #reject(socket: WebSocket, rejection: CommandRejection, id: string | undefined, body: CommandBody | undefined): void {
    this.#log.warn({ rejection, commandId: id, action: body?.action.kind, assistantId: body?.by.id }, 'command from the supervisor hub rejected');
    this.#runtime.recordSecurityEvent({ kind: 'commandRejected', rejection, commandId: id, by: body?.by ?? null, action: body?.action.kind, saleId: body?.saleId ?? null });
    this.#send(socket, { type: 'commandResult', id: id ?? '', outcome: 'rejected', reason: rejection, at: Date.now() });
  }

  #recordOutcome(body: CommandBody, result: RemoteCommandResult): void {
    try {
      this.#commands.recordCommandOutcome(body.id, { byId: body.by.id, action: body.action.kind, outcome: result.outcome, reason: result.reason });
    } catch (error) {
      this.#log.error({ error: String(error), commandId: body.id }, 'command outcome could not be journaled');
    }
  }

  /**
   * The newest status, unless the socket is backed up: then a flag, and the newest status
   * (built fresh) once it drains — never a queue of stale ones.
   */
  #sendStatus(): void {
    const socket = this.#socket;
    if (this.#state !== 'online' || !socket) return;
    if (socket.bufferedAmount > maxBufferedStatusBytes) {
      this.#statusPending = true;
      return;
    }
    this.#statusPending = false;
    try {
      const store = this.#store === undefined ? {} : { store: this.#store?.status() ?? null };
      const view = this.#runtime.view;
      const sentAt = this.#clock();
      const status = laneStatusOf(view, { sentAt, stateSince: this.#runtime.stateSince, recentEvents: this.#runtime.recentEvents, ...store });
      this.#send(socket, { type: 'status', status });
      clearTimeout(this.#expiryTimer);
      this.#expiryTimer = undefined;
      const { nextChangeAt } = unreadableInputOf(view.context, sentAt);
      if (nextChangeAt !== undefined) {
        this.#expiryTimer = setTimeout(() => this.#sendStatus(), nextChangeAt - sentAt + 1);
        this.#expiryTimer.unref?.();
      }
    } catch (error) {
      this.#log.error({ error: String(error) }, 'lane status could not be sent to the supervisor hub');
    }
  }

  #sendIfOnline(message: LaneToHub): void {
    if (this.#state === 'online' && this.#socket) this.#send(this.#socket, message);
  }

  #send(socket: WebSocket, message: LaneToHub): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    // Each write's completion is the moment to see whether a held-back status can go.
    socket.send(JSON.stringify(message), (error) => {
      if (error || socket !== this.#socket) return;
      if (this.#statusPending && socket.bufferedAmount <= maxBufferedStatusBytes) this.#sendStatus();
    });
  }
}
