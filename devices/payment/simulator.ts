import { randomInt } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Emitter, type Event } from '../../shared/event';
import { silentLogger, type Logger } from '../../shared/log';
import { maskPan, type CancelledBy, type DeclineReason, type PaymentPrompt, type TerminalOutcome } from './adapter';
import { decodeLaneMessage, encodeMessage, LineDecoder, PROTOCOL_VERSION, type LaneMessage, type TerminalErrorCode, type TerminalMessage } from './protocol';

/** What the "shopper and bank" do with a transaction. Strings are shorthands: `decline` is `cardDeclined`. */
export type SimulatorDecision =
  | 'approve'
  | 'decline'
  | 'cancel'
  /** `approvedMinor`: a prepaid or gift card with only this much on it (a partial approval, at most the amount asked). */
  | { readonly kind: 'approve'; readonly last4?: string; readonly scheme?: string; readonly approvedMinor?: number }
  | { readonly kind: 'decline'; readonly reason: DeclineReason; readonly message?: string }
  | { readonly kind: 'cancel' };

/**
 * `manual`: a transaction waits at `presentCard` until `decide()` (the demo's Approve and
 * Decline buttons). `auto`: every transaction is decided after `delayMs`, half of it at
 * `presentCard` and half at `processing`. `unresponsive`: a terminal that hangs — it greets
 * lanes and takes the next `authorize` (the transaction is recorded, so as far as the lane
 * can know a charge may be under way), and from then on sends nothing at all on any
 * connection: no `pending`, `result`, `pong`, `error`, not even `hello` to a lane that
 * reconnects; it keeps accepting connections and reading. Setting another mode is the
 * terminal coming back (rebooted): connections are dropped so lanes reconnect, and a
 * transaction taken while hung waits at its prompt for `decide()`.
 */
export type SimulatorMode =
  | { readonly mode: 'manual' }
  | { readonly mode: 'auto'; readonly decision: SimulatorDecision; readonly delayMs: number }
  | { readonly mode: 'unresponsive' };

/** One scripted transaction: consumed in order by new transactions, ahead of the mode. */
export interface ScriptStep {
  readonly decision: SimulatorDecision;
  readonly delayMs?: number;
}

export interface PendingTransaction {
  readonly reference: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly prompt: PaymentPrompt;
  /** The lane asked to cancel while the card was `processing`: it gets the outcome once there is one. */
  readonly cancelRequested: boolean;
}

export interface SimulatedTransaction {
  readonly reference: string;
  readonly amountMinor: number;
  readonly currency: string;
  /** `authorize` messages naming this reference; more than one means the lane re-attached. */
  readonly authorizeCount: number;
  /** Set while pending. */
  readonly prompt: PaymentPrompt | undefined;
  /** Set once final; never changes after. */
  readonly outcome: TerminalOutcome | undefined;
  readonly cancelRequested: boolean;
}

export interface CardTerminalSimulatorOptions {
  /** Loopback by default: the simulator takes payments from anyone who can connect. */
  readonly host?: string;
  /** 0 picks a free port; read it from `.port` after `start()`. */
  readonly port?: number;
  readonly mode?: SimulatorMode;
  readonly terminalId?: string;
  /** The version announced in hello; another value lets tests exercise the lane's handshake. */
  readonly protocolVersion?: number;
  readonly logger?: Logger;
}

interface Transaction {
  readonly reference: string;
  readonly amountMinor: number;
  readonly currency: string;
  authorizeCount: number;
  prompt: PaymentPrompt | undefined;
  outcome: TerminalOutcome | undefined;
  cancelRequested: boolean;
  readonly timers: NodeJS.Timeout[];
}

interface Connection {
  readonly socket: Socket;
  readonly lines: LineDecoder;
  greeted: boolean;
}

/**
 * A semi-integrated card terminal on TCP, speaking protocol.ts. It keeps the guarantees a
 * real one must: transactions are idempotent by reference (kept for the simulator's
 * lifetime, as a terminal keeps its journal), one card at a time, a cancel answers with
 * the final outcome, and only masked card numbers leave it.
 *
 * Results and prompts go to every connected lane; the lane ignores references it is not
 * waiting for. A terminal serves one lane, so in practice there is one connection.
 */
export class CardTerminalSimulator {
  readonly #host: string;
  readonly #requestedPort: number;
  readonly #terminalId: string;
  readonly #protocolVersion: number;
  readonly #logger: Logger;
  readonly #transactions = new Map<string, Transaction>();
  /** References cancelled before they ever arrived: an `authorize` turning up later must not charge. */
  readonly #cancelledUnseen = new Map<string, TerminalOutcome>();
  readonly #connections = new Set<Connection>();
  readonly #onChange = new Emitter<readonly PendingTransaction[]>();
  #mode: SimulatorMode;
  #script: ScriptStep[] = [];
  #server: Server | undefined;
  #offline = false;
  /** `unresponsive` mode took an authorize: nothing is sent until the mode changes. */
  #hung = false;

  /** The current pending transactions (at most one), after every change; for a demo's Approve/Decline buttons. */
  readonly onChange: Event<readonly PendingTransaction[]> = this.#onChange.event;

  constructor(options: CardTerminalSimulatorOptions = {}) {
    const port = options.port ?? 0;
    if (!Number.isSafeInteger(port) || port < 0 || port > 65_535) throw new RangeError(`port must be 0–65535, got ${port}`);
    this.#host = options.host ?? '127.0.0.1';
    this.#requestedPort = port;
    this.#terminalId = options.terminalId ?? 'lanewise-simulator';
    this.#protocolVersion = options.protocolVersion ?? PROTOCOL_VERSION;
    this.#logger = (options.logger ?? silentLogger).child({ device: 'paymentTerminalSimulator' });
    this.#mode = validateMode(options.mode ?? { mode: 'manual' });
  }

  get port(): number {
    const address = this.#server?.address();
    if (!address || typeof address === 'string') throw new Error('simulator is not listening: call start() first');
    return (address as AddressInfo).port;
  }

  get offline(): boolean {
    return this.#offline;
  }

  /** Hanging in `unresponsive` mode: reading everything, sending nothing. */
  get hung(): boolean {
    return this.#hung;
  }

  get transactions(): readonly SimulatedTransaction[] {
    return [...this.#transactions.values()].map(snapshot);
  }

  get pending(): readonly PendingTransaction[] {
    const pending: PendingTransaction[] = [];
    for (const transaction of this.#transactions.values()) {
      if (transaction.prompt === undefined) continue;
      const { reference, amountMinor, currency, prompt, cancelRequested } = transaction;
      pending.push({ reference, amountMinor, currency, prompt, cancelRequested });
    }
    return pending;
  }

  async start(): Promise<void> {
    if (this.#server) return;
    const server = createServer((socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.#host, port: this.#requestedPort }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.#logger.error({ error: error.message }, 'simulator server error'));
    this.#server = server;
    this.#logger.info({ port: this.port }, 'card terminal simulator listening');
  }

  /** Stops listening and drops every lane. Pending transactions stay pending (and their timers stop). */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const transaction of this.#transactions.values()) clearTimers(transaction);
    this.dropConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  setMode(mode: SimulatorMode): void {
    this.#mode = validateMode(mode);
    if (this.#hung && mode.mode !== 'unresponsive') {
      this.#hung = false;
      this.#logger.info({}, 'simulator responds again');
      // The lanes missed everything meanwhile (they have likely given up on the connection): make them start afresh.
      this.dropConnections();
    }
  }

  /**
   * Writes `bytes` as they are to every connected lane, greeted or not: line noise, a
   * half-written message, invalid UTF-8, a line without end. Nothing is framed or checked.
   */
  sendRaw(bytes: Uint8Array | string): void {
    for (const connection of this.#connections) {
      if (!connection.socket.destroyed && connection.socket.writable) connection.socket.write(bytes);
    }
  }

  /** Queues decisions for the next new transactions, in order; the mode applies again once the queue is empty. */
  script(steps: readonly ScriptStep[]): void {
    for (const step of steps) {
      validateDecision(step.decision);
      if (step.delayMs !== undefined) validateDelay(step.delayMs);
    }
    this.#script.push(...steps);
  }

  /**
   * Finishes a pending transaction, as the shopper and the bank would: `reference`, or the
   * one pending transaction when omitted. Returns false when there was nothing pending to
   * decide (the lane cancelled it a moment earlier, say) — a demo button may race that.
   */
  decide(decision: SimulatorDecision): boolean;
  decide(reference: string | undefined, decision: SimulatorDecision): boolean;
  decide(first: SimulatorDecision | string | undefined, second?: SimulatorDecision): boolean {
    const [reference, decision] = second === undefined ? [undefined, first as SimulatorDecision] : [first as string | undefined, second];
    validateDecision(decision);
    const transaction = this.#pendingTransaction(reference);
    if (!transaction) return false;
    this.#finish(transaction, outcomeOf(transaction, decision));
    return true;
  }

  /** The shopper taps the card: `presentCard` → `processing`, where a cancel can no longer stop it. */
  presentCard(reference?: string): boolean {
    const transaction = this.#pendingTransaction(reference);
    if (!transaction || transaction.prompt === 'processing') return false;
    this.#prompt(transaction, 'processing');
    return true;
  }

  /**
   * Offline: every connection is dropped and new ones are closed as soon as they are
   * accepted, like a terminal that is unplugged or rebooting. Transactions carry on (the
   * shopper may finish at the terminal meanwhile); lanes learn the outcome on reconnect.
   */
  setOffline(offline: boolean): void {
    this.#offline = offline;
    this.#logger.info({ offline }, offline ? 'simulator offline' : 'simulator online');
    if (offline) this.dropConnections();
  }

  /** Closes every lane connection once (a cable pulled and plugged back); lanes may reconnect at once. */
  dropConnections(): void {
    for (const connection of this.#connections) connection.socket.destroy();
    this.#connections.clear();
  }

  #accept(socket: Socket): void {
    if (this.#offline) {
      socket.destroy();
      return;
    }
    const connection: Connection = { socket, lines: new LineDecoder(), greeted: false };
    this.#connections.add(connection);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const line of connection.lines.push(chunk)) {
        if (!this.#connections.has(connection)) return;
        if (!line.ok) {
          this.#reportMalformed(connection, line.error.detail);
          continue;
        }
        const message = decodeLaneMessage(line.value);
        if (!message.ok) {
          this.#reportMalformed(connection, message.error.detail);
          continue;
        }
        this.#receive(connection, message.value);
      }
    });
    socket.on('error', (error) => this.#logger.debug({ error: error.message }, 'lane connection error'));
    socket.on('close', () => this.#connections.delete(connection));
    this.#send(connection, { type: 'hello', version: this.#protocolVersion, terminal: this.#terminalId });
  }

  #reportMalformed(connection: Connection, detail: string): void {
    this.#logger.warn({ detail }, 'malformed message from the lane skipped');
    this.#error(connection, 'malformed', detail);
  }

  #receive(connection: Connection, message: LaneMessage): void {
    if (message.type === 'hello') {
      if (message.version !== PROTOCOL_VERSION) {
        this.#error(connection, 'unsupportedVersion', `this terminal speaks protocol version ${PROTOCOL_VERSION}`);
        connection.socket.end();
        return;
      }
      connection.greeted = true;
      return;
    }
    if (!connection.greeted) {
      this.#error(connection, 'helloRequired', 'send hello first');
      return;
    }
    switch (message.type) {
      case 'ping':
        this.#send(connection, { type: 'pong' });
        return;
      case 'authorize':
        this.#authorize(connection, message);
        return;
      case 'cancel':
        this.#cancel(connection, message.reference, message.by ?? 'lane');
        return;
      case 'status':
        this.#status(connection, message.reference);
        return;
    }
  }

  #authorize(connection: Connection, request: Extract<LaneMessage, { type: 'authorize' }>): void {
    const { reference, amountMinor, currency } = request;
    const cancelled = this.#cancelledUnseen.get(reference);
    if (cancelled) {
      this.#send(connection, { type: 'result', outcome: cancelled });
      return;
    }
    const existing = this.#transactions.get(reference);
    if (existing) {
      if (existing.amountMinor !== amountMinor || existing.currency !== currency) {
        this.#error(connection, 'referenceConflict', `${reference} is for ${existing.amountMinor} ${existing.currency}`, reference);
        return;
      }
      // Idempotency: the same reference re-attaches, it never starts a second charge.
      existing.authorizeCount += 1;
      this.#logger.info({ reference, authorizeCount: existing.authorizeCount }, 'lane re-attached to a transaction');
      this.#report(connection, existing);
      return;
    }
    const busy = this.#pendingTransaction(undefined);
    if (busy) {
      this.#error(connection, 'busy', `transaction ${busy.reference} is in progress`, reference);
      return;
    }
    const transaction: Transaction = { reference, amountMinor, currency, authorizeCount: 1, prompt: undefined, outcome: undefined, cancelRequested: false, timers: [] };
    this.#transactions.set(reference, transaction);
    this.#logger.info({ reference, amountMinor, currency }, 'transaction started');
    if (this.#mode.mode === 'unresponsive') {
      this.#hung = true;
      this.#logger.warn({ reference }, 'simulator hangs: nothing more is sent');
    }
    this.#prompt(transaction, 'presentCard');
    // A hung terminal does not move a transaction on (and leaves the script for after it is back).
    const step = this.#hung ? undefined : (this.#script.shift() ?? (this.#mode.mode === 'auto' ? { decision: this.#mode.decision, delayMs: this.#mode.delayMs } : undefined));
    if (step) this.#schedule(transaction, step);
  }

  #schedule(transaction: Transaction, step: ScriptStep): void {
    const delayMs = step.delayMs ?? 0;
    const decision = step.decision;
    // A shopper who cancels does so at the card prompt; approvals and declines come back from the bank after processing.
    if (decision !== 'cancel' && !(typeof decision === 'object' && decision.kind === 'cancel')) {
      const present = (): void => {
        if (transaction.prompt === 'presentCard') this.#prompt(transaction, 'processing');
      };
      transaction.timers.push(setTimeout(present, Math.floor(delayMs / 2)));
    }
    transaction.timers.push(setTimeout(() => this.#finish(transaction, outcomeOf(transaction, decision)), delayMs));
  }

  #cancel(connection: Connection, reference: string, by: Exclude<CancelledBy, 'terminal'>): void {
    const transaction = this.#transactions.get(reference);
    if (!transaction) {
      const outcome = this.#cancelledUnseen.get(reference) ?? { kind: 'cancelled', reference, by };
      this.#cancelledUnseen.set(reference, outcome);
      this.#logger.info({ reference }, 'cancelled a reference the terminal has not seen');
      this.#send(connection, { type: 'result', outcome });
      return;
    }
    if (transaction.outcome) {
      this.#send(connection, { type: 'result', outcome: transaction.outcome });
      return;
    }
    if (transaction.prompt === 'processing') {
      // The card is with the acquirer: like a real terminal, the cancel cannot stop it. The
      // lane hears the final outcome when it comes (results go to every connection).
      transaction.cancelRequested = true;
      this.#changed();
      this.#send(connection, { type: 'pending', reference, prompt: 'processing' });
      return;
    }
    this.#finish(transaction, { kind: 'cancelled', reference, by });
  }

  #status(connection: Connection, reference: string): void {
    const cancelled = this.#cancelledUnseen.get(reference);
    const transaction = this.#transactions.get(reference);
    if (cancelled) this.#send(connection, { type: 'result', outcome: cancelled });
    else if (transaction) this.#report(connection, transaction);
    else this.#send(connection, { type: 'unknown', reference });
  }

  #report(connection: Connection, transaction: Transaction): void {
    if (transaction.outcome) this.#send(connection, { type: 'result', outcome: transaction.outcome });
    else if (transaction.prompt) this.#send(connection, { type: 'pending', reference: transaction.reference, prompt: transaction.prompt });
  }

  #pendingTransaction(reference: string | undefined): Transaction | undefined {
    if (reference !== undefined) {
      const transaction = this.#transactions.get(reference);
      return transaction?.prompt !== undefined ? transaction : undefined;
    }
    for (const transaction of this.#transactions.values()) if (transaction.prompt !== undefined) return transaction;
    return undefined;
  }

  #prompt(transaction: Transaction, prompt: PaymentPrompt): void {
    transaction.prompt = prompt;
    this.#broadcast({ type: 'pending', reference: transaction.reference, prompt });
    this.#changed();
  }

  #finish(transaction: Transaction, outcome: TerminalOutcome): void {
    if (transaction.outcome) return;
    clearTimers(transaction);
    transaction.outcome = outcome;
    transaction.prompt = undefined;
    this.#logger.info({ reference: transaction.reference, outcome: outcome.kind }, 'transaction finished');
    this.#broadcast({ type: 'result', outcome });
    this.#changed();
  }

  #changed(): void {
    try {
      this.#onChange.fire(this.pending);
    } catch (error) {
      this.#logger.error({ error: String(error) }, 'simulator onChange listener threw');
    }
  }

  #error(connection: Connection, code: TerminalErrorCode, message: string, reference?: string): void {
    this.#send(connection, { type: 'error', code, message, ...(reference ? { reference } : {}) });
  }

  #broadcast(message: TerminalMessage): void {
    for (const connection of this.#connections) if (connection.greeted) this.#send(connection, message);
  }

  #send(connection: Connection, message: TerminalMessage): void {
    if (this.#hung) return;
    if (!connection.socket.destroyed && connection.socket.writable) connection.socket.write(encodeMessage(message));
  }
}

function outcomeOf(transaction: Transaction, decision: SimulatorDecision): TerminalOutcome {
  const { reference, amountMinor, currency } = transaction;
  const kind = typeof decision === 'string' ? decision : decision.kind;
  switch (kind) {
    case 'approve': {
      const details = typeof decision === 'object' && decision.kind === 'approve' ? decision : undefined;
      // 4242…: the well-known test card number; the terminal only ever reveals its last four digits.
      const approvedMinor = details?.approvedMinor !== undefined ? Math.min(details.approvedMinor, amountMinor) : amountMinor;
      return { kind: 'approved', reference, amountMinor: approvedMinor, currency, authCode: authCode(), maskedPan: maskPan(details?.last4 ?? '4242'), scheme: details?.scheme ?? 'VISA' };
    }
    case 'decline': {
      const details = typeof decision === 'object' && decision.kind === 'decline' ? decision : undefined;
      return { kind: 'declined', reference, reason: details?.reason ?? 'cardDeclined', ...(details?.message ? { message: details.message } : {}) };
    }
    case 'cancel':
      // Only the shopper cancels at the terminal; cancels from the lane arrive as `cancel` messages.
      return { kind: 'cancelled', reference, by: 'shopper' };
  }
}

/** Six characters, as ISO 8583 field 38 (authorisation identification response) carries. */
function authCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  let code = '';
  for (let i = 0; i < 6; i += 1) code += alphabet[randomInt(alphabet.length)];
  return code;
}

function snapshot(transaction: Transaction): SimulatedTransaction {
  const { reference, amountMinor, currency, authorizeCount, prompt, outcome, cancelRequested } = transaction;
  return { reference, amountMinor, currency, authorizeCount, prompt, outcome, cancelRequested };
}

function clearTimers(transaction: Transaction): void {
  for (const timer of transaction.timers) clearTimeout(timer);
  transaction.timers.length = 0;
}

function validateDecision(decision: SimulatorDecision): void {
  if (typeof decision === 'string') {
    if (decision !== 'approve' && decision !== 'decline' && decision !== 'cancel') throw new RangeError(`unknown decision ${String(decision)}`);
    return;
  }
  if (decision.kind === 'approve' && decision.last4 !== undefined && !/^\d{4}$/.test(decision.last4)) throw new RangeError('last4 must be four digits');
  if (decision.kind === 'approve' && decision.approvedMinor !== undefined && (!Number.isSafeInteger(decision.approvedMinor) || decision.approvedMinor <= 0)) {
    throw new RangeError('approvedMinor must be a positive integer of minor units');
  }
}

function validateDelay(delayMs: number): void {
  if (!Number.isSafeInteger(delayMs) || delayMs < 0) throw new RangeError(`delayMs must be a non-negative integer, got ${delayMs}`);
}

function validateMode(mode: SimulatorMode): SimulatorMode {
  if (mode.mode === 'auto') {
    validateDecision(mode.decision);
    validateDelay(mode.delayMs);
  } else if (mode.mode !== 'manual' && mode.mode !== 'unresponsive') {
    throw new RangeError(`unknown simulator mode ${String((mode as { mode: unknown }).mode)}`);
  }
  return mode;
}
