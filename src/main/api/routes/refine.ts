import { Hono } from 'hono';
import type { ApiEnv } from '../env';
import { askedVersion, parseWith, readJson } from '../body';
import { streamRun } from '../run-stream';
import { PromptNameSchema } from '../../../shared/schemas/prompts';
import { RefineApiBody } from '../../../shared/schemas/refine';
import { beginApiRefine } from '../../core/refine/refine-service';

/**
 * `POST /api/v1/prompts/{name}/refine`: one "Refine with AI" turn. Answers
 * `{ explanation, proposal, reason, diff, … }` (core/refine/refine-service.ts), or with
 * `stream: true` server-sent events as /run sends them (`start`, `delta`, then `done` with that
 * body, or `error`). Nothing is saved: a proposal becomes a version through POST …/versions.
 */
export const refineRoutes = new Hono<ApiEnv>().post('/:name/refine', async (c) => {
  const name = parseWith(PromptNameSchema, c.req.param('name'));
  const parsed = await readJson(c, RefineApiBody);
  const body = { ...parsed, version: askedVersion(c, parsed.version) };
  const ctx = c.get('ctx');
  if (!body.stream) {
    const { finished } = beginApiRefine(ctx, name, body, { signal: c.req.raw.signal });
    return c.json(await finished);
  }
  return streamRun(c, (hooks) => beginApiRefine(ctx, name, body, hooks), (started) => started);
});
