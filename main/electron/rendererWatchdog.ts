import type { Logger } from '../../shared/log';
import type { WindowLike } from './electronApi';

/** A page unresponsive this long is reloaded (Electron reports a hang after a few seconds already). */
export const defaultHangReloadMs = 10_000;

/**
 * Keeps the page alive: a renderer that crashed or was killed is reloaded at once, one that
 * hangs for longer than `hangReloadMs` is killed (and so reloaded). The sale lives in the lane
 * runtime, not in the page, so a reload loses nothing.
 */
export function watchRenderer(window: WindowLike, options: { readonly log: Logger; readonly hangReloadMs?: number; readonly isQuitting?: () => boolean }): { dispose(): void } {
  const { log } = options;
  const hangReloadMs = options.hangReloadMs ?? defaultHangReloadMs;
  let hang: NodeJS.Timeout | undefined;
  let disposed = false;
  const usable = () => !disposed && !window.isDestroyed() && !options.isQuitting?.();

  window.webContents.on('render-process-gone', (_event, details) => {
    clearTimeout(hang);
    hang = undefined;
    if (!usable()) return;
    log.error({ reason: details.reason, exitCode: details.exitCode }, 'page renderer gone; reloading');
    window.webContents.reload();
  });
  window.on('unresponsive', () => {
    if (hang || !usable()) return;
    log.warn({ reloadAfterMs: hangReloadMs }, 'page unresponsive');
    hang = setTimeout(() => {
      hang = undefined;
      if (!usable()) return;
      log.error({ afterMs: hangReloadMs }, 'page still unresponsive; reloading');
      // A hung renderer cannot reload itself: end it; its `render-process-gone` reloads the page in a fresh one.
      window.webContents.forcefullyCrashRenderer();
    }, hangReloadMs);
  });
  window.on('responsive', () => {
    if (!hang) return;
    clearTimeout(hang);
    hang = undefined;
    log.info({}, 'page responsive again');
  });
  return {
    dispose() {
      disposed = true;
      clearTimeout(hang);
    },
  };
}
