import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../../helpers/workspace';
import type * as UsersService from '../../../../src/main/core/users/users-service';

/** The CLI door: a write the disk refuses prints the same sentence as the API and the app. */
const failure = vi.hoisted(() => ({ code: '' }));
vi.mock('../../../../src/main/core/users/users-service', async (importOriginal) => {
  const original = await importOriginal<typeof UsersService>();
  return {
    ...original,
    addUser: () => {
      throw Object.assign(new Error(`${failure.code}: simulated`), { code: failure.code });
    },
  };
});
const { main } = await import('../../../../src/main/headless/cli');

let dir: ReturnType<typeof tempDir>;
let err: string;
beforeEach(() => {
  dir = tempDir();
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  dir.cleanup();
});

describe('promptdesk CLI on a full disk or read-only folder', () => {
  it.each([
    ['SQLITE_FULL', /^promptdesk: Disk full: nothing was saved/],
    ['ENOSPC', /^promptdesk: Disk full: nothing was saved/],
    ['SQLITE_READONLY', /^promptdesk: The Promptdesk data folder is read-only: nothing was saved/],
    ['EROFS', /^promptdesk: The Promptdesk data folder is read-only: nothing was saved/],
  ])('%s: exits 1 with the sentence every door uses, not the raw error', async (code, message) => {
    failure.code = code;
    expect(await main(['users', 'add', '--data-dir', dir.dir, '--email', 'b@example.com', '--name', 'B'])).toBe(1);
    expect(err).toMatch(message);
    expect(err).not.toContain('simulated');
  });
});
