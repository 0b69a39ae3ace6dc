import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** sha256 of every file in `dir` (by name), to prove a refused open left every byte as it was. */
export function hashFolder(dir: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isFile()) hashes[name] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return hashes;
}

/**
 * Copies every file of `from` into `to` while a connection may still have them open: what a kill -9
 * (or a folder copied while the app ran) leaves on disk, since Promptdesk never checkpoints on its own
 * between seals. `only` limits the copy to names ending in one of the suffixes ('' is the database).
 */
export function copyFolder(from: string, to: string, only?: string[]): void {
  for (const name of readdirSync(from)) {
    const suffix = name.replace(/^promptdesk\.db/, '');
    if (only && !only.includes(suffix)) continue;
    if (statSync(join(from, name)).isFile()) copyFileSync(join(from, name), join(to, name));
  }
}
