import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { showcase } from '../../main/catalog/demoCatalog';
import { silentLogger } from '../../shared/log';
import { seededRandom } from '../../shared/random';
import { runDevicesProof, type FaultOutcome } from './devices';
import { startDevicesRig, startProofStore } from './devicesRig';
import { Shopper } from './devicesShopper';

/**
 * The device proof, CI-sized: one lane on the Mettler Toledo 8217 scale, and every device
 * (scanner, scale, receipt printer, card terminal) unplugged, flooded with garbage and hung
 * half-way through a frame once each, in a sale, with short outages. Every fault must reach the
 * supervisor station naming the device, every device must come back and work, and nothing may
 * be lost. How fast it comes back (the 2 s target) is measured by `npm run proof:devices`, not
 * asserted here. `LANEWISE_PROOF_SEED` repeats a run.
 */
const seed = Number(process.env.LANEWISE_PROOF_SEED ?? 20261209);

const label = (outcome: FaultOutcome) => `#${outcome.index} ${outcome.device} ${outcome.kind} during ${outcome.phase}`;

describe('the device proof on a real lane with its supervisor station', () => {
  it('surfaces and recovers from every device fault during sales, and loses nothing', { timeout: 120_000 }, async () => {
    const report = await runDevicesProof({
      faults: 12,
      seed,
      scales: ['mettler8217'],
      // Long enough for the scale's two missed replies (2 × 1 s) to count as a hung scale.
      durations: { unplug: [500, 1_500], garbage: [1_500, 2_000], stuck: [2_500, 3_000] },
    });
    const devicesAndKinds = new Set(report.outcomes.map((outcome) => `${outcome.device}/${outcome.kind}`));
    expect(devicesAndKinds.size).toBe(12);

    expect(report.outcomes.filter((outcome) => outcome.surfaced !== 'named').map((outcome) => `${label(outcome)}: ${outcome.surfaced} (${outcome.shownAs})`)).toEqual([]);
    expect(report.outcomes.filter((outcome) => outcome.recoverMs === null).map(label)).toEqual([]);
    expect(report.outcomes.filter((outcome) => outcome.problems.length > 0).map((outcome) => `${label(outcome)}: ${outcome.problems.join('; ')}`)).toEqual([]);
    // Everything else that failed: lost or invented items, receipts, cards, the journal, crashes, errors logged.
    const timing = /: recovered in \d+ ms \(target|: never surfaced|: surfaced without naming|: did not recover/;
    expect(report.failures.filter((failure) => !timing.test(failure))).toEqual([]);
    expect(report.salesClosed).toBeGreaterThanOrEqual(4);
  });
});

describe('the device proof’s books', () => {
  it('catch an item the shopper never scanned and a scan the lane never showed', { timeout: 60_000 }, async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'lanewise-proof-books-'));
    const store = await startProofStore(workDir, ['B01'], silentLogger);
    const rig = await startDevicesRig({
      scale: 'mettler8217',
      laneId: 'B01',
      workDir: join(workDir, 'lane'),
      catalogFile: store.catalogFile,
      laneUrl: store.laneUrl,
      laneSecret: store.secrets.get('B01')!,
      log: silentLogger,
    });
    const shopper = new Shopper(rig, store.items, seededRandom(seed));
    try {
      expect(await rig.waitForView((view) => view.state === 'idle' && view.context.devices.printer?.kind === 'ready', 15_000)).toBeDefined();
      expect(await shopper.ensureOpenSale(Date.now() + 10_000)).toBe(true);
      const first = rig.view.context.sale!.lines[0]!.gtin;
      // Behind the shopper's back: an item scanned that is not in the books, as if garbage had become an item.
      const intruder = [showcase.milk, showcase.bread].find((code) => `0${code}` !== first)!;
      shopper.reserve(`0${intruder}`);
      await rig.scan(intruder);
      expect(await rig.waitForView((view) => view.context.sale?.lines.some((line) => line.gtin === `0${intruder}`) ?? false, 5_000)).toBeDefined();
      // Half a frame left on the line with no fault declared: the shopper's next scan is glued to it and lost.
      await rig.devices.get('scanner')!.sendRaw(Uint8Array.from('4750', (char) => char.charCodeAt(0)));
      await shopper.scanFresh();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await shopper.completeSale(Date.now() + 15_000)).toBe(true);
      expect(shopper.problems).toEqual([expect.stringMatching(/the shopper never scanned it/), expect.stringMatching(/scanned while the scanner was sound and never showed/)]);
      expect(shopper.salesWithoutReceipt).toEqual([]);
    } finally {
      shopper.dispose();
      await rig.stop();
      await store.close();
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
