import { z } from 'zod';
import { maxSearchTextLength, type LaneService } from './laneService';
import type { ServiceSchema } from './rpcServer';
import { uiEventSchema } from './uiEventSchema';

/** What the lane accepts from a screen, method by method. */
export const laneServiceSchema: ServiceSchema<LaneService> = {
  getView: z.object({}).strict() as z.ZodType<Record<string, never>>,
  sendEvent: z.object({ event: uiEventSchema }).strict(),
  searchItems: z.object({ text: z.string().max(maxSearchTextLength) }).strict(),
  mostUsedItems: z.object({}).strict() as z.ZodType<Record<string, never>>,
};

