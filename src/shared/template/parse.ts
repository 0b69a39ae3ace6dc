import { isForbiddenKey } from '../reserved-keys';

/**
 * The template language: `{{name}}` inserts a variable (`{{name | type:options}}`, Open WebUI's
 * typed input, is the same variable: see variableNameOf). Backslashes matter only right before
 * `{{`: each pair `\\` writes one literal backslash, and an odd one left over makes the braces
 * literal. So `\{{x}}` is the text `{{x}}`, `\\{{x}}` is a backslash then the value of x, and
 * `\\\{{x}}` a backslash then the text `{{x}}`. Backslashes anywhere else are plain text
 * (`C:\Users\` needs no escaping), and so are single braces (JSON examples need no escaping).
 * A run of three or more `{` keeps its extra braces as text: `{{{x}}}` renders `{value}`.
 *
 * Work is linear in the text's length: one forward scan, and line/column are computed only
 * for the one problem reported.
 *
 * @example parseTemplate('Hi {{ name }}!') // segments: text 'Hi ', var 'name', text '!'
 * @example parseTemplate('C:\\Users\\\\{{user}}') // text 'C:\Users\', var 'user'
 */
export const VARIABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_VARIABLE_NAME_LENGTH = 64;

/**
 * The most distinct variables one template may use (all its messages together). Real prompts
 * use a handful to a few dozen; tens of thousands are only ever an attack, and every variable
 * costs work on each save, read and render (metadata, values, the editor's form). Past this a
 * template is refused at the first excess variable, with its line and column.
 */
export const MAX_TEMPLATE_VARIABLES = 1_000;

export type TemplateSegment =
  | { kind: 'text'; text: string }
  | { kind: 'variable'; name: string; start: number; end: number };

export interface TemplateProblem {
  message: string;
  /** Offset of the offending `{{` (or of the backslash before it) in the source text. */
  offset: number;
  line: number;
  column: number;
}

export type ParsedTemplate =
  | { ok: true; segments: TemplateSegment[]; variables: string[] }
  | { ok: false; problem: TemplateProblem };

export interface ParseOptions {
  /**
   * Also refuse what renders but is almost surely not what the author meant (saving and the
   * editor use this; rendering a stored version does not, so old versions keep rendering):
   * a Windows-style path whose last backslash escapes a variable, `C:\Users\{{user}}`.
   */
  strict?: boolean;
  /**
   * Refuse the text at the first variable that makes more than this many distinct ones,
   * counting those in `known` (the template's earlier messages). Unset: no limit.
   */
  maxVariables?: number;
}

const NONE: ReadonlySet<string> = new Set();

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

/**
 * The name inside `{{ ... }}` starting at `open`, if a well-formed variable tag starts there.
 * Scans only characters a tag may hold, so it stops at the next brace or backslash: the scans
 * of successive escapes never overlap, and a text full of `\{{` stays linear.
 */
function tagNameAt(text: string, open: number): string | null {
  const limit = Math.min(text.length, open + 2 + MAX_VARIABLE_NAME_LENGTH + 256);
  for (let at = open + 2; at < limit; at++) {
    const ch = text[at]!;
    if (ch === '}') {
      if (text[at + 1] !== '}') return null;
      const name = text.slice(open + 2, at).trim();
      return VARIABLE_NAME_PATTERN.test(name) && name.length <= MAX_VARIABLE_NAME_LENGTH ? name : null;
    }
    if (!/[A-Za-z0-9_ \t]/.test(ch)) return null;
  }
  return null;
}

// MAX_PATH: a path segment is never longer, and the look-back stays bounded.
const PATH_LOOKBACK = 260;

/**
 * True when the text before a backslash escape reads as a file path, so the backslash was
 * meant as a separator: a drive (`C:`), an earlier backslash (`Users\`), an environment
 * variable (`%APPDATA%`), a home or relative start (`~`, `.`), or a variable (`{{dir}}\`).
 * The look-back stops at whitespace or at an earlier backslash, so successive calls never
 * rescan the same text.
 */
export function looksLikePathBefore(text: string, backslashAt: number): boolean {
  let start = backslashAt;
  while (start > 0 && backslashAt - start < PATH_LOOKBACK) {
    const ch = text.charCodeAt(start - 1);
    if (ch === 92) return true;
    if (ch === 32 || ch === 9 || ch === 10 || ch === 13 || /\s/.test(text[start - 1]!)) break;
    start--;
  }
  const token = text.slice(start, backslashAt);
  if (token === '') return false;
  return /^[A-Za-z]:/.test(token) || token.endsWith('}}') || /^(%[A-Za-z0-9_]+%|~|\.)/.test(token);
}

/**
 * The variable name a tag's inner text names. Open WebUI's typed input variables
 * (open-webui/docs docs/features/workspace/prompts.md: `{{topic | text:placeholder="Topic":required}}`,
 * `{{tone | select:options=["formal","casual"]}}`) name their variable before the first `|`;
 * what follows is the input's type and options, kept verbatim in the text and replaced with the
 * value on render like the whole tag. Every door (render, runs, the editor's highlighting) reads
 * tags through this one function.
 *
 * @example variableNameOf(' topic | text:required ') // 'topic'
 */
export function variableNameOf(inner: string): string {
  const bar = inner.indexOf('|');
  return (bar === -1 ? inner : inner.slice(0, bar)).trim();
}

/**
 * Parses a template text into literal and variable segments, or the first problem in it.
 * `variables` lists the names new to this text (not in `known`), in order of first use.
 */
export function parseTemplate(text: string, options: ParseOptions = {}, known: ReadonlySet<string> = NONE): ParsedTemplate {
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
    // The backslashes right before `{{` (never reaching back before `i`: those were text).
    let slashes = 0;
    while (open - slashes - 1 >= i && text.charCodeAt(open - slashes - 1) === 92) slashes++;
    const slashStart = open - slashes;
    literal += text.slice(i, slashStart) + '\\'.repeat(slashes >> 1);
    if (slashes % 2 === 1) {
      if (options.strict && slashes === 1 && looksLikePathBefore(text, slashStart)) {
        const name = tagNameAt(text, open);
        if (name !== null) {
          return fail(
            `"\\{{${name}}}" after a path writes the text "{{${name}}}", not a backslash and the value: ` +
              `write "\\\\{{${name}}}" for a backslash followed by the value, or "\\\\\\{{${name}}}" for a backslash followed by the literal braces`,
            slashStart,
          );
        }
      }
      literal += '{{';
      i = open + 2;
      continue;
    }
    // In a run of braces only the last two open the tag.
    let tagOpen = open;
    while (text[tagOpen + 2] === '{') tagOpen++;
    literal += text.slice(open, tagOpen);

    const close = text.indexOf('}}', tagOpen + 2);
    if (close === -1) return fail('Unclosed "{{": add "}}" or write "\\{{" for literal braces', tagOpen);
    const inner = text.slice(tagOpen + 2, close);
    const name = variableNameOf(inner);
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
    if (isForbiddenKey(name)) {
      return fail(`"${name}" cannot be a variable name: the API refuses it as a key in a request body, so it could never get a value`, tagOpen);
    }
    if (!seen.has(name) && !known.has(name)) {
      // Checked before the variable is kept, so the parse stops here and its work stays bounded.
      const max = options.maxVariables;
      if (max !== undefined && known.size + seen.size >= max) {
        return fail(`Too many variables: "${name}" would be number ${(max + 1).toLocaleString('en-US')}; a template may use at most ${max.toLocaleString('en-US')} different variables`, tagOpen);
      }
      seen.add(name);
      variables.push(name);
    }
    if (literal) segments.push({ kind: 'text', text: literal });
    literal = '';
    segments.push({ kind: 'variable', name, start: tagOpen, end: close + 2 });
    i = close + 2;
  }
  if (literal) segments.push({ kind: 'text', text: literal });
  return { ok: true, segments, variables };
}

/**
 * The template source that renders exactly `text`, with no variables: every `{{` gets an
 * escaping backslash, and the backslashes already before it are doubled so they stay text.
 *
 * @example escapeTemplateText('{{x}}') // '\{{x}}'
 * @example escapeTemplateText('C:\\{{x}}') // 'C:\\\{{x}}' (renders 'C:\{{x}}')
 */
export function escapeTemplateText(text: string): string {
  return text.replace(/(\\*)\{\{/g, (_match, slashes: string) => `${slashes}${slashes}\\{{`);
}
