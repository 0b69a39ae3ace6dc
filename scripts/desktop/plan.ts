// What `npm start` must do before Electron can open the window. Pure functions: the entry
// (scripts/desktop/prepare.ts) reads the disk and runs the steps, tests inject the state.
import { join } from 'node:path';

/** What is on disk, as read by `readDesktopState`. */
export interface DesktopState {
  /** The version in node_modules/electron/package.json, e.g. "41.7.1". */
  electronVersion: string;
  /** The Electron binary for this version is unpacked (see `isElectronBinaryInstalled`). */
  isElectronInstalled: boolean;
  /** The stamp the last native build wrote (.native/electron/version.txt), if any. */
  nativeStamp: string | undefined;
  /** The stamp a build for the current Electron, better-sqlite3 and platform would write. */
  wantedNativeStamp: string;
}

/**
 * One step `npm start` runs before launching Electron:
 * - `fetch-electron`: run Electron's own installer (node_modules/electron/install.js) once;
 *   `npm install` skips it (package.json `allowScripts`) so installing never needs the download host.
 * - `build-native`: build better-sqlite3 for Electron's ABI into .native/electron/.
 */
export type DesktopStep = 'fetch-electron' | 'build-native';

/**
 * The steps still needed, in order; [] when the desktop app can launch at once.
 * @example planDesktopStart({ electronVersion: '41.7.1', isElectronInstalled: false, nativeStamp: undefined, wantedNativeStamp: 's' }) // ['fetch-electron', 'build-native']
 */
export function planDesktopStart(state: DesktopState): DesktopStep[] {
  const steps: DesktopStep[] = [];
  if (!state.isElectronInstalled) steps.push('fetch-electron');
  if (state.nativeStamp !== state.wantedNativeStamp) steps.push('build-native');
  return steps;
}

/**
 * Identifies a native build: a new Electron, a new better-sqlite3 or another platform/arch
 * (a checkout copied between machines) each need a rebuild.
 * @example nativeStampFor('41.7.1', '12.11.1', 'linux', 'x64') // 'electron 41.7.1, better-sqlite3 12.11.1, linux-x64'
 */
export function nativeStampFor(electronVersion: string, sqliteVersion: string, platform: string, arch: string): string {
  return `electron ${electronVersion}, better-sqlite3 ${sqliteVersion}, ${platform}-${arch}`;
}

/** The executable inside node_modules/electron/dist, as Electron's install.js names it. */
export function electronExecutableFor(platform: string): string {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/**
 * Whether Electron's binary for `version` is unpacked in `electronDir`, by the same test as
 * Electron's install.js (dist/version, path.txt and the executable), so a binary left from an
 * older Electron counts as missing.
 * @param read returns a file's text, or undefined when it does not exist
 */
export function isElectronBinaryInstalled(
  electronDir: string,
  version: string,
  platform: string,
  read: (path: string) => string | undefined,
  exists: (path: string) => boolean,
): boolean {
  const executable = electronExecutableFor(platform);
  const distVersion = read(join(electronDir, 'dist', 'version'))?.trim().replace(/^v/, '');
  if (distVersion !== version) return false;
  if (read(join(electronDir, 'path.txt')) !== executable) return false;
  return exists(join(electronDir, 'dist', executable));
}

/**
 * The environment for Electron's installer: without ELECTRON_SKIP_BINARY_DOWNLOAD, which makes
 * it exit 0 without downloading (it is still set on machines set up by older instructions).
 */
export function installerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const key of Object.keys(copy)) if (key.toUpperCase() === 'ELECTRON_SKIP_BINARY_DOWNLOAD') delete copy[key];
  return copy;
}

/**
 * npm settings that node-gyp reads from the environment and that would build against other
 * headers than Electron's: `nodedir=/usr` in ~/.npmrc (set on machines that build offline)
 * silently produced a binary for Node's ABI, which Electron refuses to load.
 */
const FOREIGN_HEADER_SETTINGS = ['npm_config_nodedir', 'npm_config_target', 'npm_config_runtime', 'npm_config_disturl', 'npm_config_dist_url'];

/** The environment for @electron/rebuild: without the npm settings that point node-gyp elsewhere. */
export function nativeBuildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const key of Object.keys(copy)) if (FOREIGN_HEADER_SETTINGS.includes(key.toLowerCase())) delete copy[key];
  return copy;
}

/** Marks the reason on the last line of the native build's output (scripts/desktop/build-native.mts). */
export const NATIVE_FAILURE_PREFIX = 'promptdesk-native-build-failed: ';

/**
 * Why the native build failed, from its whole output: the marked reason if the child got that
 * far, else the first line (a crash before it could say).
 */
export function nativeFailureReason(output: string): string {
  const marked = output.split(/\r?\n/).findLast((line) => line.startsWith(NATIVE_FAILURE_PREFIX));
  return marked !== undefined ? marked.slice(NATIVE_FAILURE_PREFIX.length).trim() : firstLine(output);
}

/** The first meaningful line of a failing tool's output (installers print whole stacks). */
export function firstLine(output: string): string {
  return output.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== '') ?? 'no output';
}

const HEADLESS_HINT = 'headless mode needs neither: node bin/promptdesk.js serve --data-dir DIR';

/** One line for a failed Electron download: what failed, why, and what to do. */
export function electronFetchFailedMessage(version: string, reason: string): string {
  return `promptdesk: cannot download Electron ${version} for the desktop app (${reason}); connect to the internet (or set ELECTRON_MIRROR) and run npm start again; ${HEADLESS_HINT}`;
}

/** One line for a failed native build. */
export function nativeBuildFailedMessage(version: string, reason: string): string {
  return `promptdesk: cannot build better-sqlite3 for Electron ${version} (${reason}); it needs Electron's headers once (internet) and a C++ toolchain if no prebuilt binary fits; ${HEADLESS_HINT}`;
}

/** The effects `runDesktopPrepare` needs; the entry passes real ones, tests fakes. */
export interface DesktopEffects {
  readState(): DesktopState | Promise<DesktopState>;
  /** Runs Electron's installer; resolves to undefined on success, else its output. */
  fetchElectron(): Promise<string | undefined>;
  /** Builds the native module and writes the stamp; rejects with the reason. */
  buildNative(state: DesktopState): Promise<void>;
  log(line: string): void;
  error(line: string): void;
}

/**
 * Runs the planned steps and answers the exit code: 0 when Electron can launch, 1 after exactly
 * one error line when it cannot.
 */
export async function runDesktopPrepare(effects: DesktopEffects): Promise<number> {
  let state = await effects.readState();
  for (const step of planDesktopStart(state)) {
    if (step === 'fetch-electron') {
      effects.log(`promptdesk: downloading Electron ${state.electronVersion} for the desktop app (once)`);
      const failure = await effects.fetchElectron();
      state = await effects.readState();
      if (!state.isElectronInstalled) {
        effects.error(electronFetchFailedMessage(state.electronVersion, firstLine(failure ?? 'the installer left no binary')));
        return 1;
      }
    } else {
      effects.log(`promptdesk: building better-sqlite3 for Electron ${state.electronVersion} into .native/electron (once)`);
      try {
        await effects.buildNative(state);
      } catch (error) {
        effects.error(nativeBuildFailedMessage(state.electronVersion, firstLine(error instanceof Error ? error.message : String(error))));
        return 1;
      }
    }
  }
  return 0;
}
