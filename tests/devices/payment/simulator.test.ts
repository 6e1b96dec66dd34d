import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PendingTransaction, SimulatorMode } from '../../../devices/payment/simulator';
import { CardTerminalSimulator } from '../../../devices/payment/simulator';
import { decodeTerminalMessage, encodeMessage, LineDecoder, PROTOCOL_VERSION, type LaneMessage, type TerminalMessage } from '../../../devices/payment/protocol';

/** A bare protocol client, so the simulator is tested without the lane-side driver. */
interface RawLane {
  send(message: LaneMessage | string): void;
  next(predicate?: (message: TerminalMessage) => boolean): Promise<TerminalMessage>;
  closed: Promise<void>;
  socket: Socket;
}

async function connectRaw(port: number, greet = true): Promise<RawLane> {
  const socket = createConnection({ host: '127.0.0.1', port });
  const lines = new LineDecoder();
  const received: TerminalMessage[] = [];
  const waiters: { predicate: (message: TerminalMessage) => boolean; resolve: (message: TerminalMessage) => void }[] = [];
  const deliver = (): void => {
    for (const waiter of [...waiters]) {
      const index = received.findIndex(waiter.predicate);
      if (index === -1) continue;
      const [message] = received.splice(index, 1);
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message!);
    }
  };
  socket.on('data', (chunk: Buffer) => {
    for (const line of lines.push(chunk)) {
      if (!line.ok) throw new Error(line.error.detail);
      const message = decodeTerminalMessage(line.value);
      if (!message.ok) throw new Error(`simulator sent a malformed message: ${message.error.detail}`);
      received.push(message.value);
    }
    deliver();
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const lane: RawLane = {
    socket,
    closed,
    send: (message) => socket.write(typeof message === 'string' ? message : encodeMessage(message)),
    next: (predicate = () => true) =>
      new Promise((resolve) => {
        waiters.push({ predicate, resolve });
        deliver();
      }),
  };
  const hello = await lane.next();
  expect(hello).toMatchObject({ type: 'hello', version: PROTOCOL_VERSION });
  if (greet) lane.send({ type: 'hello', version: PROTOCOL_VERSION, lane: 'test' });
  return lane;
}

describe('CardTerminalSimulator', () => {
  let simulator: CardTerminalSimulator;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    simulator = new CardTerminalSimulator();
    await simulator.start();
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await simulator.stop();
  });

  const connect = async (greet = true): Promise<RawLane> => {
    const lane = await connectRaw(simulator.port, greet);
    sockets.push(lane.socket);
    return lane;
  };

  it('listens on an ephemeral loopback port', () => {
    expect(simulator.port).toBeGreaterThan(0);
  });

  it('reports malformed lines and keeps serving the connection', async () => {
    const lane = await connect();
    lane.send('this is not json\n');
    expect(await lane.next()).toMatchObject({ type: 'error', code: 'malformed' });
    lane.send('{"type":"authorize","reference":"R1","amountMinor":12.5,"currency":"EUR"}\n');
    expect(await lane.next()).toMatchObject({ type: 'error', code: 'malformed' });
    lane.send('{"type":"selfDestruct"}\n');
    expect(await lane.next()).toMatchObject({ type: 'error', code: 'malformed' });
    lane.send(`${'x'.repeat(20_000)}\n`);
    expect(await lane.next()).toMatchObject({ type: 'error', code: 'malformed' });
    lane.send({ type: 'ping' });
    expect(await lane.next()).toEqual({ type: 'pong' });
    expect(simulator.transactions).toEqual([]);
  });

  it('requires a hello before requests', async () => {
    const lane = await connect(false);
    lane.send({ type: 'status', reference: 'R1' });
    expect(await lane.next()).toMatchObject({ type: 'error', code: 'helloRequired' });
  });

  it('refuses a lane that speaks another protocol version', async () => {
    const lane = await connect(false);
    lane.send({ type: 'hello', version: PROTOCOL_VERSION + 1 });
    expect(await lane.next()).toMatchObject({ type: 'error', code: 'unsupportedVersion' });
    await lane.closed;
  });

  it('answers status for unknown, pending and finished references', async () => {
    const lane = await connect();
    lane.send({ type: 'status', reference: 'R1' });
    expect(await lane.next()).toEqual({ type: 'unknown', reference: 'R1' });
    lane.send({ type: 'authorize', reference: 'R1', amountMinor: 500, currency: 'EUR' });
    expect(await lane.next()).toEqual({ type: 'pending', reference: 'R1', prompt: 'presentCard' });
    lane.send({ type: 'status', reference: 'R1' });
    expect(await lane.next()).toEqual({ type: 'pending', reference: 'R1', prompt: 'presentCard' });
    expect(simulator.decide({ kind: 'decline', reason: 'cardExpired' })).toBe(true);
    expect(await lane.next()).toEqual({ type: 'result', outcome: { kind: 'declined', reference: 'R1', reason: 'cardExpired' } });
    lane.send({ type: 'status', reference: 'R1' });
    expect(await lane.next()).toMatchObject({ type: 'result', outcome: { kind: 'declined' } });
  });

  it('serves one card at a time and refuses a second reference as busy', async () => {
    const lane = await connect();
    lane.send({ type: 'authorize', reference: 'R1', amountMinor: 500, currency: 'EUR' });
    await lane.next((message) => message.type === 'pending');
    lane.send({ type: 'authorize', reference: 'R2', amountMinor: 700, currency: 'EUR' });
    expect(await lane.next()).toMatchObject({ type: 'error', code: 'busy', reference: 'R2' });
    expect(simulator.transactions.map((transaction) => transaction.reference)).toEqual(['R1']);
  });

  it('refuses a known reference with another amount', async () => {
    const lane = await connect();
    lane.send({ type: 'authorize', reference: 'R1', amountMinor: 500, currency: 'EUR' });
    await lane.next((message) => message.type === 'pending');
    lane.send({ type: 'authorize', reference: 'R1', amountMinor: 501, currency: 'EUR' });
    expect(await lane.next()).toMatchObject({ type: 'error', code: 'referenceConflict', reference: 'R1' });
  });

  it('remembers a cancel for a reference it has not seen, so a late authorize cannot charge', async () => {
    const lane = await connect();
    lane.send({ type: 'cancel', reference: 'R9', by: 'shopper' });
    expect(await lane.next()).toEqual({ type: 'result', outcome: { kind: 'cancelled', reference: 'R9', by: 'shopper' } });
    lane.send({ type: 'authorize', reference: 'R9', amountMinor: 500, currency: 'EUR' });
    expect(await lane.next()).toEqual({ type: 'result', outcome: { kind: 'cancelled', reference: 'R9', by: 'shopper' } });
    expect(simulator.transactions).toEqual([]);
    expect(simulator.pending).toEqual([]);
  });

  it('tells listeners about the pending transaction as it moves along', async () => {
    const changes: (readonly PendingTransaction[])[] = [];
    simulator.onChange((pending) => changes.push(pending));
    const lane = await connect();
    lane.send({ type: 'authorize', reference: 'R1', amountMinor: 1999, currency: 'SEK' });
    await lane.next((message) => message.type === 'pending');
    expect(simulator.presentCard()).toBe(true);
    expect(simulator.decide('R1', 'approve')).toBe(true);
    expect(changes).toEqual([
      [{ reference: 'R1', amountMinor: 1999, currency: 'SEK', prompt: 'presentCard', cancelRequested: false }],
      [{ reference: 'R1', amountMinor: 1999, currency: 'SEK', prompt: 'processing', cancelRequested: false }],
      [],
    ]);
    expect(simulator.decide('approve')).toBe(false);
  });

  it('approves with a masked card number and a six-character auth code', async () => {
    const lane = await connect();
    lane.send({ type: 'authorize', reference: 'R1', amountMinor: 1250, currency: 'EUR' });
    await lane.next((message) => message.type === 'pending');
    simulator.decide({ kind: 'approve', last4: '0005', scheme: 'MASTERCARD' });
    const result = await lane.next((message) => message.type === 'result');
    expect(result).toMatchObject({ outcome: { kind: 'approved', reference: 'R1', amountMinor: 1250, currency: 'EUR', maskedPan: '**** **** **** 0005', scheme: 'MASTERCARD' } });
    expect(result.type === 'result' && result.outcome.kind === 'approved' && result.outcome.authCode).toMatch(/^[A-Z0-9]{6}$/);
  });

  it('approves part of the amount for a gift card with less on it, never more than asked', async () => {
    const lane = await connect();
    lane.send({ type: 'authorize', reference: 'R1', amountMinor: 938, currency: 'EUR' });
    await lane.next((message) => message.type === 'pending');
    simulator.decide({ kind: 'approve', approvedMinor: 500, scheme: 'GIFT' });
    expect(await lane.next((message) => message.type === 'result')).toMatchObject({ outcome: { kind: 'approved', reference: 'R1', amountMinor: 500 } });
    lane.send({ type: 'authorize', reference: 'R2', amountMinor: 438, currency: 'EUR' });
    await lane.next((message) => message.type === 'pending' && message.reference === 'R2');
    simulator.decide({ kind: 'approve', approvedMinor: 5000 });
    expect(await lane.next((message) => message.type === 'result' && message.outcome.reference === 'R2')).toMatchObject({ outcome: { kind: 'approved', amountMinor: 438 } });
    expect(() => simulator.decide({ kind: 'approve', approvedMinor: 0 })).toThrow(RangeError);
  });

  it('decides by script first, then by mode', async () => {
    simulator.setMode({ mode: 'auto', decision: 'decline', delayMs: 5 });
    simulator.script([{ decision: 'approve', delayMs: 10 }]);
    const lane = await connect();
    lane.send({ type: 'authorize', reference: 'R1', amountMinor: 100, currency: 'EUR' });
    expect(await lane.next((message) => message.type === 'pending' && message.prompt === 'processing')).toBeDefined();
    expect(await lane.next((message) => message.type === 'result')).toMatchObject({ outcome: { kind: 'approved' } });
    lane.send({ type: 'authorize', reference: 'R2', amountMinor: 100, currency: 'EUR' });
    expect(await lane.next((message) => message.type === 'result')).toMatchObject({ outcome: { kind: 'declined', reason: 'cardDeclined' } });
  });

  it('closes connections while offline and accepts them again afterwards', async () => {
    const lane = await connect();
    simulator.setOffline(true);
    await lane.closed;
    const refused = createConnection({ host: '127.0.0.1', port: simulator.port });
    refused.on('error', () => {});
    await new Promise((resolve) => refused.on('close', resolve));
    simulator.setOffline(false);
    const again = await connect();
    again.send({ type: 'ping' });
    expect(await again.next()).toEqual({ type: 'pong' });
  });

  /** Everything a bare connection receives within `ms` (no hello is awaited). */
  const listenBare = async (ms: number): Promise<Buffer> => {
    const socket = createConnection({ host: '127.0.0.1', port: simulator.port });
    sockets.push(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise((resolve) => socket.once('connect', resolve));
    await sleep(ms);
    return Buffer.concat(chunks);
  };

  it('unresponsive: greets, takes the authorize, then sends nothing at all until it is back', async () => {
    simulator.setMode({ mode: 'unresponsive' });
    const lane = await connect();
    lane.send({ type: 'ping' });
    expect(await lane.next()).toEqual({ type: 'pong' });
    expect(simulator.hung).toBe(false);

    lane.send({ type: 'authorize', reference: 'R1', amountMinor: 500, currency: 'EUR' });
    await vi.waitFor(() => expect(simulator.hung).toBe(true));
    lane.send({ type: 'ping' });
    lane.send({ type: 'status', reference: 'R1' });
    lane.send({ type: 'authorize', reference: 'R1', amountMinor: 500, currency: 'EUR' });
    expect(await Promise.race([lane.next(), sleep(150).then(() => 'silence')])).toBe('silence');
    // It took the request: as far as the lane can tell, a charge may be under way.
    expect(simulator.transactions).toEqual([expect.objectContaining({ reference: 'R1', prompt: 'presentCard', outcome: undefined, authorizeCount: 2 })]);
    // A lane that reconnects is accepted and hears nothing, not even hello.
    expect(await listenBare(100)).toHaveLength(0);

    // Back (rebooted): lanes are dropped, and the transaction waits at its prompt.
    simulator.setMode({ mode: 'manual' });
    expect(simulator.hung).toBe(false);
    await lane.closed;
    const again = await connect();
    again.send({ type: 'status', reference: 'R1' });
    expect(await again.next()).toEqual({ type: 'pending', reference: 'R1', prompt: 'presentCard' });
    expect(simulator.decide('approve')).toBe(true);
    expect(await again.next()).toMatchObject({ type: 'result', outcome: { kind: 'approved', reference: 'R1' } });
  });

  it('does not move a transaction on while hung, and keeps the script for after', async () => {
    simulator.setMode({ mode: 'unresponsive' });
    simulator.script([{ decision: 'approve', delayMs: 0 }]);
    const lane = await connect();
    lane.send({ type: 'authorize', reference: 'R1', amountMinor: 500, currency: 'EUR' });
    await vi.waitFor(() => expect(simulator.hung).toBe(true));
    await sleep(50);
    expect(simulator.transactions[0]?.outcome).toBeUndefined();
    simulator.setMode({ mode: 'manual' });
    simulator.decide('cancel');
    const again = await connect();
    again.send({ type: 'authorize', reference: 'R2', amountMinor: 700, currency: 'EUR' });
    expect(await again.next((message) => message.type === 'result')).toMatchObject({ outcome: { kind: 'approved', reference: 'R2' } });
  });

  it('sendRaw puts bytes on the wire as they are, to greeted and ungreeted lanes', async () => {
    const lane = await connect();
    const bare = listenBare(100);
    await sleep(20);
    const raw: Buffer[] = [];
    lane.socket.prependListener('data', (chunk: Buffer) => raw.push(chunk));
    const noise = Uint8Array.of(0x00, 0xff, 0xfe);
    simulator.sendRaw(noise);
    simulator.sendRaw('half a message');
    expect((await bare).subarray(-17)).toEqual(Buffer.concat([noise, Buffer.from('half a message')]));
    expect(Buffer.concat(raw)).toEqual(Buffer.concat([noise, Buffer.from('half a message')]));
  });

  it('validates its options and decisions', () => {
    expect(() => new CardTerminalSimulator({ port: 70_000 })).toThrow(RangeError);
    expect(() => simulator.setMode({ mode: 'auto', decision: 'approve', delayMs: -1 })).toThrow(RangeError);
    expect(() => simulator.script([{ decision: { kind: 'approve', last4: '42' } }])).toThrow(RangeError);
    expect(() => simulator.setMode({ mode: 'hung' } as unknown as SimulatorMode)).toThrow(RangeError);
  });
});
