import { readFileSync } from 'node:fs';
import { AssistantDirectory } from '../../main/assistants/assistantDirectory';
import { CatalogStore } from '../../main/catalog/catalogStore';
import { Journal } from '../../main/lane/journal';
import { LaneRuntime } from '../../main/lane/runtime';
import { startStoreLink, type StoreLink } from '../../main/lane/storeLink/storeLink';
import { SupervisorLink } from '../../main/lane/supervisorLink';
import { createLogger } from '../../main/log/logger';
import { restrictedTemplates } from '../../shared/barcode';
import type { LaneView } from '../../shared/bridge/laneView';
import type { UiEvent } from '../../shared/checkout/events';
import { seededRandom } from '../../shared/random';
import { createFakeDevices } from '../main/helpers/fakeDevices';
import type { FromLane, LaneProgress, ProofLaneConfig, ToLane } from './laneProtocol';

/**
 * One lane of the partition proof in its own process (`fork` with `--import tsx`): opened as
 * the in-process proof opens one (journal, catalogue, runtime with fake devices, store link
 * through the fault proxy with fast timing), and a shopper that sells by itself until the
 * journal holds `sales` closed sales: scan 1–3 items, pay by card, finish. Every step is chosen
 * from the lane's state, never from memory, so a process SIGKILLed at any moment and started
 * again carries on with the restored basket (scans it on, pays it, or finishes it) and never
 * starts an extra sale. It reports progress over IPC and keeps uploading until told to stop.
 *
 * With `supervisor` in its configuration (the soak) it also links to the supervisor hub, and
 * some baskets hold an age-restricted item or have the shopper call for help: those wait for
 * the station (an approval, a message), as a shopper would wait for an assistant.
 */

const configFlag = process.argv.indexOf('--config');
const configPath = configFlag >= 0 ? process.argv[configFlag + 1] : undefined;
if (!configPath) throw new Error('laneProcess: --config <file> is required');
const config = JSON.parse(readFileSync(configPath, 'utf8')) as ProofLaneConfig;

const log = createLogger({ file: config.logPath });
const laneLog = log.child({ lane: config.laneId, pid: process.pid });

function report(message: FromLane): void {
  // After the harness went away there is nobody to tell.
  if (process.connected) process.send?.(message);
}

process.on('uncaughtException', (error) => {
  laneLog.error({ error: error.stack ?? String(error) }, 'proof lane crashed');
  report({ kind: 'failed', error: error.stack ?? String(error) });
  log.flush();
  process.exit(70);
});
process.on('unhandledRejection', (reason) => {
  throw reason instanceof Error ? reason : new Error(String(reason));
});

const journal = Journal.open(config.journalPath);
const catalog = CatalogStore.open(config.catalogPath);
const devices = createFakeDevices();
const runtime = new LaneRuntime({
  lane: { laneId: config.laneId, storeName: 'Proof Store', currency: 'EUR', defaultLanguage: 'en' },
  restrictedTemplate: restrictedTemplates.sweden,
  catalog,
  journal,
  devices,
  log: laneLog.child({ component: 'runtime' }),
  assistants: new AssistantDirectory(catalog.db),
});
await runtime.start();
const productionTiming = config.linkTiming === 'production';
const link: StoreLink = startStoreLink({
  config: {
    url: config.storeUrl,
    laneToken: config.laneToken,
    // The configuration's default when not proving faults.
    catalogPollSeconds: productionTiming ? 30 : 5,
    outbox: { alertAfterSales: 5000, alertAfterHours: 24, keepSentDays: 30 },
  },
  laneId: config.laneId,
  currency: 'EUR',
  catalogPath: config.catalogPath,
  journal,
  runtime,
  log: laneLog,
  timing: productionTiming
    ? undefined
    : { uploader: { firstRetryMs: 50, maxRetryMs: 400, housekeepingMs: 1000 }, client: { connectMs: 1000, responseMs: 2000, idleMs: 1000 }, catalogPollMs: 300, statusRefreshMs: 200 },
});
const supervisorLink = config.supervisor
  ? new SupervisorLink({
      runtime,
      commands: journal,
      url: config.supervisor.url,
      laneSecret: config.supervisor.laneSecret,
      log: laneLog,
      store: link,
      timing: productionTiming ? undefined : { firstRetryMs: 100, maxRetryMs: 1000 },
    })
  : undefined;
supervisorLink?.start();
/** Baskets that need the station only where there is one. */
const withStation = supervisorLink !== undefined;
const maxItems = config.maxItems ?? 3;

const countClosed = journal.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox');
const closedSales = (): number => countClosed.get()!.n;

function progress(): LaneProgress {
  const sales = closedSales();
  const { state } = runtime.view;
  const backlog = journal.outboxBacklog();
  return {
    sales,
    state,
    done: sales >= config.sales && state === 'idle',
    backlog: backlog.unsent + backlog.flagged,
    flagged: backlog.flagged,
    // What the lane sells from, read from its own catalogue connection.
    catalogVersion: catalog.syncState().version,
    linkUp: link.status().linkUp,
    ...(supervisorLink && { hubLink: supervisorLink.state }),
  };
}

report({ kind: 'ready', pid: process.pid, restored: runtime.restored, state: runtime.view.state, sales: closedSales() });
laneLog.info({ restored: runtime.restored, state: runtime.view.state, sales: closedSales(), target: config.sales }, 'proof lane started');
const progressTimer = setInterval(() => report({ kind: 'progress', progress: progress() }), 200);
runtime.onSaleClosed(() => {
  // The fakes keep every receipt and payment request for tests to look at; a lane selling thousands must not.
  devices.printer.documents.length = 0;
  devices.paymentTerminal.requests.length = 0;
  report({ kind: 'progress', progress: progress() });
});

let stopping = false;
let settleTimer: NodeJS.Timeout | undefined;

/** Resolves on the next published view (or after `timeoutMs`, to look again). */
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

const pauseRandom = seededRandom(config.seed ^ 0x5eed);
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.floor(pauseRandom() * config.pauseMs)));

interface SalePlan {
  readonly basket: readonly string[];
  /** The shopper calls for help after the first item. */
  readonly help: boolean;
}

/** The plan of sale `number`: the same on every start, so a restored basket is scanned on to the same plan. */
function planOf(number: number): SalePlan {
  const random = seededRandom((config.seed * 31 + number) >>> 0);
  const count = 1 + Math.floor(random() * maxItems);
  const basket = Array.from({ length: count }, () => config.gtins[Math.floor(random() * config.gtins.length)]!);
  // Drawn after the basket, so a lane without these options sells the very baskets it always did.
  if (withStation && config.ageCheckEvery && config.restrictedGtin && random() * config.ageCheckEvery < 1) basket.push(config.restrictedGtin);
  const help = withStation && config.helpEvery !== undefined && random() * config.helpEvery < 1;
  return { basket, help };
}

/** The sale whose help call the station has answered (the shopper read the message and carried on). */
let helpAnsweredFor: number | undefined;

async function send(event: UiEvent): Promise<void> {
  await runtime.service.sendEvent({ event });
}

/** One shopper step for the state the lane is in; false when there is nothing to do (sold out, idle). */
async function step(view: LaneView): Promise<boolean> {
  const { state } = view;
  if (state === 'idle') {
    const closed = closedSales();
    if (closed >= config.sales) return false;
    devices.scanner.emitScan(planOf(journal.lastUsedSaleNumber() + 1).basket[0]!);
  } else if (state === 'scanning.ready') {
    const number = view.context.sale?.number ?? journal.lastUsedSaleNumber() + 1;
    const { basket, help } = planOf(number);
    if (help && view.itemCount > 0 && helpAnsweredFor !== number) return await waitForHelp(view, number);
    if (view.itemCount < basket.length) devices.scanner.emitScan(basket[view.itemCount]!);
    else if (view.itemCount > 0) await send({ type: 'ui.pay' });
    else devices.scanner.emitScan(basket[0]!);
  } else if (state === 'scanning.awaitingAgeCheck') {
    // The station checks the ID; the shopper waits.
    await nextView(1000);
  } else if (state.startsWith('scanning.') || state === 'parked') {
    // "Are you still there?", a notice, a parked basket, a question: back to the basket.
    await send({ type: 'ui.dismiss' });
  } else if (state === 'payment.choosing') {
    await send({ type: 'ui.payByCard' });
  } else if (state === 'payment.authorizing') {
    // After a restart the runtime asks the terminal again under the same reference: approve that.
    const reference = view.context.payment?.reference;
    if (!reference || !devices.paymentTerminal.requests.some((request) => request.reference === reference)) {
      await nextView(50);
      return true;
    }
    devices.paymentTerminal.approve(reference);
  } else if (state === 'payment.failed') {
    await send({ type: 'ui.retryPayment' });
  } else if (state === 'payment.atAssistant') {
    await send({ type: 'ui.backToBasket' });
  } else if (state === 'receipt.done' || state === 'receipt.printFailed') {
    await send({ type: 'ui.finish' });
  } else {
    // Printing, settling a payment, cancelling: the lane is busy; wait for it.
    await nextView(200);
    return true;
  }
  return true;
}

/** Help called, the station's message awaited, read, and the call withdrawn. */
async function waitForHelp(view: LaneView, number: number): Promise<boolean> {
  const { help, laneMessage } = view.context;
  if (laneMessage) {
    await send({ type: 'ui.dismissMessage' });
    if (help) await send({ type: 'ui.cancelHelp' });
    helpAnsweredFor = number;
  } else if (!help) await send({ type: 'ui.callHelp' });
  else await nextView(1000);
  return true;
}

/** The shopper: acts until the lane has sold its share, then waits for the harness. */
async function shop(): Promise<void> {
  while (!stopping) {
    const before = runtime.view;
    const acted = await step(before);
    if (!acted) {
      await nextView(500);
      continue;
    }
    // Wait for the step to show (or look again after a while: an event the state ignored changes nothing).
    if (runtime.view.version === before.version) await nextView(2000);
    await pause();
  }
}

const shopping = shop().catch((error: unknown) => {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  laneLog.error({ error: text }, 'proof shopper failed');
  report({ kind: 'failed', error: text });
  log.flush();
  process.exit(70);
});

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(progressTimer);
  clearInterval(settleTimer);
  await shopping;
  await supervisorLink?.stop();
  await link.stop();
  await runtime.stop();
  journal.close();
  catalog.close();
  laneLog.info({}, 'proof lane stopped');
  log.flush();
  process.exit(0);
}

process.on('message', (message: ToLane) => {
  if (message.kind === 'stop') void stop();
  else if (message.kind === 'settle' && !settleTimer) {
    // The faults are over: ask now and then rather than wait out a backoff grown during them.
    settleTimer = setInterval(() => {
      void link.catalogSync.syncNow();
      link.uploader.wake();
      report({ kind: 'progress', progress: progress() });
    }, 500);
  }
});
// The harness went away: stop cleanly rather than sell on unwatched.
process.on('disconnect', () => void stop());
