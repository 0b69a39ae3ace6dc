// `npm start` runs this before `electron-vite preview`: it fetches Electron's binary the first
// time (npm install skips that download so it works offline) and builds better-sqlite3 for
// Electron. Exit 1 after one line when the desktop app cannot start; headless needs neither.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeOutDir } from './native-build';
import { installerEnv, isElectronBinaryInstalled, nativeBuildEnv, nativeFailureReason, nativeStampFor, runDesktopPrepare, type DesktopState } from './plan';

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

/** Runs a tool to the end with its output captured: undefined on success, else the output. */
function runTool(args: string[], env: NodeJS.ProcessEnv): Promise<{ failure: string | undefined; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ failure: error.message, output }));
    child.on('close', (code) => resolve({ failure: code === 0 ? undefined : output || `exit code ${code}`, output }));
  });
}

/** Electron's own installer (checksums, mirrors, cache), with its stack trace kept for the message. */
async function fetchElectron(): Promise<string | undefined> {
  return (await runTool([join(electronDir, 'install.js')], installerEnv(process.env))).failure;
}

/** The build in a child process, so node-gyp's pages of output go to .native/build.log. */
async function buildNative(state: DesktopState): Promise<void> {
  const abi = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim();
  const script = join(root, 'scripts', 'desktop', 'build-native.mts');
  const { failure, output } = await runTool(['--import', 'tsx', script, abi, state.electronVersion, state.wantedNativeStamp], nativeBuildEnv(process.env));
  const log = join(root, '.native', 'build.log');
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, output);
  if (failure !== undefined) throw new Error(`${nativeFailureReason(failure)}; details in .native/build.log`);
}

const code = await runDesktopPrepare({
  readState,
  fetchElectron,
  buildNative,
  log: (line) => console.log(line),
  error: (line) => console.error(line),
});
process.exitCode = code;
