import { AppError } from '../errors';
import { isTeamReplica } from '../sharing/access';
import type { PromptRow } from '../../store/repos/prompts-repo';

/**
 * The one rule for changes protocol 1 does not push (docs/sync.md "Not pushed"): to an existing
 * version (commit, in-place edit, delete, unarchive: core/versions/lifecycle.ts), the API
 * deployment's pin, and deleting the prompt (core/prompts/prompts-service.ts). Refused for a team
 * prompt held in a desktop's replica, since the next pull would undo them without a word (or,
 * for a delete, bring the prompt back). New versions, promotions, details and test cases are
 * pushed and never come here; personal prompts and the team server's own are not replicas.
 *
 * @param field the input field the refusal names (`number` for a version, `version` for the pin, `name` for the prompt)
 * @throws AppError `forbidden` at `field` with the given message for a replica's team prompt
 */
export function refuseUnsentTeamChange(row: PromptRow, message: string, field = 'number'): void {
  if (isTeamReplica(row)) throw new AppError('forbidden', message, field);
}
