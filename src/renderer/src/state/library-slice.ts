import type { PromptList, PromptSummary } from '../../../shared/schemas/prompts';
import { api, unwrap } from '../lib/api';
import { toFormError } from '../lib/field-errors';
import type { SliceCreator } from './store';

export const LIBRARY_SORTS = [
  { value: 'updated', label: 'Last edited' },
  { value: 'created', label: 'Newest' },
  { value: 'name', label: 'Name' },
  { value: 'title', label: 'Title' },
] as const;
export type LibrarySort = (typeof LIBRARY_SORTS)[number]['value'];

export const PAGE_SIZE = 25;

export interface LibrarySlice {
  library: {
    query: string;
    tag: string;
    ownerId: string;
    sort: LibrarySort;
    offset: number;
    items: PromptSummary[];
    total: number;
    facets: PromptList['facets'];
    loading: boolean;
    /** False until the first list arrives, so the screen never flashes a wrong empty state. */
    loaded: boolean;
    error: string | null;
    setQuery(query: string): void;
    setTag(tag: string): void;
    setOwner(ownerId: string): void;
    setSort(sort: LibrarySort): void;
    setOffset(offset: number): void;
    clearFilters(): void;
    load(): Promise<void>;
  };
}

// Only the newest request may write results; slower earlier ones are dropped.
let latestRequest = 0;

export const createLibrarySlice: SliceCreator<LibrarySlice> = (set, get) => {
  const patch = (partial: Partial<LibrarySlice['library']>) => set((s) => ({ library: { ...s.library, ...partial } }));
  const refilter = (partial: Partial<LibrarySlice['library']>) => {
    patch({ ...partial, offset: 0 });
    void get().library.load();
  };

  return {
    library: {
      query: '',
      tag: '',
      ownerId: '',
      sort: 'updated',
      offset: 0,
      items: [],
      total: 0,
      facets: { tags: [], owners: [] },
      loading: false,
      loaded: false,
      error: null,
      setQuery(query) {
        if (query !== get().library.query) refilter({ query });
      },
      setTag(tag) {
        refilter({ tag });
      },
      setOwner(ownerId) {
        refilter({ ownerId });
      },
      setSort(sort) {
        refilter({ sort });
      },
      setOffset(offset) {
        patch({ offset: Math.max(0, offset) });
        void get().library.load();
      },
      clearFilters() {
        refilter({ query: '', tag: '', ownerId: '' });
      },
      async load() {
        const request = ++latestRequest;
        const { query, tag, ownerId, sort, offset } = get().library;
        patch({ loading: true });
        try {
          const list = await unwrap(
            api.prompts.list({
              query,
              sort,
              limit: PAGE_SIZE,
              offset,
              ...(tag ? { tag } : {}),
              ...(ownerId ? { ownerId } : {}),
            }),
          );
          if (request !== latestRequest) return;
          patch({ items: list.items, total: list.total, facets: list.facets, loading: false, loaded: true, error: null });
        } catch (error) {
          if (request !== latestRequest) return;
          patch({ loading: false, loaded: true, error: toFormError(error).message });
        }
      },
    },
  };
};
