// A scenario run from the gallery on the real machine and kernel, then time travel to its fault:
// the timeline shows the expected markers, the registers panel the CPU state at the fault and the
// source panel the program's C line.

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

test('run "a user program reads a kernel address" from the gallery and scrub to its page fault', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'Scenarios' })).toBeVisible();
  await screenshot(page, 'gallery');

  await page.locator('[data-scenario="user-reads-kernel-pointer"]').click();
  await expect(page.getByTestId('runbar')).toBeVisible();
  await expectRunFinished(page);
  await expect(page.getByTestId('outcome')).toContainText('exit');

  // The whole recording in view: the user-mode page fault, the signal it became, system calls.
  const summary = page.getByTestId('timeline-summary');
  await expect(summary).toContainText('#PF');
  await expect(summary).toContainText('SIGSEGV');
  await expect(summary).toContainText('syscall');
  await screenshot(page, 'run-finished');

  // Time travel: jump to the fault; the playhead moves there and the state follows.
  await page.keyboard.press('f');
  const event = page.getByTestId('event-panel');
  await expect(event).toContainText('#PF page fault');
  await expect(event).toContainText('in user mode');
  const registers = page.getByTestId('registers');
  await expect(registers.getByTestId('cpl')).toHaveText('CPL 3');
  // RIP at the fault is the faulting user instruction the event names.
  const faultRip = (await event.locator('dt:text-is("RIP") + dd').textContent())!.trim().split(' ')[0]!;
  await expect(registers.locator('[data-reg="rip"] dd')).toHaveText(faultRip);
  // The source panel finds the user instruction in the tables of the program the CPU runs.
  const source = page.getByTestId('source');
  await expect(source.getByTestId('source-location')).toHaveText(/^user\/readkptr\.c:\d+ · main$/);
  await expect(source.getByTestId('source-here')).toContainText('*(volatile unsigned long *)req.out');
  await expect(page.getByTestId('console')).toContainText('the kernel leaked');
  await screenshot(page, 'scrubbed-to-fault');

  // Scrub by dragging on the ruler back to the start: the state follows the playhead.
  const canvas = page.getByTestId('timeline-canvas');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + 2, box.y + 10, { steps: 8 });
  await page.mouse.up();
  await expect(page.getByTestId('console')).not.toContainText('the kernel leaked');
  await expect(registers.getByTestId('cpl')).toHaveText('CPL 0');

  // Brush the first tenth of the overview: the lanes show that range, with fewer events in view.
  // (The drag starts clear of the current range's edge handle, which would resize it instead.)
  const everything = await summary.textContent();
  const overview = (await page.getByTestId('overview').boundingBox())!;
  await page.mouse.move(overview.x + 20, overview.y + overview.height / 2);
  await page.mouse.down();
  await page.mouse.move(overview.x + overview.width / 10, overview.y + overview.height / 2, { steps: 6 });
  await page.mouse.up();
  await expect(summary).not.toHaveText(everything!);
  await screenshot(page, 'overview-brushed');
  await expect(summary).not.toContainText('SIGSEGV');
});
