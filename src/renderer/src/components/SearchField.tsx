import { useEffect, useState } from 'react';
import { TextField } from './TextField';
import { useDebouncedValue } from '../lib/use-debounced-value';

const SEARCH_DEBOUNCE_MS = 150;

interface SearchFieldProps {
  label: string;
  placeholder: string;
  className?: string;
  /** The query the store holds; when it is reset elsewhere ("Clear filters") the box follows. */
  query: string;
  onSearch(query: string): void;
}

/** A search box that reports its text after a short pause; Escape clears it. */
export function SearchField({ label, placeholder, className, query, onSearch }: SearchFieldProps) {
  const [text, setText] = useState(query);
  const [seenQuery, setSeenQuery] = useState(query);
  const debounced = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);

  // Adjusted during render, as React recommends for state derived from a changed prop.
  if (query !== seenQuery) {
    setSeenQuery(query);
    if (query === '') setText('');
  }

  useEffect(() => {
    onSearch(debounced);
  }, [debounced, onSearch]);

  return (
    <TextField
      className={className}
      label={label}
      hideLabel
      type="search"
      placeholder={placeholder}
      value={text}
      onChange={(event) => setText(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && text !== '') {
          event.preventDefault();
          setText('');
        }
      }}
    />
  );
}
