import { showcase } from '../../main/catalog/demoCatalog';
import { decideOnTerminal, expect, expectScreen, openKiosk, test } from './support/fixtures';

test('"No receipt, thanks": nothing printed, but the receipt can still be printed from the thank-you screen', async ({ page, lane, shot }) => {
  await openKiosk(page, lane);
  await lane.scanner.scan(showcase.coffee);
  await page.getByTestId('pay').click();
  await page.getByTestId('pay-card').click();
  await expectScreen(page, 'payment.authorizing');
  await page.getByTestId('no-receipt').click();
  await expect(page.getByTestId('no-receipt')).toHaveAttribute('aria-pressed', 'true');
  await shot('no-receipt-chosen');
  await decideOnTerminal(lane, 'approve');
  await expectScreen(page, 'receipt.done');
  await expect(page.getByTestId('screen-receipt-done')).toContainText('No receipt was printed.');
  expect(lane.printer.receipts).toHaveLength(0);
  await page.getByTestId('print-receipt').click();
  const receipt = await lane.printer.waitForReceipt(15_000, 0);
  expect(receipt.text).toContain('Ground coffee');
});
