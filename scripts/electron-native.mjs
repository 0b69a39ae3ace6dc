// Builds better-sqlite3 against Electron's ABI into .native/electron, leaving the Node build in
// node_modules for the CLI and tests. Needs Electron's headers (downloaded once by node-gyp).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const outDir = join(root, '.native', 'electron');
const stamp = join(outDir, 'version.txt');

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion) process.exit(0);

const work = join(root, '.native', 'build');
rmSync(work, { recursive: true, force: true });
cpSync(dirname(require.resolve('better-sqlite3/package.json')), work, { recursive: true });
const nodeGyp = join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
try {
  execFileSync(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { cwd: work, stdio: 'inherit' });
} catch {
  console.error(`Could not build better-sqlite3 for Electron ${electronVersion} (it needs Electron's headers once).\nHeadless mode needs no rebuild: npx promptdesk serve --data-dir DIR`);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), join(outDir, 'better_sqlite3.node'));
writeFileSync(stamp, electronVersion);
rmSync(work, { recursive: true, force: true });
