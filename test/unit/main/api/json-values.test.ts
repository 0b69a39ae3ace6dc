import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assertJsonValueCount } from '../../../../src/main/api/json-values';
import { errorOf } from '../../../helpers/errors';

// The body guard counts values (object members and array elements, at any depth) in the raw
// JSON text before it is parsed: for any JSON, it refuses exactly when the parsed value holds
// more than the limit, and names the container holding the most of them.

function countValues(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Object.values(value);
  return children.length + children.reduce((sum: number, child) => sum + countValues(child), 0);
}

// Keys and strings with quotes, backslashes, brackets, commas and colons inside: the scan must not count those.
const tricky = fc.string({ unit: fc.constantFrom('a', '"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'é', '\n') , maxLength: 8 });
const jsonArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, tricky, fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(tricky, tie('value'), { maxKeys: 6 }),
})).value;

describe('assertJsonValueCount', () => {
  it('property: refuses exactly the texts holding more values than the limit, however they are spaced', () => {
    fc.assert(
      fc.property(jsonArb, fc.integer({ min: 0, max: 40 }), fc.constantFrom(0, 2), (value, max, indent) => {
        const text = JSON.stringify(value, null, indent);
        const check = () => assertJsonValueCount(text, max);
        if (countValues(value) > max) expect(errorOf(check)).toMatchObject({ code: 'invalid_input' });
        else expect(check).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('names the container holding the most values, by key and index, as zod names fields', () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    const cases: [unknown, string | undefined][] = [
      [{ variables: many(30) }, 'variables'],
      [{ template: { kind: 'chat', messages: Array.from({ length: 30 }, () => ({ role: 'user', content: 'x' })) } }, 'template.messages'],
      [{ 'a "quoted" key': [[0], Array(30).fill(0)] }, 'a "quoted" key.1'],
      [many(30), undefined],
      [Array(30).fill({}), undefined],
    ];
    for (const [value, field] of cases) {
      expect(errorOf(() => assertJsonValueCount(JSON.stringify(value), 20))).toMatchObject({ code: 'invalid_input', field });
    }
  });
});
