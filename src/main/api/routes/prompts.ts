import { pathParam, route } from '../route';
import { askedVersion, intQuery, parseWith, versionQuery } from '../body';
import { CreatePromptInput, ListPromptsInput, PromptNameSchema, RenderInput, SetApiSettingsInput, UpdatePromptInput } from '../../../shared/schemas/prompts';
import { createPrompt, deletePrompt, getPrompt, listPrompts, setApiSettings, updatePrompt } from '../../core/prompts/prompts-service';
import { shownVersion } from '../../core/versions/versions-service';
import { renderPrompt } from '../../core/render/render-service';
import { jsonWithETag } from '../etag';
import { ERRORS, NOT_MODIFIED, WRITE_ERRORS } from './responses';

const nameFromPath = { name: pathParam('name') };

/** `/api/v1/prompts` and `/api/v1/prompts/{name}`: the library, one prompt, its API settings and render. */
export const PROMPTS_ROUTES = [
  route({
    method: 'get',
    path: '/api/v1/prompts',
    summary: 'List prompts with API access (search, filter, sort, page)',
    tag: 'prompts',
    scopes: ['read'],
    query: { query: 'Full-text search over name, title, description, tags and template: every word, as a prefix; inside CJK/Thai text anywhere; symbols and emoji literally', tag: 'Only prompts with this tag', owner: 'Owner member id', sort: 'updated | created | name | title', limit: '1-200 (default 50)', offset: 'Rows to skip' },
    responses: { 200: '{ items, total, limit, offset } (ETag)', ...NOT_MODIFIED, ...ERRORS },
    handler: (c) => {
      const input = parseWith(ListPromptsInput, {
        query: c.req.query('query') ?? c.req.query('q'),
        tag: c.req.query('tag'),
        ownerId: c.req.query('owner'),
        sort: c.req.query('sort'),
        limit: intQuery(c, 'limit'),
        offset: intQuery(c, 'offset'),
      });
      const { items, total } = listPrompts(c.get('ctx'), input);
      return jsonWithETag(c, { items, total, limit: input.limit, offset: input.offset });
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/prompts',
    summary: 'Create a prompt (API access on)',
    tag: 'prompts',
    scopes: ['write'],
    body: CreatePromptInput,
    responses: { 201: 'The prompt', ...WRITE_ERRORS },
    handler: async (c, { body }) => c.json(createPrompt(c.get('ctx'), await body()), 201),
  }),
  route({
    method: 'patch',
    path: '/api/v1/prompts/{name}',
    summary: 'Change title, description, tags or slash command',
    tag: 'prompts',
    scopes: ['write'],
    body: UpdatePromptInput,
    bodyFromPath: nameFromPath,
    responses: { 200: 'The prompt', ...WRITE_ERRORS },
    handler: async (c, { body }) => c.json(updatePrompt(c.get('ctx'), await body())),
  }),
  route({
    method: 'put',
    path: '/api/v1/prompts/{name}/api',
    summary: 'Turn API access on or off; require a key or not',
    tag: 'prompts',
    scopes: ['write'],
    body: SetApiSettingsInput,
    bodyFromPath: nameFromPath,
    responses: { 200: 'The prompt', ...WRITE_ERRORS },
    handler: async (c, { body }) => c.json(setApiSettings(c.get('ctx'), await body())),
  }),
  route({
    method: 'get',
    path: '/api/v1/prompts/{name}',
    summary: 'Get a prompt and the version the API serves',
    tag: 'prompts',
    scopes: ['read'],
    query: { version: 'A specific version number' },
    responses: { 200: 'The prompt with `version` (ETag)', ...NOT_MODIFIED, ...ERRORS },
    handler: (c) => {
      const ctx = c.get('ctx');
      const name = parseWith(PromptNameSchema, c.req.param('name'));
      const { latest: _latest, ...prompt } = getPrompt(ctx, name);
      const version = shownVersion(ctx, name, versionQuery(c, 'version'));
      return jsonWithETag(c, { ...prompt, version });
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/prompts/{name}',
    summary: 'Delete a prompt (owner or admin)',
    tag: 'prompts',
    scopes: ['write'],
    responses: { 204: 'Deleted', ...WRITE_ERRORS },
    handler: (c) => {
      deletePrompt(c.get('ctx'), parseWith(PromptNameSchema, c.req.param('name')));
      return c.body(null, 204);
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/prompts/{name}/render',
    summary: 'Render the served (or ?version=N) version with variables',
    tag: 'prompts',
    scopes: ['read', 'run'],
    query: { version: 'A specific version number (or `version` in the body; both must agree)' },
    body: RenderInput,
    bodyFromPath: nameFromPath,
    responses: { 200: '{ prompt, version, messages, text, unusedVariables } (ETag)', ...NOT_MODIFIED, ...WRITE_ERRORS },
    handler: async (c, { body }) => {
      const input = await body();
      return jsonWithETag(c, renderPrompt(c.get('ctx'), { ...input, version: askedVersion(c, input.version) }));
    },
  }),
];
