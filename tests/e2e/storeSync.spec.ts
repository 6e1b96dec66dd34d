import { join } from 'node:path';
import { CatalogStore } from '../../main/catalog/catalogStore';
import { showcase } from '../../main/catalog/demoCatalog';
import { openStoreBackend } from '../../main/store/openStoreBackend';
import type { StoreItem } from '../../shared/store/catalogEntities';
import { decideOnTerminal, expect, expectScreen, openKiosk, test } from './support/fixtures';

test.use({ withStoreServer: true });

/** The lane's own catalogue copy, as its sync left it (read-only, beside the running lane). */
function laneCatalogVersion(dataDir: string, laneId: string): number {
  const catalog = CatalogStore.open(join(dataDir, 'lanes', `${laneId}-catalog.sqlite`), { readonly: true });
  try {
    return catalog.syncState().version;
  } finally {
    catalog.close();
  }
}

test('a price changed at the store reaches the kiosk; the basket keeps what was scanned; the sale reaches the store once', async ({ page, lane, store }) => {
  const storeDir = store.storeServer!.dataDir;
  const dataDir = join(storeDir, '..');
  await openKiosk(page, lane);
  await lane.scanner.scan(showcase.milk);
  await expect(page.getByTestId('basket-line')).toHaveCount(1);
  await expect(page.getByTestId('basket-total')).toHaveText('€1.19');

  // Store IT changes the price of milk at the store server, mid-sale.
  const backend = await openStoreBackend(storeDir);
  try {
    const milkKey = showcase.milk.padStart(14, '0');
    const milk = (await backend.liveEntities('item')).find((entity) => entity.key === milkKey)!.value as StoreItem;
    const { version } = await backend.applyCatalogChanges([{ kind: 'item', key: milkKey, value: { ...milk, priceMinor: 99 } }], { source: 'e2e' });
    await expect.poll(() => laneCatalogVersion(dataDir, lane.laneId), { timeout: 20_000 }).toBe(version);

    // The milk already in the basket keeps its price; the next one is at the new price.
    await expect(page.getByTestId('basket-total')).toHaveText('€1.19');
    await lane.scanner.scan(showcase.milk);
    await expect(page.getByTestId('basket-total')).toHaveText('€2.18');

    await page.getByTestId('pay').click();
    await page.getByTestId('pay-card').click();
    await decideOnTerminal(lane, 'approve');
    const receipt = await lane.printer.waitForReceipt(15_000, 0);
    await expectScreen(page, 'receipt.done');
    expect(receipt.text).toMatch(/2\.18/);

    // The finished sale is at the store, once, with the total the shopper paid.
    await expect.poll(async () => (await backend.sales({ laneId: lane.laneId })).map((sale) => [sale.status, sale.totalMinor]), { timeout: 20_000 }).toEqual([['completed', 218]]);
  } finally {
    await backend.close();
  }
});
