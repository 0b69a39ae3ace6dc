import type { RunProgress, RunStatus, RunUsage } from '../../../shared/schemas/runs';
import { toFormError } from './field-errors';
import type { FollowFrom, RunSnapshot } from './run-stream';

/** What a follower reads of a run on screen: a chat answer, a refine answer, a test panel cell. */
export interface FollowedRun {
  /** null while the run has not started (a queued test panel cell). */
  runId: string | null;
  status: string;
  text: string;
  cursor: number;
  stopping: boolean;
}

/** The part of a run's state a follower changes. */
export interface RunPatch {
  status?: RunStatus;
  text?: string;
  cursor?: number;
  usage?: RunUsage;
  latencyMs?: number | null;
  ttftMs?: number | null;
  error?: { code: string; message: string } | null;
  stopping?: boolean;
}

/** Applies a change to one run in its slice: a patch, or a function of the run as it is then. */
export type ApplyRun = (change: RunPatch | ((run: { text: string; cursor: number }) => RunPatch)) => void;

/** Streams one run to its end (`followRun` in the app, a fake in tests); null when `signal` aborted first. */
export type StreamRun = (runId: string, onProgress: (run: RunSnapshot) => void, signal: AbortSignal, from: FollowFrom) => Promise<RunSnapshot | null>;

/**
 * A snapshot as a patch of the state that shows it; a run that ended is no longer being stopped.
 * (The run id is left out: the slice already files the run under it.)
 */
export function progressPatch({ runId: _runId, ...snapshot }: RunSnapshot): RunPatch {
  return { ...snapshot, ...(snapshot.status === 'running' ? {} : { stopping: false }) };
}

/** What a cancel answer changes when no follower will deliver the rest of the run. */
function settledPatch(progress: RunProgress) {
  return (run: { text: string; cursor: number }): RunPatch => ({
    status: progress.status,
    stopping: false,
    usage: progress.usage,
    latencyMs: progress.latencyMs,
    ttftMs: progress.ttftMs,
    // Asked without a cursor, the answer carries the whole text; an older answer must not shorten it.
    ...(progress.cursor >= run.cursor ? { text: progress.text, cursor: progress.cursor } : {}),
  });
}

export interface RunFollower {
  /**
   * Streams the run filed under `key` into `apply` while attached, unless it is not running, has
   * no run id yet, or is already followed. A stream that fails (not by `detach`) marks the run
   * `error` ("Lost track of the <noun>: ..."). `onEnd` runs once the stream ended by itself.
   */
  follow(key: string, run: FollowedRun | undefined, apply: ApplyRun, onEnd?: () => void): void;
  isFollowing(key: string): boolean;
  /**
   * Stops the run: marks it `stopping`, asks `cancel`, and when no stream will deliver the rest,
   * applies the cancel answer itself. Resolves with that answer when it applied it, else null
   * (also when `cancel` failed: the run then shows "Could not stop: ...").
   */
  stop<P extends RunProgress>(key: string, apply: ApplyRun, cancel: () => Promise<P>): Promise<P | null>;
  /** The runs are on screen: `follow` streams from now on. */
  attach(): void;
  isAttached(): boolean;
  /** Ends every stream (the runs go on) and streams nothing more until `attach`. */
  detach(): void;
  /** Ends every stream (the runs go on); stays attached. */
  stopFollowing(): void;
}

/**
 * The one run follower the chat, Refine and the test panel share: which runs are streamed, by
 * key, each with its own abort controller, only while the view is attached; what a lost stream
 * and a stop do to a run's state. The runs themselves stay in the slice that shows them.
 *
 * @example
 * const follower = createRunFollower(API_STREAM, 'answer');
 * follower.attach();
 * follower.follow(turn.runId, turn, (change) => patchAnswer(turn.runId, change));
 * await follower.stop(turn.runId, apply, () => unwrap(api.runs.cancel({ runId })));
 * follower.detach(); // the screen went away
 */
export function createRunFollower(stream: StreamRun, noun: 'answer' | 'run'): RunFollower {
  const streams = new Map<string, AbortController>();
  let attached = false;

  const stopFollowing = () => {
    for (const controller of streams.values()) controller.abort();
    streams.clear();
  };

  return {
    follow(key, run, apply, onEnd) {
      if (!attached || !run || run.runId === null || run.status !== 'running' || streams.has(key)) return;
      const controller = new AbortController();
      streams.set(key, controller);
      stream(run.runId, (snapshot) => apply(progressPatch(snapshot)), controller.signal, { text: run.text, cursor: run.cursor })
        .catch((error: unknown) => {
          if (!controller.signal.aborted) apply({ status: 'error', error: { code: 'internal', message: `Lost track of the ${noun}: ${toFormError(error).message}` } });
        })
        .finally(() => {
          if (streams.get(key) === controller) streams.delete(key);
          if (!controller.signal.aborted) onEnd?.();
        });
    },
    isFollowing: (key) => streams.has(key),
    async stop(key, apply, cancel) {
      apply({ stopping: true });
      try {
        const progress = await cancel();
        // A stream delivers the rest of the text itself.
        if (streams.has(key)) return null;
        apply(settledPatch(progress));
        return progress;
      } catch (error) {
        apply({ stopping: false, error: { code: 'internal', message: `Could not stop: ${toFormError(error).message}` } });
        return null;
      }
    },
    attach() {
      attached = true;
    },
    isAttached: () => attached,
    detach() {
      attached = false;
      stopFollowing();
    },
    stopFollowing,
  };
}
