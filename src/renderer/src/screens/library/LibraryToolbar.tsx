import { SelectField } from '../../components/SelectField';
import { SearchField } from '../../components/SearchField';
import { LIBRARY_SORTS, type LibrarySort } from '../../state/library-slice';
import { useLibraryPage } from '../../state/prompt-queries';
import { useAppStore } from '../../state/store';

export function LibraryToolbar() {
  return (
    <div className="toolbar" role="search">
      <SearchBox />
      <TagFilter />
      <OwnerFilter />
      <SortSelect />
    </div>
  );
}

function SearchBox() {
  const query = useAppStore((s) => s.library.query);
  const setQuery = useAppStore((s) => s.library.setQuery);
  return (
    <SearchField
      className="toolbar__search"
      label="Search prompts"
      placeholder="Search title, name, description, template…"
      query={query}
      onSearch={setQuery}
    />
  );
}

function TagFilter() {
  const tag = useAppStore((s) => s.library.tag);
  const tags = useLibraryPage().facets.tags;
  const setTag = useAppStore((s) => s.library.setTag);
  const known = tag === '' || tags.includes(tag) ? tags : [tag, ...tags];
  const options = [{ value: '', label: 'All tags' }, ...known.map((t) => ({ value: t, label: t }))];
  return <SelectField label="Tag" options={options} value={tag} onChange={(event) => setTag(event.target.value)} />;
}

function OwnerFilter() {
  const ownerId = useAppStore((s) => s.library.ownerId);
  const owners = useLibraryPage().facets.owners;
  const setOwner = useAppStore((s) => s.library.setOwner);
  const options = [
    { value: '', label: 'Anyone' },
    ...owners.map((o) => ({ value: o.id, label: o.name || o.email })),
  ];
  if (ownerId !== '' && !owners.some((o) => o.id === ownerId)) options.push({ value: ownerId, label: 'Selected owner' });
  return <SelectField label="Owner" options={options} value={ownerId} onChange={(event) => setOwner(event.target.value)} />;
}

function SortSelect() {
  const sort = useAppStore((s) => s.library.sort);
  const setSort = useAppStore((s) => s.library.setSort);
  return (
    <SelectField
      label="Sort"
      options={LIBRARY_SORTS}
      value={sort}
      onChange={(event) => setSort(event.target.value as LibrarySort)}
    />
  );
}
