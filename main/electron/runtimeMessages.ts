import { z } from 'zod';

/**
 * What the Electron main process and the lane runtime's utility process say to each other
 * (`postMessage` both ways). Bridge messages pass through as the text the page and the lane
 * exchange; main never reads them. The rest is the shell's own business: the runtime is
 * ready, the lane is (not) ready for an update, kiosk mode off or on again, stop.
 */

const assistantSchema = z.object({ id: z.string().max(64), name: z.string().max(200), role: z.enum(['assistant', 'supervisor']) }).strict();

export const fromRuntimeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bridge'), message: z.string() }).strict(),
  /** The lane is up (restored from its journal or fresh) and serves the page. */
  z.object({ kind: z.literal('ready'), restored: z.boolean(), state: z.string().max(200) }).strict(),
  /** No sale in progress and the lane closed for sales: an update may install now. */
  z.object({ kind: z.literal('readiness'), readyToInstall: z.boolean() }).strict(),
  /** Kiosk mode off (an assistant asked for it, audited by the lane) or back on (maintenance ended). */
  z.object({ kind: z.literal('kiosk'), on: z.boolean(), by: assistantSchema.optional() }).strict(),
]);
export type FromRuntime = z.infer<typeof fromRuntimeSchema>;

export const toRuntimeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bridge'), message: z.string() }).strict(),
  /** Close the journal and the devices, then exit. */
  z.object({ kind: z.literal('stop') }).strict(),
]);
export type ToRuntime = z.infer<typeof toRuntimeSchema>;
