import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import { addShare, getSharing, setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { applyGrants, grantsOf, accessControlToGrants, type GrantLike } from '../../../../src/main/core/compat/openwebui-grants';
import { unifiedDiffLines } from '../../../../src/main/core/compat/python-unified-diff';
import { AppError } from '../../../../src/main/core/errors';
import { SHARING_LEVELS, type SharePermission, type SharingLevel } from '../../../../src/shared/schemas/sharing';
import type { Ctx } from '../../../../src/main/core/context';

/**
 * Open WebUI's access grants <-> Promptdesk's sharing (core/compat/openwebui-grants.ts), and its
 * history diff (difflib's unified diff lines), at the service layer.
 */
let ws: ReturnType<typeof testWorkspace>;
let owner: Ctx;
let members: Ctx[];
beforeAll(() => {
  ws = testWorkspace();
  owner = ws.owner;
  members = ['ann', 'ben', 'cid'].map((n) => member(owner, `${n}@example.com`));
});
afterAll(() => ws.cleanup());

let seq = 0;
function prompt(level: SharingLevel, shares: Array<SharePermission | null>) {
  const name = `g${++seq}`;
  seedPrompt(owner, name, 'Hi {{x}}', { api: true });
  setSharingLevel(owner, { name, level });
  shares.forEach((permission, i) => permission && addShare(owner, { name, email: members[i]!.actor.email, permission }));
  return name;
}
const row = (name: string) => owner.store.prompts.getRowByName(name)!;
const state = (name: string) => {
  const sharing = getSharing(owner, name);
  return { level: sharing.level, shares: Object.fromEntries(sharing.shares.map((s) => [s.user.email, s.permission])) };
};
const wire = (grants: GrantLike[]) => grants.map((g) => `${g.principal_id === '*' ? '*' : members.findIndex((m) => m.actor.id === g.principal_id)}:${g.permission}`).sort();

describe('sharing -> grants', () => {
  it.each([
    ['private', []],
    ['chat_only', []],
    ['library_view', ['*:read']],
    ['library_edit', ['*:read', '*:write']],
  ] as const)('%s is %j', (level, expected) => {
    expect(wire(grantsOf(owner, row(prompt(level, []))))).toEqual([...expected].sort());
  });

  it('a view share is a read grant, an edit share read + write, a run share nothing', () => {
    const name = prompt('private', ['view', 'edit', 'run']);
    const grants = grantsOf(owner, row(name));
    expect(wire(grants)).toEqual(['0:read', '1:read', '1:write']);
    // Full AccessGrantModel objects, ids stable from one read to the next.
    expect(grants[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/),
      resource_type: 'prompt',
      resource_id: row(name).id,
      principal_type: 'user',
      principal_id: expect.any(String),
      permission: expect.stringMatching(/^(read|write)$/),
      created_at: expect.any(Number),
    });
    expect(grantsOf(owner, row(name))).toEqual(grants);
  });
});

describe('grants -> sharing', () => {
  const apply = (name: string, grants: GrantLike[]) => applyGrants(owner, row(name), grants);
  const everyone = (permission: 'read' | 'write'): GrantLike => ({ principal_type: 'user', principal_id: '*', permission });
  const to = (i: number, permission: 'read' | 'write'): GrantLike => ({ principal_type: 'user', principal_id: members[i]!.actor.id, permission });

  it.each([
    ['private', [everyone('read')], 'library_view'],
    ['private', [everyone('read'), everyone('write')], 'library_edit'],
    ['library_edit', [everyone('read')], 'library_view'],
    ['library_view', [], 'private'],
    ['chat_only', [], 'chat_only'],
    ['chat_only', [everyone('read')], 'library_view'],
  ] as const)('%s with %j becomes %s', (level, grants, expected) => {
    const name = prompt(level, []);
    apply(name, [...grants]);
    expect(state(name).level).toBe(expected);
  });

  it('member grants become view and edit shares; unnamed view/edit shares go, run shares stay', () => {
    const name = prompt('private', ['edit', 'run', 'view']);
    apply(name, [to(0, 'read'), to(2, 'read'), to(2, 'write')]);
    expect(state(name).shares).toEqual({ 'ann@example.com': 'view', 'ben@example.com': 'run', 'cid@example.com': 'edit' });
  });

  it("an admin sending back the grants it read keeps its own share (the list leaves the caller out)", () => {
    const name = `g${++seq}`;
    seedPrompt(members[0]!, name, 'Hi {{x}}', { api: true });
    addShare(members[0]!, { name, email: owner.actor.email, permission: 'view' });
    addShare(members[0]!, { name, email: members[1]!.actor.email, permission: 'edit' });
    const before = state(name);
    applyGrants(owner, row(name), grantsOf(owner, row(name)));
    expect(state(name)).toEqual(before);
  });

  it('refuses group grants and unknown members, naming the grant, and changes nothing', () => {
    const name = prompt('library_view', ['view']);
    const before = state(name);
    for (const [grants, field] of [
      [[everyone('write'), { principal_type: 'group', principal_id: 'g1', permission: 'read' }], 'access_grants.1.principal_type'],
      [[{ principal_type: 'user', principal_id: 'nobody', permission: 'read' }], 'access_grants.0.principal_id'],
    ] as const) {
      expect(() => apply(name, [...grants] as GrantLike[])).toThrow(expect.objectContaining({ code: 'invalid_input', field }));
    }
    expect(state(name)).toEqual(before);
  });

  it('only the owner or an admin changes grants (share permission)', () => {
    const name = prompt('library_edit', []);
    expect(() => applyGrants(members[0]!, row(name), [])).toThrow(AppError);
    expect(state(name).level).toBe('library_edit');
  });

  it('round trip: any sharing read as grants and sent back is unchanged (property)', () => {
    const permission = fc.constantFrom<SharePermission | null>(null, 'view', 'run', 'edit');
    fc.assert(
      fc.property(fc.constantFrom(...SHARING_LEVELS), fc.tuple(permission, permission, permission), (level, shares) => {
        const name = prompt(level, shares);
        const before = state(name);
        applyGrants(owner, row(name), grantsOf(owner, row(name)));
        expect(state(name)).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });

  it("the older access_control converts as Open WebUI's access_control_to_grants", () => {
    expect(accessControlToGrants(null).grants).toEqual([{ principal_type: 'user', principal_id: '*', permission: 'read' }]);
    expect(accessControlToGrants({}).grants).toEqual([]);
    expect(accessControlToGrants({ read: { user_ids: ['u1'], group_ids: ['g1'] }, write: { user_ids: ['u1'] } }).grants).toEqual([
      { principal_type: 'group', principal_id: 'g1', permission: 'read' },
      { principal_type: 'user', principal_id: 'u1', permission: 'read' },
      { principal_type: 'user', principal_id: 'u1', permission: 'write' },
    ]);
  });
});

describe("history diff: difflib.unified_diff(keepends=True, lineterm='') lines", () => {
  const lines = (n: number, change: Record<number, string> = {}) => Array.from({ length: n }, (_, i) => change[i + 1] ?? `l${i + 1}\n`).join('');
  it.each([
    ['identical texts: nothing at all', 'a\n', 'a\n', []],
    ['one changed line, no final newline', 'x', 'y', ['--- f', '+++ t', '@@ -1 +1 @@', '-x', '+y']],
    ['into an empty text', '', 'a\n', ['--- f', '+++ t', '@@ -0,0 +1 @@', '+a\n']],
    ['a middle line', 'a\nb\nc\n', 'a\nB\nc\n', ['--- f', '+++ t', '@@ -1,3 +1,3 @@', ' a\n', '-b\n', '+B\n', ' c\n']],
    ['a final newline added', 'a\nb', 'a\nb\n', ['--- f', '+++ t', '@@ -1,2 +1,2 @@', ' a\n', '-b', '+b\n']],
    [
      'two distant changes: two hunks of 3 context lines',
      lines(20),
      lines(20, { 2: 'X\n', 18: 'Y\n' }),
      ['--- f', '+++ t', '@@ -1,5 +1,5 @@', ' l1\n', '-l2\n', '+X\n', ' l3\n', ' l4\n', ' l5\n', '@@ -15,6 +15,6 @@', ' l15\n', ' l16\n', ' l17\n', '-l18\n', '+Y\n', ' l19\n', ' l20\n'],
    ],
  ])('%s', (_name, from, to, expected) => {
    expect(unifiedDiffLines(from, to, 'f', 't')).toEqual(expected);
  });

  it('past the line budget, one hunk from the linear diff, still in difflib form', () => {
    const out = unifiedDiffLines(lines(6000), lines(6000, { 3000: 'Z\n' }), 'f', 't');
    expect(out).toEqual(['--- f', '+++ t', '@@ -2997,7 +2997,7 @@', ' l2997\n', ' l2998\n', ' l2999\n', '-l3000\n', '+Z\n', ' l3001\n', ' l3002\n', ' l3003\n']);
  });
});
