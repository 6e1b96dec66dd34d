import { showcase } from '../../main/catalog/demoCatalog';
import { demoAssistants } from '../../main/assistants/demoAssistants';
import { decodeBarcode, restrictedTemplates } from '../../shared/barcode';
import type { LaneView } from '../../shared/bridge/laneView';
import type { AssistantCommand, UiEvent } from '../../shared/checkout/events';
import { weighingStatusOf } from '../../shared/checkout/machine';
import { amountDueMinor } from '../../shared/checkout/pricing';
import { languages } from '../../shared/i18n/languages';
import type { Logger } from '../../shared/log';
import { seededRandom } from '../../shared/random';
import { fingerprintOfView } from './crashCheck';
import { createCrashDevices, openCrashLane, SlowPrinter } from './crashLaneKit';
import type { CrashLaneConfig, FromCrashLane } from './crashProtocol';

/**
 * The crash proof's lane process: a lane (journal, catalogue, runtime, fake devices) and a
 * shopper that sells on it until the harness SIGKILLs the process. The shopper decides every
 * step from the view the lane shows now — never from memory — so a process started on a
 * restored journal carries on with whatever the lane restored: a half-scanned basket, a card
 * at the terminal, a receipt half printed, an age check waiting for an assistant.
 *
 * The mix: unit items (some scanned again: quantities), weighed bananas on the scale (with and
 * without a container), price-embedded deli labels and GS1-128 weight labels, unknown and
 * misread barcodes, items picked in the lookup, coupons and a loyalty card, pieces taken off by
 * the shopper and lines voided by an assistant, beer with the assistant's ID check (or refusal),
 * language and contrast changes, help calls, cards declined then approved, cancelled at the
 * terminal, cash for part of the amount, "no receipt", a printer that is slow and now and then
 * out of paper, sales cancelled and suspended with a slip that a later sale scans back, the
 * lane put in maintenance or closed and opened by an assistant, and the welcome screen idle.
 *
 * Every published view goes to the harness at once (before the next step), so the last one
 * the harness received before the kill is the last thing the shopper saw.
 */

const config = JSON.parse(process.argv[2] ?? '') as CrashLaneConfig;

function report(message: FromCrashLane): void {
  if (process.connected) process.send?.(message);
}

/** Errors go to the harness (a crash proof run must have none); the rest is noise here. */
function reportingLogger(bindings: Record<string, unknown> = {}): Logger {
  const quiet = () => {};
  return {
    debug: quiet,
    info: quiet,
    warn: quiet,
    error: (fields, message) => report({ kind: 'error', message, fields: JSON.stringify({ ...bindings, ...fields }) }),
    child: (more) => reportingLogger({ ...bindings, ...more }),
  };
}

process.on('uncaughtException', (error) => {
  report({ kind: 'failed', error: error.stack ?? String(error) });
  process.exit(70);
});
process.on('unhandledRejection', (reason) => {
  throw reason instanceof Error ? reason : new Error(String(reason));
});
// The harness went away: nobody is watching, stop.
process.on('disconnect', () => process.exit(0));

const random = seededRandom(config.seed);
const chance = (p: number): boolean => random() < p;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

const printer = new SlowPrinter(() => ({
  delayMs: between(0, 40),
  failure: chance(0.06) ? { reason: 'paperEnd', detail: 'paper end sensor', stage: 'status' } : null,
}));
const devices = createCrashDevices(printer);

report({ kind: 'opening', pid: process.pid });
const lane = openCrashLane(config, reportingLogger({ component: 'runtime' }), devices);
const { runtime, journal } = lane;
const countOutbox = journal.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox');
const unresumedSlip = journal.db.prepare<[], { sale_id: string }>('SELECT sale_id FROM suspended_sales WHERE resumed_at IS NULL ORDER BY rowid DESC LIMIT 1');
// Every view, from the first (the restored state) on, as it is published.
runtime.onView((view) => report({ kind: 'view', view: fingerprintOfView(view, countOutbox.get()!.n) }));
await runtime.start();
report({ kind: 'ready', restored: runtime.restored });

// What the shopper scans. Codes as the scanner sends them (AIM prefixes, GS separators).
const unitItems = [showcase.milk, showcase.bread, showcase.apples, showcase.chocolate, showcase.coffee];
const bananasCard = '2900000040113';
const deliLabel = '2000000104584';
const milkWeightLabel = ']C10104750001000016\x1d3103000512';
const unknownItem = '4006381333931';
const misread = `${showcase.milk.slice(0, 12)}7`;
const coupon = ']C0LW:C:COFFEE1';
const loyaltyCard = ']C0LW:L:2401000012345';
const decodedBananas = decodeBarcode(bananasCard, { currency: 'EUR', restrictedTemplate: restrictedTemplates.sweden });
const bananasGtin = decodedBananas.ok ? decodedBananas.value.lookupGtin : `0${showcase.apples}`;
const [anna, ivan] = demoAssistants;

/** How many items the shopper of sale `number` means to buy: the same on every start. */
function basketSize(number: number): number {
  return 1 + Math.floor(seededRandom((number * 2654435761) >>> 0)() * 6);
}

/** Whether the terminal declines this payment reference: decided by the reference, so a re-asked terminal answers the same. */
function declines(reference: string, attempt: number): boolean {
  let hash = 0;
  for (const char of reference) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return attempt === 1 && seededRandom(hash)() < 0.25;
}

const send = async (event: UiEvent): Promise<void> => {
  await runtime.service.sendEvent({ event });
};
const scan = (code: string): void => devices.scanner.emitScan(code);
const command = (assistantCommand: AssistantCommand) => send({ type: 'ui.assistantCommand', command: assistantCommand });

/** Signs in Anna (assistant), or Ivan (supervisor) when a supervisor is needed or now and then. */
async function signIn(supervisor = false): Promise<void> {
  const who = supervisor || chance(0.2) ? ivan : anna;
  await send({ type: 'ui.assistantSignIn', assistantId: who.id, pin: who.pin });
}

/** One shopper action that adds to (or pokes at) the basket: mostly items, sometimes something else. */
async function basketAction(view: LaneView): Promise<void> {
  const lines = view.context.sale?.lines ?? [];
  const roll = random();
  if (roll < 0.4) scan(pick(unitItems));
  else if (roll < 0.5 && lines.some((line) => line.pricing === 'unit')) scan(pick(lines.filter((line) => line.pricing === 'unit')).scannedCode);
  else if (roll < 0.58) scan(bananasCard);
  else if (roll < 0.61) scan(deliLabel);
  else if (roll < 0.63) scan(milkWeightLabel);
  else if (roll < 0.68) scan(chance(0.85) ? showcase.beer : showcase.vodka);
  else if (roll < 0.71) scan(unknownItem);
  else if (roll < 0.73) scan(misread);
  else if (roll < 0.77) await send({ type: 'ui.openLookup' });
  else if (roll < 0.79) scan(coupon);
  else if (roll < 0.81) scan(loyaltyCard);
  else if (roll < 0.86 && lines.length > 0) await send({ type: 'ui.removeLine', lineId: pick(lines).lineId });
  else if (roll < 0.9) await send({ type: 'ui.setLanguage', language: pick(languages) });
  else if (roll < 0.92) await send({ type: 'ui.setHighContrast', on: !view.context.highContrast });
  else if (roll < 0.94) await send(view.context.help ? { type: 'ui.cancelHelp' } : { type: 'ui.callHelp' });
  else scan(pick(unitItems));
}

type Step = 'acted' | 'wait';

/** The scanning screen with a basket (or an empty one after "Start"). */
async function atBasket(view: LaneView): Promise<Step> {
  const sale = view.context.sale;
  const assistant = view.context.assistant;
  const paid = (sale?.payments.length ?? 0) > 0;
  if (assistant) {
    const roll = random();
    if (roll < 0.45) await send({ type: 'ui.assistantSignOut' });
    else if (roll < 0.6 && sale && sale.lines.length > 0 && !paid) await command({ kind: 'setQuantity', lineId: pick(sale.lines).lineId, quantity: 0 });
    else if (roll < 0.66 && sale && sale.lines.length > 0 && !paid) await command({ kind: 'suspendSale' });
    else if (roll < 0.7 && sale && !paid && assistant.role === 'supervisor') await command({ kind: 'voidSale' });
    else return atBasketAsShopper(view);
    return 'acted';
  }
  if (chance(0.02)) {
    await signIn();
    return 'acted';
  }
  return atBasketAsShopper(view);
}

async function atBasketAsShopper(view: LaneView): Promise<Step> {
  const sale = view.context.sale;
  if (!sale || sale.lines.length === 0) {
    if (chance(0.05)) await send({ type: 'ui.cancelSale' });
    else await basketAction(view);
    return 'acted';
  }
  if (chance(0.015) && sale.payments.length === 0) await send({ type: 'ui.cancelSale' });
  else if (view.itemCount >= basketSize(sale.number) || sale.payments.length > 0) await send({ type: 'ui.pay' });
  else await basketAction(view);
  return 'acted';
}

async function atWelcome(view: LaneView): Promise<Step> {
  if (view.context.assistant) {
    const roll = random();
    if (roll < 0.5) await send({ type: 'ui.assistantSignOut' });
    else if (roll < 0.75) await command({ kind: 'startMaintenance' });
    else if (roll < 0.9) await command({ kind: 'closeLane' });
    else await command({ kind: 'reprintLastReceipt' });
    return 'acted';
  }
  const roll = random();
  const slip = unresumedSlip.get()?.sale_id;
  if (roll < 0.15) {
    // Nobody at the lane for a while.
    await new Promise((resolve) => setTimeout(resolve, between(10, 120)));
    return 'wait';
  }
  if (slip && roll < 0.5) scan(`]C0LW:S:${slip}`);
  else if (roll < 0.6) await send({ type: 'ui.start' });
  else if (roll < 0.64) await send({ type: 'ui.setLanguage', language: pick(languages) });
  else if (roll < 0.67) await send({ type: 'ui.openLookup' });
  else if (roll < 0.7) scan(loyaltyCard);
  else if (roll < 0.73) await signIn();
  else await basketAction(view);
  return 'acted';
}

/** Weighing: zero the scale, maybe pick a container, put the bananas on, let it settle, add them. */
async function atScale(view: LaneView): Promise<Step> {
  const status = weighingStatusOf(view.context);
  const scale = devices.scale;
  if (chance(0.04)) {
    await send({ type: 'ui.dismiss' });
    return 'acted';
  }
  switch (status?.kind) {
    case 'waiting':
    case 'clearScale':
    case 'underZero':
    case 'overCapacity':
    case 'zeroError':
    case 'unsupportedUnit':
    case undefined:
      scale.showStable(0);
      return 'acted';
    case 'placeItem':
      if (!view.context.weighing?.tare && chance(0.25)) await send({ type: 'ui.chooseContainer', containerId: 'paper-bag' });
      else if (chance(0.4)) scale.showMotion(between(100, 1500));
      else scale.showStable(between(60, 1800));
      return 'acted';
    case 'settling':
      scale.showStable(between(60, 1800));
      return 'acted';
    case 'belowMinimum':
      scale.showStable(between(200, 1800));
      return 'acted';
    case 'ready':
      await send({ type: 'ui.acceptWeight' });
      return 'acted';
  }
}

async function atAgeCheck(view: LaneView): Promise<Step> {
  if (!view.context.assistant) await signIn();
  else if (chance(0.85)) await command({ kind: 'approveAge' });
  else await command({ kind: 'refuseAge' });
  return 'acted';
}

async function atTerminal(view: LaneView): Promise<Step> {
  const payment = view.context.payment;
  // After a restart the runtime asks the terminal again under the same reference: answer that.
  if (!payment || !devices.paymentTerminal.requests.some((request) => request.reference === payment.reference)) return 'wait';
  if (chance(0.04)) await send({ type: 'ui.cancelPayment' });
  else if (declines(payment.reference, payment.attempt)) devices.paymentTerminal.decline(payment.reference);
  else devices.paymentTerminal.approve(payment.reference);
  return 'acted';
}

async function atCashDesk(view: LaneView): Promise<Step> {
  const sale = view.context.sale;
  if (!view.context.assistant) await signIn();
  else if (!sale || chance(0.1)) await send({ type: 'ui.backToBasket' });
  else {
    const due = amountDueMinor(sale);
    // Now and then only part of it in cash: the rest goes on a card.
    const tendered = chance(0.3) ? Math.max(1, Math.floor(due / 2)) : Math.ceil(due / 500) * 500 || 500;
    await command({ kind: 'confirmTender', tender: 'cash', tenderedMinor: tendered });
  }
  return 'acted';
}

/** One shopper (or assistant) step for what the lane shows now. */
async function step(view: LaneView): Promise<Step> {
  const { state, context } = view;
  switch (state) {
    case 'idle':
      return atWelcome(view);
    case 'scanning.ready':
      return atBasket(view);
    case 'scanning.weighing':
      return atScale(view);
    case 'scanning.awaitingAgeCheck':
      return atAgeCheck(view);
    case 'scanning.lookup':
      await send(chance(0.9) ? { type: 'ui.chooseItem', gtin: chance(0.5) ? bananasGtin : `0${pick(unitItems)}` } : { type: 'ui.dismiss' });
      return 'acted';
    case 'scanning.confirmingCancel':
      await send(chance(0.5) ? { type: 'ui.confirmCancel' } : { type: 'ui.dismiss' });
      return 'acted';
    case 'scanning.removalNeedsAssistant': {
      const request = context.voidRequest;
      const line = context.sale?.lines.find((candidate) => candidate.lineId === request?.lineId);
      if (context.assistant && line) await command({ kind: 'setQuantity', lineId: line.lineId, quantity: line.quantity - 1 });
      else if (!context.assistant && chance(0.5)) await signIn();
      else await send(chance(0.5) ? { type: 'ui.dismiss' } : { type: 'ui.cancelVoidRequest' });
      return 'acted';
    }
    case 'payment.choosing':
      if (context.receiptWanted !== false && chance(0.12)) await send({ type: 'ui.setReceiptWanted', wanted: false });
      else if (chance(0.08)) await send({ type: 'ui.payAtAssistant' });
      else if (chance(0.03) && (context.sale?.payments.length ?? 0) === 0) await send({ type: 'ui.backToBasket' });
      else await send({ type: 'ui.payByCard' });
      return 'acted';
    case 'payment.authorizing':
      return atTerminal(view);
    case 'payment.atAssistant':
      return atCashDesk(view);
    case 'payment.failed':
      await send(chance(0.85) ? { type: 'ui.retryPayment' } : { type: 'ui.backToBasket' });
      return 'acted';
    case 'receipt.done':
      await send(chance(0.04) ? { type: 'ui.reprint' } : { type: 'ui.finish' });
      return 'acted';
    case 'receipt.printFailed':
      await send(chance(0.7) ? { type: 'ui.reprint' } : { type: 'ui.finish' });
      return 'acted';
    case 'maintenance':
      if (context.assistant) await command({ kind: 'endMaintenance' });
      else await signIn();
      return 'acted';
    case 'closed':
      if (context.assistant) await command({ kind: 'openLane' });
      else await signIn();
      return 'acted';
    default:
      // A notice, "are you still there?", a parked sale: back to the basket. Busy states (printing,
      // settling a payment, cancelling): wait for the lane.
      if (state.startsWith('scanning.') || state === 'parked') {
        await send({ type: 'ui.dismiss' });
        return 'acted';
      }
      return 'wait';
  }
}

/** Resolves on the next published view, or after `timeoutMs`. */
function nextView(timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      resolve();
    }, timeoutMs);
    const subscription = runtime.onView(() => {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
}

// The shopper: acts, waits for the lane to show the result, pauses a moment, and again, until killed.
for (;;) {
  const before = runtime.view;
  const done = await step(before);
  if (runtime.view.version === before.version) await nextView(done === 'wait' ? 100 : 300);
  await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * config.pauseMs)));
}
