/**
 * The sync indicator's status after a pass that wrote nothing: no change event comes, so what the
 * indicator read while the pass ran ("Syncing…") must not stay on screen until the 15-s refresh
 * (CI's team-journey: "Syncing…" with nothing waiting, 10 s after Sync now). A fake bridge answers
 * the status; the renderer's own query client and status query re-read it on their own timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const answers: string[] = [];
let reads = 0;
vi.mock('../../../src/renderer/src/lib/api', () => ({
  ApiError: class extends Error {},
  unwrap: async (pending: Promise<{ ok: boolean; value?: unknown }>) => (await pending).value,
  api: {
    sync: {
      status: () => {
        reads += 1;
        const state = answers.length > 1 ? answers.shift()! : answers[0]!;
        return Promise.resolve({ ok: true, value: { state, server: 'http://team.test', lastSyncedAt: null, pending: 0, lastError: null, notices: [] } });
      },
    },
  },
}));
vi.mock('../../../src/renderer/src/lib/app-events', () => ({ onChanges: () => () => undefined }));

// TanStack Query runs no refetch timer where there is no window (it takes that for a server):
// the indicator runs in one, so the test gives it one before Query loads.
(globalThis as { window?: unknown }).window ??= globalThis;
const { QueryObserver } = await import('@tanstack/react-query');
// Loaded by computed paths: their types pull in the browser's globals, which the test typecheck (Node) has not.
const SRC = '../../../src/renderer/src';
const load = async <T>(module: string) => (await import(/* @vite-ignore */ `${SRC}/${module}`)) as T;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { queryClient } = await load<{ queryClient: any }>('lib/query-client');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { syncStatusQuery, SYNC_STATUS_REFRESH_MS } = await load<{ syncStatusQuery: any; SYNC_STATUS_REFRESH_MS: number }>('state/sync-queries');

let stop: (() => void) | undefined;
beforeEach(() => {
  vi.useFakeTimers();
  reads = 0;
});
afterEach(() => {
  stop?.();
  queryClient.clear();
  answers.length = 0;
  vi.useRealTimers();
});

/** The indicator mounted: what its status query shows now. */
function mount(): () => string | undefined {
  const observer = new QueryObserver(queryClient, syncStatusQuery);
  stop = observer.subscribe(() => undefined);
  return () => (observer.getCurrentResult().data as { state: string } | undefined)?.state;
}

describe('the sync indicator re-reads a status that says a pass is running', () => {
  it('read as syncing during a pass that ends without any change event: Online within a few seconds of the pass, not at the next 15-s refresh', async () => {
    answers.push('syncing', 'online');
    const shown = mount();
    await vi.advanceTimersByTimeAsync(0);
    expect(shown()).toBe('syncing');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(shown()).toBe('online');
  });

  it('online: no faster re-reads than the 15-s refresh', async () => {
    answers.push('online');
    const shown = mount();
    await vi.advanceTimersByTimeAsync(0);
    expect(shown()).toBe('online');
    await vi.advanceTimersByTimeAsync(SYNC_STATUS_REFRESH_MS - 1);
    expect(reads).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads).toBe(2);
  });
});
