import type { DeviceRole, DeviceStatus } from '../devices';
import type { Language } from '../i18n/languages';
import type { PaymentPrompt } from '../payment';
import type { ScaleReading } from '../scale';
import type { ScanOutcome } from './sale';

/**
 * Every event the checkout statechart accepts, dot-namespaced by who sends it.
 * `ui.*` events come from the shopper's screen (untrusted: validated at the bridge);
 * the others come from the lane runtime on behalf of devices.
 */
export type UiEvent =
  | { readonly type: 'ui.start' }
  | { readonly type: 'ui.setLanguage'; readonly language: Language }
  /** High-contrast display for this shopper (reset for the next one). */
  | { readonly type: 'ui.setHighContrast'; readonly on: boolean }
  | { readonly type: 'ui.pay' }
  | { readonly type: 'ui.cancelSale' }
  | { readonly type: 'ui.confirmCancel' }
  | { readonly type: 'ui.dismiss' }
  | { readonly type: 'ui.cancelPayment' }
  | { readonly type: 'ui.retryPayment' }
  | { readonly type: 'ui.backToBasket' }
  | { readonly type: 'ui.reprint' }
  /** Sell the weighed item at the weight the scale shows now. */
  | { readonly type: 'ui.acceptWeight' }
  | { readonly type: 'ui.finish' }
  /** Look an item up by PLU or name (produce, items without a barcode). */
  | { readonly type: 'ui.openLookup' }
  /** The shopper picked an item in the lookup; the runtime prices it from the catalogue (never from the screen). */
  | { readonly type: 'ui.chooseItem'; readonly gtin: string }
  /** Call an assistant; the runtime attaches the lane's context. */
  | { readonly type: 'ui.callHelp' }
  /** Take one piece of a line off the basket (store rules decide if an assistant must do it). */
  | { readonly type: 'ui.removeLine'; readonly lineId: number }
  /** "No receipt, thanks" (or wanted after all), while paying. */
  | { readonly type: 'ui.setReceiptWanted'; readonly wanted: boolean }
  /** The shopper puts down their own bag before bagging the first items. */
  | { readonly type: 'ui.ownBag' }
  | { readonly type: 'ui.cancelHelp' };

export type UiEventType = UiEvent['type'];

export type DeviceEvent =
  | {
      readonly type: 'scanner.scanned';
      /** What the scanner sent, verbatim. */
      readonly code: string;
      readonly outcome: ScanOutcome;
    }
  | { readonly type: 'device.statusChanged'; readonly role: DeviceRole; readonly status: DeviceStatus }
  /**
   * A device sent bytes that were not a valid message (line noise, a half frame, a bad reply)
   * and they were discarded. Batched by the runtime: `count` messages since the last such event.
   */
  | { readonly type: 'device.inputDiscarded'; readonly role: DeviceRole; readonly count: number; readonly reason: string }
  /** The weighing scale's reading changed (sent on change only, never polled into the journal). */
  | { readonly type: 'scale.reading'; readonly reading: ScaleReading }
  /** The bagging (security) scale settled at a new weight. */
  | { readonly type: 'baggingScale.settled'; readonly grams: number }
  /** What the card terminal is asking the shopper to do, so the lane's screen can say the same. */
  | { readonly type: 'paymentTerminal.prompt'; readonly reference: string; readonly prompt: PaymentPrompt };

/** What an assistant walking over needs to know, gathered by the runtime when help is called. */
export interface HelpRequest {
  readonly at: number;
  /** The checkout state when the shopper asked. */
  readonly state: string;
  readonly itemCount: number;
  readonly totalMinor: number;
  /** Devices not ready, e.g. `printer: paperEnd`. */
  readonly deviceProblems: readonly string[];
  /** The last events at the lane, newest last, e.g. `scanner.scanned (unknownItem)`. */
  readonly recentEvents: readonly string[];
}

export type LaneEvent =
  /** Sent once after the lane restarts from its journal, so states with timers restart them. */
  | { readonly type: 'lane.restored' }
  /** An item chosen in the lookup, priced by the runtime like a scan. */
  | { readonly type: 'lookup.chosen'; readonly code: string; readonly outcome: ScanOutcome }
  | { readonly type: 'help.requested'; readonly request: HelpRequest };

export type CheckoutEvent = UiEvent | DeviceEvent | LaneEvent;
