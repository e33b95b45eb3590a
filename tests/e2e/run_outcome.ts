// Waits for the run started from the page to end and fails with the app's own error text when
// it did not finish, so a failed run says why.

import { expect, type Page } from '@playwright/test';

export async function expectRunFinished(page: Page, timeout = 150_000): Promise<void> {
  const outcome = page.getByTestId('outcome');
  await expect(outcome).toHaveAttribute('data-phase', /^(finished|stopped|failed)$/, { timeout });
  const phase = await outcome.getAttribute('data-phase');
  const error = (await page.getByTestId('error').count()) > 0 ? await page.getByTestId('error').textContent() : null;
  expect(phase, `the run ended ${phase}: ${error ?? 'no error shown'}`).toBe('finished');
}
