import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Journal, type JournalEntry } from '../../../main/lane/journal';
import type { Sale } from '../../../shared/checkout/sale';
import { makeTempDir } from '../helpers/tempDir';

/** A basket line for the journal's closed sales (only counts and prices matter here). */
const milkLine: Sale['lines'][number] = {
  lineId: 1,
  gtin: '04750001000016',
  scannedCode: '4750001000016',
  name: { en: 'Milk' },
  pricing: 'unit',
  quantity: 2,
  unitPriceMinor: 119,
  priceMinor: 238,
  vatClass: 'B',
  vatRateBp: 1200,
};

function saleNumber(number: number, status: Sale['status'], closedAt: number): Sale {
  return { id: `L01-abcd-${String(number).padStart(6, '0')}`, number, startedAt: closedAt - 100, lines: [milkLine], nextLineId: 2, status, closedAt, payments: [], language: 'en' };
}

describe('the journal for the supervisor link', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let path: string;
  const open: Journal[] = [];
  beforeEach(() => {
    dir = makeTempDir();
    path = join(dir.path, 'journal.sqlite');
  });
  afterEach(() => {
    for (const journal of open.splice(0)) if (journal.db.open) journal.close();
    dir.remove();
  });
  function openJournal(): Journal {
    const journal = Journal.open(path);
    open.push(journal);
    return journal;
  }

  it('remembers a command id once, across reopening, until long after it expired', () => {
    const journal = openJournal();
    const now = 1_000_000_000;
    expect(journal.rememberCommand('a'.repeat(32), now + 30_000, now)).toBe(true);
    expect(journal.rememberCommand('a'.repeat(32), now + 30_000, now)).toBe(false);
    journal.recordCommandOutcome('a'.repeat(32), { byId: '1002', action: 'approveAge', outcome: 'done' });
    expect(journal.supervisorCommand('a'.repeat(32))).toMatchObject({ expiresAt: now + 30_000, byId: '1002', action: 'approveAge', outcome: 'done', reason: null });
    journal.close();

    const reopened = openJournal();
    expect(reopened.rememberCommand('a'.repeat(32), now + 30_000, now + 1000)).toBe(false);
    // Pruned now and then: a day later, with enough new ids, the old one is gone.
    const dayLater = now + 86_400_000;
    for (let index = 0; index < 60; index++) reopened.rememberCommand(index.toString(16).padStart(32, '0'), dayLater + 30_000, dayLater);
    expect(reopened.supervisorCommand('a'.repeat(32))).toBeUndefined();
    expect(reopened.supervisorCommand('0'.repeat(32))).toBeDefined();
  });

  it('keeps security events in order, by kind and detail', () => {
    const journal = openJournal();
    const first = journal.recordSecurityEvent({ kind: 'signInFailed', assistantId: '1001', problem: 'wrongPin' }, 10);
    const second = journal.recordSecurityEvent({ kind: 'commandRejected', rejection: 'badMac', by: null }, 20);
    journal.recordSecurityEvent({ kind: 'laneRefusedByHub', reason: 'unknownLane' }, 30);
    expect(journal.securityEvents()).toEqual([
      { seq: first, at: 10, event: { kind: 'signInFailed', assistantId: '1001', problem: 'wrongPin' } },
      { seq: second, at: 20, event: { kind: 'commandRejected', rejection: 'badMac', by: null } },
      { seq: second + 1, at: 30, event: { kind: 'laneRefusedByHub', reason: 'unknownLane' } },
    ]);
    expect(journal.securityEvents({ afterSeq: first, limit: 1 }).map((row) => row.seq)).toEqual([second]);
    expect(journal.recentSecurityEvents(2).map((row) => row.seq)).toEqual([second, second + 1]);
  });

  it('lists recent closed sales, oldest first, and tells an abandoned sale from one the shopper cancelled', () => {
    const journal = openJournal();
    let at = 1000;
    const step = (entry: Omit<JournalEntry, 'at' | 'event'> & { event?: JournalEntry['event'] }) => journal.commit({ at: at++, event: entry.event ?? { type: 'test' }, ...entry });
    const walk = (sale: Sale, states: readonly string[], closing: string, closedAs: Sale['status']) => {
      for (const state of states) step({ saleId: sale.id, state });
      step({ saleId: sale.id, state: closing, closedSale: { ...sale, status: closedAs } });
      // The lane goes on with the closed sale's id until the next one opens.
      step({ saleId: sale.id, state: 'scanning.ready' });
    };
    walk(saleNumber(1, 'completed', 2000), ['scanning.ready', 'payment.authorizing'], 'receipt.printing', 'completed');
    // Walked away, parked; an assistant voided it.
    walk(saleNumber(2, 'cancelled', 3000), ['scanning.ready', 'scanning.stillThere', 'parked'], 'idle', 'cancelled');
    // Parked, the shopper came back, scanned more, then cancelled.
    walk(saleNumber(3, 'cancelled', 4000), ['scanning.ready', 'parked', 'scanning.ready', 'scanning.confirmingCancel'], 'idle', 'cancelled');
    // Parked, and cancelled from the parked screen's "cancel the sale?".
    walk(saleNumber(4, 'cancelled', 5000), ['scanning.ready', 'parked', 'scanning.confirmingCancel'], 'closed', 'cancelled');
    walk(saleNumber(5, 'suspended', 6000), ['scanning.ready'], 'receipt.printing', 'suspended');

    expect(journal.recentClosedSales(10).map((row) => [row.sale.number, row.sale.status, row.abandoned])).toEqual([
      [1, 'completed', false],
      [2, 'cancelled', true],
      [3, 'cancelled', false],
      [4, 'cancelled', true],
      [5, 'suspended', false],
    ]);
    expect(journal.recentClosedSales(2).map((row) => row.sale.number)).toEqual([4, 5]);
    expect(journal.closedSale(saleNumber(2, 'cancelled', 0).id)).toMatchObject({ closedAt: 3000, abandoned: true });
    expect(journal.closedSale('L01-abcd-999999')).toBeUndefined();
  });

  it('lists recent assistant actions by where they were given, and when the current state began', () => {
    const journal = openJournal();
    const by = { id: '1001', name: 'Anna', role: 'assistant' } as const;
    journal.commit({ at: 1, event: { type: 'a' }, saleId: null, state: 'idle', assistantAction: { at: 1, by, via: 'lane', action: 'signIn' } });
    journal.commit({ at: 2, event: { type: 'b' }, saleId: null, state: 'closed', assistantAction: { at: 2, by, via: 'supervisor', action: 'closeLane' } });
    journal.commit({ at: 3, event: { type: 'c' }, saleId: null, state: 'closed', assistantAction: { at: 3, by, via: 'lane', action: 'signOut' } });
    expect(journal.recentAssistantActions({ limit: 5, via: 'lane' }).map((row) => row.action)).toEqual(['signIn', 'signOut']);
    expect(journal.recentAssistantActions({ limit: 2 }).map((row) => row.action)).toEqual(['closeLane', 'signOut']);
    expect(journal.stateEnteredAt('closed')).toBe(2);
  });
});
