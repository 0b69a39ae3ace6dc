/**
 * Issue 13 attack N5: which keys sign a member in to the app (core/sessions/sign-in.ts). A UI
 * session acts with everything its member may do, so the key needs every scope; a key with fewer
 * (the key form preselects read and run) is refused at the key field with a message naming
 * exactly the scopes it lacks. Matrix: every subset of the four scopes, for a member and an admin.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createKey } from '../../../../../src/main/core/keys/keys-service';
import { missingSignInScopes, signInWithKey } from '../../../../../src/main/core/sessions/sign-in';
import { KEY_SCOPES, type KeyScope } from '../../../../../src/shared/schemas/users';
import { member, testWorkspace } from '../../../../helpers/workspace';

const subsets: KeyScope[][] = Array.from({ length: 1 << KEY_SCOPES.length }, (_, mask) => KEY_SCOPES.filter((_, i) => mask & (1 << i))).filter((s) => s.length > 0);

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('signing in with a key needs every scope, and the refusal names the missing ones', () => {
  it.each(['member', 'admin'] as const)('every subset of scopes, for a %s', (who) => {
    const world = testWorkspace();
    cleanup = world.cleanup;
    const dave = member(world.owner, 'dave@example.com', 'Dave');
    const email = who === 'admin' ? world.owner.actor.email : dave.actor.email;
    for (const scopes of subsets) {
      const { key } = createKey(world.owner, { userEmail: email, label: scopes.join('+'), scopes });
      const missing = KEY_SCOPES.filter((s) => !scopes.includes(s));
      expect(missingSignInScopes(scopes)).toEqual(missing);
      if (missing.length === 0) {
        expect(signInWithKey(world.workspace.store, world.workspace.clock, key).user.email).toBe(email);
        continue;
      }
      let refusal: { code?: string; field?: string; message: string } | undefined;
      try {
        signInWithKey(world.workspace.store, world.workspace.clock, key);
      } catch (error) {
        refusal = error as typeof refusal;
      }
      expect(refusal).toMatchObject({ code: 'forbidden', field: 'key' });
      const named = refusal!.message.match(/lacks the (.+?) scopes?;/)![1]!.split(/, | and /);
      expect(named).toEqual(missing);
    }
  });

  it('the key form’s defaults (read, run) are told they lack write and admin', () => {
    const world = testWorkspace();
    cleanup = world.cleanup;
    const dave = member(world.owner, 'dave@example.com', 'Dave');
    const { key } = createKey(world.owner, { userEmail: dave.actor.email, label: 'ui', scopes: ['read', 'run'] });
    expect(() => signInWithKey(world.workspace.store, world.workspace.clock, key)).toThrow(/lacks the write and admin scopes; signing in to the app needs a key with every scope/);
  });
});
