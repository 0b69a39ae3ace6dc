import { route } from '../route';
import { askedVersion, parseWith } from '../body';
import { streamRun } from '../run-stream';
import { PromptNameSchema } from '../../../shared/schemas/prompts';
import { RunApiBody } from '../../../shared/schemas/runs';
import { beginApiRun } from '../../core/runs/run-service';
import { RunAnswerSchema } from '../openapi-answers';
import { PROVIDER_ERRORS, WRITE_ERRORS } from './responses';

/**
 * `POST /api/v1/prompts/{name}/run`. With `stream: true` the answer is server-sent events:
 * `start` (run id, version, model), `delta` (text) as it arrives, then `done` (the same body
 * as the JSON answer) or `error` (a problem+json body). A client that disconnects cancels the run.
 */
export const RUNS_ROUTES = [
  route({
    method: 'post',
    path: '/api/v1/prompts/{name}/run',
    summary: 'Run the served (or given) version on a model; stream: true answers as server-sent events (start, delta, done | error)',
    tag: 'runs',
    scopes: ['run'],
    query: { version: 'A specific version number (or `version` in the body; both must agree)' },
    body: RunApiBody,
    answer: RunAnswerSchema,
    responses: { 200: '{ runId, prompt, version, model, output, usage, latencyMs, ttftMs } (or text/event-stream)', ...WRITE_ERRORS, ...PROVIDER_ERRORS },
    handler: async (c, { body }) => {
      const name = parseWith(PromptNameSchema, c.req.param('name'));
      const parsed = await body();
      // `?version=N` means what it means on render and GET: never ignored in favour of the served version.
      const input = { ...parsed, version: askedVersion(c, parsed.version) };
      const ctx = c.get('ctx');
      if (!input.stream) {
        const { finished } = beginApiRun(ctx, name, input, { signal: c.req.raw.signal });
        return c.json(await finished);
      }
      return streamRun(
        c,
        (hooks) => beginApiRun(ctx, name, input, hooks),
        (started) => ({ runId: started.runId, prompt: started.prompt, version: started.version, model: started.model }),
      );
    },
  }),
];
