import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTemplate, renderTemplate } from '../../../src/shared/template';
import { variableRanges } from '../../../src/shared/template/variable-ranges';

/**
 * Open WebUI's typed input variables (open-webui/docs docs/features/workspace/prompts.md):
 * `{{name | type}}` with `:placeholder="..."`, `:default=...`, `:options=[...]`, `:required` and
 * the documented input types. Each form is the variable `name` everywhere the parser is used.
 */
const TYPES = ['text', 'textarea', 'select', 'number', 'checkbox', 'date', 'datetime-local', 'color', 'email', 'month', 'range', 'tel', 'time', 'url', 'week', 'map'];
const MODIFIERS = [':placeholder="Enter topic"', ':default=formal', ':default="a b"', ':options=["formal","casual"]', ':required', ':min=1', ':max=10', ':step=2'];
const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
const typedTag = fc
  .tuple(name, fc.constantFrom(...TYPES), fc.subarray(MODIFIERS), fc.constantFrom('', ' '), fc.constantFrom('', ' '))
  .map(([n, type, mods, pad1, pad2]) => ({ name: n, tag: `{{${pad1}${n}${pad2}| ${type}${mods.join('')}${pad1}}}` }));

describe('template: Open WebUI typed input variables', () => {
  it('every documented form parses to its name, highlights as one variable and renders the value', () => {
    fc.assert(
      fc.property(typedTag, fc.string({ maxLength: 10 }).filter((s) => !s.includes('{') && !s.includes('}') && !s.includes('\\')), ({ name: n, tag }, before) => {
        const source = `${before}${tag}!`;
        const parsed = parseTemplate(source, { strict: true });
        expect(parsed.ok && parsed.variables).toEqual([n]);
        expect(variableRanges(source)).toEqual([{ from: before.length, to: before.length + tag.length, name: n }]);
        const rendered = renderTemplate({ kind: 'text', text: source }, { [n]: 'VALUE' });
        expect(rendered.ok && rendered.text).toBe(`${before}VALUE!`);
      }),
    );
  });

  it("the report's examples are accepted", () => {
    const parsed = parseTemplate('Write about {{topic | text:placeholder="Enter topic":required}} in a {{tone | select:options=["formal","casual"]}} tone', { strict: true });
    expect(parsed.ok && parsed.variables).toEqual(['topic', 'tone']);
  });

  it('the name before the bar is still checked', () => {
    const parsed = parseTemplate('{{ 1x | text }}');
    expect(parsed.ok).toBe(false);
    expect(parseTemplate('{{ | text }}').ok).toBe(false);
  });
});
