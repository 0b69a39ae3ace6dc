import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ctx } from '../../../../src/main/core/context';
import { checkModels, resolveModel } from '../../../../src/main/core/integrations/integrations';
import { SaveIntegrationInput, type ModelProblem } from '../../../../src/shared/schemas/integrations';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { member, testWorkspace } from '../../../helpers/workspace';

// The editor's model warnings (integrations:check-models) and runs share one rule: the integration
// exists and the member may use it. Each case is checked both ways, so they cannot drift apart.
let env: ReturnType<typeof testWorkspace>;
let admin: Ctx;
let bob: Ctx;
let carol: Ctx;

beforeEach(() => {
  env = testWorkspace();
  admin = env.owner;
  bob = member(admin, 'bob@example.com');
  carol = member(admin, 'carol@example.com');
  const add = (name: string, access: 'everyone' | 'selected', memberIds: string[] = []) =>
    saveIntegration(admin, SaveIntegrationInput.parse({ name, kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['echo', 'slow'], access, memberIds }));
  add('open', 'everyone');
  add('team', 'selected', [bob.actor.id]);
});
afterEach(() => env.cleanup());

type Who = 'admin' | 'bob' | 'carol';
const ctxOf = (who: Who) => ({ admin, bob, carol })[who];

// model, then the problem each member gets (null: runs).
const MATRIX: [string, Record<Who, ModelProblem | null>][] = [
  ['open:echo', { admin: null, bob: null, carol: null }],
  ['open:gpt-unlisted', { admin: 'not-listed', bob: 'not-listed', carol: 'not-listed' }],
  ['team:slow', { admin: null, bob: null, carol: 'not-usable' }],
  ['team:other', { admin: 'not-listed', bob: 'not-listed', carol: 'not-usable' }],
  ['missing:echo', { admin: 'unknown-integration', bob: 'unknown-integration', carol: 'unknown-integration' }],
  ['no-colon', { admin: 'malformed', bob: 'malformed', carol: 'malformed' }],
];

describe('checkModels', () => {
  for (const [model, expected] of MATRIX) {
    for (const who of ['admin', 'bob', 'carol'] as const) {
      it(`${model} for ${who}: ${expected[who] ?? 'no problem'}, as a run decides`, () => {
        const [check] = checkModels(ctxOf(who), [model]);
        expect(check).toMatchObject({ model, problem: expected[who] });
        // Warnings are exactly the references a run refuses; a note (not listed) still runs.
        expect(check!.severity).toBe(expected[who] === null ? null : expected[who] === 'not-listed' ? 'info' : 'warning');
        if (expected[who] === 'malformed') return;
        const resolves = (() => {
          try {
            resolveModel(ctxOf(who), model);
            return true;
          } catch {
            return false;
          }
        })();
        expect(resolves).toBe(check!.severity !== 'warning');
      });
    }
  }

  it('answers one check per reference, in order, with a sentence for each problem', () => {
    const checks = checkModels(bob, ['missing:echo', 'open:echo', 'team:x']);
    expect(checks.map((c) => c.model)).toEqual(['missing:echo', 'open:echo', 'team:x']);
    expect(checks[0]!.message).toMatch(/no integration named "missing"/);
    expect(checks[1]!.message).toBeNull();
    expect(checks[2]!.message).toMatch(/does not list x/);
  });
});
