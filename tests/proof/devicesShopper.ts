import { produceGtin, showcase } from '../../main/catalog/demoCatalog';
import type { CatalogItem } from '../../shared/catalog/item';
import type { LaneView } from '../../shared/bridge/laneView';
import { inState } from '../../shared/bridge/laneView';
import type { UiEvent } from '../../shared/checkout/events';
import { weighingStatusOf } from '../../shared/checkout/machine';
import type { Sale } from '../../shared/checkout/sale';
import { buildReceiptDocument } from '../../shared/receipt/buildReceipt';
import type { Disposable } from '../../shared/event';
import type { SimulatedReceipt } from '../../devices/printer/simulator';
import { referenceText } from '../devices/support/receipts';
import type { DevicesRig } from './devicesRig';

/**
 * The shopper of the device proof, and the books it keeps. Every step is chosen from the
 * lane's state (a scan that did not show, a notice on screen, a receipt that failed), as a
 * shopper standing at the lane would; what the shopper did is written down so that each sale
 * can be checked when it closes: every line is something the shopper scanned or weighed, every
 * scan the lane showed is still on the sale, every scan made while the scanner was sound did
 * show, the receipt on paper is the sale's, and the card was charged once.
 */

/** Bananas: a loose item weighed on the scale (PLU 4011), as the scanner reads its in-store code. */
export const bananas = produceGtin(showcase.bananasPlu).slice(1);
const bananasGtin = produceGtin(showcase.bananasPlu);

/** A scan the shopper made, and whether the lane showed it. */
interface ScanAttempt {
  readonly gtin: string;
  readonly at: number;
  /** The bytes left the scanner (false: the cable was out, the write failed). */
  readonly sent: boolean;
  /** A fault was on the scanner's line (from its start until the scanner was proved working again). */
  readonly scannerFaulted: boolean;
  ackAt?: number;
}

interface OpenSaleBook {
  readonly attempts: ScanAttempt[];
  readonly weighings: number[];
}

export interface ShopperStats {
  salesClosed: number;
  scans: number;
  scansShown: number;
  /** Scans written while a fault was on the scanner's line that the lane never showed (the shopper scanned again). */
  scansLostToFaults: number;
  /** Scans that reached a lane on a screen that takes none (out of service because another device had just gone away). */
  scansRefusedByLane: number;
  weighedItems: number;
  /** Receipts cut by the printer, originals and copies, complete or not. */
  receiptsCut: number;
  reprints: number;
  /** Sales the lane had to tell the shopper about: the receipt failed (printFailed) before it was printed again. */
  receiptFailuresShown: number;
  paymentsRetried: number;
  cardPayments: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Screens on which a scan goes into the basket (or shows a notice); elsewhere (paying, the receipt, out of service) it is ignored. */
function takesScans(state: string): boolean {
  return state === 'idle' || state === 'parked' || (inState(state, 'scanning') && state !== 'scanning.baggingMismatch');
}

/** Screens a shopper leaves with "OK": notices and questions. */
const dismissable = new Set([
  'scanning.unknownItem',
  'scanning.couponRejected',
  'scanning.suspendedSaleNotFound',
  'scanning.loyaltyAlreadyScanned',
  'scanning.rejectedBarcode',
  'scanning.needsWeighing',
  'scanning.paymentCancelled',
  'scanning.removalNeedsAssistant',
  'scanning.stillThere',
  'scanning.lookup',
  'scanning.confirmingCancel',
  'scanning.skipBaggingNeedsAssistant',
  'scanning.baggingMismatch',
  'scanning.awaitingAgeCheck',
  'scanning.weighing',
  'parked',
]);

export class Shopper {
  readonly stats: ShopperStats = {
    salesClosed: 0,
    scans: 0,
    scansShown: 0,
    scansLostToFaults: 0,
    scansRefusedByLane: 0,
    weighedItems: 0,
    receiptsCut: 0,
    reprints: 0,
    receiptFailuresShown: 0,
    paymentsRetried: 0,
    cardPayments: 0,
  };
  /** Everything found wrong, in words: what the proof fails on. */
  readonly problems: string[] = [];
  /** Sale ids closed, with the card reference each was paid with. */
  readonly closedSales: { readonly id: string; readonly references: readonly string[]; readonly totalMinor: number }[] = [];
  /** Set by the campaign while a fault is on the scanner's line. */
  scannerFaulted = false;

  readonly #rig: DevicesRig;
  readonly #random: () => number;
  readonly #pool: readonly string[];
  readonly #subscriptions: Disposable[] = [];
  readonly #receipts: { readonly at: number; readonly receipt: SimulatedReceipt }[] = [];
  #book: OpenSaleBook = { attempts: [], weighings: [] };
  #used = new Set<string>();
  #checkedSaleId: string | undefined;

  constructor(rig: DevicesRig, items: readonly CatalogItem[], random: () => number) {
    this.#rig = rig;
    this.#random = random;
    // Sold by the piece, no age check (no assistant needed), scanned as EAN-13.
    this.#pool = items.filter((item) => item.soldBy === 'unit' && !item.variableMeasure && !item.ageLimit && /^0\d{13}$/.test(item.gtin)).map((item) => item.gtin);
    if (this.#pool.length < 60) throw new Error(`the catalogue has only ${this.#pool.length} plain items; the proof needs 60`);
    this.#subscriptions.push(
      rig.lane.runtime.onView((view) => this.#watch(view)),
      rig.printer.onReceipt((receipt) => {
        this.stats.receiptsCut++;
        const sale = this.view.context.closedSale;
        if (sale && this.#isReceiptOf(receipt)) this.#receiptFor.add(sale.id);
        this.#receipts.push({ at: Date.now(), receipt });
        // Receipts are matched by their sale's text: the last few are all that can still be of use.
        if (this.#receipts.length > 20) this.#receipts.shift();
      }),
    );
  }

  dispose(): void {
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
  }

  get view(): LaneView {
    return this.#rig.view;
  }

  /** Items on the open sale. */
  get basketSize(): number {
    return this.view.context.sale?.lines.length ?? 0;
  }

  async send(event: UiEvent): Promise<boolean> {
    return (await this.#rig.lane.runtime.service.sendEvent({ event })).accepted;
  }

  // ── Scanning ──────────────────────────────────────────────────────────

  /** Idle or scanning with nothing on screen in the way. */
  get canScan(): boolean {
    const state = this.view.state;
    return (state === 'idle' || state === 'scanning.ready') && !this.#rig.scannerHung;
  }

  /** Keeps the shopper off `gtin` for the rest of this sale (the proof's own checks scan it behind the shopper's back). */
  reserve(gtin: string): void {
    this.#used.add(gtin);
  }

  /** One scan of an item not yet on this sale; resolves once written (or the write failed), without waiting for the screen. */
  async scanFresh(): Promise<ScanAttempt> {
    let gtin = this.#pool[Math.floor(this.#random() * this.#pool.length)]!;
    for (let tries = 0; this.#used.has(gtin) && tries < 1_000; tries++) gtin = this.#pool[Math.floor(this.#random() * this.#pool.length)]!;
    this.#used.add(gtin);
    let sent = true;
    const at = Date.now();
    try {
      await this.#rig.scan(gtin.slice(1));
    } catch {
      sent = false;
    }
    const attempt: ScanAttempt = { gtin, at, sent, scannerFaulted: this.scannerFaulted };
    this.#book.attempts.push(attempt);
    this.stats.scans++;
    // Shown already (a fast lane): the view watcher ran before the attempt was written down.
    if (this.view.context.sale?.lines.some((line) => line.gtin === gtin)) {
      attempt.ackAt = Date.now();
      this.stats.scansShown++;
    }
    return attempt;
  }

  /**
   * Scans until an item shows in the basket, as a shopper does when the scanner does not beep;
   * resolves with the time it showed, or undefined at the deadline. Waits for the lane when
   * it cannot take a scan; `laneWait` collects that time (it is not the scanner's).
   */
  async scanUntilShown(deadline: number, laneWait: { ms: number } = { ms: 0 }): Promise<number | undefined> {
    while (Date.now() < deadline) {
      const waitStart = Date.now();
      await this.ensureSellable(deadline);
      laneWait.ms += Date.now() - waitStart;
      if (!this.canScan) {
        await sleep(50);
        continue;
      }
      const attempt = await this.scanFresh();
      if (attempt.sent) {
        const shown = await this.#rig.waitForView((view) => view.context.sale?.lines.some((line) => line.gtin === attempt.gtin) ?? false, 300);
        if (shown) return attempt.ackAt ?? Date.now();
      } else {
        await sleep(100);
      }
    }
    return undefined;
  }

  // ── Getting the lane to a screen where the shopper can scan ───────────────

  /**
   * Leaves notices and questions, finishes a payment or a receipt under way, waits out of
   * service: until the lane is idle or scanning, or the deadline.
   */
  async ensureSellable(deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      const state = this.view.state;
      if (state === 'idle' || state === 'scanning.ready') return;
      if (dismissable.has(state)) {
        if (state === 'scanning.weighing') this.#rig.setLoad(0);
        await this.send({ type: 'ui.dismiss' });
        await sleep(10);
      } else if (inState(state, 'payment') || inState(state, 'receipt')) {
        await this.completeSale(deadline);
      } else {
        // outOfService until the required devices are back; anything else waits too.
        await this.#rig.waitForView((view) => view.state !== state, Math.max(0, Math.min(200, deadline - Date.now())));
      }
    }
  }

  /** A sale with at least one item on it, on the scanning screen. */
  async ensureOpenSale(deadline: number): Promise<boolean> {
    await this.ensureSellable(deadline);
    if (this.basketSize > 0 && this.view.state === 'scanning.ready') return true;
    return (await this.scanUntilShown(deadline)) !== undefined && (await this.#settledOn('scanning.ready', deadline));
  }

  async #settledOn(state: string, deadline: number): Promise<boolean> {
    return (await this.#rig.waitForView((view) => view.state === state, Math.max(0, deadline - Date.now()))) !== undefined;
  }

  // ── Weighing ──────────────────────────────────────────────────────────

  /** The platter empty and read as zero, as the weighing rules want before the next item. */
  async clearScale(deadline: number): Promise<boolean> {
    this.#rig.setLoad(0);
    const view = await this.#rig.waitForView((v) => v.context.scale?.kind === 'stable' && v.context.scale.weight.grams === 0 && v.context.zeroSeen === true, Math.max(0, deadline - Date.now()));
    return view !== undefined;
  }

  /** Scans the bananas; true once the lane is weighing them (the scale usable). */
  async startWeighing(deadline: number): Promise<boolean> {
    while (Date.now() < deadline) {
      await this.ensureSellable(deadline);
      if (!this.canScan) {
        await sleep(50);
        continue;
      }
      try {
        await this.#rig.scan(bananas);
      } catch {
        await sleep(100);
        continue;
      }
      const view = await this.#rig.waitForView((v) => v.state === 'scanning.weighing' || v.state === 'scanning.needsWeighing', 500);
      if (view?.state === 'scanning.weighing') return true;
    }
    return false;
  }

  /** Accepts the weighing if the lane shows `grams` as ready to sell; true when the line is on the sale. */
  async acceptIfReady(grams: number): Promise<boolean> {
    const view = this.view;
    if (view.state !== 'scanning.weighing') return false;
    const status = weighingStatusOf(view.context);
    if (status?.kind !== 'ready' || status.grams !== grams) return false;
    const lines = view.context.sale?.lines.length ?? 0;
    if (!(await this.send({ type: 'ui.acceptWeight' }))) return false;
    const after = this.view.context.sale?.lines ?? [];
    const line = after.at(-1);
    if (after.length !== lines + 1 || line?.gtin !== bananasGtin) {
      this.problems.push(`weighing accepted but no bananas line was added (lines ${lines} → ${after.length})`);
      return false;
    }
    if (line.weightGrams !== grams) this.problems.push(`bananas sold at ${line.weightGrams} g while the platter held ${grams} g`);
    this.#book.weighings.push(grams);
    this.stats.weighedItems++;
    return true;
  }

  // ── Paying and the receipt ─────────────────────────────────────────────

  /** Pay by card from the scanning screen. False if the lane would not go to payment. */
  async pay(): Promise<boolean> {
    if (this.view.state !== 'scanning.ready' || this.basketSize === 0) return false;
    if (!(await this.send({ type: 'ui.pay' }))) return false;
    const now: string = this.#rig.view.state;
    if (now === 'payment.choosing') return this.send({ type: 'ui.payByCard' });
    return inState(now, 'payment') || inState(now, 'receipt');
  }

  /**
   * From wherever the sale is (scanning with items, paying, receipt) to the next shopper:
   * pays, retries a failed payment, reprints a failed receipt, checks the sale and its paper,
   * and finishes. Resolves true when the lane is idle again.
   */
  async completeSale(deadline: number): Promise<boolean> {
    while (Date.now() < deadline) {
      const state = this.view.state;
      if (state === 'idle') return true;
      if (state === 'scanning.ready') {
        if (this.basketSize === 0) return true;
        await this.pay();
      } else if (dismissable.has(state)) {
        if (state === 'scanning.weighing') this.#rig.setLoad(0);
        await this.send({ type: 'ui.dismiss' });
      } else if (state === 'payment.failed') {
        this.stats.paymentsRetried++;
        await sleep(100);
        await this.send({ type: 'ui.retryPayment' });
      } else if (state === 'payment.choosing') {
        await this.send({ type: 'ui.payByCard' });
      } else if (inState(state, 'payment')) {
        await this.#rig.waitForView((view) => view.state !== state, Math.max(0, Math.min(500, deadline - Date.now())));
      } else if (state === 'receipt.printing') {
        await this.#rig.waitForView((view) => view.state !== state, Math.max(0, Math.min(500, deadline - Date.now())));
      } else if (state === 'receipt.printFailed') {
        await this.#reprint(deadline);
      } else if (state === 'receipt.done') {
        if (await this.#receiptOnPaper()) {
          await this.send({ type: 'ui.finish' });
        } else {
          await this.#reprint(deadline);
        }
      } else {
        await this.#rig.waitForView((view) => view.state !== state, Math.max(0, Math.min(200, deadline - Date.now())));
      }
    }
    return this.view.state === 'idle';
  }

  /**
   * Prints a receipt through the printer now: the failed one again, a copy of the last one, or
   * (mid-sale) by paying. Resolves with when a complete receipt of the sale came out of the printer.
   */
  async printReceipt(deadline: number, laneWait: { ms: number } = { ms: 0 }, since = Date.now()): Promise<number | undefined> {
    const printed = () => this.#receipts.find(({ at, receipt }) => at >= since && this.#isReceiptOf(receipt))?.at;
    while (Date.now() < deadline) {
      const done = printed();
      if (done !== undefined) return done;
      const state = this.view.state;
      if (state === 'receipt.printFailed' || state === 'receipt.done') {
        await this.#reprint(deadline);
      } else if (state === 'receipt.printing') {
        await this.#rig.waitForView((view) => view.state !== state, Math.max(0, Math.min(500, deadline - Date.now())));
      } else if (inState(state, 'payment')) {
        const waitStart = Date.now();
        if (state === 'payment.failed') {
          this.stats.paymentsRetried++;
          await this.send({ type: 'ui.retryPayment' });
        } else if (state === 'payment.choosing') {
          await this.send({ type: 'ui.payByCard' });
        }
        await this.#rig.waitForView((view) => !inState(view.state, 'payment'), Math.max(0, Math.min(500, deadline - Date.now())));
        laneWait.ms += Date.now() - waitStart;
      } else if (state === 'scanning.ready' && this.basketSize > 0) {
        await this.pay();
      } else {
        await this.ensureOpenSale(deadline);
      }
    }
    return printed();
  }

  /**
   * Pays (or waits for the payment under way) until a card is approved at or after `since`;
   * resolves with when the lane showed it paid. A sale paid before `since` is finished first
   * (`laneWait` collects that time) and a new one paid.
   */
  async payUntilApproved(deadline: number, laneWait: { ms: number } = { ms: 0 }, since = Date.now()): Promise<number | undefined> {
    while (Date.now() < deadline) {
      const state = this.view.state;
      if (inState(state, 'receipt')) {
        if (this.#paidAt !== undefined && this.#paidAt >= since) return this.#paidAt;
        const waitStart = Date.now();
        await this.completeSale(deadline);
        laneWait.ms += Date.now() - waitStart;
        continue;
      }
      if (state === 'payment.failed') {
        this.stats.paymentsRetried++;
        await this.send({ type: 'ui.retryPayment' });
        await sleep(20);
      } else if (state === 'payment.choosing') {
        await this.send({ type: 'ui.payByCard' });
      } else if (inState(state, 'payment')) {
        await this.#rig.waitForView((view) => view.state !== state, Math.max(0, Math.min(500, deadline - Date.now())));
      } else if (state === 'scanning.ready' && this.basketSize > 0) {
        await this.pay();
      } else {
        await this.ensureOpenSale(deadline);
      }
    }
    return undefined;
  }

  /**
   * "Print again", as a shopper presses it: at once when the lane shows the printer ready, else
   * after half a second (pressing again); resolves once that print attempt is over.
   */
  async #reprint(deadline: number): Promise<void> {
    if (this.view.context.devices.printer?.kind !== 'ready') {
      await this.#rig.waitForView((view) => view.context.devices.printer?.kind === 'ready' || !inState(view.state, 'receipt'), Math.max(0, Math.min(500, deadline - Date.now())));
    }
    if (this.view.state !== 'receipt.printFailed' && this.view.state !== 'receipt.done') return;
    this.stats.reprints++;
    await this.send({ type: 'ui.reprint' });
    await this.#rig.waitForView((view) => view.state !== 'receipt.printing', Math.max(0, deadline - Date.now()));
  }

  // ── The books ─────────────────────────────────────────────────────────

  #paidAt: number | undefined;

  #watch(view: LaneView): void {
    const taking = takesScans(view.state);
    const last = this.#notTaking.at(-1);
    if (!taking && (!last || last.to !== Number.POSITIVE_INFINITY)) {
      this.#notTaking.push({ from: Date.now(), to: Number.POSITIVE_INFINITY });
      if (this.#notTaking.length > 100) this.#notTaking.shift();
    } else if (taking && last?.to === Number.POSITIVE_INFINITY) {
      last.to = Date.now();
    }
    const lines = view.context.sale?.lines;
    if (lines) {
      for (const attempt of this.#book.attempts) {
        if (attempt.ackAt === undefined && lines.some((line) => line.gtin === attempt.gtin)) {
          attempt.ackAt = Date.now();
          this.stats.scansShown++;
        }
      }
    }
    // Checked the moment it closes, whatever the shopper is doing then.
    if (view.context.closedSale && inState(view.state, 'receipt')) this.#checkClosedSale(view.context.closedSale);
    if (inState(view.state, 'receipt') && this.#paidAt === undefined) this.#paidAt = Date.now();
    if (!inState(view.state, 'receipt')) this.#paidAt = undefined;
    if (view.state === 'receipt.done' || view.state === 'receipt.printFailed') {
      // Counted once per sale: the first time the lane said the paper failed.
      if (view.state === 'receipt.printFailed' && view.context.closedSale && this.#failedShownFor !== view.context.closedSale.id) {
        this.#failedShownFor = view.context.closedSale.id;
        this.stats.receiptFailuresShown++;
      }
    }
  }

  #failedShownFor: string | undefined;
  /** When the lane was on a screen that takes no scans (out of service, paying, the receipt): [from, to]. */
  readonly #notTaking: { from: number; to: number }[] = [];
  /** Closed sales a complete receipt of which came out of the printer. */
  readonly #receiptFor = new Set<string>();

  /** The receipt's text as the lane's printer prints `sale` (original or copy). */
  #referenceTexts(sale: Sale): readonly string[] {
    const lane = this.#rig.lane.runtime.lane;
    return [referenceText(buildReceiptDocument(sale, lane)), referenceText(buildReceiptDocument(sale, lane, { reprint: true }))];
  }

  #isReceiptOf(receipt: SimulatedReceipt): boolean {
    const sale = this.view.context.closedSale;
    if (!sale) return false;
    return this.#referenceTexts(sale).some((text) => receipt.text.endsWith(text));
  }

  /** A complete receipt of the closed sale has come out of the printer (the lane saying "printed" must be true on paper). */
  async #receiptOnPaper(): Promise<boolean> {
    const sale = this.view.context.closedSale;
    if (!sale || this.#receiptFor.has(sale.id)) return true;
    if (this.view.context.receipt?.status !== 'printed') return false;
    // The lane said "printed": the paper must say the same. Give the last bytes a moment.
    await sleep(200);
    if (this.#receiptFor.has(sale.id)) return true;
    this.problems.push(`sale ${sale.id}: the lane showed the receipt printed, but no complete receipt of it came out of the printer`);
    return true;
  }

  /** Closed sales that never got a complete receipt on paper. */
  get salesWithoutReceipt(): readonly string[] {
    return this.closedSales.filter((sale) => !this.#receiptFor.has(sale.id)).map((sale) => sale.id);
  }

  /** The sale that just closed against the shopper's books; once per sale. */
  #checkClosedSale(sale: Sale): void {
    if (sale.id === this.#checkedSaleId) return;
    this.#checkedSaleId = sale.id;
    const book = this.#book;
    this.#book = { attempts: [], weighings: [] };
    this.#used = new Set();
    this.stats.salesClosed++;
    const problem = (text: string) => this.problems.push(`sale ${sale.id}: ${text}`);

    const attempted = new Map(book.attempts.map((attempt) => [attempt.gtin, attempt]));
    const unitLines = sale.lines.filter((line) => line.pricing === 'unit');
    const seen = new Set<string>();
    for (const line of unitLines) {
      if (!attempted.has(line.gtin)) problem(`${line.gtin} is on the sale but the shopper never scanned it (input became an item)`);
      if (seen.has(line.gtin) || line.quantity !== 1) problem(`${line.gtin} is on the sale ${line.quantity} times, scanned once`);
      seen.add(line.gtin);
    }
    for (const attempt of book.attempts) {
      if (attempt.ackAt !== undefined && !seen.has(attempt.gtin)) problem(`${attempt.gtin} was shown in the basket but is not on the closed sale`);
      if (attempt.ackAt === undefined && attempt.sent) {
        if (attempt.scannerFaulted) this.stats.scansLostToFaults++;
        // The lane turned to a screen that takes no scans as the bytes arrived (out of service: another device went away).
        else if (this.#notTaking.some(({ from, to }) => attempt.at >= from - 50 && attempt.at <= to + 50)) this.stats.scansRefusedByLane++;
        else problem(`${attempt.gtin} was scanned while the scanner was sound and never showed`);
      }
    }
    const weighed = sale.lines.filter((line) => line.pricing !== 'unit').map((line) => line.weightGrams ?? -1);
    if (JSON.stringify([...weighed].sort()) !== JSON.stringify([...book.weighings].sort())) problem(`weighed lines ${JSON.stringify(weighed)} differ from the weighings accepted ${JSON.stringify(book.weighings)}`);
    const paid = sale.payments.reduce((sum, payment) => sum + payment.amountMinor, 0);
    const references = sale.payments.flatMap((payment) => (payment.tender === 'card' ? [payment.reference] : []));
    this.stats.cardPayments += references.length;
    this.closedSales.push({ id: sale.id, references, totalMinor: paid });
  }
}
