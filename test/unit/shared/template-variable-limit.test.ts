import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_TEMPLATE_VARIABLES } from '../../../src/shared/template/parse';
import { analyzeTemplate, renderTemplate, type Template } from '../../../src/shared/template/template';

// A template uses at most MAX_TEMPLATE_VARIABLES distinct variables, across all its messages;
// each use past the first costs nothing towards it. Saving (strict), reading and rendering agree,
// and a refusal points at the first variable past the limit (line, column, message).

const name = (i: number) => `v${i}`;

/** The template, and where (message, line, column) the first variable past the limit is, if any. */
function build(messages: number[][]): { template: Template; excess?: { messageIndex: number; line: number; column: number; name: string } } {
  const seen = new Set<number>();
  let excess: { messageIndex: number; line: number; column: number; name: string } | undefined;
  const contents = messages.map((ids, messageIndex) =>
    ids
      .map((id, index) => {
        // Two uses per line after a prefix of varying width, so columns and lines both vary.
        const line = Math.floor(index / 2) + 1;
        const column = index % 2 === 0 ? 1 + (line % 3) : 1 + (line % 3) + `{{${name(ids[index - 1]!)}}}`.length + 1;
        if (!seen.has(id)) {
          seen.add(id);
          if (seen.size === MAX_TEMPLATE_VARIABLES + 1 && !excess) excess = { messageIndex, line, column, name: name(id) };
        }
        const tag = `{{${name(id)}}}`;
        return index % 2 === 0 ? `${' '.repeat(line % 3)}${tag}` : ` ${tag}\n`;
      })
      .join(''),
  );
  const template: Template = contents.length === 1 ? { kind: 'text', text: contents[0]! } : { kind: 'chat', messages: contents.map((content) => ({ role: 'user', content: content || 'x' })) };
  return { template, excess };
}

// Names drawn around the limit: from a pool a little larger than it, with repeats.
const messagesArb = fc.array(fc.array(fc.integer({ min: 0, max: MAX_TEMPLATE_VARIABLES + 40 }), { maxLength: 700 }), { minLength: 1, maxLength: 4 });

describe('a template uses at most MAX_TEMPLATE_VARIABLES distinct variables', () => {
  it('property: accepted exactly when it has at most the limit; refused at the first excess variable, on save, read and render', () => {
    fc.assert(
      fc.property(messagesArb, fc.boolean(), (messages, strict) => {
        // Make most cases reach the limit: a prefix of every name once, in the first message.
        const padded = [[...Array.from({ length: MAX_TEMPLATE_VARIABLES - 5 }, (_, i) => i), ...messages[0]!], ...messages.slice(1)];
        const { template, excess } = build(padded);
        const analysis = analyzeTemplate(template, { strict });
        const rendered = renderTemplate(template, {});
        if (!excess) {
          expect(analysis.ok).toBe(true);
          expect(rendered.ok === false && 'missing' in rendered && rendered.missing !== undefined).toBe(true);
          return;
        }
        expect(analysis.ok).toBe(false);
        if (analysis.ok) return;
        const where = template.kind === 'chat' ? { messageIndex: excess.messageIndex } : {};
        expect(analysis.problem).toMatchObject({ line: excess.line, column: excess.column, ...where });
        expect(analysis.problem.message).toContain(`"${excess.name}"`);
        expect(analysis.problem.message).toContain('at most 1,000 different variables');
        expect(rendered).toMatchObject({ ok: false, problem: analysis.problem });
      }),
      { numRuns: 60 },
    );
  });

  it('the limit itself is accepted; the attack input (25,000 distinct) is refused at the 1,001st', () => {
    const at = Array.from({ length: MAX_TEMPLATE_VARIABLES }, (_, i) => `{{${name(i)}}}`).join('').repeat(3);
    expect(analyzeTemplate({ kind: 'text', text: at }, { strict: true })).toMatchObject({ ok: true });
    const attack = Array.from({ length: 25_000 }, (_, i) => `{{${name(i)}}}`).join('');
    const refused = analyzeTemplate({ kind: 'text', text: attack }, { strict: true });
    const offset = Array.from({ length: MAX_TEMPLATE_VARIABLES }, (_, i) => `{{${name(i)}}}`).join('').length;
    expect(refused).toMatchObject({ ok: false, problem: { offset, line: 1, column: offset + 1 } });
  });
});
