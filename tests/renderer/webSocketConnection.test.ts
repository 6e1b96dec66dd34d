// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotConnectedError } from '../../renderer/bridge/laneConnection';
import { bridgeUrl, createWebSocketConnection } from '../../renderer/bridge/webSocketConnection';

class FakeSocket {
  static made: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(data: string) {
    this.onmessage?.(new MessageEvent('message', { data }));
  }
  drop() {
    this.readyState = 3;
    this.onerror?.(new Event('error'));
    this.onclose?.(new CloseEvent('close'));
  }
}

const last = () => FakeSocket.made[FakeSocket.made.length - 1]!;

beforeEach(() => {
  FakeSocket.made = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('createWebSocketConnection', () => {
  const make = () => createWebSocketConnection('ws://lane/bridge', { createSocket: (url) => new FakeSocket(url) as unknown as WebSocket });

  it('opens, carries messages both ways and refuses to send while closed', () => {
    const connection = make();
    const opened = vi.fn();
    const received = vi.fn();
    connection.onOpen(opened);
    connection.onMessage(received);
    expect(connection.isOpen).toBe(false);
    expect(() => connection.send('x')).toThrow(NotConnectedError);
    last().open();
    expect(opened).toHaveBeenCalledTimes(1);
    expect(connection.isOpen).toBe(true);
    connection.send('hello');
    expect(last().sent).toEqual(['hello']);
    last().receive('{"kind":"event"}');
    expect(received).toHaveBeenCalledWith('{"kind":"event"}');
  });

  it('reconnects with a backoff that doubles up to 2 s and resets after a success', () => {
    const connection = make();
    const closed = vi.fn();
    connection.onClose(closed);
    last().open();
    last().drop();
    expect(closed).toHaveBeenCalledTimes(1);
    expect(connection.isOpen).toBe(false);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = FakeSocket.made.length;
      let waited = 0;
      while (FakeSocket.made.length === before) {
        vi.advanceTimersByTime(50);
        waited += 50;
      }
      delays.push(waited);
      last().drop();
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    // Failed attempts that never opened do not fire onClose again.
    expect(closed).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2000);
    last().open();
    last().drop();
    const before = FakeSocket.made.length;
    vi.advanceTimersByTime(250);
    expect(FakeSocket.made.length).toBe(before + 1);
  });

  it('stops reconnecting when disposed', () => {
    const connection = make();
    last().open();
    connection.dispose();
    expect(last().readyState).toBe(3);
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.made).toHaveLength(1);
  });

  it('builds the bridge address from the page address', () => {
    expect(bridgeUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/bridge');
    expect(bridgeUrl({ protocol: 'https:', host: 'lane3.store' })).toBe('wss://lane3.store/bridge');
  });
});
