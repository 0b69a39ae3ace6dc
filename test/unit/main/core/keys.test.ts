import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { authenticateKey, createKey } from '../../../../src/main/core/keys/keys-service';
import { addUser } from '../../../../src/main/core/users/users-service';
import { AddUserInput } from '../../../../src/shared/schemas/users';
import { member, testWorkspace } from '../../../helpers/workspace';

let t: ReturnType<typeof testWorkspace>;
beforeEach(() => {
  t = testWorkspace();
});
afterEach(() => t.cleanup());

describe('API keys', () => {
  it('authenticates as the member the key belongs to and records last use', () => {
    addUser(t.owner, AddUserInput.parse({ email: 'bob@example.com', name: 'Bob' }));
    const { key, info } = createKey(t.owner, { userEmail: 'bob@example.com', label: 'ci' });
    expect(key).toMatch(/^pd_[A-Za-z0-9]{12}_/);
    expect(info.prefix).toBe(key.slice(0, 15));
    const { user, key: used } = authenticateKey(t.workspace.store, t.workspace.clock, key);
    expect(user.email).toBe('bob@example.com');
    expect(used.id).toBe(info.id);
    expect(t.workspace.store.keys.listForUser(user.id)[0]!.lastUsedAt).not.toBeNull();
  });

  it('stores only a hash of the key', () => {
    const { key } = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'x' });
    t.workspace.store.db.pragma('wal_checkpoint(TRUNCATE)');
    const file = readFileSync(join(t.dir, 'promptdesk.db')).toString('latin1');
    expect(file).not.toContain(key.slice(16));
  });

  it("stores the key's plain SHA-256 (the one-shot digest equals the Hash object's, so keys stored before still authenticate)", () => {
    const { key } = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'x' });
    const stored = t.workspace.store.keys.getByPrefix(key.slice(0, 15));
    expect(Buffer.from(stored!.hash).equals(createHash('sha256').update(key).digest())).toBe(true);
    // A key whose secret differs in its last character only is refused.
    const other = key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
    expect(() => authenticateKey(t.workspace.store, t.workspace.clock, other)).toThrowError(/Missing or invalid API key/);
  });

  it.each([
    ['empty', ''],
    ['short', 'pd_abc'],
    ['long', 'pd_' + 'a'.repeat(500)],
    ['unknown', 'pd_AAAAAAAAAAAA_' + 'b'.repeat(43)],
  ])('refuses a %s key as unauthenticated', (_label, presented) => {
    expect(() => authenticateKey(t.workspace.store, t.workspace.clock, presented)).toThrowError(/Missing or invalid API key/);
  });

  it('refuses a right prefix with a wrong secret', () => {
    const { key } = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'x' });
    const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(() => authenticateKey(t.workspace.store, t.workspace.clock, tampered)).toThrowError(/invalid API key/);
  });

  it('only lets an admin create keys for someone else', () => {
    const bob = member(t.owner, 'bob@example.com');
    expect(() => createKey(bob, { userEmail: t.owner.actor.email, label: 'steal' })).toThrowError(/Only an admin/);
    expect(createKey(bob, { userEmail: 'bob@example.com', label: 'mine' }).key).toBeTruthy();
  });
});
