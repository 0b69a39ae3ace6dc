import { z } from 'zod';
import { VersionNumberSchema } from '../../../shared/schemas/version-number';
import { TagsSchema } from '../../../shared/schemas/prompts';
import { MessageRoleSchema } from '../../../shared/schemas/template';
import { checkParamsSize, respanParamFields } from './respan-params';

/**
 * Request bodies of Respan's (Keywords AI's) prompts API, as its Python SDK sends them
 * (Keywords-AI/keywordsai python-sdks/respan/src/respan/prompts/api.py) and its public reference
 * documents them (respan.ai/docs/apis/prompts). Unknown members are ignored, as Django REST
 * framework serializers ignore them (the SDK's models also echo server-made members such as
 * `id` and `created_at`); flags Promptdesk cannot honour are refused, never dropped with a 200.
 */

/**
 * One chat message. The SDK's `Message` model (respan_sdk/respan_types/_internal_types.py) also
 * has `name`, `tool_calls`, ... which Promptdesk's templates cannot hold: strict, so they are a 400
 * naming the member instead of vanishing.
 */
export const RespanMessageSchema = z.object({ role: MessageRoleSchema, content: z.string().max(200_000) }).strict();
/** A version's `messages`: at least one (a version is its messages), at most 100. */
export const RespanMessagesSchema = z.array(RespanMessageSchema).min(1).max(100);

/**
 * The SDK's `Prompt` model (respan_sdk/respan_types/prompt_types.py) defaults `name` to
 * "Untitled" and `description` to "", and `PromptAPI.create` posts no body at all: an empty body
 * creates an "Untitled" prompt, as the product does.
 */
export const RespanCreatePromptSchema = z.object({
  name: z.string().trim().min(1, 'name may not be blank').max(200).default('Untitled'),
  description: z.string().max(2000).nullable().default(''),
});

/** A Respan tag: the product's tag object (`{ name, ... }`) or a bare name. */
const RespanTagSchema = z.union([z.string(), z.object({ name: z.string() }).passthrough()]).transform((tag) => (typeof tag === 'string' ? tag : tag.name));

/**
 * `PATCH /api/prompts/{id}`: `name`, `description`, `tags`, and the SDK's `deploy` flag
 * (`PromptAPI.deploy` sends `{"deploy": true}`: deploy the newest committed version). `starred`
 * exists in the product but not in Promptdesk: only `false` (what is answered) is accepted.
 * Everything else the SDK's `Prompt` model may echo back (ids, versions, counts) is ignored.
 */
export const RespanUpdatePromptSchema = z.object({
  name: z.string().trim().min(1, 'name may not be blank').max(200).optional(),
  description: z.string().max(2000).nullable().optional(),
  tags: z.array(RespanTagSchema).max(20).pipe(TagsSchema).optional(),
  deploy: z.boolean().nullable().optional(),
  starred: z.literal(false, 'starred is not supported by Promptdesk: only false is accepted').optional(),
});

/**
 * A `variables` value: a string, or the SDK's `{ "_type": "text", "value": "..." }`
 * (respan_sdk/respan_types/prompt_types.py `VariableDictType`). The SDK's `image_url` and `json`
 * variables are valid there but Promptdesk's variables are text: they are a 400 saying so, naming
 * the variable (`variables.<name>`), rather than a type error about the member's shape.
 */
const RespanVariableValueSchema = z.unknown().transform((value, issues) => {
  if (typeof value === 'string' && value.length <= 200_000) return value;
  const typed = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { _type?: unknown; value?: unknown }) : undefined;
  if (typed?._type === 'text' && typeof typed.value === 'string' && typed.value.length <= 200_000) return typed.value;
  const message =
    typed && typeof typed._type === 'string' && typed._type !== 'text'
      ? `A "${typed._type.slice(0, 40)}" variable is not supported: Promptdesk variables are text (a string, or {"_type": "text", "value": "..."})`
      : 'A variable is a string of at most 200,000 characters, or {"_type": "text", "value": "..."}';
  issues.issues.push({ code: 'custom', message, input: value });
  return z.NEVER;
});

/**
 * The version members Promptdesk stores. `temperature`/`max_tokens` map onto its model settings,
 * `model` + `fallback_models` onto its model list, `variables` onto each variable's example, the
 * settings it has no field for are kept beside the version (respan-params.ts), and
 * `readonly`/`deploy` commit and deploy through the version services.
 */
const versionFields = {
  ...respanParamFields,
  messages: RespanMessagesSchema,
  model: z.string().max(200).optional(),
  description: z.string().max(1000).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  max_tokens: z.number().int().min(1).max(1_000_000).nullable().optional(),
  fallback_models: z.array(z.string().max(200)).max(19).nullable().optional(),
  variables: z.record(z.string().max(200), RespanVariableValueSchema).optional(),
  readonly: z.boolean().optional(),
  deploy: z.boolean().optional(),
};

/** `POST /api/prompts/{id}/versions`: `messages` required, as the reference and the SDK's model say. */
export const RespanVersionSchema = z.object(versionFields).passthrough().superRefine(checkParamsSize);
/** `PATCH /api/prompts/{id}/versions/{version}`: the SDK sends only the members that were set. */
export const RespanUpdateVersionSchema = z.object({ ...versionFields, messages: RespanMessagesSchema.optional() }).passthrough().superRefine(checkParamsSize);

/**
 * Page parameters of a list, as given (numbers in a body, strings in a query): respan-pages.ts
 * reads them as Django REST framework's page-number pagination does.
 */
const PageParam = z.union([z.number(), z.string().max(20)]).optional();
/** `page` and `page_size` of a list (the SDK's `list`/`list_versions` arguments). */
export const RespanPageSchema = z.object({ page: PageParam, page_size: PageParam });

/**
 * The reference's `sort_by` values Promptdesk can order by, onto its own sorts: `-id` (the
 * default: newest first) is creation order, `-current_version__updated_at` the last change,
 * `name` the title. Any other value is a 400 naming `sort_by`.
 */
export const RESPAN_SORTS = { '-id': 'created', '-current_version__updated_at': 'updated', name: 'title' } as const;

/** The members a list body may have (RespanListSchema). */
const LIST_MEMBERS: ReadonlySet<string> = new Set(['page', 'page_size', 'search', 'sort_by', 'filters', 'operator']);

/**
 * `GET`/`POST /api/prompts/list` and `/summary`: page parameters, `sort_by`, and `search` over the
 * library. Strict: a member Promptdesk does not know is a 400 naming it, in a body as in a query
 * (the door checks query names against the same members), never an unfiltered page.
 */
export const RespanListSchema = RespanPageSchema.extend({
  search: z.string().max(500).optional(),
  sort_by: z.enum(Object.keys(RESPAN_SORTS) as [keyof typeof RESPAN_SORTS]).optional(),
  // The reference's filter language (respan.ai/docs/apis/prompts/list-prompts) is not Promptdesk's:
  // a filter is refused, never ignored (an unfiltered page would read as the filtered one).
  filters: z
    .record(z.string(), z.unknown())
    .refine((filters) => Object.keys(filters).length === 0, 'Respan filters are not supported by Promptdesk: use search')
    .optional(),
  operator: z.enum(['AND', 'OR']).optional(),
})
  .passthrough()
  .superRefine((body, issues) => {
    for (const name of Object.keys(body)) {
      if (!LIST_MEMBERS.has(name)) issues.addIssue({ code: 'custom', path: [name], message: `The filter "${name.slice(0, 64)}" is not supported by Promptdesk: use search` });
    }
  });

/** `POST /api/prompts/{id}/commits/`: an optional commit message. */
export const RespanCommitSchema = z.object({ description: z.string().max(1000).nullable().optional() });

/** Seed 004: `version` is an integer (`{"version": 3}`); a string such as "2" is refused naming it, as at every door. */
export const RespanDeploySchema = z.object({ version: VersionNumberSchema });
