import type { z } from 'zod';
import type { Ctx } from '../context';
import { AppError, invalid } from '../errors';
import type { PreviewRenderInput, RenderedPrompt, RenderInput } from '../../../shared/schemas/prompts';
import { parseForRender, renderTemplate, type ParsedTexts, type Template, type VariableMeta, type VariableValue } from '../../../shared/template/template';
import { servedVersionOf } from '../versions/versions-service';
import { requirePrompt } from '../sharing/access';
import { requireApiScope } from '../keys/keys-service';

/**
 * Renders or throws the caller's fault: missing variables (400, `variables.<name>`), a
 * malformed template (400, `template`), or output past MAX_RENDERED_CHARS (413
 * `payload_too_large`, `variables`: the values times their uses make it too long).
 */
export function renderOrThrow(template: Template, variables: Record<string, VariableValue>, metadata: VariableMeta[], analysis?: ParsedTexts) {
  const result = renderTemplate(template, variables, metadata, undefined, analysis);
  if (result.ok) return result;
  if (result.missing) {
    const [first] = result.missing;
    const list = result.missing.map((n) => `"${n}"`).join(', ');
    throw new AppError('invalid_input', `Missing value for variable ${list}`, `variables.${first}`);
  }
  if (result.problem) throw invalid(result.problem.message, 'template');
  const { chars, limit } = result.tooLarge;
  throw new AppError(
    'payload_too_large',
    `The rendered prompt would be ${chars.toLocaleString('en-US')} characters; the limit is ${limit.toLocaleString('en-US')}. Use shorter variable values or fewer repeats of them`,
    'variables',
  );
}

// Parsed templates of stored versions, by the version object the store's read cache hands out
// (store/read-cache.ts): that object is shared and read-only until any write clears the cache, when
// a new object (and a new parse) comes, so an edited draft or a new version is never served stale.
const parsedTemplates = new WeakMap<Template, ParsedTexts>();

function parsedTemplate(template: Template): ParsedTexts {
  let parsed = parsedTemplates.get(template);
  if (!parsed) parsedTemplates.set(template, (parsed = parseForRender(template)));
  return parsed;
}

/** Renders the served (or asked-for) version of a prompt with the caller's variables. */
export function renderPrompt(ctx: Ctx, input: z.output<typeof RenderInput>): RenderedPrompt {
  // The rendered text is the template's text: rendering needs read permission. A run-only
  // member (Chat only, a run share) runs the prompt and gets the model's output, never this.
  // Over the API a key needs the `run` scope too, as before (checked after visibility).
  const row = requirePrompt(ctx, input.name, 'read');
  requireApiScope(ctx, 'run');
  const version = servedVersionOf(ctx, row, input.version);
  const { messages, text, unusedVariables } = renderOrThrow(version.template, input.variables, version.variables, parsedTemplate(version.template));
  return { prompt: input.name, version: version.number, messages, text, unusedVariables };
}

/** Renders an unsaved draft, for the editor's preview. */
export function previewRender(input: z.output<typeof PreviewRenderInput>): Omit<RenderedPrompt, 'prompt' | 'version'> {
  const { messages, text, unusedVariables } = renderOrThrow(input.template, input.variables, input.metadata);
  return { messages, text, unusedVariables };
}
