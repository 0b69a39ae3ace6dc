import { useId, type ReactNode } from 'react';

export interface FieldChrome {
  label: ReactNode;
  hint?: string;
  error?: string | null;
  /** Visually hide the label while keeping it as the accessible name. */
  hideLabel?: boolean;
  className?: string;
}

export interface ControlIds {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
}

/** Label above, hint and error below, all wired to the control for screen readers. */
export function FieldFrame({ chrome, children }: { chrome: FieldChrome; children(ids: ControlIds): ReactNode }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const { label, hint, error, hideLabel, className } = chrome;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', className ?? ''].filter(Boolean).join(' ')}>
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : 'field__label'}>
        {label}
      </label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}
