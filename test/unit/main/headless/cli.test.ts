import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../src/main/headless/cli';
import { openWorkspace } from '../../../../src/main/core/workspace';
import { authenticateKey } from '../../../../src/main/core/keys/keys-service';
import { tempDir } from '../../../helpers/workspace';

let dir: ReturnType<typeof tempDir>;
let out: string;
let err: string;
beforeEach(() => {
  dir = tempDir();
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  dir.cleanup();
});

describe('promptdesk CLI', () => {
  it('adds a member and creates a key that authenticates as them, printing only the key', async () => {
    expect(await main(['users', 'add', '--data-dir', dir.dir, '--email', 'Bob@Example.com', '--name', 'Bob'])).toBe(0);
    out = '';
    expect(await main(['keys', 'create', '--data-dir', dir.dir, '--user', 'bob@example.com', '--name', 'laptop'])).toBe(0);
    expect(out).toMatch(/^pd_\S+\n$/);
    const workspace = openWorkspace(dir.dir);
    try {
      const { user, key } = authenticateKey(workspace.store, workspace.clock, out.trim());
      expect(user).toMatchObject({ email: 'bob@example.com', role: 'member' });
      expect(key.label).toBe('laptop');
    } finally {
      workspace.close();
    }
  });

  it('creates a key with chosen scopes and expiry', async () => {
    await main(['users', 'add', '--data-dir', dir.dir, '--email', 'c@example.com', '--name', 'C']);
    out = '';
    expect(await main(['keys', 'create', '--data-dir', dir.dir, '--user', 'c@example.com', '--scopes', 'read,run', '--expires', '2999-01-01'])).toBe(0);
    const workspace = openWorkspace(dir.dir);
    try {
      const { key } = authenticateKey(workspace.store, workspace.clock, out.trim());
      expect(key).toMatchObject({ scopes: ['read', 'run'], expiresAt: '2999-01-01T23:59:59.999Z' });
    } finally {
      workspace.close();
    }
    expect(await main(['keys', 'create', '--data-dir', dir.dir, '--user', 'c@example.com', '--scopes', 'root'])).toBe(1);
    expect(err).toMatch(/scopes/);
  });

  it('adds an admin with --admin', async () => {
    await main(['users', 'add', '--data-dir', dir.dir, '--email', 'a@example.com', '--name', 'A', '--admin']);
    const workspace = openWorkspace(dir.dir);
    expect(workspace.store.users.getByEmail('a@example.com')?.role).toBe('admin');
    workspace.close();
  });

  it('explains bad input and exits non-zero', async () => {
    expect(await main(['users', 'add', '--data-dir', dir.dir, '--email', 'not-an-email', '--name', 'X'])).toBe(1);
    expect(err).toMatch(/email/);
    expect(await main(['users', 'add', '--data-dir', dir.dir, '--email', 'x@example.com'])).toBe(1);
    expect(await main(['keys', 'create', '--data-dir', dir.dir, '--user', 'ghost@example.com'])).toBe(1);
    expect(err).toMatch(/ghost@example.com not found/);
    expect(await main(['keys', 'create', '--user', 'x@example.com'])).toBe(2);
    expect(err).toMatch(/--data-dir is required/);
    expect(await main(['frobnicate'])).toBe(2);
  });

  it('refuses a duplicate member email', async () => {
    await main(['users', 'add', '--data-dir', dir.dir, '--email', 'b@example.com', '--name', 'B']);
    expect(await main(['users', 'add', '--data-dir', dir.dir, '--email', 'B@example.com', '--name', 'B2'])).toBe(1);
    expect(err).toMatch(/already exists/);
  });
});

describe('promptdesk serve', () => {
  it('refuses a data folder whose database file is not a database, and leaves it untouched', async () => {
    const { writeFileSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const file = join(dir.dir, 'promptdesk.db');
    writeFileSync(file, 'not sqlite at all');
    expect(await main(['serve', '--data-dir', dir.dir, '--port', '0'])).toBe(1);
    expect(err).toMatch(/not a Promptdesk database/);
    expect(readFileSync(file, 'utf8')).toBe('not sqlite at all');
  });
});
