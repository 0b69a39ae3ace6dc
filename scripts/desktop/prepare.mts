// `npm start` runs this before `electron-vite preview`: it fetches Electron's binary the first
// time (npm install skips that download so it works offline) and builds better-sqlite3 for
// Electron. Exit 1 after one line when the desktop app cannot start; headless needs neither.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectronNative, nativeOutDir } from './native-build';
import { installerEnv, isElectronBinaryInstalled, nativeBuildEnv, nativeStampFor, runDesktopPrepare, type DesktopState } from './plan';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const electronDir = dirname(require.resolve('electron/package.json'));
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const readText = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
const versionOf = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;

function readState(): DesktopState {
  const electronVersion = versionOf(electronDir);
  return {
    electronVersion,
    isElectronInstalled: isElectronBinaryInstalled(electronDir, electronVersion, process.platform, readText, existsSync),
    nativeStamp: readText(join(nativeOutDir(root), 'version.txt')),
    wantedNativeStamp: nativeStampFor(electronVersion, versionOf(sqliteDir), process.platform, process.arch),
  };
}

/** Electron's own installer (checksums, mirrors, cache), with its stack trace kept for the message. */
function fetchElectron(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], { env: installerEnv(process.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve(error.message));
    child.on('close', (code) => resolve(code === 0 ? undefined : output || `exit code ${code}`));
  });
}

const code = await runDesktopPrepare({
  readState,
  fetchElectron,
  buildNative: async (state) => {
    // @electron/rebuild hands node-gyp this process's environment.
    const env = nativeBuildEnv(process.env);
    for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
    const { rebuild } = await import('@electron/rebuild');
    const abi = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim();
    await buildElectronNative({ root, sqliteDir, abi, electronVersion: state.electronVersion, stamp: state.wantedNativeStamp, rebuild });
  },
  log: (line) => console.log(line),
  error: (line) => console.error(line),
});
process.exitCode = code;
