import type { Context, Handler } from 'hono';
import type { ApiEnv } from '../env';
import { route } from '../route';
import type { CompatDoor } from './door';
import type { AppErrorShape } from '../../../shared/schemas/common';
import { problemResponse } from '../problem';
import { parseWith, versionParam } from '../body';
import { AppError, invalid } from '../../core/errors';
import {
  RespanCommitSchema,
  RespanCreatePromptSchema,
  RespanDeploySchema,
  RespanListSchema,
  RespanUpdatePromptSchema,
  RespanUpdateVersionSchema,
  RespanVersionSchema,
  respanCommitDraft,
  respanCommitVersion,
  respanCreatePrompt,
  respanCreateVersion,
  respanDeletePrompt,
  respanDeleteVersion,
  respanDeploy,
  respanGetPrompt,
  respanGetVersion,
  respanListPrompts,
  respanListVersions,
  respanSummary,
  respanUpdatePrompt,
  respanUpdateVersion,
  type RespanList,
} from '../../core/compat/respan';
import { respanPageLink } from '../../core/compat/respan-pages';
import { drfThrottled } from '../../core/compat/respan-messages';

/**
 * A page as Django REST framework answers it: `next`/`previous` are absolute URLs of this list
 * with another `page`, carrying the parameters it was read with (respanPageLink), or null.
 */
function paged<T>(c: Context<ApiEnv>, list: RespanList<T>, params: Record<string, string | number | undefined>) {
  const link = (page: number | null) => respanPageLink(c.req.url, params, page);
  return { count: list.count, next: link(list.nextPage), previous: link(list.previousPage), results: list.results };
}

/** The parameters a list of prompts was read with, for its page links. */
const listParams = (input: { page_size?: string | number; search?: string; sort_by?: string }) => ({
  page_size: input.page_size,
  search: input.search,
  sort_by: input.sort_by,
});

/** Query parameters the GET list understands. */
const LIST_QUERY = new Set(['page', 'page_size', 'search', 'sort_by']);
/** Query parameters the versions list understands (the SDK's `list_versions(**filters)` sends others). */
const VERSIONS_QUERY = new Set(['page', 'page_size']);

/**
 * The SDK's `PromptAPI.list(page, page_size, **filters)` and `list_versions(prompt_id, page,
 * page_size, **filters)` send their filters as query parameters; Promptdesk has no such filters,
 * so one is a 400 naming it rather than an unfiltered 200.
 */
function listQuery(c: Context<ApiEnv>, allowed: ReadonlySet<string>) {
  const query = c.req.query();
  for (const name of Object.keys(query)) if (!allowed.has(name)) throw invalid(`The filter "${name}" is not supported by Promptdesk`, name);
  return parseWith(RespanListSchema, query);
}

const ctxOf = (c: Context<ApiEnv>) => c.get('ctx');
const id = (c: Context<ApiEnv>) => c.req.param('id')!;

const E = { 400: 'Invalid input, or a change Promptdesk refuses ({"detail": ...})', 401: 'Missing or invalid key', 403: 'The key or member may not do this', 404: 'Not found, or not visible to this key' };
const TAG = 'compat: respan';
const P = '/compat/respan/api/prompts';
const PAGE_QUERY = { page: 'Page from 1, or "last" (past the last page: 404 "Invalid page.")', page_size: 'Items per page, default 25, at most 100' };

/**
 * Seed 004 (Respan): prompts, versions, commit and deploy, each route declared once. Respan's
 * reference writes every path with a trailing slash; its Python SDK
 * (python-sdks/respan/src/respan/constants/prompt_constants.py) calls them without one and does
 * not follow redirects, so each route answers both spellings (slashOptional).
 */
const ROUTES = [
  route({
    method: 'get',
    path: `${P}/list/`,
    slashOptional: true,
    summary: "Seed 004: list prompts (the SDK's PromptAPI.list)",
    tag: TAG,
    scopes: ['read'],
    query: { ...PAGE_QUERY, search: "Words to match, as the native list's query", sort_by: '-id (default, newest first), -current_version__updated_at or name' },
    responses: { 200: '{ count, next, previous, results }: next/previous are URLs or null', ...E },
    handler: (c) => {
      const input = listQuery(c, LIST_QUERY);
      return c.json(paged(c, respanListPrompts(ctxOf(c), input), listParams(input)));
    },
  }),
  route({
    method: 'post',
    path: `${P}/list/`,
    slashOptional: true,
    summary: 'Seed 004: list prompts (page parameters in the query or the body)',
    tag: TAG,
    scopes: ['read'],
    body: RespanListSchema,
    responses: { 200: '{ count, next, previous, results }', ...E },
    handler: async (c, { body }) => {
      const input = { ...(await body()), ...listQuery(c, LIST_QUERY) };
      return c.json(paged(c, respanListPrompts(ctxOf(c), input), listParams(input)));
    },
  }),
  route({
    method: 'get',
    path: `${P}/summary/`,
    slashOptional: true,
    summary: 'Seed 004: prompts summary',
    tag: TAG,
    scopes: ['read'],
    responses: { 200: '{ total_count, total_prompts, deployed_prompts, total_versions }', ...E },
    handler: (c) => c.json(respanSummary(ctxOf(c), listQuery(c, new Set(['search'])))),
  }),
  route({
    method: 'post',
    path: `${P}/summary/`,
    slashOptional: true,
    summary: 'Seed 004: prompts summary with filters',
    tag: TAG,
    scopes: ['read'],
    body: RespanListSchema,
    responses: { 200: '{ total_count, ... }', ...E },
    handler: async (c, { body }) => c.json(respanSummary(ctxOf(c), await body())),
  }),
  route({
    method: 'post',
    path: `${P}/`,
    slashOptional: true,
    summary: 'Seed 004: create a prompt (an empty body makes "Untitled")',
    tag: TAG,
    scopes: ['write'],
    body: RespanCreatePromptSchema,
    responses: { 201: 'The prompt', ...E },
    handler: async (c, { body }) => c.json(respanCreatePrompt(ctxOf(c), await body()), 201),
  }),
  route({
    method: 'get',
    path: `${P}/{id}/`,
    slashOptional: true,
    summary: 'Seed 004: retrieve a prompt with its current and live versions',
    tag: TAG,
    scopes: ['read'],
    responses: { 200: 'The prompt', ...E },
    handler: (c) => c.json(respanGetPrompt(ctxOf(c), id(c))),
  }),
  route({
    method: 'patch',
    path: `${P}/{id}/`,
    slashOptional: true,
    summary: 'Seed 004: update a prompt; {"deploy": true} deploys the newest committed version',
    tag: TAG,
    scopes: ['write'],
    body: RespanUpdatePromptSchema,
    responses: { 200: 'The prompt', ...E },
    handler: async (c, { body }) => c.json(respanUpdatePrompt(ctxOf(c), id(c), await body())),
  }),
  route({
    method: 'delete',
    path: `${P}/{id}/`,
    slashOptional: true,
    summary: 'Seed 004: delete a prompt',
    tag: TAG,
    scopes: ['write'],
    responses: { 200: '{ message, deleted_at }', ...E },
    handler: (c) => c.json(respanDeletePrompt(ctxOf(c), id(c))),
  }),
  route({
    method: 'post',
    path: `${P}/{id}/versions/`,
    slashOptional: true,
    summary: 'Seed 004: create a prompt version (readonly/deploy flags take effect)',
    tag: TAG,
    scopes: ['write'],
    body: RespanVersionSchema,
    responses: { 201: 'The version', ...E },
    handler: async (c, { body }) => c.json(respanCreateVersion(ctxOf(c), id(c), await body()), 201),
  }),
  route({
    method: 'get',
    path: `${P}/{id}/versions/`,
    slashOptional: true,
    summary: 'Seed 004: list prompt versions, newest first',
    tag: TAG,
    scopes: ['read'],
    query: PAGE_QUERY,
    responses: { 200: '{ count, next, previous, results }', ...E },
    handler: (c) => {
      const input = listQuery(c, VERSIONS_QUERY);
      return c.json(paged(c, respanListVersions(ctxOf(c), id(c), input), { page_size: input.page_size }));
    },
  }),
  route({
    method: 'get',
    path: `${P}/{id}/versions/{version}/`,
    slashOptional: true,
    summary: 'Seed 004: retrieve a prompt version',
    tag: TAG,
    scopes: ['read'],
    responses: { 200: 'The version', ...E },
    handler: (c) => c.json(respanGetVersion(ctxOf(c), id(c), versionParam(c, 'version'))),
  }),
  route({
    method: 'patch',
    path: `${P}/{id}/versions/{version}/`,
    slashOptional: true,
    summary: 'Seed 004: update a version; readonly=true commits, deploy=true deploys',
    tag: TAG,
    scopes: ['write'],
    body: RespanUpdateVersionSchema,
    responses: { 200: 'The version', ...E },
    handler: async (c, { body }) => {
      const version = versionParam(c, 'version');
      return c.json(respanUpdateVersion(ctxOf(c), id(c), version, await body()));
    },
  }),
  route({
    method: 'delete',
    path: `${P}/{id}/versions/{version}/`,
    slashOptional: true,
    summary: 'Seed 004: delete a prompt version (not the deployed one)',
    tag: TAG,
    scopes: ['write'],
    responses: { 204: 'Deleted', ...E },
    handler: (c) => {
      respanDeleteVersion(ctxOf(c), id(c), versionParam(c, 'version'));
      return c.body(null, 204);
    },
  }),
  route({
    method: 'post',
    path: `${P}/{id}/versions/{version}/commit/`,
    slashOptional: true,
    summary: 'Seed 004: commit a version (read-only)',
    tag: TAG,
    scopes: ['write'],
    responses: { 200: 'The version', ...E },
    handler: (c) => c.json(respanCommitVersion(ctxOf(c), id(c), versionParam(c, 'version'))),
  }),
  route({
    method: 'post',
    path: `${P}/{id}/commits/`,
    slashOptional: true,
    summary: 'Seed 004: commit the draft (the newest version, if uncommitted)',
    tag: TAG,
    scopes: ['write'],
    body: RespanCommitSchema,
    responses: { 201: 'The committed version', ...E },
    handler: async (c, { body }) => c.json(respanCommitDraft(ctxOf(c), id(c), await body()), 201),
  }),
  route({
    method: 'post',
    path: `${P}/{id}/deployments/`,
    slashOptional: true,
    summary: 'Seed 004: deploy a committed version as the live version',
    tag: TAG,
    scopes: ['write'],
    body: RespanDeploySchema,
    responses: { 200: 'The deployed version', ...E },
    handler: async (c, { body }) => {
      const { version } = await body();
      return c.json(respanDeploy(ctxOf(c), id(c), version));
    },
  }),
];

/**
 * Django's own answer to a URL it has no view for (or a method a view lacks, where DRF would say
 * 405): {"detail": "Not found."}, in JSON like every other error of this door (respanError).
 */
const djangoNotFound: Handler<ApiEnv> = () => {
  throw new AppError('not_found', 'Not found.');
};

/**
 * Errors as Django REST framework answers them, `{"detail": "..."}` (problem+json already has
 * `detail`), with the refused member as DRF's `{"<field>": ["..."]}` too. Respan documents 400
 * for a refused change (e.g. deleting the live version), so Promptdesk's 409 conflicts answer 400.
 */
function respanError(error: AppErrorShape, _c: Context<ApiEnv>, headers?: Record<string, string>): Response {
  // A 429 reads as DRF's Throttled (its `detail`), with Promptdesk's own text as `reason`.
  if (error.code === 'rate_limited') return problemResponse({ ...error, message: drfThrottled(error.retryAfter) }, headers, { reason: error.message });
  const shown: AppErrorShape = error.code === 'conflict' ? { ...error, code: 'invalid_input' } : error;
  return problemResponse(shown, headers, shown.field ? { [shown.field]: [shown.message] } : {});
}

/** Respan's (Keywords AI's) prompts API (seed 004), as its Python SDK calls it. */
export const respanDoor: CompatDoor = { prefix: '/compat/respan', routes: ROUTES, fallback: djangoNotFound, errorResponse: respanError };
