import { describe, expect, it } from 'vitest';
import { allowedActions } from '../../../../../src/main/core/sharing/access';
import { ACTIONS, SHARE_PERMISSIONS, SHARING_LEVELS, type Action, type SharePermission, type SharingLevel } from '../../../../../src/shared/schemas/sharing';
import type { User } from '../../../../../src/shared/schemas/users';

// allowedActions hands out one prebuilt set per (sharing level, share) pair instead of building
// one per call. The rules, written out here from the spec (seed 000: Chat only runs without
// reading; a share adds to the level), for every level x share x kind of actor.

const LEVEL: Record<SharingLevel, Action[]> = {
  private: [],
  chat_only: ['run'],
  library_view: ['read', 'run'],
  library_edit: ['read', 'run', 'edit', 'promote'],
};
const SHARE: Record<SharePermission, Action[]> = { view: ['read'], run: ['run'], edit: ['read', 'run', 'edit', 'promote'] };

const user = (id: string, role: User['role'], isActive = true): User => ({ id, email: `${id}@example.com`, name: id, role, isActive, createdAt: '2026-01-01T00:00:00.000Z' });
const owner = user('owner', 'member');
const shares = [null, ...SHARE_PERMISSIONS] as const;

describe('allowedActions', () => {
  for (const level of SHARING_LEVELS) {
    for (const share of shares) {
      it(`${level} with share ${share ?? 'none'}: member, owner, admin, inactive, acting as`, () => {
        const subject = { ownerId: owner.id, sharingLevel: level, share };
        const expected = new Set([...LEVEL[level], ...(share ? SHARE[share] : [])]);
        const sorted = (set: ReadonlySet<Action>) => ACTIONS.filter((a) => set.has(a));
        expect(sorted(allowedActions(user('m', 'member'), subject))).toEqual(ACTIONS.filter((a) => expected.has(a)));
        expect(sorted(allowedActions(owner, subject))).toEqual([...ACTIONS]);
        expect(sorted(allowedActions(user('a', 'admin'), subject))).toEqual([...ACTIONS]);
        expect(allowedActions(user('m', 'member', false), subject).size).toBe(0);
        expect(allowedActions(user('a', 'admin', false), subject).size).toBe(0);
        // A replica's team member stands in for the actor: their rights, not the local admin's.
        expect(sorted(allowedActions(user('a', 'admin'), { ...subject, actAs: user('m', 'member') }))).toEqual(ACTIONS.filter((a) => expected.has(a)));
        expect(allowedActions(user('a', 'admin'), { ...subject, actAs: user('m', 'member', false) }).size).toBe(0);
      });
    }
  }
});
