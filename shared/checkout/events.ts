import type { LaneMessage } from '../supervisor/laneMessages';
import type { DeviceRole, DeviceStatus } from '../devices';
import type { Language } from '../i18n/languages';
import type { PaymentPrompt } from '../payment';
import type { ScaleReading } from '../scale';
import type { AssistantRef, ApprovalSource, PriceOverrideReason, Sale, ScanOutcome } from './sale';
import type { Coupon } from './promotions';

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
  /** The container the weighed item is in (its preset tare comes off), or null for none. */
  | { readonly type: 'ui.chooseContainer'; readonly containerId: string | null }
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
  | { readonly type: 'ui.cancelHelp' }
  /** The shopper read the supervisor station's message. */
  | { readonly type: 'ui.dismissMessage' }
  /** The shopper keeps the item they had asked an assistant to take off. */
  | { readonly type: 'ui.cancelVoidRequest' }
  /** Heavy or bulky items stay in the trolley: the lane stops waiting for them in the bagging area. */
  | { readonly type: 'ui.skipBagging' }
  /** On the payment choice: pay by card at the terminal. */
  | { readonly type: 'ui.payByCard' }
  /** On the payment choice: pay with cash or another tender, taken by an assistant. */
  | { readonly type: 'ui.payAtAssistant' }
  /** Digits of a barcode that will not scan, typed in (an assistant's job unless the store lets shoppers). */
  | { readonly type: 'ui.enterBarcode'; readonly code: string }
  /** Opens the staff sign-in pad (shown over whatever the lane shows). */
  | { readonly type: 'ui.openSignIn' }
  | { readonly type: 'ui.closeSignIn' }
  /** Checked by the runtime against the store's assistants; the PIN never reaches the statechart or the journal. */
  | { readonly type: 'ui.assistantSignIn'; readonly assistantId: string; readonly pin: string }
  | { readonly type: 'ui.assistantSignOut' }
  /** Something only staff may do; the runtime adds who (the signed-in assistant) or refuses it. */
  | { readonly type: 'ui.assistantCommand'; readonly command: AssistantCommand };

/** What an assistant can tell a lane to do, at the lane or (later) from the supervisor station. */
export type AssistantCommand =
  | { readonly kind: 'approveAge' }
  /** The shopper is too young (or has no ID): the restricted items come off the basket. */
  | { readonly kind: 'refuseAge' }
  /** The bagging area is right as it is (the assistant looked). */
  | { readonly kind: 'approveBagging' }
  | { readonly kind: 'approveSkipBagging' }
  /** 0 takes the line off (a void). */
  | { readonly kind: 'setQuantity'; readonly lineId: number; readonly quantity: number }
  | { readonly kind: 'overridePrice'; readonly lineId: number; readonly priceMinor: number; readonly reason: PriceOverrideReason }
  /** Cancel the whole sale (nothing paid yet). */
  | { readonly kind: 'voidSale' }
  /** Put the sale on hold with a slip (the shopper fetches their wallet); any lane resumes it from the slip. */
  | { readonly kind: 'suspendSale' }
  /** The last sale's receipt again, marked as a copy (a shopper came back for it). */
  | { readonly kind: 'reprintLastReceipt' }
  /** A parked sale: carry on scanning for the shopper who came back. */
  | { readonly kind: 'resumeSale' }
  /** Closed lanes invite nobody until an assistant opens them; a sale under way finishes first. */
  | { readonly kind: 'closeLane' }
  | { readonly kind: 'openLane' }
  | { readonly kind: 'startMaintenance' }
  | { readonly kind: 'endMaintenance' }
  /**
   * During maintenance, at the lane only: the Electron shell leaves kiosk mode so store IT can
   * reach the terminal (a supervisor's decision; it comes back when maintenance ends).
   */
  | { readonly kind: 'leaveKiosk' }
  /** Cash or another tender taken for the sale: `tenderedMinor` handed over, change is the excess. */
  | { readonly kind: 'confirmTender'; readonly tender: 'cash' | 'other'; readonly tenderedMinor: number };

export type AssistantCommandKind = AssistantCommand['kind'];

export type UiEventType = UiEvent['type'];

export type DeviceEvent =
  | {
      readonly type: 'scanner.scanned';
      /** What the scanner sent, verbatim. */
      readonly code: string;
      readonly outcome: ScanOutcome;
      /** Typed in rather than scanned, and by whom when an assistant did it. */
      readonly keyedBy?: AssistantRef | 'shopper' | undefined;
    }
  | { readonly type: 'device.statusChanged'; readonly role: DeviceRole; readonly status: DeviceStatus }
  /**
   * A device sent bytes that were not a valid message (line noise, a half frame, a bad reply)
   * and they were discarded. Batched by the runtime: `count` messages since the last such event.
   * `at` (epoch ms, lane clock) is set by the runtime; journals from before it have none.
   */
  | { readonly type: 'device.inputDiscarded'; readonly role: DeviceRole; readonly count: number; readonly reason: string; readonly at?: number | undefined }
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

/** Who is behind an assistant's command: the runtime (lane sign-in) or the supervisor link fills it in. */
export interface Authority {
  readonly by: AssistantRef;
  readonly via: ApprovalSource;
}

/** An assistant's command as the statechart receives it: `assistant.<kind>` with who gave it. */
export type AssistantCommandEvent = {
  readonly [K in AssistantCommandKind]: Omit<Extract<AssistantCommand, { kind: K }>, 'kind'> & Authority & { readonly type: `assistant.${K}` };
}[AssistantCommandKind];

export type AssistantEvent =
  | AssistantCommandEvent
  | { readonly type: 'assistant.signedIn'; readonly assistant: AssistantRef }
  | { readonly type: 'assistant.signInFailed'; readonly assistantId: string; readonly problem: SignInProblem; readonly retryAfterMs?: number | undefined }
  /** A staff badge was scanned: the PIN pad opens with the assistant's number filled in. */
  | { readonly type: 'assistant.badgeScanned'; readonly assistantId: string }
  | { readonly type: 'assistant.signedOut'; readonly reason: 'signOut' | 'timeout' };

export type SignInProblem = 'unknown' | 'wrongPin' | 'lockedOut' | 'inactive' | 'unavailable';

export type LaneEvent =
  /** Sent once after the lane restarts from its journal, so states with timers restart them. */
  | { readonly type: 'lane.restored' }
  /** An item chosen in the lookup, priced by the runtime like a scan. */
  | { readonly type: 'lookup.chosen'; readonly code: string; readonly outcome: ScanOutcome }
  | { readonly type: 'help.requested'; readonly request: HelpRequest }
  /** A message from the supervisor station for the shopper (checked and authenticated by the runtime). */
  | { readonly type: 'supervisor.message'; readonly message: LaneMessage }
  /** A coupon was scanned; `coupon` is the catalogue's definition, absent when the store does not know the code. */
  | { readonly type: 'coupon.scanned'; readonly code: string; readonly coupon?: Coupon | undefined }
  /** The shopper's loyalty card was scanned. */
  | { readonly type: 'loyalty.scanned'; readonly card: string }
  /** A suspended-sale slip was scanned and its sale found, not yet resumed anywhere. */
  | { readonly type: 'suspended.found'; readonly sale: Sale }
  /** A slip whose sale is unknown here or already resumed. */
  | { readonly type: 'suspended.notFound'; readonly saleId: string };

export type CheckoutEvent = UiEvent | DeviceEvent | LaneEvent | AssistantEvent;

/** The statechart event for an assistant's command given with `authority`. */
export function assistantCommandEvent(command: AssistantCommand, authority: Authority): AssistantCommandEvent {
  const { kind, ...rest } = command;
  return { ...rest, ...authority, type: `assistant.${kind}` } as AssistantCommandEvent;
}
