// The desktop app end to end, through Playwright's Electron driver: launch the built app, check
// the page sees no Node and only the API and cannot navigate away, run a scenario to its panic on
// the real machine and kernel (in the emulator host utility process), bookmark it, save the
// session with File > Save As, and reopen the saved file; then the menu's commands reaching the
// page: File > Open shows the file, File > Close goes back to the gallery, Help > Keyboard Map. Skipped, saying why, where the Electron binary is not installed or (Linux) there is
// no display to open a window on.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, type ElectronApplication, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { API_METHODS } from '../../preload/api.ts';
import { electronBinary } from './fixtures/electron_binary.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const binary = electronBinary();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skipReason = binary.missing ?? (noDisplay ? 'no display to open a window on (run under xvfb-run)' : null);

describe('the desktop app', () => {
  let app: ElectronApplication;
  let page: Page;
  const work = mkdtempSync(join(tmpdir(), 'faultline-desktop-'));

  beforeAll(async () => {
    if (skipReason !== null) return;
    // As npm start does: better-sqlite3 for Electron's ABI, then the build.
    execFileSync('npx', ['tsx', 'main/electron/prepare_electron.ts'], { cwd: ROOT, stdio: 'inherit' });
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
    app = await electron.launch({
      executablePath: binary.path!, cwd: ROOT,
      args: ['.', `--user-data-dir=${join(work, 'profile')}`],
    });
    page = await app.firstWindow();
  }, 300_000);

  afterAll(async () => {
    await app?.close();
  });

  it('serves the page from its own origin, sandboxed, with only window.faultline exposed', async (ctx) => {
    if (skipReason !== null) ctx.skip(skipReason);
    expect(page.url()).toBe('app://faultline/index.html');
    const exposed = await page.evaluate(() => ({
      api: Object.keys((globalThis as unknown as { faultline: object }).faultline).sort(),
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }));
    expect(exposed).toEqual({ api: [...API_METHODS, 'onCommand', 'onRun'].sort(), require: 'undefined', process: 'undefined' });
    // Navigation away is blocked; the app page stays.
    await page.evaluate(() => void ((globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/'));
    await page.waitForTimeout(500);
    expect(page.url()).toBe('app://faultline/index.html');
  });

  it('runs a scenario to its panic, saves it with a bookmark, and reopens the saved file', async (ctx) => {
    if (skipReason !== null) ctx.skip(skipReason);
    await page.locator('[data-scenario="null-deref-kernel"]').click();
    await expect(page.getByTestId('outcome')).toHaveAttribute('data-phase', 'finished', { timeout: 150_000 });
    await expect(page.getByTestId('outcome')).toContainText('panic');

    await page.keyboard.press('x');
    await expect(page.getByTestId('event-panel')).toContainText(/panic|oops/i);
    await page.keyboard.press('b');
    await page.keyboard.type('the kernel gives up here');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('bookmark-note')).toHaveText(['the kernel gives up here']);

    // File > Save As, with the native dialog answered by the test.
    const saved = join(work, 'panic.flt');
    await app.evaluate(({ dialog, Menu }, path) => {
      dialog.showSaveDialog = (async () => ({ canceled: false, filePath: path })) as typeof dialog.showSaveDialog;
      Menu.getApplicationMenu()!.getMenuItemById('save-as')!.click();
    }, saved);
    await expect.poll(() => existsSync(saved), { timeout: 20_000 }).toBe(true);

    await page.keyboard.press('g');
    await page.getByTestId('file-input').setInputFiles(saved);
    await expect(page.getByTestId('outcome')).toContainText('panic');
    await expect(page.getByTestId('bookmark-note')).toHaveText(['the kernel gives up here']);
  });

  it('shows what the menu does: File > Open, Close, Help > Keyboard Map', async (ctx) => {
    if (skipReason !== null) ctx.skip(skipReason);
    const saved = join(work, 'panic.flt');
    await page.keyboard.press('g');
    await app.evaluate(({ dialog, Menu }, path) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [path] })) as typeof dialog.showOpenDialog;
      Menu.getApplicationMenu()!.getMenuItemById('open')!.click();
    }, saved);
    await expect(page.getByTestId('outcome')).toContainText('panic');
    await expect(page.getByTestId('bookmark-note')).toHaveText(['the kernel gives up here']);
    await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getTitle())).toContain('panic.flt');

    await app.evaluate(({ Menu }) => Menu.getApplicationMenu()!.getMenuItemById('close')!.click());
    await expect(page.locator('[data-scenario]').first()).toBeVisible();

    await app.evaluate(({ Menu }) => Menu.getApplicationMenu()!.getMenuItemById('keyboard-map')!.click());
    await expect(page.getByRole('dialog', { name: 'keyboard shortcuts' })).toBeVisible();
  });
});
