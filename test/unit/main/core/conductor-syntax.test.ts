import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { conductorToNative, nativeToConductor } from '../../../../src/main/core/compat/conductor-syntax';
import { parseTemplate } from '../../../../src/shared/template/parse';
import { renderTemplate } from '../../../../src/shared/template/template';

/** Text rich in what the mapping must keep apart: `${`, `{{`, `}}`, backslashes, `$`. */
const conductorText = fc
  .array(fc.oneof(fc.constantFrom('${', '{{', '}}', '{', '}', '\\', '$', 'name', 'x_1', ' ', '\n', 'é', '${a.b}', '${1x}', '${}', '${ok}'), fc.string({ maxLength: 4 })), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe("conductor-syntax: Conductor's ${name} at the Conductor door", () => {
  it('any Conductor text round-trips exactly (to native, then back)', () => {
    fc.assert(fc.property(conductorText, (text) => nativeToConductor(conductorToNative(text)) === text), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => nativeToConductor(conductorToNative(text)) === text));
  });

  it('the native form always parses, and renders the Conductor text with each ${name} replaced by its value', () => {
    fc.assert(
      fc.property(conductorText, (text) => {
        const native = conductorToNative(text);
        const parsed = parseTemplate(native);
        if (!parsed.ok) return false;
        const values = Object.fromEntries(parsed.variables.map((v) => [v, `<${v}>`]));
        const expected = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => `<${name}>`);
        const rendered = renderTemplate({ kind: 'text', text: native }, values);
        return 'messages' in rendered && rendered.messages[0]!.content === expected;
      }),
      { numRuns: 1000 },
    );
  });

  it('variables are the ${...} names; literal {{ and ${not.a.name} stay text', () => {
    const native = conductorToNative('Hello ${customer_name}, {{a.b}} {{#if x}}y{{/if}} {{ a ${a.b} C:\\${path}');
    expect(native).toBe('Hello {{customer_name}}, \\{{a.b}} \\{{#if x}}y\\{{/if}} \\{{ a ${a.b} C:\\\\{{path}}');
    const parsed = parseTemplate(native);
    expect(parsed.ok && parsed.variables).toEqual(['customer_name', 'path']);
  });

  it('a native template reads with ${x} for each {{x}} (typed inputs too); a native literal ${x} reads as ${x} (documented edge case)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), { minLength: 1, maxLength: 5 }), (names) => {
        const native = names.map((n) => `say {{${n}}} and {{ ${n} }}`).join(' / ');
        return nativeToConductor(native) === names.map((n) => `say \${${n}} and \${${n}}`).join(' / ');
      }),
    );
    expect(nativeToConductor('{{topic | text:required}} \\{{lit}}')).toBe('${topic} {{lit}}');
    expect(nativeToConductor('costs ${price}')).toBe('costs ${price}');
  });
});
