import type { RefinePreparation, RefineProposal, RefineStarted } from '../../../shared/schemas/refine';
import type { TestCase } from '../../../shared/schemas/runs';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { queryClient } from '../lib/query-client';
import { createRunFollower, type StreamRun } from '../lib/run-follower';
import { NOTHING_HEARD_YET, followRun, type WatchRun } from '../lib/run-stream';
import {
  conversationMessages,
  defaultSaveNote,
  latestProposalTurn,
  trialInputs,
  trialKey,
  trialSideOf,
  type RefineAnswerTurn,
  type RefineTurn,
  type TrialSide,
} from './refine-conversation';
import { API_RUN_TRANSPORT, createRunBatchDriver, isBusy, newRun, type TestRun } from './run-batch';
import { queryKeys } from './query-keys';
import { refinePrepQuery, testCasesQuery } from './run-queries';
import type { SliceCreator } from './store';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** "Try it": the refined version and the proposal, run on every saved test case with one model. */
export interface TrialBatch {
  id: number;
  /** The refine answer whose proposal is tried. */
  answerRunId: string;
  version: number;
  model: string;
  proposal: RefineProposal;
  cases: { id: string; name: string }[];
  runs: TestRun[];
}

export interface RefineSlice {
  refine: {
    /** The panel shows beside the editor. */
    open: boolean;
    promptName: string | null;
    /** The acting member the conversation belongs to: another member starts from scratch. */
    memberId: string | null;
    prep: RefinePreparation | null;
    prepStatus: LoadStatus;
    prepError: string | null;
    /** The model that refines (`integration:model`). */
    model: string;
    request: string;
    starting: boolean;
    /** A turn refused before any answer, shown next to its field (`messages`, `model`). */
    startError: FormError | null;
    turns: RefineTurn[];
    /** The prompt's saved test cases, for "Try it" (editors only; null until read). */
    cases: TestCase[] | null;
    casesError: string | null;
    /** The model "Try it" runs the prompt on (the prompt's own first). */
    trialModel: string;
    trial: TrialBatch | null;
    /** Why "Try it" did not start. */
    trialProblem: string | null;
    /** Values typed for variables the proposal adds without a default (see `trialInputs`). */
    trialValues: Record<string, string>;
    /** Apply was pressed while the editor held unsaved edits: confirm before replacing them. */
    applyConfirm: boolean;
    saveOpen: boolean;
    saveNote: string;
    saving: boolean;
    saveError: FormError | null;
    /** What the last action did ("Applied to the draft", "Saved version 4"). */
    notice: string | null;
    /** Opens the panel on a prompt; the same prompt and member keep their conversation. */
    openPanel(promptName: string, memberId: string | null): Promise<void>;
    /** Hides the panel; the conversation stays until another prompt or member, or New conversation. */
    close(): void;
    /** Reads the models, version and permission again (after a save, a member switch). */
    prepare(): Promise<void>;
    setModel(model: string): void;
    setRequest(text: string): void;
    send(): Promise<void>;
    stop(runId: string): Promise<void>;
    newConversation(): void;
    /** Puts the newest proposal in the editor draft; asks first when the draft has unsaved edits (unless `confirmed`). */
    applyToDraft(confirmed?: boolean): void;
    cancelApply(): void;
    openSave(): void;
    closeSave(): void;
    setSaveNote(note: string): void;
    save(): Promise<void>;
    setTrialModel(model: string): void;
    setTrialValue(name: string, value: string): void;
    tryIt(): Promise<void>;
    stopTrial(): Promise<void>;
    /** Streams running answers and trial runs while the panel is on screen. */
    attach(): void;
    detach(): void;
  };
}

type State = RefineSlice['refine'];

const FRESH_CONVERSATION = {
  request: '',
  starting: false,
  startError: null,
  turns: [],
  trial: null,
  trialProblem: null,
  trialValues: {},
  applyConfirm: false,
  saveOpen: false,
  saveNote: '',
  saving: false,
  saveError: null,
  notice: null,
} satisfies Partial<State>;

const FRESH = {
  prep: null,
  prepStatus: 'idle',
  prepError: null,
  model: '',
  cases: null,
  casesError: null,
  trialModel: '',
  ...FRESH_CONVERSATION,
} satisfies Partial<State>;

let turnSeq = 0;
let trialSeq = 0;
const nextId = () => `r${++turnSeq}`;

function answerFor(started: RefineStarted): RefineAnswerTurn {
  return {
    kind: 'answer',
    id: nextId(),
    runId: started.runId,
    model: started.model,
    version: started.version,
    status: 'running',
    ...NOTHING_HEARD_YET,
    result: null,
  };
}

function caseValues(testCase: TestCase): Record<string, string> {
  return Object.fromEntries(Object.entries(testCase.variables).map(([k, v]) => [k, String(v)]));
}

/** A case's own non-empty value for a variable the proposal adds wins over the Try it form. */
function withTrialInputs(values: Record<string, string>, inputs: Record<string, string>): Record<string, string> {
  const filled = { ...values };
  for (const [name, value] of Object.entries(inputs)) if ((filled[name] ?? '') === '') filled[name] = value;
  return filled;
}

export const createRefineSlice: SliceCreator<RefineSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ refine: { ...s.refine, ...partial } }));
  const patchAnswer = (runId: string, change: Partial<RefineAnswerTurn> | ((turn: RefineAnswerTurn) => Partial<RefineAnswerTurn>)) =>
    set((s) => ({
      refine: {
        ...s.refine,
        turns: s.refine.turns.map((t) => (t.kind === 'answer' && t.runId === runId ? { ...t, ...(typeof change === 'function' ? change(t) : change) } : t)),
      },
    }));
  const findAnswer = (runId: string) => get().refine.turns.find((t): t is RefineAnswerTurn => t.kind === 'answer' && t.runId === runId);
  const running = () => get().refine.turns.some((t) => t.kind === 'answer' && t.status === 'running');

  const trialDriver = createRunBatchDriver<TrialBatch>(
    {
      current: () => get().refine.trial,
      updateRuns: (id, update) =>
        set((s) => {
          const { trial } = s.refine;
          if (!trial || trial.id !== id) return {};
          return { refine: { ...s.refine, trial: { ...trial, runs: update(trial.runs) } } };
        }),
      startInput: (trial, run) => {
        const { promptName } = get().refine;
        if (!promptName) return null;
        // The proposal runs unsaved, as the test panel runs a draft; the current side is the saved version.
        const side: TrialSide = trialSideOf(run.key);
        return {
          name: promptName,
          ...(side === 'proposal' ? { draft: { template: trial.proposal.template, variables: trial.proposal.variables } } : { version: trial.version }),
          variables: run.variables,
          model: run.model,
          source: 'test',
        };
      },
    },
    API_RUN_TRANSPORT,
  );

  // refine:watch answers a run's progress plus, once the turn succeeded, the answer as read by the core.
  const streamRefine: StreamRun = (runId, onProgress, signal, from) => {
    const watch: WatchRun = async (input) => {
      const answer = await api.refine.watch(input);
      if (answer.ok && answer.value.result && !signal.aborted) patchAnswer(runId, { result: answer.value.result });
      return answer;
    };
    return followRun(runId, onProgress, signal, from, watch);
  };
  /** Answers being streamed, by run id. */
  const follower = createRunFollower(streamRefine, 'answer');

  /** Leaving a conversation stops what it still runs: nobody is reading it, so it should not cost tokens. */
  const abandon = () => {
    follower.stopFollowing();
    for (const turn of get().refine.turns) {
      if (turn.kind === 'answer' && turn.status === 'running') api.refine.cancel({ runId: turn.runId }).catch(() => undefined);
    }
    void trialDriver.cancel();
    trialDriver.stopFollowing();
  };

  const follow = (runId: string) => follower.follow(runId, findAnswer(runId), (change) => patchAnswer(runId, change));

  const loadCases = async (promptName: string) => {
    try {
      // Shared with the test panel's list (one cache entry per prompt).
      const cases = await queryClient.fetchQuery(testCasesQuery(promptName));
      if (get().refine.promptName === promptName) patch({ cases, casesError: null });
    } catch (error) {
      if (get().refine.promptName === promptName) patch({ cases: [], casesError: toFormError(error).message });
    }
  };

  return {
    refine: {
      open: false,
      promptName: null,
      memberId: null,
      ...FRESH,
      async openPanel(promptName, memberId) {
        const current = get().refine;
        if (current.promptName !== promptName || current.memberId !== memberId) {
          abandon();
          patch({ ...FRESH, promptName, memberId });
        }
        patch({ open: true });
        await get().refine.prepare();
      },
      close() {
        patch({ open: false, applyConfirm: false, saveOpen: false });
      },
      async prepare() {
        const { promptName } = get().refine;
        if (!promptName) return;
        patch({ prepStatus: get().refine.prepStatus === 'ready' ? 'ready' : 'loading', prepError: null });
        // Keyed by the prompt: an answer lands only while Refine still works on that prompt, and
        // two asks for it at once are one request (the query cache).
        try {
          const prep = await queryClient.fetchQuery(refinePrepQuery(promptName));
          if (get().refine.promptName !== promptName) return;
          const { model, trialModel } = get().refine;
          const first = prep.defaultModel ?? prep.models[0] ?? '';
          patch({
            prep,
            prepStatus: 'ready',
            // A model chosen earlier stays while the member may still use it.
            model: prep.models.includes(model) ? model : first,
            trialModel: prep.models.includes(trialModel) ? trialModel : first,
          });
          // Test cases belong to the prompt's editors; "Try it" runs unsaved text, which needs edit rights too.
          if (prep.canSave) await loadCases(promptName);
          else patch({ cases: [] });
        } catch (error) {
          if (get().refine.promptName !== promptName) return;
          patch({ prepStatus: 'error', prepError: toFormError(error).message });
        }
      },
      setModel(model) {
        patch({ model, ...(get().refine.startError?.field === 'model' ? { startError: null } : {}) });
      },
      setRequest(request) {
        patch({ request, ...(get().refine.startError?.field?.startsWith('messages') ? { startError: null } : {}) });
      },
      async send() {
        const { promptName, prep, model, request, starting, turns } = get().refine;
        if (!promptName || !prep || starting || running()) return;
        if (request.trim() === '') {
          patch({ startError: { message: 'Write what to change', field: 'messages' } });
          return;
        }
        const messages = conversationMessages(turns, request);
        patch({ starting: true, startError: null, notice: null });
        try {
          const started = await unwrap(api.refine.start({ name: promptName, version: prep.version, ...(model ? { model } : {}), messages }));
          if (get().refine.promptName !== promptName) {
            api.refine.cancel({ runId: started.runId }).catch(() => undefined);
            return;
          }
          set((s) => ({
            refine: {
              ...s.refine,
              starting: false,
              request: '',
              turns: [...s.refine.turns, { kind: 'member', id: nextId(), text: request.trim() }, answerFor(started)],
            },
          }));
          follow(started.runId);
        } catch (error) {
          if (get().refine.promptName !== promptName) return;
          const startError = toFormError(error);
          // A field problem is fixed in the form (the request, the model); anything else happened in the conversation.
          if (startError.field === 'model' || startError.field?.startsWith('messages')) patch({ starting: false, startError });
          else {
            set((s) => ({
              refine: {
                ...s.refine,
                starting: false,
                request: '',
                turns: [...s.refine.turns, { kind: 'member', id: nextId(), text: request.trim() }, { kind: 'error', id: nextId(), message: startError.message }],
              },
            }));
          }
        }
      },
      async stop(runId) {
        const turn = findAnswer(runId);
        if (!turn || turn.status !== 'running' || turn.stopping) return;
        const settled = await follower.stop(runId, (change) => patchAnswer(runId, change), () => unwrap(api.refine.cancel({ runId })));
        // Without a stream, the cancel answer also carries the turn's error and result.
        if (settled) patchAnswer(runId, { error: settled.error, result: settled.result });
      },
      newConversation() {
        abandon();
        patch(FRESH_CONVERSATION);
      },
      applyToDraft(confirmed = false) {
        const turn = latestProposalTurn(get().refine.turns);
        if (!turn || get().refine.prep?.canSave !== true) return;
        const { editor } = get();
        if (editor.promptName !== get().refine.promptName) return;
        if (editor.dirty && !confirmed) {
          patch({ applyConfirm: true });
          return;
        }
        editor.applyTemplate(turn.result.proposal.template, turn.result.proposal.variables);
        patch({ applyConfirm: false, notice: 'Applied to the editor draft: edit it, then Save as usual.' });
      },
      cancelApply() {
        patch({ applyConfirm: false });
      },
      openSave() {
        const { turns, prep } = get().refine;
        const turn = latestProposalTurn(turns);
        if (!turn || turn.savedAs !== undefined || prep?.canSave !== true) return;
        patch({ saveOpen: true, saveNote: defaultSaveNote(turns), saveError: null, notice: null });
      },
      closeSave() {
        if (!get().refine.saving) patch({ saveOpen: false });
      },
      setSaveNote(saveNote) {
        patch({ saveNote, ...(get().refine.saveError?.field === 'note' ? { saveError: null } : {}) });
      },
      async save() {
        const { promptName, turns, saveNote, saving } = get().refine;
        const turn = latestProposalTurn(turns);
        if (!promptName || !turn || turn.savedAs !== undefined || saving) return;
        patch({ saving: true, saveError: null });
        try {
          const version = await unwrap(
            api.refine.save({ name: promptName, version: turn.version, template: turn.result.proposal.template, variables: turn.result.proposal.variables, note: saveNote }),
          );
          if (get().refine.promptName !== promptName) return;
          // This proposal is saved: the panel says so instead of offering to save it again.
          patchAnswer(turn.runId, { savedAs: version.number });
          patch({ saving: false, saveOpen: false, notice: `Saved version ${version.number}: “${version.commitMessage}”` });
          // The next turn refines what was just saved; the editor (unless it holds edits) opens on it.
          const { editor } = get();
          if (editor.promptName === promptName && !editor.dirty) {
            const fresh = await unwrap(api.prompts.get({ name: promptName })).catch(() => null);
            if (fresh) get().editor.replacePrompt(fresh);
          } else {
            if (editor.promptName === promptName) {
              patch({ notice: `Saved version ${version.number}: “${version.commitMessage}”. Your unsaved edits stay in the editor, based on the version they started from.` });
            }
            // The header learns the newer version: the editor follows the prompt's query.
            void queryClient.invalidateQueries({ queryKey: queryKeys.promptDetail(promptName) });
          }
          void get().refine.prepare();
        } catch (error) {
          patch({ saving: false, saveError: toFormError(error) });
        }
      },
      setTrialModel(trialModel) {
        patch({ trialModel, trialProblem: null });
      },
      setTrialValue(name, value) {
        patch({ trialValues: { ...get().refine.trialValues, [name]: value }, trialProblem: null });
      },
      async tryIt() {
        const { turns, cases, trialModel, prep, trialValues } = get().refine;
        const turn = latestProposalTurn(turns);
        if (!turn || !prep?.canSave) return;
        if (!cases || cases.length === 0) {
          patch({ trialProblem: 'This prompt has no saved test cases yet: save some in the Test panel under the editor.' });
          return;
        }
        if (!trialModel) {
          patch({ trialProblem: 'Choose a model to run the prompt on.' });
          return;
        }
        // Variables the proposal adds have no value in cases written for the refined version: ask first.
        const inputs = trialInputs(turn.result.proposal, turn.result.diff, cases, trialValues);
        if (inputs.missing.length > 0) {
          patch({ trialProblem: `Give a value for ${inputs.missing.map((n) => `“${n}”`).join(', ')}: the proposal adds it and the test cases do not have it.` });
          return;
        }
        await trialDriver.cancel();
        trialDriver.stopFollowing();
        const runs = cases.flatMap((c) =>
          (['current', 'proposal'] as const).map((side) =>
            newRun(trialModel, side === 'proposal' ? withTrialInputs(caseValues(c), inputs.values) : caseValues(c), { id: c.id, name: c.name }, trialKey(c.id, side)),
          ),
        );
        const trial: TrialBatch = {
          id: ++trialSeq,
          answerRunId: turn.runId,
          version: turn.version,
          model: trialModel,
          proposal: turn.result.proposal,
          cases: cases.map((c) => ({ id: c.id, name: c.name })),
          runs,
        };
        patch({ trial, trialProblem: null });
        trialDriver.pump(trial.id);
      },
      async stopTrial() {
        await trialDriver.cancel();
      },
      attach() {
        follower.attach();
        for (const turn of get().refine.turns) if (turn.kind === 'answer') follow(turn.runId);
        trialDriver.attach();
      },
      detach() {
        follower.detach();
        trialDriver.detach();
      },
    },
  };
};

/** Whether "Try it" still has runs going (Stop shows while it does). */
export const trialBusy = (trial: TrialBatch | null) => trial?.runs.some(isBusy) ?? false;
