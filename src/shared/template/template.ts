import { MAX_TEMPLATE_VARIABLES, parseTemplate, type ParseOptions, type TemplateProblem, type TemplateSegment } from './parse';

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

export type ParsedTexts = { ok: true; parsed: TemplateSegment[][]; variables: string[] } | { ok: false; problem: LocatedProblem };

/**
 * Parses every text of a template once; variables in order of first appearance. At most
 * MAX_TEMPLATE_VARIABLES distinct ones across all messages (saving, reading and rendering alike):
 * past that the parse stops at the first excess variable.
 */
/**
 * A template parsed as renderTemplate parses it (its segments and variables, or its first
 * problem), for a caller that renders the same immutable template many times and keeps this
 * (core/render/render-service.ts, per stored version object). Treat it as read-only.
 */
export function parseForRender(template: Template): ParsedTexts {
  return parseTexts(template, {});
}

function parseTexts(template: Template, options: ParseOptions): ParsedTexts {
  const variables: string[] = [];
  const seen = new Set<string>();
  const parsed: TemplateSegment[][] = [];
  const texts = templateTexts(template);
  const limited = { maxVariables: MAX_TEMPLATE_VARIABLES, ...options };
  for (let index = 0; index < texts.length; index++) {
    const result = parseTemplate(texts[index]!, limited, seen);
    if (!result.ok) {
      return { ok: false, problem: template.kind === 'chat' ? { ...result.problem, messageIndex: index } : result.problem };
    }
    parsed.push(result.segments);
    // parseTemplate lists only names not in `seen`.
    for (const name of result.variables) {
      seen.add(name);
      variables.push(name);
    }
  }
  return { ok: true, parsed, variables };
}

/**
 * Variables in order of first appearance across the whole template, or the first problem.
 * `strict` (saving, the editor) also refuses what renders but was surely not meant; see
 * {@link ParseOptions}.
 */
export function analyzeTemplate(template: Template, options: ParseOptions = {}): TemplateAnalysis {
  const result = parseTexts(template, options);
  return result.ok ? { ok: true, variables: result.variables } : result;
}

/** True when the template has no text at all (whitespace only counts as empty). */
export function isTemplateEmpty(template: Template): boolean {
  return templateTexts(template).every((text) => text.trim() === '');
}

/** The searchable text of a template: every message joined. */
export function templateText(template: Template): string {
  return templateTexts(template).join('\n');
}

/**
 * The most characters a render may produce (all messages together). The output grows with
 * the number of times a variable is used times its value's length, so a short template can ask
 * for gigabytes; past this the render is refused before any of it is built.
 */
export const MAX_RENDERED_CHARS = 1_000_000;

export type RenderResult =
  | { ok: true; messages: ChatMessage[]; text: string; unusedVariables: string[] }
  | { ok: false; missing: string[] }
  | { ok: false; problem: LocatedProblem; missing?: undefined }
  | { ok: false; tooLarge: { chars: number; limit: number }; missing?: undefined; problem?: undefined };

function stringify(value: VariableValue): string {
  return typeof value === 'string' ? value : String(value);
}

function fill(segments: TemplateSegment[], values: Map<string, string>): string {
  let out = '';
  for (const segment of segments) out += segment.kind === 'text' ? segment.text : values.get(segment.name)!;
  return out;
}

/** The length `fill` would produce, without building it. */
function filledLength(segments: TemplateSegment[], values: Map<string, string>): number {
  let length = 0;
  for (const segment of segments) length += segment.kind === 'text' ? segment.text.length : values.get(segment.name)!.length;
  return length;
}

/**
 * Whether `supplied` gives `name` a value, which then wins over the variable's default: any
 * value counts, the empty string included (it renders empty). The one rule for rendering and for
 * what the readiness checklist counts as "an optional variable left out" (core/readiness).
 */
export function suppliesValue(supplied: Readonly<Record<string, unknown>>, name: string): boolean {
  return Object.hasOwn(supplied, name);
}

/**
 * Renders a template. A variable takes its supplied value, else its metadata default;
 * any variable with neither is reported as missing (all of them, not just the first).
 * Values are inserted verbatim: a value containing `{{x}}` is never expanded again.
 * Output longer than `maxChars` (UTF-16 code units, all messages plus the joined text's
 * separators) is refused as `tooLarge` before it is built. Time is linear in the template's
 * length plus the output's.
 *
 * @example renderTemplate({ kind: 'text', text: 'Hi {{who}}' }, { who: 'Ada' }).messages
 *   // [{ role: 'user', content: 'Hi Ada' }]
 */
export function renderTemplate(
  template: Template,
  supplied: Record<string, VariableValue>,
  metadata: VariableMeta[] = [],
  maxChars: number = MAX_RENDERED_CHARS,
  analysis: ParsedTexts = parseForRender(template),
): RenderResult {
  if (!analysis.ok) return { ok: false, problem: analysis.problem };

  // Built per render (the API's hot path), so only what the answer needs is allocated: a default
  // is looked up when a variable is not supplied (the last metadata entry giving one wins).
  const values = new Map<string, string>();
  let missing: string[] | undefined;
  for (const name of analysis.variables) {
    if (suppliesValue(supplied, name)) {
      values.set(name, stringify(supplied[name]!));
      continue;
    }
    const fallback = metadata.findLast((m) => m.name === name && m.default !== undefined)?.default;
    if (fallback !== undefined) values.set(name, fallback);
    else (missing ??= []).push(name);
  }
  if (missing) return { ok: false, missing };

  const separators = 2 * (analysis.parsed.length - 1);
  const chars = analysis.parsed.reduce((sum, segments) => sum + filledLength(segments, values), separators);
  if (chars > maxChars) return { ok: false, tooLarge: { chars, limit: maxChars } };

  const messages = analysis.parsed.map((segments, index) => ({
    role: template.kind === 'text' ? ('user' as const) : template.messages[index]!.role,
    content: fill(segments, values),
  }));
  // Nothing is missing here, so `values` holds exactly the template's variables.
  const unusedVariables = Object.keys(supplied).filter((name) => !values.has(name));
  return { ok: true, messages, text: messages.map((m) => m.content).join('\n\n'), unusedVariables };
}
