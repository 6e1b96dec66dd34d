import { produceGtin } from '../../main/catalog/demoCatalog';
import { expect, expectScreen, openKiosk, test } from './support/fixtures';

const bananas = produceGtin('4011');

test.describe('items without a barcode', () => {
  test('Russian shopper types a name with a typo on the on-screen keyboard, picks bananas, weighs them', async ({ page, lane, shot }) => {
    await openKiosk(page, lane);
    await page.getByTestId('language-ru').click();
    await page.getByTestId('open-lookup').click();
    await expectScreen(page, 'scanning.lookup');
    // The grid of the most-used produce comes first.
    await expect(page.getByTestId('lookup-item').first()).toBeVisible();
    await shot('grid');
    await page.getByTestId('lookup-text').click();
    // "банан" typed as "бонан": one letter wrong.
    for (const key of ['б', 'о', 'н', 'а', 'н']) await page.getByTestId(`key-${key}`).click();
    await expect(page.locator(`[data-testid="lookup-item"][data-gtin="${bananas}"]`)).toBeVisible();
    await shot('search');
    await page.locator(`[data-testid="lookup-item"][data-gtin="${bananas}"]`).click();
    await expectScreen(page, 'scanning.weighing');
    await expect(page.getByTestId('notice')).toContainText('Бананы');
  });

  test('by PLU on the digits keyboard; Back returns to the basket', async ({ page, lane }) => {
    await openKiosk(page, lane);
    await page.getByTestId('open-lookup').click();
    await page.getByTestId('lookup-text').click();
    await page.getByTestId('keyboard-digits').click();
    for (const key of ['4', '0', '1', '1']) await page.getByTestId(`key-${key}`).click();
    await expect(page.getByTestId('lookup-item').first()).toHaveAttribute('data-gtin', bananas);
    await page.getByTestId('lookup-back').click();
    await expectScreen(page, 'scanning.ready');
  });
});
