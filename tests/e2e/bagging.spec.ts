import { showcase } from '../../main/catalog/demoCatalog';
import { scanAndBag } from '../../main/demo/shopperHands';
import { decideOnTerminal, expect, expectScreen, openKiosk, test } from './support/fixtures';

test.use({ baggingScale: true });

test.describe('the bagging area, over a real security scale line', () => {
  test('an honest shopper bags and pays; an unscanned item pauses scanning until it is taken out; items must be bagged before paying', async ({ page, lane, shot }) => {
    await openKiosk(page, lane);
    await lane.scanner.scan(showcase.milk);
    await expect(page.getByTestId('bagging-hint')).toContainText('Put Milk 2.5% 1 L in the bagging area.');
    await shot('place-item');
    lane.baggingScale.setLoad(1040);
    await expect(page.getByTestId('bagging-hint')).toHaveCount(0);

    // Something not scanned put down with the next item: caught, explained, and cleared by taking it out.
    await lane.scanner.scan(showcase.bread);
    lane.baggingScale.setLoad(1040 + 410 + 500);
    await expectScreen(page, 'scanning.baggingMismatch');
    await expect(page.getByTestId('notice')).toContainText('Unexpected item in the bagging area');
    await shot('unexpected-item');
    await expect.poll(() => lane.laneLight.lamps.red, { timeout: 5_000 }).toBe(true);
    // Scans wait meanwhile.
    await lane.scanner.scan(showcase.chocolate);
    await expect(page.getByTestId('basket-line')).toHaveCount(2);
    lane.baggingScale.setLoad(1040 + 410);
    await expectScreen(page, 'scanning.ready');

    // Scanned but not put down: Pay asks for it by name, bagging it carries on.
    await lane.scanner.scan(showcase.chocolate);
    await page.getByTestId('pay').click();
    await expectScreen(page, 'scanning.baggingMismatch');
    await expect(page.getByTestId('bagging-items')).toContainText('Dark chocolate');
    await shot('not-bagged');
    lane.baggingScale.setLoad(1040 + 410 + 104);
    await expectScreen(page, 'scanning.ready');
    await page.getByTestId('pay').click();
    await page.getByTestId('pay-card').click();
    await decideOnTerminal(lane, 'approve');
    await lane.printer.waitForReceipt(15_000, 0);
    await expectScreen(page, 'receipt.done');
  });

  test('the shopper’s own bag, and items learned from completed sales', async ({ page, lane }) => {
    await openKiosk(page, lane);
    await page.getByTestId('start').click();
    await page.getByTestId('own-bag').click();
    lane.baggingScale.setLoad(60);
    await scanAndBag(lane, showcase.coffee, 100);
    await expect(page.getByTestId('basket-line')).toHaveCount(1);
    await expect(page.getByTestId('bagging-hint')).toHaveCount(0, { timeout: 5_000 });
    await page.getByTestId('pay').click();
    await page.getByTestId('pay-card').click();
    await expectScreen(page, 'payment.authorizing');
  });
});
