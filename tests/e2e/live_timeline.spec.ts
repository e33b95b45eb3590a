// The timeline fills while a run goes on: a deadlock left running (no watchdog) keeps its CPUs
// spinning under timer interrupts until the budget, and the page shows the growing recording,
// lanes, markers and end time, before the run ends; stopping it swaps in the finished recording
// where the view was (zoom and playhead kept).

import { expect, test, type Locator } from '@playwright/test';
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

/** The range the lanes were last drawn for. */
async function viewOf(canvas: Locator): Promise<[number, number]> {
  const [a, b] = ((await canvas.getAttribute('data-view')) ?? '').split(' ').map(Number);
  return [a!, b!];
}

test('a long run fills the timeline live, and its finished recording replaces it in place', async ({ page }) => {
  await page.goto(server.url);
  await page.locator('[data-scenario="lock-cycle-deadlock"]').click();
  await expectRunFinished(page);

  // Again without the watchdog, with a budget far beyond what the test waits for.
  await page.getByLabel('cmdline').fill('lockdep=off watchdog=off init=crashlab -- LOCK_CYCLE');
  await page.getByLabel('budget').fill('3000000000');
  await page.getByRole('button', { name: 'Run', exact: true }).click();

  const outcome = page.getByTestId('outcome');
  const canvas = page.getByTestId('timeline-canvas');
  await expect(outcome).toHaveAttribute('data-phase', 'running');
  // The growing recording is on the canvas: its lanes and markers drawn, its end moving on. (It
  // grows as the recorder commits, every few seconds at this run's pace of events.)
  await expect(canvas).toHaveAttribute('data-drawn', /^s\d+$/, { timeout: 60_000 });
  const live = await canvas.getAttribute('data-drawn');
  await expect(page.getByTestId('timeline-summary')).toContainText('interrupt', { timeout: 90_000 });
  const [, firstEnd] = await viewOf(canvas);
  await expect.poll(async () => (await viewOf(canvas))[1], { timeout: 90_000 }).toBeGreaterThan(firstEnd);
  await expect(outcome).toHaveAttribute('data-phase', 'running');
  await screenshot(page, 'live-timeline');

  // Zoom into the middle of what is there: the view stops following the end.
  const box = (await canvas.boundingBox())!;
  const [a0, b0] = await viewOf(canvas);
  await page.mouse.move(box.x + box.width / 2, box.y + 60);
  for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -120);
  await expect.poll(async () => { const [a, b] = await viewOf(canvas); return b - a; }).toBeLessThan((b0 - a0) / 1.5);
  const zoomed = await viewOf(canvas);
  const playhead = await page.getByTestId('playhead').textContent();
  await page.waitForTimeout(1500);
  expect(await viewOf(canvas)).toEqual(zoomed);

  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(outcome).toHaveAttribute('data-phase', 'stopped', { timeout: 60_000 });
  // The finished recording under the same session, drawn where the live one was.
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(canvas).toHaveAttribute('data-drawn', live!);
  expect(await viewOf(canvas)).toEqual(zoomed);
  await expect(page.getByTestId('playhead')).toHaveText(playhead!);
  await expect(page.getByTestId('timeline-summary')).toContainText('interrupt');
  await screenshot(page, 'live-run-stopped');
});
