import { Hono } from 'hono';
import type { ApiEnv } from '../env';
import { askedVersion, parseWith, readJson } from '../body';
import { streamRun } from '../run-stream';
import { PromptNameSchema } from '../../../shared/schemas/prompts';
import { RunApiBody } from '../../../shared/schemas/runs';
import { beginApiRun } from '../../core/runs/run-service';

/**
 * `POST /api/v1/prompts/{name}/run`. With `stream: true` the answer is server-sent events:
 * `start` (run id, version, model), `delta` (text) as it arrives, then `done` (the same body
 * as the JSON answer) or `error` (a problem+json body). A client that disconnects cancels the run.
 */
export const runsRoutes = new Hono<ApiEnv>().post('/:name/run', async (c) => {
  const name = parseWith(PromptNameSchema, c.req.param('name'));
  const parsed = await readJson(c, RunApiBody);
  // `?version=N` means what it means on render and GET: never ignored in favour of the served version.
  const body = { ...parsed, version: askedVersion(c, parsed.version) };
  const ctx = c.get('ctx');
  if (!body.stream) {
    const { finished } = beginApiRun(ctx, name, body, { signal: c.req.raw.signal });
    return c.json(await finished);
  }
  return streamRun(
    c,
    (hooks) => beginApiRun(ctx, name, body, hooks),
    (started) => ({ runId: started.runId, prompt: started.prompt, version: started.version, model: started.model }),
  );
});
