import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPrompt, deletePrompt } from '../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { promoteVersion } from '../../../../src/main/core/versions/lifecycle';
import { prepareRun } from '../../../../src/main/core/runs/run-service';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { AppError } from '../../../../src/main/core/errors';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { SHARING_LEVELS, type Action } from '../../../../src/shared/schemas/sharing';
import type { Ctx } from '../../../../src/main/core/context';
import type { User } from '../../../../src/shared/schemas/users';
import { ACTORS, MATRIX_ACTIONS, expected, type Actor, type Outcome } from '../../../fixtures/permission-matrix';
import { buildMatrixWorld, deactivate, promptFor } from '../../../helpers/matrix-world';
import { testWorkspace } from '../../../helpers/workspace';

const ACT: Record<Action, (ctx: Ctx, name: string) => unknown> = {
  read: (ctx, name) => getPrompt(ctx, name),
  // The chat's run form: what running needs, without a provider (rendering needs read).
  run: (ctx, name) => prepareRun(ctx, name),
  edit: (ctx, name) => saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text: 'edited' } })),
  promote: (ctx, name) => promoteVersion(ctx, { name, number: 2, notes: '' }),
  share: (ctx, name) => setSharingLevel(ctx, { name, level: 'library_edit' }),
  delete: (ctx, name) => deletePrompt(ctx, name),
};

const OUTCOME_BY_CODE: Record<string, Outcome> = { forbidden: 'F', not_found: 'N', unauthenticated: 'U' };

let t: ReturnType<typeof testWorkspace>;
let users: Record<Actor, User>;
beforeAll(() => {
  t = testWorkspace();
  users = buildMatrixWorld(t.owner);
  deactivate(t.owner, users);
});
afterAll(() => t.cleanup());

describe('permission matrix through the service layer', () => {
  for (const level of SHARING_LEVELS) {
    for (const actor of ACTORS) {
      it(`${level} x ${actor}`, () => {
        const ctx: Ctx = { ...t.owner, actor: t.workspace.store.users.get(users[actor].id)! };
        const actual = MATRIX_ACTIONS.map((action) => {
          try {
            ACT[action](ctx, promptFor(level, actor, action));
            return 'Y';
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            return OUTCOME_BY_CODE[error.code] ?? error.code;
          }
        }).join('');
        expect(actual).toBe(MATRIX_ACTIONS.map((a) => expected(level, actor, a)).join(''));
      });
    }
  }
});
