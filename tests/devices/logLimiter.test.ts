import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogLimiter } from '../../devices/logLimiter';
import { memoryLogger } from './support/harness';

describe('LogLimiter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs the first line at once, then one summary per window while it goes on, and the next flood at once again', async () => {
    vi.useFakeTimers();
    const log = memoryLogger();
    const limiter = new LogLimiter(log, { windowMs: 10_000 });
    for (let i = 0; i < 700; i++) limiter.report({ byteCount: i }, 'scanner sent an unusable frame');
    expect(log.entries).toEqual([{ level: 'warn', fields: { byteCount: 0 }, message: 'scanner sent an unusable frame' }]);

    await vi.advanceTimersByTimeAsync(10_000);
    expect(log.entries[1]).toEqual({ level: 'warn', fields: { byteCount: 699, repeated: 699, windowMs: 10_000 }, message: 'scanner sent an unusable frame (699 more in 10 s)' });
    // Still flooding: counted into the next window.
    limiter.report({ byteCount: 1 }, 'scanner sent an unusable frame');
    expect(log.entries).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log.entries.map((entry) => entry.fields['repeated'])).toEqual([undefined, 699, 1]);

    // Quiet for a window: the next one is logged at once.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log.entries).toHaveLength(3);
    limiter.report({ byteCount: 2 }, 'scanner sent an unusable frame');
    expect(log.entries).toHaveLength(4);
    expect(log.entries[3]?.fields).toEqual({ byteCount: 2 });
  });

  it('logs what it still counts when flushed (the device stopping), at the level it was given', () => {
    const log = memoryLogger();
    const limiter = new LogLimiter(log, { level: 'info' });
    limiter.report({}, 'noise');
    limiter.report({}, 'noise');
    limiter.flush();
    expect(log.entries.map((entry) => [entry.level, entry.message])).toEqual([
      ['info', 'noise'],
      ['info', 'noise (1 more in 10 s)'],
    ]);
    expect(() => new LogLimiter(log, { windowMs: 0 })).toThrow(RangeError);
  });
});
