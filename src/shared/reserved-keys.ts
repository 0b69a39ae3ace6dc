/**
 * Object keys no request body may carry, and so no template variable may be named.
 *
 * `__proto__` is the one key whose assignment (`obj[key] = value`, as schema parsers and object
 * spreads do) replaces an object's prototype instead of adding a property, so the API's body
 * guard refuses it anywhere in a JSON body. A variable named after it could never be given a
 * value, so the template parser refuses it when saving. `constructor` and `prototype` are
 * ordinary own keys once parsed (values are strings, never merged recursively), so they stay
 * allowed on both sides. One list, so the two can never disagree.
 */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__'];

const FORBIDDEN = new Set(FORBIDDEN_KEYS);

/** True for a key the body guard refuses (and a variable name the template parser refuses). */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN.has(key);
}
