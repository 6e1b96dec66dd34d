import { showcase } from '../../main/catalog/demoCatalog';
import { expect, expectScreen, openKiosk, test } from './support/fixtures';

test('the shopper takes one milk off; vodka needs an assistant', async ({ page, lane, shot }) => {
  await openKiosk(page, lane);
  await lane.scanner.scan(showcase.milk);
  await lane.scanner.scan(showcase.milk);
  await lane.scanner.scan(showcase.vodka);
  await expect(page.getByTestId('basket-total')).toHaveText('€12.37');
  await page.getByTestId('remove-line').first().click();
  await expect(page.getByTestId('basket-total')).toHaveText('€11.18');
  await shot('one-milk-removed');
  await page.getByTestId('remove-line').nth(1).click();
  await expectScreen(page, 'scanning.removalNeedsAssistant');
  await expect(page.getByTestId('notice')).toContainText('Vodka 0.5 L can only be removed by an assistant.');
  await shot('vodka-needs-assistant');
  await page.getByTestId('dismiss').click();
  await expect(page.getByTestId('basket-line')).toHaveCount(2);
});
