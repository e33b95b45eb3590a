// The app without a mouse: choose a scenario with Tab and Enter, travel through the recording
// with the keys of the help overlay, and come back to the gallery.

import { expect, test } from '@playwright/test';
import { expectRunFinished } from './run_outcome.ts';
import { screenshot } from './screens.ts';
import { startServer, type RunningServer } from './server.ts';

let server: RunningServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server.stop();
});

test('keyboard only: run a scenario, jump, step, zoom, help, back', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.locator('[data-scenario="write-validation"]')).toBeVisible();

  // Tab to the first card, arrow along the cards to "write-validation", Enter runs it.
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    if (await page.locator('[data-scenario]:focus').count()) break;
  }
  await expect(page.locator('[data-scenario]:focus')).toHaveCount(1);
  for (let i = 0; i < 30 && !(await page.locator('[data-scenario="write-validation"]:focus').count()); i++) {
    await page.keyboard.press('ArrowRight');
  }
  await page.keyboard.press('Enter');
  await expectRunFinished(page);

  // Help overlay lists the keys; Escape closes it.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'keyboard shortcuts' });
  await expect(help).toContainText('next / previous fault');
  await screenshot(page, 'help-overlay');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  // Jump to the next privilege switch: a system call entering the kernel.
  const playhead = page.getByTestId('playhead');
  const start = await playhead.textContent();
  await page.keyboard.press('p');
  await expect(page.getByTestId('event-panel')).toContainText(/CPL \d → \d/);
  await expect(playhead).not.toHaveText(start!);

  // Next event, then one instruction forward and back: the playhead moves each time.
  const atSwitch = await playhead.textContent();
  await page.keyboard.press('ArrowRight');
  await expect(playhead).not.toHaveText(atSwitch!);
  const atEvent = await playhead.textContent();
  await page.keyboard.press('.');
  await expect(playhead).not.toHaveText(atEvent!);
  await page.keyboard.press(',');
  await expect(playhead).toHaveText(atEvent!);

  // Select the CPU below (wrapping to CPU 0 after the last), zoom in and out, fit.
  const heading = page.getByTestId('registers').getByRole('heading');
  const cpu = Number((await heading.textContent())!.replace(/\D+/g, ''));
  const cpus = Number(await page.getByLabel('CPUs').inputValue());
  await page.keyboard.press('ArrowDown');
  await expect(heading).toHaveText(`Registers · CPU ${(cpu + 1) % cpus}`);
  await page.keyboard.press('w');
  await page.keyboard.press('s');
  await page.keyboard.press('0');

  // The inspector tabs by number: 3 is the stack, 7 the panic report, 1 the fault again.
  await page.keyboard.press('3');
  await expect(page.getByTestId('tab-stack')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('7');
  await expect(page.getByTestId('tab-panic')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('1');
  await expect(page.getByTestId('tab-fault')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tab-stack')).toHaveAttribute('aria-selected', 'false');
  await screenshot(page, 'keyboard-navigation');

  // Back to the gallery.
  await page.keyboard.press('g');
  await expect(page.getByRole('heading', { name: 'Scenarios' })).toBeVisible();
});
