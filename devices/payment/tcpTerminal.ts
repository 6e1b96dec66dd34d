import { createConnection, type Socket } from 'node:net';
import { fireSafely, sameDeviceStatus } from '../deviceEvents';
import { LogLimiter } from '../logLimiter';
import type { DeviceStatus } from '../../shared/devices';
import { Emitter, type Event } from '../../shared/event';
import { silentLogger, type Logger } from '../../shared/log';
import {
  PaymentReferenceConflictError,
  validatePaymentRequest,
  validateReference,
  type CancelledBy,
  type PaymentOutcome,
  type PaymentPromptChange,
  type PaymentRequest,
  type PaymentTerminal,
  type TerminalOutcome,
} from './adapter';
import { decodeTerminalMessage, encodeMessage, LineDecoder, MAX_LINE_LENGTH, PROTOCOL_VERSION, type LaneMessage, type ProtocolError, type TerminalErrorCode, type TerminalMessage } from './protocol';

export interface TcpPaymentTerminalOptions {
  readonly host: string;
  readonly port: number;
  /** Announced in the hello, for the terminal's log. */
  readonly lane?: string;
  readonly logger?: Logger;
  /**
   * How long one authorisation may take in all, from `authorize()` to an outcome. Card
   * schemes allow the shopper about a minute at the terminal (card, PIN, app confirmation)
   * and the acquirer another 30–60 s; 120 s covers both with the line dropping once.
   */
  readonly authorizeTimeoutMs?: number;
  /**
   * How long `authorize()` waits for a connection before answering `unavailable`, as long
   * as the request has not left the lane. Past this the shopper is better served by
   * "terminal unavailable" than by a frozen screen.
   */
  readonly connectTimeoutMs?: number;
  /** Budget of the last `status` question asked before giving up with `timedOut`. */
  readonly statusTimeoutMs?: number;
  /** How long `cancel()` waits for the final outcome; a card in `processing` may take the acquirer's full response time. */
  readonly cancelTimeoutMs?: number;
  /** A peer that accepts the connection but never says hello (wrong port, hung terminal) is dropped after this. */
  readonly helloTimeoutMs?: number;
  /**
   * A ping this often once the terminal has said hello, so that a terminal that stopped
   * answering is noticed while nobody is paying. Default 1 s.
   */
  readonly pingIntervalMs?: number;
  /**
   * Nothing at all from the terminal for this long (no pong, no message, not even a stray
   * byte) means the line is dead: a frozen terminal or a half-open TCP connection sends no FIN.
   * It is dropped and reconnected, and the status is `lost` meanwhile. Default: twice the
   * ping interval (2 s), so one pong that comes late on a loaded lane is not a lost terminal.
   */
  readonly silenceTimeoutMs?: number;
  /**
   * Reconnect backoff: doubles from the initial delay after each failed attempt, up to the
   * maximum. A terminal that comes back is found within the maximum (default 1 s).
   */
  readonly initialReconnectDelayMs?: number;
  readonly maxReconnectDelayMs?: number;
}

/** A line from the terminal that was skipped: not JSON, not a message this lane knows, or too long. */
export interface TerminalGarbage {
  readonly reason: ProtocolError['kind'];
  /** Characters of the skipped line (the limit, for an overlong one). */
  readonly byteCount: number;
}

const defaults = {
  authorizeTimeoutMs: 120_000,
  connectTimeoutMs: 10_000,
  statusTimeoutMs: 5_000,
  cancelTimeoutMs: 60_000,
  helloTimeoutMs: 5_000,
  pingIntervalMs: 1_000,
  silenceTimeoutMs: 2_000,
  initialReconnectDelayMs: 250,
  maxReconnectDelayMs: 1_000,
} as const;

/** While garbage keeps coming, the open exchanges' status is asked at most this often. */
const garbageStatusIntervalMs = 250;

type Timings = { -readonly [K in keyof typeof defaults]: number };

/** How an exchange ended, before each caller turns it into the outcome it returns. */
type Settlement =
  | { readonly kind: 'outcome'; readonly outcome: TerminalOutcome }
  | { readonly kind: 'refused'; readonly code: TerminalErrorCode; readonly message: string }
  | { readonly kind: 'stopped' };

/**
 * Everything this lane is waiting for about one reference. `authorize()` and `cancel()` for
 * the same reference share it, so a cancel's answer also ends the authorisation and the
 * lane never sends a fresh `authorize` for a reference it has asked to cancel.
 */
class Exchange {
  /** Set while an `authorize()` wants the transaction; (re)sent on every new connection. */
  request: PaymentRequest | undefined;
  /** Set once `cancel()` was called: from then on only `cancel` is (re)sent. */
  cancelBy: Exclude<CancelledBy, 'terminal'> | undefined;
  /** Number of the connection each message went out on, so a reconnect sends it again. */
  authorizeSentOn = 0;
  cancelSentOn = 0;
  /** The request has been written at least once: from then on the terminal may have it and may charge it. */
  authorizeEverSent = false;
  waiters = 0;
  settlement: Settlement | undefined;
  readonly settled: Promise<Settlement>;
  /** `pending` or `unknown` about this reference arrived (answers to `status`, prompt updates). */
  readonly onReply = new Emitter<'pending' | 'unknown'>();
  readonly #resolve: (settlement: Settlement) => void;

  constructor(readonly reference: string) {
    let resolve!: (settlement: Settlement) => void;
    this.settled = new Promise((r) => (resolve = r));
    this.#resolve = resolve;
  }

  settle(settlement: Settlement): void {
    if (this.settlement) return;
    this.settlement = settlement;
    this.#resolve(settlement);
  }
}

/**
 * The lane side of the Lanewise terminal protocol (protocol.ts) over TCP: a
 * `PaymentTerminal` for the simulator, or for a bridge that speaks this protocol in front
 * of a real terminal.
 *
 * Keeps one connection, reconnecting with backoff; status is `lost` while the terminal is
 * unreachable, and a terminal that goes silent (pinged every second) is dropped after two
 * seconds. A garbled line is skipped and reported (`onGarbage`), and every open exchange is
 * asked its status, since the skipped line may have been its outcome. Because the terminal
 * is idempotent by reference, every unfinished request is simply sent again on each new
 * connection: re-sending `authorize` re-attaches to the transaction or returns its final
 * outcome, and starts it only if it never arrived.
 */
export class TcpPaymentTerminal implements PaymentTerminal {
  readonly #host: string;
  readonly #port: number;
  readonly #lane: string | undefined;
  readonly #logger: Logger;
  readonly #timings: Timings;
  readonly #onStatus = new Emitter<DeviceStatus>();
  readonly #onPrompt = new Emitter<PaymentPromptChange>();
  readonly #onReady = new Emitter<void>();
  readonly #onGarbage = new Emitter<TerminalGarbage>();
  readonly #exchanges = new Map<string, Exchange>();
  readonly #garbageLog: LogLimiter;
  readonly onStatus: Event<DeviceStatus> = this.#onStatus.event;
  readonly onPrompt: Event<PaymentPromptChange> = this.#onPrompt.event;
  /** Each line from the terminal that was skipped as garbage (line noise, a broken bridge). */
  readonly onGarbage: Event<TerminalGarbage> = this.#onGarbage.event;

  #status: DeviceStatus = { kind: 'closed' };
  #started = false;
  #socket: Socket | undefined;
  /** Increments with every socket, naming "the current connection" for `Exchange.*SentOn`. */
  #connection = 0;
  #ready = false;
  #failedAttempts = 0;
  #incompatible: string | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #silenceTimer: NodeJS.Timeout | undefined;
  #silenceCheck: NodeJS.Immediate | undefined;
  /** When the current connection last delivered anything (epoch ms). */
  #heardAt = 0;
  #garbageStatusTimer: NodeJS.Timeout | undefined;
  #garbageStatusAskedAt = 0;
  #endFirstAttempt: (() => void) | undefined;

  constructor(options: TcpPaymentTerminalOptions) {
    if (!Number.isSafeInteger(options.port) || options.port < 1 || options.port > 65_535) throw new RangeError(`port must be 1–65535, got ${options.port}`);
    if (!options.host) throw new RangeError('host is required');
    // Two ping intervals unless said otherwise: one late pong is tolerated, two are not.
    const timings: Timings = { ...defaults, silenceTimeoutMs: 2 * (options.pingIntervalMs ?? defaults.pingIntervalMs) };
    for (const key of Object.keys(defaults) as (keyof Timings)[]) {
      const value = options[key];
      if (value === undefined) continue;
      if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${key} must be a positive integer of milliseconds, got ${value}`);
      timings[key] = value;
    }
    if (timings.maxReconnectDelayMs < timings.initialReconnectDelayMs) throw new RangeError('maxReconnectDelayMs must not be below initialReconnectDelayMs');
    if (timings.silenceTimeoutMs <= timings.pingIntervalMs) throw new RangeError('silenceTimeoutMs must be above pingIntervalMs (a pong needs a chance to come)');
    this.#host = options.host;
    this.#port = options.port;
    this.#lane = options.lane;
    this.#timings = timings;
    this.#logger = (options.logger ?? silentLogger).child({ device: 'paymentTerminal', endpoint: `${options.host}:${options.port}` });
    this.#garbageLog = new LogLimiter(this.#logger);
  }

  get status(): DeviceStatus {
    return this.#status;
  }

  /** Resolves after the first connection attempt, whether it reached the terminal or not; reconnecting goes on. */
  start(): Promise<void> {
    if (this.#started) return Promise.resolve();
    this.#started = true;
    this.#failedAttempts = 0;
    this.#setStatus({ kind: 'connecting' });
    return new Promise((resolve) => {
      this.#endFirstAttempt = () => {
        this.#endFirstAttempt = undefined;
        resolve();
      };
      this.#connect();
    });
  }

  /**
   * Closes the connection. Waiting calls end: `authorize` with `timedOut` if its request
   * had left the lane (the terminal may still complete it), `unavailable` otherwise.
   */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    clearTimeout(this.#reconnectTimer);
    this.#stopPing();
    this.#garbageLog.flush();
    const socket = this.#socket;
    this.#socket = undefined;
    this.#ready = false;
    for (const exchange of this.#exchanges.values()) exchange.settle({ kind: 'stopped' });
    this.#exchanges.clear();
    this.#endFirstAttempt?.();
    if (socket && !socket.closed) {
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.destroy();
      await closed;
    }
    this.#setStatus({ kind: 'closed' });
  }

  async authorize(request: PaymentRequest, signal?: AbortSignal): Promise<PaymentOutcome> {
    this.#assertStarted('authorize');
    const valid = validatePaymentRequest(request);
    if (!valid.ok) throw new RangeError(valid.error);
    signal?.throwIfAborted();
    const { reference, amountMinor, currency } = valid.value;
    let exchange = this.#exchanges.get(reference);
    const known = exchange?.request;
    if (known && (known.amountMinor !== amountMinor || known.currency !== currency)) {
      throw new PaymentReferenceConflictError(reference, `being authorised for ${known.amountMinor} ${known.currency}, asked for ${amountMinor} ${currency}`);
    }
    exchange ??= this.#open(reference);
    exchange.request ??= valid.value;
    this.#logger.info({ reference, amountMinor, currency }, 'authorisation requested');

    const { connectTimeoutMs, authorizeTimeoutMs } = this.#timings;
    const current = exchange;
    return this.#wait(current, signal, (settlement) => this.#authorizationOutcome(current, settlement), [
      {
        afterMs: connectTimeoutMs,
        run: () => {
          // Once written, the terminal may have it: only a request that never left the lane can be called off here.
          if (current.authorizeEverSent || current.cancelBy) return undefined;
          current.request = undefined;
          return { kind: 'unavailable', reference, detail: `terminal not reachable within ${connectTimeoutMs} ms; the request was not sent` };
        },
      },
      { afterMs: authorizeTimeoutMs, run: () => this.#lastStatus(current) },
    ]);
  }

  async cancel(reference: string, by: Exclude<CancelledBy, 'terminal'> = 'lane'): Promise<PaymentOutcome> {
    this.#assertStarted('cancel');
    const valid = validateReference(reference);
    if (!valid.ok) throw new RangeError(valid.error);
    const exchange = this.#exchanges.get(reference) ?? this.#open(reference);
    exchange.cancelBy ??= by;
    this.#logger.info({ reference, by }, 'cancel requested');
    return this.#wait(exchange, undefined, (settlement) => this.#cancelOutcome(exchange, settlement), [
      // The outcome is unknown: the lane may ask again, and must not offer another attempt meanwhile.
      { afterMs: this.#timings.cancelTimeoutMs, run: () => ({ kind: 'timedOut', reference }) },
    ]);
  }

  #assertStarted(what: string): void {
    if (!this.#started) throw new Error(`payment terminal: ${what}() before start()`);
  }

  #open(reference: string): Exchange {
    const exchange = new Exchange(reference);
    this.#exchanges.set(reference, exchange);
    return exchange;
  }

  /**
   * Waits for the exchange to settle, for a deadline (each may answer or decline to), or
   * for `signal`. When its last waiter leaves, the exchange is forgotten and nothing about
   * it is re-sent: a later call for the same reference starts a new exchange, which the
   * terminal's idempotency makes safe.
   */
  #wait(
    exchange: Exchange,
    signal: AbortSignal | undefined,
    onSettled: (settlement: Settlement) => PaymentOutcome,
    deadlines: readonly { readonly afterMs: number; readonly run: () => PaymentOutcome | undefined | Promise<PaymentOutcome> }[],
  ): Promise<PaymentOutcome> {
    return new Promise<PaymentOutcome>((resolve, reject) => {
      let done = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = (end: () => void): void => {
        if (done) return;
        done = true;
        for (const timer of timers) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        exchange.waiters -= 1;
        if (exchange.waiters === 0 && this.#exchanges.get(exchange.reference) === exchange) this.#exchanges.delete(exchange.reference);
        end();
      };
      const onAbort = (): void => finish(() => reject(signal?.reason));
      signal?.addEventListener('abort', onAbort, { once: true });
      exchange.waiters += 1;
      void exchange.settled.then((settlement) =>
        finish(() => {
          try {
            resolve(onSettled(settlement));
          } catch (error) {
            reject(error);
          }
        }),
      );
      for (const deadline of deadlines) {
        timers.push(
          setTimeout(() => {
            if (done) return;
            Promise.resolve()
              .then(deadline.run)
              .then(
                (outcome) => outcome && finish(() => resolve(outcome)),
                (error: unknown) => finish(() => reject(error)),
              );
          }, deadline.afterMs),
        );
      }
      this.#flush(exchange);
    });
  }

  /**
   * The overall deadline passed. Before saying `timedOut` ask the terminal once more: the
   * outcome may have been decided while the line was down and not yet re-asked.
   */
  async #lastStatus(exchange: Exchange): Promise<PaymentOutcome> {
    const { reference } = exchange;
    if (!exchange.authorizeEverSent && !exchange.cancelBy) {
      exchange.request = undefined;
      return { kind: 'unavailable', reference, detail: 'terminal not reachable; the request was not sent' };
    }
    // Stop re-sending `authorize`: a transaction that never arrived must not start now that the lane has given up.
    exchange.request = undefined;
    const answer = await this.#askStatus(exchange, this.#timings.statusTimeoutMs);
    if (exchange.settlement) return this.#authorizationOutcome(exchange, exchange.settlement);
    if (answer === 'unknown') return { kind: 'unavailable', reference, detail: 'the terminal has no transaction with this reference' };
    this.#logger.warn({ reference, answer }, 'authorisation timed out without a final outcome; cancel() settles it');
    return { kind: 'timedOut', reference };
  }

  #askStatus(exchange: Exchange, timeoutMs: number): Promise<'pending' | 'unknown' | 'settled' | 'noAnswer'> {
    return new Promise((resolve) => {
      let done = false;
      const subscriptions: { dispose(): void }[] = [];
      const answer = (value: 'pending' | 'unknown' | 'settled' | 'noAnswer'): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        for (const subscription of subscriptions) subscription.dispose();
        resolve(value);
      };
      const timer = setTimeout(() => answer('noAnswer'), timeoutMs);
      void exchange.settled.then(() => answer('settled'));
      subscriptions.push(exchange.onReply.event(answer));
      const ask = (): void => void this.#send({ type: 'status', reference: exchange.reference });
      if (this.#ready) ask();
      else subscriptions.push(this.#onReady.event(ask));
    });
  }

  #authorizationOutcome(exchange: Exchange, settlement: Settlement): PaymentOutcome {
    const { reference } = exchange;
    switch (settlement.kind) {
      case 'outcome':
        return settlement.outcome;
      case 'refused':
        if (settlement.code === 'referenceConflict') throw new PaymentReferenceConflictError(reference, settlement.message);
        // The terminal declined to take the reference on (busy with another card): nothing was charged.
        return { kind: 'unavailable', reference, detail: `terminal refused the request (${settlement.code}): ${settlement.message}` };
      case 'stopped':
        return exchange.authorizeEverSent ? { kind: 'timedOut', reference } : { kind: 'unavailable', reference, detail: 'payment terminal stopped' };
    }
  }

  #cancelOutcome(exchange: Exchange, settlement: Settlement): PaymentOutcome {
    const { reference } = exchange;
    switch (settlement.kind) {
      case 'outcome':
        return settlement.outcome;
      case 'refused':
        // Only `busy` can end an exchange this way: the authorisation was refused, so nothing can be charged.
        return settlement.code === 'busy'
          ? { kind: 'unavailable', reference, detail: `terminal refused the request (${settlement.code}): ${settlement.message}` }
          : { kind: 'timedOut', reference };
      case 'stopped':
        return { kind: 'timedOut', reference };
    }
  }

  /** Sends whatever the exchange still needs on the current connection. */
  #flush(exchange: Exchange): void {
    if (!this.#ready || exchange.settlement) return;
    if (exchange.cancelBy) {
      if (exchange.cancelSentOn !== this.#connection && this.#send({ type: 'cancel', reference: exchange.reference, by: exchange.cancelBy })) {
        exchange.cancelSentOn = this.#connection;
      }
    } else if (exchange.request && exchange.authorizeSentOn !== this.#connection) {
      const { reference, amountMinor, currency } = exchange.request;
      if (this.#send({ type: 'authorize', reference, amountMinor, currency })) {
        // Written is as good as received: from here on the terminal may have it and may charge it.
        exchange.authorizeEverSent = true;
        exchange.authorizeSentOn = this.#connection;
      }
    }
  }

  #send(message: LaneMessage): boolean {
    const socket = this.#socket;
    if (!socket || socket.destroyed || !socket.writable) return false;
    socket.write(encodeMessage(message));
    return true;
  }

  #connect(): void {
    this.#reconnectTimer = undefined;
    if (!this.#started) return;
    this.#connection += 1;
    this.#ready = false;
    const socket = createConnection({ host: this.#host, port: this.#port });
    this.#socket = socket;
    const lines = new LineDecoder();
    let lastError: Error | undefined;
    socket.setNoDelay(true);
    socket.setTimeout(this.#timings.helloTimeoutMs, () => socket.destroy(new Error(`no hello within ${this.#timings.helloTimeoutMs} ms`)));
    socket.on('connect', () => {
      if (socket === this.#socket) this.#send({ type: 'hello', version: PROTOCOL_VERSION, ...(this.#lane ? { lane: this.#lane } : {}) });
    });
    socket.on('data', (chunk: Buffer) => {
      if (socket !== this.#socket) return;
      // Anything at all, garbage included, says the terminal's end of the line is alive.
      this.#heardAt = Date.now();
      let skipped = false;
      for (const line of lines.push(chunk)) {
        if (socket !== this.#socket) return;
        if (!line.ok) {
          this.#skipped(line.error, MAX_LINE_LENGTH, 'skipped a line from the terminal');
          skipped = true;
          continue;
        }
        const message = decodeTerminalMessage(line.value);
        if (!message.ok) {
          this.#skipped(message.error, line.value.length, 'skipped a malformed message from the terminal');
          skipped = true;
          continue;
        }
        this.#receive(socket, message.value);
      }
      if (skipped && socket === this.#socket) this.#askStatusOfOpenExchanges();
    });
    // Without an 'error' listener a refused connection would throw from the emitter and take the lane down.
    socket.on('error', (error) => (lastError = error));
    socket.on('close', () => this.#closed(socket, lastError));
  }

  #skipped(problem: ProtocolError, byteCount: number, message: string): void {
    this.#garbageLog.report({ problem: problem.kind, detail: problem.detail }, message);
    this.#fire(this.#onGarbage, { reason: problem.kind, byteCount });
  }

  /**
   * A skipped line may have been the `result` (or `pending`) of an exchange: ask about every
   * exchange still open, at once and again while garbage keeps coming (at most every
   * `garbageStatusIntervalMs`), rather than wait for the authorisation's deadline. The terminal
   * answers `status` with the transaction's state or its final outcome, so asking is harmless.
   */
  #askStatusOfOpenExchanges(): void {
    if (this.#garbageStatusTimer !== undefined) return;
    const waitMs = this.#garbageStatusAskedAt + garbageStatusIntervalMs - Date.now();
    const ask = (): void => {
      this.#garbageStatusTimer = undefined;
      this.#garbageStatusAskedAt = Date.now();
      if (!this.#ready) return;
      for (const exchange of this.#exchanges.values()) {
        const sent = exchange.cancelBy ? exchange.cancelSentOn === this.#connection : exchange.authorizeSentOn === this.#connection;
        if (!exchange.settlement && sent) this.#send({ type: 'status', reference: exchange.reference });
      }
    };
    if (waitMs <= 0) ask();
    else this.#garbageStatusTimer = setTimeout(ask, waitMs);
  }

  #receive(socket: Socket, message: TerminalMessage): void {
    if (!this.#ready) {
      if (message.type !== 'hello') {
        this.#logger.warn({ type: message.type }, 'message before hello ignored');
        return;
      }
      if (message.version !== PROTOCOL_VERSION) {
        this.#incompatible = `terminal speaks protocol version ${message.version}, the lane ${PROTOCOL_VERSION}`;
        socket.destroy();
        return;
      }
      this.#incompatible = undefined;
      this.#ready = true;
      this.#failedAttempts = 0;
      socket.setTimeout(0);
      this.#logger.info({ terminal: message.terminal, version: message.version }, 'terminal connected');
      this.#setStatus({ kind: 'ready', warnings: [] });
      this.#startPing(socket);
      this.#endFirstAttempt?.();
      for (const exchange of this.#exchanges.values()) this.#flush(exchange);
      this.#onReady.fire();
      return;
    }
    switch (message.type) {
      case 'hello':
      case 'pong':
        return;
      case 'pending': {
        const exchange = this.#exchanges.get(message.reference);
        if (!exchange) return;
        this.#fire(this.#onPrompt, { reference: message.reference, prompt: message.prompt });
        exchange.onReply.fire('pending');
        return;
      }
      case 'unknown':
        this.#exchanges.get(message.reference)?.onReply.fire('unknown');
        return;
      case 'result': {
        const { outcome } = message;
        this.#logger.info({ reference: outcome.reference, outcome: outcome.kind }, 'final outcome');
        this.#exchanges.get(outcome.reference)?.settle({ kind: 'outcome', outcome });
        return;
      }
      case 'error': {
        this.#logger.warn({ code: message.code, reference: message.reference, detail: message.message }, 'terminal reported an error');
        // Only these two are definite answers about a reference; anything else leaves the exchange to its deadlines.
        if (message.reference && (message.code === 'busy' || message.code === 'referenceConflict')) {
          this.#exchanges.get(message.reference)?.settle({ kind: 'refused', code: message.code, message: message.message });
        }
        return;
      }
    }
  }

  #closed(socket: Socket, error: Error | undefined): void {
    if (socket !== this.#socket) return;
    const wasReady = this.#ready;
    this.#socket = undefined;
    this.#ready = false;
    this.#stopPing();
    if (!this.#started) return;
    if (this.#incompatible) {
      this.#logger.error({ detail: this.#incompatible }, 'incompatible terminal');
      this.#setStatus({ kind: 'fault', faults: ['unrecoverableError'] });
    } else {
      const reason = `${wasReady ? 'connection lost' : 'terminal not reachable'}${error ? `: ${error.message}` : ''}`;
      if (wasReady) this.#logger.warn({ reason }, 'terminal connection lost');
      this.#setStatus({ kind: 'lost', reason });
    }
    this.#endFirstAttempt?.();
    // A connection that worked is retried at once-ish; repeated failures back off so a dead
    // terminal does not cost a connection attempt every few milliseconds.
    if (!wasReady) this.#failedAttempts += 1;
    const { initialReconnectDelayMs, maxReconnectDelayMs } = this.#timings;
    const delay = this.#incompatible ? maxReconnectDelayMs : Math.min(maxReconnectDelayMs, initialReconnectDelayMs * 2 ** Math.min(this.#failedAttempts, 20));
    this.#reconnectTimer = setTimeout(() => this.#connect(), wasReady ? initialReconnectDelayMs : delay);
  }

  #startPing(socket: Socket): void {
    this.#stopPing();
    const { pingIntervalMs, silenceTimeoutMs } = this.#timings;
    this.#heardAt = Date.now();
    this.#pingTimer = setInterval(() => this.#send({ type: 'ping' }), pingIntervalMs);
    const watch = (afterMs: number): void => {
      this.#silenceTimer = setTimeout(() => {
        // Timers run before I/O: after the lane's event loop was held up, bytes that did come
        // are read first (setImmediate runs after the poll phase), so a busy lane does not drop a live terminal.
        this.#silenceCheck = setImmediate(() => {
          this.#silenceCheck = undefined;
          if (socket !== this.#socket) return;
          const silentMs = Date.now() - this.#heardAt;
          if (silentMs >= silenceTimeoutMs) {
            // Logged as the connection lost, with this reason.
            socket.destroy(new Error(`pings unanswered: nothing from the terminal for ${silentMs} ms`));
            return;
          }
          watch(silenceTimeoutMs - silentMs);
        });
      }, afterMs);
    };
    watch(silenceTimeoutMs);
  }

  #stopPing(): void {
    clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
    clearTimeout(this.#silenceTimer);
    clearImmediate(this.#silenceCheck);
    this.#silenceTimer = undefined;
    this.#silenceCheck = undefined;
    clearTimeout(this.#garbageStatusTimer);
    this.#garbageStatusTimer = undefined;
  }

  #setStatus(status: DeviceStatus): void {
    if (sameDeviceStatus(status, this.#status)) return;
    this.#status = status;
    this.#fire(this.#onStatus, status);
  }

  #fire<T>(emitter: Emitter<T>, value: T): void {
    fireSafely(emitter, value, this.#logger, 'payment terminal');
  }
}
