// `npm test` runs this first, so a machine without Chromium hears it in one line before the
// build and the unit tests, not minutes later.
import { exitWithoutChromium } from './browser';

exitWithoutChromium();
