import type { Context } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../env';
import { pathParam, route } from '../route';
import { parseWith, versionParam, versionQuery } from '../body';
import { PromptNameSchema, SaveVersionInput, UpdateVersionInput } from '../../../shared/schemas/prompts';
import { PinInput, PromoteInput, PromotionsInput, VersionNumberSchema } from '../../../shared/schemas/versions';
import { getVersion, listVersions, saveVersion } from '../../core/versions/versions-service';
import {
  commitVersion,
  deleteVersion,
  getDeployment,
  listPromotions,
  pinDeployment,
  promoteVersion,
  unarchiveVersion,
  updateVersion,
} from '../../core/versions/lifecycle';
import { compareVersions } from '../../core/versions/compare';
import { invalid } from '../../core/errors';
import { jsonWithETag } from '../etag';
import { ERRORS, NOT_MODIFIED, WRITE_ERRORS } from './responses';

const promptName = (c: Context<ApiEnv>) => parseWith(PromptNameSchema, c.req.param('name'));
/** `{name}` and `{number}` of a version's path, as members of its body (the number parsed as every door parses one). */
const versionFromPath = { name: pathParam('name'), number: (c: Context<ApiEnv>) => versionParam(c) };

/** `/api/v1/prompts/{name}/...`: versions, promotion, history, compare and the API deployment. */
export const VERSIONS_ROUTES = [
  route({
    method: 'get',
    path: '/api/v1/prompts/{name}/versions',
    summary: 'List versions, newest first',
    tag: 'versions',
    scopes: ['read'],
    responses: { 200: '{ items } (ETag)', ...NOT_MODIFIED, ...ERRORS },
    handler: (c) => jsonWithETag(c, { items: listVersions(c.get('ctx'), promptName(c)) }),
  }),
  route({
    method: 'post',
    path: '/api/v1/prompts/{name}/versions',
    summary: 'Save a new draft version',
    tag: 'versions',
    scopes: ['write'],
    body: SaveVersionInput,
    bodyFromPath: { name: pathParam('name') },
    responses: { 201: 'The version', ...WRITE_ERRORS },
    handler: async (c, { body }) => c.json(saveVersion(c.get('ctx'), await body()), 201),
  }),
  route({
    method: 'get',
    path: '/api/v1/prompts/{name}/versions/{number}',
    summary: 'Get one version',
    tag: 'versions',
    scopes: ['read'],
    responses: { 200: 'The version (ETag)', ...NOT_MODIFIED, ...ERRORS },
    handler: (c) => jsonWithETag(c, getVersion(c.get('ctx'), promptName(c), versionParam(c))),
  }),
  route({
    method: 'patch',
    path: '/api/v1/prompts/{name}/versions/{number}',
    summary: 'Edit a draft in place (409 when immutable)',
    tag: 'versions',
    scopes: ['write'],
    body: UpdateVersionInput,
    bodyFromPath: versionFromPath,
    responses: { 200: 'The version', ...WRITE_ERRORS },
    handler: async (c, { body }) => c.json(updateVersion(c.get('ctx'), await body())),
  }),
  route({
    method: 'delete',
    path: '/api/v1/prompts/{name}/versions/{number}',
    summary: 'Delete a version (not the published or pinned one)',
    tag: 'versions',
    scopes: ['write'],
    responses: { 204: 'Deleted', ...WRITE_ERRORS },
    handler: (c) => {
      deleteVersion(c.get('ctx'), promptName(c), versionParam(c));
      return c.body(null, 204);
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/prompts/{name}/versions/{number}/commit',
    summary: 'Make a version read-only',
    tag: 'versions',
    scopes: ['write'],
    responses: { 200: 'The version', ...WRITE_ERRORS },
    handler: (c) => c.json(commitVersion(c.get('ctx'), promptName(c), versionParam(c))),
  }),
  route({
    method: 'post',
    path: '/api/v1/prompts/{name}/versions/{number}/promote',
    summary: 'Promote to production with notes (the version already in production: 200 with the promotion that published it, nothing recorded)',
    tag: 'versions',
    scopes: ['write'],
    body: PromoteInput,
    bodyFromPath: versionFromPath,
    responses: { 200: 'The promotion', ...WRITE_ERRORS },
    handler: async (c, { body }) => c.json(promoteVersion(c.get('ctx'), await body())),
  }),
  route({
    method: 'post',
    path: '/api/v1/prompts/{name}/versions/{number}/unarchive',
    summary: 'Return an archived version to draft',
    tag: 'versions',
    scopes: ['write'],
    responses: { 200: 'The version', ...WRITE_ERRORS },
    handler: (c) => c.json(unarchiveVersion(c.get('ctx'), promptName(c), versionParam(c))),
  }),
  route({
    method: 'get',
    path: '/api/v1/prompts/{name}/compare',
    summary: 'Compare two versions',
    tag: 'versions',
    scopes: ['read'],
    query: { from: 'Older version number', to: 'Newer version number' },
    responses: { 200: 'Word diff and changed settings', ...ERRORS },
    handler: (c) => {
      const from = versionQuery(c, 'from');
      const to = versionQuery(c, 'to');
      if (from === undefined) throw invalid('Give the older version as ?from=N', 'from');
      if (to === undefined) throw invalid('Give the newer version as ?to=N', 'to');
      return c.json(compareVersions(c.get('ctx'), promptName(c), from, to));
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/prompts/{name}/promotions',
    summary: 'Promotion history, newest first',
    tag: 'versions',
    scopes: ['read'],
    query: { user: 'Promoted by (member id)', from: 'From, inclusive: YYYY-MM-DD (a UTC day) or a date-time with its offset; no offset: 400', to: 'To, inclusive (a bare date is its whole UTC day)' },
    responses: { 200: '{ items }', ...ERRORS },
    handler: (c) => {
      const input = parseWith(PromotionsInput, {
        name: c.req.param('name'),
        userId: c.req.query('user'),
        from: c.req.query('from'),
        to: c.req.query('to'),
      });
      return c.json({ items: listPromotions(c.get('ctx'), input) });
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/prompts/{name}/deployment',
    summary: 'What the API serves: pinned, published or newest',
    tag: 'versions',
    scopes: ['read'],
    responses: { 200: 'The deployment', ...ERRORS },
    handler: (c) => c.json(getDeployment(c.get('ctx'), promptName(c))),
  }),
  route({
    method: 'put',
    path: '/api/v1/prompts/{name}/deployment',
    summary: 'Pin the API deployment to a version, or null to follow promotions',
    tag: 'versions',
    scopes: ['write'],
    body: z.object({ pinnedVersion: VersionNumberSchema.nullable() }),
    responses: { 200: 'The deployment', ...WRITE_ERRORS },
    handler: async (c, { body }) => {
      const { pinnedVersion } = await body();
      const input = parseWith(PinInput, { name: c.req.param('name'), version: pinnedVersion });
      return c.json(pinDeployment(c.get('ctx'), input.name, input.version));
    },
  }),
];
