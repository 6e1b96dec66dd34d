import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Command, Option } from 'commander';
import { Journal } from '../../main/lane/journal';
import { createLogger } from '../../main/log/logger';
import { inState } from '../../shared/bridge/laneView';
import type { CatalogItem } from '../../shared/catalog/item';
import type { Logger } from '../../shared/log';
import { seededRandom } from '../../shared/random';
import { summarize } from '../../bench/stats';
import {
  defaultDurations,
  FaultWatch,
  garbageChunk,
  garbagePauseMs,
  planFaults,
  rolesOf,
  sharesOf,
  waitHealthy,
  type FaultDurations,
  type FaultKind,
  type PlannedFault,
  type Surfaced,
} from './devicesFaults';
import { scaleChoices, startDevicesRig, startProofStore, type DevicesRig, type ProofDevice, type ProofStore, type ScaleChoice, type StationObserver } from './devicesRig';
import { Shopper } from './devicesShopper';
import { positiveInteger } from './cliOptions';

/**
 * `npm run proof:devices`: devices unplugged, replugged, flooded with garbage and hung half-way
 * through a frame while a shopper keeps selling. A real lane (`startLane`: the device manager's
 * drivers, runtime, journal and supervisor link) runs on simulators that speak the real wire
 * protocols over socat pseudo-terminals (scanner, scale, receipt printer) and loopback TCP (card
 * terminal), linked to a real supervisor hub with a station connected: a fault "surfaces" when
 * the station's tile for the lane names the device (its status, a device-fault intervention, or
 * a recent event naming it). Once per scale protocol (Mettler Toledo 8217, NCI SCP-01, the
 * Magellan scanner-scale on one cable), each device gets each kind of fault during a scan, a
 * weighing, a receipt printing and a card payment, from a seeded schedule.
 *
 * For each fault: the time from its start until the station shows it; the time from the device
 * returning until the station shows it healthy and a real operation through it worked (a scan
 * shows in the basket, a weight is read, a receipt prints, a card payment is approved) — the
 * target is 2 s. Every sale is checked when it closes (nothing the shopper did not scan, nothing
 * shown lost, every scan made while the scanner was sound shown, the receipt on paper is the
 * sale's, or the lane said it failed and it was printed again), then the journal and the card
 * terminal (every sale once, every card charged once). Prints one JSON document and a summary;
 * exits 1 when a fault did not surface or recover, recovered slower than 2 s, or anything was lost.
 */

export interface DevicesProofOptions {
  /** Faults in all, shared out between the scale protocols (default 200). */
  readonly faults?: number;
  readonly seed?: number;
  /** The scale protocols to run the campaign on (default all three). */
  readonly scales?: readonly ScaleChoice[];
  readonly durations?: FaultDurations;
  /** The recovery target (default 2,000 ms). */
  readonly targetRecoveryMs?: number;
  readonly keepFiles?: boolean;
  readonly onProgress?: (line: string) => void;
}

export interface FaultOutcome {
  readonly index: number;
  readonly scale: ScaleChoice;
  readonly device: string;
  readonly target: PlannedFault['target'];
  readonly kind: FaultKind;
  readonly phase: PlannedFault['phase'];
  readonly style?: string | undefined;
  readonly durationMs: number;
  readonly surfaced: Surfaced;
  /** Fault start → the station named the device (or, `surfaced: 'unnamed'`, showed input discarded). */
  readonly detectMs: number | null;
  readonly shownAs: string | null;
  /** Device back → the station shows it healthy. */
  readonly healthyMs: number | null;
  /** Device back → an operation through it worked (the shopper's waiting for a payment under way taken off). */
  readonly operationMs: number | null;
  /** The later of the two: what the 2 s target is about. */
  readonly recoverMs: number | null;
  readonly laneWaitMs: number;
  /** The longest the shared event loop was held up while the device came back (a loaded machine, not the lane's doing, when large). */
  readonly eventLoopMaxMs: number;
  readonly problems: readonly string[];
}

export interface DeviceKindFigures {
  readonly count: number;
  readonly surfacedNamed: number;
  readonly surfacedUnnamed: number;
  readonly notSurfaced: number;
  readonly detectP50Ms: number | null;
  readonly detectMaxMs: number | null;
  readonly recoverP50Ms: number | null;
  readonly recoverP99Ms: number | null;
  readonly recoverMaxMs: number | null;
  readonly slowerThanTarget: number;
  readonly notRecovered: number;
  readonly failures: number;
}

export interface DevicesProofReport {
  readonly harness: 'proof:devices';
  readonly date: string;
  readonly seed: number;
  readonly seconds: number;
  readonly machine: { readonly cpuModel: string; readonly cores: number; readonly memoryGiB: number; readonly node: string; readonly platform: string };
  readonly passed: boolean;
  readonly faults: number;
  readonly scales: readonly ScaleChoice[];
  readonly targetRecoveryMs: number;
  readonly maxRecoveryMs: number | null;
  readonly recovery: ReturnType<typeof summarize> | null;
  readonly detection: ReturnType<typeof summarize> | null;
  readonly salesClosed: number;
  readonly shopper: Record<string, number>;
  /** `<device>/<kind>`: device is scanner, scale:<protocol>, magellan, printer, paymentTerminal. */
  readonly byDeviceAndKind: Readonly<Record<string, DeviceKindFigures>>;
  readonly laneErrorsLogged: number;
  /** Delay of the event loop the lane shares with the simulators and the shopper, over the whole run. */
  readonly eventLoopDelay: { readonly p99Ms: number; readonly maxMs: number };
  /** The machine's load average (1 min) at the start and the end: other work on the 2 cores shows here. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly failures: readonly string[];
  readonly outcomes: readonly FaultOutcome[];
  readonly workDir?: string | undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long a device may take to come back after returning before the proof calls it not recovered. */
const recoveryTimeoutMs = 20_000;
/**
 * How long after the device's return a sighting still counts when none came before. Garbage
 * without a line end (a line shorter than the protocol's limit) can only be told from a message
 * when the line ends, with the device's next message — the card terminal's next ping reply, at
 * most a second later; a device healthy again at once must not end the watch before that.
 */
const lateSightingMs = 2_000;
/** Getting the sale to the fault's phase; a lane that cannot is a failure of its own. */
const prepareTimeoutMs = 20_000;
/** How long the shopper takes at the card terminal in the payment phase, so faults land mid-payment. */
const paymentDecisionMs = 1_500;
/** Every other payment: the card read and approved at once. */
const quickTerminal = { mode: 'auto', decision: 'approve', delayMs: 60 } as const;

export async function runDevicesProof(options: DevicesProofOptions = {}): Promise<DevicesProofReport> {
  const faultCount = options.faults ?? 200;
  const seed = options.seed ?? 20261209;
  const scales = options.scales ?? scaleChoices;
  const durations = options.durations ?? defaultDurations;
  const targetRecoveryMs = options.targetRecoveryMs ?? 2_000;
  const say = options.onProgress ?? (() => undefined);
  if (!Number.isSafeInteger(faultCount) || faultCount < scales.length) throw new Error(`faults: at least one per scale protocol (${scales.length})`);
  const startedAt = Date.now();
  const loadStart = loadavg()[0]!;
  const random = seededRandom(seed);
  const workDir = mkdtempSync(join(tmpdir(), 'lanewise-proof-devices-'));
  const fileLog = createLogger({ file: join(workDir, 'proof.jsonl'), level: 'info' });
  const laneLog = countingLogger(fileLog);
  const failures: string[] = [];
  const outcomes: FaultOutcome[] = [];
  const shopperTotals: Record<string, number> = {};
  const crashes: string[] = [];
  const onCrash = (error: unknown) => crashes.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  // The lane, the simulators and the shopper share this process's event loop: a stall shows in every figure.
  const eventLoop = monitorEventLoopDelay({ resolution: 10 });
  const eventLoopAll = monitorEventLoopDelay({ resolution: 10 });
  eventLoop.enable();
  eventLoopAll.enable();

  let store: ProofStore | undefined;
  try {
    const laneIds = scales.map((_, segment) => `P0${segment + 1}`);
    store = await startProofStore(workDir, laneIds, fileLog.child({ component: 'hub' }));
    const { catalogFile, items, laneUrl, secrets, station } = store;

    const shares = sharesOf(faultCount, scales.length);
    let index = 1;
    for (const [segment, scale] of scales.entries()) {
      const planned = planFaults(scale, shares[segment]!, index, random, durations);
      index += planned.length;
      say(`${scale}: ${planned.length} faults`);
      const laneId = laneIds[segment]!;
      const segmentResult = await runSegment({ scale, laneId, planned, workDir, catalogFile, items, laneUrl, laneSecret: secrets.get(laneId)!, station, log: laneLog, random, say, targetRecoveryMs, eventLoop });
      outcomes.push(...segmentResult.outcomes);
      failures.push(...segmentResult.failures.map((failure) => `${scale}: ${failure}`));
      for (const [key, value] of Object.entries(segmentResult.shopper)) shopperTotals[key] = (shopperTotals[key] ?? 0) + value;
    }
  } finally {
    await store?.close();
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    eventLoop.disable();
    eventLoopAll.disable();
    fileLog.flush();
  }

  for (const crash of crashes) failures.push(`crash: ${crash}`);
  for (const message of laneLog.errors.slice(0, 20)) failures.push(`the lane logged an error: ${message}`);
  for (const outcome of outcomes) {
    const label = `#${outcome.index} ${outcome.device} ${outcome.kind}${outcome.style ? ` (${outcome.style})` : ''} during ${outcome.phase}, ${(outcome.durationMs / 1000).toFixed(1)} s`;
    if (outcome.surfaced !== 'named') failures.push(`${label}: ${outcome.surfaced === 'no' ? 'never surfaced at the station' : `surfaced without naming the device (${outcome.shownAs})`}`);
    if (outcome.recoverMs === null) failures.push(`${label}: did not recover within ${recoveryTimeoutMs / 1000} s`);
    else if (outcome.recoverMs > targetRecoveryMs) failures.push(`${label}: recovered in ${outcome.recoverMs} ms (target ${targetRecoveryMs} ms)`);
    for (const problem of outcome.problems) failures.push(`${label}: ${problem}`);
  }

  const recoveries = outcomes.flatMap((outcome) => (outcome.recoverMs === null ? [] : [outcome.recoverMs]));
  const detections = outcomes.flatMap((outcome) => (outcome.detectMs === null ? [] : [outcome.detectMs]));
  const passed = failures.length === 0;
  if (passed && !options.keepFiles) rmSync(workDir, { recursive: true, force: true });
  const all = cpus();
  return {
    harness: 'proof:devices',
    date: new Date(startedAt).toISOString(),
    seed,
    seconds: Math.round((Date.now() - startedAt) / 1000),
    machine: { cpuModel: all[0]?.model ?? 'unknown', cores: all.length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` },
    passed,
    faults: outcomes.length,
    scales,
    targetRecoveryMs,
    maxRecoveryMs: recoveries.length > 0 ? Math.max(...recoveries) : null,
    recovery: recoveries.length > 0 ? summarize(recoveries, 0) : null,
    detection: detections.length > 0 ? summarize(detections, 0) : null,
    salesClosed: shopperTotals.salesClosed ?? 0,
    shopper: shopperTotals,
    byDeviceAndKind: figuresByDeviceAndKind(outcomes, targetRecoveryMs),
    laneErrorsLogged: laneLog.errors.length,
    eventLoopDelay: { p99Ms: Math.round(eventLoopAll.percentile(99) / 1e6), maxMs: Math.round(eventLoopAll.max / 1e6) },
    loadAverage: { start: Number(loadStart.toFixed(2)), end: Number(loadavg()[0]!.toFixed(2)) },
    failures,
    outcomes,
    workDir: passed && !options.keepFiles ? undefined : workDir,
  };
}

interface SegmentContext {
  readonly scale: ScaleChoice;
  readonly laneId: string;
  readonly planned: readonly PlannedFault[];
  readonly workDir: string;
  readonly catalogFile: string;
  readonly items: readonly CatalogItem[];
  readonly laneUrl: string;
  readonly laneSecret: string;
  readonly station: StationObserver;
  readonly eventLoop: IntervalHistogram;
  readonly log: Logger;
  readonly random: () => number;
  readonly say: (line: string) => void;
  readonly targetRecoveryMs: number;
}

/** One lane on one scale protocol through its share of the faults, then its books, journal and card terminal checked. */
async function runSegment(context: SegmentContext): Promise<{ outcomes: FaultOutcome[]; failures: string[]; shopper: Record<string, number> }> {
  const { station, laneId, say } = context;
  const failures: string[] = [];
  const outcomes: FaultOutcome[] = [];
  const rig = await startDevicesRig({
    scale: context.scale,
    laneId,
    workDir: join(context.workDir, context.scale),
    catalogFile: context.catalogFile,
    laneUrl: context.laneUrl,
    laneSecret: context.laneSecret,
    log: context.log.child({ lane: laneId }),
  });
  const shopper = new Shopper(rig, context.items, context.random);
  try {
    const everyRole = [...rig.devices.values()].flatMap((device) => device.roles);
    const ready = await rig.waitForView((view) => view.state === 'idle' && everyRole.every((role) => view.context.devices[role]?.kind === 'ready'), 15_000);
    if (!ready) throw new Error(`the lane did not start with every device ready: ${JSON.stringify(rig.view.context.devices)}`);
    if ((await waitHealthy(station, laneId, everyRole, Date.now(), 15_000)) === undefined) throw new Error('the station never showed the lane online with every device ready');
    await shopper.clearScale(Date.now() + 5_000);

    for (const fault of context.planned) {
      const outcome = await runFault(rig, shopper, context, fault);
      outcomes.push(outcome);
      const recovered = outcome.recoverMs === null ? 'NOT RECOVERED' : `recovered ${outcome.recoverMs} ms (healthy ${outcome.healthyMs ?? '–'}, ${operationName(fault.target)} ${outcome.operationMs ?? '–'})`;
      const shown = outcome.surfaced === 'no' ? 'NOT SHOWN' : `shown ${outcome.surfaced === 'unnamed' ? 'UNNAMED ' : ''}in ${outcome.detectMs} ms (${outcome.shownAs})`;
      say(`  #${fault.index} ${outcome.device} ${fault.kind}${fault.style ? `/${fault.style}` : ''} during ${fault.phase} ${(fault.durationMs / 1000).toFixed(1)} s: ${shown}; ${recovered}${outcome.problems.length > 0 ? ` ✗ ${outcome.problems.join('; ')}` : ''}`);
      // Now and then the shopper pays up: sales of every size, and every sale checked as it closes.
      if (shopper.basketSize >= 12 || context.random() < 0.25 || inState(rig.view.state, 'payment') || inState(rig.view.state, 'receipt')) {
        if (!(await shopper.completeSale(Date.now() + prepareTimeoutMs))) failures.push(`after fault #${fault.index} the sale could not be finished (lane in ${rig.view.state})`);
      }
    }
    if (!(await shopper.completeSale(Date.now() + prepareTimeoutMs))) failures.push(`the last sale could not be finished (lane in ${rig.view.state})`);
  } finally {
    shopper.dispose();
    await rig.stop();
  }
  failures.push(...shopper.problems);
  failures.push(...shopper.salesWithoutReceipt.map((saleId) => `sale ${saleId} closed without a complete receipt on paper`));
  failures.push(...checkTerminal(rig, shopper));
  failures.push(...checkJournal(rig.journalPath, shopper));
  return { outcomes, failures, shopper: { ...shopper.stats } };
}

function operationName(target: PlannedFault['target']): string {
  switch (target) {
    case 'scanner':
      return 'scan shown';
    case 'scale':
      return 'weight read';
    case 'magellan':
      return 'scan shown and weight read';
    case 'printer':
      return 'receipt printed';
    case 'paymentTerminal':
      return 'card approved';
  }
}

/** One fault: the sale brought to its phase, the fault, the shopper carrying on, the device back, and its recovery measured. */
async function runFault(rig: DevicesRig, shopper: Shopper, context: SegmentContext, fault: PlannedFault): Promise<FaultOutcome> {
  const { station, laneId, random } = context;
  const device = rig.devices.get(fault.target)!;
  const roles = rolesOf(fault.target);
  const problems: string[] = [];
  const scannerLine = fault.target === 'scanner' || fault.target === 'magellan';
  const deviceName = fault.target === 'scale' ? `scale:${fault.scale}` : fault.target;

  // Each fault starts from a lane the station shows sound: an earlier one must not be counted twice.
  if ((await waitHealthy(station, laneId, [...rig.devices.values()].flatMap((d) => d.roles), Date.now(), recoveryTimeoutMs)) === undefined) {
    problems.push(`the station did not show every device healthy before the fault (${JSON.stringify(station.tile(laneId)?.status?.devices)})`);
  }

  // ── The sale to the fault's phase, and the fault ──
  let injected: { at: number; stop: () => Promise<void> } | undefined;
  const inject = async () => {
    if (scannerLine) shopper.scannerFaulted = true;
    const at = Date.now();
    injected = { at, stop: await startFault(device, fault, random) };
  };
  let weighingGrams: number | undefined;
  let decisionDueAt: number | undefined;
  const prepareDeadline = Date.now() + prepareTimeoutMs;
  switch (fault.phase) {
    case 'scan':
      if (!(await shopper.ensureOpenSale(prepareDeadline))) problems.push(`could not open a sale (lane in ${rig.view.state})`);
      await inject();
      break;
    case 'weighing':
      await shopper.ensureSellable(prepareDeadline);
      if (!(await shopper.clearScale(prepareDeadline)) || !(await shopper.startWeighing(prepareDeadline))) problems.push(`could not start weighing (lane in ${rig.view.state}, scale ${JSON.stringify(rig.view.context.scale)})`);
      weighingGrams = 300 + Math.floor(random() * 2_200);
      rig.setLoad(weighingGrams);
      await inject();
      break;
    case 'printing': {
      if (!(await shopper.ensureOpenSale(prepareDeadline))) problems.push(`could not open a sale (lane in ${rig.view.state})`);
      // The fault begins with the receipt's first printed line.
      const firstLine = new Promise<void>((resolve) => {
        const subscription = rig.printer.onLine(() => {
          subscription.dispose();
          resolve();
        });
        setTimeout(() => {
          subscription.dispose();
          resolve();
        }, 5_000);
      });
      await shopper.pay();
      await firstLine;
      await inject();
      break;
    }
    case 'payment': {
      if (!(await shopper.ensureOpenSale(prepareDeadline))) problems.push(`could not open a sale (lane in ${rig.view.state})`);
      // A shopper who takes a moment at the terminal: the fault lands once the terminal has the amount.
      rig.terminal.setMode({ mode: 'auto', decision: 'approve', delayMs: paymentDecisionMs });
      const taken = new Promise<boolean>((resolve) => {
        const subscription = rig.terminal.onChange((pending) => {
          if (pending.length === 0) return;
          subscription.dispose();
          clearTimeout(timer);
          resolve(true);
        });
        const timer = setTimeout(() => {
          subscription.dispose();
          resolve(false);
        }, 3_000);
      });
      await shopper.pay();
      if (!(await taken)) problems.push(`the payment did not reach the terminal (lane in ${rig.view.state})`);
      rig.terminal.setMode(quickTerminal);
      // The shopper and the bank decide then, whatever the cable does meanwhile.
      decisionDueAt = Date.now() + paymentDecisionMs;
      await inject();
      break;
    }
  }
  const { at: faultAt, stop: endFault } = injected!;
  const watch = new FaultWatch(station, laneId, roles, faultAt);

  // ── The shopper carries on while the device is away ──
  const until = faultAt + fault.durationMs;
  let weighed = false;
  while (Date.now() < until) {
    const state = rig.view.state;
    if (fault.phase === 'scan') {
      if (shopper.canScan && shopper.basketSize < 40) await shopper.scanFresh();
      else if (state.startsWith('scanning.') && state !== 'scanning.ready' && state !== 'scanning.weighing') await shopper.send({ type: 'ui.dismiss' });
      await sleep(Math.min(250 + random() * 200, Math.max(0, until - Date.now())));
    } else if (fault.phase === 'weighing' && !weighed && weighingGrams !== undefined) {
      if (await shopper.acceptIfReady(weighingGrams)) {
        weighed = true;
        rig.setLoad(0);
      } else if (state === 'scanning.needsWeighing') {
        // The scale is not usable: the item goes to an assistant, off the platter.
        weighed = true;
        rig.setLoad(0);
        await shopper.send({ type: 'ui.dismiss' });
      }
      await sleep(Math.min(50, Math.max(0, until - Date.now())));
    } else {
      await sleep(Math.min(100, Math.max(0, until - Date.now())));
    }
  }

  // ── The device returns ──
  await endFault();
  const returnedAt = Date.now();
  if (fault.phase === 'weighing' && !weighed && rig.view.state === 'scanning.weighing') {
    // Still weighing: done once the weight is read again (the scale's operation below).
    rig.setLoad(weighingGrams ?? 0);
  }
  // A card payment begun before the fault is decided when the shopper and the bank are done, not before: waiting for that is not the terminal's.
  context.eventLoop.reset();
  const laneWait = { ms: fault.target === 'paymentTerminal' && decisionDueAt !== undefined ? Math.max(0, decisionDueAt - returnedAt) : 0 };
  const deadline = returnedAt + recoveryTimeoutMs;
  const [healthyAt, operationAt] = await Promise.all([waitHealthy(station, laneId, roles, returnedAt, recoveryTimeoutMs), operate(rig, shopper, fault, deadline, laneWait, random)]);
  const eventLoopMax = context.eventLoop.max;
  shopper.scannerFaulted = false;
  // A sighting up to the recovery counts (a hung printer is only found out when it is next asked),
  // or up to lateSightingMs after the return when there was none by then.
  if (watch.surfaced !== 'named') await watch.namedBy(returnedAt + lateSightingMs);
  watch.dispose();
  if (fault.phase === 'weighing' && rig.view.state === 'scanning.weighing' && weighingGrams !== undefined) {
    if (!(await shopper.acceptIfReady(weighingGrams))) await shopper.send({ type: 'ui.dismiss' });
    rig.setLoad(0);
  }

  const sighting = watch.named ?? watch.unnamed;
  const healthyMs = healthyAt === undefined ? null : Math.max(0, healthyAt - returnedAt);
  const operationMs = operationAt === undefined ? null : Math.max(0, operationAt - returnedAt - laneWait.ms);
  return {
    index: fault.index,
    scale: fault.scale,
    device: deviceName,
    target: fault.target,
    kind: fault.kind,
    phase: fault.phase,
    style: fault.style,
    durationMs: fault.durationMs,
    surfaced: watch.surfaced,
    detectMs: sighting ? sighting.at - faultAt : null,
    shownAs: sighting?.what ?? null,
    healthyMs,
    operationMs,
    recoverMs: healthyMs === null || operationMs === null ? null : Math.max(healthyMs, operationMs),
    laneWaitMs: laneWait.ms,
    eventLoopMaxMs: Math.round(eventLoopMax / 1e6),
    problems,
  };
}

/** Starts the fault; resolves with how to end it (the device returning). */
async function startFault(device: ProofDevice, fault: PlannedFault, random: () => number): Promise<() => Promise<void>> {
  switch (fault.kind) {
    case 'unplug':
      await device.unplug();
      return () => device.plugBackIn();
    case 'stuck':
      await device.stick();
      return () => device.unstick();
    case 'garbage': {
      const style = fault.style ?? 'noise';
      let flooding = true;
      const flood = (async () => {
        while (flooding) {
          await device.sendRaw(garbageChunk(style, random)).catch(() => undefined);
          await sleep(garbagePauseMs(style));
        }
      })();
      return async () => {
        flooding = false;
        await flood;
      };
    }
  }
}

/** The operation that proves the device back: resolves with when it worked, or undefined at the deadline. */
async function operate(rig: DevicesRig, shopper: Shopper, fault: PlannedFault, deadline: number, laneWait: { ms: number }, random: () => number): Promise<number | undefined> {
  const weigh = async (): Promise<number | undefined> => {
    // A different weight from anything on the platter before: a reading that changed is a reading that was taken.
    const grams = 150 + Math.floor(random() * 2_000);
    const current = rig.view.context.scale;
    const target = current?.kind === 'stable' && current.weight.grams === grams ? grams + 7 : grams;
    rig.setLoad(target);
    const view = await rig.waitForView((v) => v.context.scale?.kind === 'stable' && v.context.scale.weight.grams === target, Math.max(0, deadline - Date.now()));
    return view ? Date.now() : undefined;
  };
  switch (fault.target) {
    case 'scanner':
      return shopper.scanUntilShown(deadline, laneWait);
    case 'scale':
      return weigh();
    case 'magellan': {
      const weighed = await weigh();
      const scanned = await shopper.scanUntilShown(deadline, laneWait);
      return weighed === undefined || scanned === undefined ? undefined : Math.max(weighed, scanned);
    }
    case 'printer':
      return shopper.printReceipt(deadline, laneWait);
    case 'paymentTerminal':
      return shopper.payUntilApproved(deadline, laneWait);
  }
}

/** Every card the terminal approved belongs to a closed sale, and every closed sale's card was approved once. */
function checkTerminal(rig: DevicesRig, shopper: Shopper): string[] {
  const problems: string[] = [];
  const references = new Map<string, string>();
  for (const sale of shopper.closedSales) for (const reference of sale.references) references.set(reference, sale.id);
  const approved = rig.terminal.transactions.filter((transaction) => transaction.outcome?.kind === 'approved');
  const approvedReferences = new Set(approved.map((transaction) => transaction.reference));
  for (const transaction of approved) {
    if (!references.has(transaction.reference)) problems.push(`card terminal approved ${transaction.reference} (${transaction.amountMinor}) but no closed sale was paid with it`);
  }
  for (const [reference, saleId] of references) if (!approvedReferences.has(reference)) problems.push(`sale ${saleId} was paid with ${reference}, which the terminal never approved`);
  return problems;
}

/** The journal holds exactly the sales the shopper saw close, and is intact. */
function checkJournal(path: string, shopper: Shopper): string[] {
  const problems: string[] = [];
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
    if (integrity !== 'ok') problems.push(`journal integrity_check: ${integrity}`);
  } finally {
    db.close();
  }
  const journal = Journal.open(path);
  try {
    const closed = journal.recentClosedSales(100_000);
    const inJournal = new Map(closed.map((row) => [row.sale.id, row]));
    for (const sale of shopper.closedSales) {
      const row = inJournal.get(sale.id);
      if (!row) problems.push(`sale ${sale.id} closed at the lane but is not in the journal`);
      else if (row.sale.payments.reduce((sum, payment) => sum + payment.amountMinor, 0) !== sale.totalMinor) problems.push(`sale ${sale.id}: the journal's payments differ from the lane's`);
    }
    if (closed.length !== shopper.closedSales.length) problems.push(`the journal holds ${closed.length} closed sales, the shopper closed ${shopper.closedSales.length}`);
  } finally {
    journal.close();
  }
  return problems;
}

function figuresByDeviceAndKind(outcomes: readonly FaultOutcome[], targetMs: number): Record<string, DeviceKindFigures> {
  const groups = new Map<string, FaultOutcome[]>();
  for (const outcome of outcomes) {
    const key = `${outcome.device}/${outcome.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), outcome]);
  }
  const figures: Record<string, DeviceKindFigures> = {};
  for (const [key, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const detect = summarizeOrNull(group.flatMap((outcome) => (outcome.detectMs === null ? [] : [outcome.detectMs])));
    const recover = summarizeOrNull(group.flatMap((outcome) => (outcome.recoverMs === null ? [] : [outcome.recoverMs])));
    figures[key] = {
      count: group.length,
      surfacedNamed: group.filter((outcome) => outcome.surfaced === 'named').length,
      surfacedUnnamed: group.filter((outcome) => outcome.surfaced === 'unnamed').length,
      notSurfaced: group.filter((outcome) => outcome.surfaced === 'no').length,
      detectP50Ms: detect?.p50 ?? null,
      detectMaxMs: detect?.max ?? null,
      recoverP50Ms: recover?.p50 ?? null,
      recoverP99Ms: recover?.p99 ?? null,
      recoverMaxMs: recover?.max ?? null,
      slowerThanTarget: group.filter((outcome) => outcome.recoverMs !== null && outcome.recoverMs > targetMs).length,
      notRecovered: group.filter((outcome) => outcome.recoverMs === null).length,
      failures: group.filter((outcome) => outcome.surfaced !== 'named' || outcome.recoverMs === null || outcome.recoverMs > targetMs || outcome.problems.length > 0).length,
    };
  }
  return figures;
}

function summarizeOrNull(values: readonly number[]) {
  return values.length > 0 ? summarize(values, 0) : null;
}

/** Passes everything on to `base`, and keeps what was logged as an error: a lane that logs one has a bug to look at. */
function countingLogger(base: Logger): Logger & { readonly errors: string[] } {
  const errors: string[] = [];
  const wrap = (logger: Logger): Logger => ({
    debug: (fields, message) => logger.debug(fields, message),
    info: (fields, message) => logger.info(fields, message),
    warn: (fields, message) => logger.warn(fields, message),
    error: (fields, message) => {
      errors.push(`${message} ${JSON.stringify(fields).slice(0, 300)}`);
      logger.error(fields, message);
    },
    child: (bindings) => wrap(logger.child(bindings)),
  });
  return Object.assign(wrap(base), { errors });
}

export function summaryOf(report: DevicesProofReport): string {
  const lines = [
    `proof:devices — ${report.faults} faults on ${report.scales.join(', ')}, seed ${report.seed}, ${report.seconds} s, ${report.salesClosed} sales closed: ${report.passed ? 'PASSED' : 'FAILED'}`,
    `  recovery (device back → healthy at the station and an operation through it): p50 ${report.recovery?.p50 ?? '–'} ms, p99 ${report.recovery?.p99 ?? '–'} ms, max ${report.maxRecoveryMs ?? '–'} ms (target ${report.targetRecoveryMs} ms)`,
    `  detection (fault → station names the device): p50 ${report.detection?.p50 ?? '–'} ms, max ${report.detection?.max ?? '–'} ms`,
    '  device/kind                    n  shown unnamed  not  detect p50/max     recover p50/p99/max   >target  failed',
  ];
  for (const [key, figures] of Object.entries(report.byDeviceAndKind)) {
    lines.push(
      `  ${key.padEnd(28)} ${String(figures.count).padStart(3)} ${String(figures.surfacedNamed).padStart(6)} ${String(figures.surfacedUnnamed).padStart(8)} ${String(figures.notSurfaced).padStart(4)}  ` +
        `${`${figures.detectP50Ms ?? '–'}/${figures.detectMaxMs ?? '–'}`.padStart(14)}  ${`${figures.recoverP50Ms ?? '–'}/${figures.recoverP99Ms ?? '–'}/${figures.recoverMaxMs ?? '–'}`.padStart(20)}  ${String(figures.slowerThanTarget).padStart(7)} ${String(figures.failures).padStart(7)}`,
    );
  }
  const shown = report.failures.slice(0, 40);
  for (const failure of shown) lines.push(`  ✗ ${failure}`);
  if (report.failures.length > shown.length) lines.push(`  … and ${report.failures.length - shown.length} more (see "failures" in the JSON)`);
  if (report.workDir) lines.push(`  files kept in ${report.workDir}`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const program = new Command('proof:devices')
    .description('devices unplugged, flooded and hung mid-frame during sales: every fault must surface at the station and recover within 2 s')
    .option('--faults <n>', 'faults in all, shared out between the scale protocols', positiveInteger, 200)
    .option('--seed <n>', 'seed for every random choice', positiveInteger, Date.now() % 2 ** 31)
    .addOption(new Option('--scale <protocol>', 'run on one scale protocol only').choices([...scaleChoices]))
    .option('--keep', 'keep the work folder (journals, logs) even when the run passes')
    .option('--json', 'the JSON document alone on stdout (the summary goes to stderr)')
    .parse();
  const flags = program.opts<{ faults: number; seed: number; scale?: ScaleChoice; keep?: boolean; json?: boolean }>();
  const report = await runDevicesProof({
    faults: flags.faults,
    seed: flags.seed,
    scales: flags.scale ? [flags.scale] : scaleChoices,
    keepFiles: flags.keep,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(summaryOf(report));
  if (!report.passed) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`proof:devices failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  });
}
