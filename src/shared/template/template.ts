import { parseTemplate, type TemplateProblem, type TemplateSegment } from './parse';

export type MessageRole = 'system' | 'user' | 'assistant';
export interface ChatMessage {
  role: MessageRole;
  content: string;
}

/** A prompt template: one text, or a chat of role-tagged messages. */
export type Template = { kind: 'text'; text: string } | { kind: 'chat'; messages: ChatMessage[] };

export type VariableValue = string | number | boolean;

export interface VariableMeta {
  name: string;
  description?: string;
  default?: string;
  example?: string;
}

/** Where a template problem is: the message index for chat templates. */
export interface LocatedProblem extends TemplateProblem {
  messageIndex?: number;
}

export type TemplateAnalysis =
  | { ok: true; variables: string[] }
  | { ok: false; problem: LocatedProblem };

function templateTexts(template: Template): string[] {
  return template.kind === 'text' ? [template.text] : template.messages.map((m) => m.content);
}

/** Variables in order of first appearance across the whole template. */
export function analyzeTemplate(template: Template): TemplateAnalysis {
  const variables: string[] = [];
  const texts = templateTexts(template);
  for (let index = 0; index < texts.length; index++) {
    const parsed = parseTemplate(texts[index]!);
    if (!parsed.ok) {
      return {
        ok: false,
        problem: template.kind === 'chat' ? { ...parsed.problem, messageIndex: index } : parsed.problem,
      };
    }
    for (const name of parsed.variables) if (!variables.includes(name)) variables.push(name);
  }
  return { ok: true, variables };
}

/** True when the template has no text at all (whitespace only counts as empty). */
export function isTemplateEmpty(template: Template): boolean {
  return templateTexts(template).every((text) => text.trim() === '');
}

/** The searchable text of a template: every message joined. */
export function templateText(template: Template): string {
  return templateTexts(template).join('\n');
}

export type RenderResult =
  | { ok: true; messages: ChatMessage[]; text: string; unusedVariables: string[] }
  | { ok: false; missing: string[] }
  | { ok: false; problem: LocatedProblem; missing?: undefined };

function stringify(value: VariableValue): string {
  return typeof value === 'string' ? value : String(value);
}

function fill(segments: TemplateSegment[], values: Map<string, string>): string {
  let out = '';
  for (const segment of segments) out += segment.kind === 'text' ? segment.text : values.get(segment.name)!;
  return out;
}

/**
 * Renders a template. A variable takes its supplied value, else its metadata default;
 * any variable with neither is reported as missing (all of them, not just the first).
 * Values are inserted verbatim: a value containing `{{x}}` is never expanded again.
 *
 * @example renderTemplate({ kind: 'text', text: 'Hi {{who}}' }, { who: 'Ada' }).messages
 *   // [{ role: 'user', content: 'Hi Ada' }]
 */
export function renderTemplate(
  template: Template,
  supplied: Record<string, VariableValue>,
  metadata: VariableMeta[] = [],
): RenderResult {
  const analysis = analyzeTemplate(template);
  if (!analysis.ok) return { ok: false, problem: analysis.problem };

  const defaults = new Map(metadata.filter((m) => m.default !== undefined).map((m) => [m.name, m.default!]));
  const values = new Map<string, string>();
  const missing: string[] = [];
  for (const name of analysis.variables) {
    if (Object.hasOwn(supplied, name)) values.set(name, stringify(supplied[name]!));
    else if (defaults.has(name)) values.set(name, defaults.get(name)!);
    else missing.push(name);
  }
  if (missing.length > 0) return { ok: false, missing };

  const sources: ChatMessage[] =
    template.kind === 'text' ? [{ role: 'user', content: template.text }] : template.messages;
  const messages = sources.map((message) => {
    const parsed = parseTemplate(message.content);
    // analyzeTemplate already parsed every text successfully.
    return { role: message.role, content: parsed.ok ? fill(parsed.segments, values) : message.content };
  });
  const unusedVariables = Object.keys(supplied).filter((name) => !analysis.variables.includes(name));
  return { ok: true, messages, text: messages.map((m) => m.content).join('\n\n'), unusedVariables };
}
