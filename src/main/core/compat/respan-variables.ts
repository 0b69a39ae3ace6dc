import { invalid } from '../errors';
import { analyzeTemplate, type ChatMessage, type Template, type VariableMeta } from '../../../shared/template/template';

/**
 * How a Respan version's `messages` and `variables` (respan_sdk/respan_types/prompt_types.py
 * `PromptVersion`) become a Promptdesk template and variable metadata, starting from the version
 * the write came from (its `base`), so a version read with `get_version` and written back with
 * `create_version` or `update_version` keeps what Respan's shape cannot carry: a text template
 * stays text, and each variable keeps its description and default.
 */

/** What a version answers for one variable in `variables`: its example, else its default, else "". */
export function respanVariableValue(meta: VariableMeta): string {
  return meta.example ?? meta.default ?? '';
}

/**
 * The template for `messages`. Respan has only messages, and a Promptdesk text template is
 * answered as one user message (respan-shapes.ts messagesOf), so when the base version is a text
 * template and the messages are one user message, the result is a text template with that content
 * (what the Promptdesk editor shows and runs the same way); anything else is a chat template.
 */
export function respanTemplate(messages: ChatMessage[], base: Template | undefined): Template {
  const [only] = messages;
  if (base?.kind === 'text' && messages.length === 1 && only!.role === 'user') return { kind: 'text', text: only!.content };
  return { kind: 'chat', messages };
}

/**
 * Respan `variables` (name -> example value) as Promptdesk variable metadata for `template`,
 * starting from `base` (the metadata of the version the write came from):
 * - a value equal to what the base answers for that name (respanVariableValue) is no change: the
 *   base's metadata stays whole (an echoed default does not become an example);
 * - another value is the variable's example, over the base's description and default ("" removes
 *   the example);
 * - a name the template does not use is a 400 naming `variables.<name>`, never dropped in silence,
 *   unless its value is the base's (a copied version whose new messages dropped that variable).
 * Variables the body leaves out keep the base's metadata (the version services align them to the
 * template). A template that does not parse is left to the version services to refuse.
 *
 * @throws AppError invalid_input, field `variables.<name>`
 */
export function respanVariables(values: Record<string, string> | undefined, base: VariableMeta[], template: Template): VariableMeta[] {
  if (values === undefined) return base;
  const analysis = analyzeTemplate(template);
  const used = analysis.ok ? new Set(analysis.variables) : undefined;
  const byName = new Map(base.map((meta) => [meta.name, meta]));
  for (const [name, value] of Object.entries(values)) {
    const current = byName.get(name);
    const echoed = current !== undefined && respanVariableValue(current) === value;
    if (used && !used.has(name)) {
      // A copied PromptVersion echoes the base's variables: one the new messages dropped is no request.
      if (echoed) continue;
      const uses = used.size > 0 ? `they use ${[...used].slice(0, 20).join(', ')}` : 'they use none';
      throw invalid(`${name.slice(0, 64)} is not a variable of the messages (${uses})`, `variables.${name}`);
    }
    if (echoed) continue;
    const meta: VariableMeta = { ...current, name };
    delete meta.example;
    byName.set(name, value === '' ? meta : { ...meta, example: value });
  }
  return [...byName.values()];
}
