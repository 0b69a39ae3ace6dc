import { z } from 'zod';
import type { KeyScope } from '../../shared/schemas/users';
import type { RouteDeclaration } from './route';

/**
 * One documented operation: what a route declaration (route.ts) says about itself. The OpenAPI
 * document, /docs and the known-path check are made from these.
 */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, e.g. /api/v1/prompts/{name}. */
  path: string;
  summary: string;
  tag: string;
  /** The JSON body's schema (the one the route parses it with). */
  body?: z.ZodType;
  /** Raw text body (seed 001's PUT takes the template as plain text). */
  textBody?: boolean;
  /** Query parameters and their descriptions (parsed by the handler with the shared parsers of api/body.ts). */
  query?: Record<string, string>;
  responses: Record<number, string>;
  /** The JSON schema of the success answer, where one is documented (openapi-answers.ts). */
  answer?: z.ZodType;
  /**
   * The key scopes the operation needs (documented as the bearer requirement's roles; the core
   * services enforce them, route-scopes.test.ts checks the two agree).
   */
  scopes?: readonly KeyScope[];
  /** No key in a header: health, this document, and Conductor's token exchange (its key is in the body). */
  public?: boolean;
}

/** An operation as a route declares it (with the body members its path sets). */
export type DocumentedOperation = Operation & Pick<RouteDeclaration, 'bodyFromPath'>;

/**
 * The body an operation documents: its schema without the members its path sets
 * (`bodyFromPath`, e.g. `name` from `/prompts/{name}`), which a client does not send.
 * @throws Error when `bodyFromPath` is declared on a body that is not a zod object
 */
export function documentedBody(op: DocumentedOperation): z.ZodType | undefined {
  const fromPath = Object.keys(op.bodyFromPath ?? {});
  if (!op.body || fromPath.length === 0) return op.body;
  if (!(op.body instanceof z.ZodObject)) throw new Error(`${op.method} ${op.path}: bodyFromPath needs an object body`);
  const mask = Object.fromEntries(fromPath.map((key) => [key, true])) as Parameters<typeof op.body.omit>[0];
  return op.body.omit(mask);
}

const schemaOf = (schema: z.ZodType, io: 'input' | 'output' = 'input') => {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json['$schema'];
  return json;
};

const PROBLEM = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    field: { type: 'string', description: 'The input field at fault' },
    retryAfter: { type: 'integer', description: 'rate_limited: seconds to wait (also the Retry-After header; in an SSE error event, the only place); absent when a provider rate-limited mid-stream without saying how long' },
  },
  required: ['type', 'title', 'status', 'detail'],
};

/**
 * The OpenAPI 3.1 document of the declared routes (native and compat), generated from the same
 * zod schemas the routes validate with.
 */
export function openApiDocument(version: string, operations: readonly DocumentedOperation[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = Object.entries(op.query ?? {}).map(([q, description]) => ({ name: q, in: 'query', required: false, description, schema: { type: 'string' } }));
    const responses = Object.fromEntries(
      Object.entries(op.responses).map(([status, description]) => [
        status,
        Number(status) >= 400
          ? { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }
          : Number(status) < 300 && op.answer
            ? // With stream: true the same answer arrives as the SSE `done` event.
              { description, content: { 'application/json': { schema: schemaOf(op.answer, 'output') }, 'text/event-stream': { schema: { type: 'string' } } } }
            : { description },
      ]),
    );
    const body = documentedBody(op);
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      tags: [op.tag],
      parameters: [...params, ...query],
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(body) } } } } : {}),
      ...(op.textBody ? { requestBody: { required: true, content: { 'text/plain': { schema: { type: 'string' } } } } } : {}),
      responses,
      // OpenAPI 3.1 lets a non-OAuth requirement list role names: here the key scopes needed.
      ...(op.public ? { security: [] } : op.scopes ? { security: [{ bearer: [...op.scopes] }] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Promptdesk API',
      version,
      description: 'The embedded HTTP API of Promptdesk, on 127.0.0.1. Send a key as `Authorization: Bearer <key>` (or `X-Authorization`). Errors are RFC 9457 problem+json.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Problem: PROBLEM },
    },
    paths,
  };
}
