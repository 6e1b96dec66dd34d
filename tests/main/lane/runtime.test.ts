import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { showcase } from '../../../main/catalog/demoCatalog';
import { demoDeliPrefix, ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { Journal, type OutboxRow, type SavedState } from '../../../main/lane/journal';
import { LaneRuntime } from '../../../main/lane/runtime';
import { makeRestrictedBarcode, restrictedTemplates } from '../../../shared/barcode';
import type { LaneView } from '../../../shared/bridge/laneView';
import type { UiEvent } from '../../../shared/checkout/events';
import { createFakeDevices, type FakeDevices } from '../helpers/fakeDevices';
import { createRecordingLogger, type RecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';

interface TestLane {
  readonly runtime: LaneRuntime;
  readonly journal: Journal;
  readonly devices: FakeDevices;
  readonly log: RecordingLogger;
  /** Every view published, in order. */
  readonly views: LaneView[];
}

const milkGtin = `0${showcase.milk}`;
const breadGtin = `0${showcase.bread}`;
/** A valid EAN-13 that is not in the demo catalogue. */
const unknownCode = '4006381333931';
/** The milk's code with its last digit off by one. */
const wrongCheckDigit = `${showcase.milk.slice(0, 12)}7`;

describe('LaneRuntime', () => {
  let catalogDir: ReturnType<typeof makeTempDir>;
  let catalogPath: string;
  let dir: ReturnType<typeof makeTempDir>;
  let journalPath: string;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(() => {
    catalogDir = makeTempDir();
    catalogPath = join(catalogDir.path, 'catalog.sqlite');
    // Showcase, produce and deli items plus a few generated ones: all these tests need.
    ensureDemoCatalog(catalogPath, 50);
  });
  afterAll(() => catalogDir.remove());

  beforeEach(() => {
    dir = makeTempDir();
    journalPath = join(dir.path, 'journal-L01.sqlite');
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    dir.remove();
  });

  /** A lane on the shared demo catalogue and `journalPath`, with fake devices; not started. */
  function openLane(devices: FakeDevices = createFakeDevices()): TestLane {
    const journal = Journal.open(journalPath);
    const catalog = CatalogStore.open(catalogPath);
    const log = createRecordingLogger();
    const runtime = new LaneRuntime({
      lane: { laneId: 'L01', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en' },
      restrictedTemplate: restrictedTemplates.sweden,
      catalog,
      journal,
      devices,
      log,
    });
    const views: LaneView[] = [];
    runtime.onView((view) => views.push(view));
    cleanups.push(async () => {
      await runtime.stop();
      if (journal.db.open) journal.close();
      catalog.close();
    });
    return { runtime, journal, devices, log, views };
  }

  async function startLane(devices?: FakeDevices): Promise<TestLane> {
    const lane = openLane(devices);
    await lane.runtime.start();
    return lane;
  }

  const send = (lane: TestLane, event: UiEvent) => lane.runtime.service.sendEvent({ event });

  async function waitForState(lane: TestLane, state: string): Promise<void> {
    await vi.waitFor(() => expect(lane.runtime.view.state).toBe(state));
  }

  /** Scans, pays, has the terminal approve and waits for the thank-you screen. */
  async function sell(lane: TestLane, codes: readonly string[]): Promise<void> {
    for (const code of codes) lane.devices.scanner.emitScan(code);
    expect(await send(lane, { type: 'ui.pay' })).toEqual({ accepted: true });
    await send(lane, { type: 'ui.payByCard' });
    lane.devices.paymentTerminal.approve();
    await waitForState(lane, 'receipt.done');
  }

  describe('commit, then publish', () => {
    it('has the event and the state on disk when a view is published, versioned by the journal sequence', async () => {
      const lane = openLane();
      const seen: { view: LaneView; saved: SavedState | undefined; lastEvent: { seq: number; state: string } | undefined }[] = [];
      lane.runtime.onView((view) => seen.push({ view, saved: lane.journal.loadState(), lastEvent: lane.journal.recentEvents(1)[0] }));
      await lane.runtime.start();

      lane.devices.scanner.emitScan(showcase.milk);
      await send(lane, { type: 'ui.setLanguage', language: 'ru' });
      lane.devices.scanner.emitScan(wrongCheckDigit);
      await send(lane, { type: 'ui.dismiss' });
      await sell(lane, [showcase.bread]);
      await send(lane, { type: 'ui.finish' });
      expect(lane.runtime.view.state).toBe('idle');

      expect(seen.length).toBeGreaterThan(10);
      for (const { view, saved, lastEvent } of seen) {
        expect(saved?.eventSeq).toBe(view.version);
        expect(saved?.state).toBe(view.state);
        // What was shown is exactly what a restart would restore.
        expect((saved?.snapshot as { context: unknown }).context).toEqual(JSON.parse(JSON.stringify(view.context)));
        expect(lastEvent).toMatchObject({ seq: view.version, state: view.state });
      }
      const versions = seen.map(({ view }) => view.version);
      versions.slice(1).forEach((version, index) => expect(version).toBeGreaterThan(versions[index]!));
      expect(lane.views.map((view) => view.version)).toEqual(versions);
    });
  });

  describe('scans', () => {
    it('adds catalogue-priced lines and merges repeated unit items', async () => {
      const lane = await startLane();
      expect(lane.runtime.view.state).toBe('idle');

      lane.devices.scanner.emitScan(showcase.milk);
      let view = lane.runtime.view;
      expect(view.state).toBe('scanning.ready');
      expect(view.context.sale?.lines).toEqual([
        expect.objectContaining({ lineId: 1, gtin: milkGtin, scannedCode: showcase.milk, pricing: 'unit', quantity: 1, unitPriceMinor: 119, priceMinor: 119, vatClass: 'B', vatRateBp: 1200 }),
      ]);
      expect(view.context.sale?.lines[0]?.name.en).toBe('Milk 2.5% 1 L');
      expect(view.totalMinor).toBe(119);

      lane.devices.scanner.emitScan(showcase.milk);
      lane.devices.scanner.emitScan(showcase.bread);
      view = lane.runtime.view;
      expect(view.context.sale?.lines.map((line) => [line.gtin, line.quantity, line.priceMinor])).toEqual([
        [milkGtin, 2, 238],
        [breadGtin, 1, 189],
      ]);
      expect(view.totalMinor).toBe(238 + 189);
      expect(view.itemCount).toBe(3);
    });

    it('prices a deli label from the price printed in its barcode', async () => {
      const lane = await startLane();
      const label = makeRestrictedBarcode(restrictedTemplates.sweden, { prefix: demoDeliPrefix, itemReference: '000001', priceMinor: 457 }, 'EUR');
      lane.devices.scanner.emitScan(label);
      expect(lane.runtime.view.context.sale?.lines).toEqual([expect.objectContaining({ pricing: 'label', priceMinor: 457, scannedCode: label, unitPriceMinor: 1290 })]);
      expect(lane.runtime.view.context.sale?.lines[0]?.name.en).toBe('Deli cheese');
    });

    it('shows a rejected barcode and logs why; an unknown item gets its own notice', async () => {
      const lane = await startLane();
      lane.devices.scanner.emitScan(showcase.milk);

      lane.devices.scanner.emitScan(wrongCheckDigit);
      expect(lane.runtime.view.state).toBe('scanning.rejectedBarcode');
      expect(lane.runtime.view.context.notice).toEqual({ kind: 'rejectedBarcode', code: wrongCheckDigit, reason: 'checkDigit' });
      expect(lane.log.find('warn', 'barcode rejected')).toEqual([
        expect.objectContaining({ fields: expect.objectContaining({ code: wrongCheckDigit, reason: 'checkDigit' }) }),
      ]);
      expect(lane.runtime.view.totalMinor).toBe(119);

      expect(await send(lane, { type: 'ui.dismiss' })).toEqual({ accepted: true });
      expect(lane.runtime.view.state).toBe('scanning.ready');
      expect(lane.runtime.view.context.notice).toBeNull();

      lane.devices.scanner.emitScan(unknownCode);
      expect(lane.runtime.view.state).toBe('scanning.unknownItem');
      expect(lane.runtime.view.context.notice).toEqual({ kind: 'unknownItem', code: unknownCode });
      expect(lane.log.find('info', 'item not in catalogue')).toEqual([expect.objectContaining({ fields: expect.objectContaining({ gtin: `0${unknownCode}` }) })]);
      expect(lane.runtime.view.context.sale?.lines).toHaveLength(1);
      // A scanner that can sound the "not on file" tone is told to for the rejected and the unknown code, not the milk.
      expect(lane.devices.scanner.notOnFileBeeps).toBe(2);

      // A good scan clears the notice without a dismiss.
      lane.devices.scanner.emitScan(showcase.bread);
      expect(lane.runtime.view.state).toBe('scanning.ready');
      expect(lane.runtime.view.context.notice).toBeNull();
    });

    it('starts a sale from the welcome screen even when the first scan is unknown', async () => {
      const lane = await startLane();
      lane.devices.scanner.emitScan(unknownCode);
      expect(lane.runtime.view.state).toBe('scanning.unknownItem');
      expect(lane.runtime.view.context.sale).toBeNull();
    });

    it('logs scanner garbage at once and tells the checkout in one batched event a second, leaving the state alone', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const lane = await startLane();
        const state = lane.runtime.view.state;
        const published = lane.views.length;
        for (let i = 0; i < 50; i++) lane.devices.scanner.emitGarbage(i === 49 ? 'nonPrintable' : 'overflow', 4096);
        // The first frame at once; the rest of the flood in one summary line when the log's window ends.
        expect(lane.log.find('warn', 'unreadable bytes from scanner discarded')).toHaveLength(1);
        expect(lane.views).toHaveLength(published);
        const before = Date.now();
        await vi.advanceTimersByTimeAsync(1_000);
        // One view for fifty frames of noise: the flood costs one journal commit.
        expect(lane.views).toHaveLength(published + 1);
        expect(lane.runtime.view.state).toBe(state);
        expect(lane.runtime.view.context.discardedInput).toEqual({ scanner: { count: 50, lastReason: 'nonPrintable', lastAt: expect.any(Number), recentCount: 50 } });
        expect(lane.runtime.view.context.discardedInput?.scanner?.lastAt).toBeGreaterThanOrEqual(before);
        // The recent events name the device and how much it sent.
        expect(lane.runtime.recentEvents.at(-1)).toMatch(/^\d\d:\d\d:\d\d device\.inputDiscarded \(scanner: 50 unreadable\)$/);
        await vi.advanceTimersByTimeAsync(10_000);
        const summary = lane.log.records.filter((entry) => entry.level === 'warn' && entry.message.startsWith('unreadable bytes from scanner discarded'));
        expect(summary.map((entry) => entry.fields['repeated'])).toEqual([undefined, 49]);
      } finally {
        vi.useRealTimers();
      }
    });

    it('reports garbage from the printer and the card terminal as discarded input of each, and names devices in the recent events', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const lane = await startLane();
        lane.devices.printer.emitGarbage('notAReply', 7);
        lane.devices.paymentTerminal.emitGarbage('notJson', 40);
        lane.devices.paymentTerminal.emitGarbage('lineTooLong', 16_384);
        await vi.advanceTimersByTimeAsync(1_000);
        expect(lane.runtime.view.context.discardedInput).toMatchObject({ printer: { count: 1, lastReason: 'notAReply' }, paymentTerminal: { count: 2, recentCount: 2, lastReason: 'lineTooLong' } });
        lane.devices.printer.setStatus({ kind: 'fault', faults: ['paperEnd'] });
        const recent = lane.runtime.recentEvents.map((entry) => entry.slice(9));
        expect(recent).toEqual(expect.arrayContaining(['device.inputDiscarded (printer: 1 unreadable)', 'device.inputDiscarded (paymentTerminal: 2 unreadable)', 'device.statusChanged (printer: fault)']));
      } finally {
        vi.useRealTimers();
      }
    });

    it('stamps scan views with ordered stage times; other views carry no trace', async () => {
      const lane = await startLane();
      const before = lane.views.length;
      lane.devices.scanner.emitScan(showcase.milk);
      lane.devices.scanner.emitScan(wrongCheckDigit);
      await send(lane, { type: 'ui.dismiss' });
      lane.devices.scanner.emitScan(unknownCode);

      const views = lane.views.slice(before);
      const scanViews = views.filter((view) => view.trace !== undefined);
      expect(scanViews.map((view) => view.state)).toEqual(['scanning.ready', 'scanning.rejectedBarcode', 'scanning.unknownItem']);
      expect(views.find((view) => view.trace === undefined)?.state).toBe('scanning.ready'); // the dismiss
      for (const { trace } of scanViews) {
        expect(trace!.firstByteAt).toBeLessThanOrEqual(trace!.receivedAt);
        expect(trace!.receivedAt).toBeLessThanOrEqual(trace!.decodedAt);
        expect(trace!.decodedAt).toBeLessThanOrEqual(trace!.committedAt);
        expect(trace!.committedAt).toBeLessThanOrEqual(trace!.publishedAt);
      }
      const ids = scanViews.map((view) => view.trace!.id);
      expect(new Set(ids).size).toBe(3);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    });
  });

  describe('sales and the outbox', () => {
    it('writes a paid sale to the outbox in the same commit that shows the receipt', async () => {
      const lane = openLane();
      let outboxAtReceipt: OutboxRow[] | undefined;
      lane.runtime.onView((view) => {
        if (view.state === 'receipt.printing' && outboxAtReceipt === undefined) outboxAtReceipt = lane.journal.outbox();
      });
      await lane.runtime.start();
      const terminal = lane.devices.paymentTerminal;

      lane.devices.scanner.emitScan(showcase.milk);
      lane.devices.scanner.emitScan(showcase.bread);
      const sale = lane.runtime.view.context.sale!;
      expect(sale.number).toBe(1);
      expect(await send(lane, { type: 'ui.pay' })).toEqual({ accepted: true });
      await send(lane, { type: 'ui.payByCard' });
      expect(lane.runtime.view.state).toBe('payment.authorizing');
      expect(terminal.requests).toEqual([{ reference: `${sale.id}-P1`, amountMinor: 308, currency: 'EUR' }]);
      expect(lane.journal.outbox()).toEqual([]);

      terminal.prompt(`${sale.id}-P1`, 'enterPin');
      expect(lane.runtime.view.context.payment?.prompt).toBe('enterPin');

      terminal.approve();
      await waitForState(lane, 'receipt.done');
      expect(outboxAtReceipt).toHaveLength(1);
      const [row] = outboxAtReceipt!;
      expect(row).toMatchObject({ saleId: sale.id, saleNumber: 1, status: 'completed', totalMinor: 308, sentAt: null });
      expect(row!.sale.payments).toEqual([expect.objectContaining({ tender: 'card', reference: `${sale.id}-P1`, amountMinor: 308, authCode: 'A1B2C3' })]);
      expect(row!.sale.lines.map((line) => line.gtin)).toEqual([milkGtin, breadGtin]);
      expect(lane.devices.printer.documents).toHaveLength(1);
      expect(lane.log.find('info', 'sale closed')).toHaveLength(1);

      expect(await send(lane, { type: 'ui.finish' })).toEqual({ accepted: true });
      expect(lane.runtime.view.state).toBe('idle');
      // Later commits carry the same closed sale in context; it is still one row.
      expect(lane.journal.outbox()).toHaveLength(1);
    });

    it('records a cancelled sale, and sale numbers continue across sales', async () => {
      const lane = await startLane();
      await sell(lane, [showcase.milk]);
      await send(lane, { type: 'ui.finish' });

      lane.devices.scanner.emitScan(showcase.apples);
      expect(lane.runtime.view.context.sale?.number).toBe(2);
      expect(await send(lane, { type: 'ui.cancelSale' })).toEqual({ accepted: true });
      expect(lane.runtime.view.state).toBe('scanning.confirmingCancel');
      expect(lane.journal.outbox()).toHaveLength(1);
      expect(await send(lane, { type: 'ui.confirmCancel' })).toEqual({ accepted: true });
      expect(lane.runtime.view.state).toBe('idle');

      expect(lane.journal.outbox().map((row) => [row.saleNumber, row.status, row.totalMinor])).toEqual([
        [1, 'completed', 119],
        [2, 'cancelled', 249],
      ]);
      expect(lane.journal.outbox()[1]!.sale.payments).toEqual([]);

      lane.devices.scanner.emitScan(showcase.bread);
      expect(lane.runtime.view.context.sale?.number).toBe(3);
    });

    it('keeps a paid sale recorded when the receipt does not print, and reprints on request', async () => {
      const lane = await startLane();
      lane.devices.printer.failure = { reason: 'paperEnd', detail: 'paper end sensor', stage: 'status' };
      lane.devices.scanner.emitScan(showcase.coffee);
      await send(lane, { type: 'ui.pay' });
      await send(lane, { type: 'ui.payByCard' });
      lane.devices.paymentTerminal.approve();
      await waitForState(lane, 'receipt.printFailed');
      expect(lane.runtime.view.context.receipt).toEqual({ status: 'failed', reason: 'paperEnd' });
      expect(lane.log.find('warn', 'receipt not printed')).toHaveLength(1);
      expect(lane.journal.outbox().map((row) => row.status)).toEqual(['completed']);

      lane.devices.printer.failure = undefined;
      expect(await send(lane, { type: 'ui.reprint' })).toEqual({ accepted: true });
      await waitForState(lane, 'receipt.done');
      expect(lane.devices.printer.documents).toHaveLength(1);
      expect(lane.journal.outbox()).toHaveLength(1);
    });
  });

  describe('crash and restart', () => {
    it('restores the basket after a crash and keeps numbering sales', async () => {
      const before = await startLane();
      await sell(before, [showcase.chocolate]);
      await send(before, { type: 'ui.finish' });
      for (const code of [showcase.milk, showcase.bread, showcase.apples]) before.devices.scanner.emitScan(code);
      const shown = before.runtime.view;
      expect(shown.context.sale?.number).toBe(2);
      // The process dies here: no stop(), no close(); only what the journal committed survives.

      const after = await startLane();
      expect(after.runtime.restored).toBe(true);
      expect(after.runtime.view.state).toBe('scanning.ready');
      expect(after.runtime.view.context.sale).toEqual(shown.context.sale);
      expect(after.runtime.view.totalMinor).toBe(119 + 189 + 249);
      expect(after.runtime.view.version).toBeGreaterThan(shown.version);
      expect(after.log.find('info', 'lane state restored from journal')).toHaveLength(1);

      await sell(after, []);
      expect(after.journal.outbox().map((row) => [row.saleNumber, row.status, row.totalMinor])).toEqual([
        // The chocolate's demo offer (20 % off) applies: 2.29 − 0.46.
        [1, 'completed', 183],
        [2, 'completed', 119 + 189 + 249],
      ]);
      await send(after, { type: 'ui.finish' });
      after.devices.scanner.emitScan(showcase.milk);
      expect(after.runtime.view.context.sale?.number).toBe(3);
    });

    it('re-attaches to the same payment reference after a crash during authorisation and completes the sale once', async () => {
      const before = await startLane();
      before.devices.scanner.emitScan(showcase.coffee);
      await send(before, { type: 'ui.pay' });
      await send(before, { type: 'ui.payByCard' });
      expect(before.runtime.view.state).toBe('payment.authorizing');
      const [request] = before.devices.paymentTerminal.requests;
      expect(request).toBeDefined();
      // Crash while the shopper is at the card terminal.

      const after = await startLane();
      expect(after.runtime.restored).toBe(true);
      expect(after.runtime.view.state).toBe('payment.authorizing');
      // Same reference: the terminal treats it as the transaction already under way, never a second charge.
      expect(after.devices.paymentTerminal.requests).toEqual([request]);
      expect(after.runtime.view.context.payment).toMatchObject({ attempt: 1, reference: request!.reference });

      after.devices.paymentTerminal.approve(request!.reference);
      await waitForState(after, 'receipt.done');
      const outbox = after.journal.outbox();
      expect(outbox).toHaveLength(1);
      expect(outbox[0]).toMatchObject({ saleNumber: 1, status: 'completed', totalMinor: 749 });
      expect(outbox[0]!.sale.payments.map((payment) => (payment.tender === 'card' ? payment.reference : null))).toEqual([request!.reference]);
      expect(after.devices.printer.documents).toHaveLength(1);
    });

    it('quarantines a saved state it cannot restore and starts fresh, numbering on from the outbox', async () => {
      const before = await startLane();
      await sell(before, [showcase.bread]);
      await before.runtime.stop();
      before.journal.close();

      // As if written by a version with other state names.
      const garbage = { status: 'active', value: 'nonexistentState', context: {} };
      const tamper = Journal.open(journalPath);
      tamper.db.prepare('UPDATE lane_state SET snapshot = ?').run(JSON.stringify(garbage));
      tamper.close();

      const after = await startLane();
      expect(after.runtime.restored).toBe(false);
      expect(after.runtime.view.state).toBe('idle');
      expect(after.log.find('error', 'saved lane state could not be restored; kept in quarantined_state for an assistant')).toHaveLength(1);
      const quarantined = after.journal.db.prepare('SELECT error, snapshot FROM quarantined_state').all() as { error: string; snapshot: string }[];
      expect(quarantined).toHaveLength(1);
      expect(JSON.parse(quarantined[0]!.snapshot)).toEqual(garbage);
      expect(quarantined[0]!.error).toMatch(/Error/);
      // The fresh state replaced the bad one on disk.
      expect(after.journal.loadState()?.state).toBe('idle');

      after.devices.scanner.emitScan(showcase.milk);
      expect(after.runtime.view.context.sale?.number).toBe(2);
    });
    it('quarantines a snapshot with a known state but a context from another version, and never reuses its sale number', async () => {
      const before = await startLane();
      before.devices.scanner.emitScan(showcase.milk); // sale 1, open
      await before.runtime.stop();
      before.journal.close();

      const tamper = Journal.open(journalPath);
      const saved = tamper.loadState()!.snapshot as { context: Record<string, unknown> };
      // Same state name, but the context lacks what this version needs (no devices).
      tamper.db.prepare('UPDATE lane_state SET snapshot = ?').run(JSON.stringify({ ...saved, context: { ...saved.context, devices: undefined } }));
      tamper.close();

      const after = await startLane();
      expect(after.runtime.restored).toBe(false);
      expect(after.log.find('error', 'saved lane state could not be restored; kept in quarantined_state for an assistant')).toHaveLength(1);
      after.devices.scanner.emitScan(showcase.bread);
      // Sale 1 is in quarantine with its basket; the next one must not take its number (and so its id).
      expect(after.runtime.view.context.sale?.number).toBe(2);
    });
  });

  describe('screen events', () => {
    it('says whether the current state accepted an event', async () => {
      const lane = await startLane();
      const published = lane.views.length;
      expect(await send(lane, { type: 'ui.pay' })).toEqual({ accepted: false });
      expect(lane.runtime.view.state).toBe('idle');
      // Ignored: journaled as something that happened, but no new view.
      expect(lane.views).toHaveLength(published);
      expect(lane.journal.recentEvents().at(-1)?.type).toBe('ui.pay');
      expect(lane.log.find('info', 'screen event ignored in this state')).toEqual([expect.objectContaining({ fields: { event: 'ui.pay', state: 'idle' } })]);

      expect(await send(lane, { type: 'ui.start' })).toEqual({ accepted: true });
      expect(lane.runtime.view.state).toBe('scanning.ready');
      expect(await send(lane, { type: 'ui.pay' })).toEqual({ accepted: false });
      expect(lane.runtime.view.state).toBe('scanning.ready');
      expect(await send(lane, { type: 'ui.setLanguage', language: 'lv' })).toEqual({ accepted: true });
      expect(lane.runtime.view.context.language).toBe('lv');

      lane.devices.scanner.emitScan(showcase.milk);
      expect(await send(lane, { type: 'ui.pay' })).toEqual({ accepted: true });
      expect(lane.runtime.view.state).toBe('payment.choosing');
      expect(await send(lane, { type: 'ui.payByCard' })).toEqual({ accepted: true });
      expect(lane.runtime.view.state).toBe('payment.authorizing');
      expect(await send(lane, { type: 'ui.pay' })).toEqual({ accepted: false });
      expect(lane.devices.paymentTerminal.requests).toHaveLength(1);
    });
  });

  describe('robustness', () => {
    it('keeps running when a view listener throws', async () => {
      const lane = await startLane();
      lane.runtime.onView(() => {
        throw new Error('screen transport bug');
      });
      lane.devices.scanner.emitScan(showcase.milk);
      lane.devices.scanner.emitScan(showcase.bread);
      expect(lane.runtime.view.context.sale?.lines).toHaveLength(2);
      expect(lane.log.find('error', 'a view listener failed').length).toBeGreaterThan(0);
    });
  });

  describe('devices', () => {
    it('takes the lane out of service while a required device is faulty between sales', async () => {
      const lane = await startLane();
      expect(lane.devices.printer.started).toBe(true);
      expect(lane.runtime.view.state).toBe('idle');

      lane.devices.printer.setStatus({ kind: 'fault', faults: ['paperEnd'] });
      expect(lane.runtime.view.state).toBe('outOfService');
      expect(lane.runtime.view.context.devices.printer).toEqual({ kind: 'fault', faults: ['paperEnd'] });

      lane.devices.printer.setStatus({ kind: 'ready', warnings: [] });
      expect(lane.runtime.view.state).toBe('idle');
    });

    it('starts out of service when a device is not ready yet, and does not interrupt a sale for a fault', async () => {
      const devices = createFakeDevices();
      devices.paymentTerminal.setStatus({ kind: 'connecting' });
      const lane = await startLane(devices);
      expect(lane.runtime.view.state).toBe('outOfService');
      devices.paymentTerminal.setStatus({ kind: 'ready', warnings: [] });
      expect(lane.runtime.view.state).toBe('idle');

      devices.scanner.emitScan(showcase.milk);
      devices.printer.setStatus({ kind: 'fault', faults: ['coverOpen'] });
      expect(lane.runtime.view.state).toBe('scanning.ready');
      expect(lane.runtime.view.context.devices.printer?.kind).toBe('fault');
    });

    it('stops its devices on stop', async () => {
      const lane = await startLane();
      await lane.runtime.stop();
      expect(Object.values(lane.devices).every((device) => device.stopped)).toBe(true);
    });
  });
});
