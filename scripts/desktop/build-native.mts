// Child process of prepare.mts (`node --import tsx build-native.mts ABI ELECTRON_VERSION STAMP`):
// runs @electron/rebuild here so that its output, node-gyp's and prebuild-install's can go to
// .native/build.log instead of the terminal. The last line on failure is the reason.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuild } from '@electron/rebuild';
import { buildElectronNative } from './native-build';
import { NATIVE_FAILURE_PREFIX, firstLine } from './plan';

const require = createRequire(import.meta.url);
const [abi, electronVersion, stamp] = process.argv.slice(2);
if (!abi || !electronVersion || !stamp) throw new Error('usage: build-native.mts ABI ELECTRON_VERSION STAMP');

try {
  await buildElectronNative({
    root: join(dirname(fileURLToPath(import.meta.url)), '..', '..'),
    sqliteDir: dirname(require.resolve('better-sqlite3/package.json')),
    abi,
    electronVersion,
    stamp,
    rebuild,
  });
} catch (error) {
  console.error(`${NATIVE_FAILURE_PREFIX}${firstLine(error instanceof Error ? error.message : String(error))}`);
  process.exitCode = 1;
}
