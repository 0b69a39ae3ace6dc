import type { Ctx } from '../context';
import { AppError, conflict, fromZodError, invalid, promptNotFound } from '../errors';
import { createPrompt, deletePrompt, everyListedPrompt, updatePrompt } from '../prompts/prompts-service';
import { listVersions, saveVersion, versionOf } from '../versions/versions-service';
import { immutableReason, updateVersion } from '../versions/lifecycle';
import { canReadText, requirePrompt } from '../sharing/access';
import { requireApiScope } from '../keys/keys-service';
import { integrationsListing, requireIntegrations } from '../integrations/integrations';
import { MODEL_REF_PATTERN } from '../../../shared/schemas/template';
import { MAX_TAGS, UpdatePromptInput, type PromptVersion } from '../../../shared/schemas/prompts';
import { tagFromPromptdesk, tagToPromptdesk, type ConductorTag } from './conductor-tags';
import { TemplateSchema } from '../../../shared/schemas/template';
import { conductorToNative, nativeToConductor } from './conductor-syntax';
import type { Template } from '../../../shared/template/template';
import { promptFromRow, type PromptRow } from '../../store/repos/prompts-repo';

/** A Conductor save as the door reads it: the path's name, the query's `description`, `version` and `models`, and the body's text. */
export interface ConductorUpsert {
  name: string;
  description: string;
  version?: number;
  models: string[];
  /** The prompt text, decoded from the request body by conductorBodyText. */
  text: string;
}

const noUpdatePermission = () => new AppError('forbidden', 'You do not have UPDATE permission on this prompt');

/**
 * Whether a version already has this text and these models (what a seed 001 PUT sets): its native
 * source is `text.native`, or it reads at this door as `text.conductor` (nativeToConductor). The
 * second makes read-then-save-back safe: a native text with a literal `${x}` or a typed input
 * `{{x | text:required}}` reads as `${x}`, and sending that back must not turn the literal into a
 * variable or drop the input's options (nor a chat version's read-back be refused as an edit).
 */
function holds(version: PromptVersion, text: { native: string; conductor: string }, models: string[]): boolean {
  const own = version.modelSettings.models;
  if (own.length !== models.length || !own.every((m, i) => m === models[i])) return false;
  // A chat version too: what GET shows for it (conductorText) sent back is no change, not chatRefused.
  return (version.template.kind === 'text' && version.template.text === text.native) || conductorText(version.template) === text.conductor;
}

/**
 * The native limits a save at this door is held to, from the schemas the native API parses with
 * (TemplateSchema: MAX_TEMPLATE_CHARS; UpdatePromptInput: the description's 2,000 characters), so
 * the rule stays in one place. Errors name Conductor's fields: the body, `description`.
 */
function withinNativeLimits(text: string, description: string): { kind: 'text'; text: string } {
  const described = UpdatePromptInput.shape.description.safeParse(description);
  if (!described.success) throw fromZodError(described.error).with({ field: 'description' });
  const template = TemplateSchema.safeParse({ kind: 'text', text });
  if (!template.success) throw fromZodError(template.error).with({ field: 'body' });
  return { kind: 'text', text };
}

/**
 * Conductor names are case-sensitive, Promptdesk's unique whatever their case: a prompt whose
 * name differs from the one asked for only in case is another prompt to Conductor. Reads treat
 * it as missing (404, as a name that never existed); a save refuses to touch it (409 naming
 * `name`, as the native create of a taken name answers, whoever holds it).
 */
function sameCase(row: PromptRow, name: string): boolean {
  return row.name === name;
}

/** requirePrompt for this door: the exact name only (see sameCase). */
function exactPrompt(ctx: Ctx, name: string, action: Parameters<typeof requirePrompt>[2]): PromptRow {
  const row = requirePrompt(ctx, name, action);
  if (!sameCase(row, name)) throw promptNotFound();
  return row;
}

const otherCaseTaken = () =>
  conflict('This name is already used by another prompt (Promptdesk names are unique whatever their case)', 'name');

/** An update in place would flatten a chat template into text: refused, nothing changes. */
const chatRefused = () =>
  conflict("This prompt's version is a chat template; edit it in Promptdesk or the native API (or save a new version with autoIncrement=true)", 'body');

/** Where a bare model name no single usable integration lists is kept (as the Respan door keeps `respan:`); read back bare. */
export const CONDUCTOR_MODEL_PREFIX = 'conductor:';

/**
 * A `models` entry as a Promptdesk model reference. `integration:model` is kept. A bare name
 * (the Python SDK's guide, docs/PROMPT.md "With model associations": "Just model names, no
 * prefix") becomes `integration:model` when exactly one integration the caller may use lists
 * that model (integrationsListing); with none or several it is kept as `conductor:<model>`,
 * which names the model without guessing a provider (the editor flags it; a run on it is
 * refused until it is changed to a real integration) and reads back bare.
 */
export function conductorModelRef(ctx: Ctx, model: string): string {
  if (model.includes(':')) return model;
  const listing = integrationsListing(ctx, model);
  return listing.length === 1 ? `${listing[0]}:${model}` : `${CONDUCTOR_MODEL_PREFIX}${model}`;
}

/** A stored model reference as this door shows it (`conductor:gpt-4o` as `gpt-4o`). */
const shownModel = (ref: string) => (ref.startsWith(CONDUCTOR_MODEL_PREFIX) ? ref.slice(CONDUCTOR_MODEL_PREFIX.length) : ref);

/**
 * Before any save looks at the name: the `write` scope (create or update, it is a write whatever
 * the name, so a narrowed key gets one answer for every name), then each `models` entry
 * (conductorModelRef). Answers the entries as model references.
 */
function checkSave(ctx: Ctx, sent: string[]): string[] {
  requireApiScope(ctx, 'write');
  const models = sent.map((model) => conductorModelRef(ctx, model));
  for (const [index, model] of models.entries()) {
    if (!MODEL_REF_PATTERN.test(model)) throw invalid('Write a model name (gpt-4o) or integrationName:modelName (openai:gpt-4o)', `models.${index}`);
  }
  try {
    requireIntegrations(
      ctx,
      models.filter((m) => !m.startsWith(CONDUCTOR_MODEL_PREFIX)),
    );
  } catch (error) {
    // The query parameter at fault is `models` (its index: the first one refused).
    if (error instanceof AppError && !error.field) {
      const index = models.findIndex((m) => error.message.includes(`"${m}"`) || error.message.includes(`"${m.split(':')[0]}"`));
      throw error.with({ field: `models.${Math.max(0, index)}` });
    }
    throw error;
  }
  return models;
}

/**
 * The existing prompt a save may change. The name is taken either way; seed 001 answers 403 when
 * the caller may not update it, hidden or only visible alike, naming nothing.
 */
function updatable(ctx: Ctx, name: string) {
  try {
    return requirePrompt(ctx, name, 'edit');
  } catch (error) {
    if (error instanceof AppError && (error.code === 'not_found' || error.code === 'forbidden')) throw noUpdatePermission();
    throw error;
  }
}

/**
 * The existing prompt a save changes, with its description set from the save: edit permission
 * (updatable's 403) and the exact name (another case is 409, see sameCase).
 */
function savedOver(ctx: Ctx, input: { name: string; description: string }): PromptRow {
  const row = updatable(ctx, input.name);
  if (!sameCase(row, input.name)) throw otherCaseTaken();
  updatePrompt(ctx, { name: input.name, description: input.description, slashCommand: undefined });
  return row;
}

/**
 * A new version of `name` with `template`, keeping `base`'s variable metadata and model settings
 * (a Conductor save carries only text and models); `models` replace the base's when the save
 * names any. `number` is an explicit version number (saveVersion's), else the next.
 */
function saveNew(ctx: Ctx, name: string, template: Template, models: string[], base: PromptVersion | undefined, options: { number?: number; commitMessage?: string } = {}): void {
  saveVersion(
    ctx,
    {
      name,
      template,
      variables: base?.variables ?? [],
      modelSettings: { ...(base?.modelSettings ?? {}), models: models.length > 0 ? models : (base?.modelSettings.models ?? []) },
      commitMessage: options.commitMessage ?? '',
    },
    options.number === undefined ? {} : { number: options.number },
  );
}

/**
 * Seed 001 `PUT /api/prompts/{name}`: creates the prompt (the caller owns it) or updates the
 * targeted version (default: latest). An immutable target (published, archived, committed,
 * pinned) is never changed: the update becomes a new version instead.
 */
export function conductorUpsert(ctx: Ctx, sent: ConductorUpsert): void {
  const input = { ...sent, models: checkSave(ctx, sent.models) };
  const template = withinNativeLimits(conductorToNative(input.text), input.description);
  // `version=N` (Conductor: "Version number to create or update") creates version N when N is
  // above every number the prompt ever used; a lower number updates that version (a deleted
  // one stays 404 "was deleted": numbers are identities, docs/versions.md).
  ctx.store.tx(() => {
    const existing = ctx.store.prompts.getRowByName(input.name);
    if (!existing) {
      createPrompt(ctx, { name: input.name, title: input.name, description: input.description, tags: [], slashCommand: null });
      saveNew(ctx, input.name, template, input.models, undefined, { number: input.version });
      return;
    }
    const row = savedOver(ctx, input);
    const highWater = ctx.store.versions.highWater(row.id);
    const creates = input.version !== undefined && input.version > highWater;
    // A prompt no version was ever saved for (made in the app, or by seed 004's create) is as
    // new: this PUT saves its first version.
    const number = highWater === 0 || creates ? null : (input.version ?? row.latest_version);
    // versionOf: a deleted number answers 404 here too, never a fresh version under that number.
    const target = number !== null ? versionOf(ctx, row, number) : undefined;
    const base = target ?? (row.latest_version ? versionOf(ctx, row, row.latest_version) : undefined);
    const models = input.models.length > 0 ? input.models : (base?.modelSettings.models ?? []);
    if (creates) {
      saveNew(ctx, input.name, template, input.models, base, { number: input.version });
      return;
    }
    const text = { native: template.text, conductor: input.text };
    // What GET shows for the target, sent back: nothing changes (see holds).
    if (target && holds(target, text, models)) return;
    if (target && !immutableReason(target, row.pinned_version)) {
      if (target.template.kind !== 'text') throw chatRefused();
      updateVersion(ctx, { name: input.name, number: target.number, template, modelSettings: { ...target.modelSettings, models } });
      return;
    }
    // A PUT is idempotent: text and models the target already has change nothing, and a retry of
    // an update that became a new version finds it as the newest version instead of saving a copy.
    const newest = row.latest_version ? versionOf(ctx, row, row.latest_version) : undefined;
    if ([target, newest].some((v) => v !== undefined && holds(v, text, models))) return;
    saveNew(ctx, input.name, template, models, target, { commitMessage: target ? `Update of v${target.number} (read-only) via the compatibility API` : '' });
  });
}

/** The SDKs' `POST /api/prompts/{name}`: a ConductorUpsert plus `?autoIncrement=`. */
export interface ConductorSave extends ConductorUpsert {
  /** `autoIncrement=true`: always a new version (latest + 1). */
  autoIncrement: boolean;
}

/**
 * Conductor `POST /api/prompts/{name}` (saveMessageTemplate; conductor-oss/python-sdk
 * src/conductor/client/http/api/prompt_resource_api.py, javascript-sdk PromptResource): as the
 * seed's PUT, and with `autoIncrement=true` a new version every time. `version` and
 * `autoIncrement` together cannot both be honoured: 400 naming `autoIncrement`.
 */
export function conductorSave(ctx: Ctx, sent: ConductorSave): void {
  if (!sent.autoIncrement) return conductorUpsert(ctx, sent);
  if (sent.version !== undefined) throw invalid('Send version or autoIncrement=true, not both: autoIncrement saves the next version', 'autoIncrement');
  const input = { ...sent, models: checkSave(ctx, sent.models) };
  const template = withinNativeLimits(conductorToNative(input.text), input.description);
  ctx.store.tx(() => {
    if (!ctx.store.prompts.getRowByName(input.name)) return conductorUpsert(ctx, { ...input, version: undefined });
    const row = savedOver(ctx, input);
    saveNew(ctx, input.name, template, input.models, row.latest_version ? versionOf(ctx, row, row.latest_version) : undefined);
  });
}

/**
 * Conductor's `MessageTemplate` (javascript-sdk src/open-api/generated/types.gen.ts;
 * python-sdk src/conductor/client/http/models/prompt_template.py). Times are epoch milliseconds.
 */
export interface ConductorTemplate {
  name: string;
  description: string;
  template: string;
  variables: string[];
  integrations: string[];
  tags: ConductorTag[];
  createdBy: string;
  createTime: number;
  updatedBy: string;
  updateTime: number;
  version: number;
}

const epoch = (iso: string) => Date.parse(iso);

/**
 * A version's template as Conductor text (`${name}` variables, conductor-syntax.ts). A chat
 * template has no Conductor form: its messages' contents are shown one per line (read only;
 * an update in place through this door is refused, see chatRefused).
 */
function conductorText(template: Template): string {
  return template.kind === 'text' ? nativeToConductor(template.text) : template.messages.map((m) => nativeToConductor(m.content)).join('\n');
}

/** Conductor's updatedBy: whoever last changed the version (an edit in place included), else its author. */
const changedBy = (ctx: Ctx, row: PromptRow, v: PromptVersion) => ctx.store.versions.changedBy(row.id, v.number) ?? v.author.email;
/** Conductor's updateTime for a version: its last change (epoch ms). */
const changedAt = (ctx: Ctx, row: PromptRow, v: PromptVersion) => epoch(ctx.store.versions.changedAt(row.id, v.number) ?? v.createdAt);

function templateOf(ctx: Ctx, row: PromptRow): ConductorTemplate {
  const prompt = promptFromRow(row);
  const latest = row.latest_version ? versionOf(ctx, row, row.latest_version) : undefined;
  return {
    name: prompt.name,
    description: prompt.description,
    template: latest ? conductorText(latest.template) : '',
    variables: latest?.detectedVariables ?? [],
    integrations: (latest?.modelSettings.models ?? []).map(shownModel),
    tags: prompt.tags.map(tagFromPromptdesk),
    createdBy: prompt.owner.email,
    createTime: epoch(prompt.createdAt),
    updatedBy: latest ? changedBy(ctx, row, latest) : prompt.owner.email,
    updateTime: Math.max(epoch(prompt.updatedAt), latest ? changedAt(ctx, row, latest) : 0),
    // A prompt no version was saved for yet reads as Conductor's default, version 1 with no text.
    version: latest?.number ?? 1,
  };
}

/**
 * Conductor `GET /api/prompts/{name}`: the newest version (Conductor has no deployment step), or
 * `?version=N`. Missing and hidden are the same promptNotFound(); a member who may only run gets 403.
 */
export function conductorGet(ctx: Ctx, name: string, version?: number): ConductorTemplate {
  const row = exactPrompt(ctx, name, 'read');
  const shown = templateOf(ctx, row);
  if (version === undefined || version === shown.version) return shown;
  const picked = versionOf(ctx, row, version);
  return {
    ...shown,
    template: conductorText(picked.template),
    variables: picked.detectedVariables,
    integrations: picked.modelSettings.models.map(shownModel),
    updatedBy: changedBy(ctx, row, picked),
    updateTime: changedAt(ctx, row, picked),
    version: picked.number,
  };
}

/** Conductor `GET /api/prompts`: every prompt the caller may read over the API, by name. */
export function conductorList(ctx: Ctx): ConductorTemplate[] {
  const out: ConductorTemplate[] = [];
  for (const item of everyListedPrompt(ctx, { sort: 'name' })) {
    const row = ctx.store.prompts.getRowByName(item.name);
    // A prompt the caller may only run is listed, but its text is not theirs to read.
    if (row && canReadText(ctx, row)) out.push(templateOf(ctx, row));
  }
  return out;
}

/** Conductor `GET /api/prompts/{name}/versions`: every saved version, oldest first. */
export function conductorVersions(ctx: Ctx, name: string): ConductorTemplate[] {
  const row = exactPrompt(ctx, name, 'read');
  return listVersions(ctx, name)
    .map((v) => v.number)
    .sort((a, b) => a - b)
    .map((number) => conductorGet(ctx, row.name, number));
}

/** Conductor `DELETE /api/prompts/{name}` (delete permission; missing and hidden: 404). */
export function conductorDelete(ctx: Ctx, name: string): void {
  ctx.store.tx(() => {
    exactPrompt(ctx, name, 'delete');
    deletePrompt(ctx, name);
  });
}

/** Conductor `GET /api/prompts/{name}/tags`. */
export function conductorTags(ctx: Ctx, name: string): ConductorTag[] {
  const row = exactPrompt(ctx, name, 'read');
  return promptFromRow(row).tags.map(tagFromPromptdesk);
}

/**
 * Conductor `PUT /api/prompts/{name}/tags` adds the tags (those already there stay; the
 * python-sdk's `update_tag_for_prompt_template`), `DELETE` removes the ones sent. Edit permission.
 */
export function conductorChangeTags(ctx: Ctx, name: string, tags: { key?: unknown; value?: unknown }[], change: 'add' | 'remove'): void {
  const wanted = tags.map(tagToPromptdesk);
  ctx.store.tx(() => {
    const row = exactPrompt(ctx, name, 'edit');
    const own = promptFromRow(row).tags;
    const next = change === 'add' ? [...new Set([...own, ...wanted])] : own.filter((t) => !wanted.includes(t));
    if (next.length > MAX_TAGS) throw invalid(`A prompt has at most ${MAX_TAGS} tags`, '[0].key');
    updatePrompt(ctx, { name: row.name, tags: next, slashCommand: undefined });
  });
}
