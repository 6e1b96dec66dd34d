import type { Page } from '@playwright/test';
import { produceGtin, showcase } from '../../main/catalog/demoCatalog';
import { languages } from '../../shared/i18n/languages';
import { demoAssistants } from '../../main/assistants/demoAssistants';
import { demoCouponCodes } from '../../main/catalog/demoPromotions';
import { demoLoyaltyCard } from '../../main/demo/panel';
import { decideOnTerminal, expect, expectScreen, openKiosk, test } from './support/fixtures';
import { signInAtLane, typeInSection } from './support/staff';

const [anna] = demoAssistants;

/**
 * Every main screen in every language, screenshotted into tests/artifacts/screens/, and each
 * checked for text that does not fit its box (a long Latvian or Bulgarian word in a button
 * made for English). Runs on the real lane with its simulated devices.
 */

/** Elements whose text must fit: buttons, headings, tiles, the weight and the total. */
const fitted = 'button, h1, h2, .modal__title, .summary__total, .weighing__reading dd, .tile, .basket-line, .topbar__store';

/**
 * Runs in the page. A string, because this project's Node type check has no DOM types: it
 * lists every visible fitted element whose content is wider than its box (or, for a
 * button, taller).
 */
const findOverflow = `(selector) => {
  const problems = [];
  for (const element of document.querySelectorAll(selector)) {
    if (element.offsetParent === null) continue;
    const wide = element.scrollWidth > element.clientWidth + 1;
    const tall = element.tagName === 'BUTTON' && element.scrollHeight > element.clientHeight + 1;
    if (wide || tall) problems.push(element.tagName.toLowerCase() + '.' + element.className + ' "' + (element.textContent || '').trim().slice(0, 40) + '" ' + element.scrollWidth + 'x' + element.scrollHeight + ' in ' + element.clientWidth + 'x' + element.clientHeight);
  }
  return problems;
}`;

async function expectNoOverflow(page: Page, where: string): Promise<void> {
  const overflowing = await page.evaluate(`(${findOverflow})(${JSON.stringify(fitted)})`);
  expect(overflowing, `text overflowing on ${where}`).toEqual([]);
}

for (const language of languages) {
  test(`every screen in ${language}`, async ({ page, lane, shot }) => {
    test.setTimeout(120_000);
    const check = async (name: string) => {
      await expectNoOverflow(page, `${name} (${language})`);
      await shot(`${language}-${name}`);
    };
    await openKiosk(page, lane);
    if (language !== 'en') await page.getByTestId(`language-${language}`).click();
    await expect(page.locator('html')).toHaveAttribute('lang', language);
    await check('welcome');

    await page.getByTestId('high-contrast').click();
    await expect(page.locator('.screen--contrast')).toHaveCount(1);
    // Let the buttons' 60 ms colour transition finish before the picture.
    await page.waitForTimeout(200);
    await check('welcome-high-contrast');
    await lane.scanner.scan(showcase.bread);
    await expect(page.getByTestId('basket-line')).toHaveCount(1);
    await page.waitForTimeout(200);
    await check('basket-high-contrast');
    await page.getByTestId('cancel-sale').click();
    await page.getByTestId('confirm-cancel').click();
    await expectScreen(page, 'idle');
    if (language !== 'en') await page.getByTestId(`language-${language}`).click();
    await lane.scanner.scan(showcase.milk);
    await lane.scanner.scan(showcase.chocolate);
    await lane.scanner.scan(`]C0${demoLoyaltyCard}`);
    await expect(page.getByTestId('basket-line')).toHaveCount(2);
    // The chocolate's offer and the loyalty card: discounts and savings in the shopper's language.
    await expect(page.getByTestId('savings')).toBeVisible();
    await expect(page.getByTestId('loyalty')).toBeVisible();
    await check('basket');

    await lane.scanner.scan(`]C0${demoCouponCodes.expired}`);
    await expectScreen(page, 'scanning.couponRejected');
    await check('coupon-rejected');
    await page.getByTestId('dismiss').click();

    await page.getByTestId('help').click();
    await expect(page.getByTestId('help-banner')).toBeVisible();
    await check('help-called');
    await page.getByTestId('cancel-help').click();

    await lane.scanner.scan('4006381333931');
    await expectScreen(page, 'scanning.unknownItem');
    await check('unknown-item');
    await page.getByTestId('dismiss').click();

    await lane.scanner.scan(produceGtin('4011').slice(1));
    await expectScreen(page, 'scanning.weighing');
    lane.scale.setLoad(1234);
    await expect(page.getByTestId('weighing-reading')).toHaveAttribute('data-status', 'ready');
    await check('weighing');
    await page.getByTestId('cancel-weighing').click();
    lane.scale.setLoad(0);

    await page.getByTestId('open-lookup').click();
    await expectScreen(page, 'scanning.lookup');
    await expect(page.getByTestId('lookup-item').first()).toBeVisible();
    await check('lookup');
    await page.getByTestId('lookup-text').click();
    await expect(page.getByTestId('keyboard')).toBeVisible();
    await check('lookup-keyboard');
    await page.getByTestId('lookup-back').click();

    await page.getByTestId('pay').click();
    await expectScreen(page, 'payment.choosing');
    await check('payment-choice');
    await page.getByTestId('pay-card').click();
    await expectScreen(page, 'payment.authorizing');
    await check('payment');
    await decideOnTerminal(lane, 'decline');
    await expectScreen(page, 'payment.failed');
    await check('payment-declined');
    await page.getByTestId('retry-payment').click();
    await decideOnTerminal(lane, 'approve');
    await lane.printer.waitForReceipt(15_000, 0);
    await expectScreen(page, 'receipt.done');
    await check('thank-you');
    await page.getByTestId('finish').click();
    await expectScreen(page, 'idle');

    // What an assistant does and sees at the lane.
    if (language !== 'en') await page.getByTestId(`language-${language}`).click();
    await lane.scanner.scan(showcase.beer);
    await expect(page.getByTestId('age-pending')).toBeVisible();
    await page.getByTestId('pay').click();
    await expectScreen(page, 'scanning.awaitingAgeCheck');
    await check('age-check');
    await page.getByTestId('staff').click();
    await expect(page.getByTestId('sign-in')).toBeVisible();
    await check('staff-sign-in');
    await page.getByTestId('staff-sign-in-cancel').click();
    await signInAtLane(page, anna.id, anna.pin);
    await check('assistant-panel');
    await page.getByTestId('staff-approve-age').click();
    await expectScreen(page, 'payment.choosing');
    // The assistant walks away; the shopper chooses how to pay.
    await page.getByTestId('staff-panel-sign-out').click();
    await page.getByTestId('pay-assistant').click();
    await signInAtLane(page, anna.id, anna.pin);
    await expectScreen(page, 'payment.atAssistant');
    await typeInSection(page, 'tender', '500');
    await check('assistant-tender');
    await page.getByTestId('staff-panel-sign-out').click();
    await check('pay-at-assistant');
    await signInAtLane(page, anna.id, anna.pin);
    await typeInSection(page, 'tender', '500');
    await page.getByTestId('staff-tender-cash').click();
    await expectScreen(page, 'receipt.done');
    await page.getByTestId('finish').click();
    await page.getByTestId('staff-close-lane').click();
    await expectScreen(page, 'closed');
    await page.getByTestId('staff-panel-sign-out').click();
    if (language !== 'en') await page.getByTestId(`language-${language}`).click();
    await check('closed');
    await signInAtLane(page, anna.id, anna.pin);
    await page.getByTestId('staff-maintenance').click();
    await expectScreen(page, 'maintenance');
    await page.getByTestId('staff-panel-sign-out').click();
    await check('maintenance');
  });
}

test('the overflow check catches a label that does not fit its button', async ({ page }) => {
  await page.setContent('<main><button style="width:60px;white-space:nowrap">Pievienot grozam</button><h1>Fits</h1></main>');
  await expect(expectNoOverflow(page, 'a test page')).rejects.toThrow(/Pievienot grozam/);
});
