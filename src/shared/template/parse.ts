/**
 * The template language: `{{name}}` inserts a variable, `\{{` is a literal `{{`.
 * Anything else is literal text, so JSON examples with single braces need no escaping.
 * A run of three or more `{` keeps its extra braces as text: `{{{x}}}` renders `{value}`.
 *
 * @example parseTemplate('Hi {{ name }}!') // segments: text 'Hi ', var 'name', text '!'
 */
export const VARIABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_VARIABLE_NAME_LENGTH = 64;

export type TemplateSegment =
  | { kind: 'text'; text: string }
  | { kind: 'variable'; name: string; start: number; end: number };

export interface TemplateProblem {
  message: string;
  /** Offset of the offending `{{` in the source text. */
  offset: number;
  line: number;
  column: number;
}

export type ParsedTemplate =
  | { ok: true; segments: TemplateSegment[]; variables: string[] }
  | { ok: false; problem: TemplateProblem };

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function parseTemplate(text: string): ParsedTemplate {
  const segments: TemplateSegment[] = [];
  const seen = new Set<string>();
  const variables: string[] = [];
  let literal = '';
  let i = 0;

  const fail = (message: string, offset: number): ParsedTemplate => ({
    ok: false,
    problem: { message, offset, ...lineAndColumn(text, offset) },
  });

  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open === -1) {
      literal += text.slice(i);
      break;
    }
    // `\{{` escapes the opening braces.
    if (open > 0 && text[open - 1] === '\\') {
      literal += text.slice(i, open - 1) + '{{';
      i = open + 2;
      continue;
    }
    // In a run of braces only the last two open the tag.
    let tagOpen = open;
    while (text[tagOpen + 2] === '{') tagOpen++;
    literal += text.slice(i, tagOpen);

    const close = text.indexOf('}}', tagOpen + 2);
    if (close === -1) return fail('Unclosed "{{": add "}}" or write "\\{{" for literal braces', tagOpen);
    const inner = text.slice(tagOpen + 2, close);
    const name = inner.trim();
    if (name === '') return fail('Empty variable "{{}}": put a variable name between the braces', tagOpen);
    if (!VARIABLE_NAME_PATTERN.test(name)) {
      return fail(
        `Invalid variable name "${name.slice(0, 40)}": use letters, digits and _ (not starting with a digit)`,
        tagOpen,
      );
    }
    if (name.length > MAX_VARIABLE_NAME_LENGTH) {
      return fail(`Variable name is longer than ${MAX_VARIABLE_NAME_LENGTH} characters`, tagOpen);
    }
    if (literal) segments.push({ kind: 'text', text: literal });
    literal = '';
    segments.push({ kind: 'variable', name, start: tagOpen, end: close + 2 });
    if (!seen.has(name)) {
      seen.add(name);
      variables.push(name);
    }
    i = close + 2;
  }
  if (literal) segments.push({ kind: 'text', text: literal });
  return { ok: true, segments, variables };
}
