import { produceGtin } from '../../main/catalog/demoCatalog';
import { decideOnTerminal, expect, expectScreen, openKiosk, test } from './support/fixtures';

const bananas = produceGtin('4011').slice(1);

test.describe('weighing and device faults, over real serial lines', () => {
  test('weigh bananas in Latvian: motion blocks, the stable weight is shown, sold and printed the same', async ({ page, lane, shot }) => {
    await openKiosk(page, lane);
    await page.getByTestId('language-lv').click();
    await lane.scanner.scan(bananas);
    await expectScreen(page, 'scanning.weighing');
    await expect(page.getByTestId('weighing-status')).toHaveText('Novietojiet preci uz svariem.');
    await expect(page.getByTestId('how-to-weigh')).toBeVisible();
    await shot('place-on-scale');

    // A swinging bag: shown, and "Add" stays disabled.
    lane.scale.setLoad(1234);
    lane.scale.setMotion(true);
    await expect(page.getByTestId('weighing-reading')).toHaveAttribute('data-status', 'settling');
    await expect(page.getByTestId('accept-weight')).toBeDisabled();
    await shot('motion');

    lane.scale.setMotion(false);
    await expect(page.getByTestId('weighing-reading')).toHaveAttribute('data-status', 'ready');
    // 1.234 kg × 1.39 €/kg = 1.71526 € → 1,72 €
    await expect(page.getByTestId('weighing-weight')).toHaveText(/1,234\s?kg/);
    await expect(page.getByTestId('weighing-price')).toHaveText(/1,72\s€/);
    await shot('stable');
    await page.getByTestId('accept-weight').click();
    await expectScreen(page, 'scanning.ready');
    await expect(page.getByTestId('basket-line')).toContainText(/1,234\s?kg/);
    // The line is 1,72 €; the demo's bananas offer (0,50 €/kg off: 0,62 € on 1,234 kg) shows under it.
    await expect(page.getByTestId('discount-line')).toContainText(/-0,62\s€/);
    await expect(page.getByTestId('basket-total')).toHaveText(/1,10\s€/);

    // The same load is not sold twice: the next weighing waits for the scale to be emptied.
    await lane.scanner.scan(bananas);
    await expect(page.getByTestId('weighing-reading')).toHaveAttribute('data-status', 'clearScale');
    await shot('clear-scale');
    await page.getByTestId('cancel-weighing').click();

    await page.getByTestId('pay').click();
    await page.getByTestId('pay-card').click();
    await decideOnTerminal(lane, 'approve');
    const receipt = await lane.printer.waitForReceipt(15_000, 0);
    expect(receipt.text).toMatch(/1,234\s?kg/);
    expect(receipt.text).toMatch(/1,72/);
  });

  test('over capacity is shown to the shopper; a scale that stops answering hands the item to an assistant', async ({ page, lane, shot }) => {
    await openKiosk(page, lane);
    await lane.scanner.scan(bananas);
    await expectScreen(page, 'scanning.weighing');
    lane.scale.setLoad(16_000);
    await expect(page.getByTestId('weighing-status')).toHaveText('Too heavy for the scale. Please ask an assistant.');
    await expect(page.getByTestId('accept-weight')).toBeDisabled();
    await shot('over-capacity');

    lane.scale.silent = true;
    await expectScreen(page, 'scanning.needsWeighing');
    await expect(page.getByTestId('device-banner')).toContainText('Scale: not responding');
    await shot('scale-not-responding');
    // The lane light says "help needed soon": flashing yellow.
    await expect.poll(() => lane.laneLight.switchesOf('yellow').length, { timeout: 5_000 }).toBeGreaterThan(0);

    lane.scale.silent = false;
    lane.scale.setLoad(0);
    await expect(page.getByTestId('device-banner')).toHaveCount(0, { timeout: 10_000 });
  });
});
