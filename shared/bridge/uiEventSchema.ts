import { z } from 'zod';
import { languages } from '../i18n/languages';
import type { AssistantCommand, UiEvent } from '../checkout/events';
import { maximumLineQuantity } from '../checkout/sale';
import { maximumKeyedAmountMinor } from '../money';

const bare = <T extends UiEvent['type']>(type: T) => z.object({ type: z.literal(type) }).strict();
const command = <K extends AssistantCommand['kind']>(kind: K) => z.object({ kind: z.literal(kind) }).strict();
const lineId = z.number().int().positive();
/** Amounts an assistant types: whole minor units, up to 100,000.00. */
const amountMinor = z.number().int().min(0).max(maximumKeyedAmountMinor);

export const assistantCommandSchema = z.discriminatedUnion('kind', [
  command('approveAge'),
  command('refuseAge'),
  command('approveBagging'),
  command('approveSkipBagging'),
  z.object({ kind: z.literal('setQuantity'), lineId, quantity: z.number().int().min(0).max(maximumLineQuantity) }).strict(),
  z.object({ kind: z.literal('overridePrice'), lineId, priceMinor: amountMinor, reason: z.enum(['damaged', 'shelfPrice', 'other']) }).strict(),
  command('voidSale'),
  command('suspendSale'),
  command('reprintLastReceipt'),
  command('resumeSale'),
  command('closeLane'),
  command('openLane'),
  command('startMaintenance'),
  command('endMaintenance'),
  command('leaveKiosk'),
  z.object({ kind: z.literal('confirmTender'), tender: z.enum(['cash', 'other']), tenderedMinor: amountMinor.min(1) }).strict(),
]);

/**
 * The only events a screen may send. Anything else (a forged `scanner.scanned`, an
 * unknown language, extra fields) is refused at the bridge before it reaches the statechart.
 */
export const uiEventSchema = z.discriminatedUnion('type', [
  bare('ui.start'),
  z.object({ type: z.literal('ui.setLanguage'), language: z.enum(languages) }).strict(),
  z.object({ type: z.literal('ui.setHighContrast'), on: z.boolean() }).strict(),
  bare('ui.pay'),
  bare('ui.cancelSale'),
  bare('ui.confirmCancel'),
  bare('ui.dismiss'),
  bare('ui.cancelPayment'),
  bare('ui.retryPayment'),
  bare('ui.backToBasket'),
  bare('ui.reprint'),
  bare('ui.acceptWeight'),
  z.object({ type: z.literal('ui.chooseContainer'), containerId: z.string().regex(/^[a-z0-9-]{1,20}$/).nullable() }).strict(),
  bare('ui.openLookup'),
  z.object({ type: z.literal('ui.chooseItem'), gtin: z.string().regex(/^[0-9]{14}$/) }).strict(),
  bare('ui.callHelp'),
  bare('ui.ownBag'),
  z.object({ type: z.literal('ui.removeLine'), lineId: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('ui.setReceiptWanted'), wanted: z.boolean() }).strict(),
  bare('ui.cancelHelp'),
  bare('ui.dismissMessage'),
  bare('ui.cancelVoidRequest'),
  bare('ui.finish'),
  bare('ui.skipBagging'),
  bare('ui.payByCard'),
  bare('ui.payAtAssistant'),
  // Digits as printed under a barcode (GTIN-8 to GTIN-14); anything else never reaches the decoder.
  z.object({ type: z.literal('ui.enterBarcode'), code: z.string().regex(/^[0-9]{8,14}$/) }).strict(),
  bare('ui.openSignIn'),
  bare('ui.closeSignIn'),
  z.object({ type: z.literal('ui.assistantSignIn'), assistantId: z.string().regex(/^[0-9]{1,10}$/), pin: z.string().regex(/^[0-9]{4,8}$/) }).strict(),
  bare('ui.assistantSignOut'),
  z.object({ type: z.literal('ui.assistantCommand'), command: assistantCommandSchema }).strict(),
]);

// Compile-time check that the schema and the UiEvent union describe the same events.
type SchemaEvent = z.infer<typeof uiEventSchema>;
export type _UiEventSchemaCoversUnion = [UiEvent] extends [SchemaEvent] ? ([SchemaEvent] extends [UiEvent] ? true : never) : never;
const _check: _UiEventSchemaCoversUnion = true;
void _check;
