import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'skip-build.mjs');
const PACKAGE = join(__dirname, '..', '..', '..', 'package.json');

/** Exit 0 means `prepare` skips `electron-vite build`. */
function skips(npmCommand: string | undefined, isBuilt: boolean): boolean {
  const root = mkdtempSync(join(tmpdir(), 'promptdesk-prepare-'));
  try {
    if (isBuilt) {
      mkdirSync(join(root, 'out', 'main'), { recursive: true });
      writeFileSync(join(root, 'out', 'main', 'cli.js'), '');
    }
    const env = { ...process.env, npm_command: npmCommand };
    if (npmCommand === undefined) delete env.npm_command;
    return spawnSync(process.execPath, [SCRIPT], { cwd: root, env }).status === 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('prepare: build on install, not on every first npx run', () => {
  it.each([
    ['exec', true, true], // npx promptdesk in a built checkout: run what is built, like node bin/promptdesk.js
    ['exec', false, false], // nothing built yet: the bin needs out/
    ['install', true, false],
    ['install', false, false],
    ['ci', true, false],
    ['rebuild', true, false],
    [undefined, true, false], // run by hand
  ] as const)('npm_command=%s, built=%s: skip=%s', (npmCommand, isBuilt, expected) => {
    expect(skips(npmCommand, isBuilt)).toBe(expected);
  });

  it('is wired into package.json before the build', () => {
    const scripts = (JSON.parse(readFileSync(PACKAGE, 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['prepare']).toBe('node scripts/skip-build.mjs || electron-vite build');
  });
});
