import { z } from 'zod';
import type { Ctx } from '../context';
import type { PromptRow } from '../../store/repos/prompts-repo';

/**
 * Settings of a Respan prompt version that Promptdesk's model settings have no field for
 * (`top_p`, the penalties, `tools`, `response_format`, ...). The SDK's `PromptVersion` model
 * sends them on every create, and its own workflow example sets some
 * (python-sdks/respan/examples/prompt_workflow_example.py: `top_p=0.95`, `frequency_penalty=0.1`),
 * so they are kept with the version, as given, and answered back; they are version content
 * (a committed version's cannot change). Promptdesk's own runs do not send them to a provider.
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

export type RespanParams = Partial<Record<keyof typeof RESPAN_PARAM_DEFAULTS, unknown>>;

const object = z.record(z.string(), z.unknown());

/** The kept members as request-body fields, typed as the reference documents them (respan.ai/docs/apis/prompts/retrieve-prompt-version). */
export const respanParamFields = {
  stream: z.boolean().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  reasoning_effort: z.string().max(40).nullable().optional(),
  verbosity: z.string().max(40).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  thinking: object.nullable().optional(),
  load_balance_models: z.array(object).max(20).nullable().optional(),
  tools: z.array(object).max(128).nullable().optional(),
  tool_choice: z.union([z.string().max(200), object]).nullable().optional(),
  response_format: z.union([z.string().max(100_000), object]).nullable().optional(),
  json_schema: object.nullable().optional(),
  is_enforcing_response_format: z.boolean().optional(),
};

const KEYS = Object.keys(RESPAN_PARAM_DEFAULTS) as (keyof typeof RESPAN_PARAM_DEFAULTS)[];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** null and an empty list mean "not set", as the default does. */
const isDefault = (key: keyof typeof RESPAN_PARAM_DEFAULTS, value: unknown) =>
  value === null || (Array.isArray(value) && value.length === 0) || same(value, RESPAN_PARAM_DEFAULTS[key]);

/** The kept members a body sets to something other than "not set"; members it leaves out are not returned. */
export function paramsIn(body: RespanParams): { set: RespanParams; given: (keyof typeof RESPAN_PARAM_DEFAULTS)[] } {
  const given = KEYS.filter((key) => body[key] !== undefined);
  const set: RespanParams = {};
  for (const key of given) if (!isDefault(key, body[key])) set[key] = body[key];
  return { set, given };
}

interface RespanExtra {
  /** Kept settings by version id (ids are never reused; a deleted version's entry is never read). */
  params?: Record<string, RespanParams>;
}

const extraOf = (row: PromptRow): RespanExtra => ((JSON.parse(row.extra) as { respan?: RespanExtra }).respan ?? {}) as RespanExtra;

/** A version's kept settings over the defaults: every member, as answered. */
export function paramsOf(row: PromptRow, versionId: string): Record<keyof typeof RESPAN_PARAM_DEFAULTS, unknown> {
  return { ...RESPAN_PARAM_DEFAULTS, ...extraOf(row).params?.[versionId] };
}

/**
 * Replaces a version's kept settings (inside the caller's transaction), in the prompt's `extra`
 * under `respan`, leaving every other door's part of `extra` as it is.
 */
export function keepParams(ctx: Ctx, promptId: string, versionId: string, params: RespanParams): void {
  const row = ctx.store.prompts.getRowById(promptId)!;
  const extra = JSON.parse(row.extra) as Record<string, unknown>;
  const mine = { ...extraOf(row).params };
  if (Object.keys(params).length === 0) delete mine[versionId];
  else mine[versionId] = params;
  extra['respan'] = { ...extraOf(row), params: mine };
  ctx.store.prompts.setExtra(promptId, extra);
}
