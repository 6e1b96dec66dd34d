import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Journal } from '../../../main/lane/journal';
import type { Sale } from '../../../shared/checkout/sale';
import { makeTempDir } from '../helpers/tempDir';

const sale: Sale = {
  id: 'L01-abcd-000001',
  number: 1,
  startedAt: 1,
  lines: [{ lineId: 1, gtin: '04750001000016', scannedCode: '4750001000016', name: { en: 'Milk' }, pricing: 'unit', quantity: 2, unitPriceMinor: 119, priceMinor: 238, vatClass: 'B', vatRateBp: 1200 }],
  nextLineId: 2,
  status: 'completed',
  closedAt: 5,
  payments: [],
  language: 'en',
};

describe('Journal', () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => (dir = makeTempDir()));
  afterEach(() => dir.remove());

  it('keeps its epoch across reopening and uses synchronous=FULL in WAL mode', () => {
    const path = join(dir.path, 'journal.sqlite');
    const first = Journal.open(path);
    expect(first.epoch).toMatch(/^[0-9a-f]{8}$/);
    expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    const epoch = first.epoch;
    first.close();
    const again = Journal.open(path);
    expect(again.epoch).toBe(epoch);
    again.close();
  });

  it('learns item weights from a completed sale’s bagging observations, once, and never from a cancelled sale', () => {
    const journal = Journal.open(join(dir.path, 'journal.sqlite'));
    const observed: Sale = { ...sale, baggingObservations: [{ gtin: '04750001000016', grams: 1032 }, { gtin: '04750001000016', grams: 1041 }] };
    journal.commit({ at: 10, event: { type: 'xstate.done' }, saleId: sale.id, state: 'receipt.printing', closedSale: observed });
    expect(journal.weightProfile('04750001000016')).toMatchObject({ count: 2, recentGrams: [1032, 1041] });
    // The same closed sale committed again (a restore re-runs the step): learned once only.
    journal.commit({ at: 11, event: { type: 'lane.restored' }, saleId: sale.id, state: 'receipt.printing', closedSale: observed });
    expect(journal.weightProfile('04750001000016')?.count).toBe(2);
    const cancelled: Sale = { ...observed, id: 'L01-abcd-000002', number: 2, status: 'cancelled' };
    journal.commit({ at: 12, event: { type: 'ui.confirmCancel' }, saleId: cancelled.id, state: 'idle', closedSale: cancelled });
    expect(journal.weightProfile('04750001000016')?.count).toBe(2);
    expect(journal.weightProfile('04750001000023')).toBeUndefined();
    journal.close();
  });

  it('commits the event, the state and the closed sale together', () => {
    const journal = Journal.open(join(dir.path, 'journal.sqlite'));
    const seq = journal.commit({ at: 10, event: { type: 'ui.start' }, saleId: null, state: 'scanning.ready', snapshot: { value: 's1' } });
    expect(journal.loadState()).toEqual({ eventSeq: seq, state: 'scanning.ready', snapshot: { value: 's1' } });
    const seq2 = journal.commit({ at: 11, event: { type: 'xstate.done.actor.x' }, saleId: sale.id, state: 'receipt.printing', snapshot: { value: 's2' }, closedSale: sale });
    expect(seq2).toBe(seq + 1);
    expect(journal.outbox()).toEqual([{ saleId: sale.id, saleNumber: 1, status: 'completed', totalMinor: 238, closedAt: 5, sale, sentAt: null }]);
    // Committing the same closed sale again (e.g. replayed after a restore) keeps one outbox row.
    journal.commit({ at: 12, event: { type: 'lane.restored' }, saleId: sale.id, state: 'receipt.done', snapshot: { value: 's3' }, closedSale: sale });
    expect(journal.outbox()).toHaveLength(1);
    expect(journal.lastUsedSaleNumber()).toBe(1);
    expect(journal.recentEvents().map((event) => event.type)).toEqual(['ui.start', 'xstate.done.actor.x', 'lane.restored']);
    journal.close();
  });

  it('rolls the whole commit back when any part fails', () => {
    const journal = Journal.open(join(dir.path, 'journal.sqlite'));
    journal.commit({ at: 10, event: { type: 'ui.start' }, saleId: null, state: 'scanning.ready', snapshot: { value: 's1' } });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => journal.commit({ at: 11, event: { type: 'bad' }, saleId: null, state: 'x', snapshot: circular })).toThrow();
    expect(journal.recentEvents().map((event) => event.type)).toEqual(['ui.start']);
    expect(journal.loadState()?.state).toBe('scanning.ready');
    journal.close();
  });

  it('quarantines a state it cannot restore instead of dropping it', () => {
    const journal = Journal.open(join(dir.path, 'journal.sqlite'));
    journal.commit({ at: 10, event: { type: 'ui.start' }, saleId: null, state: 'scanning.ready', snapshot: { value: 'gone' } });
    journal.quarantine({ value: 'gone' }, 'unknown state');
    expect(journal.loadState()).toBeUndefined();
    expect(journal.db.prepare('SELECT error, snapshot FROM quarantined_state').get()).toEqual({ error: 'unknown state', snapshot: '{"value":"gone"}' });
    journal.close();
  });

  it('never hands out a sale number an open, quarantined sale already had', () => {
    const journal = Journal.open(join(dir.path, 'journal.sqlite'));
    journal.commit({ at: 10, event: { type: 'x' }, saleId: sale.id, state: 'receipt.done', snapshot: {}, closedSale: sale });
    expect(journal.lastUsedSaleNumber()).toBe(1);
    journal.quarantine({ value: { scanning: 'ready' }, context: { lastSaleNumber: 7 } }, 'wrong shape');
    expect(journal.lastUsedSaleNumber()).toBe(7);
    journal.close();
  });

  it('records an event that changed nothing without touching the saved state', () => {
    const journal = Journal.open(join(dir.path, 'journal.sqlite'));
    journal.commit({ at: 10, event: { type: 'ui.start' }, saleId: null, state: 'scanning.ready', snapshot: { value: 's1' } });
    journal.commit({ at: 11, event: { type: 'ui.pay' }, saleId: null, state: 'scanning.ready' });
    expect(journal.recentEvents().map((event) => event.type)).toEqual(['ui.start', 'ui.pay']);
    expect(journal.loadState()).toMatchObject({ snapshot: { value: 's1' } });
    journal.close();
  });
});
