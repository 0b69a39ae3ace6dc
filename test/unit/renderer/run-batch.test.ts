/**
 * The run machinery the test panel and Refine's "Try it" share (src/renderer/src/state/run-batch.ts):
 * a few runs at a time, each streamed to its end, Stop all, and a batch replaced mid-start.
 */
import { describe, expect, it, vi } from 'vitest';
import type { RunProgress, RunStarted, StartRunInput } from '../../../src/shared/schemas/runs';

vi.mock('../../../src/renderer/src/lib/api', () => ({ api: {}, unwrap: async () => undefined, ApiError: class extends Error {} }));

/** The parts of run-batch.ts's TestRun this test reads (its module is loaded untyped, below). */
interface TestRun {
  key: string;
  variables: Record<string, string>;
  model: string;
  status: string;
  text: string;
  stopping: boolean;
  error: { message: string } | null;
}
type RunSnapshot = RunProgress;
interface Driver {
  pump(id: number): void;
  cancel(): Promise<void>;
  stopFollowing(): void;
  attach(): void;
  detach(): void;
}

// Loaded by a computed path: its types pull in the browser's globals, which the test typecheck (Node) has not.
const RUN_BATCH = '../../../src/renderer/src/state/run-batch';
const { createRunBatchDriver, newRun } = (await import(/* @vite-ignore */ `${RUN_BATCH}`)) as {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createRunBatchDriver: (host: any, transport: any, maxActive?: number) => Driver;
  newRun: (model: string, variables: Record<string, string>, testCase: { id: string; name: string } | null, key?: string) => TestRun;
};

interface Batch {
  id: number;
  runs: TestRun[];
}

/** A transport whose runs end only when the test says so. */
function fakeTransport(options: { failStart?: (input: StartRunInput) => Error | null } = {}) {
  const started: StartRunInput[] = [];
  const cancelled: string[] = [];
  const open = new Map<string, { finish(text: string): void; onProgress(run: RunSnapshot): void }>();
  let seq = 0;
  const progress = (runId: string, status: RunProgress['status'], text: string): RunProgress => ({
    runId,
    status,
    text,
    cursor: text.length,
    usage: { inputTokens: 1, outputTokens: 2 },
    latencyMs: 10,
    ttftMs: 5,
    error: null,
  });
  return {
    started,
    cancelled,
    open,
    transport: {
      async start(input: StartRunInput): Promise<RunStarted> {
        started.push(input);
        const failure = options.failStart?.(input) ?? null;
        if (failure) throw failure;
        seq += 1;
        return { runId: `r${seq}`, conversationId: 'c', prompt: 'p', version: 1, model: 'oai:echo', displayText: '' };
      },
      async cancel(runId: string): Promise<RunProgress> {
        cancelled.push(runId);
        return progress(runId, 'cancelled', 'partial');
      },
      follow(runId: string, onProgress: (run: RunSnapshot) => void, signal: AbortSignal): Promise<RunSnapshot | null> {
        return new Promise((resolve) => {
          signal.addEventListener('abort', () => resolve(null));
          open.set(runId, {
            onProgress,
            finish(text) {
              const snapshot = { ...progress(runId, 'success', text), text };
              onProgress(snapshot);
              open.delete(runId);
              resolve(snapshot);
            },
          });
        });
      },
    },
  };
}

function hostOf(batch: Batch | null) {
  const state = { batch };
  return {
    state,
    host: {
      current: () => state.batch,
      updateRuns(id: number, update: (runs: TestRun[]) => TestRun[]) {
        if (state.batch && state.batch.id === id) state.batch = { ...state.batch, runs: update(state.batch.runs) };
      },
      startInput: (_batch: Batch, run: TestRun): StartRunInput => ({ name: 'p', variables: run.variables, model: run.model, source: 'test' }),
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const runsOf = (count: number) => Array.from({ length: count }, (_, i) => newRun('oai:echo', { n: String(i) }, { id: `c${i}`, name: `Case ${i}` }));

describe('run batch driver', () => {
  it.each([1, 2, 4])('keeps at most %i runs going and starts the next as one ends', async (maxActive) => {
    const { state, host } = hostOf({ id: 1, runs: runsOf(6) });
    const fake = fakeTransport();
    const driver = createRunBatchDriver(host, fake.transport, maxActive);
    driver.attach();
    await settle();
    expect(fake.started).toHaveLength(maxActive);
    expect(state.batch!.runs.filter((r) => r.status === 'running')).toHaveLength(maxActive);
    while (fake.open.size > 0) {
      const [runId, run] = [...fake.open.entries()][0]!;
      run.finish(`answer ${runId}`);
      await settle();
      expect(state.batch!.runs.filter((r) => r.status === 'running' || r.status === 'starting').length).toBeLessThanOrEqual(maxActive);
    }
    expect(fake.started).toHaveLength(6);
    expect(state.batch!.runs.every((r) => r.status === 'success' && r.text.startsWith('answer '))).toBe(true);
  });

  it('shows a refused start on its run, with the field, and goes on with the others', async () => {
    const { state, host } = hostOf({ id: 1, runs: runsOf(3) });
    const refusal = Object.assign(new Error('Missing value for variable "n"'), {});
    const fake = fakeTransport({ failStart: (input) => ('variables' in input && (input.variables as Record<string, string>).n === '1' ? refusal : null) });
    const driver = createRunBatchDriver(host, fake.transport, 1);
    driver.attach();
    await settle();
    fake.open.get('r1')!.finish('one');
    await settle();
    await settle();
    const [first, second, third] = state.batch!.runs;
    expect(first!.status).toBe('success');
    expect(second!.status).toBe('error');
    expect(second!.error?.message).toBe('Missing value for variable "n"');
    expect(third!.status).toBe('running');
  });

  it('Stop all cancels the queued runs and stops the running ones', async () => {
    const { state, host } = hostOf({ id: 1, runs: runsOf(3) });
    const fake = fakeTransport();
    const driver = createRunBatchDriver(host, fake.transport, 1);
    driver.attach();
    await settle();
    driver.stopFollowing();
    await driver.cancel();
    expect(fake.cancelled).toEqual(['r1']);
    expect(state.batch!.runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(state.batch!.runs[0]!.text).toBe('partial');
    expect(state.batch!.runs.every((r) => !r.stopping)).toBe(true);
  });

  it('a detached driver starts nothing; attaching again follows the runs it left', async () => {
    const { state, host } = hostOf({ id: 1, runs: runsOf(2) });
    const fake = fakeTransport();
    const driver = createRunBatchDriver(host, fake.transport, 1);
    driver.pump(1);
    await settle();
    expect(fake.started).toHaveLength(0);
    driver.attach();
    await settle();
    expect(fake.started).toHaveLength(1);
    driver.detach();
    await settle();
    expect(fake.open.size).toBe(1); // the fake still holds the follower it was given
    driver.attach();
    await settle();
    const follower = fake.open.get('r1')!;
    follower.finish('done');
    await settle();
    expect(state.batch!.runs[0]!.status).toBe('success');
    expect(fake.started).toHaveLength(2);
  });

  it('a run started after its batch was replaced is cancelled at once', async () => {
    const { state, host } = hostOf({ id: 1, runs: runsOf(1) });
    let release: () => void = () => undefined;
    const fake = fakeTransport();
    const slowStart = fake.transport.start;
    fake.transport.start = async (input) => {
      await new Promise<void>((resolve) => (release = resolve));
      return slowStart(input);
    };
    const driver = createRunBatchDriver(host, fake.transport, 1);
    driver.attach();
    await settle();
    state.batch = { id: 2, runs: [] };
    release();
    await settle();
    await settle();
    expect(fake.cancelled).toEqual(['r1']);
  });
});
