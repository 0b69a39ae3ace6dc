import type { Integration } from '../../../shared/schemas/integrations';
import type { StartRunInput, TestCase } from '../../../shared/schemas/runs';
import type { VariableMeta } from '../../../shared/template/template';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { queryClient, writeQuery } from '../lib/query-client';
import { queryKeys } from './query-keys';
import { runnableQuery } from './run-queries';
import { versionQuery, versionsQuery } from './versions-queries';
import { integrationsQuery } from './workspace-queries';
import { API_RUN_TRANSPORT, createRunBatchDriver, newRun, type TestRun } from './run-batch';
import { draftToSaveInput, variableMetadata, type EditorDraft } from './editor-draft';
import { mayEditPrompt } from './editor-slice';
import { rememberModels, rememberedModels, startingModels } from './test-panel-models';
import { createResultsKeeper } from './test-panel-results';
import type { AppState, SliceCreator } from './store';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

type RunDraft = NonNullable<Extract<StartRunInput, { draft?: unknown }>['draft']>;

/** The unsaved template with its unsaved variable metadata and model settings, as a save would send them. */
function runDraft(draft: EditorDraft): RunDraft {
  const { template, variables, modelSettings } = draftToSaveInput(draft, '', 0, '');
  return { template, variables, modelSettings };
}

// The run machinery is shared with Refine's "Try it" (run-batch.ts); these names stay importable from here.
export { MAX_ACTIVE_RUNS, isBusy, type TestRun, type TestRunStatus } from './run-batch';

/** What one press of Run (or Run all cases) started, and against which text. */
export interface TestBatch {
  id: number;
  kind: 'inputs' | 'cases';
  /** The draft's template as it was when Run was pressed, or a saved version. */
  target: { draft: RunDraft } | { version: number };
  label: string;
  models: string[];
  cases: { id: string; name: string }[];
  runs: TestRun[];
}

export interface TestPanelSlice {
  testPanel: {
    promptName: string | null;
    /** The acting member the panel was loaded for: another member starts from scratch. */
    memberId: string | null;
    expanded: boolean;
    /** Models the member may run this prompt on: the prompt's own first. */
    models: string[];
    /** Whether the models are known and chosen (the panel's controls wait for it). */
    status: LoadStatus;
    loadError: string | null;
    /** Values as typed, by variable name; a name not here shows (and sends) its default. */
    values: Record<string, string>;
    /** null runs the editor's draft. */
    version: number | null;
    /** The chosen version's variables (names, defaults), fetched when it is chosen. */
    versionVariables: VariableMeta[] | null;
    selectedModels: string[];
    batch: TestBatch | null;
    /** Why Run did not start at all (no model chosen, template problem). */
    runProblem: string | null;
    /** Why the last delete of a case failed. */
    casesError: string | null;
    caseName: string;
    caseSaving: boolean;
    caseError: FormError | null;
    caseNotice: string | null;
    /**
     * Starts over for another prompt or member; the same pair keeps inputs and results, and a
     * prompt the same member comes back to shows its latest results again (runs picked up).
     */
    reset(promptName: string, memberId: string | null): void;
    setExpanded(expanded: boolean): void;
    load(): Promise<void>;
    setValue(name: string, value: string): void;
    setVersion(version: number | null): Promise<void>;
    toggleModel(model: string, selected: boolean): void;
    run(): Promise<void>;
    runAllCases(): Promise<void>;
    stopAll(): Promise<void>;
    clearResults(): void;
    setCaseName(name: string): void;
    saveCase(): Promise<void>;
    loadCase(id: string): void;
    deleteCase(id: string): Promise<void>;
    attach(): void;
    detach(): void;
  };
}

type State = TestPanelSlice['testPanel'];

const FRESH = {
  models: [],
  status: 'idle',
  loadError: null,
  values: {},
  version: null,
  versionVariables: null,
  selectedModels: [],
  batch: null,
  runProblem: null,
  casesError: null,
  caseName: '',
  caseSaving: false,
  caseError: null,
  caseNotice: null,
} satisfies Partial<State>;

let batchSeq = 0;

/** The variables the panel shows: the draft's, or the chosen version's. */
export function panelVariables(state: {
  editor: Pick<AppState['editor'], 'draft' | 'variableNames'>;
  testPanel: Pick<State, 'version' | 'versionVariables'>;
}): VariableMeta[] {
  const { testPanel, editor } = state;
  if (testPanel.version !== null) return testPanel.versionVariables ?? [];
  return variableMetadata(editor.draft, editor.variableNames);
}

/** What an input shows: what was typed, else the variable's default. */
export function shownValue(values: Record<string, string>, meta: VariableMeta): string {
  return values[meta.name] ?? meta.default ?? '';
}

function modelsOf(integrations: Integration[]): string[] {
  return integrations.filter((i) => i.usable).flatMap((i) => i.models.map((m) => `${i.name}:${m}`));
}

/** The prompt's test cases as cached (the Test cases list's query); none until it has answered. */
const casesNow = (name: string | null) => (name ? (queryClient.getQueryData<TestCase[]>(queryKeys.testCases(name)) ?? []) : []);

function caseValues(testCase: TestCase): Record<string, string> {
  return Object.fromEntries(Object.entries(testCase.variables).map(([k, v]) => [k, String(v)]));
}

export const createTestPanelSlice: SliceCreator<TestPanelSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ testPanel: { ...s.testPanel, ...partial } }));
  const driver = createRunBatchDriver<TestBatch>(
    {
      current: () => get().testPanel.batch,
      updateRuns: (id, update) =>
        set((s) => {
          const { batch } = s.testPanel;
          if (!batch || batch.id !== id) return {};
          return { testPanel: { ...s.testPanel, batch: { ...batch, runs: update(batch.runs) } } };
        }),
      startInput: (batch, run) => {
        const { promptName } = get().testPanel;
        if (!promptName) return null;
        return {
          name: promptName,
          ...('draft' in batch.target ? { draft: batch.target.draft } : { version: batch.target.version }),
          variables: run.variables,
          model: run.model,
          source: 'test',
        };
      },
    },
    API_RUN_TRANSPORT,
  );
  const cancelBatch = () => driver.cancel();
  const stopFollowing = () => driver.stopFollowing();
  // Each prompt's latest results, kept while the panel shows another (test-panel-results.ts).
  const results = createResultsKeeper<TestBatch>();

  const launch = (kind: TestBatch['kind'], runs: TestRun[], cases: TestBatch['cases']) => {
    const { version, selectedModels } = get().testPanel;
    const { editor } = get();
    if (selectedModels.length === 0) {
      patch({ runProblem: 'Choose at least one model.' });
      return;
    }
    if (version === null && !editor.analysis.ok) {
      patch({ runProblem: 'Fix the template problem first: the draft cannot be rendered.' });
      return;
    }
    void cancelBatch();
    stopFollowing();
    const batch: TestBatch = {
      id: ++batchSeq,
      kind,
      target: version === null ? { draft: runDraft(editor.draft) } : { version },
      label: version === null ? 'Current draft' : `v${version}`,
      models: [...selectedModels],
      cases,
      runs,
    };
    patch({ batch, runProblem: null, expanded: true });
    driver.pump(batch.id);
  };

  return {
    testPanel: {
      promptName: null,
      memberId: null,
      expanded: true,
      ...FRESH,
      reset(promptName, memberId) {
        const current = get().testPanel;
        if (current.promptName === promptName && current.memberId === memberId) return;
        stopFollowing();
        // Another prompt of the same member: this one's results are put aside, its runs go on (as
        // chat's turns do) and show again on return. Another member: nothing of them stays.
        if (current.batch && current.promptName !== null && current.memberId === memberId) results.keep(current.memberId, current.promptName, current.batch);
        else void cancelBatch();
        patch({ promptName, memberId, ...FRESH, batch: results.take(memberId, promptName) });
      },
      setExpanded(expanded) {
        patch({ expanded });
      },
      async load() {
        const { promptName, memberId: member } = get().testPanel;
        if (!promptName) return;
        // A reload (coming back to the tab) keeps what is on screen until the answers arrive.
        patch({ status: get().testPanel.status === 'ready' ? 'ready' : 'loading', loadError: null });
        const [prepared, versions, integrations] = await Promise.allSettled([
          queryClient.fetchQuery(runnableQuery(promptName)),
          queryClient.fetchQuery(versionsQuery(promptName)),
          queryClient.fetchQuery(integrationsQuery),
        ]);
        // Answers for another prompt or member (the panel was reset meanwhile) change nothing.
        if (get().testPanel.promptName !== promptName || get().testPanel.memberId !== member) return;
        // A prompt never saved has nothing to prepare yet; its draft still runs on any usable model.
        const models =
          prepared.status === 'fulfilled'
            ? prepared.value.models
            : integrations.status === 'fulfilled'
              ? modelsOf(integrations.value)
              : null;
        if (models === null) {
          patch({ status: 'error', loadError: toFormError(prepared.status === 'rejected' ? prepared.reason : null).message });
          return;
        }
        const { memberId, selectedModels } = get().testPanel;
        // The choice survives tab switches (kept in the store) and reloads (kept in this browser).
        const remembered = rememberedModels(localStorage, memberId, promptName);
        const list = versions.status === 'fulfilled' ? versions.value.items : [];
        patch({
          models,
          status: 'ready',
          selectedModels: startingModels(models, selectedModels, remembered),
        });
        // Someone who may only run the prompt tests what is saved: the active version, the one
        // chat users get (runs:prepare answers it; the API pin does not apply here), else the newest.
        const active = (prepared.status === 'fulfilled' ? prepared.value.version : null) ?? list[0]?.number;
        if (mayEditPrompt(get()) === false && get().testPanel.version === null && active !== undefined) void get().testPanel.setVersion(active);
      },
      setValue(name, value) {
        patch({ values: { ...get().testPanel.values, [name]: value }, caseNotice: null });
      },
      async setVersion(version) {
        const { promptName } = get().testPanel;
        patch({ version, versionVariables: null, runProblem: null });
        if (version === null || !promptName) return;
        // Only the version still chosen takes its answer (another may have been chosen since).
        const chosen = () => get().testPanel.promptName === promptName && get().testPanel.version === version;
        try {
          const saved = await queryClient.fetchQuery(versionQuery(promptName, version));
          if (chosen()) patch({ versionVariables: saved.variables });
        } catch (error) {
          if (chosen()) patch({ versionVariables: [], runProblem: `Could not read v${version}: ${toFormError(error).message}` });
        }
      },
      toggleModel(model, selected) {
        const { selectedModels, models, memberId, promptName } = get().testPanel;
        const next = selected ? [...selectedModels.filter((m) => m !== model), model] : selectedModels.filter((m) => m !== model);
        // Keep the list's order, so columns do not jump around as models are ticked.
        const order = models;
        next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
        patch({ selectedModels: next, runProblem: null });
        if (promptName) rememberModels(localStorage, memberId, promptName, next);
      },
      async run() {
        const state = get();
        const variables = Object.fromEntries(
          panelVariables(state)
            .map((meta) => [meta.name, shownValue(state.testPanel.values, meta)] as const)
            .filter(([, value]) => value !== ''),
        );
        const runs = state.testPanel.selectedModels.map((model) => newRun(model, variables, null));
        launch('inputs', runs, []);
      },
      async runAllCases() {
        const { promptName, selectedModels } = get().testPanel;
        const cases = casesNow(promptName);
        if (cases.length === 0) return;
        const runs = cases.flatMap((c) => selectedModels.map((model) => newRun(model, caseValues(c), { id: c.id, name: c.name })));
        launch(
          'cases',
          runs,
          cases.map((c) => ({ id: c.id, name: c.name })),
        );
      },
      async stopAll() {
        await cancelBatch();
      },
      clearResults() {
        void cancelBatch();
        stopFollowing();
        patch({ batch: null });
      },
      setCaseName(caseName) {
        patch({ caseName, caseError: null, caseNotice: null });
      },
      async saveCase() {
        const state = get();
        const { promptName, caseName, caseSaving, values } = state.testPanel;
        if (!promptName || caseSaving) return;
        // An optional variable left empty is left out of the case, as a run from the inputs leaves it
        // out: the case then renders its default, and the readiness checklist counts it as left out.
        const variables = Object.fromEntries(
          panelVariables(state)
            .filter((meta) => meta.default === undefined || shownValue(values, meta) !== '')
            .map((meta) => [meta.name, shownValue(values, meta)]),
        );
        patch({ caseSaving: true, caseError: null, caseNotice: null });
        try {
          const saved = await unwrap(api.testcases.save({ name: promptName, caseName, variables }));
          await writeQuery<TestCase[]>(queryKeys.testCases(promptName), (cases) =>
            [...(cases ?? []).filter((c) => c.id !== saved.id), saved].sort((a, b) => a.name.localeCompare(b.name)),
          );
          if (get().testPanel.promptName !== promptName) return;
          patch({ caseSaving: false, caseName: '', caseNotice: `Saved test case “${saved.name}”` });
        } catch (error) {
          if (get().testPanel.promptName === promptName) patch({ caseSaving: false, caseError: toFormError(error) });
        }
      },
      loadCase(id) {
        const testCase = casesNow(get().testPanel.promptName).find((c) => c.id === id);
        if (testCase) patch({ values: caseValues(testCase), caseNotice: `Loaded “${testCase.name}” into the inputs` });
      },
      async deleteCase(id) {
        const { promptName } = get().testPanel;
        if (!promptName) return;
        const testCase = casesNow(promptName).find((c) => c.id === id);
        // Gone from the list at once; a refusal brings the list back as it is.
        await writeQuery<TestCase[]>(queryKeys.testCases(promptName), (cases) => cases?.filter((c) => c.id !== id));
        patch({ casesError: null, caseNotice: null });
        try {
          await unwrap(api.testcases.delete({ name: promptName, id }));
          if (testCase) patch({ caseNotice: `Deleted “${testCase.name}”` });
        } catch (error) {
          if (get().testPanel.promptName !== promptName) return;
          patch({ casesError: `Could not delete: ${toFormError(error).message}` });
          void queryClient.invalidateQueries({ queryKey: queryKeys.testCases(promptName) });
        }
      },
      attach() {
        driver.attach();
      },
      detach() {
        driver.detach();
      },
    },
  };
};
