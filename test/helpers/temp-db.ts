// Vitest-only (onTestFinished): kept out of workspace.ts, which child processes of tests import too.
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { tempDir } from './workspace';

/** `promptdesk.db` in a temp folder of its own, removed when the current test finishes. */
export function tempDbPath(): string {
  const { dir, cleanup } = tempDir();
  onTestFinished(cleanup);
  return join(dir, 'promptdesk.db');
}
