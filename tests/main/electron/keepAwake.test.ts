import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isWithinOpeningHours, type OpeningHours } from '../../../main/config/terminalConfig';
import { keepDisplayAwakeWhileOpen } from '../../../main/electron/keepAwake';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { FakePowerSaveBlocker } from './fakeElectron';

/** The display stays awake while the store is open, and may sleep outside opening hours. */
describe('keeping the display awake', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const day = ['08:00', '22:00'] as const;
  const hours: OpeningHours = { timeZone: 'Europe/Riga', days: { '1': day, '2': day, '3': day, '4': day, '5': day, '6': ['09:00', '18:00'], '7': null } };
  const minute = 60_000;

  it('follows the opening hours with a fake clock, checked every minute', () => {
    // Monday 1 June 2026, 07:58 in Riga (UTC+3 in summer).
    vi.setSystemTime(new Date('2026-06-01T04:58:00Z'));
    const blocker = new FakePowerSaveBlocker();
    const log = createRecordingLogger();
    const awake = keepDisplayAwakeWhileOpen({ powerSaveBlocker: blocker, isOpen: (at) => isWithinOpeningHours(hours, at), log });
    expect(awake.blocking).toBe(false);
    vi.advanceTimersByTime(minute);
    expect(awake.blocking).toBe(false);
    vi.advanceTimersByTime(minute); // 08:00
    expect(awake.blocking).toBe(true);
    expect(blocker.active.size).toBe(1);
    vi.advanceTimersByTime(13 * 60 * minute); // 21:00: still one blocker, not one a minute
    expect(blocker.active.size).toBe(1);
    vi.advanceTimersByTime(60 * minute); // 22:00
    expect(awake.blocking).toBe(false);
    expect(blocker.active.size).toBe(0);
    // Sunday is closed all day.
    vi.setSystemTime(new Date('2026-06-07T09:00:00Z'));
    vi.advanceTimersByTime(minute);
    expect(awake.blocking).toBe(false);
    expect(log.records.map((record) => record.message)).toEqual(['open: the display stays awake', 'closed: the display may sleep']);
    awake.stop();
  });

  it('keeps it awake all the time without opening hours, and lets go when stopped', () => {
    const blocker = new FakePowerSaveBlocker();
    const awake = keepDisplayAwakeWhileOpen({ powerSaveBlocker: blocker, isOpen: (at) => isWithinOpeningHours(undefined, at), log: createRecordingLogger() });
    expect(awake.blocking).toBe(true);
    awake.stop();
    expect(blocker.active.size).toBe(0);
    vi.advanceTimersByTime(10 * minute);
    expect(blocker.active.size).toBe(0);
  });

  it('stays awake when the hours cannot be evaluated (better awake at night than dark by day)', () => {
    const blocker = new FakePowerSaveBlocker();
    const log = createRecordingLogger();
    const awake = keepDisplayAwakeWhileOpen({
      powerSaveBlocker: blocker,
      isOpen: () => {
        throw new RangeError('Invalid time zone specified: Mars/Olympus');
      },
      log,
    });
    expect(awake.blocking).toBe(true);
    expect(log.find('error', 'opening hours could not be evaluated; keeping the display awake')).toHaveLength(1);
    awake.stop();
  });
});
