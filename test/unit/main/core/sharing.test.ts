import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addShare, getSharing, removeShare, setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { accessForUser } from '../../../../src/main/core/sharing/access-report';
import { listPrompts, listRunnablePrompts } from '../../../../src/main/core/prompts/prompts-service';
import { searchUsers, setUserActive } from '../../../../src/main/core/users/users-service';
import { authenticateKey, createKey } from '../../../../src/main/core/keys/keys-service';
import { AddShareInput, SetSharingLevelInput } from '../../../../src/shared/schemas/sharing';
import { ListPromptsInput } from '../../../../src/shared/schemas/prompts';
import { AddUserInput } from '../../../../src/shared/schemas/users';
import { errorOf } from '../../../helpers/errors';
import type { Ctx } from '../../../../src/main/core/context';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';

let t: ReturnType<typeof testWorkspace>;
let admin: Ctx;
let olivia: Ctx;
let bob: Ctx;
beforeEach(() => {
  t = testWorkspace();
  admin = t.owner;
  olivia = member(admin, 'olivia@example.com', 'Olivia');
  bob = member(admin, 'bob@example.com', 'Bob');
  seedPrompt(olivia, 'secret', 'top secret {{x}}', { tags: ['hidden-tag'] });
});
afterEach(() => t.cleanup());

const names = (ctx: Ctx, query = '') => listPrompts(ctx, ListPromptsInput.parse({ query })).items.map((p) => p.name);
const runnable = (ctx: Ctx) => listRunnablePrompts(ctx, ListPromptsInput.parse({})).items.map((p) => p.name);

describe('sharing levels', () => {
  it('start Private: invisible to others in list, search, counts and facets', () => {
    expect(getSharing(olivia, 'secret').level).toBe('private');
    expect(names(bob)).toEqual([]);
    expect(names(bob, 'secret')).toEqual([]);
    const list = listPrompts(bob, ListPromptsInput.parse({}));
    expect(list.total).toBe(0);
    expect(list.facets.tags).not.toContain('hidden-tag');
    expect(list.facets.owners).toEqual([]);
    expect(runnable(bob)).toEqual([]);
    expect(names(admin)).toEqual(['secret']);
  });

  it('Chat only: runnable from the launcher, absent from the library', () => {
    setSharingLevel(olivia, SetSharingLevelInput.parse({ name: 'secret', level: 'chat_only' }));
    expect(names(bob)).toEqual([]);
    expect(runnable(bob)).toEqual(['secret']);
    expect(names(olivia)).toEqual(['secret']);
  });

  it('Library View and Edit: in everyone\'s library', () => {
    setSharingLevel(olivia, SetSharingLevelInput.parse({ name: 'secret', level: 'library_view' }));
    expect(names(bob, 'secret')).toEqual(['secret']);
    setSharingLevel(olivia, SetSharingLevelInput.parse({ name: 'secret', level: 'library_edit' }));
    expect(names(bob)).toEqual(['secret']);
  });

  it('shares with a named member appear in their library with that permission', () => {
    addShare(olivia, AddShareInput.parse({ name: 'secret', email: 'BOB@example.com', permission: 'view' }));
    expect(names(bob)).toEqual(['secret']);
    expect(runnable(bob)).toEqual([]);
    const info = addShare(olivia, AddShareInput.parse({ name: 'secret', email: 'bob@example.com', permission: 'run' }));
    expect(info.shares).toEqual([expect.objectContaining({ user: expect.objectContaining({ name: 'Bob' }), permission: 'run' })]);
    expect(runnable(bob)).toEqual(['secret']);
    expect(removeShare(olivia, { name: 'secret', userId: bob.actor.id }).shares).toEqual([]);
    expect(names(bob)).toEqual([]);
  });

  it('reports who has access to what, and why', () => {
    addShare(olivia, AddShareInput.parse({ name: 'secret', email: 'bob@example.com', permission: 'edit' }));
    seedPrompt(admin, 'open', 'text');
    setSharingLevel(admin, SetSharingLevelInput.parse({ name: 'open', level: 'library_view' }));
    expect(accessForUser(admin, bob.actor.id)).toEqual([
      { prompt: { name: 'open', title: 'open' }, actions: ['read', 'run'], via: 'level' },
      { prompt: { name: 'secret', title: 'secret' }, actions: ['read', 'run', 'edit', 'promote'], via: 'share' },
    ]);
    expect(accessForUser(admin, olivia.actor.id).find((e) => e.prompt.name === 'secret')?.via).toBe('owner');
    expect(errorOf(() => accessForUser(bob, olivia.actor.id)).code).toBe('not_found');
  });
});

describe('bad sharing input changes nothing', () => {
  it('refuses an unknown email', () => {
    expect(errorOf(() => addShare(olivia, AddShareInput.parse({ name: 'secret', email: 'ghost@example.com', permission: 'view' }))).code).toBe('not_found');
    expect(getSharing(olivia, 'secret').shares).toEqual([]);
  });

  it('refuses sharing with yourself and with the owner', () => {
    expect(errorOf(() => addShare(olivia, AddShareInput.parse({ name: 'secret', email: 'olivia@example.com', permission: 'edit' })))).toMatchObject({ code: 'invalid_input', field: 'email' });
    expect(errorOf(() => addShare(admin, AddShareInput.parse({ name: 'secret', email: 'olivia@example.com', permission: 'edit' })))).toMatchObject({ field: 'email' });
  });

  it('refuses removing the owner', () => {
    expect(errorOf(() => removeShare(olivia, { name: 'secret', userId: olivia.actor.id }))).toMatchObject({ code: 'invalid_input', field: 'userId' });
  });

  it('rejects a level not in the list and an email that is not an email, naming the field', () => {
    expect(SetSharingLevelInput.safeParse({ name: 'secret', level: 'public' }).error?.issues[0]?.path).toEqual(['level']);
    expect(AddShareInput.safeParse({ name: 'secret', email: 'bob', permission: 'view' }).error?.issues[0]?.path).toEqual(['email']);
    expect(AddShareInput.safeParse({ name: 'secret', email: 'bob@example.com', permission: 'own' }).error?.issues[0]?.path).toEqual(['permission']);
    expect(AddUserInput.safeParse({ email: 'not-an-email', name: 'x' }).error?.issues[0]?.path).toEqual(['email']);
  });

  it('only the owner or an admin changes sharing', () => {
    addShare(olivia, AddShareInput.parse({ name: 'secret', email: 'bob@example.com', permission: 'edit' }));
    expect(errorOf(() => setSharingLevel(bob, SetSharingLevelInput.parse({ name: 'secret', level: 'library_edit' }))).code).toBe('forbidden');
    expect(setSharingLevel(admin, SetSharingLevelInput.parse({ name: 'secret', level: 'library_edit' })).level).toBe('library_edit');
  });
});

describe('members', () => {
  it('deactivation stops the member\'s keys at once', () => {
    const { key } = createKey(admin, { userEmail: 'bob@example.com', label: 'k' });
    expect(authenticateKey(t.workspace.store, t.workspace.clock, key).user.name).toBe('Bob');
    setUserActive(admin, bob.actor.id, false);
    expect(() => authenticateKey(t.workspace.store, t.workspace.clock, key)).toThrowError(/invalid API key/);
    setUserActive(admin, bob.actor.id, true);
    expect(authenticateKey(t.workspace.store, t.workspace.clock, key).user.name).toBe('Bob');
  });

  it('refuses deactivating yourself or the last admin, and non-admins deactivating anyone', () => {
    expect(errorOf(() => setUserActive(admin, admin.actor.id, false)).message).toMatch(/yourself/);
    expect(errorOf(() => setUserActive(bob, olivia.actor.id, false)).code).toBe('forbidden');
  });

  it('finds active members by name or email for the share typeahead', () => {
    expect(searchUsers(olivia, 'bo').map((u) => u.email)).toEqual(['bob@example.com']);
    setUserActive(admin, bob.actor.id, false);
    expect(searchUsers(olivia, 'bo')).toEqual([]);
  });
});
