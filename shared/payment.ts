/**
 * What a semi-integrated card terminal tells the lane. The lane sends an amount and a
 * reference; it never sees a card number, only a masked one.
 */
export interface PaymentRequest {
  /** Unique per attempt; authorising the same reference twice never charges twice. */
  readonly reference: string;
  readonly amountMinor: number;
  readonly currency: string;
}

export type DeclineReason = 'insufficientFunds' | 'cardDeclined' | 'cardExpired' | 'pinIncorrect' | 'other';

export type PaymentOutcome =
  | {
      readonly kind: 'approved';
      readonly reference: string;
      readonly amountMinor: number;
      readonly currency: string;
      readonly authCode: string;
      readonly maskedPan: string;
      readonly scheme?: string | undefined;
    }
  | { readonly kind: 'declined'; readonly reference: string; readonly reason: DeclineReason; readonly message?: string | undefined }
  | { readonly kind: 'cancelled'; readonly reference: string; readonly by: 'shopper' | 'lane' | 'terminal' }
  | { readonly kind: 'timedOut'; readonly reference: string }
  | { readonly kind: 'unavailable'; readonly reference: string; readonly detail: string };

export type PaymentFailure = Exclude<PaymentOutcome, { kind: 'approved' } | { kind: 'cancelled' }>;

/** What a terminal shows the shopper while a payment is under way. */
export type PaymentPrompt = 'presentCard' | 'enterPin' | 'processing';
