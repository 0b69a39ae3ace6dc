import type { RunBatch, TestRun } from './run-batch';

/** How many prompts' latest results are kept (the oldest left goes first). */
export const KEPT_RESULTS = 20;

/**
 * The test panel's latest results per prompt, so leaving a prompt and coming back shows them
 * again, as chat keeps its turns: the batch is put aside when the panel moves to another prompt
 * (its runs go on on the server) and taken back when the panel returns to that prompt, where
 * the one run follower (lib/run-follower.ts, through run-batch.ts) picks the running ones up
 * from where they were. Only for the same member: a member switch forgets them all.
 */
export interface ResultsKeeper<B extends RunBatch> {
  /** Puts `batch` aside for `memberId`'s panel on `promptName` (another member's are dropped). */
  keep(memberId: string | null, promptName: string, batch: B): void;
  /** The batch kept for the pair, once (then it is the panel's again), or null. */
  take(memberId: string | null, promptName: string): B | null;
  /** How many batches are kept (tests). */
  size(): number;
}

/**
 * A run that was waiting for `runs.start` when the panel left was cancelled as soon as it started
 * (nobody was watching it): it waits for its turn again on return.
 */
function resumable(run: TestRun): TestRun {
  return run.status === 'starting' ? { ...run, status: 'queued', stopping: false } : run;
}

export function createResultsKeeper<B extends RunBatch>(max = KEPT_RESULTS): ResultsKeeper<B> {
  const kept = new Map<string, B>();
  let member: string | null = null;
  const keyOf = (promptName: string) => JSON.stringify([member, promptName]);
  return {
    keep(memberId, promptName, batch) {
      if (memberId !== member) {
        kept.clear();
        member = memberId;
      }
      const key = keyOf(promptName);
      // Re-inserted: the newest kept is the last to go.
      kept.delete(key);
      kept.set(key, { ...batch, runs: batch.runs.map(resumable) });
      while (kept.size > max) kept.delete(kept.keys().next().value!);
    },
    take(memberId, promptName) {
      if (memberId !== member) {
        kept.clear();
        member = memberId;
        return null;
      }
      const key = keyOf(promptName);
      const batch = kept.get(key) ?? null;
      kept.delete(key);
      return batch;
    },
    size: () => kept.size,
  };
}
