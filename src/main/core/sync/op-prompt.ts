import type { Ctx } from '../context';
import { promptNotFound } from '../errors';
import { allowedActions, subjectOf } from '../sharing/access';
import type { PromptRow } from '../../store/repos/prompts-repo';

/**
 * The prompt a push op names, if the member may see it; else exactly the not-found of a prompt
 * that never existed (hidden = missing), naming the field `promptId`.
 *
 * @throws AppError `not_found` (field `promptId`)
 */
export function promptFor(ctx: Ctx, promptId: string): PromptRow {
  const row = ctx.store.prompts.getRowById(promptId);
  if (!row || allowedActions(ctx.actor, subjectOf(ctx, row)).size === 0) throw promptNotFound('promptId');
  return row;
}
