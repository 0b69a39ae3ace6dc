import { useId, type ReactNode } from 'react';

interface SwitchProps {
  /** The accessible name, e.g. "API access". */
  label: string;
  hint?: ReactNode;
  checked: boolean;
  disabled?: boolean;
  /** Shown while the change is saved: the switch is also marked busy for assistive tech. */
  busy?: boolean;
  onChange(checked: boolean): void;
}

/** An on/off setting: a native checkbox with role="switch", its label beside it and help below. */
export function Switch({ label, hint, checked, disabled, busy, onChange }: SwitchProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className={`switch-field${disabled ? ' is-disabled' : ''}`}>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={checked}
        disabled={disabled}
        aria-busy={busy || undefined}
        aria-describedby={hint ? hintId : undefined}
        onChange={(event) => onChange(event.target.checked)}
      />
      <div className="switch-field__text">
        <label htmlFor={id} className="switch-field__label">
          {label}
        </label>
        {hint && (
          <p id={hintId} className="field__hint">
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}
