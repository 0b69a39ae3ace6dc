import type { SliceCreator } from './store';

/**
 * The chat launcher's search (client state). Its list is a query keyed by the search
 * (prompt-queries.ts useLauncherList), and whether any model is usable is the integrations query.
 */
export interface LauncherSlice {
  launcher: {
    query: string;
    setQuery(query: string): void;
    /** Back to an empty search (the acting member changed). */
    reset(): void;
  };
}

export const createLauncherSlice: SliceCreator<LauncherSlice> = (set) => ({
  launcher: {
    query: '',
    setQuery(query) {
      set((s) => (query === s.launcher.query ? s : { launcher: { ...s.launcher, query } }));
    },
    reset() {
      set((s) => ({ launcher: { ...s.launcher, query: '' } }));
    },
  },
});
