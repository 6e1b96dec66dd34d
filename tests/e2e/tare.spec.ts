import { produceGtin } from '../../main/catalog/demoCatalog';
import { decideOnTerminal, expect, expectScreen, openKiosk, test } from './support/fixtures';

const bananas = produceGtin('4011').slice(1);

test.use({ baggingScale: true });

test.describe('tare for containers, over real serial lines', () => {
  test('bananas in a paper bag in Latvian: the bag’s tare comes off, the net weight is sold and printed', async ({ page, lane, shot }) => {
    await openKiosk(page, lane);
    await page.getByTestId('language-lv').click();
    await lane.scanner.scan(bananas);
    await expectScreen(page, 'scanning.weighing');
    await expect(page.getByTestId('container-none')).toHaveAttribute('aria-pressed', 'true');
    await shot('choose-container');
    await page.getByTestId('container-paper-bag').click();
    await expect(page.getByTestId('container-paper-bag')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('container-none')).toHaveAttribute('aria-pressed', 'false');

    // The empty bag alone is not for sale.
    lane.scale.setLoad(6);
    await expect(page.getByTestId('weighing-reading')).toHaveAttribute('data-status', 'belowMinimum');
    await expect(page.getByTestId('accept-weight')).toBeDisabled();
    // "Add" stays on the screen with the container row: no scrolling to reach it.
    await expect(page.getByTestId('accept-weight')).toBeInViewport({ ratio: 1 });

    // 1.240 kg gross − 0.006 kg bag = 1.234 kg net × 1.39 €/kg = 1.71526 € → 1,72 €
    lane.scale.setLoad(1240);
    await expect(page.getByTestId('weighing-reading')).toHaveAttribute('data-status', 'ready');
    await expect(page.getByTestId('weighing-weight')).toHaveText(/Neto svars 1,234\s?kg/);
    await expect(page.getByTestId('weighing-tare')).toHaveText(/tara 0,006\s?kg/);
    await expect(page.getByTestId('weighing-price')).toHaveText(/1,72\s€/);
    await shot('net-weight-in-paper-bag');
    await page.getByTestId('accept-weight').click();
    await expectScreen(page, 'scanning.ready');

    // The line is for the net weight; the demo's per-kg bananas offer shows under it as its own line.
    const line = page.getByTestId('basket-line');
    await expect(line).toContainText(/1,234\s?kg × 1,39\s€\/kg \(tara 0,006\s?kg\)/);
    await expect(line).toContainText(/1,72\s€/);
    await expect(page.getByTestId('discount-line')).toHaveCount(1);
    // Bananas and bag go into the bagging area together: the gross weight is expected there.
    await expect(page.getByTestId('bagging-hint')).toBeVisible();
    lane.baggingScale.setLoad(1240);
    await expect(page.getByTestId('bagging-hint')).toHaveCount(0);
    await shot('basket');

    lane.scale.setLoad(0);
    await page.getByTestId('pay').click();
    await page.getByTestId('pay-card').click();
    await decideOnTerminal(lane, 'approve');
    const receipt = await lane.printer.waitForReceipt(15_000, 0);
    expect(receipt.text).toMatch(/1,234\s?kg × 1,39\s?€\/kg \(tara 0,006\s?kg\)/);
    expect(receipt.text).toMatch(/1,72/);
    expect(receipt.text).not.toMatch(/1,240\s?kg/);
  });
});
