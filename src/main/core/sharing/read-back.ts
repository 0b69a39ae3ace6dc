import type { Ctx } from '../context';
import type { PromptRow } from '../../store/repos/prompts-repo';
import { canReadText } from './access';

/**
 * Whether the answer to a write may carry what the write did not itself produce, such as the
 * prompt's newest text (issue 10 item 3). Decided once, before writing, from the permission
 * already checked and the key's scopes, never by re-reading with a read check after the commit:
 * a committed write always answers success with its own result, and a caller who may not read
 * (a key without the `read` scope, a member who may only run) gets that result without the rest.
 *
 * @returns true when the caller may read the prompt's text through this door
 */
export function mayReadBack(ctx: Ctx, row: PromptRow): boolean {
  if (ctx.via?.key && !ctx.via.key.scopes.includes('read')) return false;
  return canReadText(ctx, row);
}
