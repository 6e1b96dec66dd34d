import { join } from 'node:path';
import { vi, expect } from 'vitest';
import { AssistantDirectory } from '../../../main/assistants/assistantDirectory';
import { demoAssistants, ensureDemoAssistants } from '../../../main/assistants/demoAssistants';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { Journal } from '../../../main/lane/journal';
import { LaneRuntime } from '../../../main/lane/runtime';
import { restrictedTemplates } from '../../../shared/barcode';
import type { UiEvent } from '../../../shared/checkout/events';
import type { AssistantRef } from '../../../shared/checkout/sale';
import type { LaneAuditEntry, SaleSummary } from '../../../shared/supervisor/protocol';
import { createFakeDevices, type FakeDevices } from '../helpers/fakeDevices';
import { createRecordingLogger, type RecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';

/** Anna (assistant) and Ivan (supervisor), from the demo store's staff. */
export const [anna, ivan] = demoAssistants;
export const annaRef: AssistantRef = { id: anna.id, name: anna.name, role: anna.role };
export const ivanRef: AssistantRef = { id: ivan.id, name: ivan.name, role: ivan.role };

export interface TestLane {
  readonly runtime: LaneRuntime;
  readonly journal: Journal;
  readonly devices: FakeDevices;
  readonly log: RecordingLogger;
  /** Everything the runtime put on its audit feed and its closed-sale feed. */
  readonly audit: LaneAuditEntry[];
  readonly sales: SaleSummary[];
  /** Stops the runtime and closes its databases (a lane switched off); the journal file stays. */
  close(): Promise<void>;
}

/**
 * Lanes on a shared demo catalogue (with the demo staff) and a journal in a temp folder that
 * outlives each lane, so a test can switch a lane off and on again.
 */
export class LaneHarness {
  #catalogDir: ReturnType<typeof makeTempDir> | undefined;
  #dir: ReturnType<typeof makeTempDir> | undefined;
  readonly #open: TestLane[] = [];

  async setUpCatalog(): Promise<void> {
    this.#catalogDir = makeTempDir();
    ensureDemoCatalog(this.#catalogPath, 50);
    const catalog = CatalogStore.open(this.#catalogPath);
    await ensureDemoAssistants(catalog.db);
    catalog.close();
  }

  removeCatalog(): void {
    this.#catalogDir?.remove();
  }

  setUpLaneDir(): void {
    this.#dir = makeTempDir();
  }

  async tearDownLanes(): Promise<void> {
    for (const lane of this.#open.splice(0).reverse()) await lane.close();
    this.#dir?.remove();
  }

  get #catalogPath(): string {
    if (!this.#catalogDir) throw new Error('catalogue not set up');
    return join(this.#catalogDir.path, 'catalog.sqlite');
  }

  get journalPath(): string {
    if (!this.#dir) throw new Error('lane folder not set up');
    return join(this.#dir.path, 'journal-L01.sqlite');
  }

  async startLane(): Promise<TestLane> {
    const journal = Journal.open(this.journalPath);
    const catalog = CatalogStore.open(this.#catalogPath);
    const log = createRecordingLogger();
    const devices = createFakeDevices();
    const runtime = new LaneRuntime({
      lane: { laneId: 'L01', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en' },
      restrictedTemplate: restrictedTemplates.sweden,
      catalog,
      journal,
      devices,
      log,
      assistants: new AssistantDirectory(catalog.db),
    });
    const audit: LaneAuditEntry[] = [];
    const sales: SaleSummary[] = [];
    runtime.onAuditEntry((entry) => audit.push(entry));
    runtime.onSaleClosed((sale) => sales.push(sale));
    let closed = false;
    const lane: TestLane = {
      runtime,
      journal,
      devices,
      log,
      audit,
      sales,
      close: async () => {
        if (closed) return;
        closed = true;
        await runtime.stop();
        journal.close();
        catalog.close();
      },
    };
    this.#open.push(lane);
    await runtime.start();
    return lane;
  }
}

export function send(lane: TestLane, event: UiEvent): Promise<{ accepted: boolean }> {
  return lane.runtime.service.sendEvent({ event });
}

export function signIn(lane: TestLane, assistantId: string, pin: string): Promise<{ accepted: boolean }> {
  return send(lane, { type: 'ui.assistantSignIn', assistantId, pin });
}

export async function waitForState(lane: TestLane, state: string): Promise<void> {
  await vi.waitFor(() => expect(lane.runtime.view.state).toBe(state));
}

/** Pays by card (the fake terminal approves) and waits for the thank-you screen. */
export async function payByCard(lane: TestLane): Promise<void> {
  expect(await send(lane, { type: 'ui.pay' })).toEqual({ accepted: true });
  await send(lane, { type: 'ui.payByCard' });
  lane.devices.paymentTerminal.approve();
  await waitForState(lane, 'receipt.done');
}
