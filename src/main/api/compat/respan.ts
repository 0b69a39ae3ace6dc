import { Hono } from 'hono';
import type { ApiEnv } from '../env';
import type { Operation } from '../openapi';
import type { CompatDoor } from './door';
import { problemResponse } from '../problem';
import { readJson, versionParam } from '../body';
import {
  RespanCreatePromptSchema,
  RespanDeploySchema,
  RespanListSchema,
  RespanUpdatePromptSchema,
  RespanUpdateVersionSchema,
  RespanVersionSchema,
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
} from '../../core/compat/respan';


const E = { 400: 'Invalid input', 401: 'Missing or invalid key', 404: 'Not found' };

/** Seed 004 (Respan-style): prompts, versions, commit and deploy, with trailing slashes. */
const routes = new Hono<ApiEnv>()
  .post('/api/prompts/list/', async (c) => c.json(respanListPrompts(c.get('ctx'), await readJson(c, RespanListSchema))))
  .get('/api/prompts/summary/', (c) => c.json(respanSummary(c.get('ctx'), RespanListSchema.parse({}))))
  .post('/api/prompts/summary/', async (c) => c.json(respanSummary(c.get('ctx'), await readJson(c, RespanListSchema))))
  .post('/api/prompts/', async (c) => c.json(respanCreatePrompt(c.get('ctx'), await readJson(c, RespanCreatePromptSchema)), 201))
  .get('/api/prompts/:id/', (c) => c.json(respanGetPrompt(c.get('ctx'), c.req.param('id'))))
  .patch('/api/prompts/:id/', async (c) => c.json(respanUpdatePrompt(c.get('ctx'), c.req.param('id'), await readJson(c, RespanUpdatePromptSchema))))
  .delete('/api/prompts/:id/', (c) => {
    respanDeletePrompt(c.get('ctx'), c.req.param('id'));
    return c.body(null, 204);
  })
  .post('/api/prompts/:id/versions/', async (c) => c.json(respanCreateVersion(c.get('ctx'), c.req.param('id'), await readJson(c, RespanVersionSchema)), 201))
  .get('/api/prompts/:id/versions/', (c) => c.json(respanListVersions(c.get('ctx'), c.req.param('id'))))
  .get('/api/prompts/:id/versions/:version/', (c) => c.json(respanGetVersion(c.get('ctx'), c.req.param('id'), versionParam(c, 'version'))))
  .patch('/api/prompts/:id/versions/:version/', async (c) =>
    c.json(respanUpdateVersion(c.get('ctx'), c.req.param('id'), versionParam(c, 'version'), await readJson(c, RespanUpdateVersionSchema))),
  )
  .delete('/api/prompts/:id/versions/:version/', (c) => {
    respanDeleteVersion(c.get('ctx'), c.req.param('id'), versionParam(c, 'version'));
    return c.body(null, 204);
  })
  .post('/api/prompts/:id/versions/:version/commit/', (c) => c.json(respanCommitVersion(c.get('ctx'), c.req.param('id'), versionParam(c, 'version'))))
  .post('/api/prompts/:id/deployments/', async (c) => {
    const { version } = await readJson(c, RespanDeploySchema);
    return c.json(respanDeploy(c.get('ctx'), c.req.param('id'), version));
  });


const OPERATIONS: Operation[] = [
  { method: 'post', path: '/compat/respan/api/prompts/list/', summary: 'Seed 004: list prompts', tag: 'compat: respan', body: RespanListSchema, responses: { 200: '{ results, count, next, previous }', ...E } },
  { method: 'get', path: '/compat/respan/api/prompts/summary/', summary: 'Seed 004: prompts summary', tag: 'compat: respan', responses: { 200: 'Summary', ...E } },
  { method: 'post', path: '/compat/respan/api/prompts/summary/', summary: 'Seed 004: prompts summary with filters', tag: 'compat: respan', body: RespanListSchema, responses: { 200: 'Summary', ...E } },
  { method: 'post', path: '/compat/respan/api/prompts/', summary: 'Seed 004: create a prompt', tag: 'compat: respan', body: RespanCreatePromptSchema, responses: { 201: 'The prompt', ...E } },
  { method: 'get', path: '/compat/respan/api/prompts/{id}/', summary: 'Seed 004: retrieve a prompt', tag: 'compat: respan', responses: { 200: 'The prompt', ...E } },
  { method: 'patch', path: '/compat/respan/api/prompts/{id}/', summary: 'Seed 004: update a prompt', tag: 'compat: respan', body: RespanUpdatePromptSchema, responses: { 200: 'The prompt', ...E } },
  { method: 'delete', path: '/compat/respan/api/prompts/{id}/', summary: 'Seed 004: delete a prompt', tag: 'compat: respan', responses: { 204: 'Deleted', ...E } },
  { method: 'post', path: '/compat/respan/api/prompts/{id}/versions/', summary: 'Seed 004: create a prompt version', tag: 'compat: respan', body: RespanVersionSchema, responses: { 201: 'The version', ...E } },
  { method: 'get', path: '/compat/respan/api/prompts/{id}/versions/', summary: 'Seed 004: list prompt versions', tag: 'compat: respan', responses: { 200: '{ results, count }', ...E } },
  { method: 'get', path: '/compat/respan/api/prompts/{id}/versions/{version}/', summary: 'Seed 004: retrieve a prompt version', tag: 'compat: respan', responses: { 200: 'The version', ...E } },
  { method: 'patch', path: '/compat/respan/api/prompts/{id}/versions/{version}/', summary: 'Seed 004: update an uncommitted version', tag: 'compat: respan', body: RespanUpdateVersionSchema, responses: { 200: 'The version', ...E } },
  { method: 'delete', path: '/compat/respan/api/prompts/{id}/versions/{version}/', summary: 'Seed 004: delete a prompt version', tag: 'compat: respan', responses: { 204: 'Deleted', ...E } },
  { method: 'post', path: '/compat/respan/api/prompts/{id}/versions/{version}/commit/', summary: 'Seed 004: commit a version (read-only)', tag: 'compat: respan', responses: { 200: 'The version', ...E } },
  { method: 'post', path: '/compat/respan/api/prompts/{id}/deployments/', summary: 'Seed 004: deploy a committed version as the live version', tag: 'compat: respan', body: RespanDeploySchema, responses: { 200: 'The deployed version', ...E } },
];

/** Respan's (Keywords AI's) prompts API (seed 004), as its SDK calls it. */
export const respanDoor: CompatDoor = { prefix: '/compat/respan', routes, operations: OPERATIONS, errorResponse: (error, _c, headers) => problemResponse(error, headers) };
