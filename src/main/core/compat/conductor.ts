import type { Ctx } from '../context';
import { AppError, invalid } from '../errors';
import { createPrompt, updatePrompt } from '../prompts/prompts-service';
import { saveVersion, versionOf } from '../versions/versions-service';
import { immutableReason, updateVersion } from '../versions/lifecycle';
import { requirePrompt } from '../sharing/access';
import { requireApiScope } from '../keys/keys-service';
import { requireIntegrations } from '../integrations/integrations';
import { MODEL_REF_PATTERN } from '../../../shared/schemas/template';
import type { PromptVersion } from '../../../shared/schemas/prompts';

export interface ConductorUpsert {
  name: string;
  description: string;
  version?: number;
  models: string[];
  /** The raw request body. */
  text: string;
}

const noUpdatePermission = () => new AppError('forbidden', 'You do not have UPDATE permission on this prompt');

/** Whether a version already has this text and these models (what a seed 001 PUT sets). */
function holds(version: PromptVersion, text: string, models: string[]): boolean {
  const own = version.modelSettings.models;
  return version.template.kind === 'text' && version.template.text === text && own.length === models.length && own.every((m, i) => m === models[i]);
}

/** Seed 001: "Enclosing quotation marks are stripped automatically." */
export function stripEnclosingQuotes(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

const firstVersionOnly = (version: number) =>
  new AppError('not_found', `A new prompt starts at version 1: version ${version} not found`, 'version');

/**
 * Seed 001 `PUT /api/prompts/{name}`: creates the prompt (the caller owns it) or updates the
 * targeted version (default: latest). An immutable target (published, archived, committed,
 * pinned) is never changed: the update becomes a new version instead.
 */
export function conductorUpsert(ctx: Ctx, input: ConductorUpsert): void {
  // Create or update, it is a write whatever the name: checked before the name is looked at, so
  // a narrowed key gets one answer for every name.
  requireApiScope(ctx, 'write');
  for (const [index, model] of input.models.entries()) {
    if (!MODEL_REF_PATTERN.test(model)) throw invalid('models must look like integrationName:modelName', `models.${index}`);
  }
  requireIntegrations(ctx, input.models);
  const template = { kind: 'text' as const, text: stripEnclosingQuotes(input.text) };
  ctx.store.tx(() => {
    const existing = ctx.store.prompts.getRowByName(input.name);
    if (!existing) {
      if (input.version !== undefined && input.version !== 1) throw firstVersionOnly(input.version);
      createPrompt(ctx, { name: input.name, title: input.name, description: input.description, tags: [], slashCommand: null });
      saveVersion(ctx, { name: input.name, template, variables: [], modelSettings: { models: input.models }, commitMessage: '' });
      return;
    }
    let row;
    try {
      row = requirePrompt(ctx, input.name, 'edit');
    } catch (error) {
      // The name is taken either way; seed 001 answers 403 when the caller may not update the
      // existing prompt. Hidden or only visible, it is the same 403, naming nothing.
      if (error instanceof AppError && (error.code === 'not_found' || error.code === 'forbidden')) throw noUpdatePermission();
      throw error;
    }
    // A prompt no version was ever saved for (made in the app, or by seed 004's create) is as
    // new: this PUT saves its version 1, `version=1` included, as for a prompt it creates.
    const neverSaved = ctx.store.versions.highWater(row.id) === 0;
    if (neverSaved && input.version !== undefined && input.version !== 1) throw firstVersionOnly(input.version);
    updatePrompt(ctx, { name: input.name, description: input.description, slashCommand: undefined });
    const number = neverSaved ? null : (input.version ?? row.latest_version);
    // versionOf: a deleted number answers 404 here too, never a fresh version under that number.
    const target = number !== null ? versionOf(ctx, row, number) : undefined;
    const models = input.models.length > 0 ? input.models : (target?.modelSettings.models ?? []);
    if (target && !immutableReason(target, row.pinned_version)) {
      updateVersion(ctx, { name: input.name, number: target.number, template, modelSettings: { ...target.modelSettings, models } });
      return;
    }
    // A PUT is idempotent: text and models the target already has change nothing, and a retry of
    // an update that became a new version finds it as the newest version instead of saving a copy.
    const newest = row.latest_version ? versionOf(ctx, row, row.latest_version) : undefined;
    if ([target, newest].some((v) => v !== undefined && holds(v, template.text, models))) return;
    saveVersion(ctx, {
      name: input.name,
      template,
      variables: target?.variables ?? [],
      modelSettings: { ...(target?.modelSettings ?? {}), models },
      commitMessage: target ? `Update of v${target.number} (read-only) via the compatibility API` : '',
    });
  });
}
