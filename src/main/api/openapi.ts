import { z } from 'zod';
import { CreatePromptInput, RenderInput, SaveVersionInput, SetApiSettingsInput, UpdatePromptInput, UpdateVersionInput } from '../../shared/schemas/prompts';
import { PromoteInput, VersionNumberSchema } from '../../shared/schemas/versions';
import { AddShareInput, SetSharingLevelInput } from '../../shared/schemas/sharing';
import { AddUserInput, CreateKeyInput } from '../../shared/schemas/users';
import { RunApiBody } from '../../shared/schemas/runs';
import { RefineApiBody } from '../../shared/schemas/refine';
import { RefineAnswerSchema, RunAnswerSchema } from './openapi-answers';

/** One documented operation. The contract test checks these against the routes the app serves. */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, e.g. /api/v1/prompts/{name}. */
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType;
  /** Raw text body (seed 001's PUT takes the template as plain text). */
  textBody?: boolean;
  query?: Record<string, string>;
  responses: Record<number, string>;
  /** The JSON schema of the success answer, where one is documented (openapi-answers.ts). */
  answer?: z.ZodType;
  /** Health is the only operation without a key. */
  public?: boolean;
}

const name = { name: true } as const;
const ERRORS = { 400: 'Invalid input (problem+json naming the field)', 401: 'Missing or invalid API key', 404: 'Not found, or not visible to this key' };
// Any write can meet a full disk or a read-only data folder (store/storage-errors.ts).
const STORAGE_ERRORS = { 507: 'Disk full, or the data folder is read-only: nothing was saved (insufficient_storage, read_only_storage)' };
const WRITE_ERRORS = { ...ERRORS, 403: 'The key or its member may not do this', 409: 'Conflict with the current state', 415: 'Body is not JSON', ...STORAGE_ERRORS };

export const NATIVE_OPERATIONS: Operation[] = [
  { method: 'get', path: '/api/v1/health', summary: 'Liveness and version', tag: 'meta', responses: { 200: 'Running' }, public: true },
  {
    method: 'get',
    path: '/api/v1/prompts',
    summary: 'List prompts with API access (search, filter, sort, page)',
    tag: 'prompts',
    query: { query: 'Full-text search over name, title, description, tags and template: every word, as a prefix; inside CJK/Thai text anywhere; symbols and emoji literally', tag: 'Only prompts with this tag', owner: 'Owner member id', sort: 'updated | created | name | title', limit: '1-200 (default 50)', offset: 'Rows to skip' },
    responses: { 200: '{ items, total, limit, offset } (ETag)', 304: 'Not modified (If-None-Match named the ETag)', ...ERRORS },
  },
  { method: 'post', path: '/api/v1/prompts', summary: 'Create a prompt (API access on)', tag: 'prompts', body: CreatePromptInput, responses: { 201: 'The prompt', ...WRITE_ERRORS } },
  { method: 'get', path: '/api/v1/prompts/{name}', summary: 'Get a prompt and the version the API serves', tag: 'prompts', query: { version: 'A specific version number' }, responses: { 200: 'The prompt with `version` (ETag)', 304: 'Not modified (If-None-Match named the ETag)', ...ERRORS } },
  { method: 'patch', path: '/api/v1/prompts/{name}', summary: 'Change title, description, tags or slash command', tag: 'prompts', body: UpdatePromptInput.omit(name), responses: { 200: 'The prompt', ...WRITE_ERRORS } },
  { method: 'delete', path: '/api/v1/prompts/{name}', summary: 'Delete a prompt (owner or admin)', tag: 'prompts', responses: { 204: 'Deleted', ...WRITE_ERRORS } },
  { method: 'put', path: '/api/v1/prompts/{name}/api', summary: 'Turn API access on or off; require a key or not', tag: 'prompts', body: SetApiSettingsInput.omit(name), responses: { 200: 'The prompt', ...WRITE_ERRORS } },
  { method: 'post', path: '/api/v1/prompts/{name}/render', summary: 'Render the served (or ?version=N) version with variables', tag: 'prompts', query: { version: 'A specific version number (or `version` in the body; both must agree)' }, body: RenderInput.omit(name), responses: { 200: '{ prompt, version, messages, text, unusedVariables } (ETag)', 304: 'Not modified (If-None-Match named the ETag)', ...WRITE_ERRORS } },
  { method: 'post', path: '/api/v1/prompts/{name}/run', summary: 'Run the served (or given) version on a model; stream: true answers as server-sent events (start, delta, done | error)', tag: 'runs', query: { version: 'A specific version number (or `version` in the body; both must agree)' }, body: RunApiBody, answer: RunAnswerSchema, responses: { 200: '{ runId, prompt, version, model, output, usage, latencyMs, ttftMs } (or text/event-stream)', ...WRITE_ERRORS, 429: 'Rate limited (by Promptdesk or by the provider; see Retry-After)', 502: 'The model provider answered with an error (its message is in detail)', 504: 'The model provider did not answer in time' } },
  { method: 'post', path: '/api/v1/prompts/{name}/refine', summary: 'Refine with AI: one turn of a conversation about a version (newest unless given) with a model; answers an explanation and a proposed revision of the whole template with its diff, or proposal null with a reason; saves nothing (POST …/versions does). Needs read on the prompt and, for a key, the run scope. stream: true answers as server-sent events (start, delta, done | error)', tag: 'runs', query: { version: 'The version to refine (or `version` in the body; both must agree)' }, body: RefineApiBody, answer: RefineAnswerSchema, responses: { 200: '{ runId, prompt, version, model, explanation, proposal: { template, variables } | null, reason, diff: { template, granularity, variables: { added, removed } } | null, usage, latencyMs } (or text/event-stream)', ...WRITE_ERRORS, 429: 'Rate limited (by Promptdesk or by the provider; see Retry-After)', 502: 'The model provider answered with an error (its message is in detail)', 504: 'The model provider did not answer in time' } },
  { method: 'get', path: '/api/v1/logs', summary: 'Execution logs, newest first, paged by cursor', tag: 'logs', query: { prompt: 'Prompt name', source: 'chat, api, test or refine (repeatable)', status: 'success, error, cancelled or running (repeatable)', version: 'Version number', member: 'Member id', model: 'integration:model', from: 'Start, inclusive: YYYY-MM-DD (a UTC day) or a date-time with its offset (2026-11-25T10:00:00+01:00); no offset: 400', to: 'End, exclusive (a bare date is the start of that UTC day)', q: 'Full-text search over logged variables and outputs (words inside CJK/Thai text and symbols are found)', cursor: 'nextCursor of the previous page', limit: '1-500, default 100' }, responses: { 200: '{ items, nextCursor }', ...ERRORS } },
  { method: 'get', path: '/api/v1/logs/{id}', summary: 'One execution with its logged variables, messages and output', tag: 'logs', responses: { 200: 'The log entry', ...ERRORS } },
  {
    method: 'get',
    path: '/api/v1/changes',
    summary: 'The change stream as server-sent events (text/event-stream): every change to a prompt the key may see (prompt.created/updated/deleted, version.saved/updated/promoted, deployment.pinned, sharing.changed, run.logged/rated, ...), id = sequence number; resume with Last-Event-ID or ?since= without gaps or repeats; reset = refetch everything; access.changed = a prompt may have been hidden from you, refetch your list',
    tag: 'changes',
    query: { since: 'Resume after this sequence number (the Last-Event-ID header wins); absent: from now on', heartbeat: 'Seconds between ": heartbeat" comments, 0.05-300 (default 15)' },
    responses: { 200: 'text/event-stream of { seq, kind, at, prompt?: { id, name }, version?, previousVersion?, runId?, fields? }', ...ERRORS },
  },
  { method: 'get', path: '/api/v1/prompts/{name}/versions', summary: 'List versions, newest first', tag: 'versions', responses: { 200: '{ items } (ETag)', 304: 'Not modified (If-None-Match named the ETag)', ...ERRORS } },
  { method: 'post', path: '/api/v1/prompts/{name}/versions', summary: 'Save a new draft version', tag: 'versions', body: SaveVersionInput.omit(name), responses: { 201: 'The version', ...WRITE_ERRORS } },
  { method: 'get', path: '/api/v1/prompts/{name}/versions/{number}', summary: 'Get one version', tag: 'versions', responses: { 200: 'The version (ETag)', 304: 'Not modified (If-None-Match named the ETag)', ...ERRORS } },
  { method: 'patch', path: '/api/v1/prompts/{name}/versions/{number}', summary: 'Edit a draft in place (409 when immutable)', tag: 'versions', body: UpdateVersionInput.omit({ name: true, number: true }), responses: { 200: 'The version', ...WRITE_ERRORS } },
  { method: 'delete', path: '/api/v1/prompts/{name}/versions/{number}', summary: 'Delete a version (not the published or pinned one)', tag: 'versions', responses: { 204: 'Deleted', ...WRITE_ERRORS } },
  { method: 'post', path: '/api/v1/prompts/{name}/versions/{number}/commit', summary: 'Make a version read-only', tag: 'versions', responses: { 200: 'The version', ...WRITE_ERRORS } },
  { method: 'post', path: '/api/v1/prompts/{name}/versions/{number}/promote', summary: 'Promote to production with notes (the version already in production: 200 with the promotion that published it, nothing recorded)', tag: 'versions', body: PromoteInput.omit({ name: true, number: true }), responses: { 200: 'The promotion', ...WRITE_ERRORS } },
  { method: 'post', path: '/api/v1/prompts/{name}/versions/{number}/unarchive', summary: 'Return an archived version to draft', tag: 'versions', responses: { 200: 'The version', ...WRITE_ERRORS } },
  { method: 'get', path: '/api/v1/prompts/{name}/compare', summary: 'Compare two versions', tag: 'versions', query: { from: 'Older version number', to: 'Newer version number' }, responses: { 200: 'Word diff and changed settings', ...ERRORS } },
  { method: 'get', path: '/api/v1/prompts/{name}/promotions', summary: 'Promotion history, newest first', tag: 'versions', query: { user: 'Promoted by (member id)', from: 'From, inclusive: YYYY-MM-DD (a UTC day) or a date-time with its offset; no offset: 400', to: 'To, inclusive (a bare date is its whole UTC day)' }, responses: { 200: '{ items }', ...ERRORS } },
  { method: 'get', path: '/api/v1/prompts/{name}/deployment', summary: 'What the API serves: pinned, published or newest', tag: 'versions', responses: { 200: 'The deployment', ...ERRORS } },
  { method: 'put', path: '/api/v1/prompts/{name}/deployment', summary: 'Pin the API deployment to a version, or null to follow promotions', tag: 'versions', body: z.object({ pinnedVersion: VersionNumberSchema.nullable() }), responses: { 200: 'The deployment', ...WRITE_ERRORS } },
  { method: 'get', path: '/api/v1/prompts/{name}/readiness', summary: 'Deployment readiness checklist for the version chat and the library serve: seven items, each pass | open | not_applicable with evidence, manual ticks (who, when) and where to fix it', tag: 'prompts', responses: { 200: '{ prompt, version, items, open, ready, requiredForWidening, sharingLevel, dataLogging }', ...ERRORS, 403: 'The key lacks the read scope, or the member may only run the prompt' } },
  { method: 'get', path: '/api/v1/prompts/{name}/sharing', summary: 'Sharing level and shares', tag: 'sharing', responses: { 200: 'Sharing', ...ERRORS } },
  { method: 'put', path: '/api/v1/prompts/{name}/sharing', summary: 'Set the sharing level (409 naming `level` when an admin requires the readiness checklist before widening access and items are open)', tag: 'sharing', body: SetSharingLevelInput.omit(name), responses: { 200: 'Sharing', ...WRITE_ERRORS } },
  { method: 'post', path: '/api/v1/prompts/{name}/shares', summary: 'Share with a member (view, run or edit)', tag: 'sharing', body: AddShareInput.omit(name), responses: { 201: 'Sharing', ...WRITE_ERRORS } },
  { method: 'delete', path: '/api/v1/prompts/{name}/shares/{userId}', summary: 'Remove a share', tag: 'sharing', responses: { 200: 'Sharing', ...WRITE_ERRORS } },
  { method: 'get', path: '/api/v1/members', summary: 'Workspace members', tag: 'members', responses: { 200: '{ items }', ...ERRORS } },
  { method: 'post', path: '/api/v1/members', summary: 'Add a member (admin)', tag: 'members', body: AddUserInput, responses: { 201: 'The member', ...WRITE_ERRORS } },
  { method: 'patch', path: '/api/v1/members/{id}', summary: 'Deactivate or reactivate a member (admin)', tag: 'members', body: z.object({ isActive: z.boolean() }), responses: { 200: 'The member', ...WRITE_ERRORS } },
  { method: 'get', path: '/api/v1/keys', summary: 'Your API keys (admins: all)', tag: 'keys', responses: { 200: '{ items }', ...ERRORS } },
  { method: 'post', path: '/api/v1/keys', summary: 'Create a key; the plain key is in this answer only', tag: 'keys', body: CreateKeyInput.partial({ userEmail: true }), responses: { 201: '{ key, info }', ...WRITE_ERRORS } },
  { method: 'delete', path: '/api/v1/keys/{id}', summary: 'Revoke a key (effective on its next request)', tag: 'keys', responses: { 200: 'The key', ...WRITE_ERRORS } },
  { method: 'get', path: '/api/v1/openapi.json', summary: 'This document', tag: 'meta', responses: { 200: 'OpenAPI 3.1' }, public: true },
];

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

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function openApiDocument(version: string, operations: Operation[]): Record<string, unknown> {
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
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      tags: [op.tag],
      parameters: [...params, ...query],
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body) } } } } : {}),
      ...(op.textBody ? { requestBody: { required: true, content: { 'text/plain': { schema: { type: 'string' } } } } } : {}),
      responses,
      ...(op.public ? { security: [] } : {}),
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
