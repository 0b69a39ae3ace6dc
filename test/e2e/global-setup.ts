import { exitWithoutChromium } from './browser';

/**
 * Runs once before any test: without a browser, stop at once with one line (Playwright would
 * otherwise fail every test with the same launch error).
 */
export default function globalSetup(): void {
  exitWithoutChromium();
}
