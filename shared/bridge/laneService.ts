import type { UiEvent } from '../checkout/events';
import type { LaneView } from './laneView';

/** What a kiosk screen may ask of its lane. Implemented by the lane runtime in main/. */
export interface LaneService {
  /** The current view, e.g. after (re)connecting. */
  getView(args: Record<string, never>): Promise<LaneView>;
  /** A shopper action. `accepted` is false when the statechart ignored it in its current state. */
  sendEvent(args: { event: UiEvent }): Promise<{ accepted: boolean }>;
}

/** Events the lane pushes to every connected screen. */
export const laneEvents = {
  /** A new `LaneView`, published after the change it shows was committed. */
  view: 'view',
} as const;

/** Messages cross a channel with this prefix in Electron IPC. */
export const bridgeChannel = 'lanewise:bridge';
