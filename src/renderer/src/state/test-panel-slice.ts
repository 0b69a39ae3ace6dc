import type { VersionSummary } from '../../../shared/schemas/prompts';
import type { Integration } from '../../../shared/schemas/integrations';
import type { RunStatus, RunUsage, StartRunInput, TestCase } from '../../../shared/schemas/runs';
import type { VariableMeta } from '../../../shared/template/template';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { NO_USAGE, followRun, progressPatch, type RunSnapshot } from '../lib/run-stream';
import { draftToSaveInput, variableMetadata, type EditorDraft } from './editor-draft';
import { mayEditPrompt } from './editor-slice';
import type { AppState, SliceCreator } from './store';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

type RunDraft = NonNullable<Extract<StartRunInput, { draft?: unknown }>['draft']>;

/** The unsaved template with its unsaved variable metadata and model settings, as a save would send them. */
function runDraft(draft: EditorDraft): RunDraft {
  const { template, variables, modelSettings } = draftToSaveInput(draft, '', 0, '');
  return { template, variables, modelSettings };
}

/** 'queued' waits for a free slot; 'starting' waits for `runs.start` to answer. */
export type TestRunStatus = 'queued' | 'starting' | RunStatus;

/** One model's run of one set of inputs: a column, or a cell of the case × model grid. */
export interface TestRun {
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
    status: LoadStatus;
    loadError: string | null;
    versions: VersionSummary[];
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
    cases: TestCase[];
    casesStatus: LoadStatus;
    casesError: string | null;
    caseName: string;
    caseSaving: boolean;
    caseError: FormError | null;
    caseNotice: string | null;
    /** Starts over for another prompt or member; the same pair keeps inputs and results. */
    reset(promptName: string, memberId: string | null): void;
    setExpanded(expanded: boolean): void;
    load(): Promise<void>;
    refreshVersions(): Promise<void>;
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

/** Runs in flight at once: kind to providers' rate limits and to the browser's six connections in headless mode. */
export const MAX_ACTIVE_RUNS = 4;

const FRESH = {
  models: [],
  status: 'idle',
  loadError: null,
  versions: [],
  values: {},
  version: null,
  versionVariables: null,
  selectedModels: [],
  batch: null,
  runProblem: null,
  cases: [],
  casesStatus: 'idle',
  casesError: null,
  caseName: '',
  caseSaving: false,
  caseError: null,
  caseNotice: null,
} satisfies Partial<State>;

let batchSeq = 0;
let latestLoad = 0;
let latestVersion = 0;
const followers = new Map<string, AbortController>();
let attached = false;

const isActive = (run: TestRun) => run.status === 'starting' || run.status === 'running';
export const isBusy = (run: TestRun) => run.status === 'queued' || isActive(run);

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

function caseValues(testCase: TestCase): Record<string, string> {
  return Object.fromEntries(Object.entries(testCase.variables).map(([k, v]) => [k, String(v)]));
}

function newRun(model: string, variables: Record<string, string>, testCase: { id: string; name: string } | null): TestRun {
  return {
    key: `${testCase?.id ?? 'inputs'}|${model}`,
    caseId: testCase?.id ?? null,
    caseName: testCase?.name ?? null,
    model,
    variables,
    runId: null,
    status: 'queued',
    text: '',
    cursor: 0,
    usage: NO_USAGE,
    latencyMs: null,
    ttftMs: null,
    error: null,
    stopping: false,
  };
}

export const createTestPanelSlice: SliceCreator<TestPanelSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ testPanel: { ...s.testPanel, ...partial } }));
  const patchRun = (batchId: number, key: string, change: Partial<TestRun> | ((run: TestRun) => Partial<TestRun>)) =>
    set((s) => {
      const { batch } = s.testPanel;
      if (!batch || batch.id !== batchId) return {};
      const runs = batch.runs.map((r) => (r.key === key ? { ...r, ...(typeof change === 'function' ? change(r) : change) } : r));
      return { testPanel: { ...s.testPanel, batch: { ...batch, runs } } };
    });
  const currentBatch = (batchId: number) => {
    const { batch } = get().testPanel;
    return batch && batch.id === batchId ? batch : null;
  };

  const stopFollowing = () => {
    for (const controller of followers.values()) controller.abort();
    followers.clear();
  };

  const follow = (batchId: number, run: TestRun) => {
    if (!attached || run.runId === null || run.status !== 'running' || followers.has(run.key)) return;
    const { runId, key } = run;
    const controller = new AbortController();
    followers.set(key, controller);
    const apply = (snapshot: RunSnapshot) => patchRun(batchId, key, progressPatch(snapshot));
    followRun(runId, apply, controller.signal, { text: run.text, cursor: run.cursor })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) patchRun(batchId, key, { status: 'error', error: { code: 'internal', message: `Lost track of the run: ${toFormError(error).message}` } });
      })
      .finally(() => {
        if (followers.get(key) === controller) followers.delete(key);
        if (!controller.signal.aborted) pump(batchId);
      });
  };

  const startOne = async (batch: TestBatch, run: TestRun) => {
    const { promptName } = get().testPanel;
    if (!promptName) return;
    patchRun(batch.id, run.key, { status: 'starting' });
    const input: StartRunInput = {
      name: promptName,
      ...('draft' in batch.target ? { draft: batch.target.draft } : { version: batch.target.version }),
      variables: run.variables,
      model: run.model,
      source: 'test',
    };
    try {
      const started = await unwrap(api.runs.start(input));
      if (!currentBatch(batch.id)) {
        // Replaced or stopped while starting: nobody will watch it, so do not let it run on.
        api.runs.cancel({ runId: started.runId }).catch(() => undefined);
        return;
      }
      const stopped = currentBatch(batch.id)?.runs.find((r) => r.key === run.key)?.stopping ?? false;
      patchRun(batch.id, run.key, { runId: started.runId, status: 'running' });
      if (stopped) api.runs.cancel({ runId: started.runId }).catch(() => undefined);
      const fresh = currentBatch(batch.id)?.runs.find((r) => r.key === run.key);
      if (fresh) follow(batch.id, fresh);
    } catch (error) {
      const { message, field } = toFormError(error);
      patchRun(batch.id, run.key, { status: 'error', error: { code: 'start', message, ...(field ? { field } : {}) } });
      pump(batch.id);
    }
  };

  /** Starts queued runs while there is room. */
  const pump = (batchId: number) => {
    const batch = currentBatch(batchId);
    if (!batch || !attached) return;
    let room = MAX_ACTIVE_RUNS - batch.runs.filter(isActive).length;
    for (const run of batch.runs) {
      if (room <= 0) break;
      if (run.status !== 'queued') continue;
      room -= 1;
      void startOne(batch, run);
    }
  };

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
    pump(batch.id);
  };

  /** Cancels whatever the current batch still has going. */
  const cancelBatch = async () => {
    const { batch } = get().testPanel;
    if (!batch) return;
    const id = batch.id;
    set((s) => {
      const current = s.testPanel.batch;
      if (!current || current.id !== id) return {};
      const runs = current.runs.map((r): TestRun => {
        if (r.status === 'queued') return { ...r, status: 'cancelled', error: null };
        if (isActive(r)) return { ...r, stopping: true };
        return r;
      });
      return { testPanel: { ...s.testPanel, batch: { ...current, runs } } };
    });
    await Promise.all(
      batch.runs
        .filter((r) => r.status === 'running' && r.runId !== null)
        .map(async (r) => {
          try {
            const progress = await unwrap(api.runs.cancel({ runId: r.runId! }));
            if (!followers.has(r.key)) {
              patchRun(id, r.key, (run) => ({
                status: progress.status,
                stopping: false,
                // Asked without a cursor, the answer carries the whole text.
                ...(progress.cursor >= run.cursor ? { text: progress.text, cursor: progress.cursor } : {}),
                usage: progress.usage,
                latencyMs: progress.latencyMs,
                ttftMs: progress.ttftMs,
              }));
            }
          } catch (error) {
            patchRun(id, r.key, { stopping: false, error: { code: 'internal', message: `Could not stop: ${toFormError(error).message}` } });
          }
        }),
    );
  };

  const loadCases = async (promptName: string) => {
    // Test cases belong to the prompt's editors; others get none.
    if (mayEditPrompt(get()) === false) {
      patch({ cases: [], casesStatus: 'ready', casesError: null });
      return;
    }
    patch({ casesStatus: get().testPanel.casesStatus === 'ready' ? 'ready' : 'loading', casesError: null });
    try {
      const cases = await unwrap(api.testcases.list({ name: promptName }));
      if (get().testPanel.promptName === promptName) patch({ cases, casesStatus: 'ready' });
    } catch (error) {
      if (get().testPanel.promptName !== promptName) return;
      patch({ casesStatus: 'error', casesError: toFormError(error).message });
    }
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
        void cancelBatch();
        stopFollowing();
        latestLoad += 1;
        latestVersion += 1;
        patch({ promptName, memberId, ...FRESH });
      },
      setExpanded(expanded) {
        patch({ expanded });
      },
      async load() {
        const { promptName } = get().testPanel;
        if (!promptName) return;
        const request = ++latestLoad;
        // A reload (coming back to the tab) keeps what is on screen until the answers arrive.
        patch({ status: get().testPanel.status === 'ready' ? 'ready' : 'loading', loadError: null });
        const [prepared, versions, integrations] = await Promise.allSettled([
          unwrap(api.runs.prepare({ name: promptName })),
          unwrap(api.versions.list({ name: promptName })),
          unwrap(api.integrations.list()),
          loadCases(promptName),
        ]);
        if (request !== latestLoad) return;
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
        const keep = get().testPanel.selectedModels.filter((m) => models.includes(m));
        const first = models[0];
        const list = versions.status === 'fulfilled' ? versions.value : [];
        patch({
          models,
          versions: list,
          status: 'ready',
          selectedModels: keep.length > 0 ? keep : first ? [first] : [],
        });
        // Someone who may only run the prompt tests what is saved: the active version, the one
        // chat users get (runs:prepare answers it; the API pin does not apply here), else the newest.
        const active = (prepared.status === 'fulfilled' ? prepared.value.version : null) ?? list[0]?.number;
        if (mayEditPrompt(get()) === false && get().testPanel.version === null && active !== undefined) void get().testPanel.setVersion(active);
      },
      async refreshVersions() {
        const { promptName } = get().testPanel;
        if (!promptName) return;
        try {
          const versions = await unwrap(api.versions.list({ name: promptName }));
          if (get().testPanel.promptName === promptName) patch({ versions });
        } catch {
          // The selector keeps the list it has.
        }
      },
      setValue(name, value) {
        patch({ values: { ...get().testPanel.values, [name]: value }, caseNotice: null });
      },
      async setVersion(version) {
        const { promptName } = get().testPanel;
        const request = ++latestVersion;
        patch({ version, versionVariables: null, runProblem: null });
        if (version === null || !promptName) return;
        try {
          const saved = await unwrap(api.versions.get({ name: promptName, number: version }));
          if (request === latestVersion) patch({ versionVariables: saved.variables });
        } catch (error) {
          if (request === latestVersion) patch({ versionVariables: [], runProblem: `Could not read v${version}: ${toFormError(error).message}` });
        }
      },
      toggleModel(model, selected) {
        const { selectedModels, models } = get().testPanel;
        const next = selected ? [...selectedModels.filter((m) => m !== model), model] : selectedModels.filter((m) => m !== model);
        // Keep the list's order, so columns do not jump around as models are ticked.
        const order = models;
        next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
        patch({ selectedModels: next, runProblem: null });
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
        const { cases, selectedModels } = get().testPanel;
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
        const variables = Object.fromEntries(panelVariables(state).map((meta) => [meta.name, shownValue(values, meta)]));
        patch({ caseSaving: true, caseError: null, caseNotice: null });
        try {
          const saved = await unwrap(api.testcases.save({ name: promptName, caseName, variables }));
          if (get().testPanel.promptName !== promptName) return;
          const others = get().testPanel.cases.filter((c) => c.id !== saved.id);
          patch({
            caseSaving: false,
            caseName: '',
            cases: [...others, saved].sort((a, b) => a.name.localeCompare(b.name)),
            caseNotice: `Saved test case “${saved.name}”`,
          });
        } catch (error) {
          if (get().testPanel.promptName === promptName) patch({ caseSaving: false, caseError: toFormError(error) });
        }
      },
      loadCase(id) {
        const testCase = get().testPanel.cases.find((c) => c.id === id);
        if (testCase) patch({ values: caseValues(testCase), caseNotice: `Loaded “${testCase.name}” into the inputs` });
      },
      async deleteCase(id) {
        const { promptName, cases } = get().testPanel;
        if (!promptName) return;
        const testCase = cases.find((c) => c.id === id);
        patch({ cases: cases.filter((c) => c.id !== id), casesError: null, caseNotice: null });
        try {
          await unwrap(api.testcases.delete({ name: promptName, id }));
          if (testCase) patch({ caseNotice: `Deleted “${testCase.name}”` });
        } catch (error) {
          if (get().testPanel.promptName !== promptName) return;
          patch({ casesError: `Could not delete: ${toFormError(error).message}` });
          void loadCases(promptName);
        }
      },
      attach() {
        attached = true;
        const { batch } = get().testPanel;
        if (!batch) return;
        for (const run of batch.runs) follow(batch.id, run);
        pump(batch.id);
      },
      detach() {
        attached = false;
        stopFollowing();
      },
    },
  };
};
