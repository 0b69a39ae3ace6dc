import { defineConfig } from '@playwright/test';
import { findChromium, systemBrowserProbe } from './test/e2e/browser';

const browser = findChromium(systemBrowserProbe());

/**
 * Specs that run a team server and desktops and wait on their sync (Online, Offline, Revoked):
 * they run after the rest, one at a time with nothing beside them, as they always have. Under a
 * second worker's load their first sync overran its 10 s wait ("Syncing…", sync-indicator and
 * team-members), the same slowness CI saw in team-journey.
 */
const TEAM_SPECS = /(team-[\w-]+|sync-[\w-]+|move-to-team)\.spec\.ts$/;

/** E2E runs the built renderer in Chromium (see test/e2e/browser.ts) against the headless host (no Electron). */
export default defineConfig({
  testDir: 'test/e2e',
  // Without a browser: one line and stop, before any test launches (see test/e2e/browser.ts).
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two workers for the specs that each start their own server on their own data folder (a test
  // shares no folder, port or file with another). One worker keeps a 2-core machine mostly idle
  // (server starts, page loads, polling): about 4 CPU-minutes in a 7-10 minute run.
  workers: 2,
  projects: [
    { name: 'app', testIgnore: TEAM_SPECS },
    { name: 'team', testMatch: TEAM_SPECS, workers: 1, dependencies: ['app'] },
  ],
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
