import { useId, useState, type KeyboardEvent } from 'react';
import type { User } from '../../../../shared/schemas/users';
import { FieldFrame } from '../../components/FieldFrame';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useShareSuggestions } from '../../state/sharing-queries';

const SEARCH_DEBOUNCE_MS = 120;

interface ShareWithFieldProps {
  /** The prompt being shared: its owner is not offered. */
  promptName: string;
  value: string;
  error: string | null;
  disabled?: boolean;
  onChange(value: string): void;
}

/**
 * "Share with": type a name or email; matching members are offered in a listbox (ARIA 1.2
 * combobox). Picking one fills in their email; Enter with nothing highlighted submits the form.
 */
export function ShareWithField({ promptName, value, error, disabled, onChange }: ShareWithFieldProps) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const debounced = useDebouncedValue(value, SEARCH_DEBOUNCE_MS);
  // Keyed by the text searched: an answer for earlier text never shows under later text.
  const suggestions = useShareSuggestions(promptName, debounced);

  const expanded = open && suggestions.length > 0 && value.trim() !== '';
  const optionId = (index: number) => `${listId}-option-${index}`;
  const activeOption = expanded && active >= 0 && active < suggestions.length ? active : -1;

  const pick = (user: User) => {
    onChange(user.email);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        setOpen(true);
        setActive((i) => (suggestions.length === 0 ? -1 : (i + 1) % suggestions.length));
        break;
      case 'ArrowUp':
        event.preventDefault();
        setOpen(true);
        setActive((i) => (suggestions.length === 0 ? -1 : (i <= 0 ? suggestions.length : i) - 1));
        break;
      case 'Enter': {
        const user = activeOption >= 0 ? suggestions[activeOption] : undefined;
        if (user) {
          // Picks the highlighted member instead of submitting the form.
          event.preventDefault();
          pick(user);
        }
        break;
      }
      case 'Escape':
        if (expanded) {
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        }
        break;
    }
  };

  return (
    <FieldFrame chrome={{ label: 'Share with', error, className: 'combobox share-form__who' }}>
      {(ids) => (
        <div className="combobox__anchor">
          <input
            {...ids}
            className="input"
            type="text"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={expanded}
            aria-controls={listId}
            aria-activedescendant={activeOption >= 0 ? optionId(activeOption) : undefined}
            placeholder="Name or email"
            autoComplete="off"
            spellCheck={false}
            disabled={disabled}
            value={value}
            onChange={(event) => {
              onChange(event.target.value);
              setOpen(true);
              setActive(-1);
            }}
            onKeyDown={onKeyDown}
            onBlur={() => setOpen(false)}
            onFocus={() => setOpen(true)}
          />
          <ul id={listId} role="listbox" aria-label="Matching members" className="combobox__list" hidden={!expanded}>
            {suggestions.map((user, index) => (
              <li
                key={user.id}
                id={optionId(index)}
                role="option"
                aria-selected={index === activeOption}
                className="combobox__option"
                // Keeps focus in the input so the list does not close before the click lands.
                onMouseDown={(event) => event.preventDefault()}
                onMouseEnter={() => setActive(index)}
                onClick={() => pick(user)}
              >
                <span className="combobox__name">{user.name}</span>
                <span className="combobox__dash"> — </span>
                <span className="combobox__email">{user.email}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </FieldFrame>
  );
}
