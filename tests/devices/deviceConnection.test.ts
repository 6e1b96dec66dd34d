import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeviceConnection, type DeviceConnectionHooks } from '../../devices/deviceConnection';
import type { DeviceStatus } from '../../shared/devices';
import { Emitter } from '../../shared/event';
import { memoryLogger, record } from './support/harness';

/** A transport whose opens succeed or fail on demand, and which can "lose the line". */
class FakeTransport {
  readonly #onLost = new Emitter<Error>();
  readonly onLost = this.#onLost.event;
  available = true;
  isOpen = false;
  opens = 0;
  closes = 0;
  /** When set, open() waits for this before finishing. */
  gate: Promise<void> | undefined;

  async open(): Promise<void> {
    this.opens++;
    await this.gate;
    if (!this.available) throw new Error('ENOENT: no such device');
    this.isOpen = true;
  }

  async close(): Promise<void> {
    this.closes++;
    this.isOpen = false;
  }

  lose(): void {
    this.isOpen = false;
    this.#onLost.fire(new Error('unplugged'));
  }
}

const ready: DeviceStatus = { kind: 'ready', warnings: [] };

function connect(transport: FakeTransport, hooks: Partial<DeviceConnectionHooks> = {}) {
  const log = memoryLogger();
  const connection: DeviceConnection = new DeviceConnection(transport, log, {
    device: 'widget',
    port: 'widget port',
    reconnect: { initialDelayMs: 10, maxDelayMs: 10 },
    onOpened: () => connection.setStatus(ready),
    ...hooks,
  });
  const statuses = record(connection.onStatus);
  return { connection, statuses, log };
}

describe('DeviceConnection', () => {
  afterEach(() => vi.useRealTimers());

  it('starts connecting, opens, and lets the service say ready; stop closes and shows closed', async () => {
    const transport = new FakeTransport();
    const disposed = vi.fn();
    const { connection, statuses } = connect(transport, { listen: () => ({ dispose: disposed }) });
    await connection.start();
    expect(statuses.map((status) => status.kind)).toEqual(['connecting', 'ready']);
    await connection.stop();
    expect(statuses.at(-1)).toEqual({ kind: 'closed' });
    expect(disposed).toHaveBeenCalledOnce();
    expect(transport.closes).toBe(1);
  });

  it('an absent device is lost, not an error, and is opened by the reconnect loop when it comes', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    transport.available = false;
    const lineDown = vi.fn();
    const { connection, log } = connect(transport, { onLineDown: lineDown });
    await connection.start();
    expect(connection.status).toEqual({ kind: 'lost', reason: 'ENOENT: no such device' });
    await vi.advanceTimersByTimeAsync(50);
    // The first failure is a warning; the repeats while it stays away are debug lines.
    expect(log.entries.filter((entry) => entry.level === 'warn')).toHaveLength(1);
    expect(lineDown.mock.calls.length).toBeGreaterThan(1);
    transport.available = true;
    await vi.advanceTimersByTimeAsync(20);
    expect(connection.status).toEqual(ready);
    await connection.stop();
  });

  it('a loss bumps the generation, reports lost once, and reconnects', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const { connection, statuses } = connect(transport);
    await connection.start();
    const generation = connection.generation;
    transport.lose();
    transport.lose();
    expect(connection.generation).toBe(generation + 1);
    expect(statuses.filter((status) => status.kind === 'lost')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(connection.status).toEqual(ready);
    await connection.stop();
  });

  it('a line lost while the service is still setting it up counts as a failed attempt, and the loop goes on', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    let firstOpen = true;
    const { connection } = connect(transport, {
      onOpened: () => {
        if (firstOpen) {
          firstOpen = false;
          transport.lose();
          return;
        }
        connection.setStatus(ready);
      },
    });
    await connection.start();
    expect(connection.status.kind).toBe('lost');
    await vi.advanceTimersByTimeAsync(20);
    expect(connection.status).toEqual(ready);
    expect(transport.opens).toBe(2);
    await connection.stop();
  });

  it('stop() while an open is under way closes the port again behind it', async () => {
    const transport = new FakeTransport();
    let release!: () => void;
    transport.gate = new Promise((resolve) => (release = resolve));
    const { connection } = connect(transport);
    const starting = connection.start();
    const stopping = connection.stop();
    release();
    await Promise.all([starting, stopping]);
    expect(connection.status).toEqual({ kind: 'closed' });
    expect(transport.isOpen).toBe(false);
  });

  it('a loss during beforeClose is not reconnected; reportLost closes our end and reconnects', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const { connection } = connect(transport, { beforeClose: async () => transport.lose() });
    await connection.start();
    await connection.reportLost('write timed out');
    expect(connection.status).toEqual({ kind: 'lost', reason: 'write timed out' });
    expect(transport.closes).toBe(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(connection.status).toEqual(ready);

    const opens = transport.opens;
    await connection.stop();
    await vi.advanceTimersByTimeAsync(100);
    expect(transport.opens).toBe(opens);
    expect(connection.status).toEqual({ kind: 'closed' });
  });
});
