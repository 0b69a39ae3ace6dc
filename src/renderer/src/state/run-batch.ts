import type { RunProgress, RunStarted, RunStatus, RunUsage, StartRunInput } from '../../../shared/schemas/runs';
import { api, unwrap } from '../lib/api';
import { toFormError } from '../lib/field-errors';
import { createRunFollower, type StreamRun } from '../lib/run-follower';
import { NOTHING_HEARD_YET, followRun } from '../lib/run-stream';

/** 'queued' waits for a free slot; 'starting' waits for `runs.start` to answer. */
export type TestRunStatus = 'queued' | 'starting' | RunStatus;

/** One run of one set of inputs: a column or grid cell of the test panel, or of Refine's "Try it". */
export interface TestRun {
  /** Unique in its batch, e.g. `caseId|model` or `caseId|proposal`. */
  key: string;
  /** null for the inputs typed in the panel. */
  caseId: string | null;
  caseName: string | null;
  model: string;
  variables: Record<string, string>;
  runId: string | null;
  status: TestRunStatus;
  text: string;
  cursor: number;
  usage: RunUsage;
  latencyMs: number | null;
  ttftMs: number | null;
  error: { code: string; message: string; field?: string } | null;
  stopping: boolean;
}

/** What a driver needs of a batch: its identity and its runs. */
export interface RunBatch {
  id: number;
  runs: TestRun[];
}

/** Runs in flight at once: kind to providers' rate limits and to the browser's six connections in headless mode. */
export const MAX_ACTIVE_RUNS = 4;

export const isActive = (run: TestRun) => run.status === 'starting' || run.status === 'running';
export const isBusy = (run: TestRun) => run.status === 'queued' || isActive(run);
export const isFinished = (run: TestRun) => run.status === 'success' || run.status === 'error' || run.status === 'cancelled';

/** A run waiting for its turn; `key` defaults to `caseId|model` (`inputs|model` for typed inputs). */
export function newRun(model: string, variables: Record<string, string>, testCase: { id: string; name: string } | null, key?: string): TestRun {
  return {
    key: key ?? `${testCase?.id ?? 'inputs'}|${model}`,
    caseId: testCase?.id ?? null,
    caseName: testCase?.name ?? null,
    model,
    variables,
    runId: null,
    status: 'queued',
    ...NOTHING_HEARD_YET,
  };
}

/** How runs start, stop and stream: `api.runs` and `followRun` in the app, fakes in tests. */
export interface RunTransport {
  start(input: StartRunInput): Promise<RunStarted>;
  cancel(runId: string): Promise<RunProgress>;
  follow: StreamRun;
}

/** Where a driver's batch lives: the slice that shows it. */
export interface RunBatchHost<B extends RunBatch> {
  /** The batch on screen now, or null. */
  current(): B | null;
  /** Changes the runs of batch `id`; does nothing once another batch (or none) is on screen. */
  updateRuns(id: number, update: (runs: TestRun[]) => TestRun[]): void;
  /** The `runs.start` input for one run of the batch, or null when it cannot start (the prompt is gone). */
  startInput(batch: B, run: TestRun): StartRunInput | null;
}

export interface RunBatchDriver {
  /** Starts queued runs of batch `id` while there is room (at most `maxActive` at once). */
  pump(id: number): void;
  /** Marks queued runs cancelled and stops the ones running; resolves when every stop was answered. */
  cancel(): Promise<void>;
  /** Stops streaming (the runs go on; `attach` picks them up again). */
  stopFollowing(): void;
  /** The batch is on screen: stream its runs and start queued ones. */
  attach(): void;
  /** The batch left the screen: stop streaming, start nothing more. */
  detach(): void;
}

/**
 * The test panel's run machinery, for any batch of runs: starts queued runs a few at a time,
 * streams each with the shared run follower, and cancels what is left when asked. The batch itself stays in
 * the host's state, so a screen shows it as it does any other state.
 *
 * @example
 * const driver = createRunBatchDriver(host, transport);
 * set({ batch }); driver.pump(batch.id);   // launch
 * await driver.cancel();                   // Stop all
 */
export function createRunBatchDriver<B extends RunBatch>(host: RunBatchHost<B>, transport: RunTransport, maxActive = MAX_ACTIVE_RUNS): RunBatchDriver {
  const follower = createRunFollower(transport.follow, 'run');

  const patchRun = (id: number, key: string, change: Partial<TestRun> | ((run: TestRun) => Partial<TestRun>)) =>
    host.updateRuns(id, (runs) => runs.map((r) => (r.key === key ? { ...r, ...(typeof change === 'function' ? change(r) : change) } : r)));
  const currentBatch = (id: number) => {
    const batch = host.current();
    return batch && batch.id === id ? batch : null;
  };
  const findRun = (id: number, key: string) => currentBatch(id)?.runs.find((r) => r.key === key);

  // A run that ended makes room for the next queued one.
  const follow = (id: number, run: TestRun) =>
    follower.follow(run.key, run, (change) => patchRun(id, run.key, change), () => pump(id));

  const startOne = async (batch: B, run: TestRun) => {
    const input = host.startInput(batch, run);
    if (!input) return;
    patchRun(batch.id, run.key, { status: 'starting' });
    try {
      const started = await transport.start(input);
      if (!currentBatch(batch.id)) {
        // Replaced or stopped while starting: nobody will watch it, so do not let it run on.
        transport.cancel(started.runId).catch(() => undefined);
        return;
      }
      const stopped = findRun(batch.id, run.key)?.stopping ?? false;
      patchRun(batch.id, run.key, { runId: started.runId, status: 'running' });
      if (stopped) transport.cancel(started.runId).catch(() => undefined);
      const fresh = findRun(batch.id, run.key);
      if (fresh) follow(batch.id, fresh);
    } catch (error) {
      const { message, field } = toFormError(error);
      patchRun(batch.id, run.key, { status: 'error', error: { code: 'start', message, ...(field ? { field } : {}) } });
      pump(batch.id);
    }
  };

  const pump = (id: number) => {
    const batch = currentBatch(id);
    if (!batch || !follower.isAttached()) return;
    let room = maxActive - batch.runs.filter(isActive).length;
    for (const run of batch.runs) {
      if (room <= 0) break;
      if (run.status !== 'queued') continue;
      room -= 1;
      void startOne(batch, run);
    }
  };

  const cancel = async () => {
    const batch = host.current();
    if (!batch) return;
    const { id } = batch;
    host.updateRuns(id, (runs) =>
      runs.map((r): TestRun => {
        if (r.status === 'queued') return { ...r, status: 'cancelled', error: null };
        if (isActive(r)) return { ...r, stopping: true };
        return r;
      }),
    );
    await Promise.all(
      batch.runs
        .filter((r) => r.status === 'running' && r.runId !== null)
        .map((r) => follower.stop(r.key, (change) => patchRun(id, r.key, change), () => transport.cancel(r.runId!))),
    );
  };

  return {
    pump,
    cancel,
    stopFollowing: () => follower.stopFollowing(),
    attach() {
      follower.attach();
      const batch = host.current();
      if (!batch) return;
      for (const run of batch.runs) follow(batch.id, run);
      pump(batch.id);
    },
    detach() {
      follower.detach();
    },
  };
}

/** The app's transport: the `runs:*` channels, streamed by long-polling `runs:watch`. */
export const API_RUN_TRANSPORT: RunTransport = {
  start: (input) => unwrap(api.runs.start(input)),
  cancel: (runId) => unwrap(api.runs.cancel({ runId })),
  follow: followRun,
};
