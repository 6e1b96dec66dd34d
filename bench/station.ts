import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDemoCatalog } from '../main/catalog/ensureDemoCatalog';
import { provisionLanes } from '../main/demo/demoStore';
import { hubProcess } from '../main/demo/keptProcess';
import { createLogger } from '../main/log/logger';
import { benchStationLatency } from './stationLatency';

const seconds = Number(process.env.LANEWISE_BENCH_STATION_SECONDS ?? 20);

/** The hub in its own process, as in a store; simulated lanes and the station client in this one. */
export async function benchStation() {
  const dataDir = mkdtempSync(join(tmpdir(), 'lanewise-bench-station-'));
  const log = createLogger({ file: join(dataDir, 'bench.jsonl') });
  const laneIds = Array.from({ length: 32 }, (_, index) => `B${String(index + 1).padStart(2, '0')}`);
  const secrets = provisionLanes(join(dataDir, 'hub'), laneIds);
  ensureDemoCatalog(join(dataDir, 'catalog.sqlite'));
  const hub = hubProcess(['--data-dir', join(dataDir, 'hub'), '--catalog', join(dataDir, 'catalog.sqlite'), '--port', '0'], log);
  try {
    const ready = await hub.start();
    const lanes = laneIds.map((laneId) => ({ laneId, secret: secrets.get(laneId)! }));
    const run = (count: number) => benchStationLatency({ laneUrl: ready.laneUrl, stationUrl: ready.url, lanes: lanes.slice(0, count), eventsPerSecond: 10, seconds });
    const four = await run(4);
    const thirtyTwo = await run(32);
    return {
      fourLanes: { ...four, target: 'p99 ≤ 100 ms' },
      thirtyTwoLanes: { ...thirtyTwo, target: 'p99 ≤ 150 ms' },
      seconds,
      note: 'hub in its own process; lanes are protocol-level simulators sending a 1–25 line basket status 10 times a second each; latency is status sent → tile received by a station client',
    };
  } finally {
    await hub.stop();
    log.flush();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
