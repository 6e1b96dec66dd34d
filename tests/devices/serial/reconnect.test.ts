import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, defaultBackoff, Reconnector, resolveBackoff } from '../../../devices/serial/reconnect';

describe('backoff', () => {
  it('doubles from 250 ms up to 1 s by default, so a returning device is back within 2 s', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, defaultBackoff))).toEqual([250, 500, 1_000, 1_000, 1_000]);
  });

  it('validates its options', () => {
    expect(resolveBackoff({ initialDelayMs: 10 })).toEqual({ initialDelayMs: 10, maxDelayMs: 1_000, factor: 2 });
    expect(() => resolveBackoff({ initialDelayMs: -1 })).toThrow(RangeError);
    expect(() => resolveBackoff({ initialDelayMs: 100, maxDelayMs: 50 })).toThrow(RangeError);
    expect(() => resolveBackoff({ factor: 0.5 })).toThrow(RangeError);
  });
});

describe('Reconnector', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries after each delay until the attempt succeeds, counting rejections as failures', async () => {
    vi.useFakeTimers();
    const results: (boolean | Error)[] = [false, new Error('EACCES'), false, true];
    const times: number[] = [];
    const reconnector = new Reconnector(async () => {
      times.push(Date.now());
      const result = results.shift();
      if (result instanceof Error) throw result;
      return result ?? true;
    }, { initialDelayMs: 100, maxDelayMs: 300 });
    const start = Date.now();
    reconnector.start();
    expect(reconnector.active).toBe(true);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(times.map((time) => time - start)).toEqual([100, 300, 600, 900]);
    expect(reconnector.active).toBe(false);
  });

  it('cancel() stops the loop, also while an attempt is in flight', async () => {
    vi.useFakeTimers();
    let release: (value: boolean) => void = () => undefined;
    let calls = 0;
    const reconnector = new Reconnector(() => {
      calls++;
      return new Promise<boolean>((resolve) => (release = resolve));
    }, { initialDelayMs: 10 });
    reconnector.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toBe(1);
    reconnector.cancel();
    release(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
    expect(reconnector.active).toBe(false);
  });

  it('start() while running does not start a second loop', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const reconnector = new Reconnector(async () => {
      calls++;
      return false;
    }, { initialDelayMs: 100, maxDelayMs: 100 });
    reconnector.start();
    reconnector.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(10);
    reconnector.cancel();
  });
});
