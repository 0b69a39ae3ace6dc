import type { Ctx } from '../context';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type { PromptVersion, WrittenVersion } from '../../../shared/schemas/prompts';
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

/**
 * A version as the answer to a write on it, for every door (native API, Respan, the app's
 * channels): the version as the write left it, without its template (`template: null`) unless
 * the caller may read it (`readable`, from mayReadBack before writing) or sent that very text
 * with this write (`sent`: an edit that replaced the template, a save). Everything else (number,
 * status, committed, commit message, variables, model settings, display message) is the write's
 * own result and always answered.
 *
 * @example writtenVersion(version, mayReadBack(ctx, row), input.template !== undefined)
 */
export function writtenVersion(version: PromptVersion, readable: boolean, sent = false): WrittenVersion {
  return readable || sent ? version : { ...version, template: null };
}
