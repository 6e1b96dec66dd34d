import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AssistantDirectory } from '../../../main/assistants/assistantDirectory';
import { ensureDemoAssistants } from '../../../main/assistants/demoAssistants';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { showcase } from '../../../main/catalog/demoCatalog';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { ensureLaneCatalog } from '../../../main/demo/demoStoreServer';
import { storeProcess, type StoreProcess } from '../../../main/demo/keptProcess';
import { Journal } from '../../../main/lane/journal';
import { LaneRuntime } from '../../../main/lane/runtime';
import { startStoreLink, type StoreLink } from '../../../main/lane/storeLink/storeLink';
import { createLogger } from '../../../main/log/logger';
import { catalogEntitiesOf } from '../../../main/store/catalogEntitiesOf';
import { openStoreBackend } from '../../../main/store/openStoreBackend';
import type { StoreBackend } from '../../../main/store/storeBackend';
import { restrictedTemplates } from '../../../shared/barcode';
import { seededRandom } from '../../../shared/random';
import type { StoreItem } from '../../../shared/store/catalogEntities';
import { startFaultProxy, type FaultProxy } from '../../support/faultProxy';
import { startTestPostgres, type TestPostgres } from '../../support/postgres';
import { createFakeDevices, type FakeDevices } from '../helpers/fakeDevices';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';
import { freePort } from '../../support/freePort';

/**
 * The store-sync proof, small enough for every CI run: lanes sell while the store changes
 * prices, a fault proxy drops, delays, cuts and resets every lane↔store connection, the store
 * server is SIGKILLed and restarted, lanes are switched off and on, the network is
 * partitioned, and once the store forgets a deletion's tombstone so that every lane must take a
 * full sync from the catalogue image through the faults. Then the faults stop and the checker compares: every sale the lanes closed is
 * on the server exactly once and unaltered, no lane has a gap in its numbering, and every lane
 * is on the server's newest catalogue with its prices.
 */

const laneIds = ['P01', 'P02', 'P03'];
const rounds = 10;
const seed = Number(process.env.LANEWISE_PROOF_SEED ?? 20261203);

interface ProofLane {
  readonly laneId: string;
  readonly catalogPath: string;
  readonly journalPath: string;
  runtime: LaneRuntime;
  journal: Journal;
  catalog: CatalogStore;
  devices: FakeDevices;
  link: StoreLink;
}

describe.each(['SQLite', 'PostgreSQL'] as const)('store sync under faults on %s (the proof, small)', { timeout: 240_000 }, (backendKind) => {
  const dir = makeTempDir();
  let postgres: TestPostgres | undefined;
  let storeTarget: string[] = [];
  const random = seededRandom(seed);
  const log = createLogger({ file: join(dir.path, 'proof.jsonl') });
  const demoCatalog = join(dir.path, 'demo-catalog.sqlite');
  const storeDir = join(dir.path, 'store');
  const tokens = new Map<string, string>();
  let store: StoreProcess;
  let proxy: FaultProxy;
  let backend: StoreBackend;
  const lanes: ProofLane[] = [];
  let milkPrice = 119;

  async function openLane(laneId: string): Promise<ProofLane> {
    const catalogPath = join(dir.path, `${laneId}-catalog.sqlite`);
    const journalPath = join(dir.path, `journal-${laneId}.sqlite`);
    await ensureLaneCatalog(demoCatalog, catalogPath);
    const lane = { laneId, catalogPath, journalPath } as ProofLane;
    await startLaneParts(lane);
    return lane;
  }

  async function startLaneParts(lane: ProofLane): Promise<void> {
    lane.journal = Journal.open(lane.journalPath);
    lane.catalog = CatalogStore.open(lane.catalogPath);
    lane.devices = createFakeDevices();
    lane.runtime = new LaneRuntime({
      lane: { laneId: lane.laneId, storeName: 'Proof Store', currency: 'EUR', defaultLanguage: 'en' },
      restrictedTemplate: restrictedTemplates.sweden,
      catalog: lane.catalog,
      journal: lane.journal,
      devices: lane.devices,
      log: createRecordingLogger(),
      assistants: new AssistantDirectory(lane.catalog.db),
    });
    await lane.runtime.start();
    lane.link = startStoreLink({
      config: {
        url: `http://127.0.0.1:${proxy.port}`,
        laneToken: tokens.get(lane.laneId)!,
        catalogPollSeconds: 5,
        outbox: { alertAfterSales: 5000, alertAfterHours: 24, keepSentDays: 30 },
      },
      laneId: lane.laneId,
      currency: 'EUR',
      catalogPath: lane.catalogPath,
      journal: lane.journal,
      runtime: lane.runtime,
      log: log.child({ lane: lane.laneId }),
      timing: { uploader: { firstRetryMs: 50, maxRetryMs: 400, housekeepingMs: 1000 }, client: { connectMs: 1000, responseMs: 2000, idleMs: 1000 }, catalogPollMs: 300, statusRefreshMs: 200 },
    });
  }

  /** Switched off and on again: link, runtime and databases closed, then everything reopened from disk. */
  async function restartLane(lane: ProofLane): Promise<void> {
    await lane.link.stop();
    await lane.runtime.stop();
    lane.journal.close();
    lane.catalog.close();
    await startLaneParts(lane);
  }

  async function sell(lane: ProofLane): Promise<void> {
    const view = () => lane.runtime.view;
    const items = [showcase.milk, showcase.bread, showcase.chocolate];
    const count = 1 + Math.floor(random() * 3);
    for (let index = 0; index < count; index++) lane.devices.scanner.emitScan(items[index]!);
    await vi.waitFor(() => expect(view().context.sale?.lines.length ?? 0).toBe(count));
    expect((await lane.runtime.service.sendEvent({ event: { type: 'ui.pay' } })).accepted).toBe(true);
    await lane.runtime.service.sendEvent({ event: { type: 'ui.payByCard' } });
    lane.devices.paymentTerminal.approve();
    await vi.waitFor(() => expect(view().state).toBe('receipt.done'));
    await lane.runtime.service.sendEvent({ event: { type: 'ui.finish' } });
    await vi.waitFor(() => expect(view().state).toBe('idle'));
  }

  async function changeMilkPrice(): Promise<void> {
    const milk = (await itemAtStore(showcase.milk))!;
    milkPrice = 100 + Math.floor(random() * 100);
    await backend.applyCatalogChanges([{ kind: 'item', key: milk.gtin, value: { ...milk, priceMinor: milkPrice } }], { source: 'proof' });
  }

  async function itemAtStore(gtin: string): Promise<StoreItem | undefined> {
    const snapshot = await backend.snapshot();
    for await (const entity of snapshot.entities()) {
      if (entity.kind === 'item' && entity.key === gtin.padStart(14, '0')) return entity.value as StoreItem;
    }
    return undefined;
  }

  beforeAll(async () => {
    ensureDemoCatalog(demoCatalog, 40);
    const catalog = CatalogStore.open(demoCatalog);
    await ensureDemoAssistants(catalog.db);
    if (backendKind === 'PostgreSQL') {
      postgres = await startTestPostgres();
      storeTarget = ['--database', postgres.url];
    } else storeTarget = ['--data-dir', storeDir];
    backend = await openStoreBackend(storeTarget[1]!);
    await backend.applyCatalogChanges([...catalogEntitiesOf(catalog)], { source: 'seed' });
    catalog.close();
    for (const laneId of laneIds) tokens.set(laneId, (await backend.lanes.add(laneId)).token);
    const port = await freePort();
    store = storeProcess([...storeTarget, '--host', '127.0.0.1', '--port', String(port)], log.child({ component: 'store' }));
    await store.start();
    proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: port, seed, faults: { cut: 0.15, reset: 0.1, blackhole: 0.05 }, maxDelayMs: 30 });
    for (const laneId of laneIds) lanes.push(await openLane(laneId));
  });

  afterAll(async () => {
    for (const lane of lanes) {
      await lane.link.stop();
      await lane.runtime.stop();
      lane.journal.close();
      lane.catalog.close();
    }
    await proxy?.close();
    await store?.stop();
    await backend?.close();
    await postgres?.stop();
    log.flush();
    dir.remove();
  });

  it('loses no sale, doubles none, alters none, and every lane ends on the newest catalogue', async () => {
    // Every kind of fault at least twice, in an order the seed shuffles.
    const plan = ['price', 'kill', 'restart', 'partition', 'price', 'kill', 'restart', 'partition', 'purge', 'none'];
    for (let index = plan.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [plan[index], plan[other]] = [plan[other]!, plan[index]!];
    }
    for (const fault of plan.slice(0, rounds)) {
      await Promise.all(lanes.map((lane) => sell(lane)));
      if (fault === 'price') await changeMilkPrice();
      else if (fault === 'kill') {
        // Killed when up (a kill during its restart would hit nothing).
        await store.waitForReady(30_000);
        store.kill('SIGKILL');
      }
      else if (fault === 'restart') await restartLane(lanes[Math.floor(random() * lanes.length)]!);
      else if (fault === 'partition') {
        proxy.partition();
        await new Promise((resolve) => setTimeout(resolve, 300 + random() * 700));
        proxy.heal();
      } else if (fault === 'purge') {
        // Cut off, then the store deletes an item and forgets the tombstone: every lane is too
        // far behind for a delta and must take the catalogue image, through the faults.
        proxy.partition();
        await store.waitForReady(30_000);
        await backend.applyCatalogChanges([{ kind: 'item', key: showcase.coffee.padStart(14, '0'), value: null }], { source: 'proof' });
        await backend.purgeTombstones(await backend.catalogVersion());
        proxy.heal();
      }
    }
    await changeMilkPrice();
    // The proxy really got in the way.
    expect(proxy.stats.cut + proxy.stats.reset + proxy.stats.blackholed).toBeGreaterThan(0);

    // The network heals and the store stays up: everything must arrive.
    proxy.setFaults({}, 0);
    proxy.heal();
    await store.waitForReady(30_000);
    const version = await backend.catalogVersion();
    await vi.waitFor(
      () => {
        for (const lane of lanes) {
          expect(lane.link.status().backlog).toBe(0);
          expect(lane.catalog.syncState().version).toBe(version);
        }
      },
      { timeout: 60_000, interval: 200 },
    );

    expect(store.starts).toBe(3);

    const stored = await backend.sales({ limit: 100_000 });
    const closed = lanes.flatMap((lane) => lane.journal.outbox({ limit: 100_000 }).map((row) => ({ laneId: lane.laneId, row })));
    expect(closed.length).toBe(rounds * lanes.length);
    // None lost, none duplicated: the same ids, each once.
    expect(stored.map((sale) => sale.saleId).sort()).toEqual(closed.map(({ row }) => row.saleId).sort());
    // None altered: what the server holds is what the lane closed.
    const byId = new Map(stored.map((sale) => [sale.saleId, sale]));
    for (const { laneId, row } of closed) {
      const sale = byId.get(row.saleId)!;
      expect(sale.laneId).toBe(laneId);
      expect(JSON.parse(sale.payload)).toEqual(JSON.parse(JSON.stringify(row.sale)));
      expect(sale.totalMinor).toBe(row.totalMinor);
    }
    // No gaps in any lane's numbering.
    for (const sequence of await backend.laneSequences()) expect(sequence.missing).toEqual([]);
    // Every lane prices milk as the store does now, and has dropped the item deleted at the store.
    for (const lane of lanes) {
      expect(lane.catalog.lookup(showcase.milk)?.priceMinor).toBe(milkPrice);
      expect(lane.catalog.lookup(showcase.coffee)).toBeUndefined();
    }
    // …which only a full sync from the catalogue image could bring.
    log.flush();
    const imagesApplied = readFileSync(join(dir.path, 'proof.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"catalogue snapshot applied"') && line.includes('"via":"image"'));
    expect(imagesApplied.length).toBeGreaterThanOrEqual(lanes.length);
    log.info({ plan, proxy: proxy.stats, storeStarts: store.starts, sales: stored.length }, 'store sync proof passed');
  });
});
