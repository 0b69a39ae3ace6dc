import { route } from '../route';
import { askedVersion, parseWith } from '../body';
import { streamRun } from '../run-stream';
import { PromptNameSchema } from '../../../shared/schemas/prompts';
import { RefineApiBody } from '../../../shared/schemas/refine';
import { beginApiRefine } from '../../core/refine/refine-service';
import { RefineAnswerSchema } from '../openapi-answers';
import { PROVIDER_ERRORS, WRITE_ERRORS } from './responses';

/**
 * `POST /api/v1/prompts/{name}/refine`: one "Refine with AI" turn. Answers
 * `{ explanation, proposal, reason, diff, … }` (core/refine/refine-service.ts), or with
 * `stream: true` server-sent events as /run sends them (`start`, `delta`, then `done` with that
 * body, or `error`). Nothing is saved: a proposal becomes a version through POST …/versions.
 */
export const REFINE_ROUTES = [
  route({
    method: 'post',
    path: '/api/v1/prompts/{name}/refine',
    summary:
      'Refine with AI: one turn of a conversation about a version (newest unless given) with a model; answers an explanation and a proposed revision of the whole template with its diff, or proposal null with a reason; saves nothing (POST …/versions does). Needs read on the prompt and, for a key, the run scope. stream: true answers as server-sent events (start, delta, done | error)',
    tag: 'runs',
    scopes: ['read', 'run'],
    query: { version: 'The version to refine (or `version` in the body; both must agree)' },
    body: RefineApiBody,
    answer: RefineAnswerSchema,
    responses: {
      200: '{ runId, prompt, version, model, explanation, proposal: { template, variables } | null, reason, diff: { template, granularity, variables: { added, removed } } | null, usage, latencyMs } (or text/event-stream)',
      ...WRITE_ERRORS,
      ...PROVIDER_ERRORS,
    },
    handler: async (c, { body }) => {
      const name = parseWith(PromptNameSchema, c.req.param('name'));
      const parsed = await body();
      const input = { ...parsed, version: askedVersion(c, parsed.version) };
      const ctx = c.get('ctx');
      if (!input.stream) {
        const { finished } = beginApiRefine(ctx, name, input, { signal: c.req.raw.signal });
        return c.json(await finished);
      }
      return streamRun(c, (hooks) => beginApiRefine(ctx, name, input, hooks), (started) => started);
    },
  }),
];
