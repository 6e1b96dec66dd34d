import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { catalogEntityKinds, type CatalogEntity } from '../../../shared/store/catalogEntities';
import type { UploadedSale, VersionedEntity } from '../../../shared/store/syncProtocol';
import { catalogChecksum } from '../../../main/store/checksum';
import type { CatalogSnapshot, StoreBackend } from '../../../main/store/storeBackend';

/**
 * What every store backend must do, whatever keeps the data (SQLite, PostgreSQL): each backend's
 * test file calls `describeStoreBackend` with a factory that opens a fresh, empty store.
 */

export interface OpenedBackend {
  readonly backend: StoreBackend;
  cleanup(): Promise<void>;
}

// ── Catalogue entities ─────────────────────────────────────────────────────

export const gtin = (n: number) => String(4_750_000_000_000 + n).padStart(14, '0');

export function vat(code: string, rateBp: number): CatalogEntity {
  return { kind: 'vatClass', key: code, value: { code, rateBp, label: `${rateBp / 100} %` } };
}

export function item(n: number, priceMinor: number, vatClass = 'A'): CatalogEntity {
  const code = gtin(n);
  return { kind: 'item', key: code, value: { gtin: code, name: { en: `Item ${n}` }, priceMinor, soldBy: 'unit', variableMeasure: false, vatClass } };
}

export function promotion(id: string, percentBp: number, items: readonly number[]): CatalogEntity {
  return { kind: 'promotion', key: id, value: { id, name: { en: `Promotion ${id}` }, gtins: items.map(gtin), rule: { kind: 'percentage', percentBp } } };
}

export function settings(currency: string): CatalogEntity {
  return { kind: 'settings', key: 'store', value: { currency, restrictedTemplate: null } };
}

export function deleted(kind: CatalogEntity['kind'], key: string): CatalogEntity {
  return { kind, key, value: null } as CatalogEntity;
}

const where = (entity: { version?: number; kind: string; key: string }) => (entity.version === undefined ? [entity.kind, entity.key] : [entity.version, entity.kind, entity.key]);

async function readAll(snapshot: CatalogSnapshot): Promise<VersionedEntity[]> {
  const entities: VersionedEntity[] = [];
  for await (const entity of snapshot.entities()) entities.push(entity);
  return entities;
}

// ── Sales ──────────────────────────────────────────────────────────────────

export function sale(laneId: string, epoch: string, number: number, payload = `{"lane":"${laneId}","number":${number}}`): UploadedSale {
  return {
    saleId: `${laneId}-${epoch}-${number}`,
    epoch,
    number,
    status: 'completed',
    closedAt: 1_736_935_200_000 + number * 60_000,
    totalMinor: 100 * number,
    currency: 'EUR',
    digest: createHash('sha256').update(payload).digest('hex'),
    payload,
  };
}

export function describeStoreBackend(name: string, open: () => Promise<OpenedBackend>): void {
  describe(`store backend: ${name}`, () => {
    let opened: OpenedBackend;
    let store: StoreBackend;

    beforeEach(async () => {
      opened = await open();
      store = opened.backend;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    describe('catalogue versions', () => {
      it('starts empty at version 0', async () => {
        expect(await store.catalogVersion()).toBe(0);
        expect(await store.changesSince(0)).toEqual({ kind: 'delta', since: 0, version: 0, changes: [], checksum: catalogChecksum([]) });
        const snapshot = await store.snapshot();
        expect({ version: snapshot.version, count: snapshot.count }).toEqual({ version: 0, count: 0 });
        expect(await readAll(snapshot)).toEqual([]);
      });

      it('bumps the version once per batch and skips values that did not change', async () => {
        expect(await store.applyCatalogChanges([vat('A', 2100), item(1, 199), item(2, 250)], { source: 'first.csv' })).toEqual({ version: 1, changed: 3 });
        // A re-import of the same file is no new version.
        expect(await store.applyCatalogChanges([vat('A', 2100), item(1, 199), item(2, 250)])).toEqual({ version: 1, changed: 0 });
        // The same value with its fields in another order is the same value.
        const reordered = { kind: 'vatClass', key: 'A', value: { label: '21 %', rateBp: 2100, code: 'A' } } as CatalogEntity;
        expect(await store.applyCatalogChanges([reordered])).toEqual({ version: 1, changed: 0 });
        expect(await store.applyCatalogChanges([item(1, 209), item(2, 250)])).toEqual({ version: 2, changed: 1 });
        expect(await store.applyCatalogChanges([])).toEqual({ version: 2, changed: 0 });
        expect(await store.catalogVersion()).toBe(2);
        const delta = await store.changesSince(1);
        expect(delta).toMatchObject({ kind: 'delta', since: 1, version: 2, changes: [{ version: 2, kind: 'item', key: gtin(1), value: { priceMinor: 209 } }] });
      });

      it('deletes as tombstones, and a full import of some kinds deletes what it no longer lists', async () => {
        await store.applyCatalogChanges([vat('A', 2100), vat('B', 900), item(1, 100), item(2, 200), item(3, 300)]);
        // Deleting what does not exist changes nothing.
        expect(await store.applyCatalogChanges([deleted('item', gtin(99))])).toEqual({ version: 1, changed: 0 });

        expect(await store.applyCatalogChanges([item(1, 100), item(4, 400)], { replaceKinds: ['item'] })).toEqual({ version: 2, changed: 3 });
        const delta = await store.changesSince(1);
        if (delta.kind !== 'delta') throw new Error('expected a delta');
        expect(delta.changes).toEqual([
          { version: 2, kind: 'item', key: gtin(2), value: null },
          { version: 2, kind: 'item', key: gtin(3), value: null },
          { version: 2, kind: 'item', key: gtin(4), value: expect.objectContaining({ priceMinor: 400 }) },
        ]);
        // VAT classes were not part of the full import, so they stay.
        expect((await readAll(await store.snapshot())).map(where)).toEqual([
          [1, 'vatClass', 'A'],
          [1, 'vatClass', 'B'],
          [1, 'item', gtin(1)],
          [2, 'item', gtin(4)],
        ]);

        expect(await store.applyCatalogChanges([deleted('vatClass', 'B')])).toEqual({ version: 3, changed: 1 });
        // Already deleted: no new version.
        expect(await store.applyCatalogChanges([deleted('vatClass', 'B')])).toEqual({ version: 3, changed: 0 });
        // A deleted entity may come back.
        expect(await store.applyCatalogChanges([item(2, 222)])).toEqual({ version: 4, changed: 1 });
        expect(await store.changesSince(3)).toMatchObject({ version: 4, changes: [{ version: 4, kind: 'item', key: gtin(2), value: { priceMinor: 222 } }] });
      });

      it('lists the live entities of one kind by key, without tombstones', async () => {
        await store.applyCatalogChanges([vat('B', 900), vat('A', 2100), item(1, 100)]);
        await store.applyCatalogChanges([deleted('vatClass', 'B')]);
        expect((await store.liveEntities('vatClass')).map(where)).toEqual([[1, 'vatClass', 'A']]);
        expect(await store.liveEntities('assistant')).toEqual([]);
      });

      it('refuses an entity whose key does not match its value, and changes nothing', async () => {
        await store.applyCatalogChanges([vat('A', 2100)]);
        const wrongKey = { ...item(5, 500), key: gtin(6) } as CatalogEntity;
        await expect(store.applyCatalogChanges([item(7, 700), wrongKey])).rejects.toThrow();
        expect(await store.catalogVersion()).toBe(1);
        expect(await store.changesSince(1)).toMatchObject({ kind: 'delta', changes: [] });
      });
    });

    describe('deltas', () => {
      it('hold each entity once with its newest value, in version, kind and key order, with their checksum', async () => {
        await store.applyCatalogChanges([item(2, 200), item(1, 100), vat('A', 2100)]);
        await store.applyCatalogChanges([promotion('P1', 1000, [1]), item(1, 110)]);
        await store.applyCatalogChanges([vat('A', 2200), settings('EUR')]);

        const delta = await store.changesSince(0);
        if (delta.kind !== 'delta') throw new Error('expected a delta');
        expect(delta.version).toBe(3);
        expect(delta.changes.map(where)).toEqual([
          [1, 'item', gtin(2)],
          [2, 'item', gtin(1)],
          [2, 'promotion', 'P1'],
          [3, 'settings', 'store'],
          [3, 'vatClass', 'A'],
        ]);
        expect(delta.changes[1]?.value).toMatchObject({ priceMinor: 110 });
        expect(delta.changes[4]?.value).toEqual({ code: 'A', rateBp: 2200, label: '22 %' });
        expect(delta.checksum).toBe(catalogChecksum(delta.changes));

        expect(await store.changesSince(2)).toMatchObject({ kind: 'delta', since: 2, version: 3, changes: [{ kind: 'settings' }, { kind: 'vatClass' }] });
        expect(await store.changesSince(3)).toEqual({ kind: 'delta', since: 3, version: 3, changes: [], checksum: catalogChecksum([]) });
      });

      it('carry deletions as tombstones until they are purged; older lanes then need a snapshot', async () => {
        await store.applyCatalogChanges([vat('A', 2100), item(1, 100), item(2, 200)]);
        await store.applyCatalogChanges([deleted('item', gtin(1))]);
        await store.applyCatalogChanges([item(3, 300)]);
        expect(await store.changesSince(1)).toMatchObject({
          kind: 'delta',
          version: 3,
          changes: [
            { version: 2, kind: 'item', key: gtin(1), value: null },
            { version: 3, kind: 'item', key: gtin(3) },
          ],
        });

        expect(await store.purgeTombstones(0)).toBe(0);
        expect(await store.purgeTombstones(2)).toBe(1);
        expect(await store.purgeTombstones(2)).toBe(0);
        expect(await store.changesSince(0)).toEqual({ kind: 'snapshotRequired', version: 3, reason: 'tooOld' });
        expect(await store.changesSince(1)).toEqual({ kind: 'snapshotRequired', version: 3, reason: 'tooOld' });
        // A lane that had already applied the deletion loses nothing.
        expect(await store.changesSince(2)).toMatchObject({ kind: 'delta', version: 3, changes: [{ version: 3, kind: 'item', key: gtin(3) }] });
        expect(await store.changesSince(3)).toMatchObject({ kind: 'delta', version: 3, changes: [] });
        // The snapshot never held tombstones anyway.
        expect((await readAll(await store.snapshot())).map(where)).toEqual([
          [1, 'vatClass', 'A'],
          [1, 'item', gtin(2)],
          [3, 'item', gtin(3)],
        ]);
      });

      it('send a lane that is ahead of the store (a restored store) to a snapshot', async () => {
        await store.applyCatalogChanges([vat('A', 2100)]);
        expect(await store.changesSince(7)).toEqual({ kind: 'snapshotRequired', version: 1, reason: 'tooOld' });
      });

      it('send a lane to a snapshot when they would be larger than the limit', async () => {
        await store.applyCatalogChanges([vat('A', 2100), item(1, 100)]);
        await store.applyCatalogChanges([item(2, 200)]);
        expect(await store.changesSince(0, { maxChanges: 2 })).toEqual({ kind: 'snapshotRequired', version: 2, reason: 'tooMany' });
        expect(await store.changesSince(0, { maxChanges: 3 })).toMatchObject({ kind: 'delta', version: 2 });
        expect(await store.changesSince(1, { maxChanges: 1 })).toMatchObject({ kind: 'delta', changes: [{ key: gtin(2) }] });
      });

      it('refuse a version that is not a whole number from 0', async () => {
        await expect(store.changesSince(-1)).rejects.toThrow();
        await expect(store.changesSince(1.5)).rejects.toThrow();
      });
    });

    describe('snapshots', () => {
      it('hold exactly the live entities, in kind and key order, with their versions', async () => {
        await store.applyCatalogChanges([item(3, 300), item(1, 100), vat('A', 2100), settings('EUR'), promotion('P1', 500, [1, 3])]);
        await store.applyCatalogChanges([item(2, 200), deleted('item', gtin(3))]);
        const snapshot = await store.snapshot();
        expect({ version: snapshot.version, count: snapshot.count }).toEqual({ version: 2, count: 5 });
        const entities = await readAll(snapshot);
        expect(entities.map(where)).toEqual([
          [1, 'settings', 'store'],
          [1, 'vatClass', 'A'],
          [1, 'item', gtin(1)],
          [2, 'item', gtin(2)],
          [1, 'promotion', 'P1'],
        ]);
        expect(entities[3]?.value).toEqual({ gtin: gtin(2), name: { en: 'Item 2' }, priceMinor: 200, soldBy: 'unit', variableMeasure: false, vatClass: 'A' });
        // The same catalogue as a lane that applied every delta from 0 would hold.
        const delta = await store.changesSince(0);
        if (delta.kind !== 'delta') throw new Error('expected a delta');
        const live = delta.changes.filter((change) => change.value !== null);
        const kindKeyOrder = (entity: VersionedEntity) => `${catalogEntityKinds.indexOf(entity.kind)}:${entity.key}`;
        expect(live.sort((a, b) => (kindKeyOrder(a) < kindKeyOrder(b) ? -1 : 1))).toEqual(entities);
      });

      it('stay at their version while batches are applied during the read', async () => {
        // More items than one page holds, so the read really spans several queries.
        const items = Array.from({ length: 1_500 }, (_, index) => item(index + 1, 100 + index));
        await store.applyCatalogChanges([vat('A', 2100), ...items]);
        const snapshot = await store.snapshot();
        expect({ version: snapshot.version, count: snapshot.count }).toEqual({ version: 1, count: 1_501 });

        const seen: VersionedEntity[] = [];
        let changedMidway = false;
        for await (const entity of snapshot.entities()) {
          seen.push(entity);
          if (!changedMidway && seen.length === 3) {
            changedMidway = true;
            const applied = await store.applyCatalogChanges([deleted('item', gtin(1_400)), item(1_401, 1), item(2_000, 5), vat('B', 900)]);
            expect(applied).toEqual({ version: 2, changed: 4 });
          }
        }
        expect(seen).toHaveLength(1_501);
        expect(seen.every((entity) => entity.version === 1)).toBe(true);
        expect(seen.map((entity) => entity.key)).toEqual(['A', ...items.map((entity) => entity.key)]);
        expect(seen.find((entity) => entity.key === gtin(1_401))?.value).toMatchObject({ priceMinor: 1_500 });

        const after = await store.snapshot();
        expect({ version: after.version, count: after.count }).toEqual({ version: 2, count: 1_502 });
        const now = await readAll(after);
        expect(now.map((entity) => entity.key)).not.toContain(gtin(1_400));
        expect(now.slice(0, 2).map(where)).toEqual([
          [1, 'vatClass', 'A'],
          [2, 'vatClass', 'B'],
        ]);
      });

      it('are read independently of each other', async () => {
        await store.applyCatalogChanges([vat('A', 2100), item(1, 100)]);
        const first = await store.snapshot();
        await store.applyCatalogChanges([item(2, 200)]);
        const second = await store.snapshot();
        const [older, newer] = await Promise.all([readAll(first), readAll(second)]);
        expect(older.map((entity) => entity.key)).toEqual(['A', gtin(1)]);
        expect(newer.map((entity) => entity.key)).toEqual(['A', gtin(1), gtin(2)]);
      });

      it('release their read view when the reader stops early, so abandoned snapshots pile nothing up', async () => {
        await store.applyCatalogChanges([vat('A', 2100), ...Array.from({ length: 20 }, (_, index) => item(index + 1, 100))]);
        for (let round = 0; round < 30; round++) {
          const snapshot = await store.snapshot();
          for await (const entity of snapshot.entities()) {
            expect(entity.key).toBe('A');
            break;
          }
        }
        for (let round = 0; round < 30; round++) {
          // Stopped before reading anything.
          const iterator = (await store.snapshot()).entities()[Symbol.asyncIterator]();
          await iterator.return?.();
        }
        // Writers, new snapshots and closing (in cleanup) are not held up.
        expect(await store.applyCatalogChanges([item(30, 300)])).toEqual({ version: 2, changed: 1 });
        const fresh = await store.snapshot();
        expect(fresh.count).toBe(22);
        expect(await readAll(fresh)).toHaveLength(22);
      });
    });

    describe('sales', () => {
      it('are stored once by id: stored, then duplicate for a retry, conflict for another digest (never overwritten)', async () => {
        const first = sale('L01', 'e1', 1);
        expect(await store.storeSales('L01', [first, sale('L01', 'e1', 2)], 1_000)).toEqual(['stored', 'stored']);
        expect(await store.storeSales('L01', [first], 2_000)).toEqual(['duplicate']);
        const altered = sale('L01', 'e1', 1, '{"lane":"L01","number":1,"totalMinor":1}');
        expect(await store.storeSales('L01', [sale('L01', 'e1', 3), altered, first], 3_000)).toEqual(['stored', 'conflict', 'duplicate']);
        // Twice in one upload: the second is a duplicate of the first.
        expect(await store.storeSales('L01', [sale('L01', 'e1', 4), sale('L01', 'e1', 4)], 4_000)).toEqual(['stored', 'duplicate']);

        expect(await store.salesCount()).toBe(4);
        const stored = await store.sales();
        expect(stored.map((row) => [row.saleId, row.receivedAt])).toEqual([
          ['L01-e1-1', 1_000],
          ['L01-e1-2', 1_000],
          ['L01-e1-3', 3_000],
          ['L01-e1-4', 4_000],
        ]);
        expect(stored[0]).toEqual({ receivedSeq: stored[0]!.receivedSeq, laneId: 'L01', receivedAt: 1_000, ...first });
        const seqs = stored.map((row) => row.receivedSeq);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(4);
      });

      it('are listed by lane, after a point and up to a limit', async () => {
        await store.storeSales('L01', [sale('L01', 'e1', 1)], 1);
        await store.storeSales('L02', [sale('L02', 'e1', 1), sale('L02', 'e1', 2)], 2);
        await store.storeSales('L01', [sale('L01', 'e1', 2)], 3);
        expect((await store.sales({ laneId: 'L02' })).map((row) => row.saleId)).toEqual(['L02-e1-1', 'L02-e1-2']);
        const all = await store.sales();
        expect((await store.sales({ afterReceivedSeq: all[1]!.receivedSeq })).map((row) => row.saleId)).toEqual(['L02-e1-2', 'L01-e1-2']);
        expect((await store.sales({ limit: 2 })).map((row) => row.saleId)).toEqual(['L01-e1-1', 'L02-e1-1']);
        expect(await store.sales({ laneId: 'L09' })).toEqual([]);
      });

      it('are stored all or nothing per call', async () => {
        await store.storeSales('L01', [sale('L01', 'e1', 1)], 1);
        const broken = { ...sale('L01', 'e1', 3), status: 'refunded' } as unknown as UploadedSale;
        await expect(store.storeSales('L01', [sale('L01', 'e1', 2), broken], 2)).rejects.toThrow();
        expect(await store.salesCount()).toBe(1);
        expect(await store.storeSales('L01', [sale('L01', 'e1', 2)], 3)).toEqual(['stored']);
      });

      it('show each lane’s numbering per journal epoch, with its gaps', async () => {
        await store.storeSales('L01', [1, 2, 4, 7].map((number) => sale('L01', 'e1', number)), 1);
        await store.storeSales('L01', [sale('L01', 'e2', 1)], 2);
        await store.storeSales('L02', [sale('L02', 'e1', 3), sale('L02', 'e1', 2)], 3);
        expect(await store.laneSequences()).toEqual([
          { laneId: 'L01', epoch: 'e1', count: 4, highest: 7, missing: [3, 5, 6] },
          { laneId: 'L01', epoch: 'e2', count: 1, highest: 1, missing: [] },
          { laneId: 'L02', epoch: 'e1', count: 2, highest: 3, missing: [1] },
        ]);
        expect(await store.laneSequences('L02')).toEqual([{ laneId: 'L02', epoch: 'e1', count: 2, highest: 3, missing: [1] }]);
        expect(await store.laneSequences('L09')).toEqual([]);

        await store.storeSales('L03', [sale('L03', 'e1', 5_000)], 4);
        const [far] = await store.laneSequences('L03');
        expect(far?.missing).toHaveLength(1_000);
        expect(far?.missing[0]).toBe(1);
        expect(far?.missing[999]).toBe(1_000);
      });
    });

    describe('lane registry', () => {
      it('adds lanes with a token shown once, authenticates, rotates, disables and removes them', async () => {
        const { token } = await store.lanes.add('L01');
        expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(Buffer.from(token, 'base64url')).toHaveLength(32);
        await expect(store.lanes.add('L01')).rejects.toThrow(/exists/);
        await expect(store.lanes.add('lane one')).rejects.toThrow();
        const other = await store.lanes.add('L02');
        expect(other.token).not.toBe(token);

        expect(await store.lanes.authenticate('L01', token)).toBe('ok');
        expect(await store.lanes.authenticate('L01', other.token)).toBe('unknown');
        expect(await store.lanes.authenticate('L01', '')).toBe('unknown');
        expect(await store.lanes.authenticate('L09', token)).toBe('unknown');

        const rotated = await store.lanes.add('L01', { rotate: true });
        expect(rotated.token).not.toBe(token);
        expect(await store.lanes.authenticate('L01', token)).toBe('unknown');
        expect(await store.lanes.authenticate('L01', rotated.token)).toBe('ok');

        expect(await store.lanes.setDisabled('L01', true)).toBe(true);
        expect(await store.lanes.authenticate('L01', rotated.token)).toBe('disabled');
        // A wrong token never learns that the lane exists, disabled or not.
        expect(await store.lanes.authenticate('L01', token)).toBe('unknown');
        expect(await store.lanes.setDisabled('L09', true)).toBe(false);

        const listed = await store.lanes.list();
        expect(listed.map((lane) => [lane.laneId, lane.disabled, lane.lastSeenAt])).toEqual([
          ['L01', true, null],
          ['L02', false, null],
        ]);
        expect(listed.every((lane) => Number.isInteger(lane.addedAt) && lane.addedAt > 0)).toBe(true);
        expect(JSON.stringify(listed)).not.toContain(rotated.token);

        await store.lanes.touch('L02', 5_000);
        await store.lanes.touch('L02', 4_000);
        expect((await store.lanes.list()).find((lane) => lane.laneId === 'L02')?.lastSeenAt).toBe(5_000);

        expect(await store.lanes.setDisabled('L01', false)).toBe(true);
        expect(await store.lanes.authenticate('L01', rotated.token)).toBe('ok');
        expect(await store.lanes.remove('L01')).toBe(true);
        expect(await store.lanes.remove('L01')).toBe(false);
        expect(await store.lanes.authenticate('L01', rotated.token)).toBe('unknown');
        expect((await store.lanes.list()).map((lane) => lane.laneId)).toEqual(['L02']);
      });
    });
  });
}
