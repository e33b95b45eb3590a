import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './tests/e2e/find_chromium.ts';

// Browser tests of the real renderer in browser mode (tests/e2e/server.ts starts the server on a
// free port for each test file). `npm run test:e2e` builds the renderer first.
export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e',
  timeout: 180_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1600, height: 1000 },
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    acceptDownloads: true,
    trace: 'off',
  },
});
