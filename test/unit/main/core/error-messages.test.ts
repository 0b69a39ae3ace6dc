import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromZodError, invalid, type AppError } from '../../../../src/main/core/errors';
import { ConductorTestRequestSchema } from '../../../../src/main/core/compat/conductor-test';
import { OpenWebUiAccessSchema, OpenWebUiCreateSchema, OpenWebUiMetaSchema, OpenWebUiVersionSchema } from '../../../../src/main/core/compat/openwebui';
import { OpenWebUiListSchema } from '../../../../src/main/core/compat/openwebui-list';
import {
  RespanCommitSchema,
  RespanCreatePromptSchema,
  RespanDeploySchema,
  RespanListSchema,
  RespanUpdatePromptSchema,
  RespanUpdateVersionSchema,
  RespanVersionSchema,
} from '../../../../src/main/core/compat/respan-schemas';
import { CreatePromptInput, RenderInput, SaveVersionInput, UpdatePromptInput, UpdateVersionInput } from '../../../../src/shared/schemas/prompts';

/**
 * Round 2 of issue 11, item 5 (a class): a refused field's message is for a person, at every door.
 * Over the schemas the doors parse with (native, Conductor, Open WebUI, Respan), every field
 * missing, too long or of the wrong type gives a message that names the field once and never
 * shows zod's default wording ("Too big: expected string to have <=40 characters",
 * "Invalid input: expected string, received undefined").
 */
const SCHEMAS: Record<string, z.ZodType> = {
  CreatePromptInput,
  UpdatePromptInput,
  SaveVersionInput,
  UpdateVersionInput,
  RenderInput,
  ConductorTestRequestSchema,
  OpenWebUiCreateSchema,
  OpenWebUiMetaSchema,
  OpenWebUiVersionSchema,
  OpenWebUiAccessSchema,
  OpenWebUiListSchema,
  RespanCreatePromptSchema,
  RespanUpdatePromptSchema,
  RespanVersionSchema,
  RespanUpdateVersionSchema,
  RespanListSchema,
  RespanCommitSchema,
  RespanDeploySchema,
};

/** The object members of a schema, through preprocess/pipe wrappers. */
function keysOf(schema: z.ZodType): string[] {
  const s = schema as unknown as { shape?: Record<string, unknown>; def?: { type?: string; out?: z.ZodType; in?: z.ZodType } };
  if (s.shape) return Object.keys(s.shape);
  if (s.def?.type === 'pipe') return [...new Set([...keysOf(s.def.in!), ...keysOf(s.def.out!)])];
  return [];
}

const ZOD_WORDING = /Too big|Too small|expected [a-z]+, received|Invalid input|Invalid option|Unrecognized key|Invalid string/;
const WRONG = [12345, true, [1, 2], { a: 1 }, 'x'.repeat(300_000), ['y'.repeat(5_000)], -1.5];

/** Every refusal a field gets: missing (an empty body), and each wrong value in turn. */
function refusals(schema: z.ZodType): AppError[] {
  const issues: z.core.$ZodIssue[] = [];
  const empty = schema.safeParse({});
  if (!empty.success) issues.push(...empty.error.issues);
  for (const key of keysOf(schema)) {
    for (const value of WRONG) {
      const parsed = schema.safeParse({ [key]: value });
      if (!parsed.success) issues.push(...parsed.error.issues.filter((i) => String(i.path[0]) === key));
    }
  }
  return issues.map((issue) => fromZodError(new z.ZodError([issue])));
}

const words = (text: string, name: string) => text.split(/[^A-Za-z0-9_]+/).filter((w) => w === name).length;

describe("error messages at every door's schemas", () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}: every refused field is named once, in words a person reads`, () => {
      const errors = refusals(schema);
      expect(errors.length, name).toBeGreaterThan(0);
      for (const error of errors) {
        const context = `${name} ${error.field}: ${error.message.slice(0, 200)}`;
        expect(error.message, context).not.toMatch(ZOD_WORDING);
        if (!error.field) continue;
        const leaf = error.field.split('.').filter((s) => !/^\d+$/.test(s)).at(-1)!;
        // Named: as the `field: ` label, or by the message itself; never both.
        expect(words(error.message, leaf), context).toBeGreaterThan(0);
        if (error.message.startsWith(`${error.field}: `)) {
          const rest = error.message.slice(error.field.length + 2);
          expect(rest.startsWith(`${leaf} `) || rest.includes(`"${leaf}"`) || rest.startsWith(`${error.field}:`), context).toBe(false);
        }
      }
    });
  }

  it("the tester's texts: missing title, a long tag, an unknown reasoning_effort", () => {
    const missing = CreatePromptInput.safeParse({ name: 'x' });
    expect(fromZodError(missing.error!).message).toBe('title: is required');
    const tag = OpenWebUiCreateSchema.safeParse({ command: 'c', name: 'n', content: 'x', tags: ['t'.repeat(41)] });
    expect(fromZodError(tag.error!)).toMatchObject({ field: 'tags.0', message: 'tags.0: must be at most 40 characters' });
    const effort = RespanVersionSchema.safeParse({ reasoning_effort: 'max' });
    expect(fromZodError(effort.error!).message).toBe('reasoning_effort must be one of low, medium, high');
  });

  it('a remapped field names the new field once (Conductor: the template text is the body)', () => {
    const error = invalid('text: The template is longer than 200,000 characters', 'text').with({ field: 'body' });
    expect(error).toMatchObject({ field: 'body', message: 'body: The template is longer than 200,000 characters' });
  });
});
