import { and, assign, fromPromise, not, setup } from 'xstate';
import { isUsable, type DeviceRole, type DeviceStatus } from '../devices';
import type { PaymentOutcome, PaymentRequest } from '../payment';
import type { CheckoutEvent } from './events';
import { addLine, ageCheckPending, onePieceMinor, removeOnePiece, resumeInto, saleId, type Sale } from './sale';
import { defaultMinimumWeightGrams, isStableZero, weighedLine, weighingStatus } from './weighing';
import { baggingExpectation, ownBagExpectation, weighedExpectation } from './bagging';
import { checkBaggedBeforePayment, expectBagging, settleBagging, startBaggingArea } from './baggingArea';
import { baggingScaleWorks, expectPiecesBagged, expectPiecesRemoved } from './basketChanges';
import * as assistance from './assistance';
import { amountDueMinor, couponProblem, saleTotal, withPromotions } from './pricing';
import { discardedInputWindowMs, type CheckoutContext, type CheckoutInput, type Notice, type PaymentAttempt, type PrintRequest, type PrintResult, type ReceiptState, type Weighing } from './context';

// The data model lives in context.ts; importers of the statechart get its types from here too.
export type { CheckoutContext, CheckoutInput, LaneInfo, Notice, PaymentAttempt, PrintRequest, PrintResult, ReceiptState, Weighing } from './context';

/**
 * 5.00 in the store currency's minor units: shoppers fix their own mistakes on everyday items;
 * taking dearer ones off (a common way to under-pay) needs an assistant.
 */
export const defaultShopperRemovalLimitMinor = 500;

/** Devices the lane cannot sell without; while any is down between sales, the lane is out of service. */
export const requiredDevices: readonly DeviceRole[] = ['scanner', 'printer', 'paymentTerminal'];

const closedDevice: DeviceStatus = { kind: 'closed' };

function startSale(context: CheckoutContext, now: number): { sale: Sale; lastSaleNumber: number } {
  const number = context.lastSaleNumber + 1;
  return {
    lastSaleNumber: number,
    sale: {
      id: saleId(context.lane.laneId, context.lane.epoch, number),
      number,
      startedAt: now,
      lines: [],
      nextLineId: 1,
      status: 'open',
      payments: [],
      language: context.language,
    },
  };
}

/** The sale under way, or a new one (with its number) when this is the shopper's first item, coupon or card. */
function openSale(context: CheckoutContext): { sale: Sale; lastSaleNumber: number } {
  return context.sale ? { sale: context.sale, lastSaleNumber: context.lastSaleNumber } : startSale(context, Date.now());
}

/** A store rule's default: shoppers may leave two items per sale out of the bagging area on their own. */
export const defaultShopperSkipBaggingLimit = 2;

/** The settled reading applied to the sale's bagging area, and an observation to learn from. */
function settledArea(context: CheckoutContext, event: CheckoutEvent) {
  if (event.type !== 'baggingScale.settled' || !context.bagging || !baggingScaleWorks(context)) return undefined;
  return settleBagging(context.bagging, event.grams);
}

type ItemEntry = Extract<CheckoutEvent, { type: 'scanner.scanned' | 'lookup.chosen' }>;

/** A scan, or an item chosen in the lookup: the same thing to the basket. */
function isItemEntry(event: CheckoutEvent): event is ItemEntry {
  return event.type === 'scanner.scanned' || event.type === 'lookup.chosen';
}

/**
 * A scanned or looked-up item, by what the catalogue made of it: into the basket, onto the
 * scale, or a notice. Shared by the welcome screen, the basket and a parked sale.
 */
const enterItem = [
  { guard: 'scannedItem', target: '#checkout.scanning.ready', actions: 'addScannedItem' },
  { guard: 'scannedUnknown', target: '#checkout.scanning.unknownItem', actions: 'noteScanProblem' },
  { guard: and(['scannedNeedsWeighing', 'scaleUsable']), target: '#checkout.scanning.weighing', actions: 'startWeighing' },
  { guard: 'scannedNeedsWeighing', target: '#checkout.scanning.needsWeighing', actions: 'noteScanProblem' },
  { target: '#checkout.scanning.rejectedBarcode', actions: 'noteScanProblem' },
] as const;

/** A coupon or a loyalty card scanned: into the sale (started if need be), or a notice saying why not. */
const enterCoupon = [
  { guard: 'couponAcceptable', target: '#checkout.scanning.ready', actions: 'addCoupon' },
  { target: '#checkout.scanning.couponRejected', actions: 'noteCouponRejected' },
] as const;
/** A suspended sale's slip: its basket joins this one (a new sale if none is open). */
const enterSuspendedSale = [
  { guard: 'suspendedSaleFound', target: '#checkout.scanning.ready', actions: 'resumeSuspendedSale' },
  { target: '#checkout.scanning.suspendedSaleNotFound', actions: 'noteSuspendedSaleNotFound' },
] as const;
const enterLoyaltyCard = [
  { guard: 'loyaltyCardKnown', target: '#checkout.scanning.loyaltyAlreadyScanned', actions: 'noteLoyaltyAlreadyScanned' },
  { target: '#checkout.scanning.ready', actions: 'addLoyaltyCard' },
] as const;

/** Transitions every payment step shares, once the terminal has answered. */
type TerminalAnswer = { readonly event: { readonly output: PaymentOutcome } };
/** Approved — even in answer to a cancel — pays; for the whole amount due it completes the sale. */
const whenApproved = {
  guard: { type: 'approvedInFull', params: ({ event }: TerminalAnswer) => event.output },
  target: '#checkout.receipt',
  actions: [{ type: 'recordCardPayment', params: ({ event }: TerminalAnswer) => event.output }, 'completeSale'],
} as const;
/** A partial approval (a prepaid card, a limit): what it covered is paid; the shopper chooses how to pay the rest. */
const whenApprovedInPart = {
  guard: { type: 'approved', params: ({ event }: TerminalAnswer) => event.output },
  target: '#checkout.payment.choosing',
  actions: [{ type: 'recordCardPayment', params: ({ event }: TerminalAnswer) => event.output }, 'notePartialApproval'],
} as const;
/** Anything else that is final shows the failure with its reason. */
const otherwiseFailed = { target: 'failed', actions: { type: 'recordPaymentFailure', params: ({ event }: TerminalAnswer) => event.output } } as const;
/** The terminal adapter threw: nothing is known, so treat it as unavailable. */
const whenTerminalErrored = { target: 'failed', actions: { type: 'recordPaymentUnavailable', params: ({ event }: { readonly event: { readonly error: unknown } }) => String(event.error) } } as const;

/**
 * The checkout flow of one lane: the single source of truth for what the shopper sees and
 * may do. Devices and the screen only send events; I/O is done by the actors the lane
 * runtime provides (`authorizePayment`, `cancelPayment`, `printReceipt`).
 *
 * Persistence: the lane runtime saves `getPersistedSnapshot()` after every event, before
 * the screen is updated. On restore XState re-runs invoked actors, so payment actors must be
 * idempotent by reference (terminals re-attach to the same transaction) and a receipt that
 * was printing is printed again. Delayed transitions are not restored by XState: states with
 * timers re-enter themselves on `lane.restored`.
 */
export const checkoutMachine = setup({
  types: {
    context: {} as CheckoutContext,
    events: {} as CheckoutEvent,
    input: {} as CheckoutInput,
  },
  actors: {
    authorizePayment: fromPromise<PaymentOutcome, PaymentRequest>(async () => {
      throw new Error('authorizePayment is provided by the lane runtime');
    }),
    cancelPayment: fromPromise<PaymentOutcome, { reference: string; by: 'shopper' | 'lane' }>(async () => {
      throw new Error('cancelPayment is provided by the lane runtime');
    }),
    printReceipt: fromPromise<PrintResult, PrintRequest>(async () => {
      throw new Error('printReceipt is provided by the lane runtime');
    }),
  },
  delays: {
    /** An untouched lane with an empty basket goes back to the welcome screen. */
    emptyBasketTimeout: 60_000,
    /**
     * No touch and no scan with items in the basket: long enough to read a label or fetch a
     * forgotten item, short enough that a walked-off basket does not block the lane for long.
     */
    inactivityTimeout: 90_000,
    /** How long "Are you still there?" waits before the sale is parked for an assistant. */
    stillThereTimeout: 30_000,
    /** Thank-you screen, long enough to take the receipt. */
    thankYouTimeout: 15_000,
    /** A receipt problem stays up longer: the shopper may want to call someone. */
    receiptProblemTimeout: 45_000,
  },
  guards: {
    requiredDeviceDown: ({ context }) => requiredDevices.some((role) => !isUsable(context.devices[role] ?? closedDevice)),
    requiredDevicesUp: ({ context }) => requiredDevices.every((role) => isUsable(context.devices[role] ?? closedDevice)),
    scaleUsable: ({ context }) => context.devices.scale !== undefined && isUsable(context.devices.scale),
    weightAcceptable: ({ context }) => weighingStatusOf(context)?.kind === 'ready',
    receiptNotWanted: ({ context }) => context.receiptWanted === false,
    removalAllowed: ({ context, event }) => {
      if (event.type !== 'ui.removeLine') return false;
      const line = context.sale?.lines.find((candidate) => candidate.lineId === event.lineId);
      return line !== undefined && context.sale!.payments.length === 0 && onePieceMinor(line) <= (context.lane.shopperRemovalLimitMinor ?? defaultShopperRemovalLimitMinor);
    },
    lineExists: ({ context, event }) => event.type === 'ui.removeLine' && (context.sale?.lines.some((line) => line.lineId === event.lineId) ?? false),
    /** This settled reading puts the bagging area out of line (an unscanned item, an item taken away). */
    settleCausesMismatch: ({ context, event }) => Boolean(settledArea(context, event)?.area.mismatch),
    settleResolvesMismatch: ({ context, event }) => {
      const settled = settledArea(context, event);
      return settled !== undefined && settled.area.mismatch === null;
    },
    itemsNotBagged: ({ context }) => baggingScaleWorks(context) && (context.bagging?.pending.length ?? 0) > 0,
    scannedItem: ({ event }) => isItemEntry(event) && event.outcome.kind === 'item',
    scannedUnknown: ({ event }) => isItemEntry(event) && event.outcome.kind === 'unknownItem',
    scannedNeedsWeighing: ({ event }) => isItemEntry(event) && event.outcome.kind === 'needsWeighing',
    basketHasItems: ({ context }) => (context.sale?.lines.length ?? 0) > 0,
    basketEmpty: ({ context }) => (context.sale?.lines.length ?? 0) === 0,
    approved: (_, outcome: PaymentOutcome) => outcome.kind === 'approved',
    approvedInFull: ({ context }, outcome: PaymentOutcome) => outcome.kind === 'approved' && context.sale !== null && outcome.amountMinor >= amountDueMinor(context.sale),
    paidInFull: ({ context }) => context.sale !== null && context.sale.lines.length > 0 && amountDueMinor(context.sale) === 0,
    hasPayments: ({ context }) => (context.sale?.payments.length ?? 0) > 0,
    ageCheckPending: ({ context }) => ageCheckPending(context.sale),
    closeRequested: ({ context }) => context.closeAfterSale === true,
    itemsWaitingToBag: ({ context }) => baggingScaleWorks(context) && assistance.itemsWaitingToBag(context) > 0,
    skipWithinShopperLimit: ({ context }) =>
      (context.sale?.skippedBagging ?? 0) + assistance.itemsWaitingToBag(context) <= (context.lane.shopperSkipBaggingLimit ?? defaultShopperSkipBaggingLimit),
    lineExistsForCommand: ({ context, event }) =>
      (event.type === 'assistant.setQuantity' || event.type === 'assistant.overridePrice') && (context.sale?.lines.some((line) => line.lineId === event.lineId) ?? false),
    signInPadClosed: ({ context }) => !context.signIn && !context.assistant,
    noAssistantSignedIn: ({ context }) => !context.assistant,
    notBaggedAtPay: ({ context }) => context.bagging?.mismatch?.kind === 'notBagged',
    couponAcceptable: ({ context, event }) => event.type === 'coupon.scanned' && couponProblem(context.sale, event.coupon, Date.now()) === null,
    loyaltyCardKnown: ({ context }) => context.sale?.loyalty !== undefined,
    suspendedSaleFound: ({ event }) => event.type === 'suspended.found',
    slipToPrint: ({ context }) => context.closedSale?.status === 'suspended',
    lastSaleCompleted: ({ context }) => context.closedSale?.status === 'completed',
    /** Nobody knows whether the card was charged (no answer, or the terminal went away mid-way). */
    chargeUnknown: ({ context }) => context.payment?.failure?.kind === 'timedOut' || context.payment?.failure?.kind === 'unavailable',
    cancelled: (_, outcome: PaymentOutcome) => outcome.kind === 'cancelled',
    /** The old attempt is final and not charged: cancelled, or declined after all. */
    settled: (_, outcome: PaymentOutcome) => outcome.kind === 'cancelled' || outcome.kind === 'declined',
    settledWithPayments: ({ context }, outcome: PaymentOutcome) => (outcome.kind === 'cancelled' || outcome.kind === 'declined') && (context.sale?.payments.length ?? 0) > 0,
    printed: (_, result: PrintResult) => result.ok,
  },
  actions: {
    recordDeviceStatus: assign({
      devices: ({ context, event }) => (event.type === 'device.statusChanged' ? { ...context.devices, [event.role]: event.status } : context.devices),
    }),
    recordDiscardedInput: assign({
      discardedInput: ({ context, event }) => {
        if (event.type !== 'device.inputDiscarded') return context.discardedInput;
        const before = context.discardedInput?.[event.role];
        const count = (before?.count ?? 0) + event.count;
        // An event journaled before `at` existed says nothing about when: the run is left as it was.
        if (event.at === undefined) return { ...context.discardedInput, [event.role]: { ...before, count, lastReason: event.reason } };
        const sameRun = before?.lastAt !== undefined && event.at - before.lastAt <= discardedInputWindowMs;
        const recentCount = (sameRun ? (before.recentCount ?? 0) : 0) + event.count;
        return { ...context.discardedInput, [event.role]: { count, lastReason: event.reason, lastAt: event.at, recentCount } };
      },
    }),
    setHighContrast: assign({ highContrast: ({ context, event }) => (event.type === 'ui.setHighContrast' ? event.on : (context.highContrast ?? false)) }),
    setLanguage: assign({
      language: ({ context, event }) => (event.type === 'ui.setLanguage' ? event.language : context.language),
    }),
    addScannedItem: assign(({ context, event }) => {
      if (!isItemEntry(event) || event.outcome.kind !== 'item') return {};
      const started = openSale(context);
      const expectation = event.outcome.bagging ?? baggingExpectation(undefined);
      const keyedBy = event.type === 'scanner.scanned' ? event.keyedBy : undefined;
      const line = { ...event.outcome.line, bagging: expectation, ...(keyedBy ? { keyed: true } : {}) };
      const bagging = expectPiecesBagged(context, context.bagging, line, expectation);
      const sale = withPromotions(addLine(started.sale, line), event.outcome.promotions);
      // A barcode typed in by an assistant is their say-so: audited like any staff action.
      const audit = keyedBy && keyedBy !== 'shopper' ? assistance.audited({ ...context, sale }, { by: keyedBy, via: 'lane' }, 'keyedBarcode', { gtin: line.gtin }) : { sale };
      return { ...started, ...audit, notice: null, weighing: null, bagging };
    }),
    noteScanProblem: assign({
      weighing: null,
      notice: ({ event }): Notice | null => {
        if (!isItemEntry(event)) return null;
        const { outcome, code } = event;
        switch (outcome.kind) {
          case 'unknownItem':
            return { kind: 'unknownItem', code };
          case 'needsWeighing':
            return { kind: 'needsWeighing', code, name: outcome.name };
          case 'rejected':
            return { kind: 'rejectedBarcode', code, reason: outcome.reason };
          case 'item':
            return null;
        }
      },
    }),
    recordScaleReading: assign(({ context, event }) => {
      if (event.type !== 'scale.reading') return {};
      return { scale: event.reading, zeroSeen: context.zeroSeen || isStableZero(event.reading) };
    }),
    recordBaggingArea: assign({
      baggingArea: ({ context, event }) => (event.type === 'baggingScale.settled' ? { grams: event.grams } : context.baggingArea),
    }),
    startWeighing: assign({
      weighing: ({ context, event }): Weighing | null =>
        isItemEntry(event) && event.outcome.kind === 'needsWeighing' ? { code: event.code, item: event.outcome.item, promotions: event.outcome.promotions } : context.weighing,
      notice: null,
    }),
    /** The scale went away mid-weighing: the item goes to an assistant, as without a scale. */
    handWeighingToAssistant: assign({
      notice: ({ context }): Notice | null =>
        context.weighing ? { kind: 'needsWeighing', code: context.weighing.code, name: context.weighing.item.name } : context.notice,
      weighing: null,
    }),
    clearWeighing: assign({ weighing: null }),
    /** The shopper's container: its preset tare from the store's list (an unknown id changes nothing). */
    chooseContainer: assign({
      weighing: ({ context, event }): Weighing | null => {
        if (event.type !== 'ui.chooseContainer' || !context.weighing) return context.weighing;
        if (event.containerId === null) return { ...context.weighing, tare: undefined };
        const container = context.lane.containers?.find((candidate) => candidate.id === event.containerId);
        return container ? { ...context.weighing, tare: { containerId: container.id, grams: container.tareGrams } } : context.weighing;
      },
    }),
    settleBaggingArea: assign(({ context, event }) => {
      const settled = settledArea(context, event);
      if (!settled) return {};
      const sale = settled.observation && context.sale ? { ...context.sale, baggingObservations: [...(context.sale.baggingObservations ?? []), settled.observation] } : context.sale;
      return { bagging: settled.area, sale };
    }),
    removeOnePiece: assign(({ context, event }) => {
      if (event.type !== 'ui.removeLine' || !context.sale) return {};
      const line = context.sale.lines.find((candidate) => candidate.lineId === event.lineId);
      if (!line) return {};
      return { sale: removeOnePiece(context.sale, event.lineId), bagging: expectPiecesRemoved(context, context.bagging, line) };
    }),
    noteRemovalNeedsAssistant: assign({
      notice: ({ context, event }): Notice | null => {
        const line = event.type === 'ui.removeLine' ? context.sale?.lines.find((candidate) => candidate.lineId === event.lineId) : undefined;
        return line ? { kind: 'removalNeedsAssistant', name: line.name } : context.notice;
      },
      // The request stays open after the dialog is dismissed: the shopper carries on and the station sees it.
      voidRequest: ({ context, event }) => {
        const line = event.type === 'ui.removeLine' ? context.sale?.lines.find((candidate) => candidate.lineId === event.lineId) : undefined;
        return line ? { lineId: line.lineId, name: line.name, at: Date.now() } : (context.voidRequest ?? null);
      },
    }),
    clearVoidRequest: assign({ voidRequest: null }),
    showLaneMessage: assign({ laneMessage: ({ context, event }) => (event.type === 'supervisor.message' ? event.message : (context.laneMessage ?? null)) }),
    dismissLaneMessage: assign({ laneMessage: null }),
    markNotBagged: assign({ bagging: ({ context }) => (context.bagging ? checkBaggedBeforePayment(context.bagging) : null) }),
    expectOwnBag: assign(({ context }) => {
      if (!baggingScaleWorks(context)) return {};
      const area = context.bagging ?? startBaggingArea(context.baggingArea?.grams);
      return { bagging: expectBagging(area, { gtin: null, name: null, expectation: ownBagExpectation() }) };
    }),
    recordHelpRequest: assign({ help: ({ context, event }) => (event.type === 'help.requested' ? event.request : (context.help ?? null)) }),
    cancelHelp: assign({ help: null }),
    addWeighedItem: assign(({ context }) => {
      const status = weighingStatusOf(context);
      if (!context.weighing || status?.kind !== 'ready') return {};
      const started = openSale(context);
      // The weight and price shown when the shopper pressed "Add": the same numbers go on the receipt.
      // Just weighed on the legal scale: the bagging scale must see the same weight, the container included (gross).
      const expectation = weighedExpectation(status.grams + (status.tareGrams ?? 0));
      const line = { ...weighedLine(context.weighing.item, status.grams, status.priceMinor, status.tareGrams), bagging: expectation };
      const bagging = expectPiecesBagged(context, context.bagging, line, expectation);
      return { ...started, sale: withPromotions(addLine(started.sale, line), context.weighing.promotions), weighing: null, zeroSeen: false, notice: null, bagging };
    }),
    noteFinishPaymentFirst: assign({ notice: (): Notice => ({ kind: 'finishPaymentFirst' }) }),
    clearNotice: assign({ notice: null }),
    resetForNextShopper: assign(({ context }) => ({
      sale: null,
      weighing: null,
      help: null,
      bagging: null,
      highContrast: false,
      receiptWanted: true,
      notice: null,
      payment: null,
      receipt: null,
      signIn: null,
      voidRequest: null,
      // A message sent to an idle lane stays for the next shopper; one sent during a sale ends with it.
      laneMessage: null,
      language: context.lane.defaultLanguage,
    })),
    cancelSale: assign(({ context }) => {
      if (!context.sale) return { sale: null, bagging: null };
      return { closedSale: { ...context.sale, status: 'cancelled' as const, closedAt: Date.now(), language: context.language }, sale: null };
    }),
    beginPaymentAttempt: assign({
      payment: ({ context }): PaymentAttempt => {
        const attempt = (context.payment?.attempt ?? 0) + 1;
        const sale = context.sale!;
        return { attempt, reference: `${sale.id}-P${attempt}`, amountMinor: amountDueMinor(sale) };
      },
      notice: null,
    }),
    recordPaymentFailure: assign({
      payment: ({ context }, outcome: PaymentOutcome): PaymentAttempt | null =>
        context.payment && outcome.kind !== 'approved' && outcome.kind !== 'cancelled' ? { ...context.payment, failure: outcome } : context.payment,
    }),
    recordPaymentUnavailable: assign({
      payment: ({ context }, detail: string): PaymentAttempt | null =>
        context.payment ? { ...context.payment, failure: { kind: 'unavailable', reference: context.payment.reference, detail } } : null,
    }),
    // The attempt counter stays, so the next attempt gets a fresh reference.
    notePaymentPrompt: assign({
      payment: ({ context, event }): PaymentAttempt | null =>
        event.type === 'paymentTerminal.prompt' && context.payment?.reference === event.reference ? { ...context.payment, prompt: event.prompt } : context.payment,
    }),
    notePaymentCancelled: assign({ notice: (): Notice => ({ kind: 'paymentCancelled' }) }),
    recordCardPayment: assign(({ context }, outcome: PaymentOutcome) => {
      if (outcome.kind !== 'approved' || !context.sale) return {};
      const payment = { tender: 'card' as const, reference: outcome.reference, amountMinor: outcome.amountMinor, authCode: outcome.authCode, maskedPan: outcome.maskedPan, scheme: outcome.scheme, at: Date.now() };
      return { sale: { ...context.sale, payments: [...context.sale.payments, payment] } };
    }),
    notePartialApproval: assign(({ context }) => {
      const last = context.sale?.payments.at(-1);
      if (!context.sale || !last) return {};
      return { notice: { kind: 'partialApproval', approvedMinor: last.amountMinor, dueMinor: amountDueMinor(context.sale) } as Notice, payment: null };
    }),
    completeSale: assign(({ context }) => {
      const sale = context.sale!;
      const completed: Sale = { ...sale, status: 'completed', closedAt: Date.now(), language: context.language };
      // Paid: the shopper takes the bags away now, which the bagging area must not mind.
      return { sale: null, closedSale: completed, payment: null, notice: null, bagging: null, receipt: { status: 'printing' } as ReceiptState };
    }),
    addCoupon: assign(({ context, event }) => {
      if (event.type !== 'coupon.scanned' || !event.coupon) return {};
      const started = openSale(context);
      return { ...started, sale: { ...started.sale, coupons: [...(started.sale.coupons ?? []), event.coupon] }, notice: null };
    }),
    noteCouponRejected: assign({
      notice: ({ context, event }): Notice | null => {
        if (event.type !== 'coupon.scanned') return context.notice;
        const reason = couponProblem(context.sale, event.coupon, Date.now()) ?? 'unknown';
        return { kind: 'couponRejected', reason, minimumSpendMinor: reason === 'minimumSpend' ? event.coupon?.minimumSpendMinor : undefined };
      },
    }),
    addLoyaltyCard: assign(({ context, event }) => {
      if (event.type !== 'loyalty.scanned') return {};
      const started = openSale(context);
      return { ...started, sale: { ...started.sale, loyalty: { card: event.card } }, notice: null };
    }),
    noteLoyaltyAlreadyScanned: assign({ notice: (): Notice => ({ kind: 'loyaltyAlreadyScanned' }) }),
    resumeSuspendedSale: assign(({ context, event }) => {
      if (event.type !== 'suspended.found') return {};
      const started = openSale(context);
      return { ...started, sale: resumeInto(started.sale, event.sale), notice: null };
    }),
    noteSuspendedSaleNotFound: assign({ notice: (): Notice => ({ kind: 'suspendedSaleNotFound' }) }),
    /** On hold with a slip: recorded as suspended (with who did it); the slip prints like a receipt. */
    suspendSale: assign(({ context, event }) => {
      if (event.type !== 'assistant.suspendSale' || !context.sale) return {};
      const { sale, lastAssistantAction } = assistance.audited(context, event, 'suspendSale', { lines: context.sale.lines.length, totalMinor: saleTotal(context.sale) });
      return { closedSale: { ...sale!, status: 'suspended' as const, closedAt: Date.now(), language: context.language }, sale: null, lastAssistantAction, bagging: null, notice: null };
    }),
    // Staff: signing in and out, and what only an assistant may do (updates in assistance.ts).
    openSignIn: assign({ signIn: () => ({}) }),
    closeSignIn: assign({ signIn: null }),
    noteBadge: assign({ signIn: ({ context, event }) => (event.type === 'assistant.badgeScanned' ? { assistantId: event.assistantId } : (context.signIn ?? null)) }),
    noteSignInFailure: assign({
      signIn: ({ context, event }) =>
        event.type === 'assistant.signInFailed' ? { assistantId: event.assistantId, problem: event.problem, retryAfterMs: event.retryAfterMs } : (context.signIn ?? null),
    }),
    signInAssistant: assign(({ context, event }) => {
      if (event.type !== 'assistant.signedIn') return {};
      return { assistant: { ...event.assistant, since: Date.now() }, signIn: null, ...assistance.auditedLaneAction(context, { by: event.assistant, via: 'lane' }, 'signIn') };
    }),
    signOutAssistant: assign(({ context, event }) => {
      if (!context.assistant) return { assistant: null };
      const { since: _since, ...by } = context.assistant;
      const reason = event.type === 'assistant.signedOut' ? event.reason : 'signOut';
      return { assistant: null, ...assistance.auditedLaneAction(context, { by, via: 'lane' }, 'signOut', { reason }) };
    }),
    requestClose: assign(({ context, event }) => (event.type === 'assistant.closeLane' ? { closeAfterSale: true, ...assistance.auditedLaneAction(context, event, 'closeLane') } : {})),
    openLane: assign(({ context, event }) => (event.type === 'assistant.openLane' ? { closeAfterSale: false, ...assistance.auditedLaneAction(context, event, 'openLane') } : {})),
    laneClosed: assign({ closeAfterSale: false }),
    startMaintenance: assign(({ context, event }) => (event.type === 'assistant.startMaintenance' ? assistance.auditedLaneAction(context, event, 'startMaintenance') : {})),
    endMaintenance: assign(({ context, event }) => (event.type === 'assistant.endMaintenance' ? assistance.auditedLaneAction(context, event, 'endMaintenance') : {})),
    // Audited here like any lane action; the runtime hands it to the kiosk shell once it is committed.
    leaveKiosk: assign(({ context, event }) => (event.type === 'assistant.leaveKiosk' ? assistance.auditedLaneAction(context, event, 'leaveKiosk') : {})),
    approveAge: assign(({ context, event }) => (event.type === 'assistant.approveAge' ? assistance.approveAge(context, event) : {})),
    refuseAge: assign(({ context, event }) => (event.type === 'assistant.refuseAge' ? assistance.refuseAge(context, event) : {})),
    setQuantity: assign(({ context, event }) => (event.type === 'assistant.setQuantity' ? assistance.setQuantity(context, event) : {})),
    overridePrice: assign(({ context, event }) => (event.type === 'assistant.overridePrice' ? assistance.overridePrice(context, event) : {})),
    approveBagging: assign(({ context, event }) => (event.type === 'assistant.approveBagging' ? assistance.approveBagging(context, event) : {})),
    approveSkipBagging: assign(({ context, event }) => (event.type === 'assistant.approveSkipBagging' ? assistance.skipBagging(context, event) : {})),
    shopperSkipBagging: assign(({ context }) => assistance.skipBagging(context)),
    confirmTender: assign(({ context, event }) => (event.type === 'assistant.confirmTender' ? assistance.confirmTender(context, event) : {})),
    resumeSale: assign(({ context, event }) => (event.type === 'assistant.resumeSale' ? assistance.audited(context, event, 'resumeSale') : {})),
    /** The whole sale cancelled by an assistant: recorded as a cancelled sale with who did it. */
    voidSale: assign(({ context, event }) => {
      if (event.type !== 'assistant.voidSale' || !context.sale) return {};
      const { sale, lastAssistantAction } = assistance.audited(context, event, 'voidSale', { lines: context.sale.lines.length, totalMinor: saleTotal(context.sale) });
      return { closedSale: { ...sale!, status: 'cancelled' as const, closedAt: Date.now(), language: context.language }, sale: null, lastAssistantAction };
    }),
    // A receipt that already came out once prints again as a copy.
    markPrinting: assign({
      receipt: ({ context }): ReceiptState => ({ status: 'printing', copy: context.receipt?.status === 'printed' || (context.receipt?.status === 'printing' && context.receipt.copy === true) }),
    }),
    startReceiptCopy: assign(({ context, event }) => {
      if (event.type !== 'assistant.reprintLastReceipt' || !context.closedSale) return {};
      const { lastAssistantAction } = assistance.audited(context, event, 'reprintLastReceipt', { saleId: context.closedSale.id }, null);
      return { receipt: { status: 'printing', copy: true } as ReceiptState, lastAssistantAction };
    }),
    markReceiptNotWanted: assign({ receipt: (): ReceiptState => ({ status: 'notWanted' }) }),
    setReceiptWanted: assign({ receiptWanted: ({ context, event }) => (event.type === 'ui.setReceiptWanted' ? event.wanted : (context.receiptWanted ?? true)) }),
    markPrinted: assign({ receipt: (): ReceiptState => ({ status: 'printed' }) }),
    markPrintFailed: assign({
      receipt: (_, reason: string): ReceiptState => ({ status: 'failed', reason }),
    }),
  },
}).createMachine({
  id: 'checkout',
  context: ({ input }) => ({
    lane: input.lane,
    lastSaleNumber: input.lastSaleNumber ?? 0,
    language: input.lane.defaultLanguage,
    sale: null,
    closedSale: null,
    notice: null,
    devices: { scanner: closedDevice, printer: closedDevice, paymentTerminal: closedDevice },
    payment: null,
    receipt: null,
    scale: null,
    zeroSeen: false,
    weighing: null,
    baggingArea: null,
  }),
  initial: 'idle',
  on: {
    'device.statusChanged': { actions: 'recordDeviceStatus' },
    'device.inputDiscarded': { actions: 'recordDiscardedInput' },
    'ui.setLanguage': { actions: 'setLanguage' },
    'ui.setHighContrast': { actions: 'setHighContrast' },
    'scale.reading': { actions: 'recordScaleReading' },
    'help.requested': { actions: 'recordHelpRequest' },
    'ui.cancelHelp': { actions: 'cancelHelp' },
    'supervisor.message': { actions: 'showLaneMessage' },
    'ui.dismissMessage': { actions: 'dismissLaneMessage' },
    'ui.cancelVoidRequest': { actions: 'clearVoidRequest' },
    'ui.openSignIn': { guard: 'signInPadClosed', actions: 'openSignIn' },
    'ui.closeSignIn': { actions: 'closeSignIn' },
    // A badge scanned while someone is signed in is ignored: one assistant at a time.
    'assistant.badgeScanned': { guard: 'noAssistantSignedIn', actions: 'noteBadge' },
    'assistant.signInFailed': { actions: 'noteSignInFailure' },
    'assistant.signedIn': { actions: 'signInAssistant' },
    'assistant.signedOut': { actions: 'signOutAssistant' },
    // Whatever the lane is doing: it closes as soon as no shopper is using it.
    'assistant.closeLane': { actions: 'requestClose' },
    // Outside scanning (paying, receipt) the area is still watched: taking items away mid-payment shows on screen.
    'baggingScale.settled': { actions: ['recordBaggingArea', 'settleBaggingArea'] },
  },
  states: {
    /** Welcome screen: waiting for a shopper. */
    idle: {
      entry: 'resetForNextShopper',
      always: [
        { guard: 'closeRequested', target: 'closed' },
        { guard: 'requiredDeviceDown', target: 'outOfService' },
      ],
      on: {
        'ui.start': 'scanning',
        'scanner.scanned': enterItem,
        'coupon.scanned': enterCoupon,
        'loyalty.scanned': enterLoyaltyCard,
        'suspended.found': enterSuspendedSale,
        'suspended.notFound': enterSuspendedSale,
        'ui.openLookup': 'scanning.lookup',
        'assistant.startMaintenance': { target: 'maintenance', actions: 'startMaintenance' },
        'assistant.reprintLastReceipt': { guard: 'lastSaleCompleted', target: 'receipt.printing', actions: 'startReceiptCopy' },
      },
    },

    /** Between sales with a required device missing or faulty: the lane does not invite shoppers. */
    outOfService: {
      always: [
        { guard: 'closeRequested', target: 'closed' },
        { guard: 'requiredDevicesUp', target: 'idle' },
      ],
      on: { 'assistant.startMaintenance': { target: 'maintenance', actions: 'startMaintenance' } },
    },

    /** Closed (locked) by an assistant: shoppers are sent to another lane until an assistant opens it. */
    closed: {
      entry: 'laneClosed',
      on: {
        'assistant.openLane': { target: 'idle', actions: 'openLane' },
        'assistant.startMaintenance': { target: 'maintenance', actions: 'startMaintenance' },
      },
    },

    /** An assistant is servicing the lane (paper, a device, cleaning): not for shoppers. */
    maintenance: {
      on: {
        'assistant.endMaintenance': { target: 'idle', actions: 'endMaintenance' },
        // Only here: no shopper is mid-sale, and the lane is already out of use.
        'assistant.leaveKiosk': { actions: 'leaveKiosk' },
      },
    },

    /** Scanning items into the basket. */
    scanning: {
      initial: 'ready',
      on: {
        'scanner.scanned': enterItem,
        'lookup.chosen': enterItem,
        'coupon.scanned': enterCoupon,
        'loyalty.scanned': enterLoyaltyCard,
        'suspended.found': enterSuspendedSale,
        'suspended.notFound': enterSuspendedSale,
        'ui.openLookup': '.lookup',
        'baggingScale.settled': [
          { guard: 'settleCausesMismatch', target: '.baggingMismatch', actions: ['recordBaggingArea', 'settleBaggingArea'] },
          { actions: ['recordBaggingArea', 'settleBaggingArea'] },
        ],
        'ui.cancelSale': [{ guard: 'basketEmpty', target: 'idle' }, { guard: not('hasPayments'), target: '.confirmingCancel' }],
        // An assistant's corrections to the basket (never once something is paid: the amounts must stay as charged).
        'assistant.setQuantity': { guard: and(['lineExistsForCommand', not('hasPayments')]), actions: 'setQuantity' },
        'assistant.overridePrice': { guard: and(['lineExistsForCommand', not('hasPayments')]), actions: 'overridePrice' },
        'assistant.voidSale': { guard: not('hasPayments'), target: 'idle', actions: 'voidSale' },
        'assistant.suspendSale': { guard: and(['basketHasItems', not('hasPayments')]), target: '#checkout.receipt', actions: 'suspendSale' },
        // Checked while the shopper scans (the assistant happened to pass by): no wait at "Pay".
        'assistant.approveAge': { guard: 'ageCheckPending', actions: 'approveAge' },
        'assistant.refuseAge': { guard: 'ageCheckPending', target: '.ready', actions: 'refuseAge' },
      },
      states: {
        ready: {
          on: {
            'ui.pay': [
              { guard: 'itemsNotBagged', target: 'baggingMismatch', actions: 'markNotBagged' },
              { guard: 'ageCheckPending', target: 'awaitingAgeCheck' },
              { guard: 'paidInFull', target: '#checkout.receipt', actions: 'completeSale' },
              { guard: 'basketHasItems', target: '#checkout.payment' },
            ],
            'ui.skipBagging': [
              { guard: and(['itemsWaitingToBag', 'skipWithinShopperLimit']), actions: 'shopperSkipBagging' },
              { guard: 'itemsWaitingToBag', target: 'skipBaggingNeedsAssistant' },
            ],
            'assistant.approveBagging': { actions: 'approveBagging' },
            'ui.ownBag': { actions: 'expectOwnBag' },
            'ui.removeLine': [
              { guard: 'removalAllowed', actions: 'removeOnePiece' },
              { guard: 'lineExists', target: 'removalNeedsAssistant', actions: 'noteRemovalNeedsAssistant' },
            ],
            'lane.restored': { target: 'ready', reenter: true },
          },
          after: {
            emptyBasketTimeout: { guard: 'basketEmpty', target: '#checkout.idle' },
            inactivityTimeout: { guard: 'basketHasItems', target: 'stillThere' },
          },
        },
        /** Nothing happened for a while with items in the basket: ask before parking the sale. */
        stillThere: {
          on: {
            'ui.dismiss': 'ready',
            'lane.restored': { target: 'stillThere', reenter: true },
          },
          after: { stillThereTimeout: '#checkout.parked' },
        },
        /** Finding an item without a barcode: by PLU, by name, or from the grid of the most-used items. */
        lookup: {
          on: { 'ui.dismiss': 'ready' },
        },
        /**
         * The bagging area does not match the basket: scanning waits, the screen says in plain
         * words what to do, and it clears by itself once the area is as it should be.
         */
        baggingMismatch: {
          on: {
            // Nothing is added while the area is wrong: the next item would be judged against a wrong baseline.
            'scanner.scanned': {},
            'lookup.chosen': {},
            'coupon.scanned': {},
            'loyalty.scanned': {},
            'suspended.found': {},
            'suspended.notFound': {},
            'ui.openLookup': {},
            'baggingScale.settled': [
              { guard: 'settleResolvesMismatch', target: 'ready', actions: ['recordBaggingArea', 'settleBaggingArea'] },
              { actions: ['recordBaggingArea', 'settleBaggingArea'] },
            ],
            'assistant.approveBagging': { target: 'ready', actions: 'approveBagging' },
            // Asked at "Pay" for items the shopper cannot lift into the area: the same skip as from the basket.
            'ui.skipBagging': [
              { guard: and(['notBaggedAtPay', 'skipWithinShopperLimit']), target: 'ready', actions: 'shopperSkipBagging' },
              { guard: 'notBaggedAtPay', target: 'skipBaggingNeedsAssistant' },
            ],
          },
        },
        /** More items left out of the bagging area than the store lets a shopper skip: an assistant looks first. */
        skipBaggingNeedsAssistant: {
          on: {
            'assistant.approveSkipBagging': { target: 'ready', actions: 'approveSkipBagging' },
            'ui.dismiss': 'ready',
          },
        },
        /**
         * "Pay" with an age-restricted item nobody has checked yet: the shopper waits for an
         * assistant (called by the lane light and the supervisor station), then pays.
         */
        awaitingAgeCheck: {
          // The restricted items came off (refused, or removed by an assistant): nothing left to check.
          always: { guard: not('ageCheckPending'), target: 'ready' },
          on: {
            'assistant.approveAge': { guard: 'ageCheckPending', target: '#checkout.payment', actions: 'approveAge' },
            'ui.dismiss': 'ready',
          },
        },
        unknownItem: { exit: 'clearNotice', on: { 'ui.dismiss': 'ready' } },
        couponRejected: { exit: 'clearNotice', on: { 'ui.dismiss': 'ready' } },
        suspendedSaleNotFound: { exit: 'clearNotice', on: { 'ui.dismiss': 'ready' } },
        loyaltyAlreadyScanned: { exit: 'clearNotice', on: { 'ui.dismiss': 'ready' } },
        rejectedBarcode: { exit: 'clearNotice', on: { 'ui.dismiss': 'ready' } },
        needsWeighing: { exit: 'clearNotice', on: { 'ui.dismiss': 'ready' } },
        /** The shopper tried to take off an item only an assistant may (store rule); Help calls one. */
        removalNeedsAssistant: {
          exit: 'clearNotice',
          on: {
            'ui.dismiss': 'ready',
            // Approved (at the lane or from the station) while the shopper still looks at the dialog.
            'assistant.setQuantity': { guard: and(['lineExistsForCommand', not('hasPayments')]), target: 'ready', actions: 'setQuantity' },
            'ui.cancelVoidRequest': { target: 'ready', actions: 'clearVoidRequest' },
          },
        },
        /**
         * A weighed item is on (or going onto) the scale. The screen shows the live reading;
         * "Add" is accepted only when the legal-for-trade rules in weighing.ts allow it.
         */
        weighing: {
          // Not cleared on exit: XState runs exit actions before transition actions, which need it.
          always: { guard: not('scaleUsable'), target: 'needsWeighing', actions: 'handWeighingToAssistant' },
          on: {
            'ui.acceptWeight': { guard: 'weightAcceptable', target: 'ready', actions: 'addWeighedItem' },
            'ui.chooseContainer': { actions: 'chooseContainer' },
            'ui.dismiss': { target: 'ready', actions: 'clearWeighing' },
          },
        },
        paymentCancelled: { exit: 'clearNotice', on: { 'ui.dismiss': 'ready' } },
        confirmingCancel: {
          on: {
            'ui.confirmCancel': { target: '#checkout.idle', actions: 'cancelSale' },
            'ui.dismiss': 'ready',
          },
        },
      },
    },

    /**
     * The shopper walked away from a basket. The sale is kept, never dropped: the lane waits for
     * the shopper to come back (any touch or scan continues) or for an assistant to deal with it.
     */
    parked: {
      on: {
        'ui.dismiss': 'scanning.ready',
        'scanner.scanned': enterItem,
        'coupon.scanned': enterCoupon,
        'loyalty.scanned': enterLoyaltyCard,
        'suspended.found': enterSuspendedSale,
        'suspended.notFound': enterSuspendedSale,
        'ui.cancelSale': 'scanning.confirmingCancel',
        'assistant.resumeSale': { target: 'scanning.ready', actions: 'resumeSale' },
        'assistant.suspendSale': { guard: not('hasPayments'), target: 'receipt', actions: 'suspendSale' },
        'assistant.voidSale': { guard: not('hasPayments'), target: 'idle', actions: 'voidSale' },
      },
    },

    /** The card terminal has the amount; the shopper pays there. */
    payment: {
      initial: 'choosing',
      // Paying means keeping everything in the basket: an open request to take an item off lapses.
      entry: 'clearVoidRequest',
      on: {
        // Scans during payment are not added: the amount is already on the terminal.
        'scanner.scanned': { actions: 'noteFinishPaymentFirst' },
        'coupon.scanned': { actions: 'noteFinishPaymentFirst' },
        'loyalty.scanned': { actions: 'noteFinishPaymentFirst' },
        'suspended.found': { actions: 'noteFinishPaymentFirst' },
        'suspended.notFound': { actions: 'noteFinishPaymentFirst' },
        'ui.setReceiptWanted': { actions: 'setReceiptWanted' },
        'ui.dismiss': { actions: 'clearNotice' },
        // Items lifted out mid-payment and put back, or the assistant saw it was fine.
        'assistant.approveBagging': { actions: 'approveBagging' },
      },
      states: {
        /** Card at the terminal, or cash (another tender) taken by an assistant; again for what is left after a partial payment. */
        choosing: {
          on: {
            'ui.payByCard': 'authorizing',
            'ui.payAtAssistant': 'atAssistant',
            // Once something is paid the basket is settled: the rest is paid, or an assistant voids it at the desk.
            'ui.backToBasket': { guard: not('hasPayments'), target: '#checkout.scanning' },
            'assistant.voidSale': { guard: not('hasPayments'), target: '#checkout.idle', actions: 'voidSale' },
          },
        },
        /** Waiting for an assistant to take cash or another tender. */
        atAssistant: {
          on: {
            'assistant.confirmTender': { target: 'tenderTaken', actions: 'confirmTender' },
            'ui.backToBasket': 'choosing',
          },
        },
        tenderTaken: {
          always: [{ guard: 'paidInFull', target: '#checkout.receipt', actions: 'completeSale' }, { target: 'choosing' }],
        },
        authorizing: {
          entry: 'beginPaymentAttempt',
          invoke: {
            src: 'authorizePayment',
            input: ({ context }) => ({ reference: context.payment!.reference, amountMinor: context.payment!.amountMinor, currency: context.lane.currency }),
            onDone: [
              whenApproved,
              whenApprovedInPart,
              { guard: { type: 'cancelled', params: ({ event }) => event.output }, target: '#checkout.scanning.paymentCancelled', actions: 'notePaymentCancelled' },
              otherwiseFailed,
            ],
            onError: whenTerminalErrored,
          },
          on: { 'ui.cancelPayment': 'cancelling', 'paymentTerminal.prompt': { actions: 'notePaymentPrompt' } },
        },
        /**
         * The shopper asked to cancel. The terminal may have approved the card a moment earlier,
         * so the lane waits for the transaction's final outcome instead of assuming it is cancelled.
         */
        cancelling: {
          invoke: {
            src: 'cancelPayment',
            input: ({ context }) => ({ reference: context.payment!.reference, by: 'shopper' as const }),
            onDone: [
              whenApproved,
              whenApprovedInPart,
              { guard: { type: 'cancelled', params: ({ event }) => event.output }, target: '#checkout.scanning.paymentCancelled', actions: 'notePaymentCancelled' },
              otherwiseFailed,
            ],
            onError: whenTerminalErrored,
          },
        },
        /**
         * Before a new attempt, or before going back to the basket, after a timeout or a lost
         * terminal: settle the old reference first (cancel it, or learn it was approved after all),
         * so an approval that arrived late is never lost and the card is never charged twice.
         */
        settlingForRetry: {
          invoke: {
            src: 'cancelPayment',
            input: ({ context }) => ({ reference: context.payment!.reference, by: 'lane' as const }),
            onDone: [
              whenApproved,
              whenApprovedInPart,
              { guard: { type: 'settled', params: ({ event }) => event.output }, target: 'authorizing' },
              otherwiseFailed,
            ],
            onError: whenTerminalErrored,
          },
        },
        settlingForBasket: {
          invoke: {
            src: 'cancelPayment',
            input: ({ context }) => ({ reference: context.payment!.reference, by: 'lane' as const }),
            onDone: [
              whenApproved,
              whenApprovedInPart,
              { guard: { type: 'settledWithPayments', params: ({ event }) => event.output }, target: 'choosing' },
              { guard: { type: 'settled', params: ({ event }) => event.output }, target: '#checkout.scanning' },
              otherwiseFailed,
            ],
            onError: whenTerminalErrored,
          },
        },
        /** Declined, timed out or terminal unavailable: try again, or go back to the basket. */
        failed: {
          on: {
            'ui.retryPayment': [{ guard: 'chargeUnknown', target: 'settlingForRetry' }, { target: 'authorizing' }],
            'ui.backToBasket': [{ guard: 'chargeUnknown', target: 'settlingForBasket' }, { guard: 'hasPayments', target: 'choosing' }, { target: '#checkout.scanning' }],
          },
        },
      },
    },

    /** The sale is complete and paid: print the receipt and thank the shopper. */
    receipt: {
      initial: 'deciding',
      states: {
        /** Print unless the shopper declined a receipt before paying. */
        deciding: {
          // A suspended sale's slip always prints: it is the only way back to the basket.
          always: [{ guard: 'slipToPrint', target: 'printing' }, { guard: 'receiptNotWanted', target: 'done', actions: 'markReceiptNotWanted' }, { target: 'printing' }],
        },
        printing: {
          entry: 'markPrinting',
          invoke: {
            src: 'printReceipt',
            input: ({ context }) => ({ sale: context.closedSale!, lane: context.lane, copy: context.receipt?.status === 'printing' && context.receipt.copy === true }),
            onDone: [
              { guard: { type: 'printed', params: ({ event }) => event.output }, target: 'done', actions: 'markPrinted' },
              { target: 'printFailed', actions: { type: 'markPrintFailed', params: ({ event }) => (event.output.ok ? '' : event.output.reason) } },
            ],
            onError: { target: 'printFailed', actions: { type: 'markPrintFailed', params: ({ event }) => String(event.error) } },
          },
        },
        done: {
          on: {
            'ui.finish': '#checkout.idle',
            // Declined at first, wanted after all.
            'ui.reprint': 'printing',
            'lane.restored': { target: 'done', reenter: true },
          },
          after: { thankYouTimeout: '#checkout.idle' },
        },
        /** The sale is paid and recorded; only the paper failed. */
        printFailed: {
          on: {
            'ui.reprint': 'printing',
            'ui.finish': '#checkout.idle',
            'lane.restored': { target: 'printFailed', reenter: true },
          },
          after: { receiptProblemTimeout: '#checkout.idle' },
        },
      },
    },
  },
});

export type CheckoutMachine = typeof checkoutMachine;

/** The weighing in progress as the rules see it, or undefined when nothing is being weighed. */
export function weighingStatusOf(context: CheckoutContext) {
  if (!context.weighing) return undefined;
  return weighingStatus({
    reading: context.scale ?? null,
    zeroSeen: context.zeroSeen ?? false,
    unitPriceMinor: context.weighing.item.unitPriceMinor,
    minimumWeightGrams: context.lane.minimumWeightGrams ?? defaultMinimumWeightGrams,
    tareGrams: context.weighing.tare?.grams,
  });
}

/**
 * Whether a saved snapshot has the shape this version's statechart needs. XState restores any
 * state name it knows and takes the context as it is, so a snapshot written by a different
 * version could restore "successfully" and fail at the next event; the lane checks first and
 * quarantines what does not fit.
 */
export function isRestorableSnapshot(snapshot: unknown): snapshot is { value: unknown; context: CheckoutContext } {
  if (!snapshot || typeof snapshot !== 'object') return false;
  const { value, context, children } = snapshot as { value?: unknown; context?: Partial<CheckoutContext>; children?: unknown };
  if (value === undefined || !context || typeof context !== 'object' || !children || typeof children !== 'object') return false;
  const devicesKnown = !!context.devices && requiredDevices.every((role) => typeof context.devices?.[role]?.kind === 'string');
  const saleShaped = (sale: unknown) => sale === null || (typeof sale === 'object' && Array.isArray((sale as { lines?: unknown }).lines));
  return (
    Number.isSafeInteger(context.lastSaleNumber) &&
    typeof context.language === 'string' &&
    devicesKnown &&
    saleShaped(context.sale) &&
    saleShaped(context.closedSale) &&
    (context.payment === null || typeof context.payment === 'object') &&
    (context.notice === null || typeof context.notice === 'object')
  );
}
