import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceStatus } from '../../../shared/devices';
import type { Event } from '../../../shared/event';
import { chargeStatus, PaymentReferenceConflictError, type PaymentPrompt, type PaymentRequest } from '../../../devices/payment/adapter';
import { CardTerminalSimulator, type PendingTransaction } from '../../../devices/payment/simulator';
import { TcpPaymentTerminal, type TcpPaymentTerminalOptions } from '../../../devices/payment/tcpTerminal';
import { memoryLogger, record } from '../support/harness';

/** Resolves with the first value (current or next) that satisfies `predicate`; no timing assumptions. */
function when<T>(current: () => T, event: Event<T>, predicate: (value: T) => boolean): Promise<T> {
  const now = current();
  if (predicate(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const subscription = event((value) => {
      if (!predicate(value)) return;
      subscription.dispose();
      resolve(value);
    });
  });
}

const request = (reference: string, amountMinor = 1250, currency = 'EUR'): PaymentRequest => ({ reference, amountMinor, currency });

describe('TcpPaymentTerminal with the card terminal simulator', () => {
  let simulator: CardTerminalSimulator;
  const terminals: TcpPaymentTerminal[] = [];

  beforeEach(async () => {
    simulator = new CardTerminalSimulator();
    await simulator.start();
  });

  afterEach(async () => {
    await Promise.all(terminals.splice(0).map((terminal) => terminal.stop()));
    await simulator.stop();
  });

  /** Short reconnect delays keep the tests quick; the timeouts stay long unless a test is about them. */
  async function connect(options: Partial<TcpPaymentTerminalOptions> = {}): Promise<TcpPaymentTerminal> {
    const terminal = new TcpPaymentTerminal({ host: '127.0.0.1', port: simulator.port, initialReconnectDelayMs: 10, maxReconnectDelayMs: 50, ...options });
    terminals.push(terminal);
    await terminal.start();
    return terminal;
  }

  const status = (terminal: TcpPaymentTerminal, kind: DeviceStatus['kind']): Promise<DeviceStatus> =>
    when(() => terminal.status, terminal.onStatus, (value) => value.kind === kind);
  const pending = (predicate: (transaction: PendingTransaction) => boolean = () => true): Promise<readonly PendingTransaction[]> =>
    when(() => simulator.pending, simulator.onChange, (list) => list.some(predicate));
  const prompt = (terminal: TcpPaymentTerminal, reference: string, wanted: PaymentPrompt): Promise<unknown> =>
    new Promise((resolve) => {
      const subscription = terminal.onPrompt((change) => {
        if (change.reference !== reference || change.prompt !== wanted) return;
        subscription.dispose();
        resolve(change);
      });
    });
  /** The simulator has no event for re-attachment (a demo does not care), so poll for it. */
  const authorizeCount = (reference: string, count: number): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if ((simulator.transactions.find((transaction) => transaction.reference === reference)?.authorizeCount ?? 0) >= count) resolve();
        else setTimeout(check, 5);
      };
      check();
    });
  const charges = (): number => simulator.transactions.filter((transaction) => transaction.outcome?.kind === 'approved').length;

  it('goes closed → ready → closed', async () => {
    const terminal = new TcpPaymentTerminal({ host: '127.0.0.1', port: simulator.port });
    terminals.push(terminal);
    expect(terminal.status).toEqual({ kind: 'closed' });
    await expect(terminal.authorize(request('R1'))).rejects.toThrow(/before start/);
    await terminal.start();
    expect(terminal.status).toEqual({ kind: 'ready', warnings: [] });
    await terminal.stop();
    expect(terminal.status).toEqual({ kind: 'closed' });
  });

  it('approves, passing the terminal’s prompts on', async () => {
    const terminal = await connect();
    const prompts: PaymentPrompt[] = [];
    terminal.onPrompt((change) => prompts.push(change.prompt));
    const outcome = terminal.authorize(request('S1-P1', 1250));
    await pending((transaction) => transaction.reference === 'S1-P1');
    simulator.decide('approve');
    const approved = await outcome;
    expect(approved).toMatchObject({ kind: 'approved', reference: 'S1-P1', amountMinor: 1250, currency: 'EUR', maskedPan: '**** **** **** 4242', scheme: 'VISA' });
    expect(approved.kind === 'approved' && approved.authCode).toMatch(/^[A-Z0-9]{6}$/);
    expect(prompts).toContain('presentCard');
    expect(charges()).toBe(1);
  });

  it('declines with the terminal’s reason', async () => {
    const terminal = await connect();
    const outcome = terminal.authorize(request('S1-P1'));
    await pending();
    simulator.decide({ kind: 'decline', reason: 'insufficientFunds', message: 'Nicht genügend Deckung' });
    expect(await outcome).toEqual({ kind: 'declined', reference: 'S1-P1', reason: 'insufficientFunds', message: 'Nicht genügend Deckung' });
    expect(charges()).toBe(0);
  });

  it('cancels a pending transaction when the shopper presses Cancel on the lane', async () => {
    const terminal = await connect();
    const outcome = terminal.authorize(request('S1-P1'));
    await pending();
    const cancelled = await terminal.cancel('S1-P1', 'shopper');
    expect(cancelled).toEqual({ kind: 'cancelled', reference: 'S1-P1', by: 'shopper' });
    expect(await outcome).toEqual(cancelled);
    expect(simulator.pending).toEqual([]);
    expect(charges()).toBe(0);
  });

  it('answers a cancel that races an approval with the approval', async () => {
    const terminal = await connect();
    const outcome = terminal.authorize(request('S1-P1'));
    const processing = prompt(terminal, 'S1-P1', 'processing');
    await pending();
    simulator.presentCard();
    await processing;
    // The card is with the acquirer: the terminal holds the cancel until the outcome is known.
    const cancel = terminal.cancel('S1-P1', 'shopper');
    await pending((transaction) => transaction.cancelRequested);
    simulator.decide('approve');
    const [authorized, cancelAnswer] = await Promise.all([outcome, cancel]);
    expect(cancelAnswer).toMatchObject({ kind: 'approved', reference: 'S1-P1' });
    expect(authorized).toEqual(cancelAnswer);
    expect(chargeStatus(cancelAnswer)).toBe('charged');
    expect(charges()).toBe(1);
  });

  it('answers a cancel after the approval with that approval', async () => {
    const terminal = await connect();
    const outcome = terminal.authorize(request('S1-P1'));
    await pending();
    simulator.decide('approve');
    const approved = await outcome;
    expect(await terminal.cancel('S1-P1')).toEqual(approved);
  });

  it('returns the same outcome when the same reference is authorised again, charging once', async () => {
    const terminal = await connect();
    const first = terminal.authorize(request('S1-P1'));
    await pending();
    simulator.decide('approve');
    const approved = await first;
    expect(await terminal.authorize(request('S1-P1'))).toEqual(approved);
    expect(simulator.transactions).toHaveLength(1);
    expect(simulator.transactions[0]).toMatchObject({ reference: 'S1-P1', authorizeCount: 2 });
    expect(charges()).toBe(1);
  });

  it('re-attaches to a pending transaction after a lane restart', async () => {
    const before = await connect();
    const interrupted = before.authorize(request('S1-P1'));
    await pending();
    await before.stop();
    // The request had reached the terminal, so the first process cannot say it was not charged.
    expect(await interrupted).toEqual({ kind: 'timedOut', reference: 'S1-P1' });

    const after = await connect();
    const resumed = after.authorize(request('S1-P1'));
    await authorizeCount('S1-P1', 2);
    simulator.decide('approve');
    expect(await resumed).toMatchObject({ kind: 'approved', reference: 'S1-P1' });
    expect(simulator.transactions).toHaveLength(1);
    expect(charges()).toBe(1);
  });

  it('gets the outcome when the connection drops mid-authorisation and comes back', async () => {
    const terminal = await connect();
    const outcome = terminal.authorize(request('S1-P1'));
    await pending();
    const lost = status(terminal, 'lost');
    simulator.setOffline(true);
    await lost;
    // The shopper finishes at the terminal while the line is down.
    simulator.decide('approve');
    simulator.setOffline(false);
    expect(await outcome).toMatchObject({ kind: 'approved', reference: 'S1-P1' });
    expect(terminal.status.kind).toBe('ready');
    expect(simulator.transactions).toEqual([expect.objectContaining({ reference: 'S1-P1', authorizeCount: 2 })]);
    expect(charges()).toBe(1);
  });

  it('keeps waiting across a dropped connection while the transaction is still pending', async () => {
    const terminal = await connect();
    const outcome = terminal.authorize(request('S1-P1'));
    await pending();
    const statuses: DeviceStatus['kind'][] = [];
    terminal.onStatus((value) => statuses.push(value.kind));
    simulator.dropConnections();
    await authorizeCount('S1-P1', 2);
    simulator.decide({ kind: 'decline', reason: 'pinIncorrect' });
    expect(await outcome).toMatchObject({ kind: 'declined', reason: 'pinIncorrect' });
    expect(statuses).toEqual(['lost', 'ready']);
  });

  it('is lost while the terminal is offline, and authorising is unavailable without charging', async () => {
    simulator.setOffline(true);
    const terminal = await connect({ connectTimeoutMs: 150 });
    expect(terminal.status.kind).toBe('lost');
    const outcome = await terminal.authorize(request('S1-P1'));
    expect(outcome).toMatchObject({ kind: 'unavailable', reference: 'S1-P1' });
    expect(chargeStatus(outcome)).toBe('notCharged');
    simulator.setOffline(false);
    await status(terminal, 'ready');
    expect(simulator.transactions).toEqual([]);
  });

  it('reports a terminal that is not there at all as lost', async () => {
    const port = simulator.port;
    await simulator.stop();
    const terminal = new TcpPaymentTerminal({ host: '127.0.0.1', port, connectTimeoutMs: 100, initialReconnectDelayMs: 10 });
    terminals.push(terminal);
    await terminal.start();
    expect(terminal.status).toMatchObject({ kind: 'lost', reason: expect.stringContaining('not reachable') });
    expect(await terminal.authorize(request('S1-P1'))).toMatchObject({ kind: 'unavailable' });
  });

  it('times out after asking the terminal once more, and cancel() then settles the reference', async () => {
    const terminal = await connect({ authorizeTimeoutMs: 200, statusTimeoutMs: 200 });
    const outcome = await terminal.authorize(request('S1-P1'));
    expect(outcome).toEqual({ kind: 'timedOut', reference: 'S1-P1' });
    expect(chargeStatus(outcome)).toBe('unknown');
    expect(await terminal.cancel('S1-P1')).toEqual({ kind: 'cancelled', reference: 'S1-P1', by: 'lane' });
    expect(charges()).toBe(0);
  });

  it('times out while the line is down, and cancel() later finds the approval made meanwhile', async () => {
    const terminal = await connect({ authorizeTimeoutMs: 300, statusTimeoutMs: 100 });
    const outcome = terminal.authorize(request('S1-P1'));
    await pending();
    simulator.setOffline(true);
    simulator.decide('approve');
    expect(await outcome).toEqual({ kind: 'timedOut', reference: 'S1-P1' });
    simulator.setOffline(false);
    expect(await terminal.cancel('S1-P1')).toMatchObject({ kind: 'approved', reference: 'S1-P1' });
    expect(charges()).toBe(1);
  });

  it('is unavailable when the terminal is busy with another transaction', async () => {
    const terminal = await connect();
    void terminal.authorize(request('S1-P1'));
    await pending();
    const other = await terminal.authorize(request('S2-P1', 700));
    expect(other).toMatchObject({ kind: 'unavailable', reference: 'S2-P1', detail: expect.stringContaining('busy') });
    expect(simulator.transactions.map((transaction) => transaction.reference)).toEqual(['S1-P1']);
    await terminal.cancel('S1-P1');
  });

  it('stops waiting on abort without cancelling on the terminal', async () => {
    const terminal = await connect();
    const controller = new AbortController();
    const outcome = terminal.authorize(request('S1-P1'), controller.signal);
    await pending();
    controller.abort();
    await expect(outcome).rejects.toMatchObject({ name: 'AbortError' });
    expect(simulator.pending).toHaveLength(1);
    const again = terminal.authorize(request('S1-P1'));
    await authorizeCount('S1-P1', 2);
    simulator.decide('approve');
    expect(await again).toMatchObject({ kind: 'approved' });
    expect(charges()).toBe(1);
  });

  it('rejects a reference reused for another amount, locally and on the terminal', async () => {
    const terminal = await connect();
    void terminal.authorize(request('S1-P1', 1000));
    await pending();
    await expect(terminal.authorize(request('S1-P1', 2000))).rejects.toBeInstanceOf(PaymentReferenceConflictError);
    const restarted = await connect();
    await expect(restarted.authorize(request('S1-P1', 2000))).rejects.toBeInstanceOf(PaymentReferenceConflictError);
    expect(simulator.transactions).toEqual([expect.objectContaining({ amountMinor: 1000 })]);
    await terminal.cancel('S1-P1');
  });

  it.each([12.5, 0, -100, Number.MAX_SAFE_INTEGER + 1])('rejects amount %s without sending anything', async (amountMinor) => {
    const terminal = await connect();
    await expect(terminal.authorize(request('S1-P1', amountMinor))).rejects.toThrow(RangeError);
    expect(simulator.transactions).toEqual([]);
  });

  it('cancels a reference the terminal never saw, so a late authorisation cannot charge it', async () => {
    const terminal = await connect();
    expect(await terminal.cancel('S1-P1', 'shopper')).toEqual({ kind: 'cancelled', reference: 'S1-P1', by: 'shopper' });
    expect(await terminal.authorize(request('S1-P1'))).toEqual({ kind: 'cancelled', reference: 'S1-P1', by: 'shopper' });
    expect(simulator.transactions).toEqual([]);
  });

  it('follows the script: approval after processing, then a decline', async () => {
    simulator.script([
      { decision: 'approve', delayMs: 20 },
      { decision: { kind: 'decline', reason: 'cardExpired' }, delayMs: 20 },
    ]);
    const terminal = await connect();
    const prompts: PaymentPrompt[] = [];
    terminal.onPrompt((change) => prompts.push(change.prompt));
    expect(await terminal.authorize(request('S1-P1'))).toMatchObject({ kind: 'approved' });
    expect(await terminal.authorize(request('S2-P1'))).toMatchObject({ kind: 'declined', reason: 'cardExpired' });
    expect(prompts).toContain('processing');
  });

  it('a terminal that hangs after taking the authorize: timedOut within the configured budget, and cancel() settles it once the terminal is back', async () => {
    simulator.setMode({ mode: 'unresponsive' });
    const terminal = await connect({ authorizeTimeoutMs: 300, statusTimeoutMs: 150, cancelTimeoutMs: 250, pingIntervalMs: 50, helloTimeoutMs: 100 });
    const began = Date.now();
    const outcome = await terminal.authorize(request('S1-P1'));
    const took = Date.now() - began;
    // The request reached the terminal, so the lane cannot say it was not charged.
    expect(outcome).toEqual({ kind: 'timedOut', reference: 'S1-P1' });
    expect(chargeStatus(outcome)).toBe('unknown');
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(300 + 150 + 400);
    expect(simulator.hung).toBe(true);
    // Unanswered pings dropped the connection; a new one gets no hello.
    await status(terminal, 'lost');

    // While it hangs, asking for the final outcome times out too, and nothing crashes.
    expect(await terminal.cancel('S1-P1')).toEqual({ kind: 'timedOut', reference: 'S1-P1' });

    simulator.setMode({ mode: 'manual' });
    await status(terminal, 'ready');
    expect(await terminal.cancel('S1-P1')).toEqual({ kind: 'cancelled', reference: 'S1-P1', by: 'lane' });
    expect(charges()).toBe(0);
  });

  it('a lane that starts while the terminal hangs answers unavailable within connectTimeoutMs, without sending the request', async () => {
    simulator.setMode({ mode: 'unresponsive' });
    const first = await connect();
    void first.authorize(request('S1-P1'));
    await vi.waitFor(() => expect(simulator.hung).toBe(true));

    const terminal = await connect({ connectTimeoutMs: 200, helloTimeoutMs: 80 });
    expect(terminal.status).toMatchObject({ kind: 'lost', reason: expect.stringContaining('no hello') });
    const began = Date.now();
    const outcome = await terminal.authorize(request('S2-P1'));
    expect(outcome).toMatchObject({ kind: 'unavailable', reference: 'S2-P1' });
    expect(chargeStatus(outcome)).toBe('notCharged');
    expect(Date.now() - began).toBeLessThan(200 + 400);
    expect(simulator.transactions.map((transaction) => transaction.reference)).toEqual(['S1-P1']);
    simulator.setMode({ mode: 'manual' });
    await status(first, 'ready');
    await first.cancel('S1-P1');
  });

  it('skips garbage from the terminal — binary noise, a cut-off message, invalid UTF-8, an endless line — and stays connected', async () => {
    const log = memoryLogger();
    const terminal = await connect({ logger: log });
    const statuses: DeviceStatus['kind'][] = [];
    terminal.onStatus((value) => statuses.push(value.kind));
    const garbage = record(terminal.onGarbage);
    const outcome = terminal.authorize(request('S1-P1'));
    await pending();
    simulator.sendRaw(Uint8Array.of(0x00, 0xff, 0xfe, 0x1b, 0x0a));
    simulator.sendRaw('{"type":"result","outcome":{"kind":"approved","reference":"S1-P1"\n');
    simulator.sendRaw(Uint8Array.of(0x7b, 0xe2, 0x82, 0x0a));
    simulator.sendRaw(`${'x'.repeat(40_000)}\n`);
    simulator.sendRaw('\r\n\n');
    simulator.decide('approve');
    expect(await outcome).toMatchObject({ kind: 'approved', reference: 'S1-P1' });
    expect(statuses).toEqual([]);
    expect(terminal.status.kind).toBe('ready');
    expect(charges()).toBe(1);
    expect(garbage.map((line) => line.reason)).toEqual(['notJson', 'notJson', 'notJson', 'lineTooLong']);
    // The first skipped line is logged at once; the rest of a flood only as a summary line every few seconds.
    const skipped = log.entries.filter((entry) => entry.level === 'warn' && entry.message.startsWith('skipped'));
    expect(skipped.map((entry) => entry.fields['problem'])).toEqual(['notJson']);
  });

  it('loses a result that garbage was glued to, and still gets the outcome by asking its status, charging once', async () => {
    const terminal = await connect({ authorizeTimeoutMs: 300, statusTimeoutMs: 200 });
    const outcome = terminal.authorize(request('S1-P1'));
    await pending();
    // Noise without a line end: the next message, the result, arrives with it in front and is unreadable.
    simulator.sendRaw(Uint8Array.of(0xff, 0x13));
    simulator.decide('approve');
    expect(await outcome).toMatchObject({ kind: 'approved', reference: 'S1-P1' });
    expect(simulator.transactions).toEqual([expect.objectContaining({ reference: 'S1-P1', authorizeCount: 1 })]);
    expect(charges()).toBe(1);
  });

  it('asks about every open exchange when a line is skipped, so a result lost to garbage arrives without waiting for the deadline', async () => {
    // A deadline far beyond the test's own timeout: only asking at once can finish this test.
    const terminal = await connect({ authorizeTimeoutMs: 600_000 });
    const outcome = terminal.authorize(request('S1-P1'));
    await pending();
    simulator.sendRaw(Uint8Array.of(0xff, 0x13));
    simulator.decide('approve');
    expect(await outcome).toMatchObject({ kind: 'approved', reference: 'S1-P1' });
    expect(charges()).toBe(1);
  });

  it('faults on a terminal that speaks another protocol version', async () => {
    const incompatible = new CardTerminalSimulator({ protocolVersion: 99 });
    await incompatible.start();
    try {
      const terminal = new TcpPaymentTerminal({ host: '127.0.0.1', port: incompatible.port });
      terminals.push(terminal);
      await terminal.start();
      expect(terminal.status).toEqual({ kind: 'fault', faults: ['unrecoverableError'] });
    } finally {
      await incompatible.stop();
    }
  });

  it('validates its options', () => {
    expect(() => new TcpPaymentTerminal({ host: '127.0.0.1', port: 0 })).toThrow(RangeError);
    expect(() => new TcpPaymentTerminal({ host: '127.0.0.1', port: 1, authorizeTimeoutMs: 1.5 })).toThrow(RangeError);
    expect(() => new TcpPaymentTerminal({ host: '127.0.0.1', port: 1, initialReconnectDelayMs: 100, maxReconnectDelayMs: 10 })).toThrow(RangeError);
  });
});

describe('TcpPaymentTerminal against a misbehaving terminal', () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A hand-written terminal, for behaviour the simulator never shows. */
  async function fakeTerminal(onConnection: (socket: Socket) => void): Promise<number> {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
      onConnection(socket);
    });
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });
    return (server.address() as AddressInfo).port;
  }

  async function connect(port: number, options: Partial<TcpPaymentTerminalOptions> = {}): Promise<TcpPaymentTerminal> {
    const terminal = new TcpPaymentTerminal({ host: '127.0.0.1', port, initialReconnectDelayMs: 10, maxReconnectDelayMs: 50, ...options });
    cleanups.push(() => terminal.stop());
    await terminal.start();
    return terminal;
  }

  it('skips malformed lines, ignores other references and masks a full card number', async () => {
    const port = await fakeTerminal((socket) => {
      socket.write('{"type":"hello","version":1}\n');
      socket.on('data', (chunk: Buffer) => {
        if (!chunk.toString().includes('"authorize"')) return;
        const approved = { kind: 'approved', reference: 'S1-P1', amountMinor: 1250, currency: 'EUR', authCode: 'XY12ZZ', maskedPan: '4242424242424242' };
        const reply = [
          'garbage',
          '{"type":"result","outcome":{"kind":"approved","reference":"S1-P1"}}',
          '{"type":"result","outcome":{"kind":"declined","reference":"someone-else","reason":"cardDeclined"}}',
          JSON.stringify({ type: 'result', outcome: approved }),
          '',
        ].join('\n');
        // Awkward chunks, as TCP may deliver them.
        for (let i = 0; i < reply.length; i += 7) socket.write(reply.slice(i, i + 7));
      });
    });
    const terminal = await connect(port);
    const outcome = await terminal.authorize(request('S1-P1'));
    expect(outcome).toEqual({ kind: 'approved', reference: 'S1-P1', amountMinor: 1250, currency: 'EUR', authCode: 'XY12ZZ', maskedPan: '**** **** **** 4242' });
    expect(terminal.status.kind).toBe('ready');
  });

  it('drops a peer that accepts but never says hello', async () => {
    const port = await fakeTerminal(() => {});
    const terminal = await connect(port, { helloTimeoutMs: 50 });
    expect(terminal.status).toMatchObject({ kind: 'lost', reason: expect.stringContaining('no hello') });
  });

  it('notices a terminal that stops answering pings', async () => {
    const port = await fakeTerminal((socket) => socket.write('{"type":"hello","version":1}\n'));
    const terminal = await connect(port, { pingIntervalMs: 30 });
    expect(terminal.status.kind).toBe('ready');
    const lost = await new Promise<DeviceStatus>((resolve) => terminal.onStatus((value) => value.kind === 'lost' && resolve(value)));
    expect(lost).toMatchObject({ reason: expect.stringContaining('ping') });
  });
});
