import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RenderInput } from '../../../src/shared/schemas/prompts';
import { RENDER_INPUT_FAST_ON, renderInputFast } from '../../../src/shared/schemas/render-input-fast';
import { MAX_TEMPLATE_CHARS, MAX_VARIABLE_NAME_CHARS } from '../../../src/shared/schemas/template';
import { MAX_VERSION_NUMBER } from '../../../src/shared/schemas/version-number';
import { MAX_TEMPLATE_VARIABLES } from '../../../src/shared/template/parse';
import { parseWith } from '../../../src/main/api/body';
import { AppError, fromZodError } from '../../../src/main/core/errors';

// The render route parses its body with RenderInput (zod) on every render; renderInputFast
// answers for the inputs that schema certainly accepts, and leaves every other input to zod. The
// schema stays the rule: whenever the fast check answers, zod must accept the same input and give
// the same output (members, their order, values), so parseWith answers and refuses exactly as
// zod alone did. And it must answer for the ordinary render bodies, or it saves nothing.

/** A value's exact shape: member order, `-0` vs `0`, undefined members (toStrictEqual ignores order). */
function exact(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : value;
  if (typeof value !== 'object' || value === null) return value === undefined ? '(undefined)' : value;
  if (Array.isArray(value)) return value.map(exact);
  return Object.keys(value).map((k) => [k, exact((value as Record<string, unknown>)[k])]);
}

/** What parseWith gives: the output, or the refusal's message and field. */
function parsed(value: unknown): unknown {
  try {
    return { ok: exact(parseWith(RenderInput, value)) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { refused: error.message, field: error.field };
  }
}

/** What zod alone gives, in parseWith's words. */
function zodAlone(value: unknown): unknown {
  const result = RenderInput.safeParse(value);
  if (result.success) return { ok: exact(result.data) };
  const refusal = fromZodError(result.error);
  return { refused: refusal.message, field: refusal.field };
}

const LONG_VALUE = 'v'.repeat(MAX_TEMPLATE_CHARS);
const TOO_LONG_VALUE = 'v'.repeat(MAX_TEMPLATE_CHARS + 1);

const goodName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/);
const anyName = fc.oneof(goodName, fc.constantFrom('', '-x', '.x', 'a b', 'a/b', 'é', 'x'.repeat(100), 'x'.repeat(101)), fc.anything());
const goodVersion = fc.oneof(fc.integer({ min: 1, max: MAX_VERSION_NUMBER }), fc.constantFrom(1, MAX_VERSION_NUMBER));
const anyVersion = fc.oneof(goodVersion, fc.constantFrom(0, -1, -0, MAX_VERSION_NUMBER + 1, 1.5, NaN, Infinity, '2', null, true, [], {}), fc.double());
const goodKey = fc.oneof(
  fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__'),
  fc.constantFrom('question', 'a', '0', '12', '4294967295', 'constructor', 'toString', 'hasOwnProperty', '', 'é', 'x'.repeat(MAX_VARIABLE_NAME_CHARS)),
);
const anyKey = fc.oneof(goodKey, fc.constantFrom('__proto__', 'x'.repeat(MAX_VARIABLE_NAME_CHARS + 1)));
const goodValue = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constantFrom(LONG_VALUE, -0, 0));
const anyValue = fc.oneof(goodValue, fc.constantFrom(TOO_LONG_VALUE, NaN, Infinity, -Infinity, null, undefined, [], {}, ['x'], { a: 1 }), fc.anything());

/** An object with these members in this order (`__proto__` as an own member, as JSON.parse makes it). */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

const goodVariables = fc.array(fc.tuple(goodKey, goodValue), { maxLength: 6 }).map(objectOf);
const anyVariables = fc.oneof(
  goodVariables,
  fc.array(fc.tuple(anyKey, anyValue), { maxLength: 6 }).map(objectOf),
  fc.constantFrom(null, [], ['a'], 'x', 1, true, Object.create(null) as object, Object.assign(Object.create(null) as object, { a: 'x' })),
  fc.anything(),
);

/** `{name, version?, variables?}` members in any order, some sent as undefined, sometimes an extra member. */
const inputOf = (name: fc.Arbitrary<unknown>, version: fc.Arbitrary<unknown>, variables: fc.Arbitrary<unknown>, odd: boolean) =>
  fc
    .record(
      {
        name,
        version: odd ? fc.oneof(version, fc.constant(undefined)) : version,
        variables: odd ? fc.oneof(variables, fc.constant(undefined)) : variables,
        extra: fc.oneof(fc.constant(undefined), fc.string(), fc.integer()),
        order: fc.constantFrom<string[]>(['name', 'version', 'variables'], ['variables', 'name', 'version'], ['version', 'variables', 'name']),
        omitVersion: fc.boolean(),
        omitVariables: fc.boolean(),
      },
      { requiredKeys: ['name', 'order', 'omitVersion', 'omitVariables'] },
    )
    .map(({ order, omitVersion, omitVariables, ...members }) => {
      const out: Record<string, unknown> = {};
      for (const key of order) {
        if ((key === 'version' && omitVersion) || (key === 'variables' && omitVariables) || !(key in members)) continue;
        out[key] = members[key as keyof typeof members];
      }
      if (odd && 'extra' in members) out['extra'] = members.extra;
      return out;
    });

describe('renderInputFast: RenderInput (zod) decides, the fast check only recognises what it accepts', () => {
  it('is on for the RenderInput it was written for', () => {
    expect(RENDER_INPUT_FAST_ON).toBe(true);
  });

  it('answers only what zod accepts, with zod’s exact output; parseWith answers and refuses as zod alone', () => {
    fc.assert(
      fc.property(fc.oneof(inputOf(goodName, goodVersion, goodVariables, false), inputOf(anyName, anyVersion, anyVariables, true), fc.anything()), (value) => {
        const fast = renderInputFast(value);
        const zod = RenderInput.safeParse(value);
        if (fast !== undefined) {
          expect(zod.success).toBe(true);
          expect(exact(fast)).toEqual(exact(zod.data));
          // A new variables object, as zod builds one: nothing the caller holds is handed on.
          expect(fast.variables).not.toBe((value as { variables?: unknown }).variables);
        }
        expect(parsed(value)).toEqual(zodAlone(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('answers for ordinary render bodies (name, optional version, string/number/boolean variables)', () => {
    fc.assert(
      fc.property(inputOf(goodName, goodVersion, goodVariables, false), (value) => {
        expect(renderInputFast(value)).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with zod at each bound: variable count, name length, value length, version range', () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, i]));
    const cases: unknown[] = [
      { name: 'p', variables: many(MAX_TEMPLATE_VARIABLES) },
      { name: 'p', variables: many(MAX_TEMPLATE_VARIABLES + 1) },
      { name: 'p', variables: { ['k'.repeat(MAX_VARIABLE_NAME_CHARS)]: 'x' } },
      { name: 'p', variables: { ['k'.repeat(MAX_VARIABLE_NAME_CHARS + 1)]: 'x' } },
      { name: 'p', variables: { a: LONG_VALUE } },
      { name: 'p', variables: { a: TOO_LONG_VALUE } },
      { name: 'p', variables: { a: NaN } },
      { name: 'p', variables: { a: Infinity } },
      { name: 'p', variables: { a: -0, b: false, c: '' } },
      { name: 'p', version: MAX_VERSION_NUMBER },
      { name: 'p', version: MAX_VERSION_NUMBER + 1 },
      { name: 'p', version: 0 },
      { name: 'x'.repeat(100) },
      { name: 'x'.repeat(101) },
      JSON.parse('{"name":"p","variables":{"__proto__":"x","a":"y"}}'),
      { name: 'p', variables: { [Symbol('s')]: 'x', a: 'y' } },
      { name: 'p', variables: Object.defineProperty({ a: 'x' }, 'hidden', { value: 'y', enumerable: false }) },
    ];
    for (const value of cases) {
      const fast = renderInputFast(value);
      if (fast !== undefined) expect(exact(fast)).toEqual(exact(RenderInput.parse(value)));
      expect(parsed(value)).toEqual(zodAlone(value));
    }
    // The accepted bounds are answered by the fast check itself, not only by zod.
    expect(renderInputFast(cases[0])).toBeDefined();
    expect(renderInputFast(cases[2])).toBeDefined();
    expect(renderInputFast(cases[4])).toBeDefined();
    expect(renderInputFast(cases[8])).toBeDefined();
    expect(renderInputFast(cases[9])).toBeDefined();
  });
});
