import type { z } from 'zod';
import { PROMPT_NAME_PATTERN, PromptNameSchema, RenderInput } from './prompts';
import { MAX_TEMPLATE_CHARS, MAX_VARIABLE_NAME_CHARS, VariablesSchema, VariableValueSchema } from './template';
import { MAX_VERSION_NUMBER, VersionNumberSchema } from './version-number';
import { MAX_TEMPLATE_VARIABLES } from '../template/parse';

type RenderInputOutput = z.output<typeof RenderInput>;

// The schema's limits read once: an imported binding can be a property read on each use (CommonJS
// output, as under tsx), and these are read for every variable of every render.
const NAME_PATTERN = PROMPT_NAME_PATTERN;
const MAX_VERSION = MAX_VERSION_NUMBER;
const MAX_VALUE_CHARS = MAX_TEMPLATE_CHARS;
const MAX_KEY_CHARS = MAX_VARIABLE_NAME_CHARS;
const MAX_VARIABLES = MAX_TEMPLATE_VARIABLES;

const innerOf = (schema: unknown): unknown => (schema as { _zod: { def: { innerType?: unknown } } })._zod.def.innerType;
const defOf = (schema: unknown) => (schema as { _zod: { def: { keyType?: unknown; valueType?: unknown } } })._zod.def;

/**
 * Whether RenderInput is still the schema {@link renderInputFast} was written for: these three
 * members, built from these schemas. Any change to it turns the fast check off (zod alone decides)
 * until the check is brought up to date (test/unit/shared/render-input-fast.test.ts fails meanwhile).
 */
export const RENDER_INPUT_FAST_ON =
  Object.keys(RenderInput.shape).join(',') === 'name,version,variables' &&
  RenderInput.shape.name === PromptNameSchema &&
  innerOf(RenderInput.shape.version) === VersionNumberSchema &&
  innerOf(RenderInput.shape.variables) === VariablesSchema &&
  defOf(VariablesSchema).valueType === VariableValueSchema;

/**
 * `RenderInput.parse(value)` for the input every render sends, without zod's per-member
 * machinery (about 1-2 µs a request on the render path): the answer when `value` is certainly
 * valid, built exactly as zod builds it (same members, same order, `variables` a new object,
 * `{}` when absent); undefined for anything else (an invalid value, an unusual one such as a
 * `__proto__` variable, a key sent as undefined, a non-plain object, a symbol key), which zod
 * then parses and words. It never refuses: the schema in prompts.ts stays the one rule, this only
 * recognises inputs that rule accepts (the limits are the constants the schema is built from;
 * a property test compares it with zod over random inputs).
 *
 * @example renderInputFast({ name: 'greet', variables: { who: 'Ada' } }) // { name: 'greet', variables: { who: 'Ada' } }
 * @example renderInputFast({ name: 'greet', variables: { who: null } }) // undefined: zod answers (a 400 naming variables.who)
 */
export function renderInputFast(value: unknown): RenderInputOutput | undefined {
  if (!RENDER_INPUT_FAST_ON || typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const input = value as Record<string, unknown>;
  // Other members are stripped by zod; leave such inputs to it (the native door refuses them earlier).
  for (const key in input) if (key !== 'name' && key !== 'version' && key !== 'variables') return undefined;
  const name = input['name'];
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) return undefined;
  const version = input['version'];
  if (version === undefined) {
    // Present but undefined: zod keeps the member; rare enough to leave to it.
    if ('version' in input) return undefined;
  } else if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > MAX_VERSION) return undefined;
  const sent = input['variables'];
  let variables: Record<string, string | number | boolean>;
  if (sent === undefined) {
    if ('variables' in input) return undefined;
    variables = {};
  } else {
    const copied = variablesFast(sent);
    if (!copied) return undefined;
    variables = copied;
  }
  return version === undefined ? { name, variables } : { name, version, variables };
}

/** VariablesSchema's answer for a plain object of at most MAX_TEMPLATE_VARIABLES string/number/boolean values, else undefined. */
function variablesFast(sent: unknown): Record<string, string | number | boolean> | undefined {
  if (typeof sent !== 'object' || sent === null || Object.getPrototypeOf(sent) !== Object.prototype) return undefined;
  // Reflect.ownKeys, as zod's record reads them: a symbol or non-enumerable key goes to zod.
  const keys = Reflect.ownKeys(sent);
  if (keys.length > MAX_VARIABLES) return undefined;
  const record = sent as Record<string, unknown>;
  const out: Record<string, string | number | boolean> = {};
  for (const key of keys) {
    if (typeof key !== 'string' || key.length > MAX_KEY_CHARS || key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(record, key)) return undefined;
    const item = record[key];
    if (typeof item === 'string') {
      if (item.length > MAX_VALUE_CHARS) return undefined;
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) return undefined;
    } else if (typeof item !== 'boolean') return undefined;
    out[key] = item;
  }
  return out;
}
