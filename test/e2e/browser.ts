// One place decides which Chromium the end-to-end tests drive, so a machine without one gets a
// single line saying how to get one instead of a launch failure per test.
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** Debian's package (`apt-get install -y chromium`), what `.ci/run` installs. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Where the browser came from: the user's choice, the OS package, or Playwright's own download. */
export type BrowserSource = 'CHROMIUM_PATH' | 'debian' | 'playwright';

export type BrowserLookup = { found: true; path: string; source: BrowserSource } | { found: false; message: string };

export interface BrowserProbe {
  /** Read for CHROMIUM_PATH. */
  env: Readonly<Record<string, string | undefined>>;
  /** Whether a file exists at a path (not whether it can be run). */
  exists(path: string): boolean;
  /** Where `npx playwright install chromium` puts Chromium for this Playwright version. */
  playwrightPath(): string | undefined;
}

export const NO_BROWSER_MESSAGE =
  'No Chromium for the end-to-end tests: apt-get install -y chromium (Debian/Ubuntu), or npx playwright install chromium, or set CHROMIUM_PATH=/path/to/chromium';

/**
 * Finds the Chromium to drive, in order: CHROMIUM_PATH, Debian's /usr/bin/chromium, Playwright's
 * download. A CHROMIUM_PATH that names no file is an error, not a silent fallback to another browser.
 * @example findChromium(systemBrowserProbe()) // { found: true, path: '/usr/bin/chromium', source: 'debian' }
 */
export function findChromium(probe: BrowserProbe): BrowserLookup {
  const chosen = probe.env['CHROMIUM_PATH'];
  if (chosen !== undefined && chosen !== '') {
    return probe.exists(chosen)
      ? { found: true, path: chosen, source: 'CHROMIUM_PATH' }
      : { found: false, message: `CHROMIUM_PATH=${chosen} does not exist; unset it or point it at a Chromium binary` };
  }
  if (probe.exists(DEBIAN_CHROMIUM)) return { found: true, path: DEBIAN_CHROMIUM, source: 'debian' };
  const downloaded = probe.playwrightPath();
  if (downloaded !== undefined && downloaded !== '' && probe.exists(downloaded)) return { found: true, path: downloaded, source: 'playwright' };
  return { found: false, message: NO_BROWSER_MESSAGE };
}

/** The probe for this machine. */
export function systemBrowserProbe(): BrowserProbe {
  return {
    env: process.env,
    exists: existsSync,
    playwrightPath: () => {
      try {
        return chromium.executablePath();
      } catch {
        return undefined; // an unsupported platform has no Playwright build
      }
    },
  };
}

/**
 * Stops the process with the one-line message when this machine has no Chromium; used before
 * any test runs (`npm test` checks first, Playwright's globalSetup checks again).
 */
export function exitWithoutChromium(probe: BrowserProbe = systemBrowserProbe()): void {
  const browser = findChromium(probe);
  if (browser.found) return;
  process.stderr.write(`${browser.message}\n`);
  process.exit(1);
}
