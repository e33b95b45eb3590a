// Session files in the real renderer: open a recording, bookmark it, save, export the file,
// reopen it and find the bookmark; a corrupted file gives a clear error and the app goes on.

import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { recordingOf } from './recordings.ts';
import { screenshot } from './screens.ts';
import { startServer, type RunningServer } from './server.ts';

let server: RunningServer;
let recording: string;
test.beforeAll(async () => {
  recording = await recordingOf('null-deref-kernel');
  server = await startServer();
});
test.afterAll(async () => {
  await server.stop();
});

test('open a saved session, bookmark, save, reopen: the bookmark is there', async ({ page }, info) => {
  await page.goto(server.url);
  await page.getByTestId('file-input').setInputFiles(recording);
  await expect(page.getByTestId('runbar')).toBeVisible();
  await expect(page.getByTestId('outcome')).toContainText('panic');

  // Jump to the panic with the keyboard, bookmark it with a note, save into the file.
  await page.keyboard.press('x');
  await expect(page.getByTestId('event-panel')).toContainText(/panic|oops/i);
  await page.keyboard.press('b');
  await page.keyboard.type('the kernel gives up here');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('bookmark-note')).toHaveText(['the kernel gives up here']);
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
  await screenshot(page, 'session-bookmarked');

  // Export the saved file (what a user shares) and open that copy.
  const download = page.waitForEvent('download');
  await page.getByLabel('export').selectOption('session');
  const saved = info.outputPath('shared.flt');
  await (await download).saveAs(saved);
  await page.keyboard.press('g');
  await page.getByTestId('file-input').setInputFiles(saved);
  await expect(page.getByTestId('bookmark-note')).toHaveText(['the kernel gives up here']);
  // The shared copy is whole: every chunk decodes and every checkpoint restores.
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('status')).toContainText('verified, no damage found');
  await screenshot(page, 'session-reopened');
});

test('a corrupted file gives a clear error and the app keeps working', async ({ page }, info) => {
  await page.goto(server.url);

  // Not a database at all.
  const garbage = info.outputPath('garbage.flt');
  writeFileSync(garbage, 'this is not a session file\n'.repeat(200));
  await page.getByTestId('file-input').setInputFiles(garbage);
  await expect(page.getByTestId('error')).toContainText('not a Faultline session');

  // A real session cut in half, as an interrupted copy leaves it.
  const cut = info.outputPath('cut.flt');
  const bytes = readFileSync(recording);
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2) + 100));
  await page.getByTestId('file-input').setInputFiles(cut);
  await expect(page.getByTestId('error')).toContainText('truncated');
  await screenshot(page, 'corrupted-file-error');

  // The app still works: the good file opens.
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByTestId('file-input').setInputFiles(recording);
  await expect(page.getByTestId('outcome')).toContainText('panic');
  await expect(page.getByTestId('error')).toHaveCount(0);
});
