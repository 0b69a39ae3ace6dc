import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const BUILT = join(ROOT, 'out', 'main', 'cli.js');
/** The sources the built CLI is made from (the renderer is not part of it). */
const SOURCES = [join(ROOT, 'src', 'main'), join(ROOT, 'src', 'shared')];

let cached: string[] | null = null;

/** The newest modification time (ms) of any file under `dir`. */
function newestUnder(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * The `node` arguments that start the `promptdesk` CLI in its own process, before its own
 * arguments: `bin/promptdesk.js` (the built app, as users run it) when out/main/cli.js is newer
 * than every file under src/main and src/shared, which `npm test` ensures by building first;
 * else src/main/headless/cli.ts under `node --import tsx`, so a `vitest run` after an edit runs
 * the edit. The built CLI starts in about half the time (0.5 s against 1.1 s here): it loads no
 * TypeScript compiler. Either way the CLI runs in the spawned process itself (no wrapper process),
 * so a signal sent to the child reaches the CLI. Decided once per test file.
 */
export function cliEntry(): string[] {
  if (!cached) {
    const fresh = existsSync(BUILT) && statSync(BUILT).mtimeMs > Math.max(...SOURCES.map(newestUnder));
    cached = fresh ? [join(ROOT, 'bin', 'promptdesk.js')] : ['--import', 'tsx', join(ROOT, 'src', 'main', 'headless', 'cli.ts')];
  }
  return cached;
}
