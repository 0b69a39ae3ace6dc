import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { respanTemplate, respanVariables, respanVariableValue } from '../../../../src/main/core/compat/respan-variables';
import { messagesOf } from '../../../../src/main/core/compat/respan-shapes';
import type { Template, VariableMeta } from '../../../../src/shared/template/template';

/**
 * Respan item 5 as a property: whatever a version holds, what the door answers for it
 * (messages, variables), written back, is the same version (template kind and every variable's
 * metadata), and a changed value changes only that variable's example.
 */
const NAME = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/);
const TEXT = fc.string({ maxLength: 12 }).filter((s) => !s.includes('{') && !s.includes('}') && !s.includes('\\'));
const META = (name: string) =>
  fc.record({ description: fc.option(TEXT, { nil: undefined }), default: fc.option(TEXT, { nil: undefined }), example: fc.option(TEXT, { nil: undefined }) }).map((m) => {
    const meta: VariableMeta = { name };
    for (const [key, value] of Object.entries(m)) if (value !== undefined) (meta as unknown as Record<string, string>)[key] = value;
    return meta;
  });
const VERSION = fc.uniqueArray(NAME, { minLength: 1, maxLength: 5 }).chain((names) =>
  fc.record({
    metas: fc.tuple(...names.map(META)),
    template: fc.oneof(
      fc.constant<Template>({ kind: 'text', text: names.map((n) => `{{${n}}}`).join(' ') }),
      fc.constant<Template>({ kind: 'chat', messages: [{ role: 'system', content: 'S' }, { role: 'user', content: names.map((n) => `{{${n}}}`).join(' ') }] }),
    ),
  }),
);
const answered = (metas: VariableMeta[]) => Object.fromEntries(metas.map((m) => [m.name, respanVariableValue(m)]));

describe('respan-variables: a version answered by the door and written back is the same version', () => {
  it('template kind and variable metadata survive the round trip', () => {
    fc.assert(
      fc.property(VERSION, ({ metas, template }) => {
        const back = respanTemplate(messagesOf(template), template);
        expect(back).toEqual(template);
        expect(respanVariables(answered(metas), metas, back)).toEqual(metas);
      }),
    );
  });

  it('a changed value becomes that variable\'s example and keeps its description and default; the others are untouched', () => {
    fc.assert(
      fc.property(VERSION, TEXT.filter((s) => s !== ''), ({ metas, template }, value) => {
        const [first, ...rest] = metas;
        fc.pre(respanVariableValue(first!) !== value);
        const written = respanVariables({ ...answered(metas), [first!.name]: value }, metas, template);
        expect(written).toEqual([{ ...first, example: value }, ...rest]);
      }),
    );
  });

  it('a name the messages do not use, with a value of its own, is a 400 naming variables.<name>', () => {
    fc.assert(
      fc.property(VERSION, ({ metas, template }) => {
        expect(() => respanVariables({ zz_unused_9: 'x' }, metas, template)).toThrowError(expect.objectContaining({ field: 'variables.zz_unused_9' }));
      }),
    );
  });
});
