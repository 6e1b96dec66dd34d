import { showcase } from '../../main/catalog/demoCatalog';
import { decideOnTerminal, expect, expectScreen, openKiosk, test } from './support/fixtures';

test.describe('one lane, end to end over real serial lines', () => {
  test('scan two items, pay by card, receipt printed', async ({ page, lane, shot }) => {
    await openKiosk(page, lane);
    await expectScreen(page, 'idle');
    await shot('welcome');

    // Bytes written to the scanner's pseudo-terminal, read by the lane's serial driver.
    await lane.scanner.scan(showcase.milk);
    await expect(page.getByTestId('basket-line')).toHaveCount(1);
    await lane.scanner.scan(showcase.bread);
    await expect(page.getByTestId('basket-line')).toHaveCount(2);
    await expectScreen(page, 'scanning.ready');
    await expect(page.getByTestId('basket-total')).toHaveText('€3.08');
    await expect(page.getByTestId('basket-line').first()).toContainText('Milk 2.5% 1 L');
    await shot('basket');

    await page.getByTestId('pay').click();
    await page.getByTestId('pay-card').click();
    await expectScreen(page, 'payment.authorizing');
    await shot('payment');
    await decideOnTerminal(lane, 'approve');

    const receipt = await lane.printer.waitForReceipt(15_000, 0);
    await expectScreen(page, 'receipt.done');
    await shot('thank-you');
    expect(receipt.text).toContain('Milk 2.5% 1 L');
    expect(receipt.text).toContain('Rye bread 400 g');
    expect(receipt.text).toMatch(/3\.08/);
    expect(lane.printer.unknownCommands).toEqual([]);

    await page.getByTestId('finish').click();
    await expectScreen(page, 'idle');
  });

  test('Russian: the screen and the printed receipt in Russian, Cyrillic through the printer code page', async ({ page, lane, shot }) => {
    await openKiosk(page, lane);
    await page.getByTestId('language-ru').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    await shot('welcome-ru');
    await lane.scanner.scan(showcase.milk);
    await lane.scanner.scan(showcase.chocolate);
    await expect(page.getByTestId('basket-line')).toHaveCount(2);
    await expect(page.getByTestId('basket-line').first()).toContainText('Молоко 2,5% 1 л');
    // 1,19 + 2,29, less the chocolate's demo offer (20 %: 0,46).
    await expect(page.getByTestId('basket-total')).toHaveText(/3,02\s€/);
    await expect(page.getByTestId('discount-line')).toContainText('Тёмный шоколад со скидкой 20%');
    await shot('basket-ru');
    await page.getByTestId('pay').click();
    await page.getByTestId('pay-card').click();
    await decideOnTerminal(lane, 'approve');
    const receipt = await lane.printer.waitForReceipt(15_000, 0);
    expect(receipt.text).toContain('Молоко 2,5% 1 л');
    expect(receipt.text).toContain('Тёмный шоколад 100 г');
    // ESC t 17 (PC866) selects the Cyrillic code page before the names.
    expect(Buffer.from(receipt.raw).includes(Buffer.from([0x1b, 0x74, 17]))).toBe(true);
    await expectScreen(page, 'receipt.done');
    await shot('thank-you-ru');
  });

  test('unknown item, wrong check digit and garbage on the line: clear messages, nothing lost', async ({ page, lane, shot }) => {
    await openKiosk(page, lane);
    await lane.scanner.scan(showcase.milk);
    await expect(page.getByTestId('basket-line')).toHaveCount(1);

    await lane.scanner.scan('4006381333931'); // a valid EAN-13 that this store does not sell
    await expectScreen(page, 'scanning.unknownItem');
    await expect(page.getByTestId('notice')).toHaveAttribute('data-kind', 'unknownItem');
    await shot('unknown-item');
    await page.getByTestId('dismiss').click();

    await lane.scanner.scan('4750001000017'); // milk with a wrong check digit
    await expectScreen(page, 'scanning.rejectedBarcode');
    await expect(page.getByTestId('notice')).toHaveAttribute('data-kind', 'rejectedBarcode');
    await shot('rejected-barcode');
    await page.getByTestId('dismiss').click();

    await lane.scanner.writeRaw(Uint8Array.from([0x00, 0xff, 0x1b, 0x80, 0x0d]));
    await lane.scanner.scan(showcase.bread);
    await expect(page.getByTestId('basket-line')).toHaveCount(2);
    await expectScreen(page, 'scanning.ready');
  });

  test('a declined card keeps the basket; the second attempt is approved', async ({ page, lane, shot }) => {
    await openKiosk(page, lane);
    await lane.scanner.scan(showcase.coffee);
    await expect(page.getByTestId('basket-line')).toHaveCount(1);
    await page.getByTestId('pay').click();
    await page.getByTestId('pay-card').click();
    await decideOnTerminal(lane, 'decline');
    await expectScreen(page, 'payment.failed');
    await shot('payment-declined');
    await page.getByTestId('retry-payment').click();
    await decideOnTerminal(lane, 'approve');
    await expectScreen(page, 'receipt.done');
    expect(lane.terminal.transactions.filter((t) => t.outcome?.kind === 'approved')).toHaveLength(1);
  });

  test('SIGKILL mid-sale: the lane restarts and the same basket is back', async ({ page, lane, shot }) => {
    await openKiosk(page, lane);
    await lane.scanner.scan(showcase.milk);
    await lane.scanner.scan(showcase.bread);
    await lane.scanner.scan(showcase.milk);
    await expect(page.getByTestId('basket-line')).toHaveCount(2);
    await expect(page.getByTestId('basket-total')).toHaveText('€4.27');

    const restarted = lane.process.waitForReady(60_000, true);
    lane.process.kill('SIGKILL');
    await expect(page.getByTestId('connecting')).toBeVisible();
    await shot('lane-restarting');
    const ready = await restarted;
    expect(ready.restored).toBe(true);

    // The page reconnects by itself and shows the journal's basket.
    await expect(page.getByTestId('connecting')).toHaveCount(0, { timeout: 15_000 });
    await expect(page.getByTestId('basket-line')).toHaveCount(2);
    await expect(page.getByTestId('basket-total')).toHaveText('€4.27');
    await shot('basket-restored');

    // And the sale goes on: a tab reload changes nothing either.
    await page.reload();
    await expect(page.getByTestId('basket-line')).toHaveCount(2);
    await page.getByTestId('pay').click();
    await page.getByTestId('pay-card').click();
    await decideOnTerminal(lane, 'approve');
    const receipt = await lane.printer.waitForReceipt(15_000, 0);
    expect(receipt.text).toMatch(/4\.27/);
  });

  test('printer out of paper: the sale completes, the shopper is told, a reprint works', async ({ page, lane, shot }) => {
    await openKiosk(page, lane);
    await lane.scanner.scan(showcase.milk);
    await expect(page.getByTestId('basket-line')).toHaveCount(1);
    lane.printer.setPaper('end');
    await expect(page.getByTestId('device-banner')).toBeVisible({ timeout: 15_000 });
    await shot('printer-banner');
    await page.getByTestId('pay').click();
    await page.getByTestId('pay-card').click();
    await decideOnTerminal(lane, 'approve');
    await expectScreen(page, 'receipt.printFailed');
    await shot('receipt-failed');
    lane.printer.setPaper('ok');
    await expect(page.getByTestId('device-banner')).toHaveCount(0, { timeout: 15_000 });
    await page.getByTestId('reprint').click();
    const receipt = await lane.printer.waitForReceipt(15_000, 0);
    expect(receipt.text).toContain('Milk 2.5% 1 L');
    await expectScreen(page, 'receipt.done');
  });
});
