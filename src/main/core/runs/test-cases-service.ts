import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { conflict, notFound } from '../errors';
import { recordAuthors, testCaseItem } from '../sync/sync-authors';
import { requirePrompt } from '../sharing/access';
import type { SaveTestCaseInput, TestCase } from '../../../shared/schemas/runs';
import type { Action } from '../../../shared/schemas/sharing';

/** Who may see a prompt's test cases (and so hear of their changes, core/changes): its editors. */
export const TEST_CASES_ACTION: Action = 'edit';

/** Named sets of variable values for the editor's test panel; they belong to the prompt's editors. */
export function listTestCases(ctx: Ctx, name: string): TestCase[] {
  const row = requirePrompt(ctx, name, TEST_CASES_ACTION);
  return ctx.store.testCases.list(row.id);
}

export function saveTestCase(ctx: Ctx, input: z.output<typeof SaveTestCaseInput>): TestCase {
  return ctx.store.tx(() => {
    const row = requirePrompt(ctx, input.name, 'edit');
    const saved = ctx.store.testCases.save(randomUUID(), row.id, input.caseName, input.variables, nowIso(ctx));
    recordAuthors(ctx, row.id, [testCaseItem(saved.id)]);
    return saved;
  });
}

/**
 * Writes a test case under a given id (made, or replaced with this name and these values): the
 * team server applying a desktop's `testcase.put` (core/sync/sync-server-ops.ts), so both sides
 * name the case alike. A name another case of the prompt holds is refused at the field.
 *
 * @throws AppError `conflict` (field `caseName`) for a name another case holds; as requirePrompt
 */
export function putTestCase(ctx: Ctx, name: string, id: string, caseName: string, variables: TestCase['variables']): TestCase {
  return ctx.store.tx(() => {
    const row = requirePrompt(ctx, name, 'edit');
    const holder = ctx.store.testCases.list(row.id).find((c) => c.name === caseName);
    if (holder && holder.id !== id) throw conflict(`The test case name "${caseName}" is already used`, 'caseName');
    const saved = ctx.store.testCases.put(id, row.id, caseName, variables, nowIso(ctx));
    recordAuthors(ctx, row.id, [testCaseItem(id)]);
    return saved;
  });
}

export function deleteTestCase(ctx: Ctx, name: string, id: string): { deleted: true } {
  ctx.store.tx(() => {
    const row = requirePrompt(ctx, name, 'edit');
    if (!ctx.store.testCases.remove(row.id, id)) throw notFound('Test case');
    recordAuthors(ctx, row.id, [testCaseItem(id)]);
  });
  return { deleted: true };
}

/**
 * The saved test case whose values are exactly `variables` (same names, same values as text), or
 * null. A test run records it, so the readiness checklist can say which cases a version passed
 * even when the prompt logs no values (data logging Metadata only or None).
 */
export function testCaseMatching(ctx: Ctx, promptId: string, variables: Record<string, string | number | boolean>): string | null {
  const names = Object.keys(variables);
  const found = ctx.store.testCases.list(promptId).find((testCase) => {
    const saved = Object.keys(testCase.variables);
    return saved.length === names.length && names.every((name) => Object.hasOwn(testCase.variables, name) && String(testCase.variables[name]) === String(variables[name]));
  });
  return found?.id ?? null;
}
