import type { z } from 'zod';
import type { Ctx } from '../context';
import { AppError } from '../errors';
import { getVersion, saveVersion } from '../versions/versions-service';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { SaveRefinedInput } from '../../../shared/schemas/refine';

/** The commit message of a version saved from Refine: it always says so, with the member's note after it. */
export function refineCommitMessage(fromVersion: number, note: string): string {
  const head = `Refine with AI (from version ${fromVersion})`;
  return note.trim() ? `${head}: ${note.trim()}` : head;
}

/**
 * Saves a refine proposal as a new version: the only way a refine writes anything, and only on
 * this explicit call. It goes through saveVersion (edit permission, the same template validation,
 * numbering), keeping the refined version's model settings and display message; variables keep
 * the metadata sent (else the refined version's). A member who may not edit gets saveVersion's
 * 403 (they can still refine and copy). A version saved after the refined one is a 409 naming
 * `version`: the proposal was made without it.
 *
 * @throws AppError not_found (hidden prompt, unknown version), forbidden, invalid_input (template), conflict
 */
export function saveRefined(ctx: Ctx, input: z.output<typeof SaveRefinedInput>): PromptVersion {
  const base = getVersion(ctx, input.name, input.version);
  try {
    return saveVersion(ctx, {
      name: input.name,
      template: input.template,
      variables: input.variables ?? base.variables,
      modelSettings: base.modelSettings,
      displayMessage: base.displayMessage ?? undefined,
      commitMessage: refineCommitMessage(base.number, input.note),
      baseVersion: base.number,
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict' && error.field === 'baseVersion') {
      const newest = ctx.store.prompts.getRowByName(input.name)?.latest_version;
      throw error.with({
        message: `Version ${newest} was saved after version ${base.number}, which this proposal refines: refine the newest version, or apply the proposal in the editor and save it there`,
        field: 'version',
      });
    }
    throw error;
  }
}
