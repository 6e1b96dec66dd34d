import { demoAssistants } from '../../main/assistants/demoAssistants';
import { showcase } from '../../main/catalog/demoCatalog';
import { demoGiftCard } from '../../main/demo/panel';
import { decideOnTerminal, expect, expectScreen, openKiosk, test } from './support/fixtures';
import { signInAtLane, typeInSection } from './support/staff';

/** An assistant at the lane: signing in, the checks only staff may do, and the lane's own states. */
const [anna] = demoAssistants;

test('an age-restricted item waits for an ID check at "Pay"; the assistant signs in, approves, and the shopper pays by card', async ({ page, lane, shot }) => {
  await openKiosk(page, lane);
  await lane.scanner.scan(showcase.beer);
  await lane.scanner.scan(showcase.bread);
  await expect(page.getByTestId('age-pending')).toBeVisible();
  await page.getByTestId('pay').click();
  await expectScreen(page, 'scanning.awaitingAgeCheck');
  await shot('waiting-for-id-check');

  // A wrong PIN first: refused, and the PIN field is empty again.
  await page.getByTestId('staff').click();
  const pad = page.getByTestId('sign-in');
  await pad.getByTestId('staff-id').click();
  for (const digit of anna.id) await pad.getByTestId(`keypad-${digit}`).click();
  await pad.getByTestId('staff-pin').click();
  for (const digit of '0000') await pad.getByTestId(`keypad-${digit}`).click();
  await pad.getByTestId('staff-sign-in').click();
  await expect(pad.getByTestId('sign-in-problem')).toHaveAttribute('data-problem', 'wrongPin');
  await expect(pad.getByTestId('staff-pin')).toHaveValue('');
  await pad.getByTestId('staff-sign-in-cancel').click();

  await signInAtLane(page, anna.id, anna.pin);
  await shot('assistant-panel');
  await page.getByTestId('staff-approve-age').click();
  await expectScreen(page, 'payment.choosing');
  await page.getByTestId('staff-panel-sign-out').click();
  await expect(page.getByTestId('assistant-panel')).toHaveCount(0);
  await page.getByTestId('pay-card').click();
  await decideOnTerminal(lane, 'approve');
  await lane.printer.waitForReceipt(15_000, 0);
  await expectScreen(page, 'receipt.done');
});

test('a shopper pays with cash at the assistant, who types what was handed over and sees the change', async ({ page, lane, shot }) => {
  await openKiosk(page, lane);
  await lane.scanner.scan(showcase.coffee);
  await page.getByTestId('pay').click();
  await page.getByTestId('pay-assistant').click();
  await expectScreen(page, 'payment.atAssistant');
  await shot('waiting-for-assistant');
  await signInAtLane(page, anna.id, anna.pin);
  await typeInSection(page, 'tender', '1000');
  await expect(page.getByTestId('staff-tender-change')).toContainText('2.51');
  await shot('cash-tender');
  await page.getByTestId('staff-tender-cash').click();
  const receipt = await lane.printer.waitForReceipt(15_000, 0);
  expect(receipt.text).toMatch(/Cash\s+.*10\.00/);
  expect(receipt.text).toMatch(/Change\s+.*2\.51/);
  await expectScreen(page, 'receipt.done');
});

test('an assistant voids a dear item the shopper may not remove, and keys in a barcode that will not scan', async ({ page, lane }) => {
  await openKiosk(page, lane);
  await lane.scanner.scan(showcase.vodka);
  await signInAtLane(page, anna.id, anna.pin);
  const vodkaRow = page.getByTestId('staff-line').filter({ hasText: 'Vodka' });
  await vodkaRow.getByTestId('staff-line-void').click();
  await expect(page.getByTestId('basket-line')).toHaveCount(0);
  await page.getByTestId('staff-keyed-open').click();
  await typeInSection(page, 'keyed', showcase.milk);
  await page.getByTestId('staff-keyed-add').click();
  await expect(page.getByTestId('basket-line')).toHaveCount(1);
  await expect(page.getByTestId('basket-line')).toContainText('Milk');
});

test('an assistant closes the lane after the sale, services it, and opens it again', async ({ page, lane, shot }) => {
  await openKiosk(page, lane);
  await signInAtLane(page, anna.id, anna.pin);
  await page.getByTestId('staff-close-lane').click();
  await expectScreen(page, 'closed');
  await shot('closed');
  // Scans do nothing on a closed lane.
  await lane.scanner.scan(showcase.milk);
  await expectScreen(page, 'closed');
  await page.getByTestId('staff-maintenance').click();
  await expectScreen(page, 'maintenance');
  await page.getByTestId('staff-end-maintenance').click();
  await expectScreen(page, 'idle');
  await page.getByTestId('staff-close-lane').click();
  await page.getByTestId('staff-open-lane').click();
  await expectScreen(page, 'idle');
});

test('an assistant puts a sale on hold; the slip scanned later brings the basket back', async ({ page, lane, shot }) => {
  await openKiosk(page, lane);
  await lane.scanner.scan(showcase.milk);
  await lane.scanner.scan(showcase.coffee);
  await signInAtLane(page, anna.id, anna.pin);
  await page.getByTestId('staff-suspend').click();
  const slip = await lane.printer.waitForReceipt(15_000, 0);
  expect(slip.text).toContain('SALE ON HOLD');
  const heldId = /L01-[0-9a-f]+-\d{6}/.exec(slip.text)?.[0];
  expect(heldId).toBeDefined();
  await expect(page.getByTestId('suspended')).toBeVisible();
  await shot('sale-on-hold');
  await page.getByTestId('staff-panel-sign-out').click();
  await page.getByTestId('finish').click();
  await expectScreen(page, 'idle');

  await lane.scanner.scan(`]C0LW:S:${heldId}`);
  await expectScreen(page, 'scanning.ready');
  await expect(page.getByTestId('basket-line')).toHaveCount(2);
  // The slip is spent: scanned again, it says so and the basket stays as it is.
  await lane.scanner.scan(`]C0LW:S:${heldId}`);
  await expectScreen(page, 'scanning.suspendedSaleNotFound');
  await page.getByTestId('dismiss').click();
  await expect(page.getByTestId('basket-line')).toHaveCount(2);
});

test('split tender: a gift card covers part, the assistant takes the rest in cash, and the receipt shows both', async ({ page, lane, shot }) => {
  await openKiosk(page, lane);
  await lane.scanner.scan(showcase.bread);
  await lane.scanner.scan(showcase.coffee);
  // 1.89 + 7.49 = 9.38.
  await page.getByTestId('pay').click();
  await page.getByTestId('pay-card').click();
  await expect.poll(() => lane.terminal.pending.length, { timeout: 10_000 }).toBeGreaterThan(0);
  lane.terminal.decide(demoGiftCard);
  await expectScreen(page, 'payment.choosing');
  await expect(page.getByTestId('notice')).toHaveAttribute('data-kind', 'partialApproval');
  await expect(page.getByTestId('notice')).toContainText('4.38');
  await shot('partial-approval');
  await page.getByTestId('dismiss').click();
  await expect(page.getByTestId('paid-so-far')).toContainText('5.00');
  // Paid in part: the basket can no longer be changed from the shopper's side.
  await expect(page.getByTestId('back-to-basket')).toHaveCount(0);
  await page.getByTestId('pay-assistant').click();
  await signInAtLane(page, anna.id, anna.pin);
  await typeInSection(page, 'tender', '500');
  await expect(page.getByTestId('staff-tender-change')).toContainText('0.62');
  await page.getByTestId('staff-tender-cash').click();
  const receipt = await lane.printer.waitForReceipt(15_000, 0);
  expect(receipt.text).toMatch(/GIFT [*\s]+0500\s+.*5\.00/);
  expect(receipt.text).toMatch(/Cash\s+.*5\.00/);
  expect(receipt.text).toMatch(/Change\s+.*0\.62/);
  await expectScreen(page, 'receipt.done');
});
