import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ApiEnv } from '../env';
import { askedVersion, parseWith, readJson } from '../body';
import { toProblem } from '../problem';
import { PromptNameSchema } from '../../../shared/schemas/prompts';
import { RunApiBody } from '../../../shared/schemas/runs';
import { beginApiRun } from '../../core/runs/run-service';
import { toErrorShape } from '../../core/errors';

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
  const abort = new AbortController();
  const deltas: string[] = [];
  let wake: (() => void) | null = null;
  const { started, finished } = beginApiRun(ctx, name, body, {
    signal: abort.signal,
    onDelta: (text) => {
      deltas.push(text);
      wake?.();
    },
  });
  let ended = false;
  const outcome = finished.then(
    (result) => ({ ok: true as const, result }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  void outcome.then(() => {
    ended = true;
    wake?.();
  });
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => abort.abort());
    await stream.writeSSE({ event: 'start', data: JSON.stringify({ runId: started.runId, prompt: started.prompt, version: started.version, model: started.model }) });
    for (;;) {
      while (deltas.length > 0) await stream.writeSSE({ event: 'delta', data: JSON.stringify({ text: deltas.splice(0).join('') }) });
      if (ended) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    const end = await outcome;
    if (end.ok) await stream.writeSSE({ event: 'done', data: JSON.stringify(end.result) });
    else await stream.writeSSE({ event: 'error', data: JSON.stringify(toProblem(toErrorShape(end.error))) });
  });
});
