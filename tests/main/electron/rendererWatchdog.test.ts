import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchRenderer } from '../../../main/electron/rendererWatchdog';
import { kioskWindowOptions } from '../../../main/electron/windowOptions';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { FakeWindow, preventable } from './fakeElectron';

/** A crashed page is reloaded at once; a page hung for more than 10 s is killed and so reloaded. */
describe('the page watchdog', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function watched(options: { isQuitting?: () => boolean } = {}) {
    const window = new FakeWindow(kioskWindowOptions({ isPackaged: true, preload: 'preload.cjs' }));
    const log = createRecordingLogger();
    const watchdog = watchRenderer(window, { log, ...options });
    return { window, log, watchdog };
  }

  it('reloads a page whose renderer crashed, and logs why', () => {
    const { window, log } = watched();
    window.webContents.emit('render-process-gone', preventable(), { reason: 'crashed', exitCode: 139 });
    expect(window.webContents.reloads).toBe(1);
    window.webContents.emit('render-process-gone', preventable(), { reason: 'oom', exitCode: 0 });
    expect(window.webContents.reloads).toBe(2);
    expect(log.find('error', 'page renderer gone; reloading').map((record) => record.fields.reason)).toEqual(['crashed', 'oom']);
  });

  it('kills and reloads a page still hung 10 s after Electron says it is unresponsive', () => {
    const { window, log } = watched();
    window.emit('unresponsive');
    window.emit('unresponsive');
    vi.advanceTimersByTime(9_999);
    expect(window.webContents.crashes).toBe(0);
    vi.advanceTimersByTime(1);
    expect(window.webContents.crashes).toBe(1);
    expect(window.webContents.reloads).toBe(1);
    expect(log.find('error', 'page still unresponsive; reloading')).toHaveLength(1);
  });

  it('leaves a page alone that recovers in time', () => {
    const { window, log } = watched();
    window.emit('unresponsive');
    vi.advanceTimersByTime(5_000);
    window.emit('responsive');
    vi.advanceTimersByTime(60_000);
    expect(window.webContents.crashes).toBe(0);
    expect(window.webContents.reloads).toBe(0);
    expect(log.find('info', 'page responsive again')).toHaveLength(1);
  });

  it('does nothing while the app quits or after it is disposed', () => {
    let quitting = true;
    const { window, watchdog } = watched({ isQuitting: () => quitting });
    window.webContents.emit('render-process-gone', preventable(), { reason: 'clean-exit', exitCode: 0 });
    expect(window.webContents.reloads).toBe(0);
    quitting = false;
    window.emit('unresponsive');
    watchdog.dispose();
    vi.advanceTimersByTime(20_000);
    window.webContents.emit('render-process-gone', preventable(), { reason: 'crashed', exitCode: 1 });
    expect(window.webContents.crashes).toBe(0);
    expect(window.webContents.reloads).toBe(0);
  });
});
