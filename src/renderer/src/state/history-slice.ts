import type { PromotionFilter } from './query-keys';
import type { SliceCreator } from './store';

/** '' means everyone; days are 'YYYY-MM-DD' or '' (inclusive local days; see localDayRange). */
export type HistoryFilter = PromotionFilter;

/**
 * The History tab's filter (client state). The promotions are a query keyed by prompt and filter
 * (versions-queries.ts useHistory), so a filter change is what loads them.
 */
export interface HistorySlice {
  history: {
    promptName: string | null;
    filter: HistoryFilter;
    reset(promptName: string): void;
    setFilter(partial: Partial<HistoryFilter>): void;
    clearFilters(): void;
  };
}

const NO_FILTER: HistoryFilter = { userId: '', from: '', to: '' };

export const createHistorySlice: SliceCreator<HistorySlice> = (set, get) => {
  const patch = (partial: Partial<HistorySlice['history']>) => set((s) => ({ history: { ...s.history, ...partial } }));
  return {
    history: {
      promptName: null,
      filter: NO_FILTER,
      reset(promptName) {
        patch({ promptName, filter: NO_FILTER });
      },
      setFilter(partial) {
        patch({ filter: { ...get().history.filter, ...partial } });
      },
      clearFilters() {
        patch({ filter: NO_FILTER });
      },
    },
  };
};
