import type { Context, Handler } from 'hono';
import type { ApiEnv } from '../env';
import { route } from '../route';
import type { CompatDoor } from './door';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../problem';
import { intQuery, parseWith } from '../body';
import { starletteFallback } from './starlette-routing';
import { AppError, invalid } from '../../core/errors';
import type { AppErrorShape } from '../../../shared/schemas/common';
import {
  OpenWebUiAccessSchema,
  OpenWebUiCreateSchema,
  OpenWebUiMetaSchema,
  OpenWebUiUpdateSchema,
  OpenWebUiVersionSchema,
  openWebUiAccessUpdate,
  openWebUiCreate,
  openWebUiDelete,
  openWebUiGet,
  openWebUiToggle,
  openWebUiUpdateById,
  openWebUiUpdateByCommand,
  openWebUiUpdateMeta,
} from '../../core/compat/openwebui';
import { OpenWebUiListSchema, openWebUiList, openWebUiListWithAccess, openWebUiTags } from '../../core/compat/openwebui-list';
import { openWebUiDeleteHistoryEntry, openWebUiDiff, openWebUiHistory, openWebUiHistoryEntry, openWebUiSetProduction } from '../../core/compat/openwebui-history';
import { rowByCommand, rowById } from '../../core/compat/openwebui-prompt';
import { OWUI_MESSAGES, isOpenWebUiMessage } from '../../core/compat/openwebui-messages';

const PREFIX = '/compat/openwebui';
/** The real mount (backend/open_webui/main.py: `/api/v1/prompts`) and the seed page's (`/api/prompts`). */
const BASES = ['/api/v1/prompts', '/api/prompts'] as const;

const ctxOf = (c: Context<ApiEnv>) => c.get('ctx');
const requiredQuery = (c: Context<ApiEnv>, name: string): string => {
  const value = c.req.query(name);
  if (!value) throw invalid(`${name} is required`, name);
  return value;
};

const TAG = 'compat: openwebui';
const READ = { 401: 'Missing or invalid key (detail "Not authenticated" or INVALID_TOKEN), or no read access (ACCESS_PROHIBITED)', 404: 'Prompt not found (NOT_FOUND), hidden or missing alike' };
const WRITE = { 400: 'Invalid input, command in use', 401: 'Missing or invalid key, or no write access (ACCESS_PROHIBITED)', 404: 'Prompt not found (NOT_FOUND), hidden or missing alike' };

const id = (c: Context<ApiEnv>) => c.req.param('id')!;
const command = (c: Context<ApiEnv>) => c.req.param('command')!;
const historyId = (c: Context<ApiEnv>) => c.req.param('history_id')!;

/**
 * Open WebUI's prompts router under one base (the paths under `/compat/openwebui{base}`), each
 * route declared once. Declaration order is serving order where paths overlap: `/history/diff`
 * before `/history/{history_id}` (the real router registers them the other way round, so its
 * diff route is unreachable; its frontend calls it, so it is served).
 */
function routesFor(base: string) {
  const p = `${PREFIX}${base}`;
  return [
    route({
      method: 'get',
      path: `${p}/`,
      // The frontend calls the list with and without the slash; both answer (no redirect).
      slashOptional: true,
      summary: 'Open WebUI: every prompt you may read (list[PromptModel])',
      tag: TAG,
      scopes: ['read'],
      responses: { 200: 'list[PromptModel]', 401: READ[401] },
      handler: (c) => c.json(openWebUiList(ctxOf(c))),
    }),
    route({
      method: 'get',
      path: `${p}/tags`,
      summary: 'Open WebUI: the tags of the prompts you may read',
      tag: TAG,
      scopes: ['read'],
      responses: { 200: 'list[str]', 401: READ[401] },
      handler: (c) => c.json(openWebUiTags(ctxOf(c))),
    }),
    route({
      method: 'get',
      path: `${p}/list`,
      summary: 'Open WebUI: prompts with write_access, 30 a page',
      tag: TAG,
      scopes: ['read'],
      query: { query: 'Library search', view_option: 'created | shared', tag: 'Tag', order_by: 'name | created_at | updated_at', direction: 'asc | desc', page: 'From 1' },
      responses: { 200: '{ items: PromptAccessResponse[], total }', 400: 'Invalid query', 401: READ[401] },
      handler: (c) => c.json(openWebUiListWithAccess(ctxOf(c), parseWith(OpenWebUiListSchema, c.req.query()))),
    }),
    route({
      method: 'post',
      path: `${p}/create`,
      summary: 'Open WebUI: create a prompt (its content is version 1, in production)',
      tag: TAG,
      scopes: ['write'],
      body: OpenWebUiCreateSchema,
      responses: { 200: 'PromptModel', 400: 'Invalid input, or COMMAND_TAKEN', 401: READ[401] },
      handler: async (c, { body }) => c.json(openWebUiCreate(ctxOf(c), await body())),
    }),
    route({
      method: 'get',
      path: `${p}/command/{command}`,
      summary: 'Open WebUI: a prompt by command',
      tag: TAG,
      scopes: ['read'],
      responses: { 200: 'PromptAccessResponse', ...READ },
      handler: (c) => c.json(openWebUiGet(ctxOf(c), rowByCommand(ctxOf(c), command(c)))),
    }),
    route({
      method: 'post',
      path: `${p}/command/{command}/update`,
      summary: 'Open WebUI (older router): update a prompt by command',
      tag: TAG,
      scopes: ['write'],
      body: OpenWebUiUpdateSchema,
      responses: { 200: 'PromptModel', ...WRITE },
      handler: async (c, { body }) => c.json(openWebUiUpdateByCommand(ctxOf(c), command(c), await body())),
    }),
    route({
      method: 'delete',
      path: `${p}/command/{command}/delete`,
      summary: 'Open WebUI (older router): delete a prompt by command',
      tag: TAG,
      scopes: ['write'],
      responses: { 200: 'true', ...WRITE },
      handler: (c) => c.json(openWebUiDelete(ctxOf(c), rowByCommand(ctxOf(c), command(c)))),
    }),
    route({
      method: 'get',
      path: `${p}/id/{id}`,
      summary: 'Open WebUI: a prompt by id',
      tag: TAG,
      scopes: ['read'],
      responses: { 200: 'PromptAccessResponse', ...READ },
      handler: (c) => c.json(openWebUiGet(ctxOf(c), rowById(ctxOf(c), id(c)))),
    }),
    route({
      method: 'post',
      path: `${p}/id/{id}/update`,
      summary: 'Seed 003: update a prompt by id; a change makes a new version (production unless is_production is false)',
      tag: TAG,
      scopes: ['write'],
      body: OpenWebUiUpdateSchema,
      responses: { 200: 'PromptModel', 400: 'Command already in use', 401: 'Lacks write access', 404: 'Prompt does not exist' },
      handler: async (c, { body }) => c.json(openWebUiUpdateById(ctxOf(c), id(c), await body())),
    }),
    route({
      method: 'post',
      path: `${p}/id/{id}/update/meta`,
      summary: 'Open WebUI: change name, command and tags (no version)',
      tag: TAG,
      scopes: ['write'],
      body: OpenWebUiMetaSchema,
      responses: { 200: 'PromptModel', ...WRITE },
      handler: async (c, { body }) => c.json(openWebUiUpdateMeta(ctxOf(c), id(c), await body())),
    }),
    route({
      method: 'post',
      path: `${p}/id/{id}/update/version`,
      summary: 'Open WebUI: make a history entry production (promotion)',
      tag: TAG,
      scopes: ['write'],
      body: OpenWebUiVersionSchema,
      responses: { 200: 'PromptModel', ...WRITE },
      handler: async (c, { body }) => {
        const { version_id } = await body();
        return c.json(openWebUiSetProduction(ctxOf(c), id(c), version_id));
      },
    }),
    route({
      method: 'post',
      path: `${p}/id/{id}/access/update`,
      summary: 'Open WebUI: replace the access grants (sharing; owner or admin)',
      tag: TAG,
      scopes: ['write'],
      body: OpenWebUiAccessSchema,
      responses: { 200: 'PromptModel', ...WRITE },
      handler: async (c, { body }) => c.json(openWebUiAccessUpdate(ctxOf(c), id(c), await body())),
    }),
    route({
      method: 'post',
      path: `${p}/id/{id}/toggle`,
      summary: 'Open WebUI: toggle is_active (refused: Promptdesk has no such switch)',
      tag: TAG,
      scopes: ['write'],
      responses: { ...WRITE, 400: 'Refused: Promptdesk prompts cannot be deactivated' },
      handler: (c) => openWebUiToggle(ctxOf(c), id(c)),
    }),
    route({
      method: 'delete',
      path: `${p}/id/{id}/delete`,
      summary: 'Open WebUI: delete a prompt (owner or admin)',
      tag: TAG,
      scopes: ['write'],
      responses: { 200: 'true', ...WRITE },
      handler: (c) => c.json(openWebUiDelete(ctxOf(c), rowById(ctxOf(c), id(c)))),
    }),
    route({
      method: 'get',
      path: `${p}/id/{id}/history`,
      summary: 'Open WebUI: version history, newest first, 20 a page',
      tag: TAG,
      scopes: ['read'],
      query: { page: 'From 0' },
      responses: { 200: 'list[PromptHistoryResponse]', ...READ },
      handler: (c) => c.json(openWebUiHistory(ctxOf(c), id(c), intQuery(c, 'page') ?? 0)),
    }),
    route({
      method: 'get',
      path: `${p}/id/{id}/history/diff`,
      summary: 'Open WebUI: unified diff of two history entries',
      tag: TAG,
      scopes: ['read'],
      query: { from_id: 'History entry id', to_id: 'History entry id' },
      responses: { 200: '{ from_id, to_id, from_snapshot, to_snapshot, content_diff, name_changed, access_control_changed }', 400: 'from_id or to_id missing', ...READ },
      handler: (c) => c.json(openWebUiDiff(ctxOf(c), id(c), requiredQuery(c, 'from_id'), requiredQuery(c, 'to_id'))),
    }),
    route({
      method: 'get',
      path: `${p}/id/{id}/history/{history_id}`,
      summary: 'Open WebUI: one history entry',
      tag: TAG,
      scopes: ['read'],
      responses: { 200: 'PromptHistoryModel', ...READ },
      handler: (c) => c.json(openWebUiHistoryEntry(ctxOf(c), id(c), historyId(c))),
    }),
    route({
      method: 'delete',
      path: `${p}/id/{id}/history/{history_id}`,
      summary: 'Open WebUI: delete a history entry (not the production one)',
      tag: TAG,
      scopes: ['write'],
      responses: { 200: 'true', ...WRITE },
      handler: (c) => c.json(openWebUiDeleteHistoryEntry(ctxOf(c), id(c), historyId(c))),
    }),
  ];
}

const ROUTES = BASES.flatMap(routesFor);
const fallback = starletteFallback(ROUTES);

/**
 * An error as Open WebUI's FastAPI answers it: `{"detail": "..."}` with the router's status codes
 * (401 for a missing key or for lacking access, ACCESS_PROHIBITED; 404 NOT_FOUND; 400 for refused
 * input and for states Promptdesk refuses with 409), and the problem+json members besides (their
 * `detail` is the same string). Open WebUI's own texts are answered as they are; a Promptdesk text
 * replaced by one of Open WebUI's stays in `reason`. Validation keeps 400 with a string naming the
 * field (FastAPI would answer 422 with a list; the seed page documents 400).
 */
export function openWebUiErrorResponse(error: AppErrorShape, c: Context<ApiEnv>, headers: Record<string, string> = {}, status?: number): Response {
  const problem = toProblem(error);
  let detail = error.message;
  let code = status ?? problem.status;
  if (isOpenWebUiMessage(error.message)) {
    if (error.code === 'forbidden') code = 401;
  } else if (error.code === 'unauthenticated') {
    const sent = c.req.header('authorization') ?? c.req.header('x-authorization');
    detail = sent?.trim() ? OWUI_MESSAGES.INVALID_TOKEN : OWUI_MESSAGES.NOT_AUTHENTICATED;
  } else if (error.code === 'forbidden') {
    code = 401;
    detail = OWUI_MESSAGES.ACCESS_PROHIBITED;
  } else if (error.code === 'not_found') {
    detail = OWUI_MESSAGES.NOT_FOUND;
  } else if (error.code === 'conflict') {
    code = 400;
  } else if (error.code === 'rate_limited') {
    detail = OWUI_MESSAGES.RATE_LIMIT_EXCEEDED;
  }
  const body: Record<string, unknown> = { ...problem, status: code, detail };
  // Starlette's 405 is no refused input: say what it is (Promptdesk has no error code for it).
  if (code === 405) Object.assign(body, { type: 'urn:promptdesk:problem:method_not_allowed', title: 'Method not allowed', code: 'method_not_allowed' });
  if (detail !== error.message) body['reason'] = error.message;
  return new Response(JSON.stringify(body), {
    status: code,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', ...headers },
  });
}

/**
 * Starlette's answers for what no route serves (starletteFallback): 405 with Allow, a 307 to the
 * path without (or with) its trailing slash (FastAPI's redirect_slashes), else 404.
 */
const starletteAnswer: Handler<ApiEnv> = (c) => {
  const answer = fallback(c.req.method, c.req.url);
  if (answer.kind === 'method_not_allowed') return openWebUiErrorResponse({ code: 'invalid_input', message: OWUI_MESSAGES.METHOD_NOT_ALLOWED }, c, { Allow: answer.allow }, 405);
  if (answer.kind === 'redirect') return new Response(null, { status: 307, headers: { Location: answer.location, 'Cache-Control': 'no-store' } });
  throw new AppError('not_found', OWUI_MESSAGES.ROUTE_NOT_FOUND);
};

/** Open WebUI's prompts router (seed 003), as its frontend calls it, at the real and the seed page's mount. */
export const openWebUiDoor: CompatDoor = { prefix: PREFIX, routes: ROUTES, fallback: starletteAnswer, errorResponse: (error, c, headers) => openWebUiErrorResponse(error, c, headers) };
