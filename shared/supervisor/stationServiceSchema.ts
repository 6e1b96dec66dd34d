import { z } from 'zod';
import { assistantCommandSchema } from '../bridge/uiEventSchema';
import type { ServiceSchema } from '../bridge/rpcServer';
import { laneMessageKeys } from './laneMessages';
import { remoteCommandKinds, type RemoteAction } from './remoteActions';
import type { SupervisorService } from './stationService';

/** What the station may ask a lane to do: the assistant commands that work from a distance, or a prepared message. */
export const remoteActionSchema: z.ZodType<RemoteAction> = z.union([
  assistantCommandSchema.refine((command) => (remoteCommandKinds as readonly string[]).includes(command.kind), { error: 'not a command the station may send' }),
  z.object({ kind: z.literal('sendMessage'), message: z.enum(laneMessageKeys) }).strict(),
]) as z.ZodType<RemoteAction>;

const none = z.object({}).strict() as z.ZodType<Record<string, never>>;
const pin = z.string().regex(/^\d{4,8}$/);
const laneId = z.string().regex(/^[A-Za-z0-9_-]{1,16}$/);
const epochMs = z.number().int().min(0).max(8_640_000_000_000_000);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** A year of audit trail is the most one export may cover. */
const maxExportSpanMs = 366 * 24 * 3_600_000;

const reportRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('day'), date }).strict(),
  z.object({ kind: z.literal('shift'), date, shift: z.number().int().min(0).max(23) }).strict(),
]);

/**
 * What the hub accepts from a station page, method by method: everything from the browser is
 * untrusted until it has passed these (see shared/bridge/rpcServer.ts).
 */
export const stationServiceSchema: ServiceSchema<SupervisorService> = {
  getOverview: none,
  signIn: z.union([
    z.object({ assistantId: z.string().regex(/^\d{1,10}$/), pin }).strict(),
    // What a USB badge scanner typed; the directory decides whether it is a badge.
    z.object({ badge: z.string().min(1).max(64), pin }).strict(),
  ]),
  signOut: none,
  sendCommand: z
    .object({
      laneId,
      action: remoteActionSchema,
      reason: z.string().max(200).optional(),
      saleId: z.string().max(100).nullable().optional(),
    })
    .strict(),
  laneDetail: z.object({ laneId }).strict(),
  audit: z
    .object({
      limit: z.number().int().min(1).max(1000).optional(),
      laneId: laneId.optional(),
      before: epochMs.optional(),
    })
    .strict(),
  exportAuditCsv: z
    .object({ from: epochMs, to: epochMs })
    .strict()
    .refine((span) => span.to > span.from && span.to - span.from <= maxExportSpanMs, { error: 'from before to, at most a year apart' }),
  report: reportRequest,
  exportReportCsv: reportRequest,
};
