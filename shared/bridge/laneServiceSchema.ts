import { z } from 'zod';
import type { LaneService } from './laneService';
import type { ServiceSchema } from './rpcServer';
import { uiEventSchema } from './uiEventSchema';

/** What the lane accepts from a screen, method by method. */
export const laneServiceSchema: ServiceSchema<LaneService> = {
  getView: z.object({}).strict() as z.ZodType<Record<string, never>>,
  sendEvent: z.object({ event: uiEventSchema }).strict(),
};

