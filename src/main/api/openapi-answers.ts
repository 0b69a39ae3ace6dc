import { z } from 'zod';
import type { RefineResult } from '../../shared/schemas/refine';
import type { RunResult } from '../../shared/schemas/runs';
import { TemplateSchema, VariableMetaSchema } from '../../shared/schemas/template';

/*
 * The JSON answers of the two model-calling operations, as zod schemas for the OpenAPI document
 * (openapi.ts `answer`). The `satisfies` checks below keep each in step with the interface the
 * core returns: a field added there and not here fails the typecheck.
 */

const UsageSchema = z.object({
  inputTokens: z.number().int().nullable().describe('Tokens the provider counted in, null when it did not say'),
  outputTokens: z.number().int().nullable().describe('Tokens the provider counted out, null when it did not say'),
});

/** `POST /api/v1/prompts/{name}/run` (and the SSE `done` event): RunResult. */
export const RunAnswerSchema = z.object({
  runId: z.string().describe('The log entry of this run'),
  prompt: z.string(),
  version: z.number().int().describe('The version that ran'),
  model: z.string().describe('integration:model'),
  output: z.string().describe("The model's answer"),
  usage: UsageSchema,
  latencyMs: z.number().describe('Milliseconds from the request to the last token'),
  ttftMs: z.number().nullable().describe('Milliseconds to the first token'),
});

const DiffPartSchema = z.object({ value: z.string(), added: z.boolean().optional(), removed: z.boolean().optional() });

/** `POST /api/v1/prompts/{name}/refine` (and the SSE `done` event): RefineResult. */
export const RefineAnswerSchema = z.object({
  runId: z.string().describe('The log entry of this turn (source refine)'),
  prompt: z.string(),
  version: z.number().int().describe('The version refined'),
  model: z.string(),
  explanation: z.string().describe("The model's answer without its revision block"),
  proposal: z
    .object({ template: TemplateSchema, variables: z.array(VariableMetaSchema).describe("Every variable the proposal uses, with the refined version's metadata") })
    .nullable()
    .describe('null when the answer holds no usable revision (then reason says why)'),
  reason: z.string().nullable(),
  diff: z
    .object({
      template: z.array(DiffPartSchema).describe('The compare view’s diff of the template as text'),
      granularity: z.enum(['words', 'lines']),
      variables: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
    })
    .nullable()
    .describe('null exactly when proposal is null'),
  usage: UsageSchema,
  latencyMs: z.number(),
});

// Both directions, so neither side can gain or lose a field unnoticed.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const runInSync: Same<z.output<typeof RunAnswerSchema>, RunResult> = true;
const refineInSync: Same<z.output<typeof RefineAnswerSchema>, RefineResult> = true;
void runInSync;
void refineInSync;
