import type { DeviceRole, DeviceStatus } from '../devices';
import type { Language, LocalizedText } from '../i18n/languages';
import type { LaneMessage } from '../supervisor/laneMessages';
import type { PaymentFailure, PaymentPrompt } from '../payment';
import type { ScaleReading } from '../scale';
import type { BaggingArea } from './baggingArea';
import type { HelpRequest, SignInProblem } from './events';
import type { AssistantAction, AssistantRef, Sale } from './sale';
import type { Container, WeighableItem } from './weighing';
import type { CouponProblem, Promotion } from './promotions';

/**
 * What the checkout statechart remembers (its context) and the values it hands to the
 * lane's I/O: the data model of one lane's checkout. The flow itself is machine.ts.
 */

/** Who this lane is; fixed by the terminal's configuration. */
export interface LaneInfo {
  readonly laneId: string;
  readonly storeName: string;
  readonly currency: string;
  readonly defaultLanguage: Language;
  /**
   * Random id of this lane's database, made when it was created. It keeps sale ids unique
   * even if a lane is reinstalled and its sale numbers start again.
   */
  readonly epoch: string;
  /** Smallest load sold by weight on this lane's scale (20 scale intervals); default 40 g. */
  readonly minimumWeightGrams?: number;
  /** A store rule: shoppers may take off the basket one piece worth up to this; dearer ones need an assistant. */
  readonly shopperRemovalLimitMinor?: number;
  /** A store rule: how many items per sale a shopper may leave out of the bagging area before an assistant must approve. Default 2. */
  readonly shopperSkipBaggingLimit?: number;
  /** A store rule: shoppers may type in a barcode that will not scan (otherwise only an assistant may). Default false. */
  readonly shopperKeyedEntry?: boolean;
  /** The store's containers for loose items, each with its preset tare; none: no container choice is offered. */
  readonly containers?: readonly Container[];
}

/** A weighed item waiting for the scale. */
export interface Weighing {
  readonly code: string;
  readonly item: WeighableItem;
  /** The item's offers (a price per kg off), kept until it is added. */
  readonly promotions?: readonly Promotion[] | undefined;
  /** The container the shopper weighs the item in: its preset tare is taken off the reading. */
  readonly tare?: { readonly containerId: string; readonly grams: number } | undefined;
}

/** A message the shopper must see and dismiss (or that goes away with the next scan). */
export type Notice =
  | { readonly kind: 'unknownItem'; readonly code: string }
  | { readonly kind: 'rejectedBarcode'; readonly code: string; readonly reason: string }
  | { readonly kind: 'needsWeighing'; readonly code: string; readonly name: Sale['lines'][number]['name'] }
  | { readonly kind: 'finishPaymentFirst' }
  /** Removing this item needs an assistant (store rule). */
  | { readonly kind: 'removalNeedsAssistant'; readonly name: Sale['lines'][number]['name'] }
  | { readonly kind: 'paymentCancelled' }
  /** The card covered only part of the amount: the rest is still to pay. */
  | { readonly kind: 'partialApproval'; readonly approvedMinor: number; readonly dueMinor: number }
  /** A coupon the basket cannot take, and why (see promotions.ts). */
  | { readonly kind: 'couponRejected'; readonly reason: CouponProblem; readonly minimumSpendMinor?: number | undefined }
  | { readonly kind: 'loyaltyAlreadyScanned' }
  /** A suspended-sale slip that cannot be resumed (already resumed, or not known in this store). */
  | { readonly kind: 'suspendedSaleNotFound' };

export interface PaymentAttempt {
  readonly attempt: number;
  readonly reference: string;
  readonly amountMinor: number;
  /** The terminal's current prompt for this attempt, when it has said. */
  readonly prompt?: PaymentPrompt | undefined;
  readonly failure?: PaymentFailure | undefined;
}

export type ReceiptState =
  /** `copy`: this sale's receipt was printed before; this one is marked as a copy. */
  | { readonly status: 'printing'; readonly copy?: boolean }
  | { readonly status: 'printed' }
  /** The shopper said "no receipt"; it can still be printed from the thank-you screen. */
  | { readonly status: 'notWanted' }
  | { readonly status: 'failed'; readonly reason: string };

/**
 * A device's discarded input. `recentCount` adds up the messages of one run of noise: it starts
 * again when the previous report (`lastAt`) is more than `discardedInputWindowMs` older.
 * `lastAt` and `recentCount` are absent from snapshots and events of lanes from before them.
 */
export interface DiscardedInput {
  readonly count: number;
  readonly lastReason: string;
  /** Epoch ms (lane clock) of the last report. */
  readonly lastAt?: number | undefined;
  readonly recentCount?: number | undefined;
}

/** Reports further apart than this start a new run of noise; a run this recent is still shown at the station. */
export const discardedInputWindowMs = 10_000;

export interface CheckoutContext {
  readonly lane: LaneInfo;
  /** The number of the last sale this lane started; the next sale gets one more. */
  readonly lastSaleNumber: number;
  readonly language: Language;
  /** The open sale, if the shopper has scanned anything. */
  readonly sale: Sale | null;
  /** The last closed sale (completed or cancelled): shown on the receipt screen and written to the outbox. */
  readonly closedSale: Sale | null;
  readonly notice: Notice | null;
  /** Status of each installed device; a role that is absent is not installed at this lane. */
  readonly devices: Readonly<Partial<Record<DeviceRole, DeviceStatus>>>;
  readonly payment: PaymentAttempt | null;
  readonly receipt: ReceiptState | null;
  /** The weighing scale's latest reading (null: no scale, or no reading yet). */
  readonly scale: ScaleReading | null;
  /** The scale showed a stable zero since the last accepted weighing (legal for trade: zero before weighing). */
  readonly zeroSeen: boolean;
  readonly weighing: Weighing | null;
  /** The bagging scale's last settled weight. */
  readonly baggingArea: { readonly grams: number } | null;
  /**
   * Unusable input discarded per device since the lane started (line noise, half frames, bad
   * replies): nothing for the shopper, but a noisy cable shows here for the assistant.
   */
  readonly discardedInput?: Readonly<Partial<Record<DeviceRole, DiscardedInput>>>;
  /** An assistant has been called and not yet come (or the shopper cancelled the call). */
  readonly help?: HelpRequest | null;
  /** The bagging area during a sale, when the lane has a working bagging scale (see baggingArea.ts). */
  readonly bagging?: BaggingArea | null;
  /** This shopper asked for the high-contrast display (white and yellow on black). */
  readonly highContrast?: boolean;
  /** False when the shopper said "no receipt, thanks" before paying. */
  readonly receiptWanted?: boolean;
  /** The assistant signed in at this lane (staff controls are shown while set). */
  readonly assistant?: SignedInAssistant | null;
  /** The staff sign-in pad is open: for whom (a scanned badge), and why the last try failed. */
  readonly signIn?: SignInPad | null;
  /** An assistant closed the lane during a sale: it closes when the sale ends. */
  readonly closeAfterSale?: boolean;
  /** The latest assistant action, numbered: the runtime writes each to the audit table exactly once. */
  readonly lastAssistantAction?: NumberedAssistantAction | null;
  /** The shopper asked to take off an item only an assistant may remove: waiting for one (at the lane or the station). */
  readonly voidRequest?: VoidRequest | null;
  /** A message from the supervisor station, shown until the shopper dismisses it or the sale ends. */
  readonly laneMessage?: LaneMessage | null;
}

export interface VoidRequest {
  readonly lineId: number;
  readonly name: LocalizedText;
  readonly at: number;
}

export interface SignedInAssistant extends AssistantRef {
  readonly since: number;
}

export interface SignInPad {
  readonly assistantId?: string | undefined;
  readonly problem?: SignInProblem | undefined;
  readonly retryAfterMs?: number | undefined;
}

export interface NumberedAssistantAction extends AssistantAction {
  readonly seq: number;
}

export interface CheckoutInput {
  readonly lane: LaneInfo;
  readonly lastSaleNumber?: number;
}

export interface PrintRequest {
  readonly sale: Sale;
  readonly lane: LaneInfo;
  /** Printed again after a receipt already came out: marked "copy" on the paper. */
  readonly copy?: boolean;
}

export type PrintResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };
