import { z } from 'zod';
import type { Ctx } from '../context';

/**
 * Settings of a Respan prompt version that Promptdesk's model settings have no field for
 * (`top_p`, the penalties, `tools`, `response_format`, ...). The SDK's `PromptVersion` model
 * sends them on every create, and its own workflow example sets some
 * (python-sdks/respan/examples/prompt_workflow_example.py: `top_p=0.95`, `frequency_penalty=0.1`),
 * so they are kept with the version, as given, and answered back; they are version content
 * (a committed version's cannot change). Promptdesk's own runs do not send them to a provider.
 * Stored one row per version (store.respanParams, migration 0140), so a write's cost does not
 * grow with the number of versions, and deleted with the version.
 */

/** Each kept member with the value the SDK's model means by "not set" (answered when none was kept). */
export const RESPAN_PARAM_DEFAULTS = {
  stream: false,
  top_p: 1,
  frequency_penalty: 0,
  presence_penalty: 0,
  reasoning_effort: null,
  verbosity: null,
  seed: null,
  thinking: null,
  load_balance_models: null,
  tools: null,
  tool_choice: null,
  response_format: null,
  json_schema: null,
  is_enforcing_response_format: false,
} as const satisfies Record<string, unknown>;

export type RespanParamKey = keyof typeof RESPAN_PARAM_DEFAULTS;
export type RespanParams = Partial<Record<RespanParamKey, unknown>>;

/**
 * At most this many characters of JSON for one version's kept settings together: they are read
 * with every answer that shows the version (25 to a page), and Promptdesk never sends them
 * anywhere, so they stay small. A body past it is a 400 naming its largest member.
 */
export const RESPAN_PARAMS_MAX_CHARS = 100_000;

/** respan_sdk/constants/prompt_constants.py `ReasoningEffortType = Literal["low", "medium", "high"]`. */
export const RESPAN_REASONING_EFFORTS = ['low', 'medium', 'high'] as const;

const object = z.record(z.string(), z.unknown());

/** The kept members as request-body fields, typed as the reference documents them (respan.ai/docs/apis/prompts/retrieve-prompt-version). */
export const respanParamFields = {
  stream: z.boolean().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  reasoning_effort: z.enum(RESPAN_REASONING_EFFORTS, `reasoning_effort must be one of ${RESPAN_REASONING_EFFORTS.join(', ')}`).nullable().optional(),
  verbosity: z.string().max(40).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  thinking: object.nullable().optional(),
  load_balance_models: z.array(object).max(20).nullable().optional(),
  tools: z.array(object).max(128).nullable().optional(),
  tool_choice: z.union([z.string().max(200), object]).nullable().optional(),
  response_format: z.union([z.string().max(RESPAN_PARAMS_MAX_CHARS), object]).nullable().optional(),
  json_schema: object.nullable().optional(),
  is_enforcing_response_format: z.boolean().optional(),
};

const KEYS = Object.keys(RESPAN_PARAM_DEFAULTS) as RespanParamKey[];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** null and an empty list mean "not set", as the default does. */
const isDefault = (key: RespanParamKey, value: unknown) =>
  value === null || (Array.isArray(value) && value.length === 0) || same(value, RESPAN_PARAM_DEFAULTS[key]);

/** The kept members a body sets to something other than "not set"; members it leaves out are not returned. */
export function paramsIn(body: RespanParams): { set: RespanParams; given: RespanParamKey[] } {
  const given = KEYS.filter((key) => body[key] !== undefined);
  const set: RespanParams = {};
  for (const key of given) if (!isDefault(key, body[key])) set[key] = body[key];
  return { set, given };
}

/**
 * The size check of a body's kept settings (RESPAN_PARAMS_MAX_CHARS), as a zod refinement so it
 * runs with the body's other checks, before any lookup: the issue names the largest member.
 */
export function checkParamsSize(body: RespanParams, issues: z.RefinementCtx): void {
  let total = 0;
  let largest: { key: RespanParamKey; size: number } | undefined;
  for (const key of KEYS) {
    if (body[key] === undefined || body[key] === null) continue;
    const size = JSON.stringify(body[key]).length;
    total += size;
    if (!largest || size > largest.size) largest = { key, size };
  }
  if (largest && total > RESPAN_PARAMS_MAX_CHARS) {
    issues.addIssue({
      code: 'custom',
      path: [largest.key],
      // Names the field at fault once (fieldMessage keeps a message that names it as it is).
      message: `${largest.key} is too large: the settings Promptdesk keeps beside a version (the model settings it has no field for) are at most ${RESPAN_PARAMS_MAX_CHARS.toLocaleString('en')} characters of JSON together; these are ${total.toLocaleString('en')}, ${largest.size.toLocaleString('en')} of them in this one`,
    });
  }
}

/** A version's kept settings over the defaults: every member, as answered. One row read. */
export function paramsOf(ctx: Ctx, promptId: string, versionId: string): Record<RespanParamKey, unknown> {
  const kept = ctx.store.respanParams.get(promptId, versionId);
  return { ...RESPAN_PARAM_DEFAULTS, ...(kept === undefined ? {} : (JSON.parse(kept) as RespanParams)) };
}

/**
 * Replaces a version's kept settings (inside the caller's transaction): one row written or
 * removed, whatever the number of versions.
 */
export function keepParams(ctx: Ctx, promptId: string, versionId: string, params: RespanParams): void {
  if (Object.keys(params).length === 0) ctx.store.respanParams.remove(promptId, versionId);
  else ctx.store.respanParams.put(promptId, versionId, JSON.stringify(params));
}
