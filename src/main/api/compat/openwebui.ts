import { Hono } from 'hono';
import type { ApiEnv } from '../env';
import type { Operation } from '../openapi';
import type { CompatDoor } from './door';
import { problemResponse } from '../problem';
import { readJson } from '../body';
import { openWebUiGet, openWebUiUpdate, OpenWebUiUpdateSchema } from '../../core/compat/openwebui';

const E = { 400: 'Invalid input', 401: 'Missing or invalid key', 404: 'Not found' };

/** Seed 003 (Open WebUI-style): update by id, plus the read of the same object. */
const routes = new Hono<ApiEnv>()
  .post('/api/prompts/id/:id/update', async (c) => c.json(openWebUiUpdate(c.get('ctx'), c.req.param('id'), await readJson(c, OpenWebUiUpdateSchema))))
  .get('/api/prompts/id/:id', (c) => c.json(openWebUiGet(c.get('ctx'), c.req.param('id'))));


const OPERATIONS: Operation[] = [
  { method: 'post', path: '/compat/openwebui/api/prompts/id/{id}/update', summary: 'Seed 003: update a prompt by id; a content change makes a new version', tag: 'compat: openwebui', body: OpenWebUiUpdateSchema, responses: { 200: 'The prompt', 400: 'Command already in use', 401: 'Lacks write access', 404: 'Prompt does not exist' } },
  { method: 'get', path: '/compat/openwebui/api/prompts/id/{id}', summary: 'The seed 003 prompt object by id', tag: 'compat: openwebui', responses: { 200: 'The prompt', ...E } },
];

/** Open WebUI's prompts router (seed 003), as its frontend calls it. */
export const openWebUiDoor: CompatDoor = { prefix: '/compat/openwebui', routes, operations: OPERATIONS, errorResponse: (error, _c, headers) => problemResponse(error, headers) };
