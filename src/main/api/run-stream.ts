import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { toProblem } from './problem';
import { toErrorShape } from '../core/errors';

/** Starts a model call with these hooks: text as it arrives, and a signal that cancels it. */
export type BeginStreamedRun<S, R> = (hooks: { onDelta: (text: string) => void; signal: AbortSignal }) => { started: S; finished: Promise<R> };

/**
 * Answers a model call (/run, /refine) as server-sent events: `start` (`startData` of what began),
 * `delta` (`{ text }`) as text arrives, then `done` (the same body as the JSON answer) or `error`
 * (a problem+json body). A client that disconnects cancels the call. `begin` runs before the
 * stream opens, so whatever it refuses is still a plain problem+json answer.
 */
export function streamRun<S, R>(c: Context, begin: BeginStreamedRun<S, R>, startData: (started: S) => unknown): Response {
  const abort = new AbortController();
  const deltas: string[] = [];
  let wake: (() => void) | null = null;
  const { started, finished } = begin({
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
    await stream.writeSSE({ event: 'start', data: JSON.stringify(startData(started)) });
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
}
