import { z } from 'zod';
import { MAX_TEMPLATE_VARIABLES, VARIABLE_NAME_PATTERN } from '../template/parse';

/** Characters in one template text, chat message, default, example or variable value. */
export const MAX_TEMPLATE_CHARS = 200_000;
const tooLong = (what: string) => `${what} is longer than ${MAX_TEMPLATE_CHARS.toLocaleString('en-US')} characters`;

export const MessageRoleSchema = z.enum(['system', 'user', 'assistant']);
export const ChatMessageSchema = z.object({
  role: MessageRoleSchema,
  content: z.string().max(MAX_TEMPLATE_CHARS, tooLong('A message')),
});

export const TemplateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().max(MAX_TEMPLATE_CHARS, tooLong('The template')) }),
  z.object({ kind: z.literal('chat'), messages: z.array(ChatMessageSchema).min(1).max(100, 'A chat template has at most 100 messages') }),
]);

export const VariableMetaSchema = z.object({
  name: z.string().regex(VARIABLE_NAME_PATTERN, 'Variable names use letters, digits and _'),
  description: z.string().max(2000).optional(),
  default: z.string().max(MAX_TEMPLATE_CHARS, tooLong('A default')).optional(),
  example: z.string().max(MAX_TEMPLATE_CHARS, tooLong('An example')).optional(),
});

/** `integrationName:modelName`, as seed 001 defines model references. */
export const MODEL_REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}:[^\s:][^\s]{0,127}$/;

const TEMPERATURE_RANGE = 'Temperature is a number from 0 to 2';
const MAX_TOKENS_RANGE = 'Max tokens is a whole number from 1 to 1,000,000';

export const ModelSettingsSchema = z.object({
  models: z
    .array(z.string().regex(MODEL_REF_PATTERN, 'Use integrationName:modelName, e.g. openai:gpt-4o'))
    .max(20)
    .default([]),
  // Stated ranges, not zod's 'Too big: expected number to be <=2': the editor shows it under the field.
  temperature: z.number().min(0, TEMPERATURE_RANGE).max(2, TEMPERATURE_RANGE).optional(),
  maxTokens: z.number().int(MAX_TOKENS_RANGE).min(1, MAX_TOKENS_RANGE).max(1_000_000, MAX_TOKENS_RANGE).optional(),
});

/** Characters in one variable name a render or run may send (the key of `variables`). */
export const MAX_VARIABLE_NAME_CHARS = 200;

export const VariableValueSchema = z.union([z.string().max(MAX_TEMPLATE_CHARS, tooLong('A variable value')), z.number(), z.boolean()]);
/** Values for a render or run: at most MAX_TEMPLATE_VARIABLES names, as many as a template may use. */
export const VariablesSchema = z
  .record(z.string().max(MAX_VARIABLE_NAME_CHARS), VariableValueSchema)
  .refine((values) => Object.keys(values).length <= MAX_TEMPLATE_VARIABLES, {
    message: `At most ${MAX_TEMPLATE_VARIABLES.toLocaleString('en-US')} variables: a template never uses more`,
  });

export type ModelSettings = z.infer<typeof ModelSettingsSchema>;
