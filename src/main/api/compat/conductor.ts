import { Hono } from 'hono';
import type { ApiEnv } from '../env';
import type { Operation } from '../openapi';
import type { CompatDoor } from './door';
import { problemResponse } from '../problem';
import { parseWith, readBodyText } from '../body';
import { invalid } from '../../core/errors';
import { optionalVersionNumberFromText } from '../../core/versions/version-number';
import { PromptNameSchema } from '../../../shared/schemas/prompts';
import { conductorUpsert } from '../../core/compat/conductor';

/** Seed 001 (Conductor-style): create or update a prompt from a raw text body. */
const routes = new Hono<ApiEnv>().put('/api/prompts/:name', async (c) => {
  const url = new URL(c.req.url);
  const description = url.searchParams.get('description');
  if (description === null) throw invalid('description is required', 'description');
  conductorUpsert(c.get('ctx'), {
    name: parseWith(PromptNameSchema, c.req.param('name')),
    description,
    version: optionalVersionNumberFromText(url.searchParams.get('version'), 'version'),
    models: url.searchParams.getAll('models'),
    text: await readBodyText(c),
  });
  return c.body(null, 200);
});


const OPERATIONS: Operation[] = [
  { method: 'put', path: '/compat/conductor/api/prompts/{name}', summary: 'Seed 001: create or update a prompt (raw text body; ?description=&version=&models=)', tag: 'compat: conductor', textBody: true, query: { description: 'Required', version: 'Version to create or update (default: 1 for new, latest for existing)', models: 'integrationName:modelName, repeatable' }, responses: { 200: 'No body', 401: 'Missing or invalid key', 403: 'No UPDATE permission on the existing prompt', 404: 'An integration in models does not exist' } },
];

/** Orkes Conductor's prompt API (seed 001), as its Python and JavaScript SDKs call it. */
export const conductorDoor: CompatDoor = { prefix: '/compat/conductor', routes, operations: OPERATIONS, errorResponse: (error, _c, headers) => problemResponse(error, headers) };
