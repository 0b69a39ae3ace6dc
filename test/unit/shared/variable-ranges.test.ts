import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Text } from '@codemirror/state';
import { parseTemplate } from '../../../src/shared/template/parse';
import { variableRanges } from '../../../src/shared/template/variable-ranges';
import { variableDecorations } from '../../../src/renderer/src/screens/editor/template-highlight';

/** What the editor marks, as [from, to) pairs. */
function marked(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const cursor = variableDecorations(Text.of(text.split('\n'))).iter();
  for (; cursor.value; cursor.next()) out.push([cursor.from, cursor.to]);
  return out;
}

/** What the parser renders as values, as [from, to) pairs, for a text it accepts. */
function parsedVariables(text: string): Array<[number, number]> | null {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return null;
  return parsed.segments.flatMap((s) => (s.kind === 'variable' ? [[s.start, s.end] as [number, number]] : []));
}

const PIECES = ['\\', '\\\\', '{', '{{', '}', '}}', 'x', 'y', ' ', '\n', '\t', 'C:', '__proto__', '{{x}}', '\\{{x}}', '{{ y }}', 'a'.repeat(65)];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((parts) => parts.join(''));

describe('the editor highlights what the parser reads as a variable', () => {
  it('property: for any text the parser accepts, the marks are exactly its variables', () => {
    fc.assert(
      fc.property(text, (t) => {
        const expected = parsedVariables(t);
        if (expected === null) return;
        expect(marked(t)).toEqual(expected);
        expect(variableRanges(t).map((r) => [r.from, r.to])).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: every mark, alone, parses as that one variable (also in texts the parser refuses)', () => {
    fc.assert(
      fc.property(text, (t) => {
        for (const range of variableRanges(t)) {
          const alone = parseTemplate(t.slice(range.from, range.to));
          expect(alone.ok && alone.segments.length === 1 && alone.segments[0]!.kind === 'variable' ? alone.variables : null).toEqual([range.name]);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['\\{{{x}}}', []],
    ['a \\{{{x}}} b', []],
    ['\\{{x}}', []],
    ['\\\\{{x}}', [[2, 7]]],
    ['\\\\\\{{x}}', []],
    ['{{{x}}}', [[1, 6]]],
    ['C:\\Users\\\\{{user}}', [[10, 18]]],
    ['C:\\Users\\{{user}}', []],
    ['{{\n x \n}}', [[0, 9]]],
    ['{{a b}} {{y}}', [[8, 13]]],
    ['{{__proto__}} {{y}}', [[14, 19]]],
    [`{{${'a'.repeat(65)}}} {{y}}`, [[70, 75]]],
    ['{{}} {{ y }}', [[5, 12]]],
    ['{{y}} {{ unclosed', [[0, 5]]],
  ] as Array<[string, Array<[number, number]>]>)('%j marks %j', (t, expected) => {
    expect(marked(t)).toEqual(expected);
  });
});
