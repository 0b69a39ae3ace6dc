import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRefine, saveRefined } from '../../../../src/main/core/refine/refine-service';
import { AppError } from '../../../../src/main/core/errors';
import { SaveRefinedInput } from '../../../../src/shared/schemas/refine';
import { SHARING_LEVELS } from '../../../../src/shared/schemas/sharing';
import type { Ctx } from '../../../../src/main/core/context';
import type { User } from '../../../../src/shared/schemas/users';
import { ACTORS, expected, type Actor, type Outcome } from '../../../fixtures/permission-matrix';
import { buildMatrixWorld, deactivate, promptFor } from '../../../helpers/matrix-world';
import { testWorkspace } from '../../../helpers/workspace';

const OUTCOME_BY_CODE: Record<string, Outcome> = { forbidden: 'F', not_found: 'N', unauthenticated: 'U' };

function outcome(act: () => unknown): string {
  try {
    act();
    return 'Y';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return OUTCOME_BY_CODE[error.code] ?? error.code;
  }
}

let t: ReturnType<typeof testWorkspace>;
let users: Record<Actor, User>;
beforeAll(() => {
  t = testWorkspace();
  users = buildMatrixWorld(t.owner);
  deactivate(t.owner, users);
});
afterAll(() => t.cleanup());

/**
 * Refining shows the template (to the member and the model), so it goes with read: a run-only
 * member (Chat only, a run share) is refused, a hidden prompt is not found. Saving a proposal
 * goes with edit. `canSave` tells the panel the same as the save itself.
 */
describe('refine permissions through the service layer (members x sharing levels)', () => {
  for (const level of SHARING_LEVELS) {
    for (const actor of ACTORS) {
      it(`${level} x ${actor}: refine as read, save as edit`, () => {
        const ctx: Ctx = { ...t.owner, actor: t.workspace.store.users.get(users[actor].id)! };
        const readName = promptFor(level, actor, 'read');
        const editName = promptFor(level, actor, 'edit');
        const refine = outcome(() => prepareRefine(ctx, { name: readName }));
        const save = outcome(() => saveRefined(ctx, SaveRefinedInput.parse({ name: editName, version: 2, template: { kind: 'text', text: 'Hey {{who}}' } })));
        expect({ refine, save }).toEqual({ refine: expected(level, actor, 'read'), save: expected(level, actor, 'edit') });
        if (refine === 'Y') expect(prepareRefine(ctx, { name: editName }).canSave).toBe(save === 'Y');
      });
    }
  }
});
