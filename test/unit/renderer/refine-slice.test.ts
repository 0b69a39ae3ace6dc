/**
 * The refine panel's state (src/renderer/src/state/refine-slice.ts) against a fake API: what a
 * turn sends, how its answer and result arrive, Stop, apply (asking before unsaved edits are
 * replaced), save as a version, "Try it" on the saved test cases, and what a member who may not
 * edit is offered.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { create } from 'zustand';
import type { RefinePreparation, RefineProgress, RefineResult } from '../../../src/shared/schemas/refine';
import type { TestCase } from '../../../src/shared/schemas/runs';

const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });
const calls: { channel: string; input: Record<string, unknown> }[] = [];
const world = {
  prep: null as RefinePreparation | null,
  cases: [] as TestCase[],
  /** What refine:watch answers next, by run id. */
  refineProgress: new Map<string, RefineProgress>(),
  runSeq: 0,
};

function record(channel: string) {
  return (input: Record<string, unknown>) => {
    calls.push({ channel, input });
    return input;
  };
}

vi.mock('../../../src/renderer/src/lib/api', () => {
  class ApiError extends Error {
    field?: string;
    constructor(error: { message: string; field?: string }) {
      super(error.message);
      this.field = error.field;
    }
  }
  return {
    ApiError,
    unwrap: async (pending: Promise<{ ok: boolean; value?: unknown; error?: { message: string; field?: string } }>) => {
      const result = await pending;
      if (!result.ok) throw new ApiError(result.error!);
      return result.value;
    },
    api: {
      refine: {
        prepare: (input: Record<string, unknown>) => (record('refine:prepare')(input), ok(world.prep)),
        start: (input: Record<string, unknown>) => {
          record('refine:start')(input);
          const runId = `refine-${++world.runSeq}`;
          return ok({ runId, prompt: 'haiku', version: world.prep!.version, model: String(input.model) });
        },
        watch: (input: { runId: string }) => ok(world.refineProgress.get(input.runId) ?? progress(input.runId, 'running', '', null)),
        cancel: (input: { runId: string }) => (record('refine:cancel')(input), ok(progress(input.runId, 'cancelled', 'Half an ans', null))),
        save: (input: Record<string, unknown>) => (record('refine:save')(input), ok({ number: 2, commitMessage: `Refine with AI (from version 1): ${String(input.note)}` })),
      },
      testcases: { list: (input: Record<string, unknown>) => (record('testcases:list')(input), ok(world.cases)) },
      prompts: { get: (input: Record<string, unknown>) => (record('prompts:get')(input), ok({ name: 'haiku', latest: { number: 2 } })) },
      runs: {
        start: (input: Record<string, unknown>) => (record('runs:start')(input), ok({ runId: `run-${++world.runSeq}`, conversationId: 'c', prompt: 'haiku', version: 1, model: 'oai:echo', displayText: '' })),
        watch: (input: { runId: string }) => ok({ ...progress(input.runId, 'success', 'Echo', null) }),
        cancel: (input: { runId: string }) => ok(progress(input.runId, 'cancelled', '', null)),
      },
    },
  };
});

function progress(runId: string, status: RefineProgress['status'], text: string, result: RefineResult | null): RefineProgress {
  return { runId, status, text, cursor: text.length, usage: { inputTokens: 3, outputTokens: 4 }, latencyMs: 12, ttftMs: 3, error: null, result };
}

function revision(runId: string, revised: string | null): RefineResult {
  return {
    runId,
    prompt: 'haiku',
    version: 1,
    model: 'oai:reviser',
    explanation: revised ? 'Shorter now.' : 'Which tone do you want?',
    proposal: revised ? { template: { kind: 'text', text: revised }, variables: [{ name: 'topic' }] } : null,
    reason: revised ? null : 'The answer holds no proposed revision.',
    diff: revised ? { template: [{ value: revised, added: true }], granularity: 'words', variables: { added: [], removed: [] } } : null,
    usage: { inputTokens: 3, outputTokens: 4 },
    latencyMs: 12,
  };
}

// Loaded by a computed path: its types pull in the browser's globals, which the test typecheck (Node) has not.
const REFINE_SLICE = '../../../src/renderer/src/state/refine-slice';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { createRefineSlice } = (await import(/* @vite-ignore */ `${REFINE_SLICE}`)) as { createRefineSlice: (...args: any[]) => object };

function makeStore(editor: { dirty?: boolean } = {}) {
  const applied: unknown[] = [];
  const replaced: unknown[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const store = create<any>()((set, get, api) => ({
    editor: {
      promptName: 'haiku',
      dirty: editor.dirty ?? false,
      applyTemplate: (template: unknown, variables: unknown) => applied.push({ template, variables }),
      replacePrompt: (prompt: unknown) => replaced.push(prompt),
      refreshMeta: async () => undefined,
    },
    ...createRefineSlice(set, get, api),
  }));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const refine = () => store.getState().refine as any;
  return { store, refine, applied, replaced };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

beforeEach(() => {
  calls.length = 0;
  world.refineProgress.clear();
  world.prep = { prompt: 'haiku', version: 1, variables: ['topic'], models: ['oai:echo', 'oai:reviser'], defaultModel: 'oai:echo', testCases: 2, canSave: true };
  world.cases = [
    { id: 'c1', name: 'Rain', variables: { topic: 'autumn rain' }, updatedAt: '' },
    { id: 'c2', name: 'Snow', variables: { topic: 'first snow' }, updatedAt: '' },
  ];
});

/** Opens the panel, sends `request` with the reviser, and lets its answer (with `revised`, or none) arrive. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function refined(refine: () => any, revised: string | null, request = 'Shorter') {
  await refine().openPanel('haiku', 'u1');
  refine().attach();
  refine().setModel('oai:reviser');
  refine().setRequest(request);
  const next = `refine-${world.runSeq + 1}`;
  world.refineProgress.set(next, progress(next, 'success', 'Shorter now.', revision(next, revised)));
  await refine().send();
  await settle();
  return next;
}

describe('refine slice', () => {
  it('opens on the prompt with its models, the default one chosen, and the test cases read', async () => {
    const { refine } = makeStore();
    await refine().openPanel('haiku', 'u1');
    expect(refine().open).toBe(true);
    expect(refine().model).toBe('oai:echo');
    expect(refine().cases).toHaveLength(2);
    expect(calls.map((c) => c.channel)).toEqual(['refine:prepare', 'testcases:list']);
  });

  it('refuses an empty request next to the field, sending nothing', async () => {
    const { refine } = makeStore();
    await refine().openPanel('haiku', 'u1');
    refine().setRequest('   ');
    await refine().send();
    expect(refine().startError).toEqual({ message: 'Write what to change', field: 'messages' });
    expect(calls.some((c) => c.channel === 'refine:start')).toBe(false);
  });

  it('sends the conversation whole with the version and model, then shows the answer with its proposal', async () => {
    const { refine } = makeStore();
    const first = await refined(refine, 'Write a haiku about {{topic}}. Be brief.');
    const [member, answer] = refine().turns;
    expect(member).toMatchObject({ kind: 'member', text: 'Shorter' });
    expect(answer).toMatchObject({ kind: 'answer', runId: first, status: 'success', text: 'Shorter now.' });
    expect(answer.result.proposal.template.text).toBe('Write a haiku about {{topic}}. Be brief.');
    expect(refine().request).toBe('');

    refine().setRequest('Keep the JSON');
    await refine().send();
    const second = calls.filter((c) => c.channel === 'refine:start')[1]!.input;
    expect(second).toMatchObject({ name: 'haiku', version: 1, model: 'oai:reviser' });
    expect(second.messages).toEqual([
      { role: 'user', content: 'Shorter' },
      { role: 'assistant', content: 'Shorter now.', proposal: { kind: 'text', text: 'Write a haiku about {{topic}}. Be brief.' } },
      { role: 'user', content: 'Keep the JSON' },
    ]);
    // The second answer never ends and the fake watch answers at once: stop streaming it (each store has its own follower).
    refine().detach();
  });

  it('Stop cancels the running answer and keeps what it wrote', async () => {
    const { refine } = makeStore();
    await refine().openPanel('haiku', 'u1');
    refine().setRequest('Slowly');
    await refine().send();
    const runId = refine().turns[1].runId;
    refine().detach(); // no follower: the cancel answer carries the whole run
    await refine().stop(runId);
    expect(calls.filter((c) => c.channel === 'refine:cancel')).toEqual([{ channel: 'refine:cancel', input: { runId } }]);
    expect(refine().turns[1]).toMatchObject({ status: 'cancelled', text: 'Half an ans', stopping: false });
  });

  it('applies the proposal to a clean draft at once, and asks first when the draft has unsaved edits', async () => {
    const clean = makeStore();
    await refined(clean.refine, 'New {{topic}}');
    clean.refine().applyToDraft();
    expect(clean.applied).toEqual([{ template: { kind: 'text', text: 'New {{topic}}' }, variables: [{ name: 'topic' }] }]);

    const dirty = makeStore({ dirty: true });
    await refined(dirty.refine, 'New {{topic}}');
    dirty.refine().applyToDraft();
    expect(dirty.refine().applyConfirm).toBe(true);
    expect(dirty.applied).toHaveLength(0);
    dirty.refine().cancelApply();
    expect(dirty.applied).toHaveLength(0);
    dirty.refine().applyToDraft(true);
    expect(dirty.applied).toHaveLength(1);
    expect(dirty.refine().notice).toMatch(/Applied to the editor draft/);
  });

  it('saves the newest proposal as a version with the note, then refines what was saved', async () => {
    const { refine, replaced } = makeStore();
    await refined(refine, 'New {{topic}}');
    refine().openSave();
    expect(refine().saveNote).toBe('Shorter');
    refine().setSaveNote('Shorter, please');
    await refine().save();
    await settle();
    const save = calls.find((c) => c.channel === 'refine:save')!.input;
    expect(save).toEqual({ name: 'haiku', version: 1, template: { kind: 'text', text: 'New {{topic}}' }, variables: [{ name: 'topic' }], note: 'Shorter, please' });
    expect(refine().saveOpen).toBe(false);
    expect(refine().notice).toBe('Saved version 2: “Refine with AI (from version 1): Shorter, please”');
    expect(replaced).toHaveLength(1); // the clean editor opens on the saved version
    expect(calls.filter((c) => c.channel === 'refine:prepare')).toHaveLength(2);
    // Saved: the proposal says so and is not offered again (no second version of it, no wrong base).
    expect(refine().turns.at(-1).savedAs).toBe(2);
    refine().openSave();
    expect(refine().saveOpen).toBe(false);
    await refine().save();
    expect(calls.filter((c) => c.channel === 'refine:save')).toHaveLength(1);
  });

  it('saving while the editor holds unsaved edits keeps them and says so; the header learns the newer version', async () => {
    const { refine, replaced } = makeStore({ dirty: true });
    await refined(refine, 'New {{topic}}');
    refine().openSave();
    await refine().save();
    await settle();
    expect(replaced).toHaveLength(0);
    expect(refine().notice).toMatch(/^Saved version 2: .*Your unsaved edits stay in the editor/);
    expect(refine().turns.at(-1).savedAs).toBe(2);
  });

  it('offers a member who may not edit no save, no apply and no test cases', async () => {
    world.prep = { ...world.prep!, canSave: false };
    const { refine, applied } = makeStore();
    await refined(refine, 'New {{topic}}');
    expect(calls.some((c) => c.channel === 'testcases:list')).toBe(false);
    refine().openSave();
    refine().applyToDraft(true);
    await refine().tryIt();
    expect(refine().saveOpen).toBe(false);
    expect(applied).toHaveLength(0);
    expect(refine().trial).toBeNull();
  });

  it('Try it runs each test case on the saved version and on the unsaved proposal, with one model', async () => {
    const { refine } = makeStore();
    await refined(refine, 'New {{topic}}');
    refine().setTrialModel('oai:echo');
    await refine().tryIt();
    await settle();
    const starts = calls.filter((c) => c.channel === 'runs:start').map((c) => c.input);
    expect(starts).toHaveLength(4);
    expect(starts.filter((s) => s.version === 1).map((s) => s.variables)).toEqual([{ topic: 'autumn rain' }, { topic: 'first snow' }]);
    const proposed = starts.filter((s) => s.draft !== undefined);
    expect(proposed.map((s) => s.variables)).toEqual([{ topic: 'autumn rain' }, { topic: 'first snow' }]);
    expect(proposed[0]!.draft).toEqual({ template: { kind: 'text', text: 'New {{topic}}' }, variables: [{ name: 'topic' }] });
    expect(starts.every((s) => s.model === 'oai:echo' && s.source === 'test')).toBe(true);
    expect(refine().trial.runs.map((r: { status: string }) => r.status)).toEqual(['success', 'success', 'success', 'success']);
  });

  it('Try it asks for a variable the proposal adds without a default, prefilled from a case that has it, and runs only once given', async () => {
    // Each case of a class: a case that holds the new name fills it; none holding it leaves Try it refused.
    for (const holder of [null, 'c2'] as const) {
      calls.length = 0;
      world.cases = [
        { id: 'c1', name: 'Rain', variables: { topic: 'autumn rain' }, updatedAt: '' },
        { id: 'c2', name: 'Snow', variables: holder === 'c2' ? { topic: 'first snow', tone: 'wry' } : { topic: 'first snow' }, updatedAt: '' },
      ];
      const { refine } = makeStore();
      const next = `refine-${world.runSeq + 1}`;
      const result = revision(next, 'A {{tone}} haiku on {{topic}} by {{poet}}');
      result.proposal!.variables = [{ name: 'tone' }, { name: 'topic' }, { name: 'poet', default: 'Basho' }];
      result.diff!.variables.added = ['tone', 'poet'];
      await refine().openPanel('haiku', 'u1');
      refine().attach();
      refine().setRequest('Add a tone');
      world.refineProgress.set(next, progress(next, 'success', 'Tone added.', result));
      await refine().send();
      await settle();
      refine().setTrialModel('oai:echo');
      if (holder === null) {
        await refine().tryIt();
        expect(refine().trialProblem).toMatch(/Give a value for “tone”/);
        expect(calls.some((c) => c.channel === 'runs:start')).toBe(false);
        refine().setTrialValue('tone', 'calm');
      }
      await refine().tryIt();
      await settle();
      const proposed = calls.filter((c) => c.channel === 'runs:start' && c.input.draft !== undefined).map((c) => c.input.variables);
      // poet has a default: never asked. The case holding tone keeps its own value.
      expect(proposed).toEqual(
        holder === null
          ? [{ topic: 'autumn rain', tone: 'calm' }, { topic: 'first snow', tone: 'calm' }]
          : [{ topic: 'autumn rain', tone: 'wry' }, { topic: 'first snow', tone: 'wry' }],
      );
      const current = calls.filter((c) => c.channel === 'runs:start' && c.input.version === 1).map((c) => c.input.variables);
      expect(current).toEqual([{ topic: 'autumn rain' }, holder === 'c2' ? { topic: 'first snow', tone: 'wry' } : { topic: 'first snow' }]);
    }
  });

  it('Try it without saved test cases says where to add them', async () => {
    world.cases = [];
    const { refine } = makeStore();
    await refined(refine, 'New {{topic}}');
    await refine().tryIt();
    expect(refine().trialProblem).toMatch(/no saved test cases yet/);
    expect(calls.some((c) => c.channel === 'runs:start')).toBe(false);
  });

  it('another member starts from scratch, and a running answer of the previous one is stopped', async () => {
    const { refine } = makeStore();
    await refine().openPanel('haiku', 'u1');
    refine().setRequest('Slowly');
    await refine().send();
    const runId = refine().turns[1].runId;
    await refine().openPanel('haiku', 'u2');
    expect(refine().turns).toEqual([]);
    expect(refine().memberId).toBe('u2');
    expect(calls.filter((c) => c.channel === 'refine:cancel')).toEqual([{ channel: 'refine:cancel', input: { runId } }]);
  });
});
