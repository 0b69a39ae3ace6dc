import type { Ctx } from '../context';
import { deployedNumber, versionOf } from '../versions/versions-service';
import { immutableReason } from '../versions/lifecycle';
import { writtenVersion } from '../sharing/read-back';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type { WrittenVersion } from '../../../shared/schemas/prompts';
import type { ChatMessage, Template } from '../../../shared/template/template';
import { paramsOf } from './respan-params';
import { respanVariableValue } from './respan-variables';

/**
 * Answers in the shapes of Respan's SDK response models (Keywords-AI/keywordsai
 * python-sdks/respan-sdk/src/respan_sdk/respan_types/prompt_types.py: `Prompt`, `PromptVersion`)
 * and its public reference (respan.ai/docs/apis/prompts). The SDK validates every answer with
 * pydantic, so members it types as `str`, `float`, `int` or `bool` are never null here.
 */

/** Promptdesk keeps Respan's bare model names as `respan:<model>`; answered bare again. */
export const RESPAN_MODEL_PREFIX = 'respan:';

/** The SDK's `PromptVersion` defaults for settings a Promptdesk version leaves unset (its model refuses null). */
export const RESPAN_DEFAULT_TEMPERATURE = 0.7;
export const RESPAN_DEFAULT_MAX_TOKENS = 4096;

const bare = (model: string) => (model.startsWith(RESPAN_MODEL_PREFIX) ? model.slice(RESPAN_MODEL_PREFIX.length) : model);

/** A template as Respan messages: a text template is one user message. */
export function messagesOf(template: Template): ChatMessage[] {
  return template.kind === 'chat' ? template.messages : [{ role: 'user', content: template.text }];
}

function splitName(name: string): { first_name: string; last_name: string } {
  const [first = '', ...rest] = name.split(' ');
  return { first_name: first, last_name: rest.join(' ') };
}

/**
 * A version as the SDK's `PromptVersion`. In the answer to a write by a caller who may not read
 * the prompt's text and did not send it (writtenVersion), `messages` is left out: the SDK's model
 * types it `List[Message] = []` and refuses null, and an empty list would read as a version
 * without messages. Settings Promptdesk has no field for answer what was kept (paramsOf), else
 * the SDK's "not set" values; an unset temperature or max_tokens answers the SDK's default.
 * `variables` maps each variable to its example, else its default (respanVariableValue).
 * `updated_at` is the version's last change (content, commit, status), else its creation.
 */
export function respanVersion(ctx: Ctx, row: PromptRow, v: WrittenVersion) {
  const author = ctx.store.users.get(v.author.id);
  const [model = '', ...fallbacks] = v.modelSettings.models.map(bare);
  return {
    ...paramsOf(ctx, row.id, v.id),
    id: v.id,
    prompt_version_id: v.id,
    version: v.number,
    description: v.commitMessage,
    ...(v.template === null ? {} : { messages: messagesOf(v.template) }),
    model,
    fallback_models: fallbacks.length > 0 ? fallbacks : null,
    temperature: v.modelSettings.temperature ?? RESPAN_DEFAULT_TEMPERATURE,
    max_tokens: v.modelSettings.maxTokens ?? RESPAN_DEFAULT_MAX_TOKENS,
    variables: Object.fromEntries(v.variables.map((meta) => [meta.name, respanVariableValue(meta)])),
    // Read-only is what no edit may change (immutableReason: committed, published, archived or pinned).
    readonly: immutableReason(v, row.pinned_version) !== null,
    // What API callers get (the pin, else the published version), not only the published status.
    is_deployed: v.number === deployedNumber(row),
    edited_by: { id: v.author.id, email: v.author.email, ...splitName(author?.name ?? v.author.name) },
    prompt: row.id,
    parent_prompt: row.id,
    created_at: v.createdAt,
    updated_at: ctx.store.versions.changedAt(row.id, v.number) ?? v.createdAt,
  };
}

/**
 * A prompt as the SDK's `Prompt`: `id` (and `prompt_id`) is Promptdesk's prompt id, `name` its
 * title, `prompt_slug` its key, `description` always a string; `current_version` is the newest
 * version and `live_version` the deployed one (deployedNumber), each a version object or null.
 * `deployed_version` (a number) is Promptdesk's own addition. `readable`: whether the versions
 * may carry their messages (see respanVersion).
 */
export function respanPrompt(ctx: Ctx, row: PromptRow, readable = true) {
  const versionObject = (number: number | null) =>
    number === null ? null : respanVersion(ctx, row, writtenVersion(versionOf(ctx, row, number), readable));
  const deployed = deployedNumber(row);
  const tags = JSON.parse(row.tags) as string[];
  return {
    id: row.id,
    prompt_id: row.id,
    full_prompt_id: row.id,
    prompt_slug: row.name,
    name: row.title,
    description: row.description,
    tags: tags.map((name) => ({ id: name, name })),
    starred: false,
    current_version: versionObject(row.latest_version),
    live_version: versionObject(deployed),
    commit_count: ctx.store.versions.list(row.id).length,
    deployed_version: deployed,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
