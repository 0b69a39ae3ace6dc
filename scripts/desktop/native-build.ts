// better-sqlite3 for Electron's ABI, built by @electron/rebuild (the ecosystem's tool: it finds
// node-gyp, Electron's headers, prebuilt binaries and MSVC/Xcode/gcc on Windows, macOS and Linux).
// It builds a copy in .native/build so the Node build in node_modules stays for the CLI and tests.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RebuildOptions } from '@electron/rebuild';

/** The subset of @electron/rebuild's `rebuild` used here (its result is awaitable). */
export type Rebuild = (options: RebuildOptions) => PromiseLike<void>;

export interface NativeBuildOptions {
  /** The checkout: .native/ is created under it. */
  root: string;
  electronVersion: string;
  /** Electron's NODE_MODULE_VERSION (node_modules/electron/abi_version), e.g. "145". */
  abi: string;
  /** Written to .native/electron/version.txt once the binary is in place. */
  stamp: string;
  /** @electron/rebuild's `rebuild`; injected by tests. */
  rebuild: Rebuild;
  /** The installed better-sqlite3 package (node_modules/better-sqlite3): copied, never written. */
  sqliteDir: string;
}

/**
 * The NODE_MODULE_VERSIONs a native addon registers for (`node_register_module_v<N>`, an exported
 * symbol, so its name is in the file on every platform): Electron refuses any other.
 * @example moduleAbisOf(readFileSync('better_sqlite3.node')) // ['145']
 */
export function moduleAbisOf(binary: Buffer): string[] {
  const found = binary.toString('latin1').matchAll(/node_register_module_v(\d+)/g);
  return [...new Set([...found].map((match) => match[1]!))];
}

/** .native/electron/: the Electron build the desktop shell loads (src/main/electron/shell.ts). */
export const nativeOutDir = (root: string): string => join(root, '.native', 'electron');

/**
 * Copies better-sqlite3 into .native/build/node_modules, rebuilds it there for Electron and
 * installs .native/electron/better_sqlite3.node plus its stamp. node_modules is never written.
 * Throws the tool's error (no Electron headers offline, no compiler) with nothing installed.
 */
export async function buildElectronNative(options: NativeBuildOptions): Promise<string> {
  const sqliteDir = options.sqliteDir;
  const sqliteVersion = (JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')) as { version: string }).version;
  const work = join(options.root, '.native', 'build');
  rmSync(work, { recursive: true, force: true });
  const moduleDir = join(work, 'node_modules', 'better-sqlite3');
  // Without the Node build's output: a leftover binary must not pass for the Electron one.
  cpSync(sqliteDir, moduleDir, { recursive: true, filter: (source) => !source.startsWith(join(sqliteDir, 'build')) });
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'promptdesk-native', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }));
  try {
    await options.rebuild({ buildPath: work, electronVersion: options.electronVersion, onlyModules: ['better-sqlite3'], force: true, mode: 'sequential' });
    const built = join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(built)) throw new Error(`@electron/rebuild left no ${built}`);
    const abis = moduleAbisOf(readFileSync(built));
    if (!abis.includes(options.abi)) {
      throw new Error(`the build is for NODE_MODULE_VERSION ${abis.join(', ') || 'unknown'}, Electron ${options.electronVersion} needs ${options.abi} (node-gyp used other headers)`);
    }
    const outDir = nativeOutDir(options.root);
    mkdirSync(outDir, { recursive: true });
    const target = join(outDir, 'better_sqlite3.node');
    cpSync(built, target);
    // The stamp last: an interrupted build is retried on the next start.
    writeFileSync(join(outDir, 'version.txt'), options.stamp);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
