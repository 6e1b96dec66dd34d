import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssistantDirectory } from '../../../main/assistants/assistantDirectory';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { showcase } from '../../../main/catalog/demoCatalog';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { catalogMigrations } from '../../../main/catalog/migrations';
import { migrate } from '../../../main/db/database';
import { CatalogApplier, applyCatalogUpdate } from '../../../main/lane/catalogSync/catalogApplier';
import { startCatalogSync, type CatalogSync } from '../../../main/lane/catalogSync/catalogSync';
import { Journal } from '../../../main/lane/journal';
import { LaneRuntime } from '../../../main/lane/runtime';
import { restrictedTemplates } from '../../../shared/barcode';
import { canonicalEntityLine } from '../../../shared/store/catalogEntities';
import type { ChangesAnswer } from '../../../shared/store/syncProtocol';
import { createFakeDevices } from '../helpers/fakeDevices';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';
import { delta, gtinFor, itemEntity, settings, snapshotLines, storeEntities, streamed, vatA, type Entity } from './catalogSync/fixtures';

async function pinHashFor(pin: string): Promise<string> {
  const db = new Database(':memory:');
  migrate(db, catalogMigrations);
  await new AssistantDirectory(db).upsert({ id: '9', name: 'x', pin });
  const row = db.prepare("SELECT pin_hash FROM assistants WHERE id = '9'").get() as { pin_hash: string };
  db.close();
  return row.pin_hash;
}

describe('catalogue sync', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let catalogPath: string;
  let catalog: CatalogStore;
  let clock: number;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeEach(() => {
    dir = makeTempDir();
    catalogPath = join(dir.path, 'catalog.sqlite');
    clock = Date.UTC(2026, 0, 10, 9, 0);
    catalog = CatalogStore.open(catalogPath, { now: () => clock });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    catalog.close();
    dir.remove();
  });

  async function applier(): Promise<CatalogApplier> {
    const started = await CatalogApplier.start(catalogPath);
    cleanups.push(() => started.close());
    return started;
  }

  /** A catalogue at version 3 with items 0–9 at 100. */
  async function seeded(target: CatalogApplier): Promise<void> {
    const outcome = await target.apply({ kind: 'snapshot', lines: streamed(snapshotLines(3, storeEntities(10, 100))) });
    expect(outcome).toMatchObject({ ok: true, applied: { kind: 'snapshot', version: 3, changed: 12 } });
  }

  it('writes the canonical line the checksum is over: keys sorted by code unit, undefined left out, JSON escapes', () => {
    const odd: Entity = { version: 9, kind: 'item', key: 'k', value: { z: [1, { b: 'é"\n', a: null }], a: true, é: -0.5, ['\u{1F600}']: 'x', A: undefined } };
    expect(canonicalEntityLine(odd)).toBe('[9,"item","k",{"a":true,"z":[1,{"a":null,"b":"é\\"\\n"}],"é":-0.5,"\u{1F600}":"x"}]');
  });

  it('starts a never-synced catalogue (the demo one) at version 0', () => {
    ensureDemoCatalog(join(dir.path, 'demo.sqlite'), 10);
    const demo = CatalogStore.open(join(dir.path, 'demo.sqlite'));
    expect(demo.syncState()).toEqual({ version: 0, appliedAt: null, kind: null, checksum: null, changed: 0, source: null });
    expect(demo.lookup(showcase.milk)?.priceMinor).toBe(119);
    demo.close();
  });

  it('applies a delta of every kind in one go, tombstones included, and records the version', async () => {
    const target = await applier();
    await seeded(target);
    const pinHash = await pinHashFor('4321');
    const revision = catalog.revision();
    const changes: Entity[] = [
      itemEntity(4, 1, 150, { weight: { grams: 1030, toleranceGrams: 20 }, plu: '4011', ageLimit: 18 }),
      { version: 4, kind: 'item', key: gtinFor(2), value: null },
      { version: 4, kind: 'vatClass', key: 'B', value: { code: 'B', rateBp: 1200, label: 'VAT 12%' } },
      itemEntity(5, 20, 999, { vatClass: 'B', name: { en: 'Čipsi', ru: 'ЧИПСЫ' } }),
      { version: 5, kind: 'settings', key: 'store', value: { currency: 'BGN', restrictedTemplate: null } },
      { version: 5, kind: 'promotion', key: 'P1', value: { id: 'P1', name: { en: 'Ten off' }, gtins: [gtinFor(1)], rule: { kind: 'percentage', percentBp: 1000 } } },
      { version: 5, kind: 'coupon', key: 'C1', value: { code: 'C1', name: { en: 'One off' }, rule: { kind: 'amountOff', amountMinor: 100 }, minimumSpendMinor: 500 } },
      { version: 5, kind: 'assistant', key: '77', value: { id: '77', name: 'Līga', role: 'supervisor', pinHash, active: true } },
    ];
    const outcome = await target.apply({ kind: 'delta', delta: delta(3, 5, changes) }, { source: 'https://store.example', now: () => 1234 });
    expect(outcome).toMatchObject({ ok: true, applied: { kind: 'delta', version: 5, changed: 8 } });

    expect(catalog.revision()).not.toBe(revision);
    expect(catalog.lookup(gtinFor(1))).toMatchObject({ priceMinor: 150, plu: '4011', ageLimit: 18, expectedWeight: { grams: 1030, toleranceGrams: 20 } });
    expect(catalog.lookup(gtinFor(2))).toBeUndefined();
    expect(catalog.lookup(gtinFor(20))).toMatchObject({ priceMinor: 999, vatClass: 'B', vatRateBp: 1200 });
    expect(catalog.find('чипсы').map((item) => item.gtin)).toEqual([gtinFor(20)]);
    expect(catalog.count()).toBe(10);
    expect(catalog.settings()).toEqual({ currency: 'BGN', restrictedTemplate: null });
    expect(catalog.promotions()).toEqual([expect.objectContaining({ id: 'P1', gtins: [gtinFor(1)] })]);
    expect(catalog.coupon('C1')).toMatchObject({ code: 'C1', minimumSpendMinor: 500 });
    expect(catalog.syncState()).toMatchObject({ version: 5, appliedAt: 1234, kind: 'delta', changed: 8, source: 'https://store.example' });

    // Synced staff sign in at the lane.
    const directory = new AssistantDirectory(catalog.db);
    expect(await directory.signIn('77', '4321')).toEqual({ ok: true, value: { id: '77', name: 'Līga', role: 'supervisor' } });

    const removal = await target.apply({
      kind: 'delta',
      delta: delta(5, 6, [
        { version: 6, kind: 'promotion', key: 'P1', value: null },
        { version: 6, kind: 'coupon', key: 'C1', value: null },
        { version: 6, kind: 'assistant', key: '77', value: null },
      ]),
    });
    expect(removal.ok).toBe(true);
    expect(catalog.promotions()).toEqual([]);
    expect(catalog.coupon('C1')).toBeUndefined();
    expect((await directory.signIn('77', '4321')).ok).toBe(false);
  });

  it('switches to a scheduled price when its time has come', async () => {
    const target = await applier();
    await seeded(target);
    const from = clock + 60_000;
    const later = clock + 120_000;
    const schedule = [
      { from: later, priceMinor: 70 },
      { from, priceMinor: 80 },
    ];
    expect((await target.apply({ kind: 'delta', delta: delta(3, 4, [itemEntity(4, 1, 100, { scheduledPrices: schedule })]) })).ok).toBe(true);
    expect(catalog.lookup(gtinFor(1))?.priceMinor).toBe(100);
    clock = from;
    expect(catalog.lookup(gtinFor(1))?.priceMinor).toBe(80);
    clock = later + 1;
    expect(catalog.lookup(gtinFor(1))?.priceMinor).toBe(70);
    // A new value without a schedule drops the old one.
    expect((await target.apply({ kind: 'delta', delta: delta(4, 5, [itemEntity(5, 1, 90)]) })).ok).toBe(true);
    expect(catalog.lookup(gtinFor(1))?.priceMinor).toBe(90);
  });

  it('refuses a bad checksum, a bad entity, a gap or a conflicting row and leaves the catalogue as it was', async () => {
    const target = await applier();
    await seeded(target);
    const before = { state: catalog.syncState(), count: catalog.count(), item: catalog.lookup(gtinFor(1)) };
    const tampered = { ...delta(3, 4, [itemEntity(4, 1, 1)]), checksum: 'f'.repeat(64) };
    expect(await target.apply({ kind: 'delta', delta: tampered })).toMatchObject({ ok: false, problem: 'badChecksum' });
    const badEntity = delta(3, 4, [itemEntity(4, 1, 1), itemEntity(4, 3, -5)]);
    expect(await target.apply({ kind: 'delta', delta: badEntity })).toMatchObject({ ok: false, problem: 'badEntity', message: expect.stringContaining('priceMinor') });
    expect(await target.apply({ kind: 'delta', delta: delta(4, 5, [itemEntity(5, 1, 1)]) })).toMatchObject({ ok: false, problem: 'versionGap' });
    const unknownVat = delta(3, 4, [itemEntity(4, 1, 1), itemEntity(4, 4, 1, { vatClass: 'Z' })]);
    expect(await target.apply({ kind: 'delta', delta: unknownVat })).toMatchObject({ ok: false, problem: 'rejectedByCatalog', message: expect.stringContaining('Z') });
    const deep = delta(3, 4, [{ version: 4, kind: 'promotion', key: 'P9', value: JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) as unknown }]);
    expect(await target.apply({ kind: 'delta', delta: deep })).toMatchObject({ ok: false, problem: 'badEntity' });
    expect({ state: catalog.syncState(), count: catalog.count(), item: catalog.lookup(gtinFor(1)) }).toEqual(before);
  });

  it('refuses a truncated, tampered or broken-off snapshot and keeps the old catalogue', async () => {
    const target = await applier();
    await seeded(target);
    const before = { state: catalog.syncState(), count: catalog.count() };
    const lines = snapshotLines(9, storeEntities(2000, 5));
    expect(await target.apply({ kind: 'snapshot', lines: streamed(lines.slice(0, -1)) })).toMatchObject({ ok: false, problem: 'truncated' });
    expect(await target.apply({ kind: 'snapshot', lines: streamed([...lines.slice(0, 1000), ...lines.slice(1001)]) })).toMatchObject({ ok: false, problem: 'truncated' });
    const tampered = [...lines];
    tampered[5] = tampered[5]!.replace('"priceMinor":5', '"priceMinor":6');
    expect(await target.apply({ kind: 'snapshot', lines: streamed(tampered) })).toMatchObject({ ok: false, problem: 'badChecksum' });
    expect(await target.apply({ kind: 'snapshot', lines: streamed([...lines.slice(0, 3), '{"version":1,', ...lines.slice(3)]) })).toMatchObject({ ok: false, problem: 'badStream' });
    expect(await target.apply({ kind: 'snapshot', lines: streamed(lines, { failAfter: 1500 }) })).toMatchObject({ ok: false, problem: 'aborted', message: expect.stringContaining('connection reset') });
    // A line nested far deeper than any entity (found by fuzzing: it overflowed the stack while hashed) is a bad stream, said so.
    const deep = `{"version":1,"kind":"promotion","key":"P9","value":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    expect(await target.apply({ kind: 'snapshot', lines: streamed([...lines.slice(0, 3), deep, ...lines.slice(3)]) })).toMatchObject({ ok: false, problem: 'badStream', message: expect.stringContaining('nested more than 33 deep') });
    expect({ state: catalog.syncState(), count: catalog.count() }).toEqual(before);
    expect(catalog.lookup(gtinFor(1))?.priceMinor).toBe(100);
    // The applier is still good for the next, sound update.
    expect(await target.apply({ kind: 'snapshot', lines: streamed(lines) })).toMatchObject({ ok: true });
    expect(catalog.count()).toBe(2000);
  });

  it('applies a large snapshot atomically while the lane keeps reading and its event loop keeps turning', async () => {
    const target = await applier();
    await seeded(target);
    const items = 30_000;
    const lines = snapshotLines(8, storeEntities(items, 250, 8));
    const seen = new Set<string>();
    let ticks = 0;
    const reader = setInterval(() => {
      ticks++;
      // One read transaction, as a scan plus its basket refresh would see it.
      catalog.db.transaction(() => {
        const count = catalog.count();
        const price = catalog.lookup(gtinFor(1))?.priceMinor;
        const last = catalog.lookup(gtinFor(items - 1))?.priceMinor;
        seen.add(`${count}:${price}:${last}`);
      })();
    }, 1);
    const outcome = await applyCatalogUpdate(catalogPath, { kind: 'snapshot', lines: streamed(lines) });
    clearInterval(reader);
    expect(outcome).toMatchObject({ ok: true, applied: { version: 8, changed: items + 2 } });
    expect(ticks).toBeGreaterThan(5);
    expect([...seen].every((state) => state === '10:100:undefined' || state === `${items}:250:250`)).toBe(true);
    expect(catalog.count()).toBe(items);
    expect(catalog.lookup(gtinFor(items - 1))?.priceMinor).toBe(250);
    await target.close();
  });

  describe('the sync loop', () => {
    function startSync(answers: (since: number) => Promise<ChangesAnswer>, snapshot: () => Promise<AsyncIterable<string>>) {
      const log = createRecordingLogger();
      const updates: { version: number; kind: string; changed: number }[] = [];
      const sync: CatalogSync = startCatalogSync({
        catalogPath,
        fetchChanges: answers,
        fetchSnapshot: snapshot,
        log,
        pollIntervalMs: 60_000,
        maxBackoffMs: 60_000,
        now: () => clock,
        onUpdate: (info) => updates.push(info),
      });
      cleanups.push(() => sync.stop());
      return { sync, log, updates };
    }

    it('takes a snapshot when told to, then deltas, and recovers from a store out of reach', async () => {
      let reachable = false;
      const asked: number[] = [];
      const { sync, log, updates } = startSync(
        async (since) => {
          asked.push(since);
          if (!reachable) throw new Error('connect ECONNREFUSED 127.0.0.1:9');
          if (since === 0) return { kind: 'snapshotRequired', version: 3, reason: 'tooOld' };
          if (since === 3) return delta(3, 4, [itemEntity(4, 1, 175)]);
          return delta(since, since, []);
        },
        async () => streamed(snapshotLines(3, storeEntities(10, 100))),
      );
      await sync.syncNow();
      expect(sync.status()).toMatchObject({ version: 0, lastSyncAt: null, lastError: expect.stringContaining('unreachable'), syncing: false });
      expect(log.find('warn', 'catalogue sync failed; the lane keeps its catalogue')[0]?.fields).toMatchObject({ reason: 'unreachable', failures: 1 });

      reachable = true;
      await sync.syncNow();
      expect(sync.status()).toMatchObject({ version: 3, lastSyncAt: clock, lastError: null });
      expect(log.find('info', 'catalogue snapshot applied')).toHaveLength(1);
      await sync.syncNow();
      await sync.syncNow();
      expect(sync.status().version).toBe(4);
      expect(catalog.lookup(gtinFor(1))?.priceMinor).toBe(175);
      expect(updates).toEqual([
        { version: 3, kind: 'snapshot', changed: 12 },
        { version: 4, kind: 'delta', changed: 1 },
      ]);
      expect(asked.slice(-3)).toEqual([0, 3, 4]);
    });

    it('logs a refused delta and keeps selling from the old catalogue', async () => {
      const target = await applier();
      await seeded(target);
      await target.close();
      const { sync, log } = startSync(
        async () => delta(3, 4, [itemEntity(4, 1, 1, { soldBy: 'litre' })]),
        async () => streamed([]),
      );
      await sync.syncNow();
      expect(sync.status().lastError).toMatch(/badEntity/);
      expect(log.find('warn', 'catalogue sync failed; the lane keeps its catalogue')[0]?.fields).toMatchObject({ reason: 'badEntity', version: 3 });
      expect(catalog.lookup(gtinFor(1))?.priceMinor).toBe(100);
    });
  });

  it('keeps the price of an item already in the basket; the next scan gets the new price', async () => {
    const demoPath = join(dir.path, 'demo.sqlite');
    ensureDemoCatalog(demoPath, 10);
    const laneCatalog = CatalogStore.open(demoPath);
    const journal = Journal.open(join(dir.path, 'journal.sqlite'));
    const devices = createFakeDevices();
    const runtime = new LaneRuntime({
      lane: { laneId: 'L01', storeName: 'Test Store', currency: 'EUR', defaultLanguage: 'en' },
      restrictedTemplate: restrictedTemplates.sweden,
      catalog: laneCatalog,
      journal,
      devices,
      log: createRecordingLogger(),
    });
    cleanups.push(async () => {
      await runtime.stop();
      journal.close();
      laneCatalog.close();
    });
    await runtime.start();
    devices.scanner.emitScan(showcase.milk);
    expect(runtime.view.context.sale?.lines.map((line) => line.priceMinor)).toEqual([119]);

    const milk = { gtin: `0${showcase.milk}`, name: { en: 'Milk 2.5% 1 L' }, priceMinor: 99, soldBy: 'unit', vatClass: 'B' };
    const bread = { gtin: `0${showcase.bread}`, name: { en: 'Rye bread 400 g' }, priceMinor: 159, soldBy: 'unit', vatClass: 'A' };
    const outcome = await applyCatalogUpdate(demoPath, {
      kind: 'delta',
      delta: delta(0, 1, [
        { version: 1, kind: 'item', key: milk.gtin, value: milk },
        { version: 1, kind: 'item', key: bread.gtin, value: bread },
      ]),
    });
    expect(outcome.ok).toBe(true);
    expect(runtime.view.context.sale?.lines.map((line) => [line.gtin, line.priceMinor])).toEqual([[milk.gtin, 119]]);
    devices.scanner.emitScan(showcase.bread);
    expect(runtime.view.context.sale?.lines.map((line) => [line.gtin, line.priceMinor])).toEqual([
      [milk.gtin, 119],
      [bread.gtin, 159],
    ]);
    expect(laneCatalog.lookup(showcase.milk)?.priceMinor).toBe(99);
  });

  it('is unaffected by settings order: a snapshot may send items before their VAT class', async () => {
    const target = await applier();
    const entities = [itemEntity(2, 1, 10), itemEntity(2, 2, 20), vatA, settings];
    expect(await target.apply({ kind: 'snapshot', lines: streamed(snapshotLines(2, entities)) })).toMatchObject({ ok: true });
    expect(catalog.lookup(gtinFor(2))?.priceMinor).toBe(20);
  });
});
