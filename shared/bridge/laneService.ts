import { z } from 'zod';
import type { UiEvent } from '../checkout/events';
import type { LaneView } from './laneView';
import type { ServiceSchema } from './rpc';
import { uiEventSchema } from './uiEventSchema';

/** What a kiosk screen may ask of its lane. Implemented by the lane runtime in main/. */
export interface LaneService {
  /** The current view, e.g. after (re)connecting. */
  getView(args: Record<string, never>): Promise<LaneView>;
  /** A shopper action. `accepted` is false when the statechart ignored it in its current state. */
  sendEvent(args: { event: UiEvent }): Promise<{ accepted: boolean }>;
}

export const laneServiceSchema: ServiceSchema<LaneService> = {
  getView: z.object({}).strict() as z.ZodType<Record<string, never>>,
  sendEvent: z.object({ event: uiEventSchema }).strict(),
};

/** Events the lane pushes to every connected screen. */
export const laneEvents = {
  /** A new `LaneView`, published after the change it shows was committed. */
  view: 'view',
} as const;

/** Messages cross a channel with this prefix in Electron IPC. */
export const bridgeChannel = 'lanewise:bridge';
