import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDemoAssistants } from '../../../main/assistants/demoAssistants';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { showcase } from '../../../main/catalog/demoCatalog';
import { SupervisorLink } from '../../../main/lane/supervisorLink';
import { startSupervisorHub, type RunningSupervisorHub } from '../../../main/supervisor/hubServer';
import { createRecordingLogger, type RecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';
import { anna, ivan, LaneHarness, signIn, type TestLane } from '../lane/laneHarness';
import { connectStation, type StationClient } from './hubClients';

/**
 * The real lane (runtime, journal, link) and the real hub together: what the lane sends passes the
 * hub's schemas, an age check at the lane reaches the station's queue, and the station's approval
 * reaches the statechart.
 */
describe('hub and lane together', () => {
  const harness = new LaneHarness();
  let dir: ReturnType<typeof makeTempDir>;
  let hub: RunningSupervisorHub;
  let hubLog: RecordingLogger;
  let lane: TestLane;
  let link: SupervisorLink;
  let station: StationClient;

  beforeAll(async () => {
    await harness.setUpCatalog();
    harness.setUpLaneDir();
    dir = makeTempDir();
    const staticDir = join(dir.path, 'www');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>station</title>\n');
    hubLog = createRecordingLogger();
    // The store's staff, as in the lanes' catalogue.
    const catalogFile = join(dir.path, 'catalog.sqlite');
    const catalog = CatalogStore.open(catalogFile);
    await ensureDemoAssistants(catalog.db);
    catalog.close();
    lane = await harness.startLane();
    hub = await startSupervisorHub({ dataDir: join(dir.path, 'hub'), catalogFile, staticDir, port: 0, log: hubLog });
    const added = hub.registry.addLane('L01');
    if (!added.ok) throw new Error(added.error);
    link = new SupervisorLink({ runtime: lane.runtime, commands: lane.journal, url: hub.laneUrl, laneSecret: added.value, log: lane.log, timing: { firstRetryMs: 20, maxRetryMs: 100 } });
    link.start();
    station = await connectStation(`ws://127.0.0.1:${hub.port}/station/bridge`, { origin: `http://127.0.0.1:${hub.port}` });
  });

  afterEach(() => {
    expect(hubLog.find('warn', 'lane message refused')).toEqual([]);
    expect(hubLog.find('error', 'lane message failed')).toEqual([]);
  });

  afterAll(async () => {
    station.close();
    await link.stop();
    await hub.close();
    await harness.tearDownLanes();
    harness.removeCatalog();
    dir.remove();
  });

  it('shows the lane online with its status, and queues its age check', async () => {
    await vi.waitFor(() => expect(hub.hub.tile('L01')).toMatchObject({ online: true, status: { laneId: 'L01', state: 'idle' } }));
    lane.devices.scanner.emitScan(showcase.vodka);
    await vi.waitFor(() => expect(hub.hub.queue()).toMatchObject([{ id: 'L01:ageCheck', laneId: 'L01', kind: 'ageCheck', itemName: { en: 'Vodka 0.5 L' } }]));
    const tile = hub.hub.tile('L01');
    expect(tile.status?.sale).toMatchObject({ itemCount: 1, totalMinor: 999, ageRequired: 18 });
    expect(hub.hub.queue()[0]?.saleId).toBe(tile.status?.sale?.id);
  });

  it('approves the age check from the station; the lane takes it and the queue empties', async () => {
    expect((await station.service.signIn({ assistantId: ivan.id, pin: ivan.pin })).ok).toBe(true);
    const saleId = hub.hub.tile('L01').status?.sale?.id;
    expect(await station.service.sendCommand({ laneId: 'L01', action: { kind: 'approveAge' }, saleId, reason: 'ID checked' })).toEqual({ outcome: 'done' });
    await vi.waitFor(() => expect(hub.hub.queue()).toEqual([]));
    expect(lane.runtime.view.context.sale?.ageApproval).toMatchObject({ by: { id: ivan.id }, via: 'supervisor' });
    expect(hub.hub.audit.list({ laneId: 'L01', limit: 1 })[0]).toMatchObject({ action: 'approveAge', assistantId: ivan.id, saleId, outcome: 'done', via: 'supervisor' });
    // An assistant may not cancel the sale from the station.
    expect((await station.service.signIn({ assistantId: anna.id, pin: anna.pin })).ok).toBe(true);
    expect(await station.service.sendCommand({ laneId: 'L01', action: { kind: 'voidSale' }, saleId })).toEqual({ outcome: 'forbidden' });
  });

  it('records what happens at the lane in the hub’s audit trail', async () => {
    await signIn(lane, anna.id, '0000');
    await vi.waitFor(() => expect(hub.hub.audit.list({ laneId: 'L01' }).some((entry) => entry.action === 'signInFailed' && entry.via === 'lane')).toBe(true));
    expect(hub.hub.audit.list({ laneId: 'L01' }).find((entry) => entry.action === 'signInFailed')).toMatchObject({ assistantId: anna.id, outcome: 'rejected', reason: 'wrongPin' });
  });
});
