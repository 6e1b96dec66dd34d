import { z } from 'zod';
import type { DeviceFault, DeviceWarning } from '../../shared/devices';
import { deviceRoles } from '../../shared/devices';
import type { Language } from '../../shared/i18n/languages';
import type { LaneLightIndication } from '../../shared/checkout/laneLight';
import { laneMessageKeys } from '../../shared/supervisor/laneMessages';
import { interventionKinds, maxStatusLines, type LaneStatus } from '../../shared/supervisor/laneStatus';
import type { LaneAuditEntry, LaneToHub, SaleSummary } from '../../shared/supervisor/protocol';

/**
 * What the hub accepts from a lane. A lane is authenticated but still a network peer: every string
 * and array is capped, so one faulty or compromised lane cannot bloat the hub's memory, the
 * database or every station's screen. Unknown fields are dropped, not passed on.
 */

const text = (max: number) => z.string().max(max);
/** Epoch ms; fractions allowed (a lane may stamp with `performance.timeOrigin + performance.now()`). */
const time = z.number().nonnegative().max(8_640_000_000_000_000);
const count = z.number().int().nonnegative();
const minor = z.number().int().min(-1_000_000_000).max(1_000_000_000);
const laneId = z.string().regex(/^[A-Za-z0-9_-]{1,16}$/);

const localizedText = z.object({ en: text(200), ru: text(200).optional(), lv: text(200).optional(), bg: text(200).optional() });
// Compile-time: a new language must be added above, or its item names would be dropped here.
const _allLanguages: [Language] extends [keyof z.infer<typeof localizedText>] ? true : never = true;
void _allLanguages;
const assistantRef = z.object({ id: z.string().regex(/^\d{1,10}$/), name: text(100), role: z.enum(['assistant', 'supervisor']) });

const deviceFaults = ['paperEnd', 'coverOpen', 'printerOffline', 'cutterError', 'unrecoverableError', 'notResponding', 'scaleError'] as const satisfies readonly DeviceFault[];
const deviceWarnings = ['paperNearEnd'] as const satisfies readonly DeviceWarning[];
// Compile-time: the lists above name every fault and warning there is.
const _allFaults: [DeviceFault] extends [(typeof deviceFaults)[number]] ? true : never = true;
const _allWarnings: [DeviceWarning] extends [(typeof deviceWarnings)[number]] ? true : never = true;
void _allFaults;
void _allWarnings;

const laneLights = ['closed', 'open', 'attention', 'intervention', 'alarm'] as const satisfies readonly LaneLightIndication[];

const deviceStatus = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('closed') }),
  z.object({ kind: z.literal('connecting') }),
  z.object({ kind: z.literal('ready'), warnings: z.array(z.enum(deviceWarnings)).max(8) }),
  z.object({ kind: z.literal('fault'), faults: z.array(z.enum(deviceFaults)).max(8) }),
  z.object({ kind: z.literal('lost'), reason: text(200) }),
]);

const laneLine = z.object({
  lineId: z.number().int().positive(),
  name: localizedText,
  quantity: z.number().int().min(0).max(100_000),
  weightGrams: z.number().int().nonnegative().max(10_000_000).optional(),
  priceMinor: minor,
  ageLimit: z.number().int().min(0).max(99).optional(),
  overridden: z.boolean().optional(),
});

export const laneStatusSchema = z.object({
  laneId,
  storeName: text(100),
  version: count,
  sentAt: time,
  state: text(100),
  stateSince: time,
  light: z.enum(laneLights),
  currency: text(8),
  language: text(8),
  sale: z
    .object({
      id: text(100),
      number: count,
      startedAt: time,
      itemCount: count,
      totalMinor: minor,
      lines: z.array(laneLine).max(maxStatusLines),
      ageRequired: z.number().int().min(0).max(99),
      ageApprovedBy: text(100).optional(),
    })
    .nullable(),
  assistantAtLane: assistantRef.nullable(),
  interventions: z
    .array(
      z.object({
        kind: z.enum(interventionKinds),
        lineId: z.number().int().positive().optional(),
        itemName: localizedText.optional(),
        detail: text(300).optional(),
      }),
    )
    .max(interventionKinds.length * 4),
  devices: z.partialRecord(z.enum(deviceRoles), deviceStatus),
  help: z
    .object({
      at: time,
      state: text(100),
      itemCount: count,
      totalMinor: minor,
      deviceProblems: z.array(text(200)).max(10),
      recentEvents: z.array(text(200)).max(50),
    })
    .nullable(),
  message: z.object({ key: z.enum(laneMessageKeys), from: text(100), at: time }).nullable(),
  recentEvents: z.array(text(200)).max(50),
  store: z
    .object({
      linkUp: z.boolean(),
      backlog: count,
      oldestUnsentAt: time.nullable(),
      catalogVersion: count,
      lastCatalogSyncAt: time.nullable(),
      conflicts: count.optional(),
      alert: z.boolean().optional(),
    })
    .nullable()
    .optional(),
});

const saleSummarySchema = z.object({
  saleId: text(100).min(1),
  number: count,
  status: z.enum(['completed', 'cancelled', 'abandoned', 'suspended']),
  startedAt: time,
  closedAt: time,
  itemCount: count,
  totalMinor: minor,
  currency: text(8),
});

const detailValue = z.union([text(1000), z.number(), z.boolean(), z.null()]);

const laneAuditEntrySchema = z.object({
  ref: text(100).min(1),
  at: time,
  by: assistantRef.nullable(),
  assistantId: text(10).optional(),
  via: z.enum(['lane', 'supervisor']),
  action: text(64).min(1),
  saleId: text(100).nullable().optional(),
  outcome: z.enum(['done', 'rejected']),
  reason: text(200).optional(),
  detail: z
    .record(text(64), detailValue)
    .refine((detail) => Object.keys(detail).length <= 32, { error: 'at most 32 detail fields' })
    .optional(),
});

export const helloSchema = z.object({ type: z.literal('hello'), laneId: text(64), proof: text(128), protocol: z.number().int() });

/** Everything but hello: what an authenticated lane sends. */
export const laneReportSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: laneStatusSchema }),
  z.object({
    type: z.literal('commandResult'),
    // Not only the hub's 32-hex ids: a lane answering a command it could not read says '' (ignored, as any unknown id).
    id: text(64),
    outcome: z.enum(['done', 'notNow', 'rejected']),
    reason: text(100).optional(),
    at: time,
  }),
  z.object({ type: z.literal('sale'), sale: saleSummarySchema }),
  z.object({ type: z.literal('audit'), entry: laneAuditEntrySchema }),
]);

// Compile-time: what the schemas let through is what the protocol says a lane sends.
const _status: z.ZodType<LaneStatus> = laneStatusSchema;
const _sale: z.ZodType<SaleSummary> = saleSummarySchema;
const _audit: z.ZodType<LaneAuditEntry> = laneAuditEntrySchema;
const _report: z.ZodType<Exclude<LaneToHub, { type: 'hello' }>> = laneReportSchema;
const _hello: z.ZodType<Extract<LaneToHub, { type: 'hello' }>> = helloSchema;
void [_status, _sale, _audit, _report, _hello];

export type ParsedLaneMessage<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly problem: string };

/** JSON text → a validated message, or a short description of what was wrong (for the log; never the data itself). */
export function parseLaneMessage<T>(schema: z.ZodType<T>, raw: string): ParsedLaneMessage<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, problem: issue ? `${issue.path.join('.') || '(message)'}: ${issue.message}`.slice(0, 200) : 'invalid' };
  }
  return { ok: true, message: result.data };
}
