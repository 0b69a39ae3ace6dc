import { escapeTemplateText, parseTemplate, MAX_VARIABLE_NAME_LENGTH, VARIABLE_NAME_PATTERN } from '../../../shared/template/parse';
import { isForbiddenKey } from '../../../shared/reserved-keys';

/**
 * Conductor writes variables as `${name}` (conductor-oss/python-sdk docs/PROMPT.md,
 * examples/prompt_journey.py; javascript-sdk PromptClient examples), Promptdesk as `{{name}}`.
 * This door translates, so any Conductor text is accepted and reads back exactly as sent:
 *
 * - save (conductorToNative): `${name}` becomes `{{name}}` when `name` is a name a Promptdesk
 *   variable may have (letters, digits, `_`, not starting with a digit, at most 64 characters);
 *   everything else is literal text, escaped so it renders as written (`{{` becomes `\{{`, and
 *   backslashes right before a `{{` or a variable are doubled: escapeTemplateText's rule).
 * - read (nativeToConductor): the native text parsed, each variable written `${name}` (a typed
 *   Open WebUI input `{{x | text}}` shows as `${x}`), literal text as it renders (`\{{` is `{{`).
 *
 * Edge case: a native text holding a literal `${x}` reads as `${x}`; that text saved back
 * unchanged is no change (conductor.ts holds), an edited one makes it a variable. And `${a.b}`
 * (not a Promptdesk name) stays text both ways.
 */
const CONDUCTOR_VARIABLE = /\$\{([^{}]*)\}/g;

const isNativeName = (name: string) => VARIABLE_NAME_PATTERN.test(name) && name.length <= MAX_VARIABLE_NAME_LENGTH && !isForbiddenKey(name);

/**
 * `literal` as template source that a `{{tag}}` may follow: escaped, and the backslashes at its
 * end (or before a last lone `{`, which joins the tag's braces) doubled, since backslashes right
 * before the first `{{` of a brace run would escape the tag.
 */
function literalBeforeTag(literal: string): string {
  const escaped = escapeTemplateText(literal);
  const tail = /(\\+)(\{?)$/.exec(escaped);
  if (!tail || (tail[2] === '{' && escaped.endsWith('{{'))) return escaped;
  return escaped.slice(0, tail.index) + tail[1]!.repeat(2) + tail[2];
}

/**
 * The Promptdesk template source for a Conductor text (see the module comment).
 *
 * @example conductorToNative('Hello ${customer_name}, {{literal}}') // 'Hello {{customer_name}}, \\{{literal}}'
 */
export function conductorToNative(text: string): string {
  let out = '';
  let at = 0;
  for (const match of text.matchAll(CONDUCTOR_VARIABLE)) {
    const name = match[1]!;
    if (!isNativeName(name)) continue;
    out += literalBeforeTag(text.slice(at, match.index)) + `{{${name}}}`;
    at = match.index + match[0].length;
  }
  return out + escapeTemplateText(text.slice(at));
}

/**
 * The Conductor text for a Promptdesk template source: variables as `${name}`, literal text as
 * it renders. A source that does not parse is returned as it is.
 *
 * @example nativeToConductor('Hi {{ name }} \\{{x}}') // 'Hi ${name} {{x}}'
 */
export function nativeToConductor(source: string): string {
  const parsed = parseTemplate(source);
  if (!parsed.ok) return source;
  return parsed.segments.map((s) => (s.kind === 'text' ? s.text : `\${${s.name}}`)).join('');
}
