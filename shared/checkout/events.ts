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
  | { readonly type: 'ui.finish' };

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

export type LaneEvent =
  /** Sent once after the lane restarts from its journal, so states with timers restart them. */
  { readonly type: 'lane.restored' };

export type CheckoutEvent = UiEvent | DeviceEvent | LaneEvent;
