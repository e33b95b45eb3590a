// A session file dropped onto the window opens, as in the desktop app (which does not navigate
// on a drop): the drop carries a real recording's bytes in a DataTransfer built in the page. A
// dropped file that is not a session gives a clear error, is not kept among the sessions, and
// the app goes on to open the next drop.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
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

/** Drags a file with these bytes over the page and drops it, as a file manager does. */
async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  const dataTransfer = await page.evaluateHandle(({ name, base64 }) => {
    // The page's own DOM classes (the tests are typed without the DOM library).
    const dom = globalThis as unknown as {
      DataTransfer: new () => { items: { add(file: unknown): void } };
      File: new (parts: Uint8Array[], name: string) => unknown;
    };
    const text = atob(base64);
    const data = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) data[i] = text.charCodeAt(i);
    const transfer = new dom.DataTransfer();
    transfer.items.add(new dom.File([data], name));
    return transfer;
  }, { name, base64: bytes.toString('base64') });
  for (const type of ['dragenter', 'dragover', 'drop']) await page.dispatchEvent('main', type, { dataTransfer });
}

test('a recorded session dropped on the window opens', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.locator('[data-scenario]').first()).toBeVisible();
  await dropFile(page, 'dropped-panic.flt', readFileSync(recording));
  await expect(page.getByTestId('runbar')).toBeVisible();
  await expect(page.getByTestId('outcome')).toContainText('panic');
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(page.url()).toBe(server.url);
  await screenshot(page, 'dropped-session');
});

test('a dropped file that is not a session gives a clear error, and the next drop opens', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.locator('[data-scenario]').first()).toBeVisible();
  await dropFile(page, 'notes.txt', Buffer.from('not a recording\n'.repeat(100)));
  await expect(page.getByTestId('error')).toContainText('notes.txt: not a Faultline session');
  expect(page.url()).toBe(server.url);
  await screenshot(page, 'dropped-not-a-session');

  // Not kept among the sessions the gallery lists.
  await page.reload();
  await expect(page.locator('[data-scenario]').first()).toBeVisible();
  await expect(page.locator('[data-recent^="notes"]')).toHaveCount(0);

  await dropFile(page, basename(recording), readFileSync(recording));
  await expect(page.getByTestId('outcome')).toContainText('panic');
  await expect(page.getByTestId('error')).toHaveCount(0);
});
