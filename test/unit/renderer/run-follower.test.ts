/**
 * The one run follower the chat, Refine and the test panel share (src/renderer/src/lib/run-follower.ts),
 * against a fake stream: progress, done, a lost stream, stop (with and without a stream), detach;
 * and `followRun`'s text assembly against a fake watch that repeats and splits answers.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { RunProgress } from '../../../src/shared/schemas/runs';

vi.mock('../../../src/renderer/src/lib/api', () => {
  class ApiError extends Error {
    code: string;
    constructor(error: { code: string; message: string }) {
      super(error.message);
      this.code = error.code;
    }
  }
  return {
    api: {},
    ApiError,
    unwrap: async (answer: Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }>) => {
      const result = await answer;
      if (!result.ok) throw new ApiError(result.error);
      return result.value;
    },
  };
});

/** The parts of run-follower.ts this test uses (its module is loaded untyped, below). */
interface Run {
  runId: string | null;
  status: string;
  text: string;
  cursor: number;
  stopping: boolean;
  error?: { code: string; message: string } | null;
  usage?: unknown;
}
type Change = Partial<Run> | ((run: Run) => Partial<Run>);
type Snapshot = RunProgress;
type Stream = (runId: string, onProgress: (run: Snapshot) => void, signal: AbortSignal, from: { text: string; cursor: number }) => Promise<Snapshot | null>;
interface Follower {
  follow(key: string, run: Run | undefined, apply: (change: Change) => void, onEnd?: () => void): void;
  isFollowing(key: string): boolean;
  stop(key: string, apply: (change: Change) => void, cancel: () => Promise<RunProgress>): Promise<RunProgress | null>;
  attach(): void;
  isAttached(): boolean;
  detach(): void;
  stopFollowing(): void;
}
type Watch = (input: { runId: string; cursor: number }) => Promise<{ ok: true; value: RunProgress } | { ok: false; error: { code: string; message: string } }>;

// Loaded by a computed path: their types pull in the browser's globals, which the test typecheck (Node) has not.
const FOLLOWER = '../../../src/renderer/src/lib/run-follower';
const STREAM = '../../../src/renderer/src/lib/run-stream';
const { createRunFollower } = (await import(/* @vite-ignore */ `${FOLLOWER}`)) as { createRunFollower: (stream: Stream, noun: 'answer' | 'run') => Follower };
const { followRun } = (await import(/* @vite-ignore */ `${STREAM}`)) as {
  followRun: (runId: string, onProgress: (run: Snapshot) => void, signal: AbortSignal | undefined, from: { text: string; cursor: number }, watch: Watch) => Promise<Snapshot | null>;
};

const progress = (runId: string, status: RunProgress['status'], text: string, cursor = text.length): RunProgress => ({
  runId,
  status,
  text,
  cursor,
  usage: { inputTokens: 1, outputTokens: 2 },
  latencyMs: 10,
  ttftMs: 5,
  error: null,
});

/** A stream per run that the test drives: send progress, finish, fail; records how it was asked. */
function fakeStream() {
  const open = new Map<string, { onProgress(run: Snapshot): void; from: { text: string; cursor: number }; signal: AbortSignal; resolve(s: Snapshot | null): void; reject(e: Error): void }>();
  const stream: Stream = (runId, onProgress, signal, from) =>
    new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => resolve(null));
      open.set(runId, { onProgress, from, signal, resolve, reject });
    });
  return { open, stream };
}

/** One run in a one-run "slice", changed only through `apply`. */
function slice(run: Run) {
  const state = { run };
  const apply = (change: Change) => {
    state.run = { ...state.run, ...(typeof change === 'function' ? change(state.run) : change) };
  };
  return { state, apply };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const running = (over: Partial<Run> = {}): Run => ({ runId: 'r1', status: 'running', text: '', cursor: 0, stopping: false, ...over });

describe('run follower', () => {
  it('streams progress into the run, from where the run was, and ends when the run ends', async () => {
    const fake = fakeStream();
    const follower = createRunFollower(fake.stream, 'answer');
    const { state, apply } = slice(running({ text: 'Hel', cursor: 3, stopping: true }));
    const onEnd = vi.fn();
    follower.attach();
    follower.follow('r1', state.run, apply, onEnd);
    expect(fake.open.get('r1')!.from).toEqual({ text: 'Hel', cursor: 3 });
    expect(follower.isFollowing('r1')).toBe(true);
    fake.open.get('r1')!.onProgress(progress('r1', 'running', 'Hello'));
    expect(state.run).toMatchObject({ status: 'running', text: 'Hello', stopping: true });
    const done = progress('r1', 'success', 'Hello, Ada');
    fake.open.get('r1')!.onProgress(done);
    fake.open.get('r1')!.resolve(done);
    await settle();
    // A run that ended is no longer being stopped.
    expect(state.run).toMatchObject({ status: 'success', text: 'Hello, Ada', stopping: false });
    expect(follower.isFollowing('r1')).toBe(false);
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['answer', 'Lost track of the answer: connection reset'],
    ['run', 'Lost track of the run: connection reset'],
  ] as const)('a lost stream marks the %s as failed, saying why', async (noun, message) => {
    const fake = fakeStream();
    const follower = createRunFollower(fake.stream, noun);
    const { state, apply } = slice(running());
    const onEnd = vi.fn();
    follower.attach();
    follower.follow('r1', state.run, apply, onEnd);
    fake.open.get('r1')!.reject(new Error('connection reset'));
    await settle();
    expect(state.run).toMatchObject({ status: 'error', error: { code: 'internal', message } });
    expect(follower.isFollowing('r1')).toBe(false);
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['not attached', false, running()],
    ['finished', true, running({ status: 'success' })],
    ['not started yet', true, running({ runId: null })],
    ['gone', true, undefined],
  ])('follows nothing when the run is %s', (_name, attach, run) => {
    const fake = fakeStream();
    const follower = createRunFollower(fake.stream, 'answer');
    if (attach) follower.attach();
    follower.follow('r1', run, () => undefined);
    expect(fake.open.size).toBe(0);
    expect(follower.isFollowing('r1')).toBe(false);
  });

  it('follows a run once however often it is asked', () => {
    let streams = 0;
    const follower = createRunFollower(() => {
      streams += 1;
      return new Promise(() => undefined);
    }, 'answer');
    follower.attach();
    for (let i = 0; i < 3; i++) follower.follow('r1', running(), () => undefined);
    expect(streams).toBe(1);
  });

  it('detach ends every stream without touching the runs, and follows nothing until attached again', async () => {
    const fake = fakeStream();
    const follower = createRunFollower(fake.stream, 'answer');
    const a = slice(running({ runId: 'a' }));
    const b = slice(running({ runId: 'b' }));
    const onEnd = vi.fn();
    follower.attach();
    follower.follow('a', a.state.run, a.apply, onEnd);
    follower.follow('b', b.state.run, b.apply, onEnd);
    follower.detach();
    expect(follower.isAttached()).toBe(false);
    expect([...fake.open.values()].every((s) => s.signal.aborted)).toBe(true);
    // A stream that fails after it was ended says nothing: nobody is watching.
    fake.open.get('a')!.reject(new Error('aborted'));
    await settle();
    expect(a.state.run.status).toBe('running');
    expect(b.state.run.status).toBe('running');
    expect(onEnd).not.toHaveBeenCalled();
    fake.open.clear();
    follower.follow('a', a.state.run, a.apply);
    expect(fake.open.size).toBe(0);
    follower.attach();
    follower.follow('a', a.state.run, a.apply);
    expect(fake.open.get('a')!.signal.aborted).toBe(false);
  });

  it('stopFollowing ends the streams but stays attached', () => {
    const fake = fakeStream();
    const follower = createRunFollower(fake.stream, 'run');
    follower.attach();
    follower.follow('r1', running(), () => undefined);
    follower.stopFollowing();
    expect(fake.open.get('r1')!.signal.aborted).toBe(true);
    expect(follower.isFollowing('r1')).toBe(false);
    expect(follower.isAttached()).toBe(true);
  });

  it('stop while streaming marks the run stopping and leaves the rest to the stream', async () => {
    const fake = fakeStream();
    const follower = createRunFollower(fake.stream, 'answer');
    const { state, apply } = slice(running({ text: 'Hel', cursor: 3 }));
    follower.attach();
    follower.follow('r1', state.run, apply);
    let seenStopping = false;
    const cancel = vi.fn(async () => {
      seenStopping = state.run.stopping;
      return progress('r1', 'cancelled', 'Hello');
    });
    expect(await follower.stop('r1', apply, cancel)).toBeNull();
    expect(seenStopping).toBe(true);
    expect(state.run).toMatchObject({ status: 'running', text: 'Hel', stopping: true });
    const last = progress('r1', 'cancelled', 'Hello');
    fake.open.get('r1')!.onProgress(last);
    expect(state.run).toMatchObject({ status: 'cancelled', text: 'Hello', stopping: false });
  });

  it('stop with no stream applies the cancel answer itself, never shortening the text', async () => {
    const follower = createRunFollower(fakeStream().stream, 'answer');
    const whole = slice(running({ text: 'He', cursor: 2 }));
    const answer = progress('r1', 'cancelled', 'Hello');
    expect(await follower.stop('r1', whole.apply, async () => answer)).toBe(answer);
    expect(whole.state.run).toMatchObject({ status: 'cancelled', text: 'Hello', cursor: 5, stopping: false, usage: answer.usage });
    // An answer behind what is shown keeps the text but still ends the run.
    const ahead = slice(running({ text: 'Hello, Ada', cursor: 10 }));
    await follower.stop('r1', ahead.apply, async () => progress('r1', 'cancelled', 'Hello'));
    expect(ahead.state.run).toMatchObject({ status: 'cancelled', text: 'Hello, Ada', cursor: 10, stopping: false });
  });

  it('a refused stop leaves the run going and says why', async () => {
    const follower = createRunFollower(fakeStream().stream, 'answer');
    const { state, apply } = slice(running());
    const result = await follower.stop('r1', apply, async () => {
      throw new Error('offline');
    });
    expect(result).toBeNull();
    expect(state.run).toMatchObject({ status: 'running', stopping: false, error: { code: 'internal', message: 'Could not stop: offline' } });
  });
});

describe('followRun', () => {
  it('assembles the whole text from pieces however often an answer is repeated', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 8 }), { maxLength: 12 }), fc.array(fc.nat(3), { maxLength: 12 }), async (pieces, repeats) => {
        const answers: RunProgress[] = [];
        let cursor = 0;
        pieces.forEach((piece, i) => {
          cursor += piece.length;
          // A piece may arrive again (a retried poll): the same text at the same cursor.
          for (let r = 0; r <= (repeats[i] ?? 0); r++) answers.push(progress('r1', 'running', piece, cursor));
        });
        answers.push(progress('r1', 'success', '', cursor));
        let next = 0;
        const asked: number[] = [];
        const watch: Watch = async (input) => {
          asked.push(input.cursor);
          return { ok: true, value: answers[next++]! };
        };
        const seen: string[] = [];
        const last = await followRun('r1', (run) => seen.push(run.text), undefined, { text: '', cursor: 0 }, watch);
        expect(last?.text).toBe(pieces.join(''));
        expect(last?.status).toBe('success');
        // Each poll asks from the cursor reached so far, and the text only grows.
        expect(asked).toEqual([0, ...answers.slice(0, -1).map((a) => a.cursor)]);
        seen.forEach((text, i) => expect(text.startsWith(seen[i - 1] ?? '')).toBe(true));
      }),
    );
  });

  it('a refusal ends the follow at once; an aborted follow answers null', async () => {
    const refused: Watch = async () => ({ ok: false, error: { code: 'not_found', message: 'No such run' } });
    await expect(followRun('r1', () => undefined, undefined, { text: '', cursor: 0 }, refused)).rejects.toThrow('No such run');
    const controller = new AbortController();
    const watch: Watch = async () => {
      controller.abort();
      return { ok: true, value: progress('r1', 'running', 'x') };
    };
    const onProgress = vi.fn();
    expect(await followRun('r1', onProgress, controller.signal, { text: '', cursor: 0 }, watch)).toBeNull();
    expect(onProgress).not.toHaveBeenCalled();
  });
});
