import { readFile } from 'node:fs/promises';
import type { Browser, Page } from '@playwright/test';
import { showcase } from '../../main/catalog/demoCatalog';
import { scanAndBag } from '../../main/demo/shopperHands';
import type { DemoLane } from '../../main/demo/demoStore';
import { decideOnTerminal, expect, expectScreen, openKiosk, test } from './support/fixtures';

test.use({ baggingScale: true, lanes: 4, supervised: true });
// Four lanes with their devices, a hub, five pages: more to start than a one-lane test.
test.describe.configure({ timeout: 180_000 });

const ivan = { id: '1002', pin: '2468' };
const anna = { id: '1001', pin: '1234' };

async function openStation(browser: Browser, url: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(url);
  return page;
}

async function signInAtStation(page: Page, who: { id: string; pin: string }): Promise<void> {
  await page.getByTestId('station-signin-id').fill(who.id);
  await page.getByTestId('station-signin-pin').fill(who.pin);
  await page.getByTestId('station-signin-submit').click();
  await expect(page.getByTestId('station-assistant')).toBeVisible();
}

async function kiosks(browser: Browser, lanes: readonly DemoLane[]): Promise<Page[]> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  return Promise.all(
    lanes.map(async (lane) => {
      const page = await context.newPage();
      await openKiosk(page, lane);
      return page;
    }),
  );
}

test('four lanes and the station: a weight mismatch and an age check queue in order, are approved remotely, and the lanes carry on', async ({ browser, store, shot }) => {
  const station = await openStation(browser, store.supervisor!.url);
  await signInAtStation(station, ivan);
  for (const lane of store.lanes) await expect(station.getByTestId(`lane-tile-${lane.laneId}`)).toHaveAttribute('data-online', 'true');
  const [, l02, l03] = store.lanes as [DemoLane, DemoLane, DemoLane, DemoLane];
  const [, k02, k03] = await kiosks(browser, store.lanes);

  // Lane 2: an unscanned item lands in the bagging area with the milk.
  await l02.scanner.scan(showcase.milk);
  l02.baggingScale.setLoad(1040 + 600);
  await expectScreen(k02!, 'scanning.baggingMismatch');
  await expect(station.getByTestId('queue-item')).toHaveCount(1);

  // Lane 3, a moment later: vodka, which needs an age check before paying.
  await scanAndBag(l03, showcase.vodka, 100);
  await expect(k03!.getByTestId('basket-line')).toHaveCount(1);
  const queue = station.getByTestId('queue-item');
  await expect(queue).toHaveCount(2);
  await expect(queue.nth(0)).toHaveAttribute('data-lane', l02.laneId);
  await expect(queue.nth(0)).toHaveAttribute('data-kind', 'weightMismatch');
  await expect(queue.nth(1)).toHaveAttribute('data-lane', l03.laneId);
  await expect(queue.nth(1)).toHaveAttribute('data-kind', 'ageCheck');
  await expect(station.getByTestId(`lane-tile-${l02.laneId}`)).toHaveAttribute('data-light', 'intervention');
  await shot('station-two-interventions', station);

  // The assistant looked over at lane 2's bagging area and it is fine: cleared from the station.
  await queue.nth(0).getByTestId('queue-approve').click();
  await station.getByTestId('confirm-ok').click();
  await expect(station.getByTestId('command-result')).toHaveAttribute('data-outcome', 'done');
  await expectScreen(k02!, 'scanning.ready');

  // Lane 3's shopper is clearly over 18: approved from the station, and pays.
  await expect(queue).toHaveCount(1);
  await queue.nth(0).getByTestId('queue-approve').click();
  await station.getByTestId('confirm-ok').click();
  await expect(station.getByTestId('queue-item')).toHaveCount(0);
  await k03!.getByTestId('pay').click();
  await k03!.getByTestId('pay-card').click();
  await decideOnTerminal(l03, 'approve');
  await l03.printer.waitForReceipt(15_000, 0);
  await expectScreen(k03!, 'receipt.done');

  // Lane 2 carries on scanning.
  await scanAndBag(l02, showcase.bread, 100);
  await expect(k02!.getByTestId('basket-line')).toHaveCount(2);

  // Both approvals are in the audit trail with who gave them, from where.
  await station.getByTestId('station-nav-audit').click();
  const rows = station.getByTestId('audit-row');
  await expect(rows.filter({ hasText: 'approveAge' }).filter({ hasText: 'Ivan' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'approveBagging' }).filter({ hasText: 'Ivan' })).toHaveCount(1);
  await shot('station-audit', station);

  // Today's report counts lane 3's sale, which needed an assistant, and exports as CSV.
  await station.getByTestId('station-nav-reports').click();
  await expect(station.getByTestId('report-completed')).toHaveText('1');
  await expect(station.getByTestId('report-self-service')).toHaveText('0%');
  await expect(station.getByTestId('report-per-sale').locator('[data-kind="ageCheck"]')).toBeVisible();
  await expect(station.getByTestId('report-chart-hourly')).toBeVisible();
  await shot('station-report', station);
  const [download] = await Promise.all([station.waitForEvent('download'), station.getByTestId('report-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^lanewise-report-\d{4}-\d{2}-\d{2}\.csv$/u);
  const text = await readFile((await download.path())!, 'utf8');
  // A byte-order mark first, so a spreadsheet opens the UTF-8 (names in Cyrillic) as UTF-8.
  expect(text.startsWith('\uFEFF')).toBe(true);
  const csv = text.slice(1).split('\r\n');
  expect(csv[0]).toBe('section,key,metric,value');
  expect(csv).toContain('summary,,selfServiceRate,0');
  expect(csv).toContain(`lane,${l03.laneId},selfServiceRate,0`);
});

test('an assistant’s role decides: Anna can approve but not cancel a basket; a message reaches the shopper in their language', async ({ browser, store }) => {
  const station = await openStation(browser, store.supervisor!.url);
  await signInAtStation(station, anna);
  const [l01] = store.lanes as [DemoLane];
  const [k01] = await kiosks(browser, [l01]);
  await k01!.getByTestId('language-ru').click();
  await scanAndBag(l01, showcase.milk, 100);
  await station.getByTestId(`lane-tile-${l01.laneId}`).click();
  const detail = station.getByTestId(`lane-detail-${l01.laneId}`);
  await expect(detail.getByTestId('detail-line-1')).toBeVisible();
  await expect(detail.getByTestId('action-cancel-sale')).toHaveCount(0);
  await detail.getByTestId('action-message').click();
  await station.getByTestId('message-assistantComing').click();
  await station.getByTestId('confirm-ok').click();
  await expect(station.getByTestId('command-result')).toHaveAttribute('data-outcome', 'done');
  await expect(k01!.getByTestId('lane-message')).toBeVisible();
  await expect(k01!.getByTestId('lane-message')).toContainText('Anna');
});

test('the hub stops mid-sale: the lane keeps selling, and the station catches up when the hub is back', async ({ browser, store }) => {
  const station = await openStation(browser, store.supervisor!.url);
  await signInAtStation(station, ivan);
  const [l01] = store.lanes as [DemoLane];
  const [k01] = await kiosks(browser, [l01]);
  await scanAndBag(l01, showcase.milk, 100);
  await expect(station.getByTestId(`lane-tile-${l01.laneId}`).getByTestId('tile-items')).toContainText('1');

  store.supervisor!.process.kill('SIGKILL');
  await expect(station.getByTestId('station-offline')).toBeVisible();
  await scanAndBag(l01, showcase.bread, 100);
  await scanAndBag(l01, showcase.chocolate, 100);
  await expect(k01!.getByTestId('basket-line')).toHaveCount(3);

  // Kept running like a service: it comes back by itself, and the lanes reconnect.
  await store.supervisor!.process.waitForReady(30_000);
  await expect(station.getByTestId('station-offline')).toHaveCount(0, { timeout: 20_000 });
  await signInAtStation(station, ivan);
  await expect(station.getByTestId(`lane-tile-${l01.laneId}`).getByTestId('tile-items')).toContainText('3', { timeout: 20_000 });
  await k01!.getByTestId('pay').click();
  await k01!.getByTestId('pay-card').click();
  await decideOnTerminal(l01, 'approve');
  await l01.printer.waitForReceipt(15_000, 0);
  await expectScreen(k01!, 'receipt.done');
});

test('the station on a phone: the queue first, one tile per row', async ({ browser, store, shot }) => {
  const station = await openStation(browser, store.supervisor!.url, { width: 390, height: 844 });
  await signInAtStation(station, ivan);
  const [l01] = store.lanes as [DemoLane];
  await l01.scanner.scan(showcase.vodka);
  await expect(station.getByTestId('queue-item')).toHaveCount(1);
  const queueBox = await station.getByTestId('queue').boundingBox();
  const tileBox = await station.getByTestId(`lane-tile-${l01.laneId}`).boundingBox();
  expect(queueBox!.y).toBeLessThan(tileBox!.y);
  expect(tileBox!.width).toBeGreaterThan(300);
  await shot('station-phone', station);
});
