import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { showcase } from '../../main/catalog/demoCatalog';
import { ensureDemoCatalog } from '../../main/catalog/ensureDemoCatalog';
import { silentLogger } from '../../shared/log';
import { runCrashProof } from './crash';
import { fingerprintDiff, fingerprintOfView, outboxGrowthDiff, readCommitted, shownDiff, type ViewFingerprint } from './crashCheck';
import { openCrashLane } from './crashLaneKit';

/**
 * The kill -9 proof, CI-sized: a lane process selling a mix of sales on one journal is
 * SIGKILLed 30 times at random points (while loading, while restoring, mid-sale); after every
 * kill the journal must pass `integrity_check`, and the restarted lane must restore exactly
 * what was committed, with nothing the killed lane had shown lost. `npm run proof:crash` is
 * the same with 1,000 kills.
 */
const seed = Number(process.env.LANEWISE_PROOF_SEED ?? 20261208);

describe('the kill -9 proof', () => {
  it('resumes exactly what was committed after every SIGKILL', { timeout: 120_000 }, async () => {
    const report = await runCrashProof({ trials: 30, seed, runMs: 700 });
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ passed: true, trials: 30, exactResumes: 30, failedTrials: 0, laneStarts: 30 });
    // Both files after every kill (only the catalogue when the first lane was killed before it created its journal).
    expect(report.integrityChecks).toBeGreaterThanOrEqual(59);
    // Sales closed along the way, and kills landed mid-sale.
    expect(report.outboxRows).toBeGreaterThan(0);
    expect(report.killsMidSale).toBeGreaterThan(0);
    expect(Object.values(report.killPoints).reduce((sum, count) => sum + count, 0)).toBe(30);
  });
});

describe('the kill -9 proof’s checker', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A lane that sold one sale and has a second one under way (milk ×2, bread), stopped as it stood. */
  async function laneWithABasket(): Promise<{ journalPath: string; catalogPath: string; shown: ViewFingerprint }> {
    const dir = mkdtempSync(join(tmpdir(), 'lanewise-crash-check-'));
    dirs.push(dir);
    const files = { journalPath: join(dir, 'journal.sqlite'), catalogPath: join(dir, 'catalog.sqlite') };
    ensureDemoCatalog(files.catalogPath, 20);
    const lane = openCrashLane(files, silentLogger);
    const count = lane.journal.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox');
    let shown: ViewFingerprint | undefined;
    lane.runtime.onView((view) => (shown = fingerprintOfView(view, count.get()!.n)));
    try {
      await lane.runtime.start();
      lane.devices.scanner.emitScan(showcase.coffee);
      await lane.runtime.service.sendEvent({ event: { type: 'ui.pay' } });
      await lane.runtime.service.sendEvent({ event: { type: 'ui.payByCard' } });
      lane.devices.paymentTerminal.approve();
      await vi.waitFor(() => expect(lane.runtime.view.state).toBe('receipt.done'));
      await lane.runtime.service.sendEvent({ event: { type: 'ui.finish' } });
      for (const code of [showcase.milk, showcase.bread, showcase.milk]) lane.devices.scanner.emitScan(code);
    } finally {
      await lane.close();
    }
    return { ...files, shown: shown! };
  }

  function tamper(journalPath: string, sql: string): void {
    const db = new Database(journalPath);
    try {
      db.prepare(sql).run();
    } finally {
      db.close();
    }
  }

  it('agrees with an honest journal and the view the lane showed', async () => {
    const { journalPath, catalogPath, shown } = await laneWithABasket();
    const committed = readCommitted(journalPath, catalogPath);
    expect(committed.problems).toEqual([]);
    expect(committed).toMatchObject({ journalIntegrity: 'ok', catalogIntegrity: 'ok', state: 'scanning.ready', eventSeq: shown.version });
    expect(committed.outbox).toHaveLength(1);
    expect(committed.fingerprint).toEqual(shown);
    expect(committed.fingerprint!.lines).toHaveLength(2);
    expect(shownDiff(committed, shown)).toEqual([]);
  });

  it('sees a restored view that lost a line', async () => {
    const { journalPath, catalogPath } = await laneWithABasket();
    const committed = readCommitted(journalPath, catalogPath);
    const restored = { ...committed.fingerprint!, lines: committed.fingerprint!.lines.slice(1) };
    const diffs = fingerprintDiff(committed.fingerprint!, restored, ['committed', 'restored']);
    expect(diffs).toHaveLength(1);
    expect(diffs[0]).toMatch(/^lines: committed .* missing \[1:/);
  });

  it('sees a journal that lost a line the lane had shown', async () => {
    const { journalPath, catalogPath, shown } = await laneWithABasket();
    tamper(journalPath, "UPDATE lane_state SET snapshot = json_remove(snapshot, '$.context.sale.lines[1]')");
    const diffs = shownDiff(readCommitted(journalPath, catalogPath), shown);
    expect(diffs.some((diff) => diff.startsWith('lines: shown'))).toBe(true);
    expect(diffs.some((diff) => diff.startsWith('totalMinor: shown'))).toBe(true);
  });

  it('sees a view shown that never reached the journal', async () => {
    const { journalPath, catalogPath, shown } = await laneWithABasket();
    const later = { ...shown, version: shown.version + 3, lines: [...shown.lines, '3:04750001000030×1=249'] };
    expect(shownDiff(readCommitted(journalPath, catalogPath), later)).toEqual([expect.stringMatching(/^the lane showed event \d+ \(scanning.ready\), the journal's state is at the older event/)]);
  });

  it('sees a closed sale gone from the outbox, and a lane state without its event', async () => {
    const { journalPath, catalogPath } = await laneWithABasket();
    const before = readCommitted(journalPath, catalogPath);
    tamper(journalPath, 'DELETE FROM outbox');
    tamper(journalPath, 'DELETE FROM events WHERE seq = (SELECT event_seq FROM lane_state)');
    const after = readCommitted(journalPath, catalogPath);
    expect(outboxGrowthDiff(before.outbox, after.outbox)).toEqual([`outbox: sale ${before.outbox[0]!.saleId} (1) was committed and is gone`]);
    expect(after.problems).toEqual([
      expect.stringMatching(/^lane_state is at event \d+, which the events table does not hold$/),
      expect.stringMatching(/past the newest event/),
      // The lane state still shows the last sale closed, which the outbox no longer holds.
      `the lane shows sale ${before.outbox[0]!.saleId} as completed, but the journal does not hold it as closed`,
    ]);
  });
});
