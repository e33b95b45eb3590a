import { defineConfig } from 'vitest/config';

// Unit, differential, machine, guest and session tests. Browser tests run through Playwright.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'emulator/**/*.test.ts', 'main/**/*.test.ts', 'preload/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
