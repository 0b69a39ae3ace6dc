import type { Result } from '../../../shared/schemas/common';
import type { RunProgress, RunStatus, RunUsage } from '../../../shared/schemas/runs';
import { ApiError, api, unwrap } from './api';

/** A run as seen so far: the whole answer text, not only the latest piece. */
export interface RunSnapshot {
  runId: string;
  status: RunStatus;
  text: string;
  cursor: number;
  usage: RunUsage;
  latencyMs: number | null;
  ttftMs: number | null;
  error: { code: string; message: string } | null;
}

/** Where to pick a run up again, e.g. after the screen showing it was left and reopened. */
export interface FollowFrom {
  text: string;
  cursor: number;
}

/** A dropped connection is retried; a refusal (the run is gone, not ours) is not. */
const RETRY_DELAYS_MS = [300, 1000, 2500];
const FINAL_CODES = new Set(['not_found', 'forbidden', 'invalid_input', 'unauthenticated']);

export const NO_USAGE: RunUsage = { inputTokens: null, outputTokens: null };

/**
 * What a followed run shows before anything is heard from it: a chat answer, a refine turn and a
 * test-panel cell all start from these fields, then take the run's progress (progressPatch).
 */
export const NOTHING_HEARD_YET = { text: '', cursor: 0, usage: NO_USAGE, latencyMs: null, ttftMs: null, error: null, stopping: false } as const;

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** One long poll on a run: `runs:watch`, or another channel that answers the same progress (`refine:watch`). */
export type WatchRun = (input: { runId: string; cursor: number }) => Promise<Result<RunProgress>>;

const watchRuns: WatchRun = (input) => api.runs.watch(input);

async function watchOnce(runId: string, cursor: number, signal: AbortSignal | undefined, watch: WatchRun): Promise<RunProgress> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await unwrap(watch({ runId, cursor }));
    } catch (error) {
      const final = error instanceof ApiError && FINAL_CODES.has(error.code);
      const delay = RETRY_DELAYS_MS[attempt];
      if (final || delay === undefined || signal?.aborted) throw error;
      await pause(delay, signal);
    }
  }
}

/**
 * Follows a started run to its end by long-polling `runs.watch`: each answer carries the text
 * past our cursor, so `onProgress` gets the whole text so far after every piece. Resolves with
 * the last snapshot once the run is no longer running, or null when `signal` aborted first
 * (the run itself goes on; stopping it is `runs.cancel`). `watch` polls another channel with the
 * same answers, e.g. `refine:watch`, whose progress also carries the turn's result.
 *
 * @example
 * const controller = new AbortController();
 * const started = await unwrap(api.runs.start({ name: 'greeter', variables: { person: 'Ada' } }));
 * const last = await followRun(started.runId, (run) => show(run.text), controller.signal);
 * // when the view goes away: controller.abort()
 */
export async function followRun(
  runId: string,
  onProgress: (run: RunSnapshot) => void,
  signal?: AbortSignal,
  from: FollowFrom = { text: '', cursor: 0 },
  watch: WatchRun = watchRuns,
): Promise<RunSnapshot | null> {
  let { text, cursor } = from;
  for (;;) {
    if (signal?.aborted) return null;
    const progress = await watchOnce(runId, cursor, signal, watch);
    if (signal?.aborted) return null;
    // Only text past our cursor is new; a repeated answer must not double the text.
    if (progress.cursor > cursor) text += progress.text;
    cursor = Math.max(cursor, progress.cursor);
    const snapshot: RunSnapshot = {
      runId,
      status: progress.status,
      text,
      cursor,
      usage: progress.usage,
      latencyMs: progress.latencyMs,
      ttftMs: progress.ttftMs,
      error: progress.error,
    };
    onProgress(snapshot);
    if (progress.status !== 'running') return snapshot;
  }
}

/** "1.2 s" or "840 ms". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** "—" for an unknown count: some providers do not report usage. */
export function formatTokens(count: number | null): string {
  return count === null ? '—' : count.toLocaleString('en-US');
}
