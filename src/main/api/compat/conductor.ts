import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../env';
import { route } from '../route';
import type { CompatDoor } from './door';
import { problemResponse } from '../problem';
import { parseJsonText, parseWith, readBodyText, versionQuery } from '../body';
import { AppError, invalid, promptNotFound } from '../../core/errors';
import { optionalVersionNumberFromText } from '../../core/versions/version-number';
import { MAX_TAGS, PromptNameSchema } from '../../../shared/schemas/prompts';
import type { AppErrorShape } from '../../../shared/schemas/common';
import { conductorBodyText } from '../../core/compat/conductor-body';
import {
  conductorChangeTags,
  conductorDelete,
  conductorGet,
  conductorList,
  conductorSave,
  conductorTags,
  conductorVersions,
} from '../../core/compat/conductor';
import { ConductorTestRequestSchema, conductorTestPrompt } from '../../core/compat/conductor-test';
import { issueToken, TOKEN_EXPIRED } from '../../core/keys/tokens';
import { KEYLESS_REFUSED } from '../../core/sharing/access';

// Messages without the field name: the error formatter prefixes it ("keyId: give the key id").
const TokenRequestSchema = z.object({ keyId: z.string().min(1, 'give the key id').max(200), keySecret: z.string().min(1, 'give the key').max(200) });

/** `?autoIncrement=`: the JavaScript SDK sends `true`/`false`, the Python SDK `True` (str of a bool). */
function booleanQuery(c: Context, name: string): boolean {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return false;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw invalid(`${name} must be true or false`, name);
}

/** A save's query and body (seed 001's PUT and the SDKs' POST share them). */
async function saveInput(c: Context<ApiEnv>) {
  const url = new URL(c.req.url);
  const description = url.searchParams.get('description');
  if (description === null) throw invalid('description is required', 'description');
  return {
    name: parseWith(z.object({ name: PromptNameSchema }), { name: c.req.param('name') }).name,
    description,
    version: optionalVersionNumberFromText(url.searchParams.get('version'), 'version'),
    models: url.searchParams.getAll('models'),
    text: conductorBodyText(await readBodyText(c), c.req.header('content-type')),
  };
}

/** A JSON array body (the tag calls send `[{key, value, type}]`). */
async function readJsonArray(c: Context<ApiEnv>): Promise<{ key?: unknown; value?: unknown }[]> {
  // Every door's JSON rules (value count, depth, forbidden keys), then the tag calls' array shape.
  const body = parseJsonText(await readBodyText(c));
  if (!Array.isArray(body) || body.some((t) => typeof t !== 'object' || t === null || Array.isArray(t))) {
    throw invalid('The body must be an array of {key, value} tags');
  }
  // Bounded before each tag is read: more than a prompt may hold is refused whatever it holds.
  if (body.length > MAX_TAGS) throw invalid(`At most ${MAX_TAGS} tags`, `[${MAX_TAGS}]`);
  return body as { key?: unknown; value?: unknown }[];
}

/**
 * The path's prompt name for a call on an existing prompt: a name no prompt can have is a 404
 * like a missing one (the Python SDK's get_prompt returns None on 404 and raises on a 400).
 */
const promptName = (c: Context<ApiEnv>) => {
  const name = c.req.param('name') ?? '';
  if (!PromptNameSchema.safeParse(name).success) throw promptNotFound();
  return name;
};

const E = { 400: 'Invalid input (Conductor error body: status, message, validationErrors)', 401: 'Missing or invalid key or token (error: INVALID_TOKEN or EXPIRED_TOKEN)', 403: 'Not permitted', 404: 'Prompt not found' };
const TAG = 'compat: conductor';
const P = '/compat/conductor/api';
const SAVE_QUERY = { description: 'Required (at most 2,000 characters)', version: 'Version to create (above every number used) or update (default: 1 for new, latest for existing)', models: 'integrationName:modelName, repeatable' };
const SAVE_ERRORS = { 409: 'Another prompt holds the name in another case (field name), or the targeted version is a chat template (field body)', 415: 'A Content-Encoding or a charset other than UTF-8' };
const SAVE_NOT_FOUND = 'An integration in models does not exist, or version names a deleted version';

/** Orkes Conductor's prompt API (seed 001 and the calls its SDKs make; docs/compat.md), each route declared once. */
const ROUTES = [
  route({
    method: 'post',
    path: `${P}/token`,
    summary: 'Conductor: exchange {keyId, keySecret} (key prefix, key) for a one-hour token sent as X-Authorization',
    tag: TAG,
    // The exchange is how a client without a token gets one: the key travels in the body, not a header.
    public: true,
    body: TokenRequestSchema,
    responses: { 200: '{ token }', 400: E[400], 401: 'Invalid keyId or keySecret', 429: 'Too many failed authentications' },
    handler: async (c, { body }) => {
      const { keyId, keySecret } = await body();
      const { token } = c.get('throttled')(keySecret, ({ store, clock }) => issueToken(store, clock, keyId, keySecret));
      // A credential: never kept by a cache.
      return c.json({ token }, 200, { 'Cache-Control': 'no-store' });
    },
  }),
  route({
    method: 'get',
    path: `${P}/prompts`,
    summary: 'Conductor: every prompt the caller may read (MessageTemplate[])',
    tag: TAG,
    scopes: ['read'],
    responses: { 200: 'MessageTemplate[]', 401: E[401] },
    handler: (c) => c.json(conductorList(c.get('ctx'))),
  }),
  route({
    method: 'post',
    path: `${P}/prompts/test`,
    summary: 'Conductor: render and run prompt text on an integration (PromptTemplateTestRequest); answers the model text',
    tag: TAG,
    scopes: ['write', 'run'],
    body: ConductorTestRequestSchema,
    responses: { 200: 'The model text (a JSON string)', 400: E[400], 401: E[401], 403: 'Key lacks write/run scope, or integration not allowed', 404: 'Integration not found', 502: 'Provider error (a provider rate limit too: retryable true)', 504: 'The provider did not answer in time' },
    handler: async (c, { body }) => {
      const output = await conductorTestPrompt(c.get('ctx'), await body(), c.req.raw.signal);
      // A JSON string: both SDKs read it back as the text (JS parses JSON, Python's deserialize tries json() first).
      return c.json(output);
    },
  }),
  route({
    method: 'put',
    path: `${P}/prompts/{name}`,
    summary: 'Seed 001: create or update a prompt (raw text body; ?description=&version=&models=)',
    tag: TAG,
    scopes: ['write'],
    textBody: true,
    query: SAVE_QUERY,
    responses: { 200: 'No body', 400: E[400], 401: 'Missing or invalid key', 403: 'No UPDATE permission on the existing prompt', 404: SAVE_NOT_FOUND, ...SAVE_ERRORS },
    handler: async (c) => {
      conductorSave(c.get('ctx'), { ...(await saveInput(c)), autoIncrement: false });
      return c.body(null, 200);
    },
  }),
  route({
    method: 'post',
    path: `${P}/prompts/{name}`,
    summary: 'Conductor: save a prompt with version control (as PUT; autoIncrement=true saves the next version)',
    tag: TAG,
    scopes: ['write'],
    textBody: true,
    query: { ...SAVE_QUERY, autoIncrement: 'true: save as a new version' },
    responses: { 200: 'No body', 400: E[400], 401: E[401], 403: 'No UPDATE permission on the existing prompt', 404: SAVE_NOT_FOUND, ...SAVE_ERRORS },
    handler: async (c) => {
      const autoIncrement = booleanQuery(c, 'autoIncrement');
      conductorSave(c.get('ctx'), { ...(await saveInput(c)), autoIncrement });
      return c.body(null, 200);
    },
  }),
  route({
    method: 'get',
    path: `${P}/prompts/{name}`,
    summary: 'Conductor: a prompt as MessageTemplate (newest version, or ?version=)',
    tag: TAG,
    scopes: ['read'],
    query: { version: 'A saved version' },
    responses: { 200: 'MessageTemplate', ...E },
    handler: (c) => c.json(conductorGet(c.get('ctx'), promptName(c), versionQuery(c, 'version'))),
  }),
  route({
    method: 'delete',
    path: `${P}/prompts/{name}`,
    summary: 'Conductor: delete a prompt',
    tag: TAG,
    scopes: ['write'],
    responses: { 200: 'No body', ...E },
    handler: (c) => {
      conductorDelete(c.get('ctx'), promptName(c));
      return c.body(null, 200);
    },
  }),
  route({
    method: 'get',
    path: `${P}/prompts/{name}/versions`,
    summary: 'Conductor: every saved version as MessageTemplate',
    tag: TAG,
    scopes: ['read'],
    responses: { 200: 'MessageTemplate[]', ...E },
    handler: (c) => c.json(conductorVersions(c.get('ctx'), promptName(c))),
  }),
  route({
    method: 'get',
    path: `${P}/prompts/{name}/tags`,
    summary: 'Conductor: the prompt tags as {key, value, type} (a tag key:value)',
    tag: TAG,
    scopes: ['read'],
    responses: { 200: 'Tag[]', ...E },
    handler: (c) => c.json(conductorTags(c.get('ctx'), promptName(c))),
  }),
  route({
    method: 'put',
    path: `${P}/prompts/{name}/tags`,
    summary: 'Conductor: add tags ([{key, value}], stored as key:value)',
    tag: TAG,
    scopes: ['write'],
    responses: { 200: 'No body', ...E },
    handler: async (c) => {
      conductorChangeTags(c.get('ctx'), promptName(c), await readJsonArray(c), 'add');
      return c.body(null, 200);
    },
  }),
  route({
    method: 'delete',
    path: `${P}/prompts/{name}/tags`,
    summary: 'Conductor: remove tags ([{key, value}])',
    tag: TAG,
    scopes: ['write'],
    responses: { 200: 'No body', ...E },
    handler: async (c) => {
      conductorChangeTags(c.get('ctx'), promptName(c), await readJsonArray(c), 'remove');
      return c.body(null, 200);
    },
  }),
];

/** Before every Conductor route: a compressed body would be stored as its compressed bytes, so it is refused, nothing read. */
const refuseCompressedBody: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const encoding = c.req.header('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new AppError('unsupported_media_type', `Send the body uncompressed (Content-Encoding: ${encoding.slice(0, 40)} is not accepted)`, 'body');
  }
  await next();
};

/**
 * Conductor's error body: what both SDKs read (`message`; on 401/403 `error`, where
 * EXPIRED_TOKEN or INVALID_TOKEN makes them renew their token and retry once:
 * javascript-sdk src/sdk/createConductorClient/helpers/fetchWithRetry.ts, python-sdk
 * src/conductor/client/http/rest.py AuthorizationException) and the rest of Conductor's
 * ErrorResponse (status, retryable, validationErrors), over the problem+json members.
 * A refused token exchange carries no token code: the JS SDK would otherwise renew the token
 * from inside its own renewal.
 */
/** The 401 text for a call without a key at this door, in the header Conductor's SDKs send. */
export const CONDUCTOR_KEYLESS_REFUSED = 'Send an API key, or a token from POST /api/token, in the X-Authorization header: "X-Authorization: <token>"';

function conductorError(error: AppErrorShape, c: Context<ApiEnv>, headers: Record<string, string> = {}): Response {
  // A provider's rate limit answers 502 with its Retry-After kept (conductor-test.ts): retryable.
  const retryable = error.code === 'rate_limited' || error.code === 'provider_timeout' || (error.code === 'provider_error' && error.retryAfter !== undefined);
  // The keyless refusal names the native header; Conductor's clients send X-Authorization.
  const message = error.message === KEYLESS_REFUSED ? CONDUCTOR_KEYLESS_REFUSED : error.message;
  const extra: Record<string, unknown> = { message, retryable };
  // Only the exchange itself (POST /api/token) leaves the token code out.
  if (error.code === 'unauthenticated' && !(c.req.method === 'POST' && /\/api\/token\/?$/.test(new URL(c.req.url).pathname))) {
    extra['error'] = error.message === TOKEN_EXPIRED ? 'EXPIRED_TOKEN' : 'INVALID_TOKEN';
  }
  if (error.field) extra['validationErrors'] = [{ path: error.field, message }];
  return problemResponse(message === error.message ? error : { ...error, message }, headers, extra);
}

/** Orkes Conductor's prompt API (seed 001), as its Python and JavaScript SDKs call it. */
export const conductorDoor: CompatDoor = { prefix: '/compat/conductor', routes: ROUTES, before: refuseCompressedBody, errorResponse: conductorError };
