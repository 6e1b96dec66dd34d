import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { showcase } from '../../../main/catalog/demoCatalog';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { parseLaneConfig } from '../../../main/config/laneConfig';
import { startLane, type RunningLane } from '../../../main/lane/startLane';
import { createFakeDevices, type FakeDevices } from '../helpers/fakeDevices';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';
import { FakeStore } from './fakeStore';

/** A lane configured with a store server links itself to it in the background, and sells whether or not it is there. */
describe('a lane configured with a store server', () => {
  const laneToken = randomBytes(32).toString('base64url');
  const cleanups: (() => Promise<void> | void)[] = [];
  let shared: ReturnType<typeof makeTempDir>;

  beforeAll(() => (shared = makeTempDir()));
  afterAll(() => shared.remove());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(url: string): Promise<RunningLane & { devices: FakeDevices }> {
    const dir = makeTempDir();
    cleanups.push(() => dir.remove());
    // Each lane its own catalogue: the store link's sync writes to it.
    const catalogFile = join(dir.path, 'catalog.sqlite');
    ensureDemoCatalog(catalogFile, 50);
    const config = parseLaneConfig({
      laneId: 'L01',
      storeName: 'Linked Store',
      dataDir: dir.path,
      catalogFile,
      devices: { scanner: { driver: 'serial', path: '/dev/test-scanner' }, printer: { driver: 'escpos-serial', path: '/dev/test-printer' }, paymentTerminal: { driver: 'tcp', port: 9 } },
      store: { url, laneToken, catalogPollSeconds: 3600 },
    });
    const devices = createFakeDevices();
    const lane = await startLane(config, {
      staticDir: dir.path,
      devices,
      serve: false,
      log: createRecordingLogger(),
      storeTiming: { uploader: { firstRetryMs: 20, maxRetryMs: 100 }, client: { connectMs: 500, responseMs: 1000, idleMs: 1000 }, statusRefreshMs: 50 },
    });
    cleanups.push(() => lane.stop());
    return { ...lane, devices };
  }

  async function cancelSale(lane: RunningLane & { devices: FakeDevices }): Promise<void> {
    lane.devices.scanner.emitScan(showcase.milk);
    expect(lane.runtime.view.context.sale?.lines).toHaveLength(1);
    await lane.runtime.service.sendEvent({ event: { type: 'ui.cancelSale' } });
    await lane.runtime.service.sendEvent({ event: { type: 'ui.confirmCancel' } });
    expect(lane.runtime.view.state).toBe('idle');
  }

  it('starts and sells with its store unreachable, keeps the sale, and reports the backlog', async () => {
    const placeholder = await FakeStore.start({ laneId: 'L01', token: laneToken });
    const url = placeholder.url;
    await placeholder.close();
    const lane = await start(url);
    expect(lane.runtime.view.state).toBe('idle');
    expect(lane.storeLink).toBeDefined();
    await cancelSale(lane);
    await vi.waitFor(() => expect(lane.storeLink?.status()).toMatchObject({ linkUp: false, backlog: 1, alert: false }));
    expect(lane.storeLink?.status().oldestUnsentAt).toEqual(expect.any(Number));
    // And on: the next sale starts as usual.
    lane.devices.scanner.emitScan(showcase.milk);
    expect(lane.runtime.view.context.sale?.number).toBe(2);
  });

  it('sends a closed sale to the store as soon as it closes', async () => {
    const store = await FakeStore.start({ laneId: 'L01', token: laneToken });
    cleanups.push(() => store.close());
    const lane = await start(store.url);
    const changes: number[] = [];
    lane.storeLink?.onStatusChange((status) => changes.push(status.backlog));
    await vi.waitFor(() => expect(lane.storeLink?.status().linkUp).toBe(true));
    await cancelSale(lane);
    await vi.waitFor(() => expect(store.sales.size).toBe(1));
    const [sale] = [...store.sales.values()];
    expect(sale).toMatchObject({ number: 1, status: 'cancelled', currency: 'EUR' });
    await vi.waitFor(() => expect(lane.storeLink?.status()).toMatchObject({ linkUp: true, backlog: 0 }));
    expect(changes).toContain(0);
    await lane.stop();
    expect(store.requests.every((request) => request.authorization === `Bearer ${laneToken}` && request.lane === 'L01')).toBe(true);
  });
});
