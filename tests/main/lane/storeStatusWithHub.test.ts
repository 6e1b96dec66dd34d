import { afterEach, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { showcase } from '../../../main/catalog/demoCatalog';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { parseLaneConfig } from '../../../main/config/laneConfig';
import { startLane } from '../../../main/lane/startLane';
import { newLaneSecret } from '../../../main/supervisor/commandAuth';
import { laneReportSchema } from '../../../main/supervisor/laneMessageSchema';
import { createFakeDevices } from '../helpers/fakeDevices';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';
import { FakeHub } from './fakeHub';
import { FakeStore } from './fakeStore';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('the hub sees the store backlog and the early alert', async () => {
  const laneSecret = newLaneSecret();
  const laneToken = randomBytes(32).toString('base64url');
  const hub = await FakeHub.start({ laneId: 'L01', laneSecret });
  cleanups.push(() => hub.close());
  const placeholder = await FakeStore.start({ laneId: 'L01', token: laneToken });
  await placeholder.close();
  const dir = makeTempDir();
  cleanups.push(() => dir.remove());
  ensureDemoCatalog(join(dir.path, 'catalog.sqlite'), 50);
  const config = parseLaneConfig({
    laneId: 'L01', storeName: 'S', dataDir: dir.path, catalogFile: join(dir.path, 'catalog.sqlite'),
    devices: { scanner: { driver: 'serial', path: '/dev/x' }, printer: { driver: 'escpos-serial', path: '/dev/y' }, paymentTerminal: { driver: 'tcp', port: 9 } },
    supervisor: { url: hub.url, laneSecret },
    store: { url: placeholder.url, laneToken, outbox: { alertAfterSales: 1 } },
  });
  const devices = createFakeDevices();
  const lane = await startLane(config, { staticDir: dir.path, devices, serve: false, log: createRecordingLogger(), supervisorTiming: { firstRetryMs: 20, maxRetryMs: 100 }, storeTiming: { uploader: { firstRetryMs: 20, maxRetryMs: 100 }, statusRefreshMs: 50 } });
  cleanups.push(() => lane.stop());
  await vi.waitFor(() => expect(hub.latestStatus?.store).toMatchObject({ linkUp: false, backlog: 0 }));
  devices.scanner.emitScan(showcase.milk);
  await lane.runtime.service.sendEvent({ event: { type: 'ui.cancelSale' } });
  await lane.runtime.service.sendEvent({ event: { type: 'ui.confirmCancel' } });
  await vi.waitFor(() => expect(hub.latestStatus?.store).toMatchObject({ backlog: 1, alert: true }));
  expect(hub.latestStatus?.interventions).toContainEqual({ kind: 'storeBacklog', detail: '1' });
  const parsed = laneReportSchema.parse({ type: 'status', status: hub.latestStatus });
  expect(parsed.type === 'status' && parsed.status.store).toMatchObject({ backlog: 1, alert: true });
});
