// Which Chromium the browser tests drive: Playwright's own build when it is installed, else the
// system's /usr/bin/chromium (Debian's package, which CI installs through .ci/run). Neither is
// downloaded here; when both are missing the suite stops at once, saying what to install.

import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export function findChromium(): string {
  let bundled = '';
  try {
    bundled = chromium.executablePath();
  } catch {
    // Playwright throws when it has no browser registry entry at all.
  }
  if (bundled !== '' && existsSync(bundled)) return bundled;
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  throw new Error(
    `No Chromium for the browser tests: neither Playwright's own (${bundled || 'not installed'}) nor ` +
      `${SYSTEM_CHROMIUM} exists. Install one: apt-get install -y chromium (or npx playwright install chromium).`,
  );
}

/** Headless, and quiet: no sandbox (we run as root in CI), no GPU, no network of its own. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
