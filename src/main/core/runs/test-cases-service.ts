import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { notFound } from '../errors';
import { requirePrompt } from '../sharing/access';
import type { SaveTestCaseInput, TestCase } from '../../../shared/schemas/runs';

/** Named sets of variable values for the editor's test panel; they belong to the prompt's editors. */
export function listTestCases(ctx: Ctx, name: string): TestCase[] {
  const row = requirePrompt(ctx, name, 'edit');
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
