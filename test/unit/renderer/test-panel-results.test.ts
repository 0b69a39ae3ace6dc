/**
 * Issue 13 attack N6: the test panel's latest results per prompt (state/test-panel-results.ts).
 * A batch put aside when the panel moves to another prompt comes back once for the same member
 * and prompt, never for another member or prompt; a run caught waiting for `runs.start` waits
 * for its turn again; at most KEPT_RESULTS prompts are kept, the oldest going first.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../../src/renderer/src/lib/api', () => ({ api: {}, unwrap: async () => undefined, ApiError: class extends Error {} }));

// Loaded by computed paths: their types pull in the browser's globals, which the test typecheck (Node) has not.
const STATE = '../../../src/renderer/src/state';
const { createResultsKeeper, KEPT_RESULTS } = (await import(/* @vite-ignore */ `${STATE}/test-panel-results`)) as {
  createResultsKeeper: <B extends { id: number; runs: { status: string }[] }>(max?: number) => {
    keep(memberId: string | null, promptName: string, batch: B): void;
    take(memberId: string | null, promptName: string): B | null;
    size(): number;
  };
  KEPT_RESULTS: number;
};
const { newRun } = (await import(/* @vite-ignore */ `${STATE}/run-batch`)) as { newRun: (model: string, variables: Record<string, string>, testCase: null) => { status: string; runId: string | null; text: string } };

const batch = (id: number, ...statuses: string[]) => ({ id, runs: statuses.map((status, i) => ({ ...newRun(`m${i}`, {}, null), status })) });

describe('test panel results kept per prompt', () => {
  it('comes back once for the same member and prompt; a starting run is queued again, others as they were', () => {
    const keeper = createResultsKeeper();
    keeper.keep('dave', 'a', batch(1, 'running', 'starting', 'success', 'queued'));
    expect(keeper.take('dave', 'b')).toBeNull();
    const back = keeper.take('dave', 'a')!;
    expect(back.id).toBe(1);
    expect(back.runs.map((r) => r.status)).toEqual(['running', 'queued', 'success', 'queued']);
    expect(keeper.take('dave', 'a')).toBeNull();
  });

  it('property: another member never gets a kept batch, and a member switch forgets them all', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 6 }), fc.constantFrom('carol', null), (prompts, other) => {
        const keeper = createResultsKeeper();
        prompts.forEach((p, i) => keeper.keep('dave', p, batch(i, 'success')));
        for (const p of prompts) expect(keeper.take(other, p)).toBeNull();
        expect(keeper.size()).toBe(0);
        for (const p of prompts) expect(keeper.take('dave', p)).toBeNull();
      }),
    );
  });

  it(`keeps at most KEPT_RESULTS (${KEPT_RESULTS}) prompts, the oldest going first`, () => {
    const keeper = createResultsKeeper();
    for (let i = 0; i <= KEPT_RESULTS; i += 1) keeper.keep('dave', `p${i}`, batch(i, 'success'));
    expect(keeper.size()).toBe(KEPT_RESULTS);
    expect(keeper.take('dave', 'p0')).toBeNull();
    expect(keeper.take('dave', `p${KEPT_RESULTS}`)!.id).toBe(KEPT_RESULTS);
  });
});
