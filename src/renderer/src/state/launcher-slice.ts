import type { PromptSummary } from '../../../shared/schemas/prompts';
import { api, unwrap } from '../lib/api';
import { toFormError } from '../lib/field-errors';
import type { SliceCreator } from './store';

const LAUNCHER_LIMIT = 100;

/** The chat launcher: every prompt the acting member may run, Chat only ones included. */
export interface LauncherSlice {
  launcher: {
    query: string;
    items: PromptSummary[];
    total: number;
    loading: boolean;
    /** False until the first list arrives, so the screen never flashes a wrong empty state. */
    loaded: boolean;
    error: string | null;
    /**
     * Whether the member may use any model integration: 'unknown' until the list arrives
     * (or when it cannot be read), so the "no model" note never flashes.
     */
    models: 'unknown' | 'none' | 'some';
    setQuery(query: string): void;
    load(): Promise<void>;
    reset(): void;
  };
}

let latestRequest = 0;
let latestModelsCheck = 0;

export const createLauncherSlice: SliceCreator<LauncherSlice> = (set, get) => {
  const patch = (partial: Partial<LauncherSlice['launcher']>) => set((s) => ({ launcher: { ...s.launcher, ...partial } }));

  const checkModels = async () => {
    const request = ++latestModelsCheck;
    try {
      const integrations = await unwrap(api.integrations.list());
      if (request !== latestModelsCheck) return;
      patch({ models: integrations.some((i) => i.usable) ? 'some' : 'none' });
    } catch {
      // The launcher works without knowing; running a prompt says what is missing.
      if (request === latestModelsCheck) patch({ models: 'unknown' });
    }
  };

  const list = async () => {
    const request = ++latestRequest;
    const { query } = get().launcher;
    patch({ loading: true });
    try {
      const page = await unwrap(api.prompts.runnable({ query, sort: 'title', limit: LAUNCHER_LIMIT }));
      if (request !== latestRequest) return;
      patch({ items: page.items, total: page.total, loading: false, loaded: true, error: null });
    } catch (error) {
      if (request !== latestRequest) return;
      patch({ loading: false, loaded: true, error: toFormError(error).message });
    }
  };

  return {
    launcher: {
      query: '',
      items: [],
      total: 0,
      loading: false,
      loaded: false,
      error: null,
      models: 'unknown',
      setQuery(query) {
        if (query === get().launcher.query) return;
        patch({ query });
        void list();
      },
      async load() {
        // A search only filters prompts; opening the screen (or a change elsewhere) also
        // asks again whether any model is usable.
        void checkModels();
        await list();
      },
      reset() {
        latestRequest += 1;
        latestModelsCheck += 1;
        patch({ query: '', items: [], total: 0, loading: false, loaded: false, error: null, models: 'unknown' });
        // The launcher is reset when the acting member changes: their open chat goes with it.
        get().chat.reset();
      },
    },
  };
};
