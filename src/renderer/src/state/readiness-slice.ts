import type { Readiness, ReadinessSettings, ReadinessTickItem } from '../../../shared/schemas/readiness';
import type { DataLoggingLevel } from '../../../shared/schemas/runs';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import type { SliceCreator } from './store';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ReadinessSlice {
  readiness: {
    /** The prompt the checklist belongs to; answers for another prompt are dropped. */
    promptName: string | null;
    data: Readiness | null;
    status: LoadStatus;
    error: string | null;
    /** A tick or a data-logging choice is in flight. */
    busy: boolean;
    /** Why the last tick failed: shown above the checklist. */
    actionError: string | null;
    /** Settings → Workspace: whether widening access needs every item passed. */
    settings: ReadinessSettings | null;
    settingsError: string | null;
    reset(promptName: string): void;
    load(): Promise<void>;
    tick(item: ReadinessTickItem, ticked: boolean): Promise<void>;
    /** Records the current data-logging level as chosen (choosing the default counts). */
    chooseLogging(level: DataLoggingLevel): Promise<void>;
    /** Why the last title/description change failed: shown next to its field. */
    detailsError: FormError | null;
    /** Changes the prompt's title and description (item 3); true when saved. */
    saveDetails(title: string, description: string): Promise<boolean>;
    loadSettings(): Promise<void>;
    setRequired(required: boolean): Promise<void>;
  };
}

type State = ReadinessSlice['readiness'];
let latestLoad = 0;

export const createReadinessSlice: SliceCreator<ReadinessSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ readiness: { ...s.readiness, ...partial } }));
  const current = (name: string) => get().readiness.promptName === name;

  /** Runs one change that answers (or is followed by) the whole checklist. */
  const change = async (call: (name: string) => Promise<Readiness | null>) => {
    const { promptName, busy } = get().readiness;
    if (!promptName || busy) return;
    patch({ busy: true, actionError: null });
    try {
      const data = await call(promptName);
      if (!current(promptName)) return;
      patch({ busy: false, ...(data ? { data } : {}) });
      if (!data) await get().readiness.load();
    } catch (error) {
      if (!current(promptName)) return;
      patch({ busy: false, actionError: toFormError(error).message });
      void get().readiness.load();
    }
  };

  return {
    readiness: {
      promptName: null,
      data: null,
      status: 'idle',
      error: null,
      busy: false,
      actionError: null,
      settings: null,
      settingsError: null,
      detailsError: null,
      reset(promptName) {
        latestLoad += 1;
        patch({ promptName, data: null, status: 'idle', error: null, busy: false, actionError: null, detailsError: null });
      },
      async load() {
        const { promptName, status } = get().readiness;
        if (!promptName) return;
        const request = ++latestLoad;
        patch({ status: status === 'ready' ? 'ready' : 'loading', error: null });
        try {
          const data = await unwrap(api.readiness.get({ name: promptName }));
          if (request !== latestLoad || !current(promptName)) return;
          patch({ data, status: 'ready' });
        } catch (error) {
          if (request !== latestLoad || !current(promptName)) return;
          patch({ status: 'error', error: toFormError(error).message });
        }
      },
      tick: (item, ticked) => change((name) => unwrap(api.readiness.tick({ name, item, ticked }))),
      chooseLogging: (level) =>
        change(async (name) => {
          await unwrap(api.prompts.setLogging({ name, level }));
          return null;
        }),
      async saveDetails(title, description) {
        const { promptName, busy } = get().readiness;
        if (!promptName || busy) return false;
        patch({ busy: true, detailsError: null });
        try {
          const saved = await unwrap(api.prompts.update({ name: promptName, title, description }));
          if (!current(promptName)) return false;
          // The page header shows the title and description too: it takes the saved ones.
          set((s) => ({
            editor: s.editor.prompt?.name === saved.name ? { ...s.editor, prompt: { ...s.editor.prompt, title: saved.title, description: saved.description } } : s.editor,
          }));
          patch({ busy: false });
          await get().readiness.load();
          return true;
        } catch (error) {
          if (current(promptName)) patch({ busy: false, detailsError: toFormError(error) });
          return false;
        }
      },
      async loadSettings() {
        try {
          patch({ settings: await unwrap(api.readiness.settings()), settingsError: null });
        } catch (error) {
          patch({ settingsError: toFormError(error).message });
        }
      },
      async setRequired(required) {
        const before = get().readiness.settings;
        patch({ settings: { requiredForWidening: required }, settingsError: null });
        try {
          patch({ settings: await unwrap(api.readiness.setRequired({ required })) });
        } catch (error) {
          patch({ settings: before, settingsError: toFormError(error).message });
        }
      },
    },
  };
};
