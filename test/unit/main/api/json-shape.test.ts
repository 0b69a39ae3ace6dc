import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_JSON_DEPTH, parseJsonText } from '../../../../src/main/api/body';
import { AppError } from '../../../../src/main/core/errors';

// parseJsonText's shape walk (body.ts checkShape: depth bound, no `__proto__` key) walks members
// with for-in and spells a child's path only for a nested child, to spare the render path's
// allocations. The rule itself is unchanged: this compares it with the plain Object.entries walk
// it replaced (written out here as the reference, not used by the source) on random bodies, nested
// past the bound and with `__proto__` keys anywhere.

function reference(value: unknown, depth = 0, path = ''): { message: string; field?: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= MAX_JSON_DEPTH) return { message: `The body is nested deeper than ${MAX_JSON_DEPTH} levels`, field: path || undefined };
  for (const [key, child] of Object.entries(value)) {
    if (key === '__proto__') return { message: `The key "${key}" is not allowed`, field: path ? `${path}.${key}` : key };
    const found = reference(child, depth + 1, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}

function outcome(text: string): { message: string; field?: string } | null {
  try {
    parseJsonText(text);
    return null;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { message: error.message, field: error.field };
  }
}

const key = fc.constantFrom('a', 'b', '__proto__', 'constructor', '0', 'x.y', 'é');
const jsonArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 3 }), fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }),
})).value;

/** A body nested `levels` deep along one path, holding `leaf`. */
function nested(levels: number, leaf: string, arrays: boolean): string {
  let text = leaf;
  for (let i = 0; i < levels; i++) text = arrays ? `[${text}]` : `{"k${i}":${text}}`;
  return text;
}

describe('parseJsonText shape rules (depth bound, forbidden keys)', () => {
  it('property: refuses exactly what the Object.entries walk refuses, with the same message and field', () => {
    const objectText = (pairs: [string, unknown][], inner: (v: unknown) => string): string => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${inner(v)}`).join(',')}}`;
    // Turns the generated tree (objects as [key, value] pair lists) into JSON text.
    const write = (v: unknown, isObject: boolean): string => {
      if (!Array.isArray(v)) return JSON.stringify(v);
      if (isObject) return objectText(v as [string, unknown][], (child) => write(child, looksLikePairs(child)));
      return `[${v.map((child) => write(child, looksLikePairs(child))).join(',')}]`;
    };
    const looksLikePairs = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((m) => Array.isArray(m) && m.length === 2 && typeof m[0] === 'string');
    fc.assert(
      fc.property(jsonArb, fc.integer({ min: 0, max: 40 }), fc.boolean(), (value, extraDepth, arrays) => {
        const inner = write(value, looksLikePairs(value));
        const text = nested(extraDepth, inner, arrays);
        expect(outcome(text)).toEqual(reference(JSON.parse(text)));
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    ['32 levels of objects', nested(32, '1', false), null],
    ['33 levels of objects', nested(33, '{}', false), Array.from({ length: 32 }, (_, i) => `k${32 - i}`).join('.')],
    ['a scalar at depth 32 of arrays', nested(32, '1', true), null],
    ['an array at depth 33', nested(33, '1', true), Array.from({ length: 32 }, () => '0').join('.')],
    ['__proto__ in a nested object', '{"variables":{"name":"x","__proto__":{"polluted":true}}}', 'variables.__proto__'],
    ['__proto__ holding a scalar', '{"a":[{"__proto__":1}]}', 'a.0.__proto__'],
    ['constructor and prototype stay allowed', '{"constructor":1,"prototype":{"a":2}}', null],
  ])('%s', (_label, text, field) => {
    const found = outcome(text);
    expect(found).toEqual(reference(JSON.parse(text)));
    if (field === null) expect(found).toBeNull();
    else expect(found?.field).toBe(field);
  });
});
