import type { SliceCreator } from './store';

export const LIBRARY_SORTS = [
  { value: 'updated', label: 'Last edited' },
  { value: 'created', label: 'Newest' },
  { value: 'name', label: 'Name' },
  { value: 'title', label: 'Title' },
] as const;
export type LibrarySort = (typeof LIBRARY_SORTS)[number]['value'];

export const PAGE_SIZE = 25;

/**
 * The Library's filter (client state). The page itself is a query keyed by this filter
 * (prompt-queries.ts useLibraryPage), so changing the filter is what loads the page.
 */
export interface LibrarySlice {
  library: {
    query: string;
    tag: string;
    ownerId: string;
    sort: LibrarySort;
    offset: number;
    setQuery(query: string): void;
    setTag(tag: string): void;
    setOwner(ownerId: string): void;
    setSort(sort: LibrarySort): void;
    setOffset(offset: number): void;
    clearFilters(): void;
  };
}

export const createLibrarySlice: SliceCreator<LibrarySlice> = (set, get) => {
  const patch = (partial: Partial<LibrarySlice['library']>) => set((s) => ({ library: { ...s.library, ...partial } }));
  // Any new filter starts from the first page.
  const refilter = (partial: Partial<LibrarySlice['library']>) => patch({ ...partial, offset: 0 });

  return {
    library: {
      query: '',
      tag: '',
      ownerId: '',
      sort: 'updated',
      offset: 0,
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
      },
      clearFilters() {
        refilter({ query: '', tag: '', ownerId: '' });
      },
    },
  };
};
