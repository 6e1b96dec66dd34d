import type { DeviceStatus } from '../../shared/devices';
import type { Event } from '../../shared/event';
import type { DeclineReason, PaymentOutcome, PaymentPrompt, PaymentRequest } from '../../shared/payment';
import { err, ok, type Result } from '../../shared/result';

/**
 * The contract every card-terminal integration implements (the TCP simulator protocol
 * here; a vendor's semi-integrated ECR protocol elsewhere). The lane only ever talks to
 * this interface.
 *
 * Request and outcome types live in shared/payment.ts because the checkout statechart
 * (shared/) holds them in its context; they are re-exported so a driver needs one import.
 */
export type { DeclineReason, PaymentOutcome, PaymentPrompt, PaymentRequest };

export type CancelledBy = Extract<PaymentOutcome, { kind: 'cancelled' }>['by'];


/**
 * An outcome the terminal itself decided. Once a terminal reports one of these for a
 * reference it never changes: asking again (authorize, cancel, status) returns the same.
 */
export type TerminalOutcome = Extract<PaymentOutcome, { kind: 'approved' | 'declined' | 'cancelled' }>;

/**
 * Outcome semantics, as the lane must act on them:
 *
 * - `approved`: charged. The lane must complete the sale, whatever else happened meanwhile
 *   (a cancel that arrived too late answers `approved` too).
 * - `declined`, `cancelled`: the terminal finished the transaction without charging.
 *   A terminal that gives up waiting for a card reports `cancelled` by `terminal`.
 * - `unavailable`: the terminal never took the transaction on: it could not be reached
 *   before the request left the lane, refused it (busy with another one), or has no record
 *   of the reference. Nothing was charged; another attempt (new reference) is safe.
 *   One caveat: "left the lane" is what this process knows. A lane restored after a crash
 *   cannot tell whether its previous process had sent the reference, so for a restored
 *   attempt `unavailable` from an unreachable terminal is as good as `timedOut`.
 * - `timedOut`: the lane stopped waiting without a final outcome. The card MAY still be
 *   charged (the transaction may be pending, or done while the line was down). The lane
 *   must settle the reference with `cancel(reference)` — which returns the final outcome,
 *   possibly `approved` — before offering the shopper another attempt.
 */
export type ChargeStatus = 'charged' | 'notCharged' | 'unknown';

export function chargeStatus(outcome: PaymentOutcome): ChargeStatus {
  switch (outcome.kind) {
    case 'approved':
      return 'charged';
    case 'declined':
    case 'cancelled':
    case 'unavailable':
      return 'notCharged';
    case 'timedOut':
      return 'unknown';
  }
}

export interface PaymentPromptChange {
  readonly reference: string;
  readonly prompt: PaymentPrompt;
}

/**
 * A semi-integrated card terminal. The lane sends an amount and a reference; the
 * terminal deals with the card and the acquirer and reports an outcome with a masked
 * card number. Implementations must keep these guarantees:
 *
 * 1. Idempotent by reference. `authorize` with a reference the terminal already has
 *    re-attaches to that transaction (pending) or returns its final outcome; it never
 *    charges twice. The checkout statechart relies on this: after a crash XState re-runs
 *    the invoked authorisation with the same reference.
 * 2. `cancel(reference)` answers with the transaction's final outcome, which is `approved`
 *    when the card was approved before the cancel arrived. Cancelling a reference the
 *    terminal has never seen must stop it from ever being charged later.
 * 3. No card data: `maskedPan` shows at most the last four digits (see `maskPan`); full
 *    card numbers, tracks and PIN blocks never reach the lane, its logs or its journal.
 * 4. Terminal and line problems are outcomes (`unavailable`, `timedOut`), never
 *    rejections. Promises reject only for programming errors (invalid request, a
 *    reference reused for another amount, use before `start()`) and for `signal` aborts.
 */
export interface PaymentTerminal {
  /**
   * Starts (or re-attaches to) the transaction for `request.reference` and resolves with
   * its outcome. Aborting `signal` only stops waiting (rejecting with `signal.reason`);
   * it does not cancel on the terminal — `cancel()` does that.
   */
  authorize(request: PaymentRequest, signal?: AbortSignal): Promise<PaymentOutcome>;
  /**
   * Asks the terminal to cancel `reference` and resolves with the final outcome of that
   * reference (`approved` if the cancel came too late). `by` says who asked, for the
   * journal: the shopper pressing Cancel on the lane, or the lane itself.
   */
  cancel(reference: string, by?: Exclude<CancelledBy, 'terminal'>): Promise<PaymentOutcome>;
  readonly status: DeviceStatus;
  readonly onStatus: Event<DeviceStatus>;
  /** The terminal's prompt for a transaction of this lane changed. */
  readonly onPrompt: Event<PaymentPromptChange>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Thrown when a reference is authorised again with a different amount or currency. A
 * reference names one payment attempt; reusing it for another basket is a lane bug, and
 * answering with the old transaction's outcome would make the lane believe it was paid.
 */
export class PaymentReferenceConflictError extends Error {
  constructor(
    readonly reference: string,
    detail: string,
  ) {
    super(`payment reference ${reference} already used: ${detail}`);
    this.name = 'PaymentReferenceConflictError';
  }
}

/**
 * Visible ASCII without spaces, so a reference survives any ECR protocol's text field and
 * a log line unescaped. 128 leaves room for lane id, database epoch, sale number and
 * attempt (see `saleId`); vendor adapters with shorter fields map references themselves.
 */
const referencePattern = /^[\x21-\x7E]{1,128}$/;
const currencyPattern = /^[A-Z]{3}$/;

export function validateReference(reference: unknown): Result<string, string> {
  if (typeof reference !== 'string' || !referencePattern.test(reference)) {
    return err('reference must be 1–128 visible ASCII characters');
  }
  return ok(reference);
}

/** Money is an integer count of minor units: a float or non-positive amount is a lane bug. */
export function validatePaymentRequest(request: PaymentRequest): Result<PaymentRequest, string> {
  const reference = validateReference(request.reference);
  if (!reference.ok) return reference;
  if (typeof request.amountMinor !== 'number' || !Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0) {
    return err(`amountMinor must be a positive safe integer of minor units, got ${String(request.amountMinor)}`);
  }
  if (typeof request.currency !== 'string' || !currencyPattern.test(request.currency)) {
    return err(`currency must be an ISO 4217 code, got ${String(request.currency)}`);
  }
  return ok({ reference: request.reference, amountMinor: request.amountMinor, currency: request.currency });
}

/**
 * Reduces whatever a terminal sends as a card number to the last four digits
 * (`**** **** **** 1234`). PCI DSS allows first six and last four on screen, but the lane
 * prints and journals it, and four digits are all a shopper needs to recognise a card.
 * Applied on receipt, so a misconfigured terminal that sends a full PAN cannot leak it.
 */
export function maskPan(pan: string): string {
  const digits = pan.replace(/\D/g, '');
  return `**** **** **** ${digits.slice(-4).padStart(4, '*')}`;
}
