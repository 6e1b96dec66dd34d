import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { showcase } from '../../../main/catalog/demoCatalog';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { parseLaneConfig } from '../../../main/config/laneConfig';
import { startLane, type RunningLane } from '../../../main/lane/startLane';
import { newLaneSecret } from '../../../main/supervisor/commandAuth';
import { createFakeDevices, type FakeDevices } from '../helpers/fakeDevices';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';
import { FakeHub } from './fakeHub';

/** A lane started from its configuration links itself to the configured hub, and never waits for it. */
describe('a lane configured with a supervisor hub', () => {
  const laneSecret = newLaneSecret();
  let catalogDir: ReturnType<typeof makeTempDir>;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(() => {
    catalogDir = makeTempDir();
    ensureDemoCatalog(join(catalogDir.path, 'catalog.sqlite'), 50);
  });
  afterAll(() => catalogDir.remove());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(url: string): Promise<RunningLane & { devices: FakeDevices }> {
    const dir = makeTempDir();
    cleanups.push(() => dir.remove());
    const config = parseLaneConfig({
      laneId: 'L01',
      storeName: 'Linked Store',
      dataDir: dir.path,
      catalogFile: join(catalogDir.path, 'catalog.sqlite'),
      // Never opened: the test's fake devices stand in for them.
      devices: { scanner: { driver: 'serial', path: '/dev/test-scanner' }, printer: { driver: 'escpos-serial', path: '/dev/test-printer' }, paymentTerminal: { driver: 'tcp', port: 9 } },
      supervisor: { url, laneSecret },
    });
    const devices = createFakeDevices();
    const lane = await startLane(config, { staticDir: dir.path, devices, serve: false, log: createRecordingLogger(), supervisorTiming: { firstRetryMs: 20, maxRetryMs: 100 } });
    cleanups.push(() => lane.stop());
    return { ...lane, devices, stop: () => lane.stop() };
  }

  it('connects to the hub, and closes the link when the lane stops', async () => {
    const hub = await FakeHub.start({ laneId: 'L01', laneSecret });
    cleanups.push(() => hub.close());
    const lane = await start(hub.url);
    await vi.waitFor(() => expect(lane.supervisorLink?.state).toBe('online'));
    await vi.waitFor(() => expect(hub.latestStatus).toMatchObject({ laneId: 'L01', storeName: 'Linked Store' }));
    await lane.stop();
    expect(lane.supervisorLink?.state).toBe('stopped');
  });

  it('starts and sells with its hub unreachable', async () => {
    const hub = await FakeHub.start({ laneId: 'L01', laneSecret });
    const url = hub.url;
    await hub.close();
    const lane = await start(url);
    expect(lane.runtime.view.state).toBe('idle');
    expect(lane.supervisorLink?.state).toBe('connecting');
    lane.devices.scanner.emitScan(showcase.milk);
    expect(lane.runtime.view.context.sale?.lines).toHaveLength(1);
  });
});
