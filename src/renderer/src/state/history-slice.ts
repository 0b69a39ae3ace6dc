import type { UserRef } from '../../../shared/schemas/prompts';
import type { Promotion } from '../../../shared/schemas/versions';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { localDayRange } from '../lib/local-day';
import type { SliceCreator } from './store';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface HistoryFilter {
  /** '' means everyone. */
  userId: string;
  /** 'YYYY-MM-DD' or '' (inclusive local days; see localDayRange). */
  from: string;
  to: string;
}

export interface HistorySlice {
  history: {
    promptName: string | null;
    items: Promotion[];
    status: LoadStatus;
    error: FormError | null;
    filter: HistoryFilter;
    /** Everyone seen promoting this prompt, so the filter menu does not shrink as it filters. */
    people: UserRef[];
    reset(promptName: string): void;
    load(): Promise<void>;
    setFilter(partial: Partial<HistoryFilter>): void;
    clearFilters(): void;
  };
}

const NO_FILTER: HistoryFilter = { userId: '', from: '', to: '' };

let latestRequest = 0;

function mergePeople(known: UserRef[], items: Promotion[]): UserRef[] {
  const byId = new Map(known.map((u) => [u.id, u]));
  for (const item of items) byId.set(item.promotedBy.id, item.promotedBy);
  return [...byId.values()].sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email));
}

export const createHistorySlice: SliceCreator<HistorySlice> = (set, get) => {
  const patch = (partial: Partial<HistorySlice['history']>) => set((s) => ({ history: { ...s.history, ...partial } }));

  return {
    history: {
      promptName: null,
      items: [],
      status: 'idle',
      error: null,
      filter: NO_FILTER,
      people: [],
      reset(promptName) {
        latestRequest += 1;
        patch({ promptName, items: [], status: 'idle', error: null, filter: NO_FILTER, people: [] });
      },
      async load() {
        const { promptName, filter, status } = get().history;
        if (!promptName) return;
        const request = ++latestRequest;
        // The days picked are the user's local days, converted as the Logs filters convert them.
        const days = localDayRange(filter, 'inclusive');
        if ('error' in days) {
          patch({ status: 'error', error: days.error });
          return;
        }
        patch({ status: status === 'ready' ? 'ready' : 'loading', error: null });
        try {
          const items = await unwrap(
            api.promotions.list({
              name: promptName,
              ...(filter.userId ? { userId: filter.userId } : {}),
              ...days.range,
            }),
          );
          if (request !== latestRequest || get().history.promptName !== promptName) return;
          patch({ items, status: 'ready', people: mergePeople(get().history.people, items) });
        } catch (error) {
          if (request !== latestRequest || get().history.promptName !== promptName) return;
          patch({ status: 'error', error: toFormError(error) });
        }
      },
      setFilter(partial) {
        patch({ filter: { ...get().history.filter, ...partial } });
        void get().history.load();
      },
      clearFilters() {
        patch({ filter: NO_FILTER });
        void get().history.load();
      },
    },
  };
};
