import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN_CHROMIUM, NO_BROWSER_MESSAGE, exitWithoutChromium, findChromium, systemBrowserProbe, type BrowserProbe } from '../../e2e/browser';

const PLAYWRIGHT = '/home/u/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';
const CUSTOM = '/opt/chrome/chrome';

const probe = (files: string[], env: Record<string, string | undefined> = {}, playwrightPath: string | undefined = PLAYWRIGHT): BrowserProbe => ({
  env,
  exists: (path) => files.includes(path),
  playwrightPath: () => playwrightPath,
});

describe('findChromium: which browser the end-to-end tests drive', () => {
  // Every combination of the three places, with CHROMIUM_PATH unset, set to a file, or set to nothing there.
  const places = [DEBIAN_CHROMIUM, PLAYWRIGHT, CUSTOM];
  const subsets = Array.from({ length: 1 << places.length }, (_, mask) => places.filter((_, i) => mask & (1 << i)));
  const choices: (string | undefined)[] = [undefined, '', CUSTOM];

  it.each(subsets.flatMap((files) => choices.map((chosen) => [files, chosen] as const)))('files %j, CHROMIUM_PATH=%s', (files, chosen) => {
    const result = findChromium(probe(files, { CHROMIUM_PATH: chosen }));
    if (chosen) {
      // The user's choice wins, and a wrong choice is reported, never replaced by another browser.
      if (files.includes(chosen)) expect(result).toEqual({ found: true, path: chosen, source: 'CHROMIUM_PATH' });
      else expect(result).toEqual({ found: false, message: expect.stringContaining(`CHROMIUM_PATH=${chosen}`) });
    } else if (files.includes(DEBIAN_CHROMIUM)) {
      expect(result).toEqual({ found: true, path: DEBIAN_CHROMIUM, source: 'debian' });
    } else if (files.includes(PLAYWRIGHT)) {
      expect(result).toEqual({ found: true, path: PLAYWRIGHT, source: 'playwright' });
    } else {
      expect(result).toEqual({ found: false, message: NO_BROWSER_MESSAGE });
    }
    if (!result.found) expect(result.message).not.toContain('\n');
  });

  it('says how to get a browser in one line', () => {
    expect(NO_BROWSER_MESSAGE).not.toContain('\n');
    expect(NO_BROWSER_MESSAGE).toContain('apt-get install -y chromium');
    expect(NO_BROWSER_MESSAGE).toContain('npx playwright install chromium');
    expect(NO_BROWSER_MESSAGE).toContain('CHROMIUM_PATH');
  });

  it('copes with a Playwright that has no build for this platform', () => {
    expect(findChromium(probe([], {}, undefined))).toEqual({ found: false, message: NO_BROWSER_MESSAGE });
    expect(findChromium(probe([''], {}, ''))).toEqual({ found: false, message: NO_BROWSER_MESSAGE });
  });

  it('asks Playwright where its own download lives', () => {
    expect(systemBrowserProbe().playwrightPath()).toMatch(/chrom/i);
  });
});

describe('exitWithoutChromium: before any test runs', () => {
  it('writes one line and exits 1 without a browser, and does nothing with one', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      exitWithoutChromium(probe([], {}, undefined));
      expect(exit).toHaveBeenCalledWith(1);
      expect(write.mock.calls).toEqual([[`${NO_BROWSER_MESSAGE}\n`]]);
      exit.mockClear();
      write.mockClear();
      exitWithoutChromium(probe([DEBIAN_CHROMIUM]));
      expect(exit).not.toHaveBeenCalled();
      expect(write).not.toHaveBeenCalled();
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });

  it('runs first in npm test and in Playwright\'s globalSetup', async () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['test']!.startsWith('tsx test/e2e/check-browser.ts && ')).toBe(true);
    const config = (await import('../../../playwright.config')).default;
    expect(config.globalSetup).toMatch(/global-setup\.ts$/);
  });
});
