import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { AssistantDirectory } from '../../../main/assistants/assistantDirectory';
import { demoAssistants, ensureDemoAssistants } from '../../../main/assistants/demoAssistants';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { showcase } from '../../../main/catalog/demoCatalog';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { Journal } from '../../../main/lane/journal';
import { LaneRuntime } from '../../../main/lane/runtime';
import { restrictedTemplates } from '../../../shared/barcode';
import type { UiEvent } from '../../../shared/checkout/events';
import { createFakeDevices, type FakeDevices } from '../helpers/fakeDevices';
import { createRecordingLogger, type RecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';

/**
 * An assistant at the lane, through the runtime: sign-in against the store's directory (the PIN
 * never reaches the statechart, the journal or the log), commands refused without a signed-in
 * assistant, and every action in the audit table with who, what and when.
 */
const [anna, ivan] = demoAssistants;

describe('an assistant at the lane', () => {
  let catalogDir: ReturnType<typeof makeTempDir>;
  let catalogPath: string;
  let dir: ReturnType<typeof makeTempDir>;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    catalogDir = makeTempDir();
    catalogPath = join(catalogDir.path, 'catalog.sqlite');
    ensureDemoCatalog(catalogPath, 50);
    const catalog = CatalogStore.open(catalogPath);
    await ensureDemoAssistants(catalog.db);
    catalog.close();
  });
  afterAll(() => catalogDir.remove());
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    dir.remove();
  });

  interface TestLane {
    readonly runtime: LaneRuntime;
    readonly journal: Journal;
    readonly devices: FakeDevices;
    readonly log: RecordingLogger;
  }

  async function startLane(options: { shopperKeyedEntry?: boolean; assistantIdleMs?: number } = {}): Promise<TestLane> {
    const journal = Journal.open(join(dir.path, 'journal.sqlite'));
    const catalog = CatalogStore.open(catalogPath);
    const log = createRecordingLogger();
    const devices = createFakeDevices();
    const runtime = new LaneRuntime({
      lane: { laneId: 'L01', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en', shopperKeyedEntry: options.shopperKeyedEntry },
      restrictedTemplate: restrictedTemplates.sweden,
      catalog,
      journal,
      devices,
      log,
      assistants: new AssistantDirectory(catalog.db),
      assistantIdleMs: options.assistantIdleMs,
    });
    cleanups.push(async () => {
      await runtime.stop();
      if (journal.db.open) journal.close();
      catalog.close();
    });
    await runtime.start();
    return { runtime, journal, devices, log };
  }

  const send = (lane: TestLane, event: UiEvent) => lane.runtime.service.sendEvent({ event });
  const signIn = (lane: TestLane, assistantId: string, pin: string) => send(lane, { type: 'ui.assistantSignIn', assistantId, pin });

  it('signs in with number and PIN; a wrong PIN is refused and the PIN is nowhere in the journal or the log', async () => {
    const lane = await startLane();
    await send(lane, { type: 'ui.openSignIn' });
    await signIn(lane, anna.id, '9999');
    expect(lane.runtime.view.context.assistant ?? null).toBeNull();
    expect(lane.runtime.view.context.signIn).toEqual({ assistantId: anna.id, problem: 'wrongPin' });
    await signIn(lane, anna.id, anna.pin);
    expect(lane.runtime.view.context.assistant).toMatchObject({ id: anna.id, name: anna.name, role: 'assistant' });
    expect(lane.runtime.view.context.signIn).toBeNull();

    const everything = JSON.stringify(lane.journal.db.prepare('SELECT payload FROM events').all()) + JSON.stringify(lane.journal.db.prepare('SELECT snapshot FROM lane_state').all()) + JSON.stringify(lane.log.records);
    // As a number of its own: a PIN's digits may well occur inside a timestamp.
    const standalone = (digits: string) => new RegExp(`(?<![0-9])${digits}(?![0-9])`, 'u');
    expect(everything).not.toMatch(standalone(anna.pin));
    expect(everything).not.toMatch(standalone('9999'));
    expect(lane.journal.assistantActions()).toEqual([expect.objectContaining({ action: 'signIn', by: { id: anna.id, name: anna.name, role: 'assistant' }, via: 'lane' })]);
  });

  it('opens the sign-in pad for a scanned staff badge, and refuses an unknown badge without logging it', async () => {
    const lane = await startLane();
    lane.devices.scanner.emitScan(`]C0${ivan.badge}`);
    expect(lane.runtime.view.context.signIn).toEqual({ assistantId: ivan.id });
    await signIn(lane, ivan.id, ivan.pin);
    expect(lane.runtime.view.context.assistant).toMatchObject({ id: ivan.id, role: 'supervisor' });
    await send(lane, { type: 'ui.assistantSignOut' });

    lane.devices.scanner.emitScan('LW:A:9999-FAKE');
    expect(lane.runtime.view.context.signIn).toMatchObject({ problem: 'unknown' });
    expect(JSON.stringify(lane.log.records)).not.toContain('9999-FAKE');
    // A badge is never an item.
    expect(lane.runtime.view.context.sale).toBeNull();
  });

  it('refuses a staff command from the screen while nobody is signed in', async () => {
    const lane = await startLane();
    lane.devices.scanner.emitScan(showcase.beer);
    expect(await send(lane, { type: 'ui.assistantCommand', command: { kind: 'approveAge' } })).toEqual({ accepted: false });
    expect(lane.runtime.view.context.sale?.ageApproval).toBeUndefined();
    expect(lane.log.find('warn', 'assistant command without a signed-in assistant refused')).toHaveLength(1);
    expect(lane.journal.assistantActions()).toEqual([]);
  });

  it('approves an age check and voids a dear item at the lane, each in the audit table with the sale, in the same commit as its event', async () => {
    const lane = await startLane();
    lane.devices.scanner.emitScan(showcase.vodka);
    lane.devices.scanner.emitScan(showcase.milk);
    await send(lane, { type: 'ui.pay' });
    expect(lane.runtime.view.state).toBe('scanning.awaitingAgeCheck');
    await signIn(lane, anna.id, anna.pin);
    await send(lane, { type: 'ui.assistantCommand', command: { kind: 'approveAge' } });
    expect(lane.runtime.view.state).toBe('payment.choosing');
    await send(lane, { type: 'ui.backToBasket' });
    await send(lane, { type: 'ui.assistantCommand', command: { kind: 'setQuantity', lineId: 1, quantity: 0 } });
    const saleId = lane.runtime.view.context.sale!.id;
    const actions = lane.journal.assistantActions({ saleId });
    expect(actions.map((action) => action.action)).toEqual(['approveAge', 'voidLine']);
    expect(actions[1]).toMatchObject({ by: { id: anna.id }, via: 'lane', detail: { gtin: `0${showcase.vodka}`, from: 1, to: 0, lineMinor: 999 } });
    const events = lane.journal.db.prepare('SELECT seq, type FROM events WHERE seq IN (?, ?)').all(actions[0]!.eventSeq, actions[1]!.eventSeq);
    expect(events).toEqual([
      { seq: actions[0]!.eventSeq, type: 'assistant.approveAge' },
      { seq: actions[1]!.eventSeq, type: 'assistant.setQuantity' },
    ]);
  });

  it('lets a signed-in assistant key in a barcode that will not scan; a shopper only where the store allows it', async () => {
    const lane = await startLane();
    expect(await send(lane, { type: 'ui.enterBarcode', code: showcase.milk })).toEqual({ accepted: false });
    expect(lane.runtime.view.context.sale).toBeNull();
    await signIn(lane, anna.id, anna.pin);
    expect(await send(lane, { type: 'ui.enterBarcode', code: showcase.milk })).toEqual({ accepted: true });
    expect(lane.runtime.view.context.sale?.lines[0]).toMatchObject({ gtin: `0${showcase.milk}`, keyed: true });
    expect(lane.journal.assistantActions().at(-1)).toMatchObject({ action: 'keyedBarcode', by: { id: anna.id } });
    // A keyed code goes through the same checks as a scan: a wrong check digit is refused.
    await send(lane, { type: 'ui.enterBarcode', code: `${showcase.milk.slice(0, 12)}7` });
    expect(lane.runtime.view.state).toBe('scanning.rejectedBarcode');
    await cleanups.pop()!();

    const open = await startLane({ shopperKeyedEntry: true });
    expect(await send(open, { type: 'ui.enterBarcode', code: showcase.bread })).toEqual({ accepted: true });
    expect(open.runtime.view.context.sale?.lines[0]).toMatchObject({ keyed: true });
  });

  it('signs a quiet assistant out, and never keeps one signed in across a restart', async () => {
    const lane = await startLane({ assistantIdleMs: 200 });
    await signIn(lane, anna.id, anna.pin);
    await vi.waitFor(() => expect(lane.runtime.view.context.assistant ?? null).toBeNull(), { timeout: 2000 });
    expect(lane.journal.assistantActions().at(-1)).toMatchObject({ action: 'signOut', detail: { reason: 'timeout' } });

    await signIn(lane, anna.id, anna.pin);
    expect(lane.runtime.view.context.assistant).toBeTruthy();
    await lane.runtime.stop();
    lane.journal.close();
    cleanups.splice(0);
    const after = await startLane();
    expect(after.runtime.restored).toBe(true);
    expect(after.runtime.view.context.assistant ?? null).toBeNull();
  });

  it('suspends a sale with a printed slip, resumes it from the slip once, and says so for a slip used twice', async () => {
    const lane = await startLane();
    lane.devices.scanner.emitScan(showcase.milk);
    lane.devices.scanner.emitScan(showcase.coffee);
    const heldId = lane.runtime.view.context.sale!.id;
    await signIn(lane, anna.id, anna.pin);
    await send(lane, { type: 'ui.assistantCommand', command: { kind: 'suspendSale' } });
    await vi.waitFor(() => expect(lane.runtime.view.state).toBe('receipt.done'));
    const slip = lane.devices.printer.documents.at(-1)!;
    expect(slip.blocks).toContainEqual({ kind: 'barcode', symbology: 'code128', data: `LW:S:${heldId}` });
    expect(lane.journal.db.prepare('SELECT sale_id, total_minor, resumed_at FROM suspended_sales').all()).toEqual([{ sale_id: heldId, total_minor: 119 + 749, resumed_at: null }]);
    // Not a completed sale: nothing for the store's sales yet.
    expect(lane.journal.outbox()).toEqual([]);
    await send(lane, { type: 'ui.finish' });
    await send(lane, { type: 'ui.assistantSignOut' });

    lane.devices.scanner.emitScan(`]C0LW:S:${heldId}`);
    expect(lane.runtime.view.state).toBe('scanning.ready');
    const resumed = lane.runtime.view.context.sale!;
    expect(resumed.resumedFrom).toEqual([heldId]);
    expect(lane.runtime.view.totalMinor).toBe(119 + 749);
    expect(lane.journal.db.prepare('SELECT resumed_by_sale FROM suspended_sales WHERE sale_id = ?').get(heldId)).toEqual({ resumed_by_sale: resumed.id });

    lane.devices.scanner.emitScan(`]C0LW:S:${heldId}`);
    expect(lane.runtime.view.state).toBe('scanning.suspendedSaleNotFound');
    expect(lane.runtime.view.context.sale?.lines).toHaveLength(2);
  });

  it('prints the last receipt again for an assistant, marked as a reprint on the paper', async () => {
    const lane = await startLane();
    lane.devices.scanner.emitScan(showcase.milk);
    await send(lane, { type: 'ui.pay' });
    await send(lane, { type: 'ui.payByCard' });
    lane.devices.paymentTerminal.approve();
    await vi.waitFor(() => expect(lane.runtime.view.state).toBe('receipt.done'));
    await send(lane, { type: 'ui.finish' });
    await signIn(lane, anna.id, anna.pin);
    await send(lane, { type: 'ui.assistantCommand', command: { kind: 'reprintLastReceipt' } });
    await vi.waitFor(() => expect(lane.devices.printer.documents).toHaveLength(2));
    const texts = (index: number) => lane.devices.printer.documents[index]!.blocks.flatMap((block) => (block.kind === 'text' ? [block.text] : []));
    expect(texts(0)).not.toContain('REPRINT');
    expect(texts(1)).toContain('REPRINT');
    expect(lane.journal.assistantActions().at(-1)).toMatchObject({ action: 'reprintLastReceipt', by: { id: anna.id } });
  });
});
