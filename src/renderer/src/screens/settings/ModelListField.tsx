import { useId, useState, type KeyboardEvent } from 'react';
import { Button } from '../../components/Button';
import { addModels } from '../../state/integrations-slice';

interface ModelListFieldProps {
  models: string[];
  error: string | null;
  disabled?: boolean;
  /** Text typed but not yet added; the form adds it on save too. */
  pending: string;
  onPendingChange(value: string): void;
  onChange(models: string[]): void;
}

/** The models an integration offers: chips with a remove button, and a field to add more by hand. */
export function ModelListField({ models, error, disabled, pending, onPendingChange, onChange }: ModelListFieldProps) {
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const [announcement, setAnnouncement] = useState('');

  const add = () => {
    if (pending.trim() === '') return;
    const next = addModels(models, pending);
    onChange(next);
    onPendingChange('');
    setAnnouncement(next.length === models.length ? 'Already in the list' : `Added ${next.slice(models.length).join(', ')}`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    // Enter adds the model instead of submitting the dialog's form.
    event.preventDefault();
    add();
  };

  const remove = (model: string) => {
    onChange(models.filter((m) => m !== model));
    setAnnouncement(`Removed ${model}`);
  };

  return (
    <fieldset className="integration-form__group" aria-describedby={error ? `${hintId} ${errorId}` : hintId} aria-invalid={error ? true : undefined}>
      <legend className="field__label">Models</legend>
      {models.length === 0 ? (
        <p className="muted integration-form__empty">No models yet: test the connection to fetch them, or add them by hand.</p>
      ) : (
        <ul className="model-chips" aria-label="Models">
          {models.map((model) => (
            <li key={model} className="tag model-chip">
              <span className="model-chip__name">{model}</span>
              <button
                type="button"
                className="model-chip__remove"
                aria-label={`Remove model ${model}`}
                disabled={disabled}
                onClick={() => remove(model)}
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="model-add">
        <label htmlFor={inputId} className="visually-hidden">
          Add model
        </label>
        <input
          id={inputId}
          className="input"
          autoComplete="off"
          spellCheck={false}
          placeholder="Model name, e.g. llama3.1:8b"
          value={pending}
          disabled={disabled}
          aria-describedby={hintId}
          onChange={(event) => onPendingChange(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <Button size="sm" disabled={disabled || pending.trim() === ''} onClick={add}>
          Add
        </Button>
      </div>
      <p id={hintId} className="field__hint">
        Press Enter to add; separate several with commas.
      </p>
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
      <p role="status" className="visually-hidden">
        {announcement}
      </p>
    </fieldset>
  );
}
