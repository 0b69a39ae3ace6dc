import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deleteVersion, pinDeployment, promoteVersion, restoreVersion, unarchiveVersion } from '../../../../src/main/core/versions/lifecycle';
import { getVersion, listVersions, saveVersion } from '../../../../src/main/core/versions/versions-service';
import { createPrompt } from '../../../../src/main/core/prompts/prompts-service';
import { AppError } from '../../../../src/main/core/errors';
import { CreatePromptInput, SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { templateText } from '../../../../src/shared/template/template';
import { errorOf } from '../../../helpers/errors';
import { testWorkspace } from '../../../helpers/workspace';

/**
 * Item 2 of issue 10: a version number is an identity. Whatever sequence of saves, deletes,
 * promotions, unarchives, pins and restores happens, a number is given once, and what it names
 * never changes; a deleted number stays not found.
 */
type Command =
  | { kind: 'save'; text: string }
  | { kind: 'delete' | 'promote' | 'unarchive' | 'restore' | 'pin'; pick: number }
  | { kind: 'unpin' };

// Braces and backslashes are left out: they would make invalid templates, which saving refuses before any numbering rule is reached.
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('save' as const), text: fc.string({ minLength: 1, maxLength: 12 }).map((s) => `t ${s.replace(/[{}\\]/g, '')}`) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('promote' as const, 'unarchive' as const, 'restore' as const, 'pin' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unpin' as const) }) },
);

let t: ReturnType<typeof testWorkspace>;
beforeAll(() => {
  t = testWorkspace();
});
afterAll(() => t.cleanup());

let run = 0;

describe('version numbers are identities', () => {
  it('random save/delete/promote/unarchive/pin/restore sequences never reuse a number or change what it names', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 25 }), (commands) => {
        const ctx = t.owner;
        const name = `prop-${run++}`;
        createPrompt(ctx, CreatePromptInput.parse({ name, title: name }));
        /** Every number ever given, with the text it was given for. */
        const given = new Map<number, string>();
        const deleted = new Set<number>();
        const live = () => listVersions(ctx, name).map((v) => v.number);
        const tolerate = (fn: () => unknown) => {
          try {
            fn();
          } catch (error) {
            // Refusals (delete the published one, promote an archived one...) are part of the model.
            if (!(error instanceof AppError)) throw error;
          }
        };
        for (const cmd of commands) {
          const numbers = live();
          const target = numbers.length > 0 && 'pick' in cmd ? numbers[cmd.pick % numbers.length]! : undefined;
          const before = Math.max(0, ...given.keys());
          if (cmd.kind === 'save' || (cmd.kind === 'restore' && target !== undefined)) {
            const saved =
              cmd.kind === 'save'
                ? saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text: cmd.text } }))
                : restoreVersion(ctx, name, target!);
            expect(saved.number).toBe(before + 1);
            expect(given.has(saved.number)).toBe(false);
            given.set(saved.number, templateText(saved.template));
          } else if (cmd.kind === 'delete' && target !== undefined) {
            tolerate(() => {
              deleteVersion(ctx, name, target);
              deleted.add(target);
            });
          } else if (cmd.kind === 'promote' && target !== undefined) {
            tolerate(() => promoteVersion(ctx, { name, number: target, notes: '' }));
          } else if (cmd.kind === 'unarchive' && target !== undefined) {
            tolerate(() => unarchiveVersion(ctx, name, target));
          } else if (cmd.kind === 'pin' && target !== undefined) {
            tolerate(() => pinDeployment(ctx, name, target));
          } else if (cmd.kind === 'unpin') {
            pinDeployment(ctx, name, null);
          }
          for (const [number, text] of given) {
            if (deleted.has(number)) {
              expect(errorOf(() => getVersion(ctx, name, number))).toMatchObject({ code: 'not_found' });
            } else {
              expect(templateText(getVersion(ctx, name, number).template)).toBe(text);
            }
          }
          expect(live().every((n) => given.has(n) && !deleted.has(n))).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('deleting the newest version and saving again gives the next number, and the deleted one says it was deleted', () => {
    const ctx = t.owner;
    createPrompt(ctx, CreatePromptInput.parse({ name: 'plain', title: 'plain' }));
    const save = (text: string) => saveVersion(ctx, SaveVersionInput.parse({ name: 'plain', template: { kind: 'text', text }, baseVersion: undefined }));
    save('one');
    save('two');
    deleteVersion(ctx, 'plain', 2);
    expect(save('three').number).toBe(3);
    const gone = errorOf(() => getVersion(ctx, 'plain', 2));
    expect(gone).toMatchObject({ code: 'not_found' });
    expect(gone.message).toMatch(/deleted/);
    expect(errorOf(() => getVersion(ctx, 'plain', 9))).toMatchObject({ code: 'not_found' });
  });

  it('the editor can save after the newest version was deleted (baseVersion is the newest left)', () => {
    const ctx = t.owner;
    createPrompt(ctx, CreatePromptInput.parse({ name: 'based', title: 'based' }));
    const save = (text: string, baseVersion?: number) => saveVersion(ctx, SaveVersionInput.parse({ name: 'based', template: { kind: 'text', text }, baseVersion }));
    save('one', 0);
    save('two', 1);
    deleteVersion(ctx, 'based', 2);
    expect(save('again', 1).number).toBe(3);
    expect(errorOf(() => save('stale', 1))).toMatchObject({ code: 'conflict', field: 'baseVersion' });
  });

  it('the store itself refuses a version row under a number already given', () => {
    const ctx = t.owner;
    createPrompt(ctx, CreatePromptInput.parse({ name: 'guarded', title: 'guarded' }));
    const v1 = saveVersion(ctx, SaveVersionInput.parse({ name: 'guarded', template: { kind: 'text', text: 'one' } }));
    deleteVersion(ctx, 'guarded', 1);
    const insert = () =>
      t.workspace.store.versions.insert({ ...v1, id: 'other', number: 1, displayMessage: null, authorId: ctx.actor.id, promptId: v1.promptId });
    expect(insert).toThrowError(/already given/);
  });
});
