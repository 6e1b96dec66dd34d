import { useEffect, useRef } from 'react';
import type { QueuedIntervention } from '../../shared/supervisor/stationService';
import type { AlertSound } from './alertSound';
import { remindAfterMs } from './interventions';

/** An id comes back when the same kind is raised again at a lane: with the time raised, each raising is new. */
const alertKey = (item: QueuedIntervention) => `${item.id}@${item.raisedAt}`;

/** How often the reminder sounds while an intervention has waited too long. */
export const reminderEveryMs = 30_000;

/**
 * Sounds the alert when an intervention the station has not seen before joins the queue,
 * and every 30 s while any has waited over a minute. The first queue after signing in is
 * taken as known (the reminder covers what was already waiting long).
 */
export function useQueueAlerts({ queue, muted, sound, hubNow }: { queue: readonly QueuedIntervention[]; muted: boolean; sound: AlertSound; hubNow: () => number }): void {
  // Null until the first queue arrives: what is already waiting then is not news.
  const seen = useRef<Set<string> | null>(null);
  const latest = useRef({ queue, muted });

  useEffect(() => {
    latest.current = { queue, muted };
    const known = seen.current;
    seen.current = new Set(queue.map(alertKey));
    if (known && !muted && queue.some((item) => !known.has(alertKey(item)))) sound.play();
  }, [queue, muted, sound]);

  useEffect(() => {
    const timer = setInterval(() => {
      const { queue: current, muted: quiet } = latest.current;
      const now = hubNow();
      if (!quiet && current.some((item) => now - item.raisedAt >= remindAfterMs)) sound.play();
    }, reminderEveryMs);
    return () => clearInterval(timer);
  }, [sound, hubNow]);
}
