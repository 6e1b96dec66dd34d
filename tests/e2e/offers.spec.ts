import { demoCouponCodes } from '../../main/catalog/demoPromotions';
import { showcase } from '../../main/catalog/demoCatalog';
import { demoLoyaltyCard } from '../../main/demo/panel';
import { decideOnTerminal, expect, expectScreen, openKiosk, test } from './support/fixtures';

/** Offers from the catalogue, a coupon, a loyalty card: shown as the shopper scans, charged and printed. */
test('promotions, a coupon and a loyalty card lower the total on screen, at the terminal and on the receipt', async ({ page, lane, shot }) => {
  await openKiosk(page, lane);
  await lane.scanner.scan(showcase.chocolate);
  for (let i = 0; i < 3; i++) await lane.scanner.scan(showcase.milk);
  await lane.scanner.scan(showcase.coffee);
  // 20 % off chocolate (0.46) and milk 3 for 3.00 (0.57).
  await expect(page.getByTestId('discount-line')).toHaveCount(2);
  await expect(page.getByTestId('savings')).toContainText('1.03');

  // A coupon for something not in the basket is refused with the reason; the basket stays as it was.
  await lane.scanner.scan(`]C0${demoCouponCodes.expired}`);
  await expectScreen(page, 'scanning.couponRejected');
  await expect(page.getByTestId('notice')).toContainText('expired');
  await page.getByTestId('dismiss').click();

  await lane.scanner.scan(`]C0${demoCouponCodes.coffee}`);
  await lane.scanner.scan(`]C0${demoLoyaltyCard}`);
  await expect(page.getByTestId('loyalty')).toContainText('2345');
  // Coffee: 1.00 member price and 1.00 coupon.
  await expect(page.getByTestId('discount-line')).toHaveCount(4);
  await expect(page.getByTestId('savings')).toContainText('3.03');
  // 2.29 + 3 × 1.19 + 7.49 = 13.35, less 3.03.
  await expect(page.getByTestId('basket-total')).toContainText('10.32');
  await shot('offers');
  // The card scanned twice: said, nothing changes.
  await lane.scanner.scan(`]C0${demoLoyaltyCard}`);
  await expectScreen(page, 'scanning.loyaltyAlreadyScanned');
  await page.getByTestId('dismiss').click();
  await expect(page.getByTestId('basket-total')).toContainText('10.32');

  await page.getByTestId('pay').click();
  await page.getByTestId('pay-card').click();
  await expect(page.getByTestId('payment-amount')).toContainText('10.32');
  await decideOnTerminal(lane, 'approve');
  const receipt = await lane.printer.waitForReceipt(15_000, 0);
  expect(receipt.text).toMatch(/Subtotal\s+.*13\.35/);
  expect(receipt.text).toMatch(/TOTAL\s+.*10\.32/);
  expect(receipt.text).toMatch(/YOU SAVED\s+.*3\.03/);
  expect(receipt.text).toMatch(/Loyalty card\s+\*\*\*\* 2345/);
});
