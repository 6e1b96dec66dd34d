import { AssistantDirectory } from '../../main/assistants/assistantDirectory';
import { CatalogStore } from '../../main/catalog/catalogStore';
import { Journal } from '../../main/lane/journal';
import type { PrintFailureInfo, WeighingScalePort } from '../../main/lane/ports';
import { LaneRuntime } from '../../main/lane/runtime';
import { restrictedTemplates } from '../../shared/barcode';
import type { LaneInfo } from '../../shared/checkout/context';
import type { DeviceStatus } from '../../shared/devices';
import { Emitter } from '../../shared/event';
import type { Logger } from '../../shared/log';
import type { ReceiptDocument } from '../../shared/receipt';
import type { Result } from '../../shared/result';
import { scaleWeight, type ScaleReading } from '../../shared/scale';
import { FakePaymentTerminal, FakePrinter, FakeScanner, type FakeDevices } from '../main/helpers/fakeDevices';

/**
 * One lane of the crash proof, opened the same way by the lane process (crashLane.ts) and by
 * the harness when it restarts the lane to look at what it restored (crash.ts): the same
 * configuration, the same kinds of devices, so a restore in either place is the same restore.
 */

/** The lane's configuration: a store with containers for the weighed items and the usual rules. */
export const crashLaneInfo: Omit<LaneInfo, 'epoch'> = {
  laneId: 'K01',
  storeName: 'Crash Proof Store',
  currency: 'EUR',
  defaultLanguage: 'en',
  shopperRemovalLimitMinor: 500,
  containers: [{ id: 'paper-bag', name: { en: 'Paper bag' }, tareGrams: 6 }],
};

const ready: DeviceStatus = { kind: 'ready', warnings: [] };

/** A weighing scale the shopper drives: it shows whatever reading it is given. */
export class FakeWeighingScale implements WeighingScalePort {
  readonly #onStatus = new Emitter<DeviceStatus>();
  readonly onStatus = this.#onStatus.event;
  readonly #onReading = new Emitter<ScaleReading>();
  readonly onReading = this.#onReading.event;
  readonly status = ready;

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** A stable reading of `grams` (0: the empty scale). */
  showStable(grams: number): void {
    this.#onReading.fire({ kind: 'stable', weight: scaleWeight(grams, 3, 'kg'), net: false });
  }

  showMotion(grams: number): void {
    this.#onReading.fire({ kind: 'motion', weight: scaleWeight(grams, 3, 'kg') });
  }
}

/**
 * A receipt printer that takes a while (so kills land mid-print) and now and then runs out of
 * paper; `decide` says, per document, how long and whether it fails (null: it prints).
 */
export class SlowPrinter extends FakePrinter {
  readonly #decide: () => { readonly delayMs: number; readonly failure: PrintFailureInfo | null };

  constructor(decide: () => { readonly delayMs: number; readonly failure: PrintFailureInfo | null }) {
    super();
    this.#decide = decide;
  }

  override async print(document: ReceiptDocument): Promise<Result<unknown, PrintFailureInfo>> {
    const { delayMs, failure } = this.#decide();
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    this.failure = failure ?? undefined;
    return super.print(document);
  }
}

export interface CrashDevices extends FakeDevices {
  readonly scale: FakeWeighingScale;
}

export function createCrashDevices(printer: FakePrinter = new FakePrinter()): CrashDevices {
  return { scanner: new FakeScanner(), printer, paymentTerminal: new FakePaymentTerminal(), scale: new FakeWeighingScale() };
}

export interface CrashLane {
  readonly journal: Journal;
  readonly catalog: CatalogStore;
  readonly devices: CrashDevices;
  readonly runtime: LaneRuntime;
  /** Stops the runtime and closes both databases (a clean stop, not a crash). */
  close(): Promise<void>;
}

/** Opens (but does not start) the lane on its journal and catalogue. */
export function openCrashLane(files: { readonly journalPath: string; readonly catalogPath: string }, log: Logger, devices: CrashDevices = createCrashDevices()): CrashLane {
  const journal = Journal.open(files.journalPath);
  const catalog = CatalogStore.open(files.catalogPath);
  const runtime = new LaneRuntime({
    lane: crashLaneInfo,
    restrictedTemplate: restrictedTemplates.sweden,
    catalog,
    journal,
    devices,
    log,
    assistants: new AssistantDirectory(catalog.db),
  });
  let closed = false;
  return {
    journal,
    catalog,
    devices,
    runtime,
    close: async () => {
      if (closed) return;
      closed = true;
      await runtime.stop();
      journal.close();
      catalog.close();
    },
  };
}
