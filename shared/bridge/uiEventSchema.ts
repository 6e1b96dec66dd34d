import { z } from 'zod';
import { languages } from '../i18n/languages';
import type { UiEvent } from '../checkout/events';

const bare = <T extends UiEvent['type']>(type: T) => z.object({ type: z.literal(type) }).strict();

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
  bare('ui.openLookup'),
  z.object({ type: z.literal('ui.chooseItem'), gtin: z.string().regex(/^[0-9]{14}$/) }).strict(),
  bare('ui.callHelp'),
  bare('ui.ownBag'),
  z.object({ type: z.literal('ui.removeLine'), lineId: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('ui.setReceiptWanted'), wanted: z.boolean() }).strict(),
  bare('ui.cancelHelp'),
  bare('ui.finish'),
]);

// Compile-time check that the schema and the UiEvent union describe the same events.
type SchemaEvent = z.infer<typeof uiEventSchema>;
export type _UiEventSchemaCoversUnion = [UiEvent] extends [SchemaEvent] ? ([SchemaEvent] extends [UiEvent] ? true : never) : never;
const _check: _UiEventSchemaCoversUnion = true;
void _check;
