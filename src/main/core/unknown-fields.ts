import type { z } from 'zod';
import { invalid } from './errors';

/*
 * Unknown input members are refused, not ignored: the one rule for every native door's input,
 * the HTTP API's JSON bodies (api/body.ts readJson) and the app's IPC/bridge channels
 * (core/handlers.ts dispatch). `{"enabled": false}` sent to prompts:set-api (whose field is
 * `apiAccess`) answered ok and changed nothing. Compat doors ignore extra members as their
 * products do, so they do not call this.
 */

type SchemaDef = { type?: string; shape?: Record<string, unknown>; catchall?: { _zod?: { def?: SchemaDef } }; in?: unknown; out?: unknown; innerType?: unknown; options?: unknown[] };
const defOf = (schema: unknown): SchemaDef | undefined => (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;

/**
 * The top-level member names a schema reads, or undefined when it takes any (a record, a loose
 * object, z.unknown()): objects, their optional/default/nullable wrappers, pipes (preprocess,
 * transform) and unions.
 */
export function acceptedFields(schema: unknown): Set<string> | undefined {
  const def = defOf(schema);
  switch (def?.type) {
    case 'object':
      if (def.catchall && defOf(def.catchall)?.type !== 'never') return undefined;
      return new Set(Object.keys(def.shape ?? {}));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return acceptedFields(def.innerType);
    case 'pipe':
      return acceptedFields(def.in) ?? acceptedFields(def.out);
    case 'union': {
      const keys = new Set<string>();
      for (const option of def.options ?? []) {
        const some = acceptedFields(option);
        if (!some) return undefined;
        for (const key of some) keys.add(key);
      }
      return keys;
    }
    default:
      return undefined;
  }
}

// Schemas are module-level and never change after they are built: each one's members are worked
// out once, not on every request (null: it takes any member).
const acceptedBySchema = new WeakMap<object, Set<string> | null>();

function acceptedFieldsOf(schema: z.ZodType): Set<string> | undefined {
  let known = acceptedBySchema.get(schema);
  if (known === undefined) acceptedBySchema.set(schema, (known = acceptedFields(schema) ?? null));
  return known ?? undefined;
}

/**
 * Refuses (AppError invalid, 400, `field` the member) the first top-level member of `body` that
 * `schema` does not read; a schema that takes any member (a record, a loose object) refuses none.
 * Members the door sets itself (`extra`, e.g. from the HTTP path) are not the caller's: sending
 * one is refused too, saying where it belongs.
 * @example refuseUnknownFields(z.object({ name: z.string() }), { name: 'x', enabled: false }, {}) // throws: Unknown field "enabled": this call takes "name"
 */
export function refuseUnknownFields(schema: z.ZodType, body: Record<string, unknown>, extra: Record<string, unknown>): void {
  const known = acceptedFieldsOf(schema);
  if (!known) return;
  for (const key of Object.keys(body)) {
    if (Object.hasOwn(extra, key)) throw invalid(`"${key}" comes from the path, not the body: leave it out of the body`, key);
    if (known.has(key)) continue;
    const accepted = [...known].filter((k) => !Object.hasOwn(extra, k));
    throw invalid(`Unknown field "${key.slice(0, 60)}": this call takes ${accepted.length ? accepted.map((k) => `"${k}"`).join(', ') : 'no fields'}`, key.slice(0, 100));
  }
}
