import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  electronExecutableFor,
  installerEnv,
  isElectronBinaryInstalled,
  nativeBuildEnv,
  nativeFailureReason,
  NATIVE_FAILURE_PREFIX,
  nativeStampFor,
  planDesktopStart,
  runDesktopPrepare,
  type DesktopState,
} from '../../../scripts/desktop/plan';
import { buildElectronNative, moduleAbisOf, type Rebuild } from '../../../scripts/desktop/native-build';

const WANTED = nativeStampFor('41.7.1', '12.11.1', 'linux', 'x64');
const state = (over: Partial<DesktopState> = {}): DesktopState => ({
  electronVersion: '41.7.1',
  isElectronInstalled: true,
  nativeStamp: WANTED,
  wantedNativeStamp: WANTED,
  ...over,
});

describe('npm install and npm start (package.json)', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    allowScripts: Record<string, boolean>;
  };

  it("never runs Electron's download on install (npm 11.16+ skips scripts denied in allowScripts)", () => {
    expect(pkg.allowScripts['electron']).toBe(false);
  });

  it('fetches Electron and builds natives before every Electron launch', () => {
    expect(pkg.scripts['start']).toMatch(/^tsx scripts\/desktop\/prepare\.mts && electron-vite preview$/);
    expect(pkg.scripts['dev']).toMatch(/^tsx scripts\/desktop\/prepare\.mts && electron-vite dev$/);
  });
});

describe('npm start: what to do before Electron launches', () => {
  it('fetches Electron exactly when its binary is missing and builds natives exactly when the stamp differs', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.option(fc.string(), { nil: undefined }), fc.string(), (isElectronInstalled, nativeStamp, wanted) => {
        const steps = planDesktopStart(state({ isElectronInstalled, nativeStamp, wantedNativeStamp: wanted }));
        expect(steps.includes('fetch-electron')).toBe(!isElectronInstalled);
        expect(steps.includes('build-native')).toBe(nativeStamp !== wanted);
        // Electron first: the native build is pointless without the binary it is for.
        if (steps.length === 2) expect(steps).toEqual(['fetch-electron', 'build-native']);
      }),
    );
  });

  it('rebuilds natives for a new Electron, a new better-sqlite3 and another platform or arch', () => {
    const variants = [
      nativeStampFor('42.0.0', '12.11.1', 'linux', 'x64'),
      nativeStampFor('41.7.1', '12.12.0', 'linux', 'x64'),
      nativeStampFor('41.7.1', '12.11.1', 'win32', 'x64'),
      nativeStampFor('41.7.1', '12.11.1', 'linux', 'arm64'),
    ];
    for (const old of variants) expect(planDesktopStart(state({ nativeStamp: old }))).toEqual(['build-native']);
    // The stamp of the old script (the Electron version alone) is rebuilt once too.
    expect(planDesktopStart(state({ nativeStamp: '41.7.1' }))).toEqual(['build-native']);
  });

  describe('Electron binary detection (the test of electron/install.js)', () => {
    const dir = '/x/node_modules/electron';
    const files = (platform: string, version: string, pathTxt = electronExecutableFor(platform)) => ({
      [join(dir, 'dist', 'version')]: version,
      [join(dir, 'path.txt')]: pathTxt,
      [join(dir, 'dist', electronExecutableFor(platform))]: 'binary',
    });
    const check = (fs: Record<string, string>, platform: string) =>
      isElectronBinaryInstalled(dir, '41.7.1', platform, (p) => fs[p], (p) => p in fs);

    it.each(['linux', 'darwin', 'win32', 'freebsd'])('%s: installed when version, path.txt and executable agree', (platform) => {
      expect(check(files(platform, '41.7.1'), platform)).toBe(true);
      expect(check(files(platform, 'v41.7.1\n'), platform)).toBe(true);
    });

    it.each(['linux', 'darwin', 'win32'])('%s: missing when any part is missing or stale', (platform) => {
      const full = files(platform, '41.7.1');
      for (const key of Object.keys(full)) {
        const partial = { ...full };
        delete partial[key];
        expect(check(partial, platform)).toBe(false);
      }
      expect(check(files(platform, '40.0.0'), platform)).toBe(false);
      expect(check(files(platform, '41.7.1', 'other'), platform)).toBe(false);
      // What `npm install` leaves now: the package without its binary.
      expect(check({}, platform)).toBe(false);
    });
  });

  it('runs the installer without ELECTRON_SKIP_BINARY_DOWNLOAD, whatever its case, and keeps the rest', () => {
    const env = installerEnv({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1', electron_skip_binary_download: '1', ELECTRON_MIRROR: 'http://mirror', PATH: '/bin' });
    expect(env).toEqual({ ELECTRON_MIRROR: 'http://mirror', PATH: '/bin' });
  });

  it('builds natives without the npm settings that point node-gyp at other headers (nodedir=/usr gave Node\'s ABI)', () => {
    const env = nativeBuildEnv({
      npm_config_nodedir: '/usr',
      NPM_CONFIG_NODEDIR: '/usr',
      npm_config_target: '20.20.2',
      npm_config_runtime: 'node',
      npm_config_disturl: 'https://nodejs.org/dist',
      npm_config_dist_url: 'https://nodejs.org/dist',
      npm_config_cache: '/root/.npm',
      PATH: '/bin',
    });
    expect(env).toEqual({ npm_config_cache: '/root/.npm', PATH: '/bin' });
  });

  it('takes the native build\'s reason from its marked last line, past pages of node-gyp output', () => {
    const gyp = 'gyp info it worked\ngyp ERR! stack Error: getaddrinfo ENOTFOUND electronjs.org\n'.repeat(20);
    expect(nativeFailureReason(`${gyp}${NATIVE_FAILURE_PREFIX}node-gyp failed to rebuild 'better-sqlite3'\n`)).toBe("node-gyp failed to rebuild 'better-sqlite3'");
    // A child that died before it could say: its first line.
    expect(nativeFailureReason('\nError [ERR_MODULE_NOT_FOUND]: Cannot find package tsx\n    at x')).toBe('Error [ERR_MODULE_NOT_FOUND]: Cannot find package tsx');
  });

  describe('runDesktopPrepare', () => {
    const run = async (initial: DesktopState, fetchResult: { installs: boolean; output?: string }, buildError?: Error) => {
      let current = initial;
      const calls: string[] = [];
      const logs: string[] = [];
      const errors: string[] = [];
      const code = await runDesktopPrepare({
        readState: () => current,
        fetchElectron: async () => {
          calls.push('fetch');
          if (fetchResult.installs) current = { ...current, isElectronInstalled: true };
          return fetchResult.output;
        },
        buildNative: async () => {
          calls.push('build');
          if (buildError) throw buildError;
        },
        log: (line) => logs.push(line),
        error: (line) => errors.push(line),
      });
      return { code, calls, logs, errors };
    };

    it('launches at once when everything is in place', async () => {
      expect(await run(state(), { installs: true })).toEqual({ code: 0, calls: [], logs: [], errors: [] });
    });

    it('fetches then builds on the first start', async () => {
      const result = await run(state({ isElectronInstalled: false, nativeStamp: undefined }), { installs: true });
      expect(result).toMatchObject({ code: 0, calls: ['fetch', 'build'], errors: [] });
    });

    it('stops with one line saying what to do when the download host is unreachable', async () => {
      const stack = 'RequestError: getaddrinfo ENOTFOUND github.com\n    at ClientRequest.<anonymous> (got/index.js:970:111)\n    at emit';
      const result = await run(state({ isElectronInstalled: false, nativeStamp: undefined }), { installs: false, output: stack });
      expect(result.code).toBe(1);
      expect(result.calls).toEqual(['fetch']);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).not.toContain('\n');
      expect(result.errors[0]).toContain('Electron 41.7.1');
      expect(result.errors[0]).toContain('ENOTFOUND github.com');
      expect(result.errors[0]).toContain('npm start');
      expect(result.errors[0]).toContain('node bin/promptdesk.js serve');
    });

    it('does not trust an installer that exits 0 without a binary (ELECTRON_SKIP_BINARY_DOWNLOAD)', async () => {
      const result = await run(state({ isElectronInstalled: false }), { installs: false, output: undefined });
      expect(result.code).toBe(1);
      expect(result.errors).toHaveLength(1);
    });

    it('stops with one line when the native build fails', async () => {
      const result = await run(state({ nativeStamp: undefined }), { installs: true }, new Error("node-gyp failed to rebuild 'better-sqlite3'\nmore"));
      expect(result).toMatchObject({ code: 1, calls: ['build'] });
      expect(result.errors).toEqual([expect.stringContaining("node-gyp failed to rebuild 'better-sqlite3'")]);
      expect(result.errors[0]).not.toContain('\n');
    });
  });
});

// What the linker leaves in an addon: its registration symbol among other bytes.
const NODE_BINARY = '\x7fELF\0\0node_register_module_v115\0napi_module_register\0';
const ELECTRON_BINARY = '\x7fELF\0\0node_register_module_v145\0napi_module_register\0';

describe('the Electron build of better-sqlite3 (@electron/rebuild)', () => {
  it('reads the ABI an addon registers for', () => {
    expect(moduleAbisOf(Buffer.from(NODE_BINARY, 'latin1'))).toEqual(['115']);
    expect(moduleAbisOf(Buffer.from(ELECTRON_BINARY, 'latin1'))).toEqual(['145']);
    expect(moduleAbisOf(Buffer.from('no symbol'))).toEqual([]);
  });

  it('refuses a build for another ABI (node-gyp given Node\'s headers) and installs nothing', async () => {
    const { root, sqliteDir } = setup();
    const rebuild: Rebuild = async (options) => {
      const release = join(options.buildPath, 'node_modules', 'better-sqlite3', 'build', 'Release');
      mkdirSync(release, { recursive: true });
      writeFileSync(join(release, 'better_sqlite3.node'), NODE_BINARY);
    };
    try {
      await expect(buildElectronNative({ root, sqliteDir, abi: '145', electronVersion: '41.7.1', stamp: WANTED, rebuild })).rejects.toThrow(
        /NODE_MODULE_VERSION 115, Electron 41.7.1 needs 145/,
      );
      expect(existsSync(join(root, '.native', 'electron'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  const setup = () => {
    const root = mkdtempSync(join(tmpdir(), 'promptdesk-native-'));
    const sqliteDir = join(root, 'node_modules', 'better-sqlite3');
    mkdirSync(join(sqliteDir, 'build', 'Release'), { recursive: true });
    writeFileSync(join(sqliteDir, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
    writeFileSync(join(sqliteDir, 'binding.gyp'), '{}');
    writeFileSync(join(sqliteDir, 'build', 'Release', 'better_sqlite3.node'), NODE_BINARY);
    return { root, sqliteDir };
  };
  const snapshot = (dir: string): Record<string, string> =>
    Object.fromEntries(
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => [join(entry.parentPath, entry.name), readFileSync(join(entry.parentPath, entry.name), 'utf8')]),
    );

  it('asks @electron/rebuild for better-sqlite3 alone, in a copy, and installs the result in .native/electron', async () => {
    const { root, sqliteDir } = setup();
    const before = snapshot(sqliteDir);
    const calls: Parameters<Rebuild>[0][] = [];
    const rebuild: Rebuild = async (options) => {
      calls.push(options);
      const moduleDir = join(options.buildPath, 'node_modules', 'better-sqlite3');
      // The copy must not carry the Node build, or a no-op rebuild would pass it off as Electron's.
      expect(existsSync(join(moduleDir, 'build'))).toBe(false);
      expect(existsSync(join(moduleDir, 'binding.gyp'))).toBe(true);
      mkdirSync(join(moduleDir, 'build', 'Release'), { recursive: true });
      writeFileSync(join(moduleDir, 'build', 'Release', 'better_sqlite3.node'), ELECTRON_BINARY);
    };
    try {
      await buildElectronNative({ root, sqliteDir, abi: '145', electronVersion: '41.7.1', stamp: WANTED, rebuild });
      expect(calls).toEqual([expect.objectContaining({ electronVersion: '41.7.1', onlyModules: ['better-sqlite3'], force: true })]);
      expect(calls[0]!.buildPath.startsWith(join(root, '.native'))).toBe(true);
      expect(readFileSync(join(root, '.native', 'electron', 'better_sqlite3.node'), 'utf8')).toBe(ELECTRON_BINARY);
      expect(readFileSync(join(root, '.native', 'electron', 'version.txt'), 'utf8')).toBe(WANTED);
      expect(snapshot(sqliteDir)).toEqual(before); // the Node build stays for the CLI and tests
      expect(existsSync(join(root, '.native', 'build'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a failed rebuild installs nothing and writes no stamp, so the next start retries', async () => {
    const { root, sqliteDir } = setup();
    const rebuild: Rebuild = async () => {
      throw new Error('node-gyp failed to rebuild');
    };
    try {
      await expect(buildElectronNative({ root, sqliteDir, abi: '145', electronVersion: '41.7.1', stamp: WANTED, rebuild })).rejects.toThrow('node-gyp failed');
      expect(existsSync(join(root, '.native', 'electron', 'version.txt'))).toBe(false);
      expect(existsSync(join(root, '.native', 'build'))).toBe(false);
      // A rebuild that "succeeds" without producing the binary is a failure too.
      await expect(buildElectronNative({ root, sqliteDir, abi: '145', electronVersion: '41.7.1', stamp: WANTED, rebuild: async () => {} })).rejects.toThrow(/left no/);
      expect(existsSync(join(root, '.native', 'electron', 'version.txt'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
