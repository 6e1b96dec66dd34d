import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** Signs an assistant in on the kiosk's own keypad, as staff do at a lane. */
export async function signInAtLane(page: Page, assistantId: string, pin: string): Promise<void> {
  await page.getByTestId('staff').click();
  const pad = page.getByTestId('sign-in');
  await expect(pad).toBeVisible();
  await pad.getByTestId('staff-id').click();
  for (const digit of assistantId) await pad.getByTestId(`keypad-${digit}`).click();
  await pad.getByTestId('staff-pin').click();
  for (const digit of pin) await pad.getByTestId(`keypad-${digit}`).click();
  await pad.getByTestId('staff-sign-in').click();
  await expect(page.getByTestId('assistant-panel')).toBeVisible();
}

/** Types an amount (minor units, as digits) on the keypad of one section of the assistant panel. */
export async function typeInSection(page: Page, section: string, digits: string): Promise<void> {
  const keys = page.getByTestId(`staff-section-${section}`);
  for (const digit of digits) await keys.getByTestId(`keypad-${digit}`).click();
}
