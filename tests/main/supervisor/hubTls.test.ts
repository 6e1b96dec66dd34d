import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { startSupervisorHub, type RunningSupervisorHub } from '../../../main/supervisor/hubServer';
import { silentLogger } from '../../../shared/log';
import { makeTempDir } from '../helpers/tempDir';
import { FakeLane, connectStation } from './hubClients';

const fixtures = fileURLToPath(new URL('../../fixtures/tls/', import.meta.url));
const certFile = join(fixtures, 'hub-test.cert.pem');
const keyFile = join(fixtures, 'hub-test.key.pem');
const ca = readFileSync(certFile);

describe('supervisor hub over TLS', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let hub: RunningSupervisorHub;
  let secret: string;

  beforeAll(async () => {
    dir = makeTempDir();
    const catalogFile = join(dir.path, 'catalog.sqlite');
    CatalogStore.open(catalogFile).close();
    const staticDir = join(dir.path, 'www');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>station</title>\n');
    hub = await startSupervisorHub({ dataDir: join(dir.path, 'hub'), catalogFile, staticDir, port: 0, tls: { certFile, keyFile }, log: silentLogger });
    const added = hub.registry.addLane('L01');
    if (!added.ok) throw new Error(added.error);
    secret = added.value;
  });
  afterAll(async () => {
    await hub.close();
    dir.remove();
  });

  it('serves the station page over HTTPS and announces wss:// to lanes', async () => {
    expect(hub.url).toBe(`https://127.0.0.1:${hub.port}/station/`);
    expect(hub.laneUrl).toBe(`wss://127.0.0.1:${hub.port}/lane`);
    const status = await new Promise<number>((resolve, reject) => get(hub.url, { ca }, (response) => (response.resume(), resolve(response.statusCode ?? 0))).on('error', reject));
    expect(status).toBe(200);
  });

  it('lets a lane that trusts the store’s CA connect over wss, and a station with its page’s https origin', async () => {
    const { lane, answer } = await FakeLane.connect(hub.laneUrl, 'L01', secret, { ca });
    try {
      expect(answer).toMatchObject({ type: 'welcome', laneId: 'L01' });
      const station = await connectStation(`wss://127.0.0.1:${hub.port}/station/bridge`, { ca, origin: `https://127.0.0.1:${hub.port}` });
      try {
        expect((await station.service.getOverview({})).lanes).toMatchObject([{ laneId: 'L01', online: true }]);
      } finally {
        station.close();
      }
    } finally {
      lane.close();
    }
  });

  it('is refused by a lane that does not trust the certificate', async () => {
    await expect(FakeLane.connect(hub.laneUrl, 'L01', secret)).rejects.toThrow(/self-signed|certificate/i);
  });
});
