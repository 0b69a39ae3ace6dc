import { findChromium, systemBrowserProbe } from './browser';

/**
 * Runs once before any test: without a browser, stop at once with one line (Playwright would
 * otherwise fail every test with the same launch error).
 */
export default function globalSetup(): void {
  const browser = findChromium(systemBrowserProbe());
  if (browser.found) return;
  process.stderr.write(`${browser.message}\n`);
  process.exit(1);
}
