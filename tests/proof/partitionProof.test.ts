import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStoreBackend, storeDatabaseFile } from '../../main/store/openStoreBackend';
import { runPartitionProof } from './partition';
import { checkPartitionRun } from './partitionCheck';

/**
 * The partition proof, CI-sized: three lane processes sell 45 sales in all while lanes are
 * SIGKILLed (at least twice) and started again, the store server is SIGKILLed (at least once),
 * the network is partitioned (at least once) and prices change at the store. Nothing may be
 * lost, doubled, altered or missing from any lane's numbering, and every lane must end on the
 * store's newest prices. `npm run proof:partition` is the same with 10,000 sales.
 */
const seed = Number(process.env.LANEWISE_PROOF_SEED ?? 20261208);

describe.each(['sqlite', 'postgres'] as const)('the partition proof with real lane processes on %s', (backend) => {
  it('loses, doubles and alters no sale through lane and store SIGKILLs and partitions', { timeout: 150_000 }, async () => {
    const report = await runPartitionProof({
      lanes: 3,
      sales: 45,
      seed,
      backends: [backend],
      // Slow shoppers and frequent faults, so the faults land while sales are under way.
      pauseMs: 120,
      faultEveryMs: 700,
      minimum: { laneKills: 2, storeKills: 1, partitions: 1 },
      sellTimeoutMs: 75_000,
      settleTimeoutMs: 30_000,
    });
    const run = report.backends[backend]!;
    expect(run.failures).toEqual([]);
    expect(run).toMatchObject({ passed: true, sales: 45, storeSales: 45, lost: 0, duplicated: 0, altered: 0, gaps: 0, doubleCharged: 0, laneCrashes: [] });
    expect(run.laneKills).toBeGreaterThanOrEqual(2);
    expect(run.storeKills).toBeGreaterThanOrEqual(1);
    expect(run.partitions).toBeGreaterThanOrEqual(1);
    expect(run.laneStarts).toBeGreaterThanOrEqual(3 + 2);
    expect(run.storeStarts).toBeGreaterThanOrEqual(2);
    for (const lane of run.perLane) expect(lane).toMatchObject({ closed: 15, atStore: 15, catalogVersion: run.catalogVersion, priceMismatches: 0, journalIntegrity: 'ok', catalogIntegrity: 'ok' });
  });
});

describe('the partition proof’s checker', () => {
  it('sees a sale lost, one altered and one the store has that no journal holds', { timeout: 60_000 }, async () => {
    const report = await runPartitionProof({ lanes: 1, sales: 4, seed, backends: ['sqlite'], pauseMs: 0, faultEveryMs: 200, minimum: { laneKills: 0, storeKills: 0, partitions: 0 }, keepFiles: true });
    const run = report.backends.sqlite!;
    const workDir = run.workDir!;
    try {
      expect(run.failures).toEqual([]);
      // What a broken link could do at the store: drop sale 1, change sale 2, and take sale 3 twice under another id.
      const store = new Database(storeDatabaseFile(join(workDir, 'store')));
      store.prepare('DELETE FROM sales WHERE number = 1').run();
      store.prepare("UPDATE sales SET payload = replace(payload, '\"priceMinor\":', '\"priceMinor\": ') WHERE number = 2").run();
      store
        .prepare(
          `INSERT INTO sales (sale_id, lane_id, epoch, number, status, closed_at, total_minor, currency, digest, payload, received_at)
           SELECT sale_id || '-again', lane_id, epoch, number, status, closed_at, total_minor, currency, digest, payload, received_at FROM sales WHERE number = 3`,
        )
        .run();
      store.close();
      const backend = await openStoreBackend(join(workDir, 'store'));
      try {
        const lane = run.perLane[0]!;
        const check = await checkPartitionRun(
          [{ laneId: lane.laneId, journalPath: join(workDir, `journal-${lane.laneId}.sqlite`), catalogPath: join(workDir, `${lane.laneId}-catalog.sqlite`), share: 4 }],
          backend,
        );
        // The stranger counts twice: a second id for sale 3's number, and an id no journal holds.
        expect(check).toMatchObject({ lost: 1, altered: 1, duplicated: 2, gaps: 1 });
        expect(check.failures.length).toBeGreaterThan(0);
      } finally {
        await backend.close();
      }
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
