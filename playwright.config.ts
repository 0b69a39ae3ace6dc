import { defineConfig } from '@playwright/test';
import { findChromium, systemBrowserProbe } from './test/e2e/browser';

const browser = findChromium(systemBrowserProbe());

/** E2E runs the built renderer in Chromium (see test/e2e/browser.ts) against the headless host (no Electron). */
export default defineConfig({
  testDir: 'test/e2e',
  // Without a browser: one line and stop, before any test launches (see test/e2e/browser.ts).
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: browser.found ? browser.path : undefined,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    viewport: { width: 1360, height: 860 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
