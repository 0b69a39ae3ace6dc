import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useCombobox } from 'downshift';
import { useQuery } from '@tanstack/react-query';
import type { Integration, ModelCheck } from '../../../../shared/schemas/integrations';
import { api, unwrap } from '../../lib/api';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { integrationsQuery } from '../../state/workspace-queries';
import { enterChoice, modelLines, modelSuggestions, withModel, withoutModel } from '../../state/model-picker';

const CHECK_DEBOUNCE_MS = 250;

interface ModelPickerProps {
  /** The draft's models text, one `integration:model` per line. */
  value: string;
  onChange?(value: string): void;
  error: string | null;
}

/** `integration:model` for every model of the integrations this member may use. */
function knownModels(integrations: Integration[]): string[] {
  return integrations.filter((i) => i.usable).flatMap((i) => i.models.map((m) => `${i.name}:${m}`));
}

/**
 * The integrations' known models, from the workspace's integrations query (shared with the test
 * panel and the launcher, refreshed by integration.changed): not a fetch of its own per picker.
 * Without the list the field still takes typed references (and the checks still warn).
 */
function useKnownModels(): string[] {
  const { data } = useQuery(integrationsQuery);
  return useMemo(() => (data ? knownModels(data) : NO_MODELS), [data]);
}

const NO_MODELS: string[] = [];

/** The core's verdict on each chosen reference (integrations:check-models), refreshed as they change. */
function useModelChecks(models: string[]): Map<string, ModelCheck> {
  const key = useDebouncedValue(models.join('\n'), CHECK_DEBOUNCE_MS);
  const [checks, setChecks] = useState<Map<string, ModelCheck>>(new Map());
  useEffect(() => {
    const refs = modelLines(key);
    if (refs.length === 0) return;
    let current = true;
    unwrap(api.integrations.checkModels({ models: refs })).then(
      (answer) => current && setChecks(new Map(answer.map((c) => [c.model, c]))),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [key]);
  return checks;
}

/**
 * The version's models: chips for the chosen ones, each with the core's warning when a run on
 * it would be refused (no such integration, or one this member may not use), and a combobox
 * (downshift's useCombobox, WAI-ARIA 1.2) that searches the integrations' known models. Enter
 * picks the highlighted or only suggestion; any whole `integration:model` can still be typed and
 * added with Enter, for models a provider serves without listing them; other text is refused
 * with a message under the field. Without `onChange` it only shows the list (view only).
 */
export function ModelPicker({ value, onChange, error }: ModelPickerProps) {
  const chosen = useMemo(() => modelLines(value), [value]);
  const known = useKnownModels();
  const checks = useModelChecks(chosen);
  const [query, setQuery] = useState('');
  const [announcement, setAnnouncement] = useState('');
  // What Enter refused in the box (not integration:model): shown under the field until the text changes.
  const [typedError, setTypedError] = useState<string | null>(null);
  const items = useMemo(() => modelSuggestions(known, chosen, query), [known, chosen, query]);
  const hintId = useId();
  const errorId = useId();
  const readOnly = onChange === undefined;

  const add = (model: string) => {
    const ref = model.trim();
    if (!onChange || ref === '') return;
    onChange(withModel(value, ref));
    setQuery('');
    setAnnouncement(chosen.includes(ref) ? `${ref} is already chosen` : `Added ${ref}`);
  };
  const remove = (model: string) => {
    onChange?.(withoutModel(value, model));
    setAnnouncement(`Removed ${model}`);
  };

  const { isOpen, highlightedIndex, getLabelProps, getInputProps, getMenuProps, getItemProps } = useCombobox<string>({
    items,
    inputValue: query,
    selectedItem: null,
    itemToString: (item) => item ?? '',
    onInputValueChange: ({ inputValue, type }) => {
      // Picking an item would put its text in the box; the pick adds it and empties the box instead.
      if (type !== useCombobox.stateChangeTypes.ItemClick && type !== useCombobox.stateChangeTypes.InputKeyDownEnter) {
        setQuery(inputValue);
        setTypedError(null);
      }
    },
    onSelectedItemChange: ({ selectedItem }) => {
      if (selectedItem) add(selectedItem);
    },
  });

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // Enter with no suggestion highlighted: the only suggestion, or a whole integration:model
    // typed (models a provider does not list); anything else is refused at the field (enterChoice).
    if (event.key === 'Enter' && (highlightedIndex < 0 || !isOpen)) {
      event.preventDefault();
      const choice = enterChoice(query, items, -1);
      if (choice && 'add' in choice) add(choice.add);
      else setTypedError(choice?.error ?? null);
    }
  };

  const warnings = chosen.flatMap((model) => {
    const check = checks.get(model);
    return check?.message ? [check] : [];
  });

  return (
    <div className="field model-picker">
      {readOnly ? (
        // No field to label when the list is only shown.
        <span className="field__label">Models</span>
      ) : (
        <label {...getLabelProps({ className: 'field__label' })}>Models</label>
      )}
      {chosen.length === 0 ? (
        <p className="muted model-picker__empty">No model chosen: runs use the first model you may use.</p>
      ) : (
        <ul className="model-chips" aria-label="Chosen models">
          {chosen.map((model) => {
            const check = checks.get(model);
            const warn = check?.severity === 'warning';
            return (
              <li key={model} className={`tag model-chip${warn ? ' model-chip--warning' : ''}`} title={check?.message ?? undefined}>
                {warn && (
                  <span className="model-chip__icon" aria-hidden="true">
                    !
                  </span>
                )}
                <span className="model-chip__name">{model}</span>
                {!readOnly && (
                  <button type="button" className="model-chip__remove" aria-label={`Remove model ${model}`} onClick={() => remove(model)}>
                    <span aria-hidden="true">×</span>
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {warnings.length > 0 && (
        <ul className="model-picker__checks" aria-label="Model warnings">
          {warnings.map((check) => (
            <li key={check.model} className={check.severity === 'warning' ? 'field__warning' : 'field__hint'}>
              <code>{check.model}</code>: {check.message}
            </li>
          ))}
        </ul>
      )}
      {!readOnly && (
        <div className="combobox model-picker__search">
          <div className="combobox__anchor">
            <input
              {...getInputProps({
                className: 'input',
                placeholder: 'Search models, or type integration:model',
                spellCheck: false,
                'aria-describedby': [hintId, error || typedError ? errorId : ''].filter(Boolean).join(' '),
                'aria-invalid': error || typedError ? true : undefined,
                onKeyDown,
              })}
            />
            <ul {...getMenuProps({ className: 'combobox__list', 'aria-label': 'Known models' })} hidden={!(isOpen && items.length > 0)}>
              {isOpen &&
                items.map((item, index) => (
                  <li
                    key={item}
                    {...getItemProps({ item, index, className: 'combobox__option', 'aria-selected': index === highlightedIndex })}
                  >
                    <span className="combobox__name">{item}</span>
                  </li>
                ))}
            </ul>
          </div>
          <p id={hintId} className="field__hint">
            Pick from your integrations' models, or type one they do not list and press Enter.
          </p>
        </div>
      )}
      {(error || typedError) && (
        <p id={errorId} className="field__error">
          {typedError ?? error}
        </p>
      )}
      <p role="status" className="visually-hidden">
        {announcement}
      </p>
    </div>
  );
}
