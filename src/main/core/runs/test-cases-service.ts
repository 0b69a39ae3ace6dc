import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { notFound } from '../errors';
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
    return ctx.store.testCases.save(randomUUID(), row.id, input.caseName, input.variables, nowIso(ctx));
  });
}

export function deleteTestCase(ctx: Ctx, name: string, id: string): { deleted: true } {
  ctx.store.tx(() => {
    const row = requirePrompt(ctx, name, 'edit');
    if (!ctx.store.testCases.remove(row.id, id)) throw notFound('Test case');
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
