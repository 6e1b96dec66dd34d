import type { Logger } from '../../shared/log';
import type { PowerSaveBlockerLike } from './electronApi';

/** How often opening hours are looked at again. */
export const openingHoursCheckMs = 60_000;

/**
 * The screen never sleeps while the store is open (a dark lane looks closed), and may sleep
 * outside opening hours. Checked now and every minute; `isOpen` is the terminal configuration's
 * opening hours (always open without any).
 */
export function keepDisplayAwakeWhileOpen(options: {
  readonly powerSaveBlocker: PowerSaveBlockerLike;
  readonly isOpen: (at: Date) => boolean;
  readonly now?: () => Date;
  readonly log: Logger;
  readonly checkEveryMs?: number;
}): { readonly blocking: boolean; stop(): void } {
  const { powerSaveBlocker, log } = options;
  const now = options.now ?? (() => new Date());
  let blocker: number | undefined;

  const check = () => {
    let open: boolean;
    try {
      open = options.isOpen(now());
    } catch (error) {
      // Better awake at night than dark by day.
      log.error({ error: String(error) }, 'opening hours could not be evaluated; keeping the display awake');
      open = true;
    }
    if (open && blocker === undefined) {
      blocker = powerSaveBlocker.start('prevent-display-sleep');
      log.info({}, 'open: the display stays awake');
    } else if (!open && blocker !== undefined) {
      powerSaveBlocker.stop(blocker);
      blocker = undefined;
      log.info({}, 'closed: the display may sleep');
    }
  };
  check();
  const timer = setInterval(check, options.checkEveryMs ?? openingHoursCheckMs);
  timer.unref?.();
  return {
    get blocking() {
      return blocker !== undefined;
    },
    stop() {
      clearInterval(timer);
      if (blocker !== undefined) powerSaveBlocker.stop(blocker);
      blocker = undefined;
    },
  };
}
