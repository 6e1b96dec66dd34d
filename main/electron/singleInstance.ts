import type { Logger } from '../../shared/log';
import type { AppLike, WindowLike } from './electronApi';

/**
 * One Lanewise per terminal: two would fight over the serial ports and the journal. A second
 * start (a double click, an autostart that fired twice) quits at once, and the first one comes
 * to the front instead. Returns false in the second instance.
 */
export function claimSingleInstance(app: Pick<AppLike, 'requestSingleInstanceLock' | 'quit' | 'on'>, window: () => WindowLike | undefined, log: Logger): boolean {
  if (!app.requestSingleInstanceLock()) {
    log.warn({}, 'Lanewise is already running on this terminal; this second start quits');
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    log.info({}, 'a second start was refused; showing this one');
    const shown = window();
    if (!shown || shown.isDestroyed()) return;
    if (shown.isMinimized()) shown.restore();
    shown.show();
    shown.focus();
  });
  return true;
}
