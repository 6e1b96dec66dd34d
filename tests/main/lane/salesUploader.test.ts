import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Journal } from '../../../main/lane/journal';
import { SalesUploader, type OutboxLimits } from '../../../main/lane/storeLink/salesUploader';
import { StoreClient } from '../../../main/lane/storeLink/storeClient';
import type { Sale } from '../../../shared/checkout/sale';
import { createRecordingLogger, type RecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';
import { FakeStore } from './fakeStore';

const token = randomBytes(32).toString('base64url');
const fast = { firstRetryMs: 20, maxRetryMs: 200, refusedRetryMs: 100, housekeepingMs: 50, pruneIntervalMs: 60_000 };

function saleOf(journal: Journal, number: number, closedAt: number, extra: Partial<Sale> = {}): Sale {
  return {
    id: `L01-${journal.epoch}-${number}`,
    number,
    startedAt: closedAt - 60_000,
    lines: [{ lineId: 1, gtin: '04750001000016', scannedCode: '4750001000016', name: { en: 'Milk' }, pricing: 'unit', quantity: 1, unitPriceMinor: 119, priceMinor: 119, vatClass: 'B', vatRateBp: 1200 }],
    nextLineId: 2,
    status: 'completed',
    closedAt,
    payments: [],
    language: 'en',
    ...extra,
  };
}

/** Closes sales 1…count (continuing the journal's numbering) as the runtime would: each with its event. */
function closeSales(journal: Journal, count: number, closedAt = Date.now(), extra: Partial<Sale> = {}): Sale[] {
  const first = journal.lastUsedSaleNumber() + 1;
  return Array.from({ length: count }, (_, index) => {
    const sale = saleOf(journal, first + index, closedAt + index, extra);
    journal.commit({ at: closedAt + index, event: { type: 'xstate.done.actor.payment' }, saleId: sale.id, state: 'receipt.printing', closedSale: sale });
    return sale;
  });
}

describe('SalesUploader', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function journal(): Journal {
    const dir = makeTempDir();
    const opened = Journal.open(join(dir.path, 'journal-L01.sqlite'));
    cleanups.push(() => dir.remove());
    cleanups.push(() => opened.close());
    return opened;
  }

  async function store(options: { maxBodyBytes?: number } = {}, port = 0): Promise<FakeStore> {
    const started = await FakeStore.start({ laneId: 'L01', token, ...options }, port);
    cleanups.push(() => started.close());
    return started;
  }

  function uploader(
    outbox: Journal,
    url: string,
    options: { limits?: Partial<OutboxLimits>; batchSize?: number; now?: () => number; responseMs?: number; log?: RecordingLogger } = {},
  ): SalesUploader & { log: RecordingLogger } {
    const client = new StoreClient({ url, laneId: 'L01', laneToken: token, timeouts: { connectMs: 1000, responseMs: options.responseMs ?? 2000, idleMs: 2000 } });
    const log = options.log ?? createRecordingLogger();
    const made = new SalesUploader({
      laneId: 'L01',
      currency: 'EUR',
      outbox,
      upload: (upload, signal) => client.uploadSales(upload, signal),
      probe: (signal) => client.health(signal),
      log,
      limits: options.limits,
      timing: fast,
      batchSize: options.batchSize,
      now: options.now,
    });
    cleanups.push(() => client.close());
    cleanups.push(() => made.stop());
    return Object.assign(made, { log });
  }

  const uploadRequests = (fake: FakeStore) => fake.requests.filter((request) => request.path === '/v1/sales').length;

  it('uploads every closed sale once, oldest first, in batches, exactly as journaled', async () => {
    const outbox = journal();
    const sales = closeSales(outbox, 25);
    const fake = await store();
    const lane = uploader(outbox, fake.url, { batchSize: 10 });
    lane.start();
    await vi.waitFor(() => expect(lane.status().backlog).toBe(0));
    expect(fake.uploads.map((upload) => upload.sales)).toEqual([10, 10, 5]);
    expect(fake.numbers()).toEqual(sales.map((sale) => sale.number));
    const first = fake.sales.get(sales[0]!.id)!;
    expect(first).toMatchObject({ epoch: outbox.epoch, number: 1, status: 'completed', totalMinor: 119, currency: 'EUR', closedAt: sales[0]!.closedAt });
    // The payload is the journal's text, verbatim.
    expect(first.payload).toBe(JSON.stringify(sales[0]));
    expect(outbox.outbox().every((row) => row.sentAt !== null)).toBe(true);
    expect(lane.status()).toMatchObject({ linkUp: true, backlog: 0, oldestUnsentAt: null, conflicts: 0, lastError: null, alert: false });
    expect(lane.status().lastUploadAt).not.toBeNull();
  });

  it('stores each sale exactly once when the store commits a batch and the answer is lost', async () => {
    const outbox = journal();
    closeSales(outbox, 8);
    const fake = await store();
    fake.faults.push({ kind: 'commitThenDrop' });
    const lane = uploader(outbox, fake.url);
    lane.start();
    await vi.waitFor(() => expect(lane.status().backlog).toBe(0));
    // First attempt: stored, answer lost, nothing marked sent. The resend: all duplicates, now marked.
    expect(fake.uploads.map((upload) => upload.outcomes)).toEqual([Array(8).fill('stored'), Array(8).fill('duplicate')]);
    expect(fake.sales.size).toBe(8);
    expect(lane.log.find('warn', 'the store is out of reach; the lane keeps selling and sends its sales when it is back')).toHaveLength(1);
    expect(lane.log.find('info', 'the store already had some of these sales (an earlier answer was lost); each is kept there once')).toHaveLength(1);
    // Sent again later (e.g. the lane restarts and a wake comes): nothing unsent, nothing sent.
    const before = uploadRequests(fake);
    await lane.uploadNow();
    expect(uploadRequests(fake)).toBe(before);
  });

  it('backs off while the store answers 500 or hangs, keeps every sale, and recovers', async () => {
    const outbox = journal();
    closeSales(outbox, 3);
    const fake = await store();
    fake.persistentFault = { kind: 'status', status: 500 };
    const lane = uploader(outbox, fake.url, { responseMs: 100 });
    lane.start();
    await vi.waitFor(() => expect(uploadRequests(fake)).toBeGreaterThanOrEqual(3));
    expect(lane.status()).toMatchObject({ linkUp: false, backlog: 3 });
    expect(lane.status().lastError).toMatch(/HTTP 500/);
    // One line for the outage, not one per retry.
    expect(lane.log.find('warn', 'the store is out of reach; the lane keeps selling and sends its sales when it is back')).toHaveLength(1);

    fake.persistentFault = { kind: 'hang' };
    const hangsFrom = uploadRequests(fake);
    await vi.waitFor(() => expect(uploadRequests(fake)).toBeGreaterThanOrEqual(hangsFrom + 2));
    expect(lane.status().lastError).toMatch(/no answer from the store within 100 ms/);
    expect(outbox.outboxBacklog()).toMatchObject({ unsent: 3 });

    fake.persistentFault = null;
    await vi.waitFor(() => expect(lane.status()).toMatchObject({ linkUp: true, backlog: 0, lastError: null }));
    expect(fake.sales.size).toBe(3);
    expect(lane.log.find('info', 'store link up: sending the sales that waited')).toHaveLength(1);
  });

  it('sends the sales closed while the store was down once it is back, and a closed sale wakes it', async () => {
    const outbox = journal();
    const placeholder = await FakeStore.start({ laneId: 'L01', token });
    const port = placeholder.port;
    await placeholder.close();
    const lane = uploader(outbox, `http://127.0.0.1:${port}`);
    lane.start();
    await vi.waitFor(() => expect(lane.status().lastError).toMatch(/cannot be reached/));
    closeSales(outbox, 4);
    lane.wake();
    await vi.waitFor(() => expect(lane.status().backlog).toBe(4));
    expect(lane.status().linkUp).toBe(false);

    const fake = await store({}, port);
    await vi.waitFor(() => expect(lane.status()).toMatchObject({ linkUp: true, backlog: 0 }));
    expect(fake.numbers()).toEqual([1, 2, 3, 4]);

    // With the link up, a sale that closes goes out on the wake, not on a timer.
    closeSales(outbox, 1);
    lane.wake();
    await vi.waitFor(() => expect(fake.numbers()).toEqual([1, 2, 3, 4, 5]));
  });

  it('flags a sale the store holds differently, keeps it, reports it, and never resends it', async () => {
    const outbox = journal();
    const [clash] = closeSales(outbox, 3);
    const fake = await store();
    fake.sales.set(clash!.id, { saleId: clash!.id, epoch: outbox.epoch, number: 1, status: 'completed', closedAt: 1, totalMinor: 1, currency: 'EUR', digest: 'f'.repeat(64), payload: '{}', receivedAt: 1 });
    const lane = uploader(outbox, fake.url);
    lane.start();
    await vi.waitFor(() => expect(lane.status()).toMatchObject({ backlog: 0, conflicts: 1 }));
    expect(fake.uploads[0]?.outcomes).toEqual(['conflict', 'stored', 'stored']);
    expect(fake.sales.get(clash!.id)?.digest).toBe('f'.repeat(64));
    expect(lane.log.find('error', 'the store has a different sale under this sale id: this one stays in the outbox, flagged, and is not resent; store IT must look at both')).toHaveLength(1);
    expect(outbox.flaggedSales()).toEqual([expect.objectContaining({ saleId: clash!.id, flag: 'conflict' })]);
    expect(outbox.outbox().find((row) => row.saleId === clash!.id)?.sentAt).toBeNull();

    const before = fake.uploads.length;
    closeSales(outbox, 1);
    await lane.uploadNow();
    await lane.uploadNow();
    expect(fake.uploads.slice(before).map((upload) => upload.sales)).toEqual([1]);
    expect(fake.uploads.slice(before)[0]?.outcomes).toEqual(['stored']);
  });

  it('finds a sale the store refuses by halving the batch, flags it and sends the rest', async () => {
    const outbox = journal();
    closeSales(outbox, 3);
    // Far bigger than the store takes in one request.
    closeSales(outbox, 1, Date.now(), { lines: Array.from({ length: 400 }, (_, index) => ({ lineId: index + 1, gtin: '04750001000016', scannedCode: '4750001000016', name: { en: 'Milk '.repeat(20) }, pricing: 'unit' as const, quantity: 1, unitPriceMinor: 119, priceMinor: 119, vatClass: 'B', vatRateBp: 1200 })) });
    closeSales(outbox, 4);
    const fake = await store({ maxBodyBytes: 40_000 });
    const lane = uploader(outbox, fake.url);
    lane.start();
    await vi.waitFor(() => expect(lane.status()).toMatchObject({ backlog: 0, conflicts: 1 }));
    expect(fake.numbers()).toEqual([1, 2, 3, 5, 6, 7, 8]);
    expect(outbox.flaggedSales()).toEqual([expect.objectContaining({ saleNumber: 4, flag: 'invalid' })]);
  });

  it('counts the backlog and raises the early alert once per crossing, by count and by age', async () => {
    const outbox = journal();
    let now = Date.now();
    const fake = await store();
    fake.persistentFault = { kind: 'status', status: 503 };
    const lane = uploader(outbox, fake.url, { limits: { alertAfterSales: 5, alertAfterHours: 2 }, now: () => now });
    const changes: boolean[] = [];
    lane.onStatusChange((status) => changes.push(status.alert));
    lane.start();
    closeSales(outbox, 4, now - 1000);
    lane.wake();
    await vi.waitFor(() => expect(lane.status()).toMatchObject({ backlog: 4, oldestUnsentAt: now - 1000, alert: false }));
    closeSales(outbox, 2, now);
    lane.wake();
    await vi.waitFor(() => expect(lane.status()).toMatchObject({ backlog: 6, alert: true }));
    const alertMessage = 'sales are piling up unsent to the store: they are safe on this lane, but store IT should restore the store link before the disk fills';
    // Housekeeping keeps looking; the alert is logged once while it lasts.
    await vi.waitFor(() => expect(uploadRequests(fake)).toBeGreaterThanOrEqual(3));
    expect(lane.log.find('error', alertMessage)).toHaveLength(1);

    fake.persistentFault = null;
    await vi.waitFor(() => expect(lane.status()).toMatchObject({ backlog: 0, alert: false }));
    expect(lane.log.find('info', 'the unsent sales backlog is back under its alert limits')).toHaveLength(1);

    // By age: one sale, three hours old on the lane's clock.
    fake.persistentFault = { kind: 'status', status: 503 };
    closeSales(outbox, 1, now);
    lane.wake();
    await vi.waitFor(() => expect(lane.status()).toMatchObject({ backlog: 1, alert: false }));
    now += 3 * 3_600_000;
    await vi.waitFor(() => expect(lane.status().alert).toBe(true));
    expect(lane.log.find('error', alertMessage)).toHaveLength(2);
    expect(changes.filter((alert, index) => alert !== changes[index - 1]).slice(1)).toEqual([true, false, true]);
  });

  it('prunes sales the store has after keepSentDays, never unsent ones nor the newest number', async () => {
    const outbox = journal();
    const day = 24 * 3_600_000;
    const now = Date.now();
    closeSales(outbox, 3, now - 40 * day); // 1–3: sent, old → pruned
    closeSales(outbox, 2, now - 40 * day + 10); // 4–5: unsent, old → kept
    closeSales(outbox, 1, now - day); // 6: sent, recent → kept
    outbox.markSalesSent([1, 2, 3, 6].map((number) => `L01-${outbox.epoch}-${number}`), now);
    const fake = await store();
    fake.persistentFault = { kind: 'status', status: 500 };
    const lane = uploader(outbox, fake.url, { limits: { keepSentDays: 30 }, now: () => now });
    lane.start();
    expect(outbox.outbox().map((row) => row.saleNumber)).toEqual([4, 5, 6]);
    expect(lane.log.find('info', 'sales the store has were pruned from the outbox')[0]?.fields).toMatchObject({ pruned: 3 });
    expect(lane.status()).toMatchObject({ backlog: 2, oldestUnsentAt: now - 40 * day + 10 });

    // Everything sent and old: the newest stays, so numbering carries on after it.
    fake.persistentFault = null;
    await vi.waitFor(() => expect(lane.status().backlog).toBe(0));
    expect(outbox.pruneSentSales(now + 100 * day)).toBe(2);
    expect(outbox.outbox().map((row) => row.saleNumber)).toEqual([6]);
    expect(outbox.lastUsedSaleNumber()).toBe(6);
  });

  it('keeps everything when the store refuses the lane, and says why', async () => {
    const outbox = journal();
    closeSales(outbox, 2);
    const fake = await store();
    fake.authorised = false;
    const lane = uploader(outbox, fake.url);
    lane.start();
    await vi.waitFor(() => expect(lane.status().lastError).toMatch(/refused this lane \(HTTP 401\)/));
    expect(lane.status()).toMatchObject({ linkUp: false, backlog: 2 });
    expect(lane.log.find('error', 'sales cannot be sent to the store; the lane keeps selling and keeps them until they can')).toHaveLength(1);
    fake.authorised = true;
    await lane.uploadNow();
    expect(lane.status()).toMatchObject({ linkUp: true, backlog: 0 });
  });
});
